"""benchmarks/README.md, written from a results file: what is compared, then the figures.

The head explains every part; the table below it is one row per figure, IoT Lab beside
Home Assistant's own MQTT entities. The recorder and door parts add their own sections
(recorder_report.py, door.py).
"""

from __future__ import annotations

from typing import Any

from .door import render as render_door
from .recorder_report import render as render_recorder

type Row = tuple[str, Any, Any, str]
"""A table row: the measure, IoT Lab's figure, core's figure, a note."""

README_HEAD = """# Benchmark: IoT Lab against Home Assistant's own MQTT entities

`scripts/bench` (not part of the tests) starts, on loopback, a real Mosquitto, a real
`hass` (recorder and frontend off) set up through onboarding and the config flows, and
a publisher in its own process with `TCP_NODELAY` (`benchmarks/publisher.py`). Every
figure is read from Home Assistant's event bus: one `state_changed` subscription over
the WebSocket API, the same for both sides. The core side is entities created by Home
Assistant's own MQTT discovery (`homeassistant/<platform>/.../config`), fed the same
payloads.

What is compared:
- Stream, on equal work (`benchmarks/stream.py`): for a light reading, IoT Lab's light
  board enables two entities, a light level in % and a too-dark alert; each core topic
  feeds the same two, through `value_template`s (a sensor in % and a binary sensor below
  20 %). The publisher sends as fast as it can (it outruns Home Assistant several times
  over); every message changes the level, so messages per second are read from the
  level's state changes, from the events' own timestamps once Home Assistant has worked
  through the backlog. "Alone" runs each side on its own, which is where a difference in
  cost per message shows; "interleaved" shares one stream between both sides. The
  event loop's time per message is the CPU time of Home Assistant's main thread (where
  its MQTT client and every entity run) over the stream, until it is idle again, divided
  by the messages. The floor is the same stream delivered by Home Assistant's MQTT client
  to a subscriber that does nothing (`benchmarks/floor`): what a message costs before
  any integration works on it. Beside it, core's level sensor alone (one entity a
  message), the comparison first reported against IoT Lab. Then IoT Lab's stream runs
  once more under py-spy (`benchmarks/profile.py`, a sample every 4 ms, the process
  stopped for each): the samples that pass through IoT Lab's code are split into Home
  Assistant's state writes under it and IoT Lab's own code (decode, routing, state,
  alert checks, entities), scaled to the unprofiled run's time per message. The garbage
  collector runs where objects are allocated, so its time lands on whatever line
  allocated last (here mostly the decoded message).
- Latency: paced at a fixed rate, one side at a time, each state change matched to the
  message whose level it shows; p99 and max catch Home Assistant's own event-loop
  stalls of 100-300 ms, so they are noisy.
- Scale: light, climate and counter boards in turn, announced retained before hass
  starts; the core side has as many discovered sensors as IoT Lab has entities (those
  enabled by default). Home Assistant caps a config entry at 10,000 enabled entities: the
  mix stays under it. Timed twice: the first start, which discovers every board and
  registers its entities, and a second start with them known (the usual case). Where a
  start's time goes (hass logs and py-spy, second start, 1,000 boards): about 2.0 s for
  Home Assistant itself to start, 0.9 s until its MQTT client has subscribed (it waits
  0.5 s after connecting), 2.4 s to receive the 2,000 retained announces and births and
  add the entities (Home Assistant's MQTT client matches every message against each of
  its ~76 wildcard subscriptions, most of them its own discovery's), then the last
  entities' first states. Memory is read 10 s after every entity is available.
- Counting: Mosquitto drops messages for a subscriber that falls behind once its
  per-client queue is full (`max_queued_messages`, 1,000 by default), before Home
  Assistant ever sees them. This part lifts the limit so that what is measured is
  Home Assistant and IoT Lab; with a queue of 10,000, a run here lost 151 passages at
  the broker (Mosquitto logged "Outgoing messages are being dropped"). A real door
  sees a few passages a minute.
- Recorder (`benchmarks/recorder.py`): a fresh hass with its recorder (SQLite, default
  settings) per case, one simulated day of one board through the broker, paced at 400
  messages a second: as the firmware sends it now (send on change), as the previous
  firmware sent it (a raw reading every 2 s, DHT11 every 30 s), and the previous stream
  into core MQTT sensors. State rows and database growth are read from the database,
  hass CPU from /proc.

- Door (`benchmarks/door.py`, no Home Assistant): the firmware's direction rule and the
  library's old loop, both fed the beams of people drawn from a model of the doorway
  (tests/esphome/door_world.h), per family of scenarios and over 1,000 library days; the
  host tests assert the same thresholds on fewer runs.

Reproduce: `scripts/bench` (about 15 minutes), or one part:
`scripts/bench --parts stream --latency-seconds 10`. Results land in
`benchmarks/results/<date>.json` and this file is rewritten from them.

"""


