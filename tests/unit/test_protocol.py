"""Unit tests of the MQTT wire contract (`py`), no Home Assistant needed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from custom_components.iot_lab.iot_lab_wire import (
    INVALID_TOPIC,
    MAX_PAYLOAD_BYTES,
    Announce,
    BoardInfo,
    Capability,
    Channel,
    Command,
    CounterTotals,
    Crossing,
    CsvIdentity,
    HumidityReading,
    LedEcho,
    LightReading,
    Message,
    OledEcho,
    Passage,
    Payload,
    ProtocolError,
    Refusal,
    Status,
    Totals,
    channel_topic,
    decode,
    decode_message,
    info_payload,
    is_valid_board_id,
    led_command,
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
    shorten,
    slugify_board_id,
    split_topic,
    subscription_topic,
    validate_base_topic,
    validate_board_id,
)

FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Override tests/unit/conftest.py's autouse fixture: no Home Assistant here.

    Keeps this pure-Python module runnable with `-p no:homeassistant`.
    """


def load_fixture(name: str) -> str:
    """Text of a sample payload in tests/fixtures/."""
    return (FIXTURES / name).read_text(encoding="utf-8")


HOSTILE_IDS = [
    "",
    "lab/1",
    "lab+1",
    "lab#1",
    "+",
    "#",
    "..",
    "../lab-1",
    "lab\x001",
    "lab\n1",
    "lab\t1",
    "lab\x7f1",
    "lab 1",
    "Lab-1",
    "LAB-1",
    "a" * 33,
    "a" * 10_000,
    "-lab",
    "_lab",
    "ｌａｂ-1",  # fullwidth  # noqa: RUF001
    "lаb-1",  # Cyrillic a  # noqa: RUF001
    "lab-1\n",
    " lab-1",
    "lab.1",
]
GOOD_IDS = ["lab-1", "a", "0", "climate-1", "door_1", "a" * 32, "9-_", "x-"]


# --- fixtures -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "board_id", "model", "caps"),
    [
        (
            "info_light_oled.json",
            "lab-1",
            "light-oled",
            {Capability.LIGHT, Capability.LED, Capability.OLED},
        ),
        (
            "info_climate.json",
            "climate-1",
            "climate-dht11",
            {Capability.TEMPERATURE, Capability.HUMIDITY},
        ),
        ("info_counter.json", "door-1", "door-counter", {Capability.COUNTER}),
    ],
)
def test_fixture_announces(
    name: str, board_id: str, model: str, caps: set[Capability]
) -> None:
    for payload in (load_fixture(name), load_fixture(name).encode()):
        info = parse_info(board_id, payload)
        assert info.board_id == board_id
        assert info.model == model
        assert info.firmware == "1.0.0"
        assert info.capabilities == caps


def test_fixture_light_board_name() -> None:
    info = parse_info("lab-1", load_fixture("info_light_oled.json"))
    assert info.name == "Lab bench 1"


def test_fixture_counter_totals() -> None:
    totals = parse_counter(load_fixture("counter_totals.json"))
    assert totals == CounterTotals(entries=12, exits=9, boot="b7f3c2a1")


# --- board ids ------------------------------------------------------------


@pytest.mark.parametrize("board_id", GOOD_IDS)
def test_valid_board_ids(board_id: str) -> None:
    assert is_valid_board_id(board_id)
    assert validate_board_id(board_id) == board_id


@pytest.mark.parametrize("board_id", [*HOSTILE_IDS, None, 1, b"lab-1", ["lab-1"]])
def test_invalid_board_ids(board_id: Any) -> None:
    assert not is_valid_board_id(board_id)
    with pytest.raises(ProtocolError):
        validate_board_id(board_id)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("lab-1", "lab-1"),
        ("Test_4G", "test_4g"),
        ("  Lab Bench  ", "lab_bench"),
        ("a.b", "a_b"),
        ("_x_", "x"),
        ("ALLI1", "alli1"),
        ("a" * 32, "a" * 32),
        ("Counter A!", "counter_a"),
    ],
)
def test_slugify_board_id(raw: str, expected: str) -> None:
    assert slugify_board_id(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        " ",
        "___",
        "!!!",
        "a/b",
        "a+b",
        "a#b",
        "a..b",
        "..",
        "a\x00b",
        "a\nb",
        "a\x7fb",
        "a" * 33,
        "a" * 10_000,
        "ｌａｂ",  # noqa: RUF001
        "lаb",  # noqa: RUF001
        "é",
        None,
        5,
        b"lab",
    ],
)
def test_slugify_board_id_refuses(raw: Any) -> None:
    with pytest.raises(ProtocolError):
        slugify_board_id(raw)


