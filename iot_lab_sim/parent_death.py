"""Children that die with their parent, so a crashed or killed run leaves none behind.

`processes.Stack` starts every child through `setpriv --pdeathsig TERM` when it exists.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
import shutil
import time

LOGGER = logging.getLogger(__name__)


def die_with_parent() -> list[str]:
    """A command prefix that sends the child SIGTERM if we die, when `setpriv` exists.

    So a crashed or killed demo or test run leaves no process behind.
    """
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "TERM", "--"] if setpriv else []


def wait_for_exec(
    pid: int, guard: list[str], argv: list[str], timeout: float = 5
) -> None:
    """Return once the child runs `argv`, so its parent-death signal is in place.

    `setpriv` sets the signal and then runs the program: a parent killed in between
    would leave a child with no signal to end it. A script runs under its interpreter,
    whose command line ends with the script's: the child runs `argv` once its command
    line ends with it and is no longer `guard`'s.
    """
    wanted = [os.fsencode(arg) for arg in argv]
    guarded = [os.fsencode(arg) for arg in guard] + wanted
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            running = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[:-1]
        except OSError:
            return  # No /proc, or the child already exited: nothing to wait for.
        if running != guarded and running[-len(wanted) :] == wanted:
            return
        time.sleep(0.005)
    LOGGER.warning("pid %d did not start %s within %.0f s", pid, argv[0], timeout)
