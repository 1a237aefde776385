"""Beyond one machine: site brokers bridged to a central one, and history in InfluxDB.

Two sites, each with its own Mosquitto and its own simulated boards (a light, a climate
and a door board; both sites use the same board ids). Each site broker bridges
`iot_lab/#` both ways under its site's prefix to a central Mosquitto, over TLS with a user
and password of its own (`iot_lab_sim/brokers.py`, the recipe of docs/scaling.md). Home
Assistant talks to the central broker only, with one IoT Lab entry per site whose
options name the site bridge's notification topic. InfluxDB (Debian's `influxdb`) gets
Home Assistant's state changes through Home Assistant's own `influxdb` integration.
The tests run in file order; the last one kills a site broker and brings it back.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
import json
from pathlib import Path
import shutil
import signal
import time
from typing import Any
import urllib.parse
import urllib.request

import pytest

from iot_lab_sim.brokers import Site
from iot_lab_sim.harness import start_new_hass
from iot_lab_sim.hass_client import HassClient
from iot_lab_sim.hass_entries import (
    add_influxdb_entry,
    add_iot_lab_site,
    add_mqtt_entry,
)
from iot_lab_sim.processes import (
    HOST,
    INFLUXD_CANDIDATES,
    Stack,
    find_program,
)

from .conftest import (
    E2E_DIR,
    CounterTruth,
    is_number,
    retained,
    start_bridged_brokers,
    wait_until,
)

pytestmark = pytest.mark.e2e

NORTH, SOUTH = Site("north", "north-secret-1"), Site("south", "south-secret-2")
SITES = (NORTH, SOUTH)
# Library hours in simulated time, whatever the time of the run: people keep passing.
SIMULATOR = ["--boards", "1", "--no-legacy", "--speed", "60"]
SIMULATOR += ["--start", "2026-11-23T10:00:00"]
WATCHED = ("lab-1_light_level", "climate-1_temperature", "door-1_occupancy")
CONNECTIVITY = "lab-1_connectivity"
DATABASE = "iot_lab"
INFLUXDB_YAML = """
# History in InfluxDB (the connection is set in the UI): the friendly name as a tag too.
influxdb:
  tags_attributes:
    - friendly_name
  include:
    domains:
      - sensor
