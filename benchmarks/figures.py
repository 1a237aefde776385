"""The statistics every benchmark part reports, written once."""

from __future__ import annotations

import os
from pathlib import Path
import time


def percentile(values: list[float], share: float) -> float:
    """The `share` quantile (0..1) of `values`: the value below which that share lies."""
    if not values:
        raise ValueError("no values to take a percentile of")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def spread(values: list[float], digits: int = 3) -> dict[str, float]:
    """p50, p95, p99 and max of `values`, rounded."""
    return {
        "p50_ms": round(percentile(values, 0.50), digits),
        "p95_ms": round(percentile(values, 0.95), digits),
        "p99_ms": round(percentile(values, 0.99), digits),
        "max_ms": round(max(values), digits),
    }


def cpu_seconds(pid: int, *, main_thread: bool = False) -> float:
    """CPU seconds (user + system) of a process so far, or of its main thread only.

    Home Assistant's event loop runs in its main thread, its MQTT client included: the
    main thread's time is the time the loop spent working.
    """
    stat = Path(f"/proc/{pid}/task/{pid}/stat" if main_thread else f"/proc/{pid}/stat")
    fields = stat.read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def settle_cpu(pid: int, idle_share: float = 0.02, limit: float = 300) -> None:
    """Wait until the main thread of `pid` is idle (under `idle_share` of a core for 1 s)."""
    deadline = time.monotonic() + limit
    before = cpu_seconds(pid, main_thread=True)
    while time.monotonic() < deadline:
        time.sleep(1)
        now = cpu_seconds(pid, main_thread=True)
        if now - before < idle_share:
            return
        before = now
