"""Settings the boards keep, changed from Home Assistant (firmware 1.1.0's `config/set`).

A stack of its own (real Mosquitto, real hass, the simulator), since the tests change
what its boards do and reboot them. What the boards send is watched by an MQTT client of
the test's own, subscribed before the boards first connect. The simulated library opens
at 08:00 when the simulator starts (x60: a simulated minute a second): people come in
more than they leave for the first hour, so a door counts more entries than exits,
unless it is swapped. Simulated time is the simulator's clock, real time times 60, so a
window of real seconds is the same simulated time on any machine.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
import json
import shutil
import signal
import threading
import time
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
import pytest

from iot_lab_sim.harness import Demo, running_stack
from iot_lab_sim.processes import HOST, Stack

from .conftest import E2E_DIR, clear_retained, retained, wait_until

pytestmark = pytest.mark.e2e

SIMULATOR = [
    "--no-legacy",
    "--speed",
    "60",
    "--seed",
    "3",
    "--start",
    "2026-11-23T08:00:00",
]
SPEED = 60
PASSAGES = "iot_lab/door-1/passage"
LIGHT = "iot_lab/lab-1/light"
ECHOES = "iot_lab/+/config"
DEFAULTS = {
    "lab-1": {"light_delta": 1.95, "light_heartbeat_s": 300, "light_sample_ms": 200},
    "climate-1": {
        "temperature_delta": 1.0,
        "humidity_delta": 1.0,
        "climate_heartbeat_s": 300,
    },
    "door-1": {"swap": False, "gap_ms": 500, "mounting": "torso"},
}
"""What each board echoes before anyone changes its settings: the firmware's defaults."""
HASS_STATES = {"swap": {False: "off", True: "on"}}
FILLED = 5
"""More entries than exits (or, swapped, exits than entries) that the opening brings
within half an hour of simulated time; a door's miscounts stay within 2 either way."""


class Traffic:
    """Every message on the watched topics, with the time it arrived."""

    def __init__(self, port: int) -> None:
        """Subscribe now and wait until the broker confirmed the subscriptions."""
        self._lock = threading.Lock()
        self._seen: list[tuple[float, str, str]] = []
        subscribed = threading.Event()
        self._client = mqtt.Client(CallbackAPIVersion.VERSION2)
        self._client.on_subscribe = lambda *_: subscribed.set()
        self._client.on_message = self._on_message
        self._client.connect(HOST, port)
        self._client.subscribe([(PASSAGES, 1), (LIGHT, 1), (ECHOES, 1)])
        self._client.loop_start()
        assert subscribed.wait(10), "the broker did not confirm the subscriptions"

    def _on_message(self, client: mqtt.Client, userdata: Any, msg: Any) -> None:
        with self._lock:
            self._seen.append((time.monotonic(), msg.topic, msg.payload.decode()))

    def payloads(self, topic: str, since: float = 0.0) -> list[str]:
        """What was sent on `topic` (a wildcard: `ECHOES`) since `since`."""
        with self._lock:
            return [
                payload
                for at, seen, payload in self._seen
                if at >= since and mqtt.topic_matches_sub(topic, seen)
            ]

    def count_over(self, topic: str, seconds: float) -> int:
        """Messages on `topic` over the next `seconds` (times `SPEED` simulated)."""
        start = time.monotonic()
        wait_until(time.monotonic, lambda now: now >= start + seconds, seconds + 5)
        with self._lock:
            return sum(
                start <= at < start + seconds and seen == topic
                for at, seen, _ in self._seen
            )

    def publish(self, topic: str, payload: str) -> None:
        """Publish as anyone on the broker could (QoS 1, in order)."""
        self._client.publish(topic, payload, qos=1).wait_for_publish(10)

    def close(self) -> None:
        """Disconnect."""
        self._client.disconnect()
        self._client.loop_stop()


