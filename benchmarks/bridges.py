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

Part `bridges` of `scripts/bench` (not a test): `scripts/bench --parts bridges`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
import json
import logging
import os
from pathlib import Path
import re
import signal
import threading
import time
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from iot_lab_sim.brokers import (
    ServerTls,
    Site,
    central_acl,
    central_config,
    site_config,
    write_password_file,
)
from iot_lab_sim.hass_api import (
    HomeAssistant,
    add_iot_lab_site,
    add_mqtt_entry,
    owner_token,
    wait_for_hass,
)
from iot_lab_sim.hass_config import prepare_config
from iot_lab_sim.processes import HOST, HarnessError, Service, Stack, free_port
from tests.certificates import write_server_files

from .proc import cpu_seconds
from .stack import drop_warnings
from .stats import spread

LOGGER = logging.getLogger("bench")
ENTITIES_PER_KIND = 8 + 9 + 11
"""A light, a climate and a door board's entities with a state, together: the light
board's raw reading is a diagnostic off by default."""


type Arrivals = list[tuple[float, bytes]]
"""When (wall clock) and what arrived on one topic, in order."""


@dataclass
class Observer:
    """Every board message on each site broker and on the central one, with its time."""

    seen: dict[tuple[str, str, str], Arrivals] = field(
        default_factory=lambda: defaultdict(list)
    )
    """(site, topic as the site names it, "site" or "central") -> arrivals."""
    totals: dict[tuple[str, str], bytes] = field(default_factory=dict)
    """The last totals of each door board on its site broker (never cleared)."""
    lock: threading.Lock = field(default_factory=threading.Lock)
    clients: list[mqtt.Client] = field(default_factory=list)

    def follow(self, port: int, topic: str, site: str | None = None) -> None:
        """Subscribe to `topic` on a site broker (`site`) or the central one (None).

        Arrival times are taken as the message is handed over, in this process.
        """
        name = site or f"central-{topic.partition('/')[0]}"
        client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"observer-{name}")

        def on_message(c: mqtt.Client, userdata: Any, msg: mqtt.MQTTMessage) -> None:
            now = time.time()
            if site is not None and msg.topic.endswith("/counter"):
                with self.lock:
                    self.totals[site, msg.topic] = msg.payload
            if msg.retain:
                return  # Replayed on subscribing: not a message of the window.
            if site is None:  # <site>/iot_lab/...: the site's own topic after it
                name, _, rest = msg.topic.partition("/")
                key = (name, rest, "central")
            else:
                key = (site, msg.topic, "site")
            with self.lock:
                self.seen[key].append((now, msg.payload))

        ready = threading.Event()
        client.on_message = on_message
        client.on_subscribe = lambda *_: ready.set()
        client.on_connect = lambda c, *_: c.subscribe(topic, qos=1)
        client.connect(HOST, port, keepalive=60)
        client.loop_start()
        if not ready.wait(20):
            raise HarnessError(f"the observer could not subscribe on port {port}")
        self.clients.append(client)

    def last_totals(self) -> tuple[int, int]:
        """Entries and exits of every door board's last totals seen on its site."""
        entries = exits = 0
        with self.lock:
            for payload in self.totals.values():
                totals = json.loads(payload)
                entries += int(totals["entries"])
                exits += int(totals["exits"])
        return entries, exits

    def close(self) -> None:
        """Disconnect every client."""
        for client in self.clients:
            client.disconnect()
            client.loop_stop()


def _start_sites(
    stack: Stack, folder: Path, sites: list[Site]
) -> tuple[int, dict[str, Service], dict[str, int]]:
    """The central broker and every site broker; the central port, sites and ports."""
    folder.mkdir(parents=True, exist_ok=True)
    ca, cert, key = write_server_files(folder, HOST)
    passwords, acl = folder / "passwords", folder / "acl"
    write_password_file(passwords, {site.name: site.password for site in sites})
    acl.write_text(central_acl(sites))
    central, tls_port = free_port(), free_port()
    tls = ServerTls(ca, cert, key)
    stack.start_mosquitto(
        "central", central, central_config(central, tls_port, tls, passwords, acl)
    )
    services: dict[str, Service] = {}
    ports: dict[str, int] = {}
    for site in sites:
        ports[site.name] = port = free_port()
        services[site.name] = stack.start_mosquitto(
            f"site-{site.name}", port, site_config(port, site, tls_port, ca)
        )
    return central, services, ports