# --- topics ---------------------------------------------------------------


@pytest.mark.parametrize("base", ["iot_lab", "a", "School-1/room_2", "a/b/c/d"])
def test_valid_base_topic(base: str) -> None:
    assert validate_base_topic(base) == base
    assert subscription_topic(base) == f"{base}/#"


@pytest.mark.parametrize(
    "base",
    [
        "",
        "/",
        "iot_lab/",
        "/iot_lab",
        "a//b",
        "a/b/c/d/e",
        "iot_lab/#",
        "iot_lab/+",
        "#",
        "+",
        "iot lab",
        "iot_lab\n",
        "iot_lab\x00",
        "a" * 33,
        "ｉｏｔ",  # noqa: RUF001
        None,
        1,
    ],
)
def test_invalid_base_topic(base: Any) -> None:
    with pytest.raises(ProtocolError):
        validate_base_topic(base)
    with pytest.raises(ProtocolError):
        subscription_topic(base)


@pytest.mark.parametrize("channel", [*Channel, *Command])
def test_channel_topic(channel: Channel | Command) -> None:
    assert channel_topic("iot_lab", "lab-1", channel) == f"iot_lab/lab-1/{channel}"


@pytest.mark.parametrize("board_id", HOSTILE_IDS)
def test_channel_topic_refuses_hostile_id(board_id: str) -> None:
    with pytest.raises(ProtocolError):
        channel_topic("iot_lab", board_id, Command.LED)


def test_channel_topic_refuses_bad_base() -> None:
    with pytest.raises(ProtocolError):
        channel_topic("iot_lab/#", "lab-1", Channel.INFO)


@pytest.mark.parametrize("channel", list(Channel))
def test_split_topic(channel: Channel) -> None:
    assert split_topic("iot_lab", f"iot_lab/lab-1/{channel}") == (
        "lab-1",
        channel,
    )
    assert split_topic("a/b", f"a/b/x/{channel}") == ("x", channel)


@pytest.mark.parametrize(
    "topic",
    [
        "other/lab-1/info",
        "iot_lab",
        "iot_lab/",
        "iot_lab/lab-1",
        "iot_lab/lab-1/",
        "iot_lab/lab-1/led/set",
        "iot_lab/lab-1/oled/set",
        "iot_lab/lab-1/unknown",
        "iot_lab/lab-1/info/extra",
        "iot_lab//info",
        "iot_lab/Lab-1/info",
        "iot_lab/lаb-1/info",  # noqa: RUF001
        "iot_lab/+/info",
        "iot_lab/#/info",
        "iot_lab/../info",
        "iot_lab/lab\x001/info",
        f"iot_lab/{'a' * 33}/info",
        f"iot_lab/{'a' * 10_000}/info",
        "iot_labx/lab-1/info",
        "IOT_LAB/lab-1/info",
    ],
)
def test_split_topic_refuses(topic: str) -> None:
    with pytest.raises(ProtocolError):
        split_topic("iot_lab", topic)


# --- decode / JSON --------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ("abc", "abc"),
        (b"abc", "abc"),
        (bytearray(b"abc"), "abc"),
        ("é".encode(), "é"),
        (b"", ""),
        ("", ""),
        (b"x" * MAX_PAYLOAD_BYTES, "x" * MAX_PAYLOAD_BYTES),
    ],
)
def test_decode(payload: Payload, expected: str) -> None:
    assert decode(payload) == expected


@pytest.mark.parametrize(
    "payload",
    [
        b"\xff",
        b"\xc3",
        b"abc\x80",
        b"\xed\xa0\x80",  # encoded surrogate
        bytearray(b"\xfe\xfe"),
        b"x" * (MAX_PAYLOAD_BYTES + 1),
        "x" * (MAX_PAYLOAD_BYTES + 1),
        bytearray(MAX_PAYLOAD_BYTES + 1),
    ],
)
def test_decode_refuses(payload: Payload) -> None:
    with pytest.raises(ProtocolError):
        decode(payload)


