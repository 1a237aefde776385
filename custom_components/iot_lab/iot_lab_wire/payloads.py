"""Plain-text payloads of the wire contract, and the primitives every format builds on.

Pure Python, importing nothing of the package: size, UTF-8, numbers, ranges and text
limits are written once here; each plain channel (light, temperature, humidity, status,
LED, OLED, passage) is parsed here too, so that decoding a reading stays in this module
and `topics.py`. Everything returns a clean value or raises `ProtocolError`.
"""

from __future__ import annotations

from enum import StrEnum
import math
import re
from typing import Final

type Payload = bytes | bytearray | str
"""A payload as Home Assistant's MQTT client hands it over."""

MAX_PAYLOAD_BYTES: Final = 16 * 1024
"""Payloads above this size are dropped before any parsing."""

MAX_NAME_LENGTH: Final = 64
MAX_FIELD_LENGTH: Final = 32

CONTROL_RE: Final = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_TOPIC_RE: Final = re.compile(r"[^\x00-\x1f\x7f-\x9f+#]{1,128}")


class ProtocolError(ValueError):
    """A topic or payload that does not follow the wire contract."""


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


def validate_topic(raw: str) -> str:
    """A topic to publish on or follow: 1-128 characters, no wildcard, no control one."""
    if not _TOPIC_RE.fullmatch(raw):
        raise ProtocolError(f"invalid MQTT topic {shorten(raw)}")
    return raw


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


def in_range(value: float, low: float, high: float, what: str) -> float:
    """Return `value` when it lies within `low..high`, else raise."""
    if not low <= value <= high:
        raise ProtocolError(f"{what} {value:g} is outside {low:g}..{high:g}")
    return value


def has_control_characters(text: str) -> bool:
    """Tell whether text holds characters that could corrupt a log line or a screen."""
    return CONTROL_RE.search(text) is not None


def shorten(value: object, limit: int = 40) -> str:
    """Render untrusted input safely for a log line."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


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


class Passage(StrEnum):
    """Direction of one person crossing the door counter's beams."""

    IN = "in"
    OUT = "out"


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