def fmt(value: Any) -> str:
    """A figure for the table: thousands separated, or as it is."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


PROFILE_TOTALS = {
    "samples",
    "loop_us_per_message",
    "iot_lab",
    "own_code_us",
    "own_code_share_of_floor",
}


def render_readme(results: dict[str, Any]) -> str:
    """The markdown report of one run."""
    v = results["versions"]
    rows: list[Row] = []
    if stream := results.get("stream"):
        rows += stream_rows(stream)
    if scale := results.get("scale"):
        rows += scale_rows(scale)
    if counting := results.get("counting"):
        rows += [counting_row(counting)]
    table = [
        "| Measure | IoT Lab | Core MQTT sensor | Note |",
        "|---|---:|---:|---|",
        *(f"| {m} | {fmt(a)} | {fmt(b)} | {n} |" for m, a, b, n in rows),
    ]
    return (
        README_HEAD
        + "## Last run\n\n"
        + f"Machine: {v['machine']}. Home Assistant {v['home_assistant']}, Python"
        + f" {v['python']}, {v['mosquitto']}.\n\n"
        + "".join(
            f"- {part}: `{results[part]['command']}` ({results[part]['date']})\n"
            for part in ("stream", "scale", "counting", "recorder", "door")
            if part in results
        )
        + "\n"
        + "\n".join(table)
        + "\n"
        + (render_recorder(results["recorder"]) if "recorder" in results else "")
        + (render_door(results["door"]) if "door" in results else "")
    )


def stream_rows(stream: dict[str, Any]) -> list[Row]:
    """The stream part's rows: equal work first, then the floor, then latency."""
    return [
        *_alone_rows(stream),
        _own_code_row(stream["profile_iot_lab"]),
        *_comparison_rows(stream),
        *_latency_rows(stream["latency_iot_lab"], stream["latency_core"]),
    ]


def _alone_rows(stream: dict[str, Any]) -> list[Row]:
    """Each side alone: its rate, its loop time per message, and that above the floor."""
    alone = stream["alone"]
    ours, core, floor = alone["iot_lab"], alone["core"], alone["floor"]
    return [
        (
            f"Equal work, each side alone: messages turned into states per second"
            f" ({stream['boards']} topics, {stream['entities_per_message']} entities"
            " per message on each side)",
            ours["messages_per_s"],
            core["messages_per_s"],
            f"ratio {alone['ratio_messages_per_s']} (target >= 1.0)",
        ),
        (
            "Event loop's time per message (µs)",
            ours["loop_us_per_message"],
            core["loop_us_per_message"],
            f"floor (MQTT client to a subscriber doing nothing)"
            f" {floor['loop_us_per_message']} µs",
        ),
        (
            "Time per message above the floor (µs)",
            alone["iot_lab_above_floor_us"],
            alone["core_above_floor_us"],
            f"{alone['iot_lab_above_floor_share']} of the floor",
        ),
    ]


