"""What /proc tells of a process: its CPU time, its resident memory, when it is idle.

Home Assistant's event loop runs in its main thread, its MQTT client included: the main
thread's CPU time is the time the loop spent working.
"""

from __future__ import annotations

import os
from pathlib import Path
import time

from iot_lab_sim.processes import HarnessError


def cpu_seconds(pid: int, *, main_thread: bool = False) -> float:
    """CPU seconds (user + system) of a process so far, or of its main thread only."""
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


def rss_kib(pid: int) -> int:
    """Resident memory of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise HarnessError(f"no VmRSS for pid {pid}")
