"""The IoT Lab MQTT wire contract: topics, identifiers and payload parsing.

Pure Python on purpose (no Home Assistant import): the integration, the board simulator
and the ESPHome contract tests all hold the firmware to this one module, and it is
unit-tested on its own. Every parser either returns a clean value or raises
`ProtocolError` with a message fit for a log line; nothing else escapes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
import json
import math
import re
from typing import Any, Final

type Payload = bytes | bytearray | str
"""A payload as Home Assistant's MQTT client hands it over."""

DEFAULT_BASE_TOPIC: Final = "iot_lab"

MAX_PAYLOAD_BYTES: Final = 16 * 1024
"""Payloads above this size are dropped before any parsing."""

MAX_JSON_DEPTH: Final = 4
MAX_NAME_LENGTH: Final = 64
MAX_FIELD_LENGTH: Final = 32
OLED_MAX_CHARS: Final = 64

LIGHT_MIN: Final = 0
LIGHT_MAX: Final = 4095
TEMPERATURE_MIN: Final = -40.0
TEMPERATURE_MAX: Final = 80.0
HUMIDITY_MIN: Final = 0.0
HUMIDITY_MAX: Final = 100.0
COUNTER_MAX: Final = 2**31 - 1

BOARD_ID_PATTERN: Final = r"[a-z0-9][a-z0-9_-]{0,31}"
_BOARD_ID_RE: Final = re.compile(BOARD_ID_PATTERN)
_BASE_TOPIC_RE: Final = re.compile(r"[A-Za-z0-9_-]{1,32}(/[A-Za-z0-9_-]{1,32}){0,3}")
_CONTROL_RE: Final = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SLUG_STRIP_RE: Final = re.compile(r"[^a-z0-9_-]+")

PAYLOAD_ONLINE: Final = "online"
PAYLOAD_OFFLINE: Final = "offline"
PAYLOAD_ON: Final = "ON"
PAYLOAD_OFF: Final = "OFF"


class ProtocolError(ValueError):
    """A topic or payload that does not follow the wire contract."""


class Capability(StrEnum):
    """What a board announces it can do; each one maps to topics and entities."""

    LIGHT = "light"
    LED = "led"
    OLED = "oled"
    TEMPERATURE = "temperature"
    HUMIDITY = "humidity"
    COUNTER = "counter"


class Channel(StrEnum):
    """Sub-topics under `<base>/<board id>/` that a board publishes."""

    INFO = "info"
    STATUS = "status"
    LIGHT = "light"
    TEMPERATURE = "temperature"
    HUMIDITY = "humidity"
    COUNTER = "counter"
    PASSAGE = "passage"
    LED = "led"
    OLED = "oled"


class Command(StrEnum):
    """Sub-topics under `<base>/<board id>/` that a board obeys."""

    LED = "led/set"
    OLED = "oled/set"


class Passage(StrEnum):
    """Direction of one person crossing the door counter's beams."""

    IN = "in"
    OUT = "out"


@dataclass(frozen=True, slots=True)
class BoardInfo:
    """The retained announce of a board."""

    board_id: str
    model: str
    name: str
    firmware: str
    capabilities: frozenset[str]
    """Members of `Capability` (or of an adopter's own enum for legacy boards)."""


@dataclass(frozen=True, slots=True)
class CounterTotals:
    """Cumulative passages counted by a door counter since `boot`."""

    entries: int
    exits: int
    boot: str


def is_valid_board_id(board_id: object) -> bool:
    """Tell whether `board_id` may be used as a board id and inside a topic."""
    return isinstance(board_id, str) and _BOARD_ID_RE.fullmatch(board_id) is not None


def validate_board_id(board_id: object) -> str:
    """Return `board_id` if valid, else raise `ProtocolError`."""
    if not is_valid_board_id(board_id):
        raise ProtocolError(f"invalid board id {shorten(board_id)}")
    assert isinstance(board_id, str)
    return board_id


