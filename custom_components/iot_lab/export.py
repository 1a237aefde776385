"""The library's CSV export: one line per ended 30-minute period, sent by SFTP or FTPS."""

from __future__ import annotations

from collections.abc import Callable, Iterable
import contextlib
from datetime import date, datetime, time
import os
from pathlib import Path
import tempfile
from typing import Any

import asyncssh
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_track_time_change
from homeassistant.util import dt as dt_util

from .board import Board
from .const import (
    CONF_AUTO_EXPORT,
    CONF_CLOSING,
    CONF_CSV_IDENTITIES,
    CONF_HOST_KEY,
    CONF_OPENING,
    CONF_SFTP,
    DEFAULT_CLOSING,
    DEFAULT_OPENING,
    DOMAIN,
    EXPORT_FOLDER,
    LOGGER,
)
from .door import DoorCount
from .hub import IotLabConfigEntry
from .iot_lab_wire import (
    Capability,
    CsvIdentity,
    CsvLine,
    format_csv_line,
)
from .upload import UploadRefusedError, UploadSettings, async_put


def opening_hours(options: dict[str, Any]) -> tuple[time, time]:
    """Opening and closing time of the library, from the entry's options."""
    return (
        time.fromisoformat(options.get(CONF_OPENING, DEFAULT_OPENING)),
        time.fromisoformat(options.get(CONF_CLOSING, DEFAULT_CLOSING)),
    )


def csv_identity_of(board: Board, options: dict[str, Any]) -> CsvIdentity:
    """The counter's CSV identity: the user's, then the board's own, then its id and name.

    The board's own is what an HTTP counter posts in its lines, or what an ESPHome counter
    announces.
    """
    user = CsvIdentity(**options.get(CONF_CSV_IDENTITIES, {}).get(board.board_id, {}))
    line = board.door.csv_line
    posted = (
        CsvIdentity(
            line.counter_id, line.name, line.location, line.site, line.site_code
        )
        if line
        else CsvIdentity()
    )
    announced = board.info.csv if board.info else CsvIdentity()
    name = board.info.name if board.info else board.board_id
    fallback = CsvIdentity(board.board_id, name.replace(",", " "))
    return user.over(posted).over(announced).over(fallback)


def export_lines(
    board: Board,
    day: date,
    options: dict[str, Any],
    now: datetime,
) -> list[str]:
    """The lines of the day's periods that have ended by `now` (local, naive)."""
    opening, closing = opening_hours(options)
    identity = csv_identity_of(board, options)
    door = board.door.count or DoorCount(day=day)
    return [
        format_csv_line(
            CsvLine(datetime.combine(day, end), entries, exits, *identity.fields())
        )
        for end, entries, exits in door.periods(day, opening, closing)
        if datetime.combine(day, end) <= now
    ]


def export_path(hass: HomeAssistant, board: Board, day: date) -> Path:
    """`<config>/iot_lab/exports/DD_MM_YYYY_counterdata-<board id>.csv`."""
    name = f"{day:%d_%m_%Y}_counterdata-{board.board_id}.csv"
    return Path(hass.config.path(*EXPORT_FOLDER, name))


async def async_export(
    hass: HomeAssistant, entry: IotLabConfigEntry, boards: Iterable[Board], day: date
) -> list[Path]:
    """Write each counter's file for `day`: the periods that have ended, one line each.

    Writing it again replaces the file, so a line is never there twice; today's file
    grows every half hour, a past day's holds the whole day.
    """
    options = dict(entry.options)
    now = dt_util.now().replace(tzinfo=None)
    files = {
        export_path(hass, board, day): "".join(
            f"{line}\n" for line in export_lines(board, day, options, now)
        )
        for board in boards
    }
    try:
        await hass.async_add_executor_job(_write_files, files)
    except OSError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="export_failed",
            translation_placeholders={"error": str(err)},
        ) from err
    return list(files)


def _write_files(files: dict[Path, str]) -> None:
    """Replace each file in one step, or leave it as it was.

    The text goes first to a temporary file of this write's own (a unique name in the
    same folder), removed if anything fails: a reader never sees half a file, and two
    writers never share a temporary file.
    """
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, partial = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.stem}.", suffix=".part"
        )
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.chmod(partial, 0o644)  # as an ordinary file, not mkstemp's 0600
            os.replace(partial, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(partial)
            raise


async def async_upload_pending(hass: HomeAssistant, entry: IotLabConfigEntry) -> bool:
    """Send every file not uploaded yet; on failure keep them and raise a repair issue.

    A file whose content the server already has is not sent again. The pending list is
    stored with the counters, so a restart loses nothing either. The caller holds the
    entry's upload lock.
    """
    uploads = entry.runtime_data.store.uploads
    settings = UploadSettings.from_options(dict(entry.options))
    if settings is None or not uploads.pending:
        return True
    files = sorted(Path(name) for name in uploads.pending)
    issue_id = f"upload_failed_{entry.entry_id}"
    try:
        contents = await hass.async_add_executor_job(_read_files, files)
        changed = {
            path: data
            for path, data in contents.items()
            if not uploads.unchanged(str(path), data)
        }
        host_key = (
            await async_put(
                hass, settings, {path.name: data for path, data in changed.items()}
            )
            if changed
            else None
        )
    except UploadRefusedError as err:
        _async_upload_issue(hass, issue_id, err.reason, settings, (len(files), err))
        return False
    except (OSError, asyncssh.Error, TimeoutError) as err:
        _async_upload_issue(
            hass, issue_id, "upload_failed", settings, (len(files), err)
        )
        return False
    uploads.done(
        {str(path) for path in files},
        {str(path): data for path, data in changed.items()},
    )
    ir.async_delete_issue(hass, DOMAIN, issue_id)
    if host_key and settings.host_key is None:  # an SFTP server, first upload
        _pin_host_key(hass, entry, host_key)
    LOGGER.debug("Uploaded %s file(s) to %s", len(changed), settings.host)
    return True


def _async_upload_issue(
    hass: HomeAssistant,
    issue_id: str,
    translation_key: str,
    settings: UploadSettings,
    failure: tuple[int, Exception],
) -> None:
    """One repair issue per entry; its text says why and what to do."""
    count, err = failure
    LOGGER.warning(
        "%s upload of %s file(s) to %s failed (%s), kept for the next run: %s",
        settings.protocol.upper(),
        count,
        settings.host,
        translation_key,
        err,
    )
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key=translation_key,
        translation_placeholders={
            "host": settings.host,
            "count": str(count),
            "error": str(err) or type(err).__name__,
        },
    )


def _pin_host_key(hass: HomeAssistant, entry: IotLabConfigEntry, host_key: str) -> None:
    """Trust on first use, for settings saved before host keys were pinned."""
    server = {**entry.options[CONF_SFTP], CONF_HOST_KEY: host_key}
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_SFTP: server}
    )
    LOGGER.info("SFTP host key of %s pinned: %s", server["host"], host_key)


def _read_files(files: list[Path]) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in files if path.exists()}


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
            await async_export_and_upload(hass, entry, counters, now.date())
        except HomeAssistantError as err:
            LOGGER.error("Automatic export of %s failed: %s", entry.title, err)

    return async_track_time_change(hass, run, minute=(0, 30), second=30)


def auto_export_on(options: dict[str, Any]) -> bool:
    """The user's choice; by default on once an upload server is set."""
    default = UploadSettings.from_options(options) is not None
    return bool(options.get(CONF_AUTO_EXPORT, default))
