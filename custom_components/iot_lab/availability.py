"""Whether the broker is reachable, and how long each board has been offline."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from homeassistant.components import mqtt
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util

from .board import Board
from .const import LOGGER
from .state import Part


class Availability:
    """The broker connection of the entry, and one grace timer per offline board."""

    def __init__(
        self, hass: HomeAssistant, boards: Mapping[str, Board], offline_grace: float
    ) -> None:
        """`offline_grace`: minutes a board may stay offline before its alert."""
        self.hass = hass
        self.offline_grace = offline_grace
        self.connected = mqtt.is_connected(hass)
        self._boards = boards
        self._timers: dict[str, Callable[[], None]] = {}

    def async_start(self) -> Callable[[], None]:
        """Follow the broker connection; return the function that stops it all."""
        unsubscribe = mqtt.async_subscribe_connection_status(
            self.hass, self._async_connection_changed
        )

        def stop() -> None:
            unsubscribe()
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
        self.connected = connected
        for board in self._boards.values():
            board.status.changed(Part.STATUS)
