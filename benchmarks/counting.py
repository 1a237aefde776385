"""Part `counting`: door passages at full rate; every one counted, none twice.

Mosquitto drops messages for a subscriber that falls behind once its per-client queue is
full; this part lifts the limit, so that what is measured is Home Assistant and IoT Lab.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from .stack import Bench, wait_available

LOGGER = logging.getLogger("bench")


def run_counting(bench: Bench, boards: int, passages: int) -> dict[str, Any]:
    """Passages at full rate; every one must be counted, none twice."""
    config = bench.workdir / "counting"
    # Far above what Home Assistant can take: without this, Mosquitto drops what
    # does not fit in its per-client queue before Home Assistant ever sees it.
    bench.restart_broker(max_queued=0)
    bench.prepare(config)
    bench.publish("announce", "--count", str(boards), "--kinds", "counter")
    hass = bench.start(config)
    wait_available(bench, "_lifetime_entries", boards, 120)
    drops_before = bench.broker_drops()
    sent = bench.publish("passages", "--count", str(boards), "--total", str(passages))
    expected_in, expected_out = sum(sent["entries"]), sum(sent["exits"])
    counted_in, counted_out = _counted(bench, (expected_in, expected_out))
    hass.stop()
    result = {
        "broker_queue": "unlimited (max_queued_messages 0)",
        "broker_drop_warnings": bench.broker_drops() - drops_before,
        "boards": boards,
        "passages": passages,
        "publish_seconds": round(sent["end"] - sent["start"], 2),
        "passages_per_s": round(passages / (sent["end"] - sent["start"])),
        "expected_entries": expected_in,
        "expected_exits": expected_out,
        "counted_entries": counted_in,
        "counted_exits": counted_out,
        "lost_or_double": (expected_in - counted_in) + (expected_out - counted_out),
    }
    LOGGER.info("counting %s", result)
    return result


def _counted(bench: Bench, expected: tuple[int, int]) -> tuple[int, int]:
    """Lifetime entries and exits of every board, once they reach `expected` (2 min)."""
    deadline = time.monotonic() + 120
    counted = (0, 0)
    while time.monotonic() < deadline:
        states = bench.states()
        counted = (
            _total(states, "_lifetime_entries"),
            _total(states, "_lifetime_exits"),
        )
        if counted == expected:
            break
        time.sleep(1)
    return counted


def _total(states: dict[str, str], suffix: str) -> int:
    """The sum of the numeric states of the entities whose id ends with `suffix`."""
    return sum(int(s) for e, s in states.items() if e.endswith(suffix) and s.isdigit())
