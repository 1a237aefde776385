"""Each channel's payload of the wire contract, turned into a clean value.

Pure Python (imports only `payload.py`): `protocol.decode_message` calls these once per
message, the legacy formats reuse them, and the simulator and the ESPHome contract test
serialise and check payloads with the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
import json
from typing import Final

from .payload import (
    CONTROL_RE,
    MAX_FIELD_LENGTH,
    MAX_NAME_LENGTH,
    Payload,
    ProtocolError,
    decode,
    in_range,
    json_object,
    parse_number,
    shorten,
    text_field,
)

OLED_MAX_CHARS: Final = 64

LIGHT_MIN: Final = 0
LIGHT_MAX: Final = 4095
LEVEL_MIN: Final = 0.0
LEVEL_MAX: Final = 100.0
"""Bounds of a percentage: the light level and the relative humidity."""
TEMPERATURE_MIN: Final = -40.0
TEMPERATURE_MAX: Final = 80.0
HUMIDITY_MIN: Final = LEVEL_MIN
HUMIDITY_MAX: Final = LEVEL_MAX
COUNTER_MAX: Final = 2**31 - 1

PAYLOAD_ONLINE: Final = "online"
PAYLOAD_OFFLINE: Final = "offline"
PAYLOAD_ON: Final = "ON"
PAYLOAD_OFF: Final = "OFF"
BRIDGE_UP: Final = "1"
BRIDGE_DOWN: Final = "0"
"""What a Mosquitto bridge publishes (retained) on its notification topic: connected or
not. The remote broker gets the "0" as the bridge connection's last will."""


class Capability(StrEnum):
    """What a board announces it can do; each one maps to topics and entities."""

    LIGHT = "light"
    LED = "led"
    OLED = "oled"
    TEMPERATURE = "temperature"
    HUMIDITY = "humidity"
    COUNTER = "counter"


class Passage(StrEnum):
    """Direction of one person crossing the door counter's beams."""

    IN = "in"
    OUT = "out"


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


def parse_status(payload: Payload) -> bool:
    """Parse a birth / last-will message: True when the board is online."""
    return _either(payload, PAYLOAD_ONLINE, PAYLOAD_OFFLINE, "status")


def parse_bridge_state(payload: Payload) -> bool:
    """Parse a Mosquitto bridge notification: True while the bridge is connected."""
    return _either(payload, BRIDGE_UP, BRIDGE_DOWN, "bridge state")


def parse_light(payload: Payload) -> int:
    """Parse a raw 12-bit ADC reading."""
    value = parse_number(payload)
    if not value.is_integer() or not LIGHT_MIN <= value <= LIGHT_MAX:
        raise ProtocolError(f"light reading {value:g} is not an integer in 0..4095")
    return int(value)


def parse_temperature(payload: Payload) -> float:
    """Parse a temperature in °C, refusing physically impossible readings."""
    return in_range(
        parse_number(payload), TEMPERATURE_MIN, TEMPERATURE_MAX, "temperature"
    )


def parse_humidity(payload: Payload) -> float:
    """Parse a relative humidity in %."""
    return in_range(parse_number(payload), HUMIDITY_MIN, HUMIDITY_MAX, "humidity")


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


def parse_passage(payload: Payload) -> Passage:
    """Parse one passage event (`in` or `out`)."""
    text = decode(payload).strip()
    try:
        return Passage(text)
    except ValueError:
        raise ProtocolError(f"passage {shorten(text)} is neither in nor out") from None


def parse_led(payload: Payload) -> bool:
    """Parse the LED state echoed by the board."""
    return _either(payload, PAYLOAD_ON, PAYLOAD_OFF, "LED state")


def led_command(on: bool) -> str:
    """Payload for `<base>/<id>/led/set`."""
    return PAYLOAD_ON if on else PAYLOAD_OFF


def parse_oled(payload: Payload) -> str:
    """Parse the text the board says it shows on its OLED."""
    return CONTROL_RE.sub("", _oled_length(decode(payload)))


def oled_command(text: str) -> str:
    """Validate text for `<base>/<id>/oled/set`; refuse, never truncate."""
    if CONTROL_RE.search(text):
        raise ProtocolError("OLED text must not contain control characters")
    return _oled_length(text)


def light_level(raw: int, dark: float, bright: float) -> float | None:
    """Map a raw reading onto 0..100 % between two calibration points."""
    if dark == bright:
        return None
    level = (raw - dark) / (bright - dark) * LEVEL_MAX
    return round(min(LEVEL_MAX, max(LEVEL_MIN, level)), 1)


def _either(payload: Payload, true: str, false: str, what: str) -> bool:
    """A payload of exactly one of two words (surrounding spaces ignored)."""
    text = decode(payload).strip()
    if text in (true, false):
        return text == true
    raise ProtocolError(f"{what} {shorten(text)} is neither {true} nor {false}")


def _oled_length(text: str) -> str:
    if len(text) > OLED_MAX_CHARS:
        raise ProtocolError(
            f"OLED text of {len(text)} characters exceeds {OLED_MAX_CHARS}"
        )
    return text


def _count_field(value: object, what: str) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not 0 <= value <= COUNTER_MAX
    ):
        raise ProtocolError(f"counter {what} {shorten(value)} is not a count")
    return value
