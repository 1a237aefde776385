"""Payload primitives of the wire contract: size, UTF-8, numbers, JSON, text.

Pure Python (no Home Assistant import, no import of the package): `protocol.py` builds
every channel's parser on these, and the legacy formats reuse them, so a limit is
written once. Everything either returns a clean value or raises `ProtocolError`.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, Final

type Payload = bytes | bytearray | str
"""A payload as Home Assistant's MQTT client hands it over."""

MAX_PAYLOAD_BYTES: Final = 16 * 1024
"""Payloads above this size are dropped before any parsing."""

MAX_JSON_DEPTH: Final = 4
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


def shorten(value: object, limit: int = 40) -> str:
    """Render untrusted input safely for a log line."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


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
