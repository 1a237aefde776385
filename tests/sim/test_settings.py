"""Settings the simulated boards keep: applied, kept across a reboot, echoed, refused."""

from __future__ import annotations

from datetime import datetime, timedelta
import json
import logging
from pathlib import Path
import random
from typing import Any

from iot_lab_wire import (
    Capability,
    Channel,
    Command,
    Passage,
    parse_counter,
    parse_info,
    parse_settings,
)
import pytest

from iot_lab_sim import filters
from iot_lab_sim.door_board import DoorBoard
from iot_lab_sim.door_flow import DoorFlow
from iot_lab_sim.door_rule import DetectedPassage, Mounting
from iot_lab_sim.fleet import make_boards
from iot_lab_sim.people import Rng
from iot_lab_sim.sensor_boards import ClimateBoard, LightBoard
from iot_lab_sim.simulated_board import Publication, SimulatedBoard

DAY = datetime(2026, 11, 23)
DEFAULTS = {
    "lab-1": {"light_delta": 1.95, "light_heartbeat_s": 300, "light_sample_ms": 200},
    "climate-1": {
        "temperature_delta": 1.0,
        "humidity_delta": 1.0,
        "climate_heartbeat_s": 300,
    },
    "door-1": {"swap": False, "gap_ms": 500, "mounting": "torso"},
}
"""The firmware's defaults (its YAML substitutions), as each board echoes them."""
CHANGES = {
    "lab-1": {"light_delta": 5, "light_heartbeat_s": 60, "light_sample_ms": 1000},
    "climate-1": {
        "temperature_delta": 0.5,
        "humidity_delta": 4,
        "climate_heartbeat_s": 30,
    },
    "door-1": {"swap": True, "gap_ms": 900, "mounting": "legs"},
}


def boards(seed: int = 1) -> tuple[LightBoard, ClimateBoard, DoorBoard]:
    light, climate, door = make_boards(
        "iot_lab", 1, random.Random(seed), legacy_boards=False
    )
    assert isinstance(light, LightBoard)
    assert isinstance(climate, ClimateBoard)
    assert isinstance(door, DoorBoard)
    return light, climate, door


def board(board_id: str, seed: int = 1) -> SimulatedBoard:
    return {b.info.board_id: b for b in boards(seed)}[board_id]


def send(target: SimulatedBoard, settings: Any) -> list[Publication]:
    """`config/set` as Home Assistant (or anyone on the broker) publishes it."""
    payload = settings if isinstance(settings, str) else json.dumps(settings)
    return target.command(target.topic(Command.CONFIG), payload)


def echoed(target: SimulatedBoard) -> dict[str, Any]:
    """The settings in the board's echo on connect (its state), checked by the contract."""
    (echo,) = [m for m in target.state() if m.topic == target.topic(Channel.CONFIG)]
    assert echo.retain
    return parse_settings(echo.payload)


def run(target: SimulatedBoard, hours: float, step: float = 60) -> list[Publication]:
    start = DAY + timedelta(hours=10)
    return [
        message
        for second in range(0, int(hours * 3600) + 1, int(step))
        for message in target.due(start + timedelta(seconds=second))
    ]


@pytest.mark.parametrize("board_id", DEFAULTS)
def test_firmware_1_1_0_announces_settings_and_echoes_its_defaults(
    board_id: str,
) -> None:
    target = board(board_id)
    info = parse_info(board_id, target.announce()[0].payload)
    assert info.firmware == "1.1.0"
    assert Capability.SETTINGS in info.capabilities
    assert target.topic(Command.CONFIG) in target.command_topics
    # On every connect (its state), all of its settings and only its kind's.
    assert echoed(target) == DEFAULTS[board_id]


def test_the_echoed_defaults_are_the_filters_defaults() -> None:
    light, climate, _ = boards()
    assert filters.light_delta_raw(1.95) == filters.LIGHT.delta == 80
    assert light.sample_every == filters.LIGHT.sample_every
    assert light._filter.heartbeat == filters.LIGHT.heartbeat
    temperature, humidity = climate._filters
    assert (temperature.delta, humidity.delta) == (1, 1)
    assert temperature.heartbeat == filters.CLIMATE_TEMPERATURE.heartbeat


@pytest.mark.parametrize("board_id", DEFAULTS)
def test_accepted_settings_are_echoed_whole_and_kept_across_a_reboot(
    board_id: str, tmp_path: Path
) -> None:
    flash = tmp_path / "flash" / f"{board_id}.json"
    target = board(board_id)
    target.boot_from(flash)  # never written: the defaults
    assert echoed(target) == DEFAULTS[board_id]
    first, *rest = CHANGES[board_id].items()
    (echo,) = send(target, dict([first]))
    assert echo == Publication(target.topic(Channel.CONFIG), echo.payload, True)
    assert parse_settings(echo.payload) == DEFAULTS[board_id] | dict([first])
    (echo,) = send(target, dict(rest))
    assert parse_settings(echo.payload) == CHANGES[board_id]
    # Power cut: a new board of the same seed boots from its flash.
    rebooted = board(board_id)
    rebooted.boot_from(flash)
    assert echoed(rebooted) == CHANGES[board_id]
    assert rebooted.state() == target.state()


