"""Where IoT Lab's share of a message goes: py-spy samples of Home Assistant's event loop.

py-spy (a sampling profiler that reads the process from outside) records the main thread
while IoT Lab's stream runs alone. It stops the process for each sample: without that
(`--nonblocking`) it caught stale frames here, one cheap line taking most samples.
Every sample whose stack passes through IoT Lab's code is put in one bucket, by where the
time is really spent: Home Assistant writing an entity's state, or IoT Lab's own decode,
routing, state, alert checks or entities. A bucket's share of the samples times the event
loop's time per message gives its microseconds per message.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
import shutil
import signal
import subprocess
import sys
import time
from typing import Any

OURS = "(iot_lab/"  # py-spy names files from their package: (iot_lab/hub.py:124)
WIRE = "iot_lab_wire/"
"""The wire contract's modules: decoding a message (and the older formats')."""
STATE_WRITE = ("async_write_ha_state", "_async_write_ha_state", "async_set_internal")
BUCKETS = {
    "routing": ("hub.py", "availability.py"),
    "state": ("board.py", "state.py", "door.py"),
    "alert checks": ("alert.py", "alerting.py"),
    "entities": ("entity.py", "sensor.py", "binary_sensor.py", "switch.py", "text.py"),
}


def py_spy() -> str | None:
    """The py-spy command beside this Python, if installed."""
    found = Path(sys.executable).with_name("py-spy")
    return str(found) if found.exists() else shutil.which("py-spy")


class Recording:
    """py-spy recording a process's stacks until stopped."""

    def __init__(self, pid: int, out: Path, rate: int = 250) -> None:
        """Start recording `pid` (raw collapsed stacks into `out`)."""
        command = py_spy()
        if command is None:
            raise RuntimeError("py-spy is not installed (scripts/setup installs it)")
        self.out = out
        self.process = subprocess.Popen(
            [command, "record", "-p", str(pid), "-r", str(rate), "-f", "raw",
             "-o", str(out)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(1)  # attached

    def stop(self) -> str:
        """Stop and return the collapsed stacks."""
        self.process.send_signal(signal.SIGINT)
        self.process.wait(60)
        return self.out.read_text() if self.out.exists() else ""


def buckets(collapsed: str) -> dict[str, int]:
    """Samples of the event loop thread, by where IoT Lab's share of them goes."""
    counts: Counter[str] = Counter()
    for line in collapsed.splitlines():
        stack, _, number = line.rpartition(" ")
        frames = stack.split(";")
        if not number.isdigit() or stack.startswith("_bootstrap ("):
            continue  # another thread (executor, recorder, py-spy's own)
        if "Selector.select (" in frames[-1]:
            continue  # the loop waiting for work
        counts["loop"] += int(number)
        ours = [i for i, frame in enumerate(frames) if OURS in frame]
        if ours:
            counts["iot_lab"] += int(number)
            counts[_bucket(frames, ours[-1])] += int(number)
    return dict(counts)


def _bucket(frames: list[str], deepest_ours: int) -> str:
    """Home Assistant's state write under IoT Lab's code, or IoT Lab's module."""
    if any(name in frame for frame in frames[deepest_ours:] for name in STATE_WRITE):
        return "state write (Home Assistant)"
    module = frames[deepest_ours].rpartition(OURS)[2].partition(":")[0]
    if module.startswith(WIRE):
        return "decode"
    for bucket, modules in BUCKETS.items():
        if module in modules:
            return bucket
    return "other IoT Lab code"


def per_message(counts: dict[str, int], loop_us: float) -> dict[str, Any]:
    """Microseconds per message of each bucket, from its share of the loop's samples."""
    total = counts.get("loop", 0)
    if not total:
        raise RuntimeError("py-spy recorded no sample of the event loop")
    return {
        "samples": total,
        **{
            name: round(loop_us * samples / total, 1)
            for name, samples in sorted(counts.items())
            if name != "loop"
        },
    }
