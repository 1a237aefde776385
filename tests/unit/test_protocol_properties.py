"""Property tests of the wire contract: a clean value or ProtocolError, only."""

from __future__ import annotations

from collections.abc import Callable
import json
import math
import re
from typing import Any

from hypothesis import given, strategies as st
import pytest

from custom_components.iot_lab.iot_lab_wire import (
    BOARD_ID_PATTERN,
    COUNTER_MAX,
    BoardInfo,
    Channel,
    Command,
    CounterTotals,
    Passage,
    ProtocolError,
    channel_topic,
    decode,
    has_control_characters,
    info_payload,
    is_valid_board_id,
    light_level,
    loads_json,
    oled_command,
    parse_counter,
    parse_humidity,
    parse_info,
    parse_led,
    parse_light,
    parse_number,
    parse_oled,
    parse_passage,
    parse_status,
    parse_temperature,
    slugify_board_id,
    split_topic,
    validate_board_id,
)

from .conftest import JSON_VALUES

KEYS = st.sampled_from(
    ["id", "caps", "model", "name", "fw", "entries", "exits", "boot", "x"]
)
OBJECTS = st.dictionaries(KEYS, JSON_VALUES | st.lists(st.text(max_size=12)))
NUMBERS = (
    st.floats(allow_nan=True, allow_infinity=True).map(repr)
    | st.integers(-10_000, 10_000).map(str)
    | st.from_regex(r"\s*[-+]?[0-9]*\.?[0-9]*(e[-+]?[0-9]+)?\s*", fullmatch=True)
)
PAYLOADS = (
    st.binary(max_size=300)
    | st.text(max_size=300)
    | OBJECTS.map(lambda data: json.dumps(data, allow_nan=True))
    | NUMBERS
    | NUMBERS.map(str.encode)
    | st.sampled_from(["online", "offline", "ON", "OFF", "in", "out"])
)
BOARD_ID_RE = re.compile(BOARD_ID_PATTERN)


def _value_or_none(parser: Callable[[Any], Any], payload: Any) -> Any:
    try:
        return parser(payload)
    except ProtocolError:
        return None


def _check(kind: str, value: Any) -> None:
    if value is None:
        return
    match kind:
        case "info":
            assert isinstance(value, BoardInfo)
            assert value.capabilities
            for text, limit in (
                (value.model, 32),
                (value.name, 64),
                (value.firmware, 32),
            ):
                assert 0 < len(text) <= limit
                assert not has_control_characters(text)
        case "status" | "led":
            assert isinstance(value, bool)
        case "light":
            assert type(value) is int
            assert 0 <= value <= 4095
        case "temperature":
            assert isinstance(value, float)
            assert -40 <= value <= 80
        case "humidity":
            assert isinstance(value, float)
            assert 0 <= value <= 100
        case "number":
            assert isinstance(value, float)
            assert math.isfinite(value)
        case "counter":
            assert isinstance(value, CounterTotals)
            assert 0 <= value.entries <= COUNTER_MAX
            assert 0 <= value.exits <= COUNTER_MAX
            assert 0 < len(value.boot) <= 32
        case "passage":
            assert isinstance(value, Passage)
        case "oled":
            assert isinstance(value, str)
            assert len(value) <= 64
            assert not has_control_characters(value)
        case "decode":
            assert isinstance(value, str)


PARSERS: dict[str, Callable[[Any], Any]] = {
    "info": lambda payload: parse_info("lab-1", payload),
    "status": parse_status,
    "light": parse_light,
    "temperature": parse_temperature,
    "humidity": parse_humidity,
    "number": parse_number,
    "counter": parse_counter,
    "passage": parse_passage,
    "led": parse_led,
    "oled": parse_oled,
    "decode": decode,
    "json": loads_json,
}


@pytest.mark.parametrize("kind", PARSERS)
@given(payload=PAYLOADS)
def test_parser_returns_clean_value_or_protocol_error(kind: str, payload: Any) -> None:
    _check(kind, _value_or_none(PARSERS[kind], payload))


@given(
    st.fixed_dictionaries(
        {"id": st.just("lab-1") | st.text(max_size=5)},
        optional={
            "caps": st.lists(
                st.sampled_from(["light", "led", "oled", "counter", "laser"])
                | st.text(max_size=6),
                max_size=5,
            ),
            "model": st.text(max_size=40),
            "name": st.text(max_size=70),
            "fw": st.text(max_size=40),
        },
    )
)
def test_announce_round_trip(data: dict[str, Any]) -> None:
    info = _value_or_none(
        lambda payload: parse_info("lab-1", payload), json.dumps(data)
    )
    _check("info", info)
    if info is not None:
        assert parse_info("lab-1", info_payload(info)) == info


@given(st.text(max_size=200))
def test_oled_command_accepts_or_refuses(text: str) -> None:
    result = _value_or_none(oled_command, text)
    if result is not None:
        assert result == text
        assert len(text) <= 64
        assert not has_control_characters(text)


@given(st.text(max_size=60) | st.binary(max_size=60).map(lambda b: b.decode("latin-1")))
def test_slugify_board_id_is_valid_or_refused(raw: str) -> None:
    slug = _value_or_none(slugify_board_id, raw)
    if slug is not None:
        assert is_valid_board_id(slug)
        assert BOARD_ID_RE.fullmatch(slug)


@given(
    base=st.sampled_from(["iot_lab", "a/b", "School-1/r_2/x/y"]) | st.text(max_size=20),
    board_id=st.text(max_size=40)
    | st.from_regex(r"[a-z0-9][a-z0-9_-]{0,31}", fullmatch=True),
    channel=st.sampled_from([*Channel, *Command]),
)
def test_channel_topic_is_safe(
    base: str, board_id: str, channel: Channel | Command
) -> None:
    topic = _value_or_none(lambda _: channel_topic(base, board_id, channel), None)
    if topic is None:
        return
    assert re.fullmatch(
        rf"{re.escape(base)}/[a-z0-9][a-z0-9_-]{{0,31}}/{re.escape(channel)}", topic
    )
    assert "+" not in topic
    assert "#" not in topic
    if isinstance(channel, Channel):
        assert split_topic(base, topic) == (board_id, channel)
    else:
        with pytest.raises(ProtocolError):
            split_topic(base, topic)


@given(base=st.text(max_size=20), topic=st.text(max_size=80))
def test_split_topic_yields_valid_ids(base: str, topic: str) -> None:
    result = _value_or_none(lambda _: split_topic(base, topic), None)
    if result is not None:
        board_id, channel = result
        assert is_valid_board_id(board_id)
        assert isinstance(channel, Channel)


@given(st.text(max_size=40) | st.none() | st.integers())
def test_board_id_checks_agree(board_id: Any) -> None:
    valid = is_valid_board_id(board_id)
    assert (_value_or_none(validate_board_id, board_id) is not None) == valid


@given(
    raw=st.integers(0, 4095),
    dark=st.floats(-1e6, 1e6),
    bright=st.floats(-1e6, 1e6),
)
def test_light_level_in_range(raw: int, dark: float, bright: float) -> None:
    level = light_level(raw, dark, bright)
    if dark == bright:
        assert level is None
    else:
        assert level is not None
        assert 0.0 <= level <= 100.0
