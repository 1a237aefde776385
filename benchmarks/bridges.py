"""Site brokers bridged to a central one: what the bridges lose, add and cost.

N site brokers (Mosquitto, `iot_lab_sim/brokers.py`: the recipe of docs/scaling.md), each
with its simulated boards (one MQTT session per board, as real ones), bridged over TLS
with a password to one central Mosquitto, and one Home Assistant on the central broker
with one IoT Lab entry per site. An observer in this process subscribes to every board
topic on each site broker and, under the site's prefix, on the central broker; each
message is matched with itself on both sides (per topic, in order):

- lost: seen on its site broker, never on the central one (target 0), and duplicated;
- latency the bridge adds: central arrival minus site arrival, p50/p95/p99/max;
- CPU of the brokers, of Home Assistant and of the simulators over the window (% of one
  core), and the machine's load average, since the machine is shared;
- door counts: every door board's lifetime figures in Home Assistant against the last
  totals the board sent on its site broker (target: equal).

Part `bridges` of `scripts/bench` (not a test): `scripts/bench --parts bridges`. This
module runs it; bridges_setup.py starts the brokers, Home Assistant and the boards,
bridges_traffic.py matches the messages and bridges_report.py writes docs/scaling.md.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
import re
import signal
import time
from typing import Any

from iot_lab_sim.brokers import Site
from iot_lab_sim.hass_client import HassClient
from iot_lab_sim.processes import Service, Stack

from .bridges_setup import (
    board_states,
    start_hass,
    start_simulators,
    start_sites,
    wait_available,
)
from .bridges_traffic import Observer, match
from .proc import cpu_seconds
from .stack import drop_warnings

LOGGER = logging.getLogger("bench")
ENTITIES_PER_KIND = (8 + 1 + 3) + (9 + 1 + 3) + (12 + 1 + 3)
"""A light, a climate and a door board's entities with a state, together: the light
board's raw reading is a diagnostic off by default. The simulator's boards run firmware
1.1.0: each also has its firmware update entity and its three settings."""


def run_bridges(
    workdir: Path,
    config: str,
    *,
    site_count: int,
    boards_per_kind: int,
    speed: float,
    seconds: float,
) -> dict[str, Any]:
    """Start it all, wait for every board in Home Assistant, then measure `seconds`."""
    sites = [Site(f"site{n:02}", f"secret-{n}") for n in range(site_count)]
    observer = Observer()
    with Stack(workdir / "logs") as stack:
        central, brokers, ports = start_sites(stack, workdir / "brokers", sites)
        observer.follow_sites(sites, ports, central)
        hass, api = start_hass(stack, workdir / "config", config, central, sites)
        started = time.monotonic()
        simulators = start_simulators(stack, sites, ports, boards_per_kind, speed)
        all_available = _all_available(api, boards_per_kind * site_count, started)
        time.sleep(10)  # the boards' first burst (announce, state) is behind us
        watched = {
            "central broker": [stack.services[0]],
            "site brokers": list(brokers.values()),
            "Home Assistant": [hass],
            "simulators": simulators,
        }
        window = _window(observer, watched, seconds)
        doors = _door_check_paused(api, observer, simulators)
        api.close()
    observer.close()
    return {
        "sites": site_count,
        "boards_per_site": 3 * boards_per_kind,
        "boards": 3 * boards_per_kind * site_count,
        "speed": speed,
        "seconds_to_all_available": round(all_available, 1),
        **window,
        "door_counts": doors,
    }


def _all_available(api: HassClient, per_kind: int, started: float) -> float:
    """Seconds from `started` until the entities of `per_kind` boards of each kind are."""
    expected = ENTITIES_PER_KIND * per_kind
    wait_available(api, expected)
    seconds = time.monotonic() - started
    LOGGER.info(
        "%d boards, %d entities available after %.0f s", 3 * per_kind, expected, seconds
    )
    return seconds


def _window(
    observer: Observer, watched: dict[str, list[Service]], seconds: float
) -> dict[str, Any]:
    """`seconds` of traffic: messages matched across the bridges, CPU, load, drops.

    What the site brokers see from now on is matched on the central one.
    """
    central_broker = watched["central broker"][0]
    with observer.lock:
        observer.seen.clear()
    drops_before = drop_warnings(central_broker)
    cpu_before = {k: [cpu_seconds(s.pid) for s in v] for k, v in watched.items()}
    load_before = os.getloadavg()[0]
    window_start = time.monotonic()
    time.sleep(seconds)
    elapsed = time.monotonic() - window_start
    until = time.time()
    cpu = {
        name: [
            round(100 * (cpu_seconds(s.pid) - before) / elapsed, 1)
            for s, before in zip(services, cpu_before[name], strict=True)
        ]
        for name, services in watched.items()
    }
    load_after = os.getloadavg()[0]
    drops = {"start-up": drops_before, "window": drop_warnings(central_broker)}
    drops["window"] -= drops_before
    time.sleep(5)  # the window's last messages on their way through the bridges
    with observer.lock:
        seen = {key: list(arrivals) for key, arrivals in observer.seen.items()}
    return {
        "window_seconds": round(elapsed, 1),
        **match(seen, until, elapsed),
        "cpu_percent_of_one_core": {
            name: {"each": values, "total": round(sum(values), 1)}
            for name, values in cpu.items()
        },
        "load_average_1min": {"before": load_before, "after": load_after},
        "central_drop_warnings": drops,
    }


def _door_check(api: HassClient, observer: Observer) -> dict[str, int]:
    """Lifetime entries and exits in Home Assistant against the boards' last totals."""
    sent_in, sent_out = observer.last_totals()
    states = board_states(api)
    # Another site's board of the same name has `_2`, `_3`... after its entity id.
    counted_in, counted_out = (
        sum(int(v) for e, v in states.items() if re.search(pattern, e) and v.isdigit())
        for pattern in (r"_lifetime_entries(_\d+)?$", r"_lifetime_exits(_\d+)?$")
    )
    return {
        "entries_sent": sent_in,
        "entries_counted": counted_in,
        "exits_sent": sent_out,
        "exits_counted": counted_out,
    }


def _door_check_paused(
    api: HassClient, observer: Observer, simulators: list[Service]
) -> dict[str, int]:
    """The door check with every board frozen (SIGSTOP), so the totals stand still.

    Their connections stay open: within the keep-alive (15 s, the broker waits 1.5
    times that) no last will makes their entities unavailable meanwhile.
    """
    for simulator in simulators:
        os.kill(simulator.pid, signal.SIGSTOP)
    try:
        deadline = time.monotonic() + 15
        while True:
            doors = _door_check(api, observer)
            same = doors["entries_counted"] == doors["entries_sent"]
            if same and doors["exits_counted"] == doors["exits_sent"]:
                return doors
            if time.monotonic() > deadline:
                return doors
            time.sleep(1)
    finally:
        for simulator in simulators:
            os.kill(simulator.pid, signal.SIGCONT)