def test_decode_measures_str_payload_in_bytes() -> None:
    payload = "€" * 10_000
    assert len(payload.encode()) > MAX_PAYLOAD_BYTES
    with pytest.raises(ProtocolError):
        decode(payload)


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ('{"a": 1}', {"a": 1}),
        (b"[1, 2]", [1, 2]),
        ("  3 ", 3),
        ('"x"', "x"),
        ("null", None),
        ("[[[[1]]]]", [[[[1]]]]),
        ('{"a": {"b": {"c": {"d": 1}}}}', {"a": {"b": {"c": {"d": 1}}}}),
        ('["[[[[[[", "{{{{{{"]', ["[[[[[[", "{{{{{{"]),
        ('["\\"[[[[[["]', ['"[[[[[[']),
        ("[[], [], [], [], [], []]", [[], [], [], [], [], []]),
    ],
)
def test_loads_json(payload: Payload, expected: Any) -> None:
    assert loads_json(payload) == expected


@pytest.mark.parametrize(
    "payload",
    [
        "",
        "{",
        "{'a': 1}",
        "[1,]",
        "[[[[[1]]]]]",
        '{"a": {"b": {"c": {"d": {"e": 1}}}}}',
        "[" * 10_000 + "]" * 10_000,
        "[" * 100_000,
        "NaN",
        "[NaN]",
        '{"t": Infinity}',
        "-Infinity",
        b"\xff{}",
        b"{}" * MAX_PAYLOAD_BYTES,
        "1" * 5000,
    ],
)
def test_loads_json_refuses(payload: Payload) -> None:
    with pytest.raises(ProtocolError):
        loads_json(payload)


# --- announce -------------------------------------------------------------


def _announce(**fields: Any) -> str:
    data: dict[str, Any] = {"id": "lab-1", "caps": ["light"]}
    data.update(fields)
    return json.dumps(data)


def test_parse_info_defaults() -> None:
    info = parse_info("lab-1", '{"id": "lab-1", "caps": ["led"]}')
    assert info == BoardInfo(
        board_id="lab-1",
        model="unknown",
        name="lab-1",
        firmware="unknown",
        capabilities=frozenset({Capability.LED}),
    )


def test_parse_info_ignores_unknown_caps() -> None:
    info = parse_info("lab-1", _announce(caps=["light", "laser", "LED", ""]))
    assert info.capabilities == {Capability.LIGHT}


def test_parse_info_duplicate_caps() -> None:
    info = parse_info("lab-1", _announce(caps=["led", "led"]))
    assert info.capabilities == {Capability.LED}


@pytest.mark.parametrize(
    ("field", "raw", "expected"),
    [
        ("name", "Lab\x00 bench\n 1\x1b[31m", "Lab bench 1[31m"),
        ("name", "\u2028Bench\u2029", "Bench"),
        ("name", "  padded  ", "padded"),
        ("name", "\x00\x01", "lab-1"),
        ("name", "", "lab-1"),
        ("name", "é" * 64, "é" * 64),
        ("model", "m\x7fo\x9fdel", "model"),
        ("model", "x" * 32, "x" * 32),
        ("fw", "1.0.0\r\n", "1.0.0"),
        ("fw", "   ", "unknown"),
    ],
)
def test_parse_info_cleans_text(field: str, raw: str, expected: str) -> None:
    info = parse_info("lab-1", _announce(**{field: raw}))
    attribute = {"fw": "firmware"}.get(field, field)
    assert getattr(info, attribute) == expected


@pytest.mark.parametrize(
    "payload",
    [
        _announce(id="lab-2"),
        _announce(id="LAB-1"),
        _announce(id="lаb-1"),  # noqa: RUF001
        _announce(id=None),
        _announce(id=1),
        '{"caps": ["light"]}',
        _announce(caps=[]),
        _announce(caps=["laser", "printer"]),
        _announce(caps=["LIGHT"]),
        _announce(caps="light"),
        _announce(caps=None),
        _announce(caps=["light", 1]),
        _announce(caps={"light": True}),
        '{"id": "lab-1"}',
        _announce(name="x" * 65),
        _announce(model="x" * 33),
        _announce(fw="x" * 33),
        _announce(name=1),
        _announce(model=None),
        _announce(fw=["1"]),
        '["lab-1", ["light"]]',
        "lab-1",
        "",
        b"\xff",
        '{"id": "lab-1", "caps": ["light"], "x": NaN}',
        '{"id": "lab-1", "caps": ["light"], "x": [[[[1]]]]}',
        _announce(name="x" * MAX_PAYLOAD_BYTES),
    ],
)
def test_parse_info_refuses(payload: str | bytes) -> None:
    with pytest.raises(ProtocolError):
        parse_info("lab-1", payload)