BOARD_NAMES = ("lab_bench_", "climate_corner_", "library_entrance_")
"""How the simulator's boards' entity ids start (after the domain)."""


def _states(api: HomeAssistant) -> dict[str, str]:
    """The state of every entity of a simulated board."""
    return {
        state["entity_id"]: state["state"]
        for state in api.rest("GET", "/api/states")
        if state["entity_id"].partition(".")[2].startswith(BOARD_NAMES)
    }


def _door_check(api: HomeAssistant, observer: Observer) -> dict[str, int]:
    """Lifetime entries and exits in Home Assistant against the boards' last totals."""
    sent_in, sent_out = observer.last_totals()
    states = _states(api)
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
    api: HomeAssistant, observer: Observer, simulators: list[Service]
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
        central, brokers, ports = _start_sites(stack, workdir / "brokers", sites)
        central_broker = stack.services[0]
        for site in sites:  # one client per site on each side: the same load on both
            observer.follow(ports[site.name], "iot_lab/#", site.name)
            observer.follow(central, f"{site.base_topic}/#")
        http_port = free_port()
        config_dir = workdir / "config"
        prepare_config(config_dir, http_port, configuration=config)
        hass = stack.start_hass(config_dir, http_port)
        url = f"http://{HOST}:{http_port}"
        wait_for_hass(url, hass, 300)
        api = HomeAssistant(url, owner_token(url, "bridge benchmark"))
        add_mqtt_entry(api, central)
        for site in sites:
            add_iot_lab_site(api, site.base_topic, site.notification_topic)
        started = time.monotonic()
        simulators = [
            stack.start_simulator(
                ports[site.name],
                "--boards",
                str(boards_per_kind),
                "--no-legacy",
                "--speed",
                str(speed),
                "--seed",
                str(n),
                "--start",
                "2026-11-23T10:00:00",
                name=f"sim-{site.name}",
            )
            for n, site in enumerate(sites)
        ]
        boards = 3 * boards_per_kind * site_count
        expected = ENTITIES_PER_KIND * boards_per_kind * site_count
        deadline = time.monotonic() + 900
        while (available := sum(s != "unavailable" for s in _states(api).values())) < (
            expected
        ):
            if time.monotonic() > deadline:
                raise HarnessError(f"{available} of {expected} entities available")
            time.sleep(2)
        all_available = time.monotonic() - started
        LOGGER.info(
            "%d boards, %d entities available after %.0f s",
            boards,
            expected,
            all_available,
        )
        time.sleep(10)  # the boards' first burst (announce, state) is behind us
        # The window: what the site brokers see from now on is matched on the central one.
        with observer.lock:
            observer.seen.clear()
        watched = {
            "central broker": [central_broker],
            "site brokers": list(brokers.values()),
            "Home Assistant": [hass],
            "simulators": simulators,
        }
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
        doors = _door_check_paused(api, observer, simulators)
        api.close()
    observer.close()
    return {
        "sites": site_count,
        "boards_per_site": 3 * boards_per_kind,
        "boards": boards,
        "speed": speed,
        "seconds_to_all_available": round(all_available, 1),
        "window_seconds": round(elapsed, 1),
        **_match(seen, until, elapsed),
        "cpu_percent_of_one_core": {
            name: {"each": values, "total": round(sum(values), 1)}
            for name, values in cpu.items()
        },
        "load_average_1min": {"before": load_before, "after": load_after},
        "central_drop_warnings": drops,
        "door_counts": doors,
    }


