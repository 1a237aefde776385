"""The door counter against people, side by side with the library's old loop.

Builds the host test program of the firmware's direction rule
(tests/esphome/door_direction_test.cpp) with optimisation and asks it for its figures:
each family of scenarios (people alone, coming and going, in a line, side by side,
turning back, lingering, with bags; beams at shin height for comparison) and whole
library days, every one counted by `door_direction.h` (as ESPHome reads the beams) and
by the library's loop (as it read them), against the number of people who really crossed.
"""

from __future__ import annotations

import json
from pathlib import Path
import subprocess
import time
from typing import Any

from tests.esphome.host import compile_program

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "tests" / "esphome" / "door_direction_test.cpp"
HEADER_DIR = ROOT / "esphome" / "components" / "iot_lab_door"


def run_door(days: int, workdir: Path) -> dict[str, Any]:
    """Build the program, run its table for `days` library days, return its figures."""
    workdir.mkdir(parents=True, exist_ok=True)
    binary = compile_program(
        SOURCE, HEADER_DIR, workdir / "door_direction_bench", "-O2"
    )
    started = time.monotonic()
    table = subprocess.run(
        [str(binary), "--table", str(days)],
        check=True,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    figures: dict[str, Any] = json.loads(table.stdout)
    figures["seconds"] = round(time.monotonic() - started, 1)
    return figures


def _family_row(f: dict[str, Any]) -> str:
    target = {-1.0: "no worse than the loop", -2.0: "figures only"}.get(
        f["target"], f"under {f['target']} %"
    )
    return (
        f"| {f['name']} | {f['at_door']:,} | {f['entries']:,} / {f['exits']:,}"
        f" | {f['ours'][0]:,} / {f['ours'][1]:,} | **{f['ours_error']:.2f} %**"
        f" | {f['loop'][0]:,} / {f['loop'][1]:,} | {f['loop_error']:.2f} % | {target} |"
    )


def render(door: dict[str, Any]) -> str:
    """The door counter's section of benchmarks/README.md."""
    d = door["days"]
    trials = door["families"][0]["trials"]
    lines = [
        "\n## Door counter: people against the library's old loop\n",
        f"`{door['command']}` ({door['date']}, {door['seconds']} s). Each family is"
        f" {trials:,} runs of people drawn from the model in tests/esphome/door_world.h;"
        " the error is the entries and exits counted wrong (missed or extra) over the"
        " people who came to the door. IoT Lab's rule reads the beams as ESPHome does"
        " (every 16 ms, a poll every 100 ms); the library's loop (1 s wait for the"
        " second beam, 500 ms pause) reads them as it did, at once.\n",
        "| Family | People at the door | True entries / exits | IoT Lab"
        " | IoT Lab error | Library loop | Loop error | Target |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
        *(_family_row(f) for f in door["families"]),
        "",
        f"**{d['days']:,} library days** (08:00-19:00, a rush at opening and at the end"
        " of each class, groups, 2 % turning back, 2-4 % lingering in the doorway,"
        " everyone out by closing):\n",
        "| Measure | IoT Lab | Library loop |",
        "|---|---:|---:|",
        f"| Entries / exits counted (truth {d['entries']:,} / {d['exits']:,})"
        f" | {d['ours'][0]:,} / {d['ours'][1]:,} | {d['loop'][0]:,} / {d['loop'][1]:,} |",
        f"| A day's error, mean (the larger of entries and exits) | {d['ours_mean']:.2f} %"
        f" | {d['loop_mean']:.2f} % |",
        f"| A day's error, worst | {d['ours_worst']:.2f} % | {d['loop_worst']:.2f} % |",
        f"| Days with entries and exits both within 1 % | {d['within_1pct']:,}"
        f" of {d['days']:,} | |",
        f"| Days no further from the truth than the loop | {d['no_further_than_loop']:,}"
        f" of {d['days']:,} | |",
        f"| Occupancy left at closing (truth 0), mean / worst | {d['ours_drift_mean']}"
        f" / {d['ours_drift_max']} | {d['loop_drift_mean']} / {d['loop_drift_max']} |",
        "",
    ]
    return "\n".join(lines)
