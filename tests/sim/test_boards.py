"""The simulator's pure logic: curves, counts and commands, held to the wire contract."""

from __future__ import annotations

from datetime import datetime, timedelta
import itertools
import json
from pathlib import Path
import random

from iot_lab_wire import (
    DHT11_BOARD,
    ESP32_BOARD,
    Channel,
    Command,
    CounterTotals,
    Measurement,
    Passage,
    channel_topic,
    decode_legacy,
    info_payload,
    parse_counter,
    parse_dht11_data,
    parse_dht11_status,
    parse_humidity,
    parse_info,
    parse_light,
    parse_passage,
    parse_temperature,
)
import pytest

from iot_lab_sim.__main__ import build, parse_args
from iot_lab_sim.day_curves import arrivals_per_minute, daylight
from iot_lab_sim.door_board import DoorBoard
from iot_lab_sim.fleet import make_boards
from iot_lab_sim.legacy_boards import LegacyDht11, LegacyEsp32, LegacyPolysource
from iot_lab_sim.sensor_boards import ClimateBoard, LightBoard
from iot_lab_sim.simulated_board import Publication

DAY = datetime(2026, 11, 23)


def at(hour: float) -> datetime:
    return DAY + timedelta(hours=hour)


def kinds(seed: int = 1) -> tuple[LightBoard, ClimateBoard, DoorBoard]:
    boards = make_boards("iot_lab", 1, random.Random(seed), legacy_boards=False)
    light, climate, door = boards
    assert isinstance(light, LightBoard)
    assert isinstance(climate, ClimateBoard)
    assert isinstance(door, DoorBoard)
    return light, climate, door


def run(
    board: LightBoard | ClimateBoard | DoorBoard,
    start: datetime,
    hours: float,
    step: float = 60,
) -> list[Publication]:
    messages: list[Publication] = []
    now = start
    while now < start + timedelta(hours=hours):
        messages += board.due(now)
        now += timedelta(seconds=step)
    return messages


def test_daylight_curve() -> None:
    assert daylight(at(3)) == 0
    assert daylight(at(6.9)) == 0
    assert daylight(at(13)) == pytest.approx(1)
    assert daylight(at(10)) == pytest.approx(daylight(at(16)))
    assert 0 < daylight(at(8)) < daylight(at(11)) < daylight(at(13))
    assert daylight(at(19.5)) == 0


def test_arrivals_follow_opening_hours() -> None:
    assert arrivals_per_minute(at(7.9)) == 0
    assert arrivals_per_minute(at(19)) == 0
    assert arrivals_per_minute(at(23)) == 0
    assert arrivals_per_minute(at(9.5)) > arrivals_per_minute(at(12.5))
    assert arrivals_per_minute(at(15)) > arrivals_per_minute(at(8.1))


def test_light_is_bright_at_noon_dark_at_night_and_valid() -> None:
    light, _, _ = kinds()
    night = [parse_light(m.payload) for m in run(light, at(1), 2)]
    noon = [parse_light(m.payload) for m in run(light, at(12), 2)]
    assert max(night) < 400
    assert sum(noon) / len(noon) > 1500
    assert all(0 <= value <= 4095 for value in night + noon)


def test_passing_clouds_vary_the_light() -> None:
    light, _, _ = kinds()
    values = [parse_light(m.payload) for m in run(light, at(12.5), 0.5, 10)]
    assert max(values) - min(values) > 200


def test_dht11_reads_whole_numbers_that_drift_slowly() -> None:
    _, climate, _ = kinds()
    messages = run(climate, at(8), 8)
    temperatures = [
        parse_temperature(m.payload)
        for m in messages
        if m.topic.endswith("/temperature")
    ]
    humidities = [
        parse_humidity(m.payload) for m in messages if m.topic.endswith("/humidity")
    ]
    # Sent on change, and at least every 5 minutes: far fewer than every 30 s (960).
    assert 96 <= len(temperatures) < 300
    assert 96 <= len(humidities) < 300
    assert all(t.is_integer() for t in temperatures)
    assert all(h.is_integer() for h in humidities)
    assert all(abs(a - b) <= 2 for a, b in itertools.pairwise(temperatures))
    assert min(temperatures) >= 15
    assert max(temperatures) <= 28


