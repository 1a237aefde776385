"""The message stream: IoT Lab and core MQTT entities on equal work, and the floor.

One hass, one broker, one run. IoT Lab's light boards enable, for a reading, a light
level and a too-dark alert; the core side gets the same two entities per topic through
value templates (benchmarks/publisher.py). The floor is Home Assistant's MQTT client
delivering the same stream to a subscriber that does nothing (benchmarks/floor). For
each side alone: messages turned into states per second, and the event loop's CPU time
per message (Home Assistant's main thread, from /proc); then both sides interleaved; then
the latency from publish to state at a fixed rate, each state matched to the message
whose level it shows.
"""

from __future__ import annotations

from collections import deque
import logging
from pathlib import Path
from typing import Any

from iot_lab_wire import (
    LIGHT_MAX,
    light_level,
)

from iot_lab_sim.processes import Service

from .proc import cpu_seconds, settle_cpu
from .profile import Recording, buckets, per_message
from .publisher import reading
from .stack import (
    Bench,
    EventLog,
    drain,
    processing_rates,
    stream_and_drain,
    wait_available,
)
from .stats import spread

LOGGER = logging.getLogger("bench")
FLOOR = Path(__file__).resolve().parent / "floor" / "bench_floor"


def run_stream(
    bench: Bench, boards: int, messages: int, latency_s: float, rate: float
) -> dict[str, Any]:
    """Alone, interleaved and latency, on one hass."""
    hass = _start(bench, boards)
    topics = {
        "iot_lab": [f"iot_lab/bench-{i}/light" for i in range(boards)],
        "core": [f"core/{i}/light" for i in range(boards)],
        "floor": [f"floor/{i}/light" for i in range(boards)],
        "core_level_only": [f"levels/{i}/light" for i in range(boards)],
    }
    levels = {
        "iot_lab": [f"sensor.bench_{i}_light_level" for i in range(boards)],
        "core": [f"sensor.core_{i}_level" for i in range(boards)],
    }
    side_of = {e: side for side, entities in levels.items() for e in entities} | {
        f"sensor.levels_{i}_level": "core_level_only" for i in range(boards)
    }
    result: dict[str, Any] = {"boards": boards, "entities_per_message": 2}
    alone = {
        side: _alone(bench, hass.pid, side_topics, messages, side_of=side_of, side=side)
        for side, side_topics in topics.items()
    }
    result["alone"] = alone | _ratios(alone)
    LOGGER.info("alone %s", result["alone"])
    result["profile_iot_lab"] = _profile(
        bench, hass.pid, topics["iot_lab"], messages, alone
    )
    LOGGER.info("profile %s", result["profile_iot_lab"])
    result["interleaved"] = _interleaved(bench, topics, side_of, messages)
    LOGGER.info("interleaved %s", result["interleaved"])
    for side, entities in levels.items():  # latency: the equal-work sides
        result[f"latency_{side}"] = _latency(
            bench, topics[side], entities, rate, latency_s
        )
        LOGGER.info("latency %s %s", side, result[f"latency_{side}"])
    hass.stop()
    return result


def _start(bench: Bench, boards: int) -> Service:
    """Hass with the floor, IoT Lab's light boards and core's sensors, all available."""
    config = bench.workdir / "stream"
    bench.prepare(config, extra="bench_floor:\n", components=(FLOOR,))
    bench.publish("announce", "--count", str(boards), "--kinds", "light")
    bench.publish("core", "--count", str(boards), "--light-board")
    bench.publish("core", "--count", str(boards), "--level-only", "--base", "levels")
    hass = bench.start(config)
    wait_available(bench, "_light_level", boards, 120)
    wait_available(bench, "core_", 2 * boards, 120)
    wait_available(bench, "levels_", boards, 120)
    return hass


def _measured(
    bench: Bench, pid: int, topics: list[str], messages: int, recording: Path | None
) -> tuple[EventLog, int, float, str]:
    """One stream, from an idle event loop to an idle event loop.

    Its events, the messages sent, the loop's time per message, and py-spy's stacks when
    `recording` names a file for them.
    """
    settle_cpu(pid)
    before = cpu_seconds(pid, main_thread=True)
    profiler = Recording(pid, recording) if recording else None
    log, sent = stream_and_drain(bench, topics, messages)
    settle_cpu(pid)
    collapsed = profiler.stop() if profiler else ""
    used = cpu_seconds(pid, main_thread=True) - before
    return log, sent["sent"], used / sent["sent"] * 1e6, collapsed


def _alone(
    bench: Bench,
    pid: int,
    topics: list[str],
    messages: int,
    *,
    side_of: dict[str, str],
    side: str,
) -> dict[str, float]:
    """One side's stream alone: its rate and the event loop's time per message."""
    log, sent, loop_us, _ = _measured(bench, pid, topics, messages, None)
    figures = {"sent": sent, "loop_us_per_message": round(loop_us, 1)}
    if side != "floor":
        changes = sum(side_of.get(entity) == side for entity, *_ in log.events)
        figures["messages_per_s"] = processing_rates(log, side_of)[side]
        figures["state_changes"] = changes
    return figures


