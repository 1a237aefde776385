"""`scripts/demo`: a populated Home Assistant with simulated boards, until Ctrl-C."""

from __future__ import annotations

import argparse
from datetime import datetime, time as day_time
import json
import logging
import shutil
import signal
import sys
import time
from types import FrameType
from typing import NoReturn
from urllib.parse import urlsplit

from .harness import Demo, run_stack
from .processes import ROOT, HarnessError, Stack

DEMO_DIR = ROOT / ".demo"


class StopSignalError(Exception):
    """Ctrl-C or SIGTERM: leave the wait and stop everything."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Options of the demo."""
    parser = argparse.ArgumentParser(
        prog="scripts/demo",
        description="Run Home Assistant with IoT Lab, an MQTT broker and simulated "
        "boards on this machine, until Ctrl-C.",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep .demo/ from the last run (history, token, dashboard edits)",
    )
    parser.add_argument("--boards", type=int, default=1, help="boards of each kind")
    parser.add_argument(
        "--speed",
        type=float,
        default=10.0,
        help="simulated time runs this many times faster (default 10)",
    )
    parser.add_argument("--seed", type=int, help="seed for repeatable readings")
    parser.add_argument(
        "--start",
        help="simulated start time, ISO format (default: today 09:00, opening hours)",
    )
    parser.add_argument("--port", type=int, default=8123, help="HTTP port if free")
    parser.add_argument("-v", "--verbose", action="store_true")
    return parser.parse_args(argv)


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise StopSignalError


def stop_on_signals() -> None:
    """Ctrl-C, `kill` and a closed terminal (SIGHUP) all stop the stack in order.

    Set even if the demo was started with a signal ignored (`nohup`). If this process dies
    without stopping them, every child gets SIGTERM from the kernel anyway (see
    parent_death.die_with_parent).
    """
    for stop_signal in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(stop_signal, _raise_stop)


def main(argv: list[str] | None = None) -> int:
    """Start everything, print how to get in, wait for Ctrl-C, stop everything."""
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="[demo] %(message)s",
    )
    start, sim_options = _simulated_time(args)
    port = _http_port(args)
    stop_on_signals()
    began = time.monotonic()
    try:
        with Stack(DEMO_DIR / "logs") as stack:
            try:
                demo = run_stack(
                    stack,
                    DEMO_DIR / "config",
                    keep=args.keep,
                    http_port=port,
                    simulator_options=sim_options,
                    board_count=args.boards,
                )
            except HarnessError as err:
                print(f"\n[demo] FAILED: {err}", file=sys.stderr)
                print(f"[demo] logs are in {DEMO_DIR / 'logs'}", file=sys.stderr)
                return 1
            ready_after = time.monotonic() - began
            print(_banner(demo, stack, ready_after, args.speed, start), flush=True)
            _watch(stack)
    except StopSignalError:
        print("\n[demo] stopping...", flush=True)
    except HarnessError as err:
        print(f"\n[demo] {err}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    print("[demo] every process is stopped.")
    return 0


def _simulated_time(args: argparse.Namespace) -> tuple[str, list[str]]:
    """The simulated start time, and the simulator's options for speed, start and seed."""
    start = args.start or datetime.combine(datetime.now().date(), day_time(9, 0))
    if isinstance(start, datetime):
        start = start.isoformat(timespec="seconds")
    sim_options = ["--speed", str(args.speed), "--start", start]
    if args.seed is not None:
        sim_options += ["--seed", str(args.seed)]
    return start, sim_options


def _http_port(args: argparse.Namespace) -> int:
    """The port asked for, or a kept demo's; a new demo's logs start empty."""
    port: int = args.port
    if not args.keep:
        shutil.rmtree(DEMO_DIR / "logs", ignore_errors=True)
    elif (access := DEMO_DIR / "access.json").exists():
        # Home Assistant keeps its HTTP settings in storage after the first start.
        port = urlsplit(json.loads(access.read_text())["url"]).port or port
    return port


def _banner(
    demo: Demo, stack: Stack, ready_after: float, speed: float, start: str
) -> str:
    """How to get in, and what runs."""
    pids = ", ".join(f"{s.name} {s.pid}" for s in stack.services)
    return f"""
IoT Lab demo is ready after {ready_after:.0f} s.

  Dashboard:  {demo.url}{demo.dashboard}
  Home:       {demo.url}/
  MQTT:       {"127.0.0.1"}:{demo.broker_port} (no password)
  API token:  {DEMO_DIR / "access.json"}  ({{"url": ..., "token": ...}})
  Logs:       {DEMO_DIR / "logs"}  (processes: {pids})

  LOCAL DEMO ONLY: anyone on 127.0.0.1 gets in WITHOUT a password
  (trusted_networks with allow_bypass_login). Home Assistant listens on 127.0.0.1 only.

  Simulated time runs x{speed:g} from {start}. Ctrl-C stops everything.
"""


def _watch(stack: Stack) -> NoReturn:
    """Until a signal: raise as soon as a process of the stack has exited."""
    while True:
        for service in stack.services:
            service.check_alive()
        time.sleep(1)


if __name__ == "__main__":
    sys.exit(main())