@pytest.mark.parametrize(
    "name", ["info_light_oled.json", "info_climate.json", "info_counter.json"]
)
def test_info_payload_round_trip(name: str) -> None:
    data = json.loads(load_fixture(name))
    info = parse_info(data["id"], load_fixture(name))
    text = info_payload(info)
    assert parse_info(info.board_id, text) == info
    assert json.loads(text) == {**data, "caps": sorted(data["caps"])}


def test_info_payload_is_compact() -> None:
    info = parse_info("lab-1", load_fixture("info_light_oled.json"))
    assert info_payload(info) == (
        '{"id":"lab-1","model":"light-oled","name":"Lab bench 1","fw":"1.0.0",'
        '"caps":["led","light","oled"]}'
    )


# --- status, led, passage -------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "expected"),
    [("online", True), (b"online", True), (" online\n", True), ("offline", False)],
)
def test_parse_status(payload: Payload, expected: bool) -> None:
    assert parse_status(payload) is expected


@pytest.mark.parametrize(
    "payload", ["", "ONLINE", "Online", "on", "1", "true", b"\xff", "online!"]
)
def test_parse_status_refuses(payload: Payload) -> None:
    with pytest.raises(ProtocolError):
        parse_status(payload)


@pytest.mark.parametrize(
    ("payload", "expected"),
    [("ON", True), (b"OFF", False), (" ON \r\n", True), (bytearray(b"OFF"), False)],
)
def test_parse_led(payload: Payload, expected: bool) -> None:
    assert parse_led(payload) is expected


@pytest.mark.parametrize("payload", ["", "on", "off", "1", "0", "TRUE", b"\xff"])
def test_parse_led_refuses(payload: Payload) -> None:
    with pytest.raises(ProtocolError):
        parse_led(payload)


def test_led_command() -> None:
    assert led_command(True) == "ON"
    assert led_command(False) == "OFF"
    assert parse_led(led_command(True)) is True


@pytest.mark.parametrize(
    ("payload", "expected"),
    [("in", Passage.IN), (b"out", Passage.OUT), ("  in\n", Passage.IN)],
)
def test_parse_passage(payload: Payload, expected: Passage) -> None:
    assert parse_passage(payload) is expected


@pytest.mark.parametrize("payload", ["", "IN", "Out", "inout", "1", b"\xff"])
def test_parse_passage_refuses(payload: Payload) -> None:
    with pytest.raises(ProtocolError):
        parse_passage(payload)


# --- numbers --------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ("0", 0.0),
        ("-0", 0.0),
        ("21.5", 21.5),
        (b"21.5", 21.5),
        (" 7 \n", 7.0),
        ("1e3", 1000.0),
        ("-40", -40.0),
        ("+3", 3.0),
        (".5", 0.5),
        ("1" * 32, float("1" * 32)),
    ],
)
def test_parse_number(payload: Payload, expected: float) -> None:
    assert parse_number(payload) == expected


@pytest.mark.parametrize(
    "payload",
    [
        "",
        " ",
        "abc",
        "NaN",
        "nan",
        "inf",
        "-inf",
        "Infinity",
        "1e400",
        "-1e400",
        "0x10",
        "1,5",
        "1 2",
        "1" * 33,
        "1" * 10_000,
        b"\xff",
        b"1\xff",
        "1\x00",
    ],
)
def test_parse_number_refuses(payload: Payload) -> None:
    with pytest.raises(ProtocolError):
        parse_number(payload)


@pytest.mark.parametrize(
    ("payload", "expected"),
    [("0", 0), ("4095", 4095), ("2048", 2048), ("1e3", 1000), ("4095.0", 4095)],
)
def test_parse_light(payload: str, expected: int) -> None:
    value = parse_light(payload)
    assert value == expected
    assert type(value) is int


@pytest.mark.parametrize(
    "payload", ["-1", "4096", "4095.5", "0.1", "NaN", "inf", "1e4", "", "dark"]
)
def test_parse_light_refuses(payload: str) -> None:
    with pytest.raises(ProtocolError):
        parse_light(payload)