def _own_code_row(profile: dict[str, Any]) -> Row:
    """IoT Lab's own code per message, from py-spy, with its buckets."""
    return (
        "IoT Lab's own code per message (µs), from py-spy samples",
        profile["own_code_us"],
        "",
        f"{profile['own_code_share_of_floor']} of the floor (target < 0.5); under"
        " py-spy, per message: "
        + ", ".join(
            f"{name} {us}" for name, us in profile.items() if name not in PROFILE_TOTALS
        ),
    )


def _comparison_rows(stream: dict[str, Any]) -> list[Row]:
    """Against core's level sensor alone, and both sides interleaved in one stream."""
    alone, inter = stream["alone"], stream["interleaved"]
    return [
        (
            "Against core's level sensor alone (one entity a message, messages/s)",
            alone["iot_lab"]["messages_per_s"],
            alone["core_level_only"]["messages_per_s"],
            f"ratio {alone['ratio_vs_core_level_only']} (IoT Lab still checks the"
            " too-dark alert)",
        ),
        (
            "Interleaved in one stream: messages turned into states per second",
            inter["iot_lab_messages_per_s"],
            inter["core_messages_per_s"],
            f"ratio {inter['ratio']}",
        ),
    ]


def _latency_rows(mine: dict[str, Any], theirs: dict[str, Any]) -> list[Row]:
    """Publish to state at a fixed rate: p50, p95, p99, max, and the messages matched."""
    rows: list[Row] = [
        (
            f"Latency publish to state at {fmt(int(mine['rate_per_s']))} msg/s for"
            f" {fmt(int(mine['seconds']))} s, {key.removesuffix('_ms')} (ms)",
            mine[key],
            theirs[key],
            "target p95 <= 1 ms" if key == "p95_ms" else "",
        )
        for key in ("p50_ms", "p95_ms", "p99_ms", "max_ms")
    ]
    rows.append(
        (
            "Latency messages matched / sent",
            f"{fmt(mine['seen'])} / {fmt(mine['sent'])}",
            f"{fmt(theirs['seen'])} / {fmt(theirs['sent'])}",
            "",
        )
    )
    return rows


def scale_rows(scale: dict[str, Any]) -> list[Row]:
    """The scale part's rows: entities, seconds to available, memory."""
    ours, core = scale["iot_lab"], scale["core"]
    return [
        (
            f"Scale: {fmt(scale['boards'])} boards retained before start, entities",
            ours["entities"],
            core["entities"],
            "",
        ),
        (
            "Seconds from starting hass to every entity available, first start",
            ours["seconds_to_all_available"],
            core["seconds_to_all_available"],
            "every board discovered and its entities registered",
        ),
        (
            "Same, Home Assistant started again",
            ours.get("seconds_to_all_available_restart", ""),
            core.get("seconds_to_all_available_restart", ""),
            "target <= 5 s",
        ),
        (
            "Resident memory of hass (KiB)",
            ours["rss_kib"],
            core["rss_kib"],
            f"empty instance {fmt(scale['baseline_rss_kib'])} KiB",
        ),
        (
            "Resident memory per entity (KiB)",
            ours["kib_per_entity"],
            core["kib_per_entity"],
            f"{ours['kib_per_board']} KiB per IoT Lab board; target <= half of core",
        ),
    ]


def counting_row(counting: dict[str, Any]) -> Row:
    """The counting part's row: passages lost or double counted."""
    return (
        f"Counting: {fmt(counting['passages'])} passages over"
        f" {counting['boards']} boards at {fmt(counting['passages_per_s'])}/s,"
        " lost or double counted",
        counting["lost_or_double"],
        "",
        f"entries {fmt(counting['counted_entries'])}/"
        f"{fmt(counting['expected_entries'])}, exits"
        f" {fmt(counting['counted_exits'])}/{fmt(counting['expected_exits'])};"
        " target 0",
    )
