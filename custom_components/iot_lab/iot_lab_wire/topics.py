"""Topics of the wire contract: board ids, base topics, channels, and decoding.

Pure Python. `decode_message` is the one decode step of a received message: it splits
the topic, checks the board id, and hands the payload to its channel's parser; it
returns a typed message, or a `Refusal` with its reason; nothing escapes.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import lru_cache
import re
from typing import Final

from .json_payloads import parse_counter, parse_info
from .messages import (
    Announce,
    Crossing,
    HumidityReading,
    LedEcho,
    LightReading,
    OledEcho,
    Refusal,
    SettingsEcho,
    Status,
    TemperatureReading,
    Totals,
    WireMessage,
)
from .payloads import (
    CONTROL_RE,
    MAX_FIELD_LENGTH,
    Payload,
    ProtocolError,
    parse_humidity,
    parse_led,
    parse_light,
    parse_oled,
    parse_passage,
    parse_status,
    parse_temperature,
    shorten,
    validate_topic,
)
from .settings import parse_settings

DEFAULT_BASE_TOPIC: Final = "iot_lab"

BOARD_ID_PATTERN: Final = r"[a-z0-9][a-z0-9_-]{0,31}"
_BOARD_ID_RE: Final = re.compile(BOARD_ID_PATTERN)
_BASE_TOPIC_RE: Final = re.compile(r"[A-Za-z0-9_-]{1,32}(/[A-Za-z0-9_-]{1,32}){0,3}")
_SLUG_STRIP_RE: Final = re.compile(r"[^a-z0-9_-]+")
INVALID_TOPIC: Final = "<invalid topic>"
"""The board a refusal is logged under when the topic names no valid board."""


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
    CONFIG = "config"


class Command(StrEnum):
    """Sub-topics under `<base>/<board id>/` that a board obeys."""

    LED = "led/set"
    OLED = "oled/set"
    CONFIG = "config/set"


_CHANNELS: Final = {channel.value: channel for channel in Channel}
"""A sub-topic to its channel, without the enum's slower lookup by value."""

_COMMAND_SUFFIXES: Final = tuple(f"/{command}" for command in Command)

ALERT_LEVEL: Final = "alert"
"""`<base>/<board id>/alert/...`: a board's alerts, published by Home Assistant (the alert
blueprint) for programs outside it. Neither a board's message nor one for us."""


def is_valid_board_id(board_id: object) -> bool:
    """Tell whether `board_id` may be used as a board id and inside a topic."""
    return isinstance(board_id, str) and len(board_id) <= 32 and _valid_id(board_id)


@lru_cache(maxsize=1024)
def _valid_id(board_id: str) -> bool:
    """A regex match, remembered: every message checks its board's id, and ids repeat.

    In Home Assistant's event loop the match cost several times a cache lookup.
    """
    return _BOARD_ID_RE.fullmatch(board_id) is not None


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
    if CONTROL_RE.search(raw) or any(c in raw for c in "/+#") or ".." in raw:
        raise ProtocolError(f"invalid identifier {shorten(raw)}")
    slug = _SLUG_STRIP_RE.sub("_", raw.strip().lower()).strip("_-")
    return validate_board_id(slug[:32])


def validate_base_topic(base_topic: object) -> str:
    """Return a usable base topic (no wildcards, no empty levels), else raise."""
    if not isinstance(base_topic, str) or not _BASE_TOPIC_RE.fullmatch(base_topic):
        raise ProtocolError(f"invalid base topic {shorten(base_topic)}")
    return base_topic


def validate_bridge_topic(topic: str, base_topic: str) -> str:
    """A bridge's notification topic: a plain topic outside the base topic, else raise.

    Inside it, every notification would also reach the boards' subscription.
    """
    validate_topic(topic)
    if topic == base_topic or topic.startswith(f"{base_topic}/"):
        raise ProtocolError(f"topic {shorten(topic)} is inside {base_topic}/")
    return topic


def subscription_topic(base_topic: str) -> str:
    """The one wildcard subscription that carries every board of a base topic."""
    return f"{validate_base_topic(base_topic)}/#"


