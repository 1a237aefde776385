"""Property tests of the older firmware's parsers: a clean value or ProtocolError, only."""

from __future__ import annotations

from datetime import datetime
import json
from typing import Any

from hypothesis import given, strategies as st

from custom_components.iot_lab.iot_lab_wire import (
    POLYSOURCE_TOPIC,
    Announce,
    CsvLine,
    Measurement,
    ProtocolError,
    Refusal,
    csv_board_id,
    decode_legacy,
    format_csv_line,
    has_control_characters,
    is_valid_board_id,
    parse_csv_body,
    parse_csv_line,
    parse_dht11_data,
    parse_dht11_status,
    parse_light,
)

from .conftest import JSON_VALUES

LEGACY_KEYS = st.sampled_from(
    ["temperature", "humidity", "status", "valeur", "idCapteur", "unite", "x"]
)
LEGACY_OBJECTS = st.dictionaries(LEGACY_KEYS, JSON_VALUES, max_size=4)
PAYLOADS = (
    st.binary(max_size=200)
    | st.text(max_size=200)
    | LEGACY_OBJECTS.map(lambda data: json.dumps(data, allow_nan=True))
)


def _no_other_error(parser: Any, payload: Any) -> Any:
    try:
        return parser(payload)
    except ProtocolError:
        return None


@given(PAYLOADS)
def test_esp32_output(payload: bytes | str) -> None:
    value = _no_other_error(parse_light, payload)
    assert value is None or (isinstance(value, int) and 0 <= value <= 4095)


@given(PAYLOADS)
def test_dht11_data(payload: bytes | str) -> None:
    result = _no_other_error(parse_dht11_data, payload)
    if result is not None:
        temperature, humidity = result
        assert temperature is not None or humidity is not None
        assert temperature is None or -40 <= temperature <= 80
        assert humidity is None or 0 <= humidity <= 100


@given(PAYLOADS)
def test_dht11_status(payload: bytes | str) -> None:
    assert _no_other_error(parse_dht11_status, payload) in (True, False, None)


@given(PAYLOADS)
def test_polysource(payload: bytes | str) -> None:
    decoded = decode_legacy(POLYSOURCE_TOPIC, payload)
    if isinstance(decoded[0], Refusal):
        return
    reading, announce = decoded
    assert isinstance(reading, Measurement)
    assert isinstance(announce, Announce)
    assert announce.info is not None
    assert announce.info.board_id == reading.board_id
    assert is_valid_board_id(reading.board_id)
    assert reading.board_id.startswith("poly-")
    assert reading.unit is None or not has_control_characters(reading.unit)
    assert not has_control_characters(announce.info.name)


@given(st.text(max_size=300))
def test_csv_line(line: str) -> None:
    parsed = _no_other_error(parse_csv_line, line)
    if parsed is not None:
        assert is_valid_board_id(parsed.board_id)
        assert parsed.entries >= 0
        assert parsed.exits >= 0


@given(st.binary(max_size=2000))
def test_csv_body(body: bytes) -> None:
    lines = _no_other_error(parse_csv_body, body)
    assert lines is None or all(isinstance(line, CsvLine) for line in lines)


FIELD = st.text(
    alphabet=st.characters(codec="ascii", categories=["L", "N"]),
    min_size=1,
    max_size=12,
)


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)),
    st.integers(0, 10_000),
    st.integers(0, 10_000),
    FIELD,
    FIELD,
    FIELD,
    FIELD,
    FIELD,
)
def test_csv_line_round_trip(
    moment: datetime,
    entries: int,
    exits: int,
    counter_id: str,
    name: str,
    location: str,
    site: str,
    code: str,
) -> None:
    line = CsvLine(
        period_end=moment.replace(microsecond=0),
        entries=entries,
        exits=exits,
        counter_id=counter_id,
        name=name,
        location=location,
        site=site,
        site_code=code,
    )
    assert parse_csv_line(format_csv_line(line)) == line


@given(st.text(max_size=64))
def test_csv_board_id(counter_id: str) -> None:
    board_id = _no_other_error(csv_board_id, counter_id)
    assert board_id is None or is_valid_board_id(board_id)
