"""IoT Lab against Home Assistant's own MQTT entities, on a real broker and a real hass.

Everything runs on loopback: Mosquitto, `hass` (no recorder, no frontend) and the
publisher in its own process (`benchmarks/publisher.py`). Figures are read from Home
Assistant's event bus: a `state_changed` subscription over the WebSocket API, the same
listener for both sides. Results go to `benchmarks/results/<date>.json`; the table in
`benchmarks/README.md` is written from them. Not a test: it measures and reports.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
import json
import logging
import os
from pathlib import Path
import platform
import shutil
import subprocess
import sys
import time
from typing import Any

from benchmarks.bridges import render as render_bridges, run_bridges, write_scaling_doc
from iot_lab_sim.processes import HarnessError

from .door import render as render_door, run_door
from .proc import rss_kib
from .recorder import render as render_recorder, run_recorder
from .stack import CONFIG, KINDS_ENTITIES, Bench, wait_available
from .stream import run_stream

LOGGER = logging.getLogger("bench")
ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"


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
the WebSocket API, the same for both sides. The core side is entities created by Home
Assistant's own MQTT discovery (`homeassistant/<platform>/.../config`), fed the same
payloads.

What is compared:
- Stream, on equal work (`benchmarks/stream.py`): for a light reading, IoT Lab's light
  board enables two entities, a light level in % and a too-dark alert; each core topic
  feeds the same two, through `value_template`s (a sensor in % and a binary sensor below
  20 %). The publisher sends as fast as it can (it outruns Home Assistant several times
  over); every message changes the level, so messages per second are read from the
  level's state changes, from the events' own timestamps once Home Assistant has worked
  through the backlog. "Alone" runs each side on its own, which is where a difference in
  cost per message shows; "interleaved" shares one stream between both sides. The
  event loop's time per message is the CPU time of Home Assistant's main thread (where
  its MQTT client and every entity run) over the stream, until it is idle again, divided
  by the messages. The floor is the same stream delivered by Home Assistant's MQTT client
  to a subscriber that does nothing (`benchmarks/floor`): what a message costs before
  any integration works on it. Beside it, core's level sensor alone (one entity a
  message), the comparison first reported against IoT Lab. Then IoT Lab's stream runs
  once more under py-spy (`benchmarks/profile.py`, a sample every 4 ms, the process
  stopped for each): the samples that pass through IoT Lab's code are split into Home
  Assistant's state writes under it and IoT Lab's own code (decode, routing, state,
  alert checks, entities), scaled to the unprofiled run's time per message. The garbage
  collector runs where objects are allocated, so its time lands on whatever line
  allocated last (here mostly the decoded message).
- Latency: paced at a fixed rate, one side at a time, each state change matched to the
  message whose level it shows; p99 and max catch Home Assistant's own event-loop
  stalls of 100-300 ms, so they are noisy.
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


PROFILE_TOTALS = {
    "samples",
    "loop_us_per_message",
    "iot_lab",
    "own_code_us",
    "own_code_share_of_floor",
}


def stream_rows(stream: dict[str, Any]) -> list[tuple[str, Any, Any, str]]:
    """The stream part's rows: equal work first, then the floor, then latency."""
    alone, inter = stream["alone"], stream["interleaved"]
    profile = stream["profile_iot_lab"]
    ours, core, floor = alone["iot_lab"], alone["core"], alone["floor"]
    rows: list[tuple[str, Any, Any, str]] = [
        (
            f"Equal work, each side alone: messages turned into states per second"
            f" ({stream['boards']} topics, {stream['entities_per_message']} entities"
            " per message on each side)",
            ours["messages_per_s"],
            core["messages_per_s"],
            f"ratio {alone['ratio_messages_per_s']} (target >= 1.0)",
        ),
        (
            "Event loop's time per message (µs)",
            ours["loop_us_per_message"],
            core["loop_us_per_message"],
            f"floor (MQTT client to a subscriber doing nothing)"
            f" {floor['loop_us_per_message']} µs",
        ),
        (
            "Time per message above the floor (µs)",
            alone["iot_lab_above_floor_us"],
            alone["core_above_floor_us"],
            f"{alone['iot_lab_above_floor_share']} of the floor",
        ),
        (
            "IoT Lab's own code per message (µs), from py-spy samples",
            profile["own_code_us"],
            "",
            f"{profile['own_code_share_of_floor']} of the floor (target < 0.5); under"
            " py-spy, per message: "
            + ", ".join(
                f"{name} {us}"
                for name, us in profile.items()
                if name not in PROFILE_TOTALS
            ),
        ),
        (
            "Against core's level sensor alone (one entity a message, messages/s)",
            ours["messages_per_s"],
            alone["core_level_only"]["messages_per_s"],
            f"ratio {alone['ratio_vs_core_level_only']} (IoT Lab still checks the"
            " too-dark alert)",
        ),
        (
            "Interleaved in one stream: messages turned into states per second",
            inter["iot_lab_messages_per_s"],
            inter["core_messages_per_s"],
            f"ratio {inter['ratio']}",
        ),
    ]
    mine, theirs = stream["latency_iot_lab"], stream["latency_core"]
    for key in ("p50_ms", "p95_ms", "p99_ms", "max_ms"):
        rows.append(
            (
                f"Latency publish to state at {fmt(int(mine['rate_per_s']))} msg/s for"
                f" {fmt(int(mine['seconds']))} s, {key.removesuffix('_ms')} (ms)",
                mine[key],
                theirs[key],
                "target p95 <= 1 ms" if key == "p95_ms" else "",
            )
        )
    rows.append(
        (
            "Latency messages matched / sent",
            f"{fmt(mine['seen'])} / {fmt(mine['sent'])}",
            f"{fmt(theirs['seen'])} / {fmt(theirs['sent'])}",
            "",
        )
    )
    return rows