def test_door_counter_totals_match_passages_over_a_day() -> None:
    _, _, door = kinds()
    # No totals before it knows which run it continues: its settings only.
    assert [m.topic for m in door.state()] == ["iot_lab/door-1/config"]
    assert [parse_counter(m.payload) for m in door.settle()] == [
        CounterTotals(0, 0, door.boot)
    ]
    messages = run(door, at(0), 24)
    passages = [
        parse_passage(m.payload) for m in messages if m.topic.endswith("/passage")
    ]
    totals = [
        parse_counter(m.payload) for m in messages if m.topic.endswith("/counter")
    ]
    assert all(m.retain for m in messages if m.topic.endswith("/counter"))
    assert len(passages) == len(totals) > 100
    last = totals[-1]
    assert last.entries == passages.count(Passage.IN) == door.entries
    assert last.exits == passages.count(Passage.OUT) == door.exits
    assert last.boot == door.boot
    # Everybody has left by night; the board counted them with the firmware's rule,
    # from their beams: within a few of the truth, as a real counter.
    assert door.inside == 0
    assert door.came_in == door.went_out > 500
    assert abs(door.entries - door.came_in) <= 0.02 * door.came_in
    assert abs(door.exits - door.went_out) <= 0.02 * door.went_out
    # Not the truth itself (seed 1: 726 entries and 728 exits for 729 people).
    assert (door.entries, door.exits) != (door.came_in, door.went_out)
    # What the counter leaves inside at night is its drift: a few people at most.
    assert abs(last.entries - last.exits) <= 3
    assert all(t.exits <= t.entries + 3 for t in totals)


def test_no_passage_at_night() -> None:
    _, _, door = kinds()
    assert run(door, at(20), 10) == []


def test_rebooted_door_counter_goes_on_from_its_retained_totals() -> None:
    _, _, door = kinds()
    counter_topic = door.topic(Channel.COUNTER)
    assert door.command_topics == [counter_topic, "iot_lab/door-1/config/set"]
    before_connect = run(door, at(10), 0.5)  # counted before the totals came back
    assert not [m for m in before_connect if m.topic == counter_topic]
    counted = door.entries, door.exits
    assert counted[0] > 0
    retained = '{"entries": 120, "exits": 100, "boot": "run-a"}'
    (totals,) = door.command(counter_topic, retained)
    assert totals.retain
    assert parse_counter(totals.payload) == CounterTotals(
        120 + counted[0], 100 + counted[1], "run-a"
    )
    # Its own later publishes, and settling, change nothing.
    assert door.command(counter_topic, totals.payload) == []
    assert door.settle() == []
    assert door.state() == [door.settings_echo(), totals]


def test_door_counter_with_unreadable_retained_totals_starts_from_zero() -> None:
    _, _, door = kinds()
    counter_topic = door.topic(Channel.COUNTER)
    assert door.command(counter_topic, '{"entries": -1}') == []
    (totals,) = door.settle()
    assert parse_counter(totals.payload) == CounterTotals(0, 0, door.boot)


def test_boot_id_changes_on_every_boot_even_with_the_same_seed() -> None:
    assert kinds(5)[2].boot != kinds(5)[2].boot


def test_same_seed_same_readings() -> None:
    first, second = kinds(42)[0], kinds(42)[0]
    assert run(first, at(10), 1) == run(second, at(10), 1)


def test_announce_birth_and_last_will() -> None:
    light, _, _ = kinds()
    info, status = light.announce()
    assert info.topic == "iot_lab/lab-1/info"
    assert info.retain
    parsed = parse_info("lab-1", info.payload)
    assert parsed.capabilities == {"light", "led", "oled", "settings"}
    assert parsed.firmware == "1.1.0"
    assert status == Publication("iot_lab/lab-1/status", "online", True)
    assert light.will() == Publication("iot_lab/lab-1/status", "offline", True)
    assert {m.topic for m in light.state()} == {
        "iot_lab/lab-1/led",
        "iot_lab/lab-1/oled",
        "iot_lab/lab-1/config",
    }
    assert all(m.retain for m in light.state())


def test_led_and_oled_commands_are_obeyed_and_echoed() -> None:
    light, _, _ = kinds()
    led_set = channel_topic("iot_lab", "lab-1", Command.LED)
    oled_set = channel_topic("iot_lab", "lab-1", Command.OLED)
    config_set = channel_topic("iot_lab", "lab-1", Command.CONFIG)
    assert set(light.command_topics) == {led_set, oled_set, config_set}
    assert light.command(led_set, "ON") == [
        Publication("iot_lab/lab-1/led", "ON", True)
    ]
    assert light.led
    assert light.command(led_set, "OFF") == [
        Publication("iot_lab/lab-1/led", "OFF", True)
    ]
    assert light.command(oled_set, "Hello") == [
        Publication("iot_lab/lab-1/oled", "Hello", True)
    ]
    assert light.oled == "Hello"
    # Like the firmware (and the integration), a text with a control character is refused.
    assert light.command(oled_set, "a\x00b") == []
    assert light.oled == "Hello"


