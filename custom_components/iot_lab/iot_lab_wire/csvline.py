"""The HTTP door counters' CSV lines: one line per 30-minute period.

Pure Python, like the rest of the wire contract: the webhook parses posted
lines here with the contract's rules, and the export writes its files in the same format.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Final

from .json_payloads import BoardInfo, Capability
from .payloads import (
    COUNTER_MAX,
    MAX_NAME_LENGTH,
    ProtocolError,
    decode,
    has_control_characters,
    shorten as _shorten,
)
from .topics import slugify_board_id

LEGACY_FIRMWARE: Final = "legacy"
LAST_HEARD: Final = "last_heard"
"""Capability of a board that cannot say whether it is connected (no status topic):
it gets a "Last heard" sensor instead of a connectivity sensor."""
CSV_COUNTER_MODEL: Final = "csv-counter"
MAX_CSV_LINE: Final = 512
MAX_CSV_BODY: Final = 16 * 1024
CSV_FIELDS: Final = 9


@dataclass(frozen=True, slots=True)
class CsvLine:
    """One line posted every 30 minutes by the HTTP door counter."""

    period_end: datetime
    entries: int
    exits: int
    counter_id: str
    name: str
    location: str
    site: str
    site_code: str

    @property
    def board_id(self) -> str:
        """The board id of the counter device fed by this line."""
        return csv_board_id(self.counter_id)


def csv_board_id(counter_id: str) -> str:
    """Board id of an HTTP counter, refusing hostile counter ids."""
    return f"csv-{slugify_board_id(counter_id)}"[:32].rstrip("_-")


def parse_csv_line(line: str) -> CsvLine:
    """Parse `2024-5-12,14:30:00,12,9,ALLI1,Counter A,RDCentre,Alliance,ALLI`."""
    if len(line) > MAX_CSV_LINE:
        raise ProtocolError(
            f"CSV line of {len(line)} characters exceeds {MAX_CSV_LINE}"
        )
    fields = [field.strip() for field in line.strip().split(",")]
    if len(fields) != CSV_FIELDS:
        raise ProtocolError(f"CSV line has {len(fields)} fields, expected {CSV_FIELDS}")
    day_text, time_text, entries, exits, counter_id, *text = fields
    try:
        year, month, day = (int(part) for part in day_text.split("-"))
        hour, minute, second = (int(part) for part in time_text.split(":"))
        period_end = datetime.combine(
            date(year, month, day), time(hour, minute, second)
        )
    except ValueError:
        raise ProtocolError(
            f"CSV date/time {_shorten(day_text)} {_shorten(time_text)} "
            "is not YYYY-M-D,HH:MM:SS"
        ) from None
    csv_board_id(counter_id)
    for value in text:
        if has_control_characters(value) or len(value) > MAX_NAME_LENGTH:
            raise ProtocolError(f"CSV text field {_shorten(value)} is not plain text")
    name, location, site, site_code = text
    return CsvLine(
        period_end=period_end,
        entries=_csv_count(entries, "entries"),
        exits=_csv_count(exits, "exits"),
        counter_id=counter_id,
        name=name or counter_id,
        location=location,
        site=site,
        site_code=site_code,
    )


def parse_csv_body(body: bytes) -> list[CsvLine]:
    """Parse a webhook body: one or more lines, all valid or none counted."""
    if len(body) > MAX_CSV_BODY:
        raise ProtocolError(f"body of {len(body)} bytes exceeds {MAX_CSV_BODY}")
    lines = [line for line in decode(body).splitlines() if line.strip()]
    if not lines:
        raise ProtocolError("body holds no CSV line")
    return [parse_csv_line(line) for line in lines]


def format_csv_line(line: CsvLine) -> str:
    """Write a line exactly as the counter board does (no zero padding in the date)."""
    end = line.period_end
    return ",".join(
        (
            f"{end.year}-{end.month}-{end.day}",
            end.strftime("%H:%M:%S"),
            str(line.entries),
            str(line.exits),
            line.counter_id,
            line.name,
            line.location,
            line.site,
            line.site_code,
        )
    )


def legacy_model(model: str) -> str:
    """The device model of a board with older firmware."""
    return f"{model} (legacy)"


def legacy_board(board_id: str, model: str, name: str, *caps: str) -> BoardInfo:
    """The device of a board with older firmware, which announces nothing itself."""
    return BoardInfo(
        board_id, legacy_model(model), name, LEGACY_FIRMWARE, frozenset(caps)
    )


def csv_board_info(line: CsvLine) -> BoardInfo:
    """The device of an HTTP counter, named after its CSV fields."""
    return legacy_board(
        line.board_id, CSV_COUNTER_MODEL, line.name, Capability.COUNTER, LAST_HEARD
    )


def _csv_count(text: str, what: str) -> int:
    if not text.isdigit() or int(text) > COUNTER_MAX:
        raise ProtocolError(f"CSV {what} {_shorten(text)} is not a count")
    return int(text)
