"""The library's CSV export: a counter's identity, its lines, and the files they fill.

One file per counter and day, one line per ended 30-minute period, in the format of the
library's HTTP counters; written whole or not at all. Sending them is `export_upload`'s
job, and `export_schedule` runs both every half hour.
"""

from __future__ import annotations

from collections.abc import Iterable
import contextlib
from datetime import date, datetime, time
import os
from pathlib import Path
import tempfile
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util

from .board import Board
from .const import (
    CONF_CLOSING,
    CONF_CSV_IDENTITIES,
    CONF_OPENING,
    DEFAULT_CLOSING,
    DEFAULT_OPENING,
    DOMAIN,
    EXPORT_FOLDER,
)
from .door import DoorCount
from .hub import IotLabConfigEntry
from .iot_lab_wire import CsvIdentity, CsvLine, format_csv_line


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
