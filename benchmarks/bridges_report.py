"""The bridges part's figures as docs/scaling.md shows them, between two marker lines.

`scripts/bench --parts bridges` rewrites only what lies between BEGIN and END, so the
text around the table stays as written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

SCALING = Path(__file__).resolve().parent.parent / "docs" / "scaling.md"
BEGIN, END = "<!-- bridges benchmark: begin -->", "<!-- bridges benchmark: end -->"
"""docs/scaling.md's figures lie between these lines; `scripts/bench` rewrites them."""


def render(result: dict[str, Any], machine: str) -> str:
    """The figures of one run, as docs/scaling.md shows them."""
    rows = _traffic_rows(result) + _load_rows(result)
    return (
        f"{BEGIN}\n"
        f"Last run: `{result['command']}` ({result['date']}), {machine}, shared with"
        " other work (see the load).\n\n"
        "| Measure | Result |\n|---|---|\n"
        + "".join(f"| {name} | {value} |\n" for name, value in rows)
        + f"{END}"
    )


def _traffic_rows(result: dict[str, Any]) -> list[tuple[str, str]]:
    """The boards, and the messages through the bridges: lost, twice, latency."""
    latency = result["latency_ms"]
    return [
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
    ]


def _load_rows(result: dict[str, Any]) -> list[tuple[str, str]]:
    """What the window cost (CPU, drops, load), and the door counts at its end."""
    cpu, doors = result["cpu_percent_of_one_core"], result["door_counts"]
    sites = cpu["site brokers"]["each"]
    drops, load = result["central_drop_warnings"], result["load_average_1min"]
    return [
        ("CPU, central broker", f"{cpu['central broker']['total']} % of one core"),
        (
            "CPU, site brokers",
            f"{min(sites)} to {max(sites)} % each, {cpu['site brokers']['total']} % "
            "in all",
        ),
        ("CPU, Home Assistant", f"{cpu['Home Assistant']['total']} % of one core"),
        ("CPU, the simulators", f"{cpu['simulators']['total']} % in all"),
        (
            "Central broker dropping for a client that fell behind (start-up / window)",
            f"{drops['start-up']} / {drops['window']} times",
        ),
        (
            "Door counts in Home Assistant / sent by the boards",
            f"entries {doors['entries_counted']:,} / {doors['entries_sent']:,}, "
            f"exits {doors['exits_counted']:,} / {doors['exits_sent']:,}",
        ),
        (
            "Load average (1 min), before / after the window",
            f"{load['before']:.2f} / {load['after']:.2f}",
        ),
    ]


def write_scaling_doc(result: dict[str, Any], machine: str) -> None:
    """Put the figures of `result` into docs/scaling.md."""
    text = SCALING.read_text()
    before, _, rest = text.partition(BEGIN)
    _, _, after = rest.partition(END)
    SCALING.write_text(before + render(result, machine) + after)
