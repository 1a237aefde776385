"""IoT Lab against Home Assistant's own MQTT entities, on a real broker and a real hass.

Everything runs on loopback: Mosquitto, `hass` (no recorder, no frontend) and the
publisher in its own process (`benchmarks/publisher.py`). Figures are read from Home
Assistant's event bus: a `state_changed` subscription over the WebSocket API, the same
listener for both sides. Results go to `benchmarks/results/<date>.json`; the table in
`benchmarks/README.md` is written from them. Not a test: it measures and reports.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from datetime import UTC, datetime
import json
import logging
import os
from pathlib import Path
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from typing import Any

from websockets.sync.client import connect

from benchmarks.bridges import run_bridges, write_scaling_doc
from iot_lab_sim.hass_api import HomeAssistant, add_entries, owner_token, wait_for_hass
from iot_lab_sim.hass_config import prepare_config
from iot_lab_sim.processes import HOST, HarnessError, Service, Stack, free_port

from .door import render as render_door, run_door
from .recorder import render as render_recorder, run_recorder

LOGGER = logging.getLogger("bench")
ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
PUBLISHER = ROOT / "benchmarks" / "publisher.py"
CONFIG = """
homeassistant:
  name: IoT Lab benchmark
  time_zone: UTC
  auth_providers:
    - type: homeassistant
api:
config:
onboarding:
websocket_api:
logger:
  default: warning
"""
KINDS_ENTITIES = {"light": 8, "climate": 9, "counter": 11}
"""Entities with a state per board kind (connectivity, alert limits and alerts included;
the raw light reading, disabled by default, has none)."""


@dataclass
class EventLog:
    """`state_changed` events received over the WebSocket API."""

    events: list[tuple[str, str, float, float]] = field(default_factory=list)
    ready: threading.Event = field(default_factory=threading.Event)
    stop: threading.Event = field(default_factory=threading.Event)

    def listen(self, url: str, token: str) -> None:
        """Subscribe and record (entity id, state, time fired, time received)."""
        with connect(
            url.replace("http", "ws", 1) + "/api/websocket", max_size=None
        ) as ws:
            ws.recv()
            ws.send(json.dumps({"type": "auth", "access_token": token}))
            ws.recv()
            ws.send(
                json.dumps(
                    {"id": 1, "type": "subscribe_events", "event_type": "state_changed"}
                )
            )
            ws.recv()
            self.ready.set()
            while not self.stop.is_set():
                try:
                    raw = ws.recv(timeout=0.5)
                except TimeoutError:
                    continue
                received = time.time()
                event = json.loads(raw)["event"]
                new = event["data"].get("new_state") or {}
                self.events.append(
                    (
                        event["data"]["entity_id"],
                        new.get("state", ""),
                        datetime.fromisoformat(event["time_fired"]).timestamp(),
                        received,
                    )
                )


class Bench:
    """One Home Assistant at a time, set up through onboarding and config flows."""

    def __init__(self, workdir: Path) -> None:
        """Work in `workdir` (git-ignored)."""
        if workdir.exists():
            shutil.rmtree(workdir)
        self.workdir = workdir
        self.stack = Stack(workdir / "logs")
        self.broker_port = self.stack.start_broker()
        self.broker = self.stack.services[-1]
        self.http_port = free_port()
        self.url = f"http://{HOST}:{self.http_port}"
        self.token = ""

    def prepare(self, config: Path, extra: str = "") -> None:
        """A configuration with the MQTT and IoT Lab entries, made the user's way.

        `extra` is added to the configuration (the recorder part adds `recorder:`).
        """
        prepare_config(config, self.http_port, configuration=CONFIG + extra)
        hass = self.start(config)
        self.token = owner_token(self.url, "benchmark")
        api = HomeAssistant(self.url, self.token)
        add_entries(api, self.broker_port, self.stack.broker, discovery_timeout=1)
        api.close()
        time.sleep(5)  # config entries reach storage after a short delay
        hass.stop()
        stored = (config / ".storage" / "core.config_entries").read_text()
        if '"domain":"iot_lab"' not in stored.replace(" ", ""):
            raise HarnessError(f"the IoT Lab entry was not stored in {config}")

    def start(self, config: Path) -> Service:
        """Start hass and wait until its HTTP server answers."""
        hass = self.stack.start_hass(config, self.http_port)
        wait_for_hass(self.url, hass, 300)
        return hass

    def restart_broker(self, max_queued: int = 10000) -> None:
        """A fresh broker on the same port: no retained message left."""
        self.broker.stop()
        self.stack.services.remove(self.broker)
        self.stack.start_broker(self.broker_port, max_queued=max_queued)
        self.broker = self.stack.services[-1]

    def broker_drops(self) -> int:
        """How often Mosquitto has logged dropping messages for a slow subscriber."""
        return self.broker.log.read_text(errors="replace").count("being dropped")

    def publish(self, job: str, *options: str) -> dict[str, Any]:
        """Run the publisher process and return its report."""
        report = self.workdir / f"{job}-{time.time_ns()}.json"
        subprocess.run(
            [
                sys.executable,
                PUBLISHER,
                job,
                "--port",
                str(self.broker_port),
                "--report",
                str(report),
                *options,
            ],
            check=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        result: dict[str, Any] = json.loads(report.read_text())
        return result

    def states(self) -> dict[str, str]:
        """Every entity's state."""
        api = HomeAssistant(self.url, self.token)
        states = {s["entity_id"]: s["state"] for s in api.rest("GET", "/api/states")}
        api.close()
        return states

    def listen(self) -> tuple[EventLog, threading.Thread]:
        """Start the WebSocket listener in a thread."""
        log = EventLog()
        thread = threading.Thread(
            target=log.listen, args=(self.url, self.token), daemon=True
        )
        thread.start()
        if not log.ready.wait(30):
            raise HarnessError("the WebSocket listener did not subscribe")
        return log, thread


