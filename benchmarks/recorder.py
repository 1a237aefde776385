"""What a board-day costs in the recorder: rows, database bytes, hass CPU, step delay.

Each case runs a fresh Home Assistant with its recorder (SQLite, default settings) and
feeds one simulated day of one board through the real broker: as the firmware sends it
now (send on change, iot_lab_sim/filters.py), as the previous firmware sent it, and the
previous stream into Home Assistant's own MQTT sensors. The day is compressed: published at
400 messages a second, each one handled on its own, as when they come 2 s apart.
The day's messages come from recorder_day.py; recorder_report.py renders the tables.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
import shutil
import sqlite3
import time
from typing import Any

from iot_lab_sim.processes import HarnessError

from .proc import cpu_seconds
from .publisher import connect
from .recorder_day import board_day, core_sensor_configs, step_delays
from .stats import spread

LOGGER = logging.getLogger(__name__)
RATE = 400
"""Messages a second: a day of the previous firmware (43,200 readings) in under 2 min."""
RECORDER = "recorder:\n"
"""The recorder with Home Assistant's defaults (SQLite in the configuration folder)."""
KINDS = (
    ("light", "%lab_bench_1%", "sensor.core_board_level"),
    ("climate", "%climate_corner_1%", None),
)
"""Board kinds fed as sent now, as sent before and into core's sensors: the entities
counted, and core's entity whose step delay is timed (light only)."""


def run_recorder(bench: Any, *, smoke: bool = False) -> dict[str, Any]:
    """Every board kind, as sent now and as sent before, and core's MQTT sensors.

    The smoke run feeds the first hour of the day, times 3 steps and settles sooner.
    """
    minutes = 60 if smoke else 24 * 60
    sizes: dict[str, Any] = {"steps": 3, "quiet": 4} if smoke else {}
    bench.prepare(bench.workdir / "recorder-base", extra=RECORDER)
    results: dict[str, Any] = {"minutes": minutes}
    for kind, entities, core_watch in KINDS:
        results[kind] = _three_cases(
            bench, kind, entities, core_watch, minutes=minutes, sizes=sizes
        )
    light = results["light"]
    light["step_to_state"] = {
        "current_firmware": step_to_state(
            step_delays(previous=False),
            light["current_firmware"].pop("hass_delays_s"),
        ),
        "core_mqtt_previous_firmware": step_to_state(
            step_delays(previous=True),
            light["core_mqtt_previous_firmware"].pop("hass_delays_s"),
        ),
    }
    results["door"] = {
        "current_firmware": run_case(
            bench,
            "door",
            board_day("door", previous=False, minutes=minutes),
            "%library_entrance_1%",
            **sizes,
        )
    }
    results["load_average"] = os.getloadavg()
    return results


def _three_cases(
    bench: Any,
    kind: str,
    entities: str,
    core_watch: str | None,
    *,
    minutes: int,
    sizes: dict[str, Any],
) -> dict[str, Any]:
    """One board kind as the firmware sends it now, as it sent before, into core."""
    new = board_day(kind, previous=False, minutes=minutes)
    previous = board_day(kind, previous=True, minutes=minutes)
    watch = "sensor.lab_bench_1_light_level" if kind == "light" else None
    return {
        "current_firmware": run_case(
            bench, f"{kind}-current", new, entities, watch, **sizes
        ),
        "previous_firmware": run_case(
            bench, f"{kind}-previous", previous, entities, **sizes
        ),
        "core_mqtt_previous_firmware": run_case(
            bench,
            f"{kind}-core",
            core_sensor_configs(kind)
            + [m for m in previous if not m[0].endswith(("/info", "/status"))],
            "%core_board%",
            core_watch,
            **sizes,
        ),
    }


def run_case(
    bench: Any,
    name: str,
    messages: list[tuple[str, str, bool]],
    entity_filter: str,
    watch: str | None = None,
    *,
    steps: int = 60,
    quiet: float = 12,
) -> dict[str, Any]:
    """A fresh Home Assistant with a recorder; feed the day; stop; count.

    With `watch` (an entity fed by `iot_lab/lab-1/light`), also time Home Assistant's
    part of a step's delay: from the publish to the state change.
    """
    config = bench.workdir / f"recorder-{name}"
    bench.restart_broker(max_queued=0)  # no retained message of the previous case
    shutil.copytree(bench.workdir / "recorder-base", config, symlinks=True)
    hass = bench.start(config)
    baseline, cpu, fed = _feed(
        bench, hass.pid, config, messages, entity_filter, quiet=quiet
    )
    result: dict[str, Any] = {}
    if watch:
        result["hass_delays_s"] = hass_delays(bench, watch, steps)
    hass.stop()
    bench.stack.services.remove(hass)
    rows, size = database_figures(config, entity_filter)
    result |= {
        "messages": len(messages),
        "state_rows": rows,
        "database_bytes": size - baseline,
        "hass_cpu_s": round(cpu, 2),
        "feed_s": round(fed, 1),
    }
    logged = {k: v for k, v in result.items() if k != "hass_delays_s"}
    LOGGER.info("recorder %s: %s", name, logged)
    return result