@dataclass
class Lab:
    """The stack, its watcher, and the settings entities by unique id."""

    stack: Stack
    demo: Demo
    traffic: Traffic

    def entity(self, unique_id: str) -> str:
        return str(self.demo.api.iot_lab_entities()[unique_id]["entity_id"])

    def state(self, unique_id: str) -> str:
        return str(self.demo.api.state(self.entity(unique_id))["state"])

    def echo(self, board_id: str) -> dict[str, Any]:
        payload = retained(self.demo.broker_port, f"iot_lab/{board_id}/config")
        return dict(json.loads(payload or "{}"))

    def wait_echo(self, board_id: str, expected: dict[str, Any]) -> None:
        """The board's retained echo and Home Assistant both show `expected`."""
        wait_until(lambda: self.echo(board_id), lambda echo: echo == expected)
        for key, value in expected.items():
            wait_until(
                lambda key=key: self.state(f"{board_id}_{key}"),
                lambda state, value=value, key=key: _shows(state, key, value),
            )


def _shows(state: str, key: str, value: object) -> bool:
    """Home Assistant's state of a setting entity is the board's value."""
    if isinstance(value, bool):
        return state == HASS_STATES["swap"][value]
    if isinstance(value, str):
        return state == value
    try:
        return float(state) == value
    except ValueError:
        return False


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    """A stack whose boards are watched from before they first connect."""
    workdir = E2E_DIR / "settings"
    shutil.rmtree(workdir, ignore_errors=True)
    watchers: list[Traffic] = []
    with running_stack(
        workdir,
        simulator_options=SIMULATOR,
        board_count=1,
        csv_counter=None,
        before_boards=lambda port: watchers.append(Traffic(port)),
    ) as (stack, demo):
        try:
            yield Lab(stack, demo, watchers[0])
        finally:
            watchers[0].close()


def _balance(traffic: Traffic, since: float = 0.0) -> int:
    """Entries minus exits the door counter sent since `since`."""
    passages = traffic.payloads(PASSAGES, since)
    return passages.count("in") - passages.count("out")


def test_boards_of_firmware_1_1_0_show_the_settings_they_keep(lab: Lab) -> None:
    for board_id, settings in DEFAULTS.items():
        lab.wait_echo(board_id, settings)
        firmware = lab.demo.api.state(lab.entity(f"{board_id}_firmware"))
        assert firmware["attributes"]["installed_version"] == "1.1.0"
    select = lab.demo.api.state(lab.entity("door-1_mounting"))
    assert select["attributes"]["options"] == ["torso", "legs"]


def _power_cut(lab: Lab) -> float:
    """The boards lose power and boot again, into the library's opening; returns when.

    The door's echo is cleared from the broker meanwhile: who knows what a broker kept,
    the board must say its settings again itself.
    """
    stack, demo = lab.stack, lab.demo
    assert demo.simulator is not None
    demo.simulator.stop_signal = signal.SIGKILL
    demo.simulator.stop()
    stack.services.remove(demo.simulator)
    wait_until(lambda: lab.state("door-1_swap"), lambda state: state == "unavailable")
    clear_retained(demo.broker_port, "iot_lab/door-1/config")
    booted_at = time.monotonic()
    demo.simulator = stack.start_simulator(
        demo.broker_port, "--boards", "1", *SIMULATOR
    )
    return booted_at


def test_a_door_swapped_from_home_assistant_counts_the_other_way_after_a_reboot(
    lab: Lab,
) -> None:
    demo, traffic = lab.demo, lab.traffic
    # The library opens, the door not swapped: more entries than exits.
    booted_at = _power_cut(lab)
    lab.wait_echo("door-1", DEFAULTS["door-1"])
    wait_until(
        lambda: _balance(traffic, booted_at), lambda seen: seen >= FILLED, timeout=120
    )
    swap = lab.entity("door-1_swap")
    demo.api.service("switch", "turn_on", entity_id=swap)
    lab.wait_echo("door-1", DEFAULTS["door-1"] | {"swap": True})

    # Power cut; the same morning again, swapped: more exits than entries.
    booted_at = _power_cut(lab)
    wait_until(
        lambda: _balance(traffic, booted_at), lambda seen: seen <= -FILLED, timeout=120
    )
    # The board kept the setting and said so again; Home Assistant shows it.
    lab.wait_echo("door-1", DEFAULTS["door-1"] | {"swap": True})
    assert demo.api.state(swap)["state"] == "on"
    # Home Assistant counts what the swapped board counted.
    wait_until(
        lambda: (_lifetime(lab), _totals(lab)),
        lambda seen: seen[0] is not None and seen[0] == seen[1],
        timeout=30,
    )


