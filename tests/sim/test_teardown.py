"""Nothing the demo starts outlives it, however it ends (killed, or its terminal closed)."""

from __future__ import annotations

import os
from pathlib import Path
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from iot_lab_sim.processes import ROOT, Stack

# A process that starts what the demo starts without Home Assistant (the broker and the
# simulator, through the same Stack and the demo's signal handling), prints their pids,
# then waits to be stopped or killed.
CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from iot_lab_sim.demo import StopSignalError, stop_on_signals
    from iot_lab_sim.processes import Stack
    stop_on_signals()
    try:
        with Stack(Path(sys.argv[1])) as stack:
            port = stack.start_broker()
            stack.start_simulator(port, "--boards", "1", "--no-legacy")
            print(" ".join(str(s.pid) for s in stack.services), flush=True)
            while True:  # Like the demo's loop: a signal that lands just before a
                time.sleep(1)  # sleep starts is handled when it ends.
    except StopSignalError:
        pass
    """
)


def _alive(pid: int) -> bool:
    """A process that exists and is not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGHUP])
def test_children_end_with_their_parent(tmp_path: Path, how: signal.Signals) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tmp_path / "stack")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert parent.stdout is not None
    children = [int(pid) for pid in parent.stdout.readline().split()]
    assert len(children) == 2
    assert all(_alive(pid) for pid in children)
    parent.send_signal(how)
    parent.wait(60)  # SIGHUP: the stack stops in order, the simulator saying goodbye
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in children if _alive(pid)]


def test_a_script_is_seen_running_under_its_interpreter(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """`hass` is a script: its command line is its interpreter's, ending with its own.

    Waiting for the exact command line used to wait the whole 5 s at every start.
    """
    script = tmp_path / "script"
    script.write_text(f"#!{sys.executable}\nimport time\ntime.sleep(30)\n")
    script.chmod(0o755)
    with Stack(tmp_path / "stack") as stack:
        service = stack.spawn("script", [script, "--an-option"])
        cmdline = Path(f"/proc/{service.pid}/cmdline").read_bytes().split(b"\0")
    assert cmdline[:3] == [os.fsencode(sys.executable), bytes(script), b"--an-option"]
    assert "did not start" not in caplog.text