def stream_and_drain(
    bench: Bench, topics: list[str], messages: int
) -> tuple[EventLog, dict[str, Any]]:
    """Publish `messages` unpaced, then wait until Home Assistant has caught up.

    The publisher outruns Home Assistant several times over, so Home Assistant works
    flat out through the backlog; its rate is read from the events' own timestamps.
    """
    log, thread = bench.listen()
    sent = bench.publish(
        "stream", "--topics", ",".join(topics), "--total", str(messages)
    )
    drain(log)
    log.stop.set()
    thread.join()
    return log, sent


def processing_rates(log: EventLog, side_of: dict[str, str]) -> dict[str, float]:
    """State changes per second of each side, over the span of its own events."""
    fired: dict[str, list[float]] = {}
    for entity, _, when, _ in log.events:
        if side := side_of.get(entity):
            fired.setdefault(side, []).append(when)
    return {
        side: round((len(times) - 1) / (max(times) - min(times)))
        for side, times in fired.items()
        if len(times) > 1
    }


def drain(log: EventLog, quiet: float = 3.0, limit: float = 300) -> None:
    """Wait until Home Assistant has worked through its backlog (no event for `quiet` s)."""
    deadline = time.monotonic() + limit
    seen = -1
    while time.monotonic() < deadline and seen != len(log.events):
        seen = len(log.events)
        time.sleep(quiet)


def rss_kib(pid: int) -> int:
    """Resident memory of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise HarnessError(f"no VmRSS for pid {pid}")


def wait_available(bench: Bench, prefix: str, expected: int, timeout: float) -> float:
    """Seconds until `expected` entities starting with a name prefix are available."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        states = bench.states()
        ready = [e for e, s in states.items() if prefix in e and s != "unavailable"]
        if len(ready) >= expected:
            return time.monotonic() - start
        time.sleep(0.25)
    raise HarnessError(
        f"only {len(ready)} of {expected} '{prefix}' entities after {timeout} s"
    )


