"""Results files, and the reports written from them (or only checked, in a smoke run).

A run adds its parts to today's `benchmarks/results/<date>.json`; the parts not run keep
their figures from the newest file, each with its own date and command. The reports are
benchmarks/README.md (readme.py) and the bridges table of docs/scaling.md
(bridges_report.py).
"""

from __future__ import annotations

from datetime import UTC, datetime
import json
import logging
import os
from pathlib import Path
import platform
import subprocess
from typing import Any

from .bridges_report import render as render_bridges, write_scaling_doc
from .readme import render_readme

LOGGER = logging.getLogger("bench")
ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
README = ROOT / "benchmarks" / "README.md"


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


def check_smoke(
    measured: dict[str, dict[str, Any]],
    parts: tuple[str, ...],
    command: str,
    started: str,
) -> None:
    """Every part ran and every figure its report shows is there; no threshold."""
    missing = [part for part in parts if part not in measured]
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
        README.write_text(render_readme(results))
    LOGGER.info("results written to %s", out)


def rewrite_readme(results_file: Path) -> None:
    """Only rewrite benchmarks/README.md from an earlier results file."""
    README.write_text(render_readme(json.loads(results_file.read_text())))