def slugify_board_id(raw: object) -> str:
    """Turn a free-form identifier (legacy sensor ids) into a board id, or refuse it.

    Anything that could steer a topic (`/`, `+`, `#`, NUL, `..`) or pass for another id
    (non-ASCII lookalikes) is refused rather than cleaned, so that two hostile values can
    never collapse onto a real board's id.
    """
    if not isinstance(raw, str) or not raw or len(raw) > MAX_FIELD_LENGTH:
        raise ProtocolError(f"invalid identifier {shorten(raw)}")
    if not raw.isascii():
        # Unicode lookalikes (a Cyrillic "a" in "lab") would impersonate other ids.
        raise ProtocolError(f"identifier {shorten(raw)} is not ASCII")
    if _CONTROL_RE.search(raw) or any(c in raw for c in "/+#") or ".." in raw:
        raise ProtocolError(f"invalid identifier {shorten(raw)}")
    slug = _SLUG_STRIP_RE.sub("_", raw.strip().lower()).strip("_-")
    return validate_board_id(slug[:32])


def validate_base_topic(base_topic: object) -> str:
    """Return a usable base topic (no wildcards, no empty levels), else raise."""
    if not isinstance(base_topic, str) or not _BASE_TOPIC_RE.fullmatch(base_topic):
        raise ProtocolError(f"invalid base topic {shorten(base_topic)}")
    return base_topic


def subscription_topic(base_topic: str) -> str:
    """The one wildcard subscription that carries every board of a base topic."""
    return f"{validate_base_topic(base_topic)}/#"


def channel_topic(base_topic: str, board_id: str, channel: Channel | Command) -> str:
    """Build `<base>/<board id>/<channel>`, refusing any invalid id."""
    return f"{validate_base_topic(base_topic)}/{validate_board_id(board_id)}/{channel}"


def split_topic(base_topic: str, topic: str) -> tuple[str, Channel]:
    """Split a received topic into its board id and channel, or raise.

    Commands (`led/set`, `oled/set`) and unknown sub-topics are refused: only what a
    board publishes is ever routed to entities.
    """
    prefix = f"{base_topic}/"
    if not topic.startswith(prefix):
        raise ProtocolError(f"topic {shorten(topic)} is outside {base_topic}/")
    board_id, _, rest = topic[len(prefix) :].partition("/")
    validate_board_id(board_id)
    try:
        return board_id, Channel(rest)
    except ValueError:
        raise ProtocolError(f"unknown sub-topic {shorten(rest)}") from None


def decode(payload: Payload) -> str:
    """Decode a payload as UTF-8 text after the size check (in bytes, as on the wire)."""
    size = len(payload)
    if isinstance(payload, str) and size <= MAX_PAYLOAD_BYTES and not payload.isascii():
        size = len(payload.encode("utf-8", "surrogatepass"))
    if size > MAX_PAYLOAD_BYTES:
        raise ProtocolError(f"payload of {size} bytes exceeds {MAX_PAYLOAD_BYTES}")
    if isinstance(payload, str):
        return payload
    try:
        return bytes(payload).decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError("payload is not UTF-8") from None


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


def parse_info(board_id: str, payload: Payload) -> BoardInfo:
    """Parse a retained announce sent on `<base>/<board_id>/info`."""
    data = loads_json(payload)
    if not isinstance(data, dict):
        raise ProtocolError("announce is not a JSON object")
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
        model=_text_field(data, "model", MAX_FIELD_LENGTH, default="unknown"),
        name=_text_field(data, "name", MAX_NAME_LENGTH, default=board_id),
        firmware=_text_field(data, "fw", MAX_FIELD_LENGTH, default="unknown"),
        capabilities=caps,
    )


def info_payload(info: BoardInfo) -> str:
    """Serialise an announce exactly as the firmware sends it."""
    return json.dumps(
        {
            "id": info.board_id,
            "model": info.model,
            "name": info.name,
            "fw": info.firmware,
            "caps": sorted(info.capabilities),
        },
        separators=(",", ":"),
    )


def parse_status(payload: Payload) -> bool:
    """Parse a birth / last-will message: True when the board is online."""
    text = decode(payload).strip()
    if text == PAYLOAD_ONLINE:
        return True
    if text == PAYLOAD_OFFLINE:
        return False
    raise ProtocolError(f"status {shorten(text)} is neither online nor offline")


