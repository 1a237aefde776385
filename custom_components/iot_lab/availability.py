"""Whether the boards can be reached, and how long each board has been offline.

A base topic's boards are out of reach while Home Assistant's MQTT client is not
connected, and, for a site whose broker is bridged to Home Assistant's, while that
bridge is down: the central broker then still holds the boards' retained `online`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from homeassistant.components import mqtt
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util

from . import protocol
from .board import Board
from .const import LOGGER
from .state import Part


class Availability:
    """The broker connection, the site's bridge, and one grace timer per offline board."""

    def __init__(
        self,
        hass: HomeAssistant,
        boards: Mapping[str, Board],
        offline_grace: float,
        bridge_topic: str | None = None,
    ) -> None:
        """`offline_grace`: minutes a board may stay offline before its alert.

        `bridge_topic`: where the site broker's bridge says "1" (connected) or "0".
        """
        self.hass = hass
        self.offline_grace = offline_grace
        self.bridge_topic = bridge_topic
        self.broker_connected = mqtt.is_connected(hass)
        self.bridge_up: bool | None = None
        """The bridge's last word; None: no bridge, or it has not said yet."""
        self._boards = boards
        self._timers: dict[str, Callable[[], None]] = {}

    @property
    def connected(self) -> bool:
        """True while the boards can be reached: broker connected, the bridge not down."""
        return self.broker_connected and self.bridge_up is not False

    async def async_start(self) -> Callable[[], None]:
        """Follow the broker connection and the bridge; return what stops it all."""
        unsubscribers = [
            mqtt.async_subscribe_connection_status(
                self.hass, self._async_connection_changed
            )
        ]
        if self.bridge_topic:
            unsubscribers.append(
                await mqtt.async_subscribe(
                    self.hass,
                    self.bridge_topic,
                    self._async_bridge_received,
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
        self._async_reach_changed()

    @callback
    def _async_bridge_received(self, msg: mqtt.ReceiveMessage) -> None:
        """The bridge's notification; anything but "1" or "0" is logged and dropped."""
        try:
            up = protocol.parse_bridge_state(msg.payload)
        except protocol.ProtocolError as err:
            LOGGER.warning("Dropped bridge state on %s: %s", msg.topic, err)
            return
        if up == self.bridge_up:
            return
        self.bridge_up = up
        if up:
            LOGGER.info(
                "Bridge of the site broker is up (%s): boards reachable", msg.topic
            )
        else:
            LOGGER.warning(
                "Bridge of the site broker is down (%s): its boards are unavailable",
                msg.topic,
            )
        self._async_reach_changed()

    @callback
    def _async_reach_changed(self) -> None:
        """Wake every entity: their availability follows `connected`."""
        for board in self._boards.values():
            board.status.changed(Part.STATUS)
