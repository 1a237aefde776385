"""The library's CSV export: one line per 30-minute period, optionally sent by SFTP."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
import posixpath
from typing import Any

import asyncssh
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_track_time_change

from .board import Board
from .const import (
    CONF_CLOSING,
    CONF_OPENING,
    CONF_PRIVATE_KEY,
    CONF_REMOTE_DIR,
    CONF_SFTP,
    DEFAULT_CLOSING,
    DEFAULT_OPENING,
    DEFAULT_SFTP_PORT,
    DOMAIN,
    EXPORT_FOLDER,
    LOGGER,
)
from .counter import DoorCount
from .csvline import CsvLine, format_csv_line
from .hub import IotLabConfigEntry
from .parsers import Capability

UPLOAD_TIMEOUT = 30


@dataclass(frozen=True, slots=True)
class SftpSettings:
    """Where exports are uploaded; a password, a private key, or both."""

    host: str
    port: int
    username: str
    password: str | None
    private_key: str | None
    remote_dir: str

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> SftpSettings | None:
        """Read the entry's SFTP options; None when no server is set."""
        sftp = options.get(CONF_SFTP) or {}
        if not sftp.get(CONF_HOST):
            return None
        return cls(
            host=sftp[CONF_HOST],
            port=int(sftp.get(CONF_PORT, DEFAULT_SFTP_PORT)),
            username=sftp.get(CONF_USERNAME, ""),
            password=sftp.get(CONF_PASSWORD) or None,
            private_key=sftp.get(CONF_PRIVATE_KEY) or None,
            remote_dir=sftp.get(CONF_REMOTE_DIR, ""),
        )


def opening_hours(options: dict[str, Any]) -> tuple[time, time]:
    """Opening and closing time of the library, from the entry's options."""
    return (
        time.fromisoformat(options.get(CONF_OPENING, DEFAULT_OPENING)),
        time.fromisoformat(options.get(CONF_CLOSING, DEFAULT_CLOSING)),
    )


def export_lines(board: Board, day: date, opening: time, closing: time) -> list[str]:
    """The day's lines of a counter, in the format its CSV board posts."""
    door = board.door.count or DoorCount(day=day)
    meta = board.door.csv_line
    name = board.info.name if board.info else board.board_id
    return [
        format_csv_line(
            CsvLine(
                period_end=datetime.combine(day, end),
                entries=entries,
                exits=exits,
                counter_id=meta.counter_id if meta else board.board_id,
                name=meta.name if meta else name,
                location=meta.location if meta else "",
                site=meta.site if meta else "",
                site_code=meta.site_code if meta else "",
            )
        )
        for end, entries, exits in door.periods(day, opening, closing)
    ]


def export_path(hass: HomeAssistant, board: Board, day: date) -> Path:
    """`<config>/iot_lab/exports/DD_MM_YYYY_counterdata-<board id>.csv`."""
    name = f"{day:%d_%m_%Y}_counterdata-{board.board_id}.csv"
    return Path(hass.config.path(*EXPORT_FOLDER, name))


async def async_export(
    hass: HomeAssistant, entry: IotLabConfigEntry, boards: Iterable[Board], day: date
) -> list[Path]:
    """Write each counter's file for `day`; writing it again replaces, never appends."""
    opening, closing = opening_hours(dict(entry.options))
    files = {
        export_path(hass, board, day): "".join(
            f"{line}\n" for line in export_lines(board, day, opening, closing)
        )
        for board in boards
    }
    await hass.async_add_executor_job(_write_files, files)
    return list(files)


def _write_files(files: dict[Path, str]) -> None:
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)


async def async_upload_pending(hass: HomeAssistant, entry: IotLabConfigEntry) -> bool:
    """Send every file not uploaded yet; on failure keep them and raise a repair issue.

    The pending list is stored with the counters, so a restart loses nothing either.
    """
    uploads = entry.runtime_data.store.uploads
    settings = SftpSettings.from_options(dict(entry.options))
    if settings is None or not uploads.pending:
        return True
    files = sorted(Path(name) for name in uploads.pending)
    issue_id = f"sftp_upload_failed_{entry.entry_id}"
    try:
        contents = await hass.async_add_executor_job(_read_files, files)
        await _async_sftp_put(settings, contents)
    except (OSError, asyncssh.Error, TimeoutError) as err:
        LOGGER.warning(
            "SFTP upload of %s file(s) to %s failed, kept for the next run: %s",
            len(files),
            settings.host,
            err,
        )
        ir.async_create_issue(
            hass,
            DOMAIN,
            issue_id,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key="sftp_upload_failed",
            translation_placeholders={
                "host": settings.host,
                "count": str(len(files)),
                "error": str(err) or type(err).__name__,
            },
        )
        return False
    uploads.done({str(path) for path in files})
    ir.async_delete_issue(hass, DOMAIN, issue_id)
    LOGGER.debug("Uploaded %s file(s) to %s", len(files), settings.host)
    return True


def _read_files(files: list[Path]) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in files if path.exists()}


async def _async_sftp_put(settings: SftpSettings, contents: dict[str, bytes]) -> None:
    keys = (
        [asyncssh.import_private_key(settings.private_key)]
        if settings.private_key
        else ()
    )
    async with (
        asyncssh.connect(
            settings.host,
            port=settings.port,
            username=settings.username,
            password=settings.password,
            client_keys=keys,
            known_hosts=None,
            connect_timeout=UPLOAD_TIMEOUT,
        ) as connection,
        connection.start_sftp_client() as sftp,
    ):
        if settings.remote_dir:
            await sftp.makedirs(settings.remote_dir, exist_ok=True)
        for name, data in contents.items():
            remote = posixpath.join(settings.remote_dir, name)
            async with sftp.open(remote, "wb") as remote_file:
                await remote_file.write(data)


async def async_export_and_upload(
    hass: HomeAssistant, entry: IotLabConfigEntry, boards: Iterable[Board], day: date
) -> list[Path]:
    """Export, queue the files for upload when a server is set, and upload."""
    files = await async_export(hass, entry, boards, day)
    if SftpSettings.from_options(dict(entry.options)) is not None:
        entry.runtime_data.store.uploads.add({str(path) for path in files})
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
        await async_export_and_upload(hass, entry, counters, now.date())

    return async_track_time_change(hass, run, minute=(0, 30), second=30)


async def async_check_sftp(settings: SftpSettings) -> None:
    """Log in and open the remote folder once, to refuse settings that cannot work."""
    await _async_sftp_put(settings, {})