def _profile(
    bench: Bench,
    pid: int,
    topics: list[str],
    messages: int,
    alone: dict[str, dict[str, float]],
) -> dict[str, Any]:
    """IoT Lab's stream alone once more, sampled by py-spy: its share, bucket by bucket.

    IoT Lab's own code is its samples but Home Assistant's state writes under them, at
    the unprofiled run's pace (py-spy stops the process for each sample).
    """
    recording = bench.workdir / "profile.txt"
    _, _, loop_us, collapsed = _measured(bench, pid, topics, messages, recording)
    profile = {"loop_us_per_message": round(loop_us, 1)} | per_message(
        buckets(collapsed), loop_us
    )
    own = profile["iot_lab"] - profile.get("state write (Home Assistant)", 0)
    own *= alone["iot_lab"]["loop_us_per_message"] / profile["loop_us_per_message"]
    profile["own_code_us"] = round(own, 1)
    profile["own_code_share_of_floor"] = round(
        own / alone["floor"]["loop_us_per_message"], 3
    )
    return profile


def _interleaved(
    bench: Bench,
    topics: dict[str, list[str]],
    side_of: dict[str, str],
    messages: int,
) -> dict[str, Any]:
    """Both equal-work sides in one stream, a topic of each in turn."""
    interleaved = [
        t for pair in zip(topics["iot_lab"], topics["core"], strict=True) for t in pair
    ]
    log, sent = stream_and_drain(bench, interleaved, 2 * messages)
    shared = processing_rates(log, side_of)
    return {
        "sent": sent["sent"],
        **{f"{side}_messages_per_s": shared[side] for side in ("iot_lab", "core")},
        "ratio": round(shared["iot_lab"] / shared["core"], 3),
    }


def _ratios(alone: dict[str, dict[str, float]]) -> dict[str, float]:
    """The headline ratios, and IoT Lab's own share above the floor."""
    ours, core, floor = alone["iot_lab"], alone["core"], alone["floor"]
    above = ours["loop_us_per_message"] - floor["loop_us_per_message"]
    return {
        "ratio_messages_per_s": round(
            ours["messages_per_s"] / core["messages_per_s"], 3
        ),
        "ratio_loop_time": round(
            core["loop_us_per_message"] / ours["loop_us_per_message"], 3
        ),
        "iot_lab_above_floor_us": round(above, 1),
        "core_above_floor_us": round(
            core["loop_us_per_message"] - floor["loop_us_per_message"], 1
        ),
        "iot_lab_above_floor_share": round(above / floor["loop_us_per_message"], 3),
        "ratio_vs_core_level_only": round(
            ours["messages_per_s"] / alone["core_level_only"]["messages_per_s"], 3
        ),
    }


def _latency(
    bench: Bench, topics: list[str], entities: list[str], rate: float, seconds: float
) -> dict[str, float]:
    """Publish at `rate` for `seconds`; time each message to the state showing it."""
    log, thread = bench.listen()
    sent = bench.publish(
        "stream", "--topics", ",".join(topics), "--rate", str(rate),
        "--duration", str(seconds),
    )  # fmt: skip
    drain(log)
    log.stop.set()
    thread.join()
    delays = matched_delays(log, entities, sent["sends"])
    return {
        "rate_per_s": rate,
        "seconds": seconds,
        "sent": sent["sent"],
        "seen": len(delays),
        **spread(delays, ("p50", "p95", "p99", "max", "mean")),
    }


def shown_level(raw: int) -> float:
    """The level both sides show for a raw reading (IoT Lab's own conversion)."""
    level = light_level(raw, 0.0, float(LIGHT_MAX))
    assert level is not None
    return level


def matched_delays(
    log: EventLog, entities: list[str], sends: list[float]
) -> list[float]:
    """Milliseconds from each message to the state change that shows its level.

    Each entity's states are taken in order: a state fired before the message was sent,
    or showing another level, is not this message's; a message whose level never showed
    (lost, or equal to the one before) has no delay.
    """
    states: dict[str, deque[tuple[float, float]]] = {e: deque() for e in entities}
    for entity, state, fired, _ in log.events:
        if entity in states:
            try:
                states[entity].append((float(state), fired))
            except ValueError:
                continue  # unavailable, unknown
    delays = []
    for n, sent_at in enumerate(sends):
        queue = states[entities[n % len(entities)]]
        while queue and queue[0][1] < sent_at:
            queue.popleft()
        # Both sides compute the level in floating point: allow for the last digit.
        if queue and abs(queue[0][0] - shown_level(reading(n, len(entities)))) < 0.05:
            delays.append((queue.popleft()[1] - sent_at) * 1000)
    return delays