def test_light_board_keeps_led_and_text_in_flash(tmp_path: Path) -> None:
    light, _, _ = kinds()
    flash = tmp_path / "flash" / "lab-1.json"
    light.boot_from(flash)  # never written: the defaults
    assert (light.led, light.oled) == (False, "IoT Lab")
    light.command(channel_topic("iot_lab", "lab-1", Command.LED), "ON")
    light.command(channel_topic("iot_lab", "lab-1", Command.OLED), "Bonjour")
    rebooted, _, _ = kinds()
    rebooted.boot_from(flash)
    assert (rebooted.led, rebooted.oled) == (True, "Bonjour")
    assert rebooted.state()[:2] == [
        Publication("iot_lab/lab-1/led", "ON", True),
        Publication("iot_lab/lab-1/oled", "Bonjour", True),
    ]
    flash.write_text('{"led": true, "oled": "bad\\u0007"}')
    broken, _, _ = kinds()
    broken.boot_from(flash)
    assert (broken.led, broken.oled) == (False, "IoT Lab")


@pytest.mark.parametrize(
    ("channel", "payload"),
    [
        (Command.LED, "on"),
        (Command.LED, "maybe"),
        (Command.OLED, "x" * 65),
        (Command.OLED, "tab\there"),
        (Command.OLED, "\x85"),
    ],
)
def test_bad_commands_are_ignored_like_the_firmware(
    channel: Command, payload: str
) -> None:
    light, _, _ = kinds()
    topic = channel_topic("iot_lab", "lab-1", channel)
    assert light.command(topic, payload) == []
    assert not light.led
    assert light.oled == "IoT Lab"


def test_the_led_glows_on_the_light_sensor() -> None:
    dark, lit = kinds(3)[0], kinds(3)[0]
    lit.command(channel_topic("iot_lab", "lab-1", Command.LED), "ON")
    dark_values = [parse_light(m.payload) for m in run(dark, at(2), 1)]
    lit_values = [parse_light(m.payload) for m in run(lit, at(2), 1)]
    assert sum(lit_values) > sum(dark_values)


def test_legacy_boards_speak_the_older_formats() -> None:
    rng = random.Random(1)
    esp32 = LegacyEsp32("iot_lab", ESP32_BOARD, rng)
    (reading,) = esp32.due(at(12))
    assert reading.topic == "esp32/output"
    assert 0 <= parse_light(reading.payload) <= 4095
    assert esp32.announce() == []
    assert esp32.will() is None
    assert esp32.command("/esp32/input", "on") == []
    assert esp32.led

    dht = LegacyDht11("iot_lab", DHT11_BOARD, rng)
    (data,) = dht.due(at(12))
    temperature, humidity = parse_dht11_data(data.payload)
    assert temperature is not None
    assert humidity is not None
    assert dht.will() is not None
    assert parse_dht11_status(dht.will().payload) is False

    poly = LegacyPolysource("iot_lab", DHT11_BOARD, rng)
    readings = [decode_legacy(m.topic, m.payload)[0] for m in poly.due(at(12))]
    units = {reading.unit for reading in readings if isinstance(reading, Measurement)}
    assert len(units) == 2


def test_cli_builds_boards_of_each_kind() -> None:
    args = parse_args(
        ["--broker", "127.0.0.1:1999", "--boards", "2", "--seed", "1", "--no-legacy"]
    )
    simulator = build(args)
    assert sorted(simulator.sessions) == [
        "climate-1",
        "climate-2",
        "door-1",
        "door-2",
        "lab-1",
        "lab-2",
    ]
    assert all(
        json.loads(info_payload(s.board.info))["id"] == board_id
        for board_id, s in simulator.sessions.items()
    )
    assert Channel.INFO == "info"


def test_sites_sharing_a_base_topic_number_their_boards_apart() -> None:
    """`--first-board`: east's lab-1... and west's lab-2... under one base topic."""
    ids = [
        board.info.board_id
        for board in make_boards(
            "iot_lab", 2, random.Random(1), legacy_boards=False, first=3
        )
    ]
    assert ids == ["lab-3", "climate-3", "door-3", "lab-4", "climate-4", "door-4"]
