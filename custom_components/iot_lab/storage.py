"""What an entry keeps across restarts: door counters, open alerts, pending uploads.

One file per entry, in the format it has always had. The counters also roll over here
at local midnight, when today's figures start again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, time
from typing import Any, Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.event import async_track_time_change
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .board import Board
from .const import DOMAIN
from .door import DayRules, DoorCount, OccupancyReset
from .upload import UploadQueue

STORAGE_VERSION: Final = 1
SAVE_DELAY: Final = 1.0
"""Seconds to gather counter changes into one write; flushed on unload and stop."""


def counters_store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, Any]]:
    """Where an entry keeps its door counters (and its boards' alerts) across restarts."""
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}.counters")


class BoardStore:
    """The entry's stored file, written a second after the last change."""

    def __init__(
        self, hass: HomeAssistant, entry_id: str, boards: Mapping[str, Board]
    ) -> None:
        """Keep the figures of `boards` (the hub's own mapping)."""
        self.hass = hass
        self._store = counters_store(hass, entry_id)
        self._boards = boards
        self.uploads = UploadQueue(self.async_schedule_save)

    async def async_restore(self, board: Callable[[str], Board | None]) -> None:
        """Give each stored board (made by `board`) its counters and alerts back."""
        stored = await self._store.async_load() or {}
        self.uploads.restore(
            stored.get("pending_uploads", []), stored.get("sent_uploads", {})
        )
        now = dt_util.now()
        for board_id, data in stored.get("doors", {}).items():
            if (restored := board(board_id)) is not None:
                restored.door.restore(DoorCount.from_dict(data), now)
        for board_id, alerts in stored.get("alerts", {}).items():
            if (restored := board(board_id)) is not None:
                for kind, alert in restored.alerts.items():
                    alert.restore(alerts.get(kind, {}))

    def async_track_days(self, rules: DayRules, closing: time) -> Callable[[], None]:
        """Start each day at the rules' start; empty the building at `closing` if asked.

        Returns the function that stops both.
        """
        daily: list[tuple[time, Callable[[datetime], None]]] = [
            (rules.start, self._async_new_day)
        ]
        if rules.occupancy is OccupancyReset.CLOSING:
            daily.append((closing, self._async_closing))
        stops = [
            async_track_time_change(
                self.hass, action, hour=at.hour, minute=at.minute, second=at.second
            )
            for at, action in daily
        ]

        def stop() -> None:
            for each in stops:
                each()

        return stop

    @callback
    def async_schedule_save(self) -> None:
        """Write soon, gathering the changes of the next second into one write."""
        self._store.async_delay_save(self._data, SAVE_DELAY)

    async def async_flush(self) -> None:
        """Write now (unload, removal of the entry)."""
        await self._store.async_save(self._data())

    @callback
    def _async_new_day(self, now: datetime) -> None:
        for board in self._boards.values():
            board.async_changed(board.door.roll_over(now))

    @callback
    def _async_closing(self, _now: datetime) -> None:
        for board in self._boards.values():
            board.async_changed(board.door.reset_occupancy())

    def _data(self) -> dict[str, Any]:
        boards = self._boards.values()
        return {
            "pending_uploads": sorted(self.uploads.pending),
            "sent_uploads": self.uploads.sent,
            "doors": {
                board.board_id: board.door.count.as_dict()
                for board in boards
                if board.door.count is not None
            },
            "alerts": {
                board.board_id: {
                    kind: alert.as_dict()
                    for kind, alert in board.alerts.items()
                    if alert.last_opened_at is not None
                }
                for board in boards
                if any(alert.last_opened_at for alert in board.alerts.values())
            },
        }