def _lifetime(lab: Lab) -> tuple[int, int] | None:
    states = [lab.state(f"door-1_lifetime_{way}") for way in ("entries", "exits")]
    if not all(state.isdigit() for state in states):
        return None
    return int(states[0]), int(states[1])


def _totals(lab: Lab) -> tuple[int, int]:
    totals = json.loads(
        retained(lab.demo.broker_port, "iot_lab/door-1/counter") or "{}"
    )
    return int(totals["entries"]), int(totals["exits"])


def _light_threshold(lab: Lab, percent: float) -> None:
    entity = lab.entity("lab-1_light_delta")
    lab.demo.api.service("number", "set_value", entity_id=entity, value=percent)
    lab.wait_echo("lab-1", DEFAULTS["lab-1"] | {"light_delta": percent})


def test_the_light_send_threshold_set_from_home_assistant_changes_the_rate(
    lab: Lab,
) -> None:
    window = 15  # seconds: a quarter of an hour of simulated time
    lab.wait_echo("lab-1", DEFAULTS["lab-1"])
    usual = lab.traffic.count_over(LIGHT, window)
    _light_threshold(lab, 0.5)
    eager = lab.traffic.count_over(LIGHT, window)
    _light_threshold(lab, 50)
    quiet = lab.traffic.count_over(LIGHT, window)
    _light_threshold(lab, 2)
    rates = f"light messages in {window * SPEED // 60} simulated minutes: " + (
        f"{usual} at 1.95 %, {eager} at 0.5 %, {quiet} at 50 %"
    )
    # 0.5 % of the range is ADC noise: about a reading every 2 s of simulated time.
    assert eager > 100, rates
    assert eager > 4 * usual, rates
    # 50 %: the heartbeat alone, every 5 simulated minutes.
    assert quiet <= window * SPEED // 300 + 1, rates
    assert quiet <= usual, rates


BAD = [
    ("lab-1", '{"colour": "red"}'),  # unknown key
    ("lab-1", '{"light_delta": "5"}'),  # a string for a number
    ("lab-1", '{"light_delta": 99}'),  # out of range
    ("lab-1", '{"light_delta": 3, "swap": true}'),  # a good one, and another kind's
    ("lab-1", "delta=3"),  # not JSON
    ("door-1", '{"swap": 1}'),  # 1 is not a boolean
    ("door-1", '{"gap_ms": 5000}'),
    ("climate-1", '{"temperature_delta": 0}'),
]


def _refusals(demo: Demo) -> int:
    assert demo.simulator is not None
    return demo.simulator.log.read_text(errors="replace").count("refused config/set")


def test_a_bad_config_set_from_anyone_on_the_broker_changes_nothing(lab: Lab) -> None:
    demo, traffic = lab.demo, lab.traffic
    keys = {board_id: list(settings) for board_id, settings in DEFAULTS.items()}
    echoes = {board_id: lab.echo(board_id) for board_id in keys}
    states = {
        f"{board_id}_{key}": lab.state(f"{board_id}_{key}")
        for board_id in keys
        for key in keys[board_id]
    }
    assert "unknown" not in states.values()
    refused_before, sent_at = _refusals(demo), time.monotonic()
    for board_id, payload in BAD:
        traffic.publish(f"iot_lab/{board_id}/config/set", payload)
    # Each board says in its log that it refused each one...
    wait_until(lambda: _refusals(demo) - refused_before, lambda n: n == len(BAD))
    # ...and echoed nothing: what it keeps, and Home Assistant shows, stays.
    assert traffic.payloads(ECHOES, sent_at) == []
    assert {board_id: lab.echo(board_id) for board_id in keys} == echoes
    assert {unique_id: lab.state(unique_id) for unique_id in states} == states
    assert echoes["lab-1"]["light_delta"] == 2