def _match(
    seen: dict[tuple[str, str, str], Arrivals], until: float, elapsed: float
) -> dict[str, Any]:
    """Each message a site broker got before `until`, found again on the central one.

    Per topic, in order (the bridge keeps the order of one topic at QoS 1): the next
    central arrival with the same payload. A site message with none is lost; a central
    arrival skipped between two matches came twice.
    """
    sent = lost = duplicated = 0
    latencies: list[float] = []
    for (site, topic, side), at_site in seen.items():
        if side != "site":
            continue
        at_central = seen.get((site, topic, "central"), [])
        next_index = first = 0
        matched = 0
        for when, payload in at_site:
            if when > until:
                break
            sent += 1
            index = next_index
            # Copies of messages from before the window arrived earlier: skip them.
            while index < len(at_central) and (
                at_central[index][1] != payload or at_central[index][0] < when - 0.5
            ):
                index += 1
            if index == len(at_central):
                lost += 1
                continue
            if not matched:
                first = index
            matched += 1
            latencies.append((at_central[index][0] - when) * 1000)
            next_index = index + 1
        if matched:
            duplicated += next_index - first - matched
    return {
        "messages_at_sites": sent,
        "messages_per_s": round(sent / elapsed),
        "lost": lost,
        "duplicated": duplicated,
        "latency_ms": {
            "matched": len(latencies),
            **spread(latencies, ("p50", "p95", "p99"), digits=2, suffix=""),
            "max": round(max(latencies), 1),
        },
    }


SCALING = Path(__file__).resolve().parent.parent / "docs" / "scaling.md"
BEGIN, END = "<!-- bridges benchmark: begin -->", "<!-- bridges benchmark: end -->"
"""docs/scaling.md's figures lie between these lines; `scripts/bench` rewrites them."""


def render(result: dict[str, Any], machine: str) -> str:
    """The figures of one run, as docs/scaling.md shows them."""
    latency, cpu, doors = (
        result["latency_ms"],
        result["cpu_percent_of_one_core"],
        (result["door_counts"]),
    )
    sites = cpu["site brokers"]["each"]
    rows = [
        (
            "Boards",
            f"{result['boards']:,} ({result['sites']} sites of "
            f"{result['boards_per_site']}), simulated time x{result['speed']:g}",
        ),
        (
            "From the simulators' start to every entity available",
            f"{result['seconds_to_all_available']} s",
        ),
        (
            f"Messages through the bridges in {result['window_seconds']:g} s",
            f"{result['messages_at_sites']:,} ({result['messages_per_s']:,}/s)",
        ),
        ("Lost between a site broker and the central one", f"{result['lost']}"),
        ("Delivered twice", f"{result['duplicated']}"),
        (
            "Latency the bridge adds (site broker to central broker), p50 / p95",
            f"{latency['p50']} / {latency['p95']} ms",
        ),
        ("Same, p99 / max", f"{latency['p99']} / {latency['max']} ms"),
        (
            "CPU, central broker",
            f"{cpu['central broker']['total']} % of one core",
        ),
        (
            "CPU, site brokers",
            f"{min(sites)} to {max(sites)} % each, {cpu['site brokers']['total']} % "
            "in all",
        ),
        ("CPU, Home Assistant", f"{cpu['Home Assistant']['total']} % of one core"),
        ("CPU, the simulators", f"{cpu['simulators']['total']} % in all"),
        (
            "Central broker dropping for a client that fell behind (start-up / window)",
            f"{result['central_drop_warnings']['start-up']} / "
            f"{result['central_drop_warnings']['window']} times",
        ),
        (
            "Door counts in Home Assistant / sent by the boards",
            f"entries {doors['entries_counted']:,} / {doors['entries_sent']:,}, "
            f"exits {doors['exits_counted']:,} / {doors['exits_sent']:,}",
        ),
        (
            "Load average (1 min), before / after the window",
            f"{result['load_average_1min']['before']:.2f} / "
            f"{result['load_average_1min']['after']:.2f}",
        ),
    ]
    return (
        f"{BEGIN}\n"
        f"Last run: `{result['command']}` ({result['date']}), {machine}, shared with"
        " other work (see the load).\n\n"
        "| Measure | Result |\n|---|---|\n"
        + "".join(f"| {name} | {value} |\n" for name, value in rows)
        + f"{END}"
    )


def write_scaling_doc(result: dict[str, Any], machine: str) -> None:
    """Put the figures of `result` into docs/scaling.md."""
    text = SCALING.read_text()
    before, _, rest = text.partition(BEGIN)
    _, _, after = rest.partition(END)
    SCALING.write_text(before + render(result, machine) + after)