def channel_topic(base_topic: str, board_id: str, channel: Channel | Command) -> str:
    """Build `<base>/<board id>/<channel>`, refusing any invalid id."""
    return f"{validate_base_topic(base_topic)}/{validate_board_id(board_id)}/{channel}"


def board_key(base_topic: str, board_id: str) -> str:
    """A board's identity in Home Assistant's registries: its topic root, `<base>/<id>`.

    Two sites (base topics) may both have a `lab-1`; their devices and entities must
    never meet, so the base topic is part of every device identifier and unique id.
    """
    return f"{base_topic}/{board_id}"


def board_id_of_key(base_topic: str, key: str) -> str | None:
    """The board id of a registry key of `base_topic`, or None (another site's key)."""
    prefix = f"{base_topic}/"
    if not key.startswith(prefix) or not is_valid_board_id(key[len(prefix) :]):
        return None
    return key[len(prefix) :]


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
    if (channel := _CHANNELS.get(rest)) is None:
        raise ProtocolError(f"unknown sub-topic {shorten(rest)}")
    return board_id, channel


def decode_message(base_topic: str, topic: str, payload: Payload) -> WireMessage | None:
    """Turn one received message into a typed message (None: not a board's, not for us)."""
    try:
        board_id, channel = split_topic(base_topic, topic)
    except ProtocolError as err:
        if _published_by_home_assistant(base_topic, topic):
            return None
        return Refusal(board_id=INVALID_TOPIC, kind="topic", reason=str(err))
    if channel is Channel.CONFIG and not payload:
        return None  # a retained echo cleared: the board sends it again on connect
    try:
        return _DECODERS[channel](board_id, channel, payload)
    except ProtocolError as err:
        return Refusal(board_id=board_id, kind=channel, reason=str(err))


def _published_by_home_assistant(base_topic: str, topic: str) -> bool:
    """Commands and alerts: what Home Assistant itself publishes under the base topic."""
    if topic.endswith(_COMMAND_SUFFIXES):
        return True
    rest = topic.removeprefix(f"{base_topic}/").partition("/")[2]
    return rest == ALERT_LEVEL or rest.startswith(f"{ALERT_LEVEL}/")


type _Decoder = Callable[[str, str, Payload], WireMessage]


def _announce(board_id: str, kind: str, payload: Payload) -> WireMessage:
    info = parse_info(board_id, payload) if payload else None
    return Announce(board_id=board_id, kind=kind, info=info)


_DECODERS: Final[dict[Channel, _Decoder]] = {
    Channel.LIGHT: lambda board_id, kind, payload: LightReading(
        board_id=board_id, kind=kind, raw=parse_light(payload)
    ),
    Channel.TEMPERATURE: lambda board_id, kind, payload: TemperatureReading(
        board_id=board_id, kind=kind, value=parse_temperature(payload)
    ),
    Channel.HUMIDITY: lambda board_id, kind, payload: HumidityReading(
        board_id=board_id, kind=kind, value=parse_humidity(payload)
    ),
    Channel.INFO: _announce,
    Channel.STATUS: lambda board_id, kind, payload: Status(
        board_id=board_id, kind=kind, online=parse_status(payload)
    ),
    Channel.COUNTER: lambda board_id, kind, payload: Totals(
        board_id=board_id, kind=kind, totals=parse_counter(payload)
    ),
    Channel.PASSAGE: lambda board_id, kind, payload: Crossing(
        board_id=board_id, kind=kind, passage=parse_passage(payload)
    ),
    Channel.LED: lambda board_id, kind, payload: LedEcho(
        board_id=board_id, kind=kind, on=parse_led(payload)
    ),
    Channel.OLED: lambda board_id, kind, payload: OledEcho(
        board_id=board_id, kind=kind, text=parse_oled(payload)
    ),
    Channel.CONFIG: lambda board_id, kind, payload: SettingsEcho(
        board_id=board_id, kind=kind, settings=parse_settings(payload)
    ),
}
"""One decoder per channel: the payload's parser, and the message it gives."""