def test_the_light_board_keeps_its_led_and_text_beside_its_settings(
    tmp_path: Path,
) -> None:
    flash = tmp_path / "lab-1.json"
    light, _, _ = boards()
    light.boot_from(flash)
    light.command(light.topic(Command.LED), "ON")
    send(light, {"light_delta": 10})
    rebooted, _, _ = boards()
    rebooted.boot_from(flash)
    assert (rebooted.led, rebooted.oled) == (True, "IoT Lab")
    assert echoed(rebooted)["light_delta"] == 10
    # A flash written before settings existed: its LED and text, default settings.
    flash.write_text('{"led": true, "oled": "Salle 12"}')
    older, _, _ = boards()
    older.boot_from(flash)
    assert (older.led, older.oled) == (True, "Salle 12")
    assert echoed(older) == DEFAULTS["lab-1"]


@pytest.mark.parametrize(
    "kept",
    [
        '{"settings": {"light_delta": 99}}',  # out of range
        '{"settings": {"light_delta": 5, "swap": true}}',  # another kind's
        '{"settings": ["light_delta", 5]}',
        '{"settings": {"light_heartbeat_s": "60"}}',
        "not json",
        "[1, 2]",
    ],
)
def test_a_flash_that_breaks_the_table_boots_with_the_defaults(
    kept: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    flash = tmp_path / "lab-1.json"
    flash.write_text(kept)
    light, _, _ = boards()
    light.boot_from(flash)
    assert echoed(light) == DEFAULTS["lab-1"]
    assert light._filter.delta == 80
    assert "lab-1" in caplog.text


BAD = [
    pytest.param({"colour": "red"}, id="unknown key"),
    pytest.param({"light_delta": "5"}, id="a string for a number"),
    pytest.param({"light_heartbeat_s": 60.5}, id="not a whole number"),
    pytest.param({"light_delta": 99}, id="out of range"),
    pytest.param({"light_sample_ms": 50}, id="below range"),
    pytest.param({"light_delta": 5, "colour": "red"}, id="good and unknown"),
    pytest.param({"light_delta": 5, "light_sample_ms": 0}, id="good and out of range"),
    pytest.param({"light_delta": 5, "swap": True}, id="good and another kind's"),
    pytest.param({"temperature_delta": 0.5}, id="another kind's"),
    pytest.param({}, id="empty"),
    pytest.param("not json", id="not JSON"),
    pytest.param('["light_delta", 5]', id="not an object"),
    pytest.param('{"light_delta": NaN}', id="NaN"),
    pytest.param('{"light_delta": 5, "light_delta": 6, "x": 1}', id="duplicate keys"),
]


@pytest.mark.parametrize("payload", BAD)
def test_a_bad_config_set_changes_nothing(
    payload: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    flash = tmp_path / "lab-1.json"
    light, _, _ = boards()
    light.boot_from(flash)
    send(light, {"light_delta": 10})
    before, kept = light.state(), flash.read_text()
    caplog.set_level(logging.WARNING)
    assert send(light, payload) == []
    assert light.state() == before
    assert flash.read_text() == kept
    assert light._filter.delta == filters.light_delta_raw(10)
    (record,) = caplog.records
    assert record.levelno == logging.WARNING
    assert "lab-1 refused config/set" in record.getMessage()
    assert "nothing changed" in record.getMessage()


@pytest.mark.parametrize(
    ("board_id", "payload"),
    [
        ("door-1", {"swap": 1}),  # 1 is not a boolean
        ("door-1", {"mounting": "ceiling"}),
        ("door-1", {"gap_ms": 100}),
        ("door-1", {"light_delta": 5}),
        ("climate-1", {"temperature_delta": 6}),
        ("climate-1", {"swap": True}),
    ],
)
def test_each_kind_refuses_what_is_not_its_own_or_breaks_the_table(
    board_id: str, payload: dict[str, Any]
) -> None:
    target = board(board_id)
    assert send(target, payload) == []
    assert echoed(target) == DEFAULTS[board_id]


def test_older_firmware_boards_have_no_settings() -> None:
    *_, esp32, dht11, poly = make_boards("iot_lab", 1, random.Random(1))
    for older in (esp32, dht11, poly):
        assert not older.keeps_settings
        assert not [t for t in older.command_topics if t.endswith("/config/set")]
        assert not [m for m in older.state() if m.topic.endswith("/config")]
        assert send(older, {"light_delta": 5}) == []


def _passages(messages: list[Publication]) -> list[str]:
    return [m.payload for m in messages if m.topic.endswith("/passage")]


def test_a_swapped_door_counts_every_passage_the_other_way() -> None:
    _, _, plain = boards(4)
    _, _, swapped = boards(4)
    send(swapped, {"swap": True})
    for door in (plain, swapped):
        door.settle()
    plain_messages, swapped_messages = run(plain, 2), run(swapped, 2)
    turned = {Passage.IN: Passage.OUT, Passage.OUT: Passage.IN}
    assert len(_passages(plain_messages)) > 50
    assert _passages(swapped_messages) == [
        turned[Passage(p)] for p in _passages(plain_messages)
    ]
    assert (swapped.entries, swapped.exits) == (plain.exits, plain.entries)
    totals = parse_counter(
        [m for m in swapped_messages if m.topic.endswith("/counter")][-1].payload
    )
    assert (totals.entries, totals.exits) == (plain.exits, plain.entries)
    # The truth is the same people: the board alone turned them.
    assert (swapped.came_in, swapped.went_out) == (plain.came_in, plain.went_out)


def test_swap_applies_at_once_and_back() -> None:
    """Two boards of one seed, the same people: one of them swapped for an hour."""
    _, _, plain = boards(2)
    _, _, door = boards(2)
    for each in (plain, door):
        each.settle()
    turned = {"in": "out", "out": "in"}
    seen = 0
    for minute in range(180):
        if minute in (60, 120):
            send(door, {"swap": minute == 60})
        now = DAY + timedelta(hours=10, minutes=minute)
        expected = _passages(plain.due(now))
        if 60 <= minute < 120:
            expected = [turned[p] for p in expected]
        assert _passages(door.due(now)) == expected
        seen += len(expected)
    assert seen > 100


def test_gap_and_mounting_reach_the_door_rule() -> None:
    _, _, door = boards()
    send(door, {"gap_ms": 1200})  # before the rule runs: given to it when it starts
    run(door, 0.1)
    assert door._flow is not None
    detector = door._flow.detector
    assert (detector.gap_ms, detector.strides) == (1200, None)
    send(door, {"mounting": "legs", "gap_ms": 700})
    assert door._flow.detector.gap_ms == 700
    assert door._flow.detector.strides is not None
    assert len(_passages(run(door, 1))) > 20  # it goes on counting


@pytest.mark.parametrize("gap_ms", [200, 500, 2000])
def test_the_rule_counts_a_passage_gap_ms_after_the_beams_cleared(gap_ms: int) -> None:
    flow = DoorFlow(Rng(3))
    flow.configure(gap_ms, Mounting.TORSO)
    assert flow.arrive(1, 0, 0, 1000) == 1
    cleared = max(off for pulses in flow.waiting for _, off in pulses)
    assert flow.run_until(int(cleared) + gap_ms - 50) == []
    assert flow.run_until(int(cleared) + gap_ms + 200) == [DetectedPassage.ENTRY]


def _light_count(settings: dict[str, Any], hours: float = 1) -> int:
    light, _, _ = boards(3)
    send(light, settings)
    return len(run(light, hours))


def test_the_light_send_threshold_drives_the_message_rate() -> None:
    default = _light_count({})
    low = _light_count({"light_delta": 0.5})
    high = _light_count({"light_delta": 50})
    assert low > 5 * default
    assert high == 13  # the heartbeat alone: the first reading, then every 5 minutes
    assert default > 2 * high


def test_the_light_heartbeat_and_sampling_period_are_the_boards() -> None:
    # Nothing changes by 50 %: a reading each heartbeat.
    assert _light_count({"light_delta": 50, "light_heartbeat_s": 60}) == 61
    # Everything changes by 0.5 %: at most a reading each sample.
    per_minute = _light_count({"light_delta": 0.5, "light_sample_ms": 60000})
    assert 30 < per_minute <= 61


def _climate_count(settings: dict[str, Any]) -> int:
    _, climate, _ = boards(3)
    send(climate, settings)
    return len(run(climate, 1))


def test_the_climate_thresholds_and_heartbeat_drive_its_messages() -> None:
    default = _climate_count({})
    assert _climate_count({"temperature_delta": 0.1, "humidity_delta": 0.5}) > (
        2 * default
    )
    quiet = {"temperature_delta": 5, "humidity_delta": 20}
    assert _climate_count(quiet) == 2 * 13  # two heartbeats of 5 minutes
    assert _climate_count({**quiet, "climate_heartbeat_s": 30}) == 2 * 121
