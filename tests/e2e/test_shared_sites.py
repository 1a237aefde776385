"""Sites bridged under one base topic: `topic iot_lab/# both 1` on each site broker.

Two site brokers bridge `iot_lab/#` both ways, without a prefix, over TLS with a user
and password each, to a central Mosquitto: on the central broker every board is under
`iot_lab/`, so board ids differ between the sites (east has lab-1, climate-1, door-1;
west lab-2, climate-2, door-2). Home Assistant has one IoT Lab entry whose options say
which boards are behind which bridge. West's broker is killed: only west's boards go
unavailable, although the central broker still holds their retained `online`; back,
with every passage of both doors counted once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
import shutil
import signal
import time

import pytest

from iot_lab_sim.brokers import Site
from iot_lab_sim.harness import start_new_hass
from iot_lab_sim.hass_boards import wait_for_entities
from iot_lab_sim.hass_client import HassClient
from iot_lab_sim.hass_entries import add_iot_lab_entry, add_mqtt_entry, set_bridges
from iot_lab_sim.processes import Stack

from .conftest import (
    E2E_DIR,
    CounterTruth,
    is_number,
    retained,
    start_bridged_brokers,
    wait_until,
)

pytestmark = pytest.mark.e2e

EAST = Site("east", "east-secret-3", prefixed=False)
WEST = Site("west", "west-secret-4", prefixed=False)
NUMBERS = {EAST.name: 1, WEST.name: 2}
"""Each site's board numbers: lab-1... at east, lab-2... at west."""
SIMULATOR = ["--boards", "1", "--no-legacy", "--speed", "60"]
SIMULATOR += ["--start", "2026-11-23T10:00:00"]


def _watched(site: Site) -> list[str]:
    number = NUMBERS[site.name]
    return [f"lab-{number}_light_level", f"door-{number}_occupancy"]


@dataclass
class Shared:
    """The running stack and what the tests need of it."""

    stack: Stack
    api: HassClient
    central_port: int
    site_ports: dict[str, int]
    site_configs: dict[str, str]
    truths: dict[str, CounterTruth]
    entities: dict[str, str]
    """Entity ids by `<board id>_<key>`."""


@pytest.fixture(scope="module")
def shared() -> Iterator[Shared]:
    """Central broker, two sites bridged without a prefix, Home Assistant."""
    workdir = E2E_DIR / "shared-sites"
    shutil.rmtree(workdir, ignore_errors=True)
    truths: dict[str, CounterTruth] = {}
    with Stack(workdir / "logs") as stack:
        central, ports, configs = start_bridged_brokers(
            stack, workdir / "brokers", (EAST, WEST)
        )
        for site in (EAST, WEST):
            number = NUMBERS[site.name]
            port = ports[site.name]
            stack.start_simulator(
                port,
                *SIMULATOR,
                "--first-board",
                str(number),
                "--seed",
                str(30 + number),
                name=f"sim-{site.name}",
            )
            truths[site.name] = CounterTruth(port, f"iot_lab/door-{number}/counter")
        api = start_new_hass(stack, workdir / "config", "shared sites test")
        try:
            add_mqtt_entry(api, central)
            add_iot_lab_entry(api)
            keys = [key for site in (EAST, WEST) for key in _watched(site)]
            wait_for_entities(api, keys, 90)
            (entry,) = api.entries("iot_lab")
            # East's boards picked; west's bridge carries every other board.
            east = [
                f"{kind}-{NUMBERS[EAST.name]}" for kind in ("lab", "climate", "door")
            ]
            set_bridges(
                api,
                entry["entry_id"],
                {EAST.notification_topic: east, WEST.notification_topic: []},
            )
            entities = wait_for_entities(api, keys, 90)
            yield Shared(stack, api, central, ports, configs, truths, entities)
        finally:
            api.close()
            for truth in truths.values():
                truth.close()


def _states(shared: Shared, site: Site) -> list[str]:
    return [
        str(shared.api.state(shared.entities[key])["state"]) for key in _watched(site)
    ]


def _lifetime(shared: Shared, site: Site) -> tuple[int, int] | None:
    """A site's door counter's lifetime entries and exits in Home Assistant, if known."""
    door = f"door-{NUMBERS[site.name]}"
    ids = wait_for_entities(
        shared.api, [f"{door}_lifetime_entries", f"{door}_lifetime_exits"], 30
    )
    states = [str(shared.api.state(entity_id)["state"]) for entity_id in ids.values()]
    if not all(state.isdigit() for state in states):
        return None
    return int(states[0]), int(states[1])


def _assert_counts_exact(shared: Shared) -> None:
    for site in (EAST, WEST):
        truth = shared.truths[site.name]
        wait_until(
            lambda site=site, truth=truth: (_lifetime(shared, site), truth.lifetime()),
            lambda pair: pair[0] is not None and pair[0] == pair[1],
            timeout=60,
        )


def test_one_sites_broker_killed_leaves_the_other_site_available(
    shared: Shared,
) -> None:
    for site in (EAST, WEST):
        wait_until(
            lambda site=site: _states(shared, site),
            lambda states: all(is_number(state) for state in states),
            timeout=60,
        )
    _assert_counts_exact(shared)
    broker = next(s for s in shared.stack.services if s.name == "site-west")
    broker.stop_signal = signal.SIGKILL
    broker.stop()
    shared.stack.services.remove(broker)
    wait_until(
        lambda: _states(shared, WEST), lambda states: set(states) == {"unavailable"}
    )
    # What Home Assistant would otherwise have believed: west's boards still online.
    assert retained(shared.central_port, "iot_lab/lab-2/status") == "online"
    time.sleep(3)  # East goes on.
    assert all(is_number(state) for state in _states(shared, EAST))
    west_truth = shared.truths[WEST.name]
    before = west_truth.lifetime()
    shared.stack.start_mosquitto(
        "site-west", shared.site_ports[WEST.name], shared.site_configs[WEST.name]
    )
    wait_until(
        lambda: _states(shared, WEST),
        lambda states: "unavailable" not in states,
        timeout=60,
    )
    wait_until(west_truth.lifetime, lambda now: now != before, timeout=60)
    _assert_counts_exact(shared)
