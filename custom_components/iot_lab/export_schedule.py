"""When the export runs: on request (one at a time per entry), and every half hour."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.event import async_track_time_change

from .board import Board
from .const import CONF_AUTO_EXPORT, LOGGER
from .export_lines import async_export
from .export_upload import async_upload_pending
from .hub import IotLabConfigEntry
from .iot_lab_wire import Capability
from .upload import UploadSettings


async def async_export_and_upload(
    hass: HomeAssistant, entry: IotLabConfigEntry, boards: Iterable[Board], day: date
) -> list[Path]:
    """Export, queue the files for upload when a server is set, and upload.

    One at a time per entry: a second request waits for the first, then finds the
    server already holding what did not change since.
    """
    uploads = entry.runtime_data.store.uploads
    async with uploads.lock:
        files = await async_export(hass, entry, boards, day)
        if UploadSettings.from_options(dict(entry.options)) is not None:
            uploads.add({str(path) for path in files})
            await async_upload_pending(hass, entry)
    return files


def async_start_auto_export(
    hass: HomeAssistant, entry: IotLabConfigEntry
) -> Callable[[], None]:
    """Export today's figures of every counter every 30 minutes."""

    async def run(now: datetime) -> None:
        hub = entry.runtime_data
        counters = [
            board
            for board in hub.announced_boards
            if Capability.COUNTER in board.capabilities
        ]
        try:
            day = hub.day.day_of(now)
            await async_export_and_upload(hass, entry, counters, day)
        except HomeAssistantError as err:
            LOGGER.error("Automatic export of %s failed: %s", entry.title, err)

    return async_track_time_change(hass, run, minute=(0, 30), second=30)


def auto_export_on(options: dict[str, Any]) -> bool:
    """The user's choice; by default on once an upload server is set."""
    default = UploadSettings.from_options(options) is not None
    return bool(options.get(CONF_AUTO_EXPORT, default))