def percentile(values: list[float], share: float) -> float:
    """The `share` quantile (0..1) of `values`."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run_stream(
    bench: Bench,
    boards: int,
    throughput_messages: int,
    latency_s: float,
    rate: float,
) -> dict[str, Any]:
    """Throughput side by side, then latency at a fixed rate, on one hass."""
    config = bench.workdir / "stream"
    bench.prepare(config)
    bench.publish("announce", "--count", str(boards), "--kinds", "light")
    bench.publish("core", "--count", str(boards), "--with-level")
    hass = bench.start(config)
    # IoT Lab's raw reading is off by default: its light level is the sensor users chart,
    # compared with core's level sensor fed the same topic.
    wait_available(bench, "sensor.bench_", boards, 120)
    wait_available(bench, "sensor.core_", boards * 2, 120)
    ours = [f"iot_lab/bench-{i}/light" for i in range(boards)]
    core = [f"core/{i}/light" for i in range(boards)]
    interleaved = [topic for pair in zip(ours, core, strict=True) for topic in pair]
    result: dict[str, Any] = {"boards": boards}

    sides = {"iot_lab": ours, "core": core}
    side_of = {f"sensor.bench_{i}_light_level": "iot_lab" for i in range(boards)} | {
        f"sensor.core_{i}_level": "core" for i in range(boards)
    }
    # Interleaved, as fast as the publisher goes: both sides share one stream.
    log, sent = stream_and_drain(bench, interleaved, 2 * throughput_messages)
    shared = processing_rates(log, side_of)
    result["throughput_interleaved"] = {
        "sent": sent["sent"],
        **{f"{side}_state_changes_per_s": shared[side] for side in sides},
        "ratio": round(shared["iot_lab"] / shared["core"], 3),
    }
    LOGGER.info("throughput interleaved %s", result["throughput_interleaved"])
    # Each side alone: how fast Home Assistant turns its messages into state changes.
    alone = {}
    for side, topics in sides.items():
        log, sent = stream_and_drain(bench, topics, throughput_messages)
        alone[side] = processing_rates(log, side_of)[side]
        alone[f"{side}_sent"] = sent["sent"]
    result["throughput_alone"] = {
        **alone,
        "ratio": round(alone["iot_lab"] / alone["core"], 3),
    }
    LOGGER.info("throughput alone %s", result["throughput_alone"])

    entity_names = {
        "iot_lab": [f"sensor.bench_{i}_light_level" for i in range(boards)],
        "core": [f"sensor.core_{i}_level" for i in range(boards)],
    }
    for side, topics in sides.items():
        entities = entity_names[side]
        log, thread = bench.listen()
        sent = bench.publish(
            "stream",
            "--topics",
            ",".join(topics),
            "--rate",
            str(rate),
            "--duration",
            str(latency_s),
        )
        drain(log)
        log.stop.set()
        thread.join()
        fired = {(entity, state): when for entity, state, when, _ in log.events}
        latencies = []
        for n, sent_at in enumerate(sent["sends"]):
            key = (entities[n % len(topics)], str(n // len(topics) % 4096))
            if key in fired:
                latencies.append((fired[key] - sent_at) * 1000)
        result[f"latency_{side}"] = {
            "rate_per_s": rate,
            "seconds": latency_s,
            "sent": sent["sent"],
            "seen": len(latencies),
            "p50_ms": round(percentile(latencies, 0.50), 3),
            "p95_ms": round(percentile(latencies, 0.95), 3),
            "p99_ms": round(percentile(latencies, 0.99), 3),
            "max_ms": round(max(latencies), 1),
            "mean_ms": round(statistics.fmean(latencies), 3),
        }
        LOGGER.info("latency %s %s", side, result[f"latency_{side}"])
    hass.stop()
    return result


def run_scale(bench: Bench, boards: int) -> dict[str, Any]:
    """Boards announced (retained) before hass starts: time to available, memory."""
    base = bench.workdir / "scale-base"
    bench.restart_broker()  # nothing retained: no discovery flow during set-up
    bench.prepare(base)
    hass = bench.start(base)
    time.sleep(10)
    baseline = rss_kib(hass.pid)
    hass.stop()
    result: dict[str, Any] = {"boards": boards, "baseline_rss_kib": baseline}

    kinds = ["light", "climate", "counter"]
    entities = sum(KINDS_ENTITIES[kinds[i % 3]] for i in range(boards))
    for side in ("iot_lab", "core"):
        config = bench.workdir / f"scale-{side}"
        shutil.copytree(base, config, symlinks=True)
        bench.restart_broker()
        if side == "iot_lab":
            bench.publish(
                "announce", "--count", str(boards), "--kinds", ",".join(kinds)
            )
            prefix, expected = "bench_", entities
        else:
            bench.publish("core", "--count", str(entities))
            prefix, expected = "sensor.core_", entities
        started = time.monotonic()
        hass = bench.start(config)
        http_up = time.monotonic() - started
        available = wait_available(bench, prefix, expected, 600) + http_up
        time.sleep(10)
        rss = rss_kib(hass.pid)
        found = sum(prefix in entity for entity in bench.states())
        hass.stop()
        # Home Assistant started again: the entities are known (the usual start).
        started = time.monotonic()
        hass = bench.start(config)
        http_up = time.monotonic() - started
        restart = wait_available(bench, prefix, expected, 600) + http_up
        hass.stop()
        if found != expected:
            raise HarnessError(
                f"{found} '{prefix}' entities where {expected} were expected: "
                "KINDS_ENTITIES is out of date"
            )
        result[side] = {
            "entities": expected,
            "seconds_to_all_available": round(available, 2),
            "seconds_to_all_available_restart": round(restart, 2),
            "rss_kib": rss,
            "kib_per_entity": round((rss - baseline) / expected, 2),
            "kib_per_board": round((rss - baseline) / boards, 2)
            if side == "iot_lab"
            else None,
        }
        LOGGER.info("scale %s %s", side, result[side])
    return result


def run_counting(bench: Bench, boards: int, passages: int) -> dict[str, Any]:
    """Passages at full rate; every one must be counted, none twice."""
    config = bench.workdir / "counting"
    # Far above what Home Assistant can take: without this, Mosquitto drops what
    # does not fit in its per-client queue before Home Assistant ever sees it.
    bench.restart_broker(max_queued=0)
    bench.prepare(config)
    bench.publish("announce", "--count", str(boards), "--kinds", "counter")
    hass = bench.start(config)
    wait_available(bench, "_lifetime_entries", boards, 120)
    drops_before = bench.broker_drops()
    sent = bench.publish("passages", "--count", str(boards), "--total", str(passages))
    expected_in, expected_out = sum(sent["entries"]), sum(sent["exits"])
    deadline = time.monotonic() + 120
    counted_in = counted_out = 0
    while time.monotonic() < deadline:
        states = bench.states()
        counted_in = sum(
            int(s)
            for e, s in states.items()
            if e.endswith("_lifetime_entries") and s.isdigit()
        )
        counted_out = sum(
            int(s)
            for e, s in states.items()
            if e.endswith("_lifetime_exits") and s.isdigit()
        )
        if (counted_in, counted_out) == (expected_in, expected_out):
            break
        time.sleep(1)
    hass.stop()
    result = {
        "broker_queue": "unlimited (max_queued_messages 0)",
        "broker_drop_warnings": bench.broker_drops() - drops_before,
        "boards": boards,
        "passages": passages,
        "publish_seconds": round(sent["end"] - sent["start"], 2),
        "passages_per_s": round(passages / (sent["end"] - sent["start"])),
        "expected_entries": expected_in,
        "expected_exits": expected_out,
        "counted_entries": counted_in,
        "counted_exits": counted_out,
        "lost_or_double": (expected_in - counted_in) + (expected_out - counted_out),
    }
    LOGGER.info("counting %s", result)
    return result


README_HEAD = """# Benchmark: IoT Lab against Home Assistant's own MQTT entities