"""


@dataclass
class Bridged:
    """The running stack: its processes, Home Assistant, and what the tests need."""

    stack: Stack
    api: HassClient
    config_dir: Path
    central_port: int
    site_ports: dict[str, int]
    site_configs: dict[str, str]
    truths: dict[str, CounterTruth]
    influxdb_port: int | None


def _influxdb(port: int, query: str, *, post: bool = False) -> list[dict[str, Any]]:
    """One InfluxQL query over InfluxDB's HTTP API; the series of its answer."""
    params = urllib.parse.urlencode({"db": DATABASE, "q": query})
    request = urllib.request.Request(
        f"http://{HOST}:{port}/query?{params}",
        data=b"" if post else None,
        method="POST" if post else "GET",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        answer = json.load(response)
    series: list[dict[str, Any]] = answer["results"][0].get("series", [])
    return series


@pytest.fixture(scope="module")
def bridged() -> Iterator[Bridged]:
    """Central broker, two bridged sites with their boards, Home Assistant, InfluxDB."""
    workdir = E2E_DIR / "scaling"
    shutil.rmtree(workdir, ignore_errors=True)
    truths: dict[str, CounterTruth] = {}
    with Stack(workdir / "logs") as stack:
        central, ports, configs = start_bridged_brokers(
            stack, workdir / "brokers", SITES
        )
        for seed, site in enumerate(SITES, start=21):
            port = ports[site.name]
            stack.start_simulator(
                port, *SIMULATOR, "--seed", str(seed), name=f"sim-{site.name}"
            )
            truths[site.name] = CounterTruth(port, "iot_lab/door-1/counter")
        influxdb_port = None
        if find_program(INFLUXD_CANDIDATES) is not None:
            influxdb_port = stack.start_influxdb()
            _influxdb(influxdb_port, f"CREATE DATABASE {DATABASE}", post=True)
        config_dir = workdir / "config"
        api = start_new_hass(stack, config_dir, "scaling test")
        try:
            add_mqtt_entry(api, central)
            for site in SITES:
                add_iot_lab_site(api, site.base_topic, site.notification_topic)
            yield Bridged(
                stack, api, config_dir, central, ports, configs, truths, influxdb_port
            )
        finally:
            api.close()
            for truth in truths.values():
                truth.close()


def _entities(api: HassClient) -> dict[str, str]:
    """IoT Lab's entity ids by unique id: `<site>/iot_lab/<board id>_<key>`."""
    return {
        entry["unique_id"]: entry["entity_id"]
        for entry in api.ws("config/entity_registry/list")
        if entry.get("platform") == "iot_lab"
    }


def _ids(bridged: Bridged, *keys: str) -> dict[str, dict[str, str]]:
    """Per site, the entity id of each of `keys`, once every one exists."""
    wanted = {f"{site.base_topic}/{key}" for site in SITES for key in keys}
    found = wait_until(
        lambda: _entities(bridged.api), lambda ids: wanted <= set(ids), timeout=90
    )
    return {
        site.name: {key: found[f"{site.base_topic}/{key}"] for key in keys}
        for site in SITES
    }


def _state(bridged: Bridged, entity_id: str) -> str:
    return str(bridged.api.state(entity_id)["state"])


def _door_figures(bridged: Bridged, ids: dict[str, str]) -> tuple[int, int] | None:
    """A door counter's lifetime entries and exits in Home Assistant, if known."""
    states = [_state(bridged, entity_id) for entity_id in ids.values()]
    if not all(state.isdigit() for state in states):
        return None
    return int(states[0]), int(states[1])


def _assert_counts_exact(bridged: Bridged) -> None:
    """Every passage each site's door counter sent, counted once in Home Assistant."""
    ids = _ids(bridged, "door-1_lifetime_entries", "door-1_lifetime_exits")
    for site in SITES:
        truth = bridged.truths[site.name]
        wait_until(
            lambda door=ids[site.name], truth=truth: (
                _door_figures(bridged, door),
                truth.lifetime(),
            ),
            lambda pair: pair[0] is not None and pair[0] == pair[1],
            timeout=60,
        )


def test_both_sites_work_through_their_bridges(bridged: Bridged) -> None:
    ids = _ids(bridged, *WATCHED, "lab-1_led", CONNECTIVITY)
    for site in SITES:
        for key in WATCHED:
            wait_until(
                lambda entity_id=ids[site.name][key]: _state(bridged, entity_id),
                is_number,
                timeout=60,
            )
    # The LED command goes to north's board through its bridge; the echo comes back.
    led = ids[NORTH.name]["lab-1_led"]
    for action, wanted in (("turn_on", "on"), ("turn_off", "off")):
        bridged.api.service("switch", action, entity_id=led)
        wait_until(lambda: _state(bridged, led), lambda s, w=wanted: s == w)
    _assert_counts_exact(bridged)


def test_a_boards_last_will_crosses_the_bridge(bridged: Bridged) -> None:
    """South's boards lose power: the site broker's last wills reach Home Assistant."""
    ids = _ids(bridged, "lab-1_light_level")
    south = next(s for s in bridged.stack.services if s.name == "sim-south")
    south.stop_signal = signal.SIGKILL
    south.stop()
    bridged.stack.services.remove(south)
    light = ids[SOUTH.name]["lab-1_light_level"]
    wait_until(lambda: _state(bridged, light), lambda s: s == "unavailable")
    assert is_number(_state(bridged, ids[NORTH.name]["lab-1_light_level"]))
    bridged.stack.start_simulator(
        bridged.site_ports[SOUTH.name], *SIMULATOR, "--seed", "22", name="sim-south"
    )
    wait_until(lambda: _state(bridged, light), is_number, timeout=60)
    # The reboot continues the board's run: nothing counted twice.
    _assert_counts_exact(bridged)


def test_history_in_influxdb(bridged: Bridged) -> None:
    """Home Assistant's `influxdb` integration, set up as a user would, gets every
    figure of every board of both sites, one series per entity."""
    port = bridged.influxdb_port
    if port is None:
        pytest.skip(
            "InfluxDB is not installed (Debian package influxdb: scripts/setup "
            "installs it when run as root)"
        )
    entry_id = add_influxdb_entry(bridged.api, port, DATABASE)
    with (bridged.config_dir / "configuration.yaml").open("a") as configuration:
        configuration.write(INFLUXDB_YAML)
    # The options in YAML apply when the entry loads: reload it, as after an edit.
    bridged.api.rest("POST", f"/api/config/config_entries/entry/{entry_id}/reload")
    keys = {
        "lab-1_light_level": "%",
        "climate-1_temperature": "°C",
        "climate-1_humidity": "%",
        "door-1_lifetime_entries": None,  # no unit: the entity id is the measurement
        "door-1_occupancy": None,
    }
    ids = _ids(bridged, *keys)
    entity_ids = [
        (ids[site.name][key], unit) for site in SITES for key, unit in keys.items()
    ]
    # Measurement (the unit, else the entity id) and the entity_id tag (its object id).
    wanted = {(unit or eid, eid.partition(".")[2]) for eid, unit in entity_ids}

    def written() -> dict[tuple[str, str], dict[str, Any]]:
        series = _influxdb(
            port, 'SELECT last("value") FROM /.*/ GROUP BY "entity_id", "friendly_name"'
        )
        return {(s["name"], s["tags"]["entity_id"]): s for s in series}

    found = wait_until(written, lambda series: wanted <= set(series), timeout=90)
    for measurement, object_id in wanted:
        series = found[measurement, object_id]
        assert isinstance(series["values"][0][1], int | float)
        assert series["tags"]["friendly_name"]
    # One series per board: north's and south's temperatures are told apart.
    temperatures = {
        object_id for measurement, object_id in found if measurement == "°C"
    }
    assert len(temperatures) >= len(SITES)


def test_a_site_broker_killed_then_back(bridged: Bridged) -> None:
    """North's broker dies: the central broker still holds its boards' retained
    `online`, but its bridge's last will says 0, so north goes unavailable while south
    goes on; back, with every passage counted once."""
    _assert_counts_exact(bridged)
    ids = _ids(bridged, *WATCHED, CONNECTIVITY)
    north = [*ids[NORTH.name].values()]
    south = [*ids[SOUTH.name].values()]
    broker = next(s for s in bridged.stack.services if s.name == "site-north")
    broker.stop_signal = signal.SIGKILL
    broker.stop()
    bridged.stack.services.remove(broker)
    wait_until(
        lambda: [_state(bridged, entity_id) for entity_id in north],
        lambda states: set(states) == {"unavailable"},
    )
    # What Home Assistant would otherwise have believed: north's boards still online.
    status = f"{NORTH.base_topic}/lab-1/status"
    assert retained(bridged.central_port, status) == "online"
    time.sleep(3)  # People keep passing at north's door meanwhile; south goes on.
    assert "unavailable" not in [_state(bridged, entity_id) for entity_id in south]
    north_truth = bridged.truths[NORTH.name]
    before = north_truth.lifetime()
    bridged.stack.start_mosquitto(
        "site-north", bridged.site_ports[NORTH.name], bridged.site_configs[NORTH.name]
    )
    wait_until(
        lambda: [_state(bridged, entity_id) for entity_id in north],
        lambda states: "unavailable" not in states,
        timeout=60,
    )
    # North's door board reconnects to its broker and sends its totals, which hold the
    # passages of the outage: they reach Home Assistant through the bridge.
    wait_until(north_truth.lifetime, lambda now: now != before, timeout=60)
    _assert_counts_exact(bridged)
