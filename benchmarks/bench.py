"""IoT Lab against Home Assistant's own MQTT entities, on a real broker and a real hass.

Everything runs on loopback: Mosquitto, `hass` (no recorder, no frontend) and the
publisher in its own process (`benchmarks/publisher.py`). Figures are read from Home
Assistant's event bus: a `state_changed` subscription over the WebSocket API, the same
listener for both sides. Results go to `benchmarks/results/<date>.json`; the table in
`benchmarks/README.md` is written from them. Not a test: it measures and reports.

This module is the command (`scripts/bench`): the options, and which part runs where.
Each part has its own module (stream, scale, counting, recorder, door, bridges);
results.py writes what they measured.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
import logging
from pathlib import Path
import sys
from typing import Any

from benchmarks.bridges import run_bridges

from .counting import run_counting
from .door import run_door
from .recorder import run_recorder
from .results import check_smoke, rewrite_readme, write_results
from .scale import run_scale
from .stack import CONFIG, Bench
from .stream import run_stream

ROOT = Path(__file__).resolve().parent.parent
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


def main() -> None:
    """Run the chosen parts and write the results (or only check them: --smoke)."""
    args = parse_args()
    if args.readme_from:
        rewrite_readme(args.readme_from)
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    command = " ".join(["scripts/bench", *sys.argv[1:]])
    started = datetime.now(UTC).isoformat(timespec="seconds")
    if args.smoke:
        vars(args).update(SMOKE_SIZES)
        measured = measure(args, ALL_PARTS, ROOT / ".bench" / "smoke")
        check_smoke(measured, ALL_PARTS, command, started)
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
        measured |= _measure_on_hass(bench, args, parts)
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


def _measure_on_hass(
    bench: Bench, args: argparse.Namespace, parts: tuple[str, ...]
) -> dict[str, dict[str, Any]]:
    """The parts that run on the bench's broker and hass, in this order."""
    measured: dict[str, dict[str, Any]] = {}
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
        measured["counting"] = run_counting(bench, args.counter_boards, args.passages)
    if "recorder" in parts:
        measured["recorder"] = run_recorder(bench, smoke=args.smoke)
    return measured


if __name__ == "__main__":
    main()