`scripts/bench` (not part of the tests) starts, on loopback, a real Mosquitto, a real
`hass` (recorder and frontend off) set up through onboarding and the config flows, and
a publisher in its own process with `TCP_NODELAY` (`benchmarks/publisher.py`). Every
figure is read from Home Assistant's event bus: one `state_changed` subscription over
the WebSocket API, the same for both sides. The core side is N sensors created by Home
Assistant's own MQTT discovery (`homeassistant/sensor/.../config`), fed the same payloads.

What is compared:
- Throughput: the publisher sends as fast as it can (it outruns Home Assistant several
  times over); the rate is messages per second turned into state changes, from the
  events' own timestamps once Home Assistant has worked through the backlog. Each core
  topic feeds two discovered sensors (raw and a level in % through a `value_template`);
  the figures compare the light levels (IoT Lab's raw reading is off by default).
  "Interleaved" shares one stream between both sides, as the issue asks; "alone" runs
  each side on its own, which is where a difference in cost per message shows.
- Latency: paced at a fixed rate, one side at a time; p99 and max catch Home
  Assistant's own event-loop stalls of 100-300 ms, so they are noisy.
- Scale: light, climate and counter boards in turn, announced retained before hass
  starts; the core side has as many discovered sensors as IoT Lab has entities (those
  enabled by default). Home Assistant caps a config entry at 10,000 enabled entities: the
  mix stays under it. Timed twice: the first start, which discovers every board and
  registers its entities, and a second start with them known (the usual case). Where a
  start's time goes (hass logs and py-spy, second start, 1,000 boards): about 2.0 s for
  Home Assistant itself to start, 0.9 s until its MQTT client has subscribed (it waits
  0.5 s after connecting), 2.4 s to receive the 2,000 retained announces and births and
  add the entities (Home Assistant's MQTT client matches every message against each of
  its ~76 wildcard subscriptions, most of them its own discovery's), then the last
  entities' first states. Memory is read 10 s after every entity is available.
- Counting: Mosquitto drops messages for a subscriber that falls behind once its
  per-client queue is full (`max_queued_messages`, 1,000 by default), before Home
  Assistant ever sees them. This part lifts the limit so that what is measured is
  Home Assistant and IoT Lab; with a queue of 10,000, a run here lost 151 passages at
  the broker (Mosquitto logged "Outgoing messages are being dropped"). A real door
  sees a few passages a minute.
- Recorder (`benchmarks/recorder.py`): a fresh hass with its recorder (SQLite, default
  settings) per case, one simulated day of one board through the broker, paced at 400
  messages a second: as the firmware sends it now (send on change), as the previous
  firmware sent it (a raw reading every 2 s, DHT11 every 30 s), and the previous stream
  into core MQTT sensors. State rows and database growth are read from the database,
  hass CPU from /proc.

- Door (`benchmarks/door.py`, no Home Assistant): the firmware's direction rule and the
  library's old loop, both fed the beams of people drawn from a model of the doorway
  (tests/esphome/door_world.h), per family of scenarios and over 1,000 library days; the
  host tests assert the same thresholds on fewer runs.

Reproduce: `scripts/bench` (about 15 minutes), or one part:
`scripts/bench --parts stream --latency-seconds 10`. Results land in
`benchmarks/results/<date>.json` and this file is rewritten from them.

"""


def fmt(value: Any) -> str:
    """A figure for the table: thousands separated, or as it is."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def render_readme(results: dict[str, Any]) -> str:
    """The markdown report of one run."""
    v = results["versions"]
    rows: list[tuple[str, Any, Any, str]] = []
    if stream := results.get("stream"):
        inter, alone = stream["throughput_interleaved"], stream["throughput_alone"]
        rows += [
            (
                f"Throughput, {stream['boards']} + {stream['boards']} topics interleaved"
                " (state changes/s)",
                inter["iot_lab_state_changes_per_s"],
                inter["core_state_changes_per_s"],
                f"ratio {inter['ratio']} (target >= 1.0)",
            ),
            (
                "Throughput, each side alone (state changes/s)",
                alone["iot_lab"],
                alone["core"],
                f"ratio {alone['ratio']} (target >= 1.0)",
            ),
        ]
        ours, core = stream["latency_iot_lab"], stream["latency_core"]
        for key in ("p50_ms", "p95_ms", "p99_ms", "max_ms"):
            rows.append(
                (
                    f"Latency publish to state_changed at {fmt(int(ours['rate_per_s']))}"
                    f" msg/s for {fmt(int(ours['seconds']))} s, {key.removesuffix('_ms')}"
                    " (ms)",
                    ours[key],
                    core[key],
                    "target p95 <= 1 ms" if key == "p95_ms" else "",
                )
            )
        rows.append(
            (
                "Latency messages seen / sent",
                f"{fmt(ours['seen'])} / {fmt(ours['sent'])}",
                f"{fmt(core['seen'])} / {fmt(core['sent'])}",
                "",
            )
        )
    if scale := results.get("scale"):
        ours, core = scale["iot_lab"], scale["core"]
        rows += [
            (
                f"Scale: {fmt(scale['boards'])} boards retained before start, entities",
                ours["entities"],
                core["entities"],
                "",
            ),
            (
                "Seconds from starting hass to every entity available, first start",
                ours["seconds_to_all_available"],
                core["seconds_to_all_available"],
                "every board discovered and its entities registered",
            ),
            (
                "Same, Home Assistant started again",
                ours.get("seconds_to_all_available_restart", ""),
                core.get("seconds_to_all_available_restart", ""),
                "target <= 5 s",
            ),
            (
                "Resident memory of hass (KiB)",
                ours["rss_kib"],
                core["rss_kib"],
                f"empty instance {fmt(scale['baseline_rss_kib'])} KiB",
            ),
            (
                "Resident memory per entity (KiB)",
                ours["kib_per_entity"],
                core["kib_per_entity"],
                f"{ours['kib_per_board']} KiB per IoT Lab board; target <= half of core",
            ),
        ]
    if counting := results.get("counting"):
        rows += [
            (
                f"Counting: {fmt(counting['passages'])} passages over"
                f" {counting['boards']} boards at {fmt(counting['passages_per_s'])}/s,"
                " lost or double counted",
                counting["lost_or_double"],
                "",
                f"entries {fmt(counting['counted_entries'])}/"
                f"{fmt(counting['expected_entries'])}, exits"
                f" {fmt(counting['counted_exits'])}/{fmt(counting['expected_exits'])};"
                " target 0",
            )
        ]
    table = [
        "| Measure | IoT Lab | Core MQTT sensor | Note |",
        "|---|---:|---:|---|",
        *(f"| {m} | {fmt(a)} | {fmt(b)} | {n} |" for m, a, b, n in rows),
    ]
    return (
        README_HEAD
        + "## Last run\n\n"
        + f"Machine: {v['machine']}. Home Assistant {v['home_assistant']}, Python"
        + f" {v['python']}, {v['mosquitto']}.\n\n"
        + "".join(
            f"- {part}: `{results[part]['command']}` ({results[part]['date']})\n"
            for part in ("stream", "scale", "counting", "recorder", "door")
            if part in results
        )
        + "\n"
        + "\n".join(table)
        + "\n"
        + (render_recorder(results["recorder"]) if "recorder" in results else "")
        + (render_door(results["door"]) if "door" in results else "")
    )


def versions() -> dict[str, str]:
    """What ran the benchmark."""
    from homeassistant.const import __version__ as ha_version  # noqa: PLC0415

    mosquitto = subprocess.run(
        ["/usr/sbin/mosquitto", "-h"], capture_output=True, text=True, check=False
    )
    return {
        "home_assistant": ha_version,
        "python": platform.python_version(),
        "mosquitto": (mosquitto.stdout.splitlines() or ["?"])[0],
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, {platform.system()} {platform.release()}",
    }


def parse_args() -> argparse.Namespace:
    """The parts to run and their sizes."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--parts",
        default="stream,scale,counting,recorder,door",
        help="any of stream, scale, counting, recorder, door (the door counter against "
        "modelled people and the library's loop; no Home Assistant) and bridges (site "
        "brokers, docs/scaling.md)",
    )
    parser.add_argument("--door-days", type=int, default=1000, help="part door")
    parser.add_argument("--stream-boards", type=int, default=20)
    parser.add_argument("--throughput-messages", type=int, default=100_000)
    parser.add_argument("--latency-seconds", type=float, default=60)
    parser.add_argument("--rate", type=float, default=1000)
    parser.add_argument("--scale-boards", type=int, default=1000)
    parser.add_argument("--counter-boards", type=int, default=50)
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--sites", type=int, default=10, help="part bridges")
    parser.add_argument(
        "--site-boards", type=int, default=34, help="boards of each kind per site"
    )
    parser.add_argument("--bridge-speed", type=float, default=10)
    parser.add_argument("--bridge-seconds", type=float, default=60)
    parser.add_argument(
        "--readme-from",
        type=Path,
        help="only rewrite benchmarks/README.md from an earlier results file",
    )
    return parser.parse_args()


def main() -> None:
    """Run the chosen parts and write the results."""
    args = parse_args()
    if args.readme_from:
        earlier = json.loads(args.readme_from.read_text())
        (ROOT / "benchmarks" / "README.md").write_text(render_readme(earlier))
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    parts = args.parts.split(",")
    command = " ".join(["scripts/bench", *sys.argv[1:]])
    started = datetime.now(UTC).isoformat(timespec="seconds")
    measured: dict[str, dict[str, Any]] = {}
    if "door" in parts:
        measured["door"] = run_door(args.door_days, ROOT / ".bench" / "door")
    if not set(parts) - {"door"}:
        write_results(measured, command, started)
        return
    bench = Bench(ROOT / ".bench")
    try:
        if "stream" in parts:
            measured["stream"] = run_stream(
                bench,
                args.stream_boards,
                args.throughput_messages,
                args.latency_seconds,
                args.rate,
            )
        if "scale" in parts:
            measured["scale"] = run_scale(bench, args.scale_boards)
        if "counting" in parts:
            measured["counting"] = run_counting(
                bench, args.counter_boards, args.passages
            )
        if "recorder" in parts:
            measured["recorder"] = run_recorder(bench)
        if "bridges" in parts:
            bench.stack.stop()  # its own brokers and Home Assistant
            measured["bridges"] = run_bridges(
                bench.workdir / "bridges",
                CONFIG,
                site_count=args.sites,
                boards_per_kind=args.site_boards,
                speed=args.bridge_speed,
                seconds=args.bridge_seconds,
            )
    finally:
        bench.stack.stop()
    write_results(measured, command, started)


def write_results(
    measured: dict[str, dict[str, Any]], command: str, started: str
) -> None:
    """Add the parts measured to today's results file and rewrite the reports."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{datetime.now(UTC):%Y-%m-%d}.json"
    # Parts run separately add up to one report: the parts not run now keep their figures
    # from the newest results, each with its own date and command.
    earlier = sorted(RESULTS.glob("*.json"))
    results = json.loads(earlier[-1].read_text()) if earlier else {}
    results["versions"] = versions()
    for part, figures in measured.items():
        results[part] = {"date": started, "command": command, **figures}
    out.write_text(json.dumps(results, indent=2) + "\n")
    if "bridges" in measured:
        write_scaling_doc(results["bridges"], results["versions"]["machine"])
    if measured.keys() - {"bridges"}:
        (ROOT / "benchmarks" / "README.md").write_text(render_readme(results))
    LOGGER.info("results written to %s", out)


if __name__ == "__main__":
    main()
