"""Real Mosquitto, real Home Assistant, simulated boards: discovery, values, commands."""

from __future__ import annotations

import json
import os
import subprocess
import urllib.request

import pytest

from iot_lab_sim.harness import Demo
from iot_lab_sim.hass_boards import boards
from iot_lab_sim.processes import HASS_BIN, ROOT

from .conftest import is_number, retained, wait_state, wait_until

pytestmark = pytest.mark.e2e

UNAVAILABLE = {"unknown", "unavailable"}


def test_boards_discovered_through_the_discovery_flow(demo: Demo) -> None:
    entries = demo.api.entries("iot_lab")
    assert [e["state"] for e in entries] == ["loaded"]
    assert demo.iot_lab_entry == "discovery"
    devices = demo.api.iot_lab_devices()
    assert {"lab-1", "climate-1", "door-1"} <= set(devices)
    assert devices["lab-1"]["name"] == "Lab bench 1"
    # Unique across sites: the base topic is part of the device's identity.
    assert devices["lab-1"]["identifiers"] == [["iot_lab", "iot_lab/lab-1"]]
    assert devices["lab-1"]["sw_version"] == "1.1.0"  # firmware with settings


def test_each_board_has_its_entities(demo: Demo) -> None:
    by_id = {board.board_id: board for board in boards(demo.api)}
    assert by_id["lab-1"].has(
        "light_raw",  # in the registry, off by default
        "light_level",
        "calibration_dark",
        "calibration_bright",
        "led",
        "oled",
        "connectivity",
        "light_low_limit",
        "light_low_alert",
    )
    assert by_id["climate-1"].has(
        "temperature",
        "humidity",
        "connectivity",
        "temperature_high_limit",
        "temperature_low_alert",
        "humidity_high_alert",
    )
    assert by_id["door-1"].has(
        "entries_today",
        "exits_today",
        "occupancy",
        "lifetime_entries",
        "lifetime_exits",
        "passage",
        "reset_occupancy",
        "occupancy_high_limit",
        "occupancy_high_alert",
    )
    # has_entity_name: entity ids come from the device name and the entity name.
    assert by_id["lab-1"].entities["led"] == "switch.lab_bench_1_led"


def test_sensor_values_are_sane(demo: Demo, entities: dict[str, str]) -> None:
    level = wait_state(demo, entities["lab-1_light_level"], is_number)
    assert 0 <= float(level) <= 100
    temperature = wait_state(demo, entities["climate-1_temperature"], is_number)
    assert 10 <= float(temperature) <= 35
    assert float(temperature).is_integer()  # a DHT11 reads whole degrees
    humidity = wait_state(demo, entities["climate-1_humidity"], is_number)
    assert 20 <= float(humidity) <= 90
    assert demo.api.state(entities["lab-1_connectivity"])["state"] == "on"
    assert demo.api.state(entities["climate-1_connectivity"])["state"] == "on"


def test_door_counter_counts(demo: Demo, entities: dict[str, str]) -> None:
    # Simulated 10:00 at x60: people arrive every few seconds.
    entries = wait_state(
        demo, entities["door-1_entries_today"], lambda s: is_number(s) and float(s) > 0
    )
    exits = float(demo.api.state(entities["door-1_exits_today"])["state"])
    occupancy = float(demo.api.state(entities["door-1_occupancy"])["state"])
    assert 0 <= exits <= float(entries)
    assert occupancy >= 0
    totals = json.loads(retained(demo.broker_port, "iot_lab/door-1/counter") or "{}")
    assert set(totals) == {"entries", "exits", "boot"}
    lifetime = float(demo.api.state(entities["door-1_lifetime_entries"])["state"])
    assert lifetime >= float(entries)