def _feed(
    bench: Any,
    pid: int,
    config: Path,
    messages: list[tuple[str, str, bool]],
    entity_filter: str,
    *,
    quiet: float,
) -> tuple[int, float, float]:
    """Feed the day until the recorder is done: database bytes before, CPU s, seconds."""
    publish_all(bench.broker_port, messages[:3])  # the board (or its sensors) first
    time.sleep(8)  # entities created, first states committed (5 s commit interval)
    _, baseline = database_figures(config, entity_filter)
    cpu_before = cpu_seconds(pid)
    started = time.monotonic()
    publish_all(bench.broker_port, messages[3:])
    settle(config, entity_filter, quiet)
    cpu = cpu_seconds(pid) - cpu_before
    return baseline, cpu, time.monotonic() - started


def database_figures(config: Path, entity_filter: str) -> tuple[int, int]:
    """State rows of the matching entities, and the database's size in bytes."""
    db = config / "home-assistant_v2.db"
    with sqlite3.connect(db) as connection:
        (rows,) = connection.execute(
            "SELECT COUNT(*) FROM states JOIN states_meta USING (metadata_id) "
            "WHERE states_meta.entity_id LIKE ?",
            (entity_filter,),
        ).fetchone()
    size = sum(
        path.stat().st_size
        for path in config.glob("home-assistant_v2.db*")
        if path.is_file()
    )
    return int(rows), size


def publish_all(
    port: int, messages: list[tuple[str, str, bool]], rate: float = RATE
) -> None:
    """Publish in order at `rate` messages a second, QoS 1, all acknowledged.

    Paced, not flat out: a board sends one reading at a time, and Home Assistant writes
    one state per reading it handles; a burst handled in one go would write fewer.
    """
    client = connect(port)
    start = time.monotonic()
    infos = []
    for index, (topic, payload, retain) in enumerate(messages):
        infos.append(client.publish(topic, payload, qos=1, retain=retain))
        ahead = start + index / rate - time.monotonic()
        if ahead > 0:
            time.sleep(ahead)
    for info in infos:
        info.wait_for_publish(60)
    client.disconnect()
    client.loop_stop()


def settle(config: Path, entity_filter: str, quiet: float = 12) -> None:
    """Wait until the recorder stops writing rows (Home Assistant caught up)."""
    last, since = -1, time.monotonic()
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        rows, _ = database_figures(config, entity_filter)
        if rows != last:
            last, since = rows, time.monotonic()
        elif time.monotonic() - since > quiet:
            return
        time.sleep(1)
    raise HarnessError("the recorder kept writing for 15 minutes")


def hass_delays(bench: Any, entity_id: str, steps: int = 60) -> list[float]:
    """Seconds from publishing a step on the light topic to the state change."""
    log, thread = bench.listen()
    client = connect(bench.broker_port)
    delays = []
    try:
        for index in range(steps):
            value = "1800" if index % 2 == 0 else "1000"
            seen = len(log.events)
            sent = time.time()
            client.publish("iot_lab/lab-1/light", value, qos=1).wait_for_publish(10)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                hits = [e for e in log.events[seen:] if e[0] == entity_id]
                if hits:
                    delays.append(hits[0][3] - sent)
                    break
                time.sleep(0.002)
            time.sleep(0.2)
    finally:
        client.disconnect()
        client.loop_stop()
        log.stop.set()
        thread.join()
    return delays


def step_to_state(firmware: list[float], hass: list[float]) -> dict[str, float]:
    """A step's delay to the state: the firmware's part and Home Assistant's, paired."""
    paired = [delay + hass[index % len(hass)] for index, delay in enumerate(firmware)]
    return spread(paired, ("p50", "p95"), digits=1, scale=1000)  # seconds to ms
