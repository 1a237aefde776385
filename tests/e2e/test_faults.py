"""Faults on a real stack: boards vanishing, the broker and Home Assistant restarting.

One stack of its own (real Mosquitto, real hass, the simulator), since each test breaks
something; the tests run in file order and each leaves the stack working.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
import shutil
import signal
import time

import pytest

from benchmarks.publisher import announce, connect
from iot_lab_sim.harness import Demo, running_stack
from iot_lab_sim.hass_client import HassClient, wait_for_hass
from iot_lab_sim.processes import Stack

from .conftest import E2E_DIR, CounterTruth, is_number, wait_until

pytestmark = pytest.mark.e2e

FLOOD = 500
# Library hours in simulated time, whatever the time of the run: people keep passing.
SIMULATOR = [
    "--boards",
    "1",
    "--no-legacy",
    "--speed",
    "60",
    "--seed",
    "11",
    "--start",
    "2026-11-23T10:00:00",
]


@pytest.fixture(scope="module")
def faulty() -> Iterator[tuple[Stack, Demo, CounterTruth]]:
    """A stack to break: one board of each kind, people walking in at x60."""
    workdir = E2E_DIR / "faults"
    shutil.rmtree(workdir, ignore_errors=True)
    with running_stack(
        workdir, simulator_options=SIMULATOR, board_count=1, csv_counter=None
    ) as (stack, demo):
        truth = CounterTruth(demo.broker_port, "iot_lab/door-1/counter")
        try:
            yield stack, demo, truth
        finally:
            truth.close()


def _entity(demo: Demo, unique_id: str) -> str:
    return str(demo.api.iot_lab_entities()[unique_id]["entity_id"])


def _states(demo: Demo, entity_ids: list[str]) -> list[str]:
    return [str(demo.api.state(entity_id)["state"]) for entity_id in entity_ids]


def _door_figures(demo: Demo) -> tuple[int, int] | None:
    """Lifetime entries and exits in Home Assistant, if known."""
    states = _states(
        demo,
        [
            _entity(demo, "door-1_lifetime_entries"),
            _entity(demo, "door-1_lifetime_exits"),
        ],
    )
    if not all(state.isdigit() for state in states):
        return None
    return int(states[0]), int(states[1])


def _assert_counts_exact(demo: Demo, truth: CounterTruth) -> None:
    """Home Assistant's lifetime figures catch up with every passage the board sent."""
    wait_until(
        lambda: (_door_figures(demo), truth.lifetime()),
        lambda pair: pair[0] is not None and pair[0] == pair[1],
        timeout=30,
    )


def _device_count(demo: Demo) -> int:
    """IoT Lab devices in the registry, duplicates included."""
    return sum(
        any(domain == "iot_lab" for domain, _ in device.get("identifiers", []))
        for device in demo.api.ws("config/device_registry/list")
    )


def test_board_killed_without_goodbye_goes_unavailable_then_returns(
    faulty: tuple[Stack, Demo, CounterTruth],
) -> None:
    stack, demo, truth = faulty
    light = _entity(demo, "lab-1_light_level")
    wait_until(lambda: _states(demo, [light])[0], is_number)
    assert demo.simulator is not None
    # SIGKILL: no offline message; the broker sends each board's last will.
    demo.simulator.stop_signal = signal.SIGKILL
    killed_at = time.monotonic()
    demo.simulator.stop()
    stack.services.remove(demo.simulator)
    wait_until(lambda: _states(demo, [light])[0], lambda s: s == "unavailable")
    assert time.monotonic() - killed_at < 15 * 1.5  # within the keep-alive window
    demo.simulator = stack.start_simulator(demo.broker_port, *SIMULATOR)
    wait_until(lambda: _states(demo, [light])[0], is_number, timeout=30)
    # A reboot: what the first boot counted stays counted, and counting goes on.
    _assert_counts_exact(demo, truth)


def test_broker_killed_and_restarted_mid_stream(
    faulty: tuple[Stack, Demo, CounterTruth],
) -> None:
    stack, demo, truth = faulty
    watched = [
        _entity(demo, unique_id)
        for unique_id in (
            "lab-1_light_level",
            "climate-1_temperature",
            "door-1_occupancy",
        )
    ]
    _assert_counts_exact(demo, truth)
    broker = next(s for s in stack.services if s.name == stack.broker)
    broker.stop_signal = signal.SIGKILL
    broker.stop()
    stack.services.remove(broker)
    wait_until(lambda: _states(demo, watched), lambda s: set(s) == {"unavailable"})
    time.sleep(5)  # boards and Home Assistant keep trying meanwhile
    stack.start_broker(demo.broker_port)
    back_at = time.monotonic()
    wait_until(
        lambda: _states(demo, watched),
        lambda s: "unavailable" not in s,
        timeout=30,
    )
    recovered = time.monotonic() - back_at
    assert recovered <= 10, f"entities back {recovered:.1f} s after the broker"
    _assert_counts_exact(demo, truth)


def _announce_flood(port: int, count: int) -> None:
    """`count` climate boards announced (retained) and online: a school's worth."""
    client = connect(port)
    announce(client, ["climate"], count)
    client.disconnect()
    client.loop_stop()


def test_hass_restarted_with_a_flood_of_retained_announces(
    faulty: tuple[Stack, Demo, CounterTruth],
) -> None:
    stack, demo, truth = faulty
    _assert_counts_exact(demo, truth)
    devices_before = demo.api.iot_lab_devices()
    assert _device_count(demo) == len(devices_before)
    demo.api.close()
    demo.hass.stop()
    stack.services.remove(demo.hass)
    # While Home Assistant is down: passages go on, and 500 more boards announce.
    _announce_flood(demo.broker_port, FLOOD)
    config_dir = Path(str(demo.hass.log.parent.parent / "config"))
    port = int(demo.url.rsplit(":", 1)[1])
    demo.hass = stack.start_hass(config_dir, port)
    wait_for_hass(demo.url, demo.hass, 240, demo.token)
    demo.api = HassClient(demo.url, demo.token)
    devices = wait_until(
        demo.api.iot_lab_devices,
        lambda found: len(found) >= len(devices_before) + FLOOD,
        timeout=60,
    )
    # No duplicate: every board once, the earlier ones with the same device.
    assert len(devices) == len(devices_before) + FLOOD
    for board_id, device in devices_before.items():
        assert devices[board_id]["id"] == device["id"]
    assert {f"bench-{i}" for i in range(FLOOD)} <= set(devices)
    assert _device_count(demo) == len(devices)
    _assert_counts_exact(demo, truth)