def test_led_command_reaches_the_board_and_comes_back(
    demo: Demo, entities: dict[str, str]
) -> None:
    led = entities["lab-1_led"]
    wait_state(demo, led, lambda s: s not in UNAVAILABLE)
    for service, state, payload in (
        ("turn_on", "on", "ON"),
        ("turn_off", "off", "OFF"),
    ):
        demo.api.service("switch", service, entity_id=led)
        wait_state(demo, led, lambda s, want=state: s == want)
        # The state comes from the board's retained echo, not from the command.
        assert retained(demo.broker_port, "iot_lab/lab-1/led") == payload
    assert demo.simulator is not None
    log = wait_until(
        lambda: demo.simulator.log.read_text() if demo.simulator else "",
        lambda text: "obeyed iot_lab/lab-1/led/set 'OFF'" in text,
    )
    assert "obeyed iot_lab/lab-1/led/set 'ON'" in log


def test_oled_command_reaches_the_board_and_comes_back(
    demo: Demo, entities: dict[str, str]
) -> None:
    oled = entities["lab-1_oled"]
    message = "Bonjour from e2e"
    demo.api.service("text", "set_value", entity_id=oled, value=message)
    wait_state(demo, oled, lambda s: s == message)
    assert retained(demo.broker_port, "iot_lab/lab-1/oled") == message


def test_a_board_of_older_firmware_appears(demo: Demo) -> None:
    board = wait_until(
        lambda: {b.board_id: b for b in boards(demo.api)}.get("esp32-output"),
        lambda b: b is not None and b.has("light_level"),
        timeout=30,
    )
    assert board is not None
    level = wait_state(demo, board.entities["light_level"], is_number)
    assert 0 <= float(level) <= 100
    # No status topic: when it was last heard from, not a connectivity stuck on unknown.
    assert board.has("last_heard")
    assert "connectivity" not in board.entities
    heard = demo.api.state(board.entities["last_heard"])["state"]
    assert heard not in UNAVAILABLE


def test_dashboard_is_the_integrations_strategy(demo: Demo) -> None:
    """What a user gets by picking IoT Lab in the new-dashboard dialog; the browser test
    checks what it shows."""
    config = demo.api.ws("lovelace/config", url_path="iot-lab")
    assert config == {"strategy": {"type": "custom:iot-lab"}}
    with urllib.request.urlopen(f"{demo.url}/iot_lab/iot-lab-strategy.js") as module:
        assert module.status == 200
        assert "max-age" in module.headers["Cache-Control"]
        assert b"ll-strategy-dashboard-iot-lab" in module.read()


def test_the_http_csv_counter_counts_through_its_webhook(demo: Demo) -> None:
    # The simulated ESP8266 posts the period that ended at the simulated 10:00 at once.
    board = wait_until(
        lambda: {b.board_id: b for b in boards(demo.api)}.get("csv-alli1"),
        lambda b: b is not None and b.has("lifetime_entries"),
        timeout=30,
    )
    assert board is not None
    lifetime = wait_state(
        demo,
        board.entities["lifetime_entries"],
        lambda s: is_number(s) and float(s) > 0,
    )
    assert float(lifetime).is_integer()


def test_home_assistant_starts_clean(demo: Demo) -> None:
    """A new user sees no repair, failed entry or error line but IoT Lab's own."""
    issues = demo.api.ws("repairs/list_issues")["issues"]
    assert [i for i in issues if i["domain"] != "iot_lab"] == []
    entries = demo.api.ws("config_entries/get")
    assert {e["domain"]: e["state"] for e in entries if e["state"] != "loaded"} == {}
    errors = [
        line
        for line in demo.hass.log.read_text(errors="replace").splitlines()
        if " ERROR " in line or " CRITICAL " in line
    ]
    assert [line for line in errors if "[custom_components.iot_lab" not in line] == []


def test_home_assistant_is_the_release_under_test(demo: Demo) -> None:
    """The stack runs the `hass` of IOT_LAB_HASS_VENV, or else .venv's: the minimum."""
    installed = subprocess.run(
        [HASS_BIN / "hass", "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert demo.api.rest("GET", "/api/config")["version"] == installed
    if not os.environ.get("IOT_LAB_HASS_VENV"):
        hacs = json.loads((ROOT / "hacs.json").read_text())
        assert installed == hacs["homeassistant"]