@pytest.mark.parametrize(
    ("payload", "expected"),
    [("-40", -40.0), ("80", 80.0), ("21.4", 21.4), ("0", 0.0), (b"-39.9", -39.9)],
)
def test_parse_temperature(payload: Payload, expected: float) -> None:
    assert parse_temperature(payload) == expected


@pytest.mark.parametrize(
    "payload", ["-40.1", "80.1", "100", "-273", "NaN", "inf", "-inf", "", "warm"]
)
def test_parse_temperature_refuses(payload: str) -> None:
    with pytest.raises(ProtocolError):
        parse_temperature(payload)


@pytest.mark.parametrize(
    ("payload", "expected"), [("0", 0.0), ("100", 100.0), ("55.5", 55.5)]
)
def test_parse_humidity(payload: str, expected: float) -> None:
    assert parse_humidity(payload) == expected


@pytest.mark.parametrize(
    "payload", ["-0.1", "100.1", "101", "1e3", "NaN", "inf", "", "wet"]
)
def test_parse_humidity_refuses(payload: str) -> None:
    with pytest.raises(ProtocolError):
        parse_humidity(payload)


# --- counter --------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {"entries": 0, "exits": 0, "boot": "b"},
            CounterTotals(0, 0, "b"),
        ),
        (
            {"entries": 2**31 - 1, "exits": 5, "boot": "x" * 32, "extra": 1},
            CounterTotals(2**31 - 1, 5, "x" * 32),
        ),
    ],
)
def test_parse_counter(data: dict[str, Any], expected: CounterTotals) -> None:
    assert parse_counter(json.dumps(data)) == expected
    assert parse_counter(json.dumps(data).encode()) == expected


@pytest.mark.parametrize(
    "data",
    [
        {"entries": -1, "exits": 0, "boot": "b"},
        {"entries": 2**31, "exits": 0, "boot": "b"},
        {"entries": 1.0, "exits": 0, "boot": "b"},
        {"entries": 1.5, "exits": 0, "boot": "b"},
        {"entries": "1", "exits": 0, "boot": "b"},
        {"entries": True, "exits": 0, "boot": "b"},
        {"entries": None, "exits": 0, "boot": "b"},
        {"exits": 0, "boot": "b"},
        {"entries": 0, "boot": "b"},
        {"entries": 0, "exits": 0},
        {"entries": 0, "exits": 0, "boot": ""},
        {"entries": 0, "exits": 0, "boot": 1},
        {"entries": 0, "exits": 0, "boot": "x" * 33},
        {"entries": 0, "exits": 0, "boot": "b\x00"},
        {"entries": 0, "exits": 0, "boot": "b\n"},
        [1, 2],
        "totals",
    ],
)
def test_parse_counter_refuses(data: Any) -> None:
    with pytest.raises(ProtocolError):
        parse_counter(json.dumps(data))


@pytest.mark.parametrize(
    "payload",
    [
        '{"entries": NaN, "exits": 0, "boot": "b"}',
        '{"entries": 1, "exits": Infinity, "boot": "b"}',
        b"\xff",
        "",
        '{"entries": 1, "exits": 0, "boot": "b", "x": [[[[[]]]]]}',
    ],
)
def test_parse_counter_refuses_raw(payload: Payload) -> None:
    with pytest.raises(ProtocolError):
        parse_counter(payload)


# --- OLED -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ("Hello", "Hello"),
        (b"Hello", "Hello"),
        ("", ""),
        ("é" * 64, "é" * 64),
        ("a\x00b\nc\x1b", "abc"),
        ("\u2028x\u2029", "x"),
        ("x" * 64, "x" * 64),
    ],
)
def test_parse_oled(payload: Payload, expected: str) -> None:
    assert parse_oled(payload) == expected


@pytest.mark.parametrize("payload", ["x" * 65, "é" * 65, b"\xff", "x" * 20_000])
def test_parse_oled_refuses(payload: Payload) -> None:
    with pytest.raises(ProtocolError):
        parse_oled(payload)


@pytest.mark.parametrize("text", ["", "Hello", "x" * 64, "é" * 64, "Température 21°C"])
def test_oled_command(text: str) -> None:
    assert oled_command(text) == text


@pytest.mark.parametrize(
    "text", ["x" * 65, "a\nb", "\x00", "\x1b[2J", "\x7f", "\x85", "\u2028", "\t"]
)
def test_oled_command_refuses(text: str) -> None:
    with pytest.raises(ProtocolError):
        oled_command(text)


