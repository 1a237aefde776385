"""Part `scale`: many boards announced before hass starts; time to available, memory.

Light, climate and counter boards in turn, announced retained; the core side gets as many
discovered sensors as IoT Lab has entities. Each side is timed twice: the first start,
which discovers and registers every entity, and a second start with them known.
"""

from __future__ import annotations

import logging
from pathlib import Path
import shutil
import time
from typing import Any

from iot_lab_sim.processes import HarnessError, Service

from .proc import rss_kib
from .stack import KINDS_ENTITIES, Bench, wait_available

LOGGER = logging.getLogger("bench")
KINDS = ["light", "climate", "counter"]


def run_scale(bench: Bench, boards: int) -> dict[str, Any]:
    """Boards announced (retained) before hass starts: time to available, memory."""
    base = bench.workdir / "scale-base"
    bench.restart_broker()  # nothing retained: no discovery flow during set-up
    bench.prepare(base)
    hass = bench.start(base)
    time.sleep(10)
    baseline = rss_kib(hass.pid)
    hass.stop()
    result: dict[str, Any] = {"boards": boards, "baseline_rss_kib": baseline}
    entities = sum(KINDS_ENTITIES[KINDS[i % 3]] for i in range(boards))
    for side in ("iot_lab", "core"):
        figures = _one_side(bench, base, side, boards, entities)
        rss = figures["rss_kib"]
        result[side] = {
            "entities": entities,
            **figures,
            "kib_per_entity": round((rss - baseline) / entities, 2),
            "kib_per_board": round((rss - baseline) / boards, 2)
            if side == "iot_lab"
            else None,
        }
        LOGGER.info("scale %s %s", side, result[side])
    return result


def _one_side(
    bench: Bench, base: Path, side: str, boards: int, entities: int
) -> dict[str, Any]:
    """One side's boards retained, hass started twice: seconds to available, memory."""
    config = bench.workdir / f"scale-{side}"
    shutil.copytree(base, config, symlinks=True)
    bench.restart_broker()
    if side == "iot_lab":
        bench.publish("announce", "--count", str(boards), "--kinds", ",".join(KINDS))
        prefix = "bench_"
    else:
        bench.publish("core", "--count", str(entities))
        prefix = "sensor.core_"
    hass, available = _start_until_available(bench, config, prefix, entities)
    time.sleep(10)
    rss = rss_kib(hass.pid)
    found = sum(prefix in entity for entity in bench.states())
    hass.stop()
    # Home Assistant started again: the entities are known (the usual start).
    hass, restart = _start_until_available(bench, config, prefix, entities)
    hass.stop()
    if found != entities:
        raise HarnessError(
            f"{found} '{prefix}' entities where {entities} were expected: "
            "KINDS_ENTITIES is out of date"
        )
    return {
        "seconds_to_all_available": round(available, 2),
        "seconds_to_all_available_restart": round(restart, 2),
        "rss_kib": rss,
    }


def _start_until_available(
    bench: Bench, config: Path, prefix: str, expected: int
) -> tuple[Service, float]:
    """Start hass; seconds from the start until `expected` entities are available."""
    started = time.monotonic()
    hass = bench.start(config)
    http_up = time.monotonic() - started
    return hass, wait_available(bench, prefix, expected, 600) + http_up