def render_readme(results: dict[str, Any]) -> str:
    """The markdown report of one run."""
    v = results["versions"]
    rows: list[tuple[str, Any, Any, str]] = []
    if stream := results.get("stream"):
        rows += stream_rows(stream)
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
        "--smoke",
        action="store_true",
        help="every part at tiny sizes, checked for crashes and missing figures only; "
        "writes no result (scripts/test runs this)",
    )
    parser.add_argument(
        "--readme-from",
        type=Path,
        help="only rewrite benchmarks/README.md from an earlier results file",
    )
    return parser.parse_args()


ALL_PARTS = ("stream", "scale", "counting", "recorder", "door", "bridges")
SMOKE_SIZES = {
    "stream_boards": 2,
    "throughput_messages": 300,
    "latency_seconds": 2,
    "rate": 100,
    "scale_boards": 3,
    "counter_boards": 2,
    "passages": 60,
    "door_days": 3,
    "sites": 2,
    "site_boards": 1,
    "bridge_speed": 1,
    "bridge_seconds": 5,
}


def main() -> None:
    """Run the chosen parts and write the results (or only check them: --smoke)."""
    args = parse_args()
    if args.readme_from:
        earlier = json.loads(args.readme_from.read_text())
        (ROOT / "benchmarks" / "README.md").write_text(render_readme(earlier))
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    command = " ".join(["scripts/bench", *sys.argv[1:]])
    started = datetime.now(UTC).isoformat(timespec="seconds")
    if args.smoke:
        vars(args).update(SMOKE_SIZES)
        measured = measure(args, ALL_PARTS, ROOT / ".bench" / "smoke")
        check_smoke(measured, command, started)
        return
    parts = tuple(args.parts.split(","))
    write_results(measure(args, parts, ROOT / ".bench"), command, started)


def measure(
    args: argparse.Namespace, parts: tuple[str, ...], workdir: Path
) -> dict[str, dict[str, Any]]:
    """Run `parts` in `workdir` (emptied first); their figures by part."""
    measured: dict[str, dict[str, Any]] = {}
    if "door" in parts:
        measured["door"] = run_door(args.door_days, workdir / "door")
    if not set(parts) - {"door"}:
        return measured
    bench = Bench(workdir / "hass")
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
            measured["recorder"] = run_recorder(bench, smoke=args.smoke)
        if "bridges" in parts:
            bench.stack.stop()  # its own brokers and Home Assistant
            measured["bridges"] = run_bridges(
                workdir / "bridges",
                CONFIG,
                site_count=args.sites,
                boards_per_kind=args.site_boards,
                speed=args.bridge_speed,
                seconds=args.bridge_seconds,
            )
    finally:
        bench.stack.stop()
    return measured


def check_smoke(
    measured: dict[str, dict[str, Any]], command: str, started: str
) -> None:
    """Every part ran and every figure its report shows is there; no threshold."""
    missing = [part for part in ALL_PARTS if part not in measured]
    if missing:
        raise SystemExit(f"smoke run: no figures from {', '.join(missing)}")
    results: dict[str, Any] = {"versions": versions()}
    for part, figures in measured.items():
        results[part] = {"date": started, "command": command, **figures}
    try:
        render_readme(results)
        render_bridges(results["bridges"], results["versions"]["machine"])
    except (KeyError, TypeError, ValueError) as err:
        raise SystemExit(f"smoke run: a figure is missing ({err!r})") from err
    LOGGER.info("smoke run: every part ran, every figure is there")


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
