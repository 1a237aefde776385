"""Whether the boards can be reached, and how long each board has been offline.

A base topic's boards are out of reach while Home Assistant's MQTT client is not
connected, and a board behind a site broker bridged to Home Assistant's, while that
bridge is down: the central broker then still holds the board's retained `online`.
Sites bridged under one base topic (`topic iot_lab/# both 1` on each site broker) are
told apart by the boards the user lists behind each bridge.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from functools import partial

from homeassistant.components import mqtt
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util

from . import protocol
from .board import Board
from .const import LOGGER
from .state import Part


class Availability:
    """The broker connection, the sites' bridges, and one grace timer per offline board."""

    def __init__(
        self,
        hass: HomeAssistant,
        boards: Mapping[str, Board],
        offline_grace: float,
        bridges: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        """`offline_grace`: minutes a board may stay offline before its alert.

        `bridges`: each bridge's notification topic (where it says "1" or "0") and the
        boards behind it; a bridge with no board listed carries every other board.
        """
        self.hass = hass
        self.offline_grace = offline_grace
        self.broker_connected = mqtt.is_connected(hass)
        self.bridges = {topic: frozenset(ids) for topic, ids in (bridges or {}).items()}
        self.bridge_up: dict[str, bool] = {}
        """Each bridge's last word; a bridge that has not said yet is not listed."""
        self._bridge_of_board = {
            board_id: topic for topic, ids in self.bridges.items() for board_id in ids
        }
        self._bridge_of_the_rest = next(
            (topic for topic, ids in self.bridges.items() if not ids), None
        )
        self._boards = boards
        self._timers: dict[str, Callable[[], None]] = {}

    def bridge_of(self, board_id: str) -> str | None:
        """The notification topic of the bridge a board is behind (None: no bridge)."""
        return self._bridge_of_board.get(board_id, self._bridge_of_the_rest)

    def reachable(self, board_id: str) -> bool:
        """True while a board can be reached: broker connected, its bridge not down."""
        if not self.broker_connected:
            return False
        bridge = self.bridge_of(board_id)
        return bridge is None or self.bridge_up.get(bridge) is not False

    async def async_start(self) -> Callable[[], None]:
        """Follow the broker connection and the bridges; return what stops it all."""
        unsubscribers = [
            mqtt.async_subscribe_connection_status(
                self.hass, self._async_connection_changed
            )
        ]
        for topic in self.bridges:
            unsubscribers.append(
                await mqtt.async_subscribe(
                    self.hass,
                    topic,
                    partial(self._async_bridge_received, topic),
                    qos=1,
                    encoding=None,
                )
            )

        def stop() -> None:
            while unsubscribers:
                unsubscribers.pop()()
            while self._timers:
                self._timers.popitem()[1]()

        return stop

    @callback
    def async_set_online(self, board: Board, online: bool) -> None:
        """Record a board's birth or last will; log each change once."""
        was = board.status.online
        if not board.status.set_online(online):
            return
        if was is not None or not online:
            LOGGER.info(
                "Board %s is %s", board.board_id, "online" if online else "offline"
            )
        if online:
            self.async_forget(board.board_id)
            board.async_alert(board.offline_alert.resolve(dt_util.utcnow()))
        elif board.board_id not in self._timers:

            @callback
            def _still_offline(_: datetime) -> None:
                del self._timers[board.board_id]
                board.async_alert(
                    board.offline_alert.open(dt_util.utcnow(), self.offline_grace)
                )

            self._timers[board.board_id] = async_call_later(
                self.hass, self.offline_grace * 60, _still_offline
            )

    def async_forget(self, board_id: str) -> None:
        """Cancel a board's offline timer (back online, or gone)."""
        if cancel := self._timers.pop(board_id, None):
            cancel()

    @callback
    def _async_connection_changed(self, connected: bool) -> None:
        self.broker_connected = connected
        self._async_wake(self._boards.values())

    @callback
    def _async_bridge_received(self, bridge: str, msg: mqtt.ReceiveMessage) -> None:
        """A bridge's notification; anything but "1" or "0" is logged and dropped."""
        try:
            up = protocol.parse_bridge_state(msg.payload)
        except protocol.ProtocolError as err:
            LOGGER.warning("Dropped bridge state on %s: %s", bridge, err)
            return
        if self.bridge_up.get(bridge) == up:
            return
        self.bridge_up[bridge] = up
        behind = [
            board
            for board in self._boards.values()
            if self.bridge_of(board.board_id) == bridge
        ]
        if up:
            LOGGER.info(
                "Bridge of a site broker is up (%s): %d boards reachable",
                bridge,
                len(behind),
            )
        else:
            LOGGER.warning(
                "Bridge of a site broker is down (%s): its %d boards are unavailable",
                bridge,
                len(behind),
            )
        self._async_wake(behind)

    @staticmethod
    @callback
    def _async_wake(boards: Iterable[Board]) -> None:
        """Wake the boards' entities: their availability follows `reachable`."""
        for board in boards:
            board.status.changed(Part.AVAILABILITY)