# --- light level ----------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "dark", "bright", "expected"),
    [
        (0, 0, 4095, 0.0),
        (4095, 0, 4095, 100.0),
        (2048, 0, 4096, 50.0),
        (100, 200, 4000, 0.0),
        (4095, 0, 2000, 100.0),
        (0, 4095, 0, 100.0),
        (4095, 4095, 0, 0.0),
        (1000, 500, 500, None),
        (123, 0, 1000, 12.3),
    ],
)
def test_light_level(
    raw: int, dark: float, bright: float, expected: float | None
) -> None:
    assert light_level(raw, dark, bright) == expected


# --- shorten --------------------------------------------------------------


def test_shorten_limits_untrusted_text() -> None:
    assert shorten("abc") == "'abc'"
    short = shorten("\x00" * 10_000)
    assert len(short) == 40
    assert "\x00" not in short


@pytest.mark.parametrize(
    ("channel", "payload", "expected"),
    [
        ("info", "", Announce(board_id="lab-1", kind="info", info=None)),
        ("status", "online", Status(board_id="lab-1", kind="status", online=True)),
        (
            "light",
            "12",
            LightReading(board_id="lab-1", kind="light", raw=12),
        ),
        (
            "humidity",
            "40.5",
            HumidityReading(board_id="lab-1", kind="humidity", value=40.5),
        ),
        (
            "counter",
            '{"entries": 1, "exits": 0, "boot": "b"}',
            Totals(board_id="lab-1", kind="counter", totals=CounterTotals(1, 0, "b")),
        ),
        (
            "passage",
            "out",
            Crossing(board_id="lab-1", kind="passage", passage=Passage.OUT),
        ),
        ("led", "OFF", LedEcho(board_id="lab-1", kind="led", on=False)),
        ("oled", "Hi", OledEcho(board_id="lab-1", kind="oled", text="Hi")),
        (
            "temperature",
            "99",
            Refusal(
                board_id="lab-1",
                kind="temperature",
                reason="temperature 99 is outside -40..80",
            ),
        ),
    ],
)
def test_decode_message(channel: str, payload: str, expected: Message) -> None:
    assert decode_message("iot_lab", f"iot_lab/lab-1/{channel}", payload) == (expected)


def test_decode_message_topics() -> None:
    assert decode_message("iot_lab", "iot_lab/lab-1/led/set", "ON") is None
    # The alert blueprint's messages: Home Assistant's own, not a board's.
    for alert in ("alert", "alert/offline", "alert/temperature_high"):
        topic = f"north/iot_lab/lab-1/{alert}"
        assert decode_message("north/iot_lab", topic, "{}") is None
    refusal = decode_message("iot_lab", "iot_lab/lab-1/alerts", "{}")
    assert isinstance(refusal, Refusal)
    refusal = decode_message("iot_lab", "iot_lab/LAB/light", "1")
    assert isinstance(refusal, Refusal)
    assert (refusal.board_id, refusal.kind) == (INVALID_TOPIC, "topic")


def test_announce_may_give_the_counters_csv_identity() -> None:
    identity = {
        "counter_id": "ALLI1",
        "counter_name": "Counter A",
        "location": "RDCentre",
        "site": "Alliance",
        "site_code": "ALLI",
    }
    payload = json.dumps(
        {"id": "door-1", "name": "Entrance", "caps": ["counter"], "csv": identity}
    )
    info = parse_info("door-1", payload)
    assert info.csv == CsvIdentity(*identity.values())
    assert parse_info("door-1", info_payload(info)) == info
    partial = parse_info(
        "door-1",
        json.dumps({"id": "door-1", "caps": ["counter"], "csv": {"site": "A"}}),
    )
    assert partial.csv == CsvIdentity(site="A")


@pytest.mark.parametrize(
    "csv",
    [
        {"site": "Alliance, Nord"},  # a comma would split the CSV line
        {"site": "a\nb"},
        {"site": "x" * 65},
        {"site": 3},
        {"room": "12"},
        ["ALLI1"],
    ],
)
def test_announce_with_a_broken_csv_identity_is_refused(csv: object) -> None:
    payload = json.dumps({"id": "door-1", "caps": ["counter"], "csv": csv})
    with pytest.raises(ProtocolError, match="CSV"):
        parse_info("door-1", payload)
