"""JSON payloads of the wire contract: a board's announce and a door counter's totals.

Pure Python (imports only `payloads.py`), with JSON's own limits (depth, constants);
the legacy formats and the CSV identity of the options reuse them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
import json
from typing import Any, Final

from .payloads import (
    CONTROL_RE,
    COUNTER_MAX,
    MAX_FIELD_LENGTH,
    MAX_NAME_LENGTH,
    Payload,
    ProtocolError,
    decode,
    shorten,
)

MAX_JSON_DEPTH: Final = 4


class Capability(StrEnum):
    """What a board announces it can do; each one maps to topics and entities."""

    LIGHT = "light"
    LED = "led"
    OLED = "oled"
    TEMPERATURE = "temperature"
    HUMIDITY = "humidity"
    COUNTER = "counter"
    SETTINGS = "settings"
    """Firmware with the settings channel (`config`, `config/set`: `settings.py`)."""


@dataclass(frozen=True, slots=True)
class CsvIdentity:
    """What the library's systems key a counter's CSV lines on; empty: not given."""

    counter_id: str = ""
    counter_name: str = ""
    location: str = ""
    site: str = ""
    site_code: str = ""

    def over(self, other: CsvIdentity) -> CsvIdentity:
        """These fields, and the other's where these are empty."""
        return CsvIdentity(
            *(
                mine or theirs
                for mine, theirs in zip(self.fields(), other.fields(), strict=True)
            )
        )

    def fields(self) -> tuple[str, str, str, str, str]:
        """The five fields, in the CSV line's order."""
        return (
            self.counter_id,
            self.counter_name,
            self.location,
            self.site,
            self.site_code,
        )


CSV_IDENTITY_KEYS: Final = (
    "counter_id",
    "counter_name",
    "location",
    "site",
    "site_code",
)


def csv_identity(data: object) -> CsvIdentity:
    """Validate a counter's CSV identity (an announce's `csv` object, or the options).

    Each field is optional text of at most 64 characters, with no comma (it would split
    the CSV line) and no control character.
    """
    if not isinstance(data, dict) or set(data) - set(CSV_IDENTITY_KEYS):
        raise ProtocolError(
            f"CSV identity {shorten(data)} is not an object of {CSV_IDENTITY_KEYS}"
        )
    values = []
    for key in CSV_IDENTITY_KEYS:
        value = data.get(key, "")
        if (
            not isinstance(value, str)
            or len(value) > MAX_NAME_LENGTH
            or "," in value
            or CONTROL_RE.search(value)
        ):
            raise ProtocolError(
                f"CSV {key} {shorten(value)} is not plain text without commas"
            )
        values.append(value.strip())
    return CsvIdentity(*values)


@dataclass(frozen=True, slots=True)
class BoardInfo:
    """The retained announce of a board."""

    board_id: str
    model: str
    name: str
    firmware: str
    capabilities: frozenset[str]
    """Members of `Capability` (or of an adopter's own enum for legacy boards)."""
    csv: CsvIdentity = CsvIdentity()
    """A door counter's CSV identity, when its announce gives one."""


@dataclass(frozen=True, slots=True)
class CounterTotals:
    """Cumulative passages counted by a door counter since `boot`."""

    entries: int
    exits: int
    boot: str


def parse_info(board_id: str, payload: Payload) -> BoardInfo:
    """Parse a retained announce sent on `<base>/<board_id>/info`."""
    data = json_object(payload, "announce")
    if data.get("id") != board_id:
        raise ProtocolError(
            f"announce id {shorten(data.get('id'))} does not match topic id {board_id}"
        )
    caps_raw = data.get("caps")
    if not isinstance(caps_raw, list) or not all(isinstance(c, str) for c in caps_raw):
        raise ProtocolError("announce caps must be a list of strings")
    caps = frozenset(Capability(c) for c in caps_raw if c in Capability)
    if not caps:
        raise ProtocolError(f"announce has no known capability in {shorten(caps_raw)}")
    return BoardInfo(
        board_id=board_id,
        model=text_field(data, "model", MAX_FIELD_LENGTH, default="unknown"),
        name=text_field(data, "name", MAX_NAME_LENGTH, default=board_id),
        firmware=text_field(data, "fw", MAX_FIELD_LENGTH, default="unknown"),
        capabilities=caps,
        csv=csv_identity(data["csv"]) if "csv" in data else CsvIdentity(),
    )


def info_payload(info: BoardInfo) -> str:
    """Serialise an announce exactly as the firmware sends it."""
    data: dict[str, object] = {
        "id": info.board_id,
        "model": info.model,
        "name": info.name,
        "fw": info.firmware,
        "caps": sorted(info.capabilities),
    }
    if any(info.csv.fields()):
        data["csv"] = dict(zip(CSV_IDENTITY_KEYS, info.csv.fields(), strict=True))
    return json.dumps(data, separators=(",", ":"))


def parse_counter(payload: Payload) -> CounterTotals:
    """Parse cumulative door-counter totals since the board's boot."""
    data = json_object(payload, "counter totals")
    entries = _count_field(data.get("entries"), "entries")
    exits = _count_field(data.get("exits"), "exits")
    boot = data.get("boot")
    if not isinstance(boot, str) or not boot or len(boot) > MAX_FIELD_LENGTH:
        raise ProtocolError(f"counter boot id {shorten(boot)} is not a short string")
    if CONTROL_RE.search(boot):
        raise ProtocolError("counter boot id holds control characters")
    return CounterTotals(entries=entries, exits=exits, boot=boot)


def loads_json(payload: Payload) -> Any:
    """Parse JSON with size and nesting limits, or raise `ProtocolError`."""
    text = decode(payload)
    brackets = text.count("{") + text.count("[")
    if brackets > MAX_JSON_DEPTH and _json_depth(text) > MAX_JSON_DEPTH:
        raise ProtocolError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as err:
        raise ProtocolError(f"broken JSON: {err}") from None


def json_object(payload: Payload, what: str) -> dict[str, Any]:
    """Parse a payload that must be one JSON object."""
    data = loads_json(payload)
    if not isinstance(data, dict):
        raise ProtocolError(f"{what} is not a JSON object")
    return data


def text_field(data: dict[str, Any], key: str, max_length: int, *, default: str) -> str:
    """An optional text field of an announce, control characters removed."""
    value = data.get(key, default)
    if not isinstance(value, str):
        raise ProtocolError(f"announce {key} is not a string")
    cleaned = CONTROL_RE.sub("", value).strip()
    if not cleaned:
        return default
    if len(cleaned) > max_length:
        raise ProtocolError(f"announce {key} is longer than {max_length} characters")
    return cleaned


def _json_depth(text: str) -> int:
    """Nesting depth of brackets outside strings, measured before `json.loads` recurses."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _refuse_constant(name: str) -> float:
    raise ProtocolError(f"JSON constant {name} is not allowed")


def _count_field(value: object, what: str) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not 0 <= value <= COUNTER_MAX
    ):
        raise ProtocolError(f"counter {what} {shorten(value)} is not a count")
    return value