def parse_light(payload: Payload) -> int:
    """Parse a raw 12-bit ADC reading."""
    value = parse_number(payload)
    if not value.is_integer() or not LIGHT_MIN <= value <= LIGHT_MAX:
        raise ProtocolError(f"light reading {value:g} is not an integer in 0..4095")
    return int(value)


def parse_temperature(payload: Payload) -> float:
    """Parse a temperature in °C, refusing physically impossible readings."""
    return _in_range(
        parse_number(payload), TEMPERATURE_MIN, TEMPERATURE_MAX, "temperature"
    )


def parse_humidity(payload: Payload) -> float:
    """Parse a relative humidity in %."""
    return _in_range(parse_number(payload), HUMIDITY_MIN, HUMIDITY_MAX, "humidity")


def parse_counter(payload: Payload) -> CounterTotals:
    """Parse cumulative door-counter totals since the board's boot."""
    data = loads_json(payload)
    if not isinstance(data, dict):
        raise ProtocolError("counter totals are not a JSON object")
    entries = _count_field(data, "entries")
    exits = _count_field(data, "exits")
    boot = data.get("boot")
    if not isinstance(boot, str) or not boot or len(boot) > MAX_FIELD_LENGTH:
        raise ProtocolError(f"counter boot id {shorten(boot)} is not a short string")
    if _CONTROL_RE.search(boot):
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
    text = decode(payload).strip()
    if text == PAYLOAD_ON:
        return True
    if text == PAYLOAD_OFF:
        return False
    raise ProtocolError(f"LED state {shorten(text)} is neither ON nor OFF")


def led_command(on: bool) -> str:
    """Payload for `<base>/<id>/led/set`."""
    return PAYLOAD_ON if on else PAYLOAD_OFF


def parse_oled(payload: Payload) -> str:
    """Parse the text the board says it shows on its OLED."""
    text = decode(payload)
    if len(text) > OLED_MAX_CHARS:
        raise ProtocolError(
            f"OLED text of {len(text)} characters exceeds {OLED_MAX_CHARS}"
        )
    return _CONTROL_RE.sub("", text)


def oled_command(text: str) -> str:
    """Validate text for `<base>/<id>/oled/set`; refuse, never truncate."""
    if _CONTROL_RE.search(text):
        raise ProtocolError("OLED text must not contain control characters")
    if len(text) > OLED_MAX_CHARS:
        raise ProtocolError(
            f"OLED text of {len(text)} characters exceeds {OLED_MAX_CHARS}"
        )
    return text


def has_control_characters(text: str) -> bool:
    """Tell whether text holds characters that could corrupt a log line or a screen."""
    return _CONTROL_RE.search(text) is not None


def parse_number(payload: Payload) -> float:
    """Parse a bare decimal number sent as text."""
    text = decode(payload).strip()
    if len(text) > MAX_FIELD_LENGTH:
        raise ProtocolError(f"number {shorten(text)} is too long")
    try:
        value = float(text)
    except ValueError:
        raise ProtocolError(f"{shorten(text)} is not a number") from None
    if not math.isfinite(value):
        raise ProtocolError(f"{shorten(text)} is not a finite number")
    return value


def light_level(raw: int, dark: float, bright: float) -> float | None:
    """Map a raw reading onto 0..100 % between two calibration points."""
    if dark == bright:
        return None
    level = (raw - dark) / (bright - dark) * 100.0
    return round(min(100.0, max(0.0, level)), 1)


def _in_range(value: float, low: float, high: float, what: str) -> float:
    if not low <= value <= high:
        raise ProtocolError(f"{what} {value:g} is outside {low:g}..{high:g}")
    return value


def _count_field(data: dict[str, Any], key: str) -> int:
    value = data.get(key)
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not 0 <= value <= COUNTER_MAX
    ):
        raise ProtocolError(f"counter {key} {shorten(value)} is not a count")
    return value


def _text_field(
    data: dict[str, Any], key: str, max_length: int, *, default: str
) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise ProtocolError(f"announce {key} is not a string")
    cleaned = _CONTROL_RE.sub("", value).strip()
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


def shorten(value: object, limit: int = 40) -> str:
    """Render untrusted input safely for a log line."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 3]}..."
