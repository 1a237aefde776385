"""Whether the boards can be reached, and how long each board has been offline.

A base topic's boards are out of reach while Home Assistant's MQTT client is not
connected, and a board behind a site broker bridged to Home Assistant's, while that
bridge is down: the central broker then still holds the board's retained `online`.
Sites bridged under one base topic (`topic iot_lab/# both 1` on each site broker) are
told apart by the boards the user lists behind each bridge. Boards with older firmware
that have no status topic are online while heard from, offline after a silence.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from functools import partial

from homeassistant.components import mqtt
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util

from .board import Board
from .const import LOGGER
from .iot_lab_wire import (
    DEFAULT_SILENCE,
    ProtocolError,
    parse_bridge_state,
    silent_kind,
)
from .state import Part


class Availability:
    """The broker connection, the sites' bridges, and one grace timer per offline board."""

    def __init__(
        self,
        hass: HomeAssistant,
        boards: Mapping[str, Board],
        offline_grace: float,
        bridges: Mapping[str, Iterable[str]] | None = None,
        silence: Mapping[str, float] | None = None,
    ) -> None:
        """`offline_grace`: minutes a board may stay offline before its alert.

        `bridges`: each bridge's notification topic (where it says "1" or "0") and the
        boards behind it; a bridge with no board listed carries every other board.
        `silence`: minutes a board without a status topic may stay silent, by kind.
        """
        self.hass = hass
        self.offline_grace = offline_grace
        self.silence: dict[str, float] = {**DEFAULT_SILENCE, **(silence or {})}
        self._silence_timers: dict[str, Callable[[], None]] = {}
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
            for timers in (self._timers, self._silence_timers):
                while timers:
                    timers.popitem()[1]()

        return stop

    @callback
    def async_set_online(self, board: Board, online: bool) -> None:
        """Record a board's birth or last will; log each change once."""
        was = board.status.online
        if not self._async_change(board, online):
            return
        if was is not None or not online:
            LOGGER.info(
                "Board %s is %s", board.board_id, "online" if online else "offline"
            )

    @callback
    def async_heard(self, board: Board) -> None:
        """A board without a status topic sent something: online until it falls silent.

        Other boards say when they go away (their last will): nothing to do for them.
        """
        if (kind := silent_kind(board.info)) is None:
            return
        board.async_changed(board.status.heard(dt_util.utcnow()))
        if board.status.online is False:
            LOGGER.info("Board %s is heard from again", board.board_id)
        self._async_change(board, True)
        if cancel := self._silence_timers.pop(board.board_id, None):
            cancel()
        minutes = self.silence[kind]

        @callback
        def _silent(_: datetime) -> None:
            del self._silence_timers[board.board_id]
            LOGGER.info(
                "Board %s not heard from for %g min: its entities are unavailable",
                board.board_id,
                minutes,
            )
            self._async_change(board, False)

        self._silence_timers[board.board_id] = async_call_later(
            self.hass, minutes * 60, _silent
        )

    def _async_change(self, board: Board, online: bool) -> bool:
        """Apply a change of connection; False when there was none.

        Online resolves the offline alert; offline opens it after the grace period.
        """
        if not (changes := board.status.set_online(online)):
            return False
        board.async_changed(changes)
        if online:
            if cancel := self._timers.pop(board.board_id, None):
                cancel()
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
        return True

    def async_forget(self, board_id: str) -> None:
        """Cancel a board's timers: it is gone."""
        for timers in (self._timers, self._silence_timers):
            if cancel := timers.pop(board_id, None):
                cancel()

    @callback
    def _async_connection_changed(self, connected: bool) -> None:
        self.broker_connected = connected
        self._async_wake(self._boards.values())

    @callback
    def _async_bridge_received(self, bridge: str, msg: mqtt.ReceiveMessage) -> None:
        """A bridge's notification; anything but "1" or "0" is logged and dropped."""
        try:
            up = parse_bridge_state(msg.payload)
        except ProtocolError as err:
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
            board.async_changed((Part.AVAILABILITY,))
