"""Benchmark publisher: a separate process feeding the broker as fast as asked.

Nagle's algorithm is turned off on its socket (TCP_NODELAY): with it, paho's small
packets wait 10-20 ms in the kernel, which is latency that is not Home Assistant's.
Writes a JSON report (`--report`) with what it sent and when.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
import socket
import time

from iot_lab_wire import (
    BoardInfo,
    Capability,
    Channel,
    channel_topic,
    info_payload,
)
import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion


def connect(port: int) -> mqtt.Client:
    """A connected client with TCP_NODELAY, its network loop in a thread."""
    client = mqtt.Client(
        CallbackAPIVersion.VERSION2, client_id=f"bench-{time.time_ns()}"
    )
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    client.connect("127.0.0.1", port, keepalive=60)
    sock = client.socket()
    if isinstance(sock, socket.socket):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    client.loop_start()
    return client


def announce(client: mqtt.Client, kinds: list[str], count: int) -> None:
    """Retained announces and births of `count` boards cycling through `kinds`."""
    caps = {
        "light": {Capability.LIGHT, Capability.LED, Capability.OLED},
        "climate": {Capability.TEMPERATURE, Capability.HUMIDITY},
        "counter": {Capability.COUNTER},
    }
    pending = []
    for index in range(count):
        kind = kinds[index % len(kinds)]
        board_id = f"bench-{index}"
        info = BoardInfo(
            board_id, f"bench-{kind}", f"Bench {index}", "1.0.0", frozenset(caps[kind])
        )
        pending.append(
            client.publish(
                channel_topic("iot_lab", board_id, Channel.INFO),
                info_payload(info),
                qos=1,
                retain=True,
            )
        )
        pending.append(
            client.publish(
                channel_topic("iot_lab", board_id, Channel.STATUS),
                "online",
                qos=1,
                retain=True,
            )
        )
    for message in pending:
        message.wait_for_publish(30)


def core_sensors(
    client: mqtt.Client, count: int, *, light_board: bool, level_only: bool, base: str
) -> None:
    """Home Assistant's own MQTT discovery: `count` sensors, retained.

    With `light_board`, each topic feeds what IoT Lab's light board enables by default
    for a reading: a light level in % through a value template, and a too-dark alert
    (below 20 %, IoT Lab's default) through another. Equal work: two entities per
    message on each side. With `level_only`, the level alone (one entity a message).
    Topics are `<base>/<index>/light`.
    """
    sent = []
    for index in range(count):
        name = f"{base.capitalize()} {index}"
        device = {"identifiers": [f"bench_{base}_{index}"], "name": name}
        configs = _core_configs(
            base, index, light_board=light_board, level_only=level_only
        )
        for path, extra in configs.items():
            config = {
                "unique_id": path.partition("/")[2],
                "state_topic": f"{base}/{index}/light",
                "availability_topic": f"{base}/{index}/status",
                "device": device,
                **extra,
            }
            sent.append(
                client.publish(
                    f"homeassistant/{path}/config",
                    json.dumps(config),
                    qos=1,
                    retain=True,
                )
            )
        sent.append(
            client.publish(f"{base}/{index}/status", "online", qos=1, retain=True)
        )
    for message in sent:
        message.wait_for_publish(30)


def _core_configs(
    base: str, index: int, *, light_board: bool, level_only: bool
) -> dict[str, dict[str, str | None]]:
    """One topic's discovered entities: `<platform>/<unique id>` and their own options."""
    if not (light_board or level_only):
        return {
            f"sensor/bench_{base}_{index}": {"name": None, "state_class": "measurement"}
        }
    configs: dict[str, dict[str, str | None]] = {
        f"sensor/bench_{base}_{index}_level": {
            "name": "Level",
            "unit_of_measurement": "%",
            "state_class": "measurement",
            "value_template": LEVEL_TEMPLATE,
        },
    }
    if light_board:
        configs[f"binary_sensor/bench_{base}_{index}_too_dark"] = {
            "name": "Too dark",
            "device_class": "problem",
            "value_template": DARK_TEMPLATE,
        }
    return configs


LEVEL_TEMPLATE = "{{ (value | int * 100 / 4095) | round(1) }}"
DARK_TEMPLATE = "{{ 'ON' if value | int * 100 / 4095 < 20 else 'OFF' }}"


def reading(n: int, topics: int) -> int:
    """The raw light reading of message `n` over `topics` topics in turn.

    Each topic's next reading is 41 higher (about 1 %, modulo 4096): every message
    changes the level each side shows, so every message makes one state change.
    """
    return n // topics * 41 % 4096


def stream(
    client: mqtt.Client,
    topics: list[str],
    rate: float,
    duration: float,
    total: int | None,
) -> dict[str, object]:
    """Publish a changing number to `topics` in turn, paced to `rate` per second.

    Message `n` carries `reading(n, len(topics))`.
    """
    sends: list[float] = []
    start = time.time()
    n = 0
    limit = total if total is not None else int(rate * duration) if rate else None
    while limit is None or n < limit:
        if rate:
            delay = start + n / rate - time.time()
            if delay > 0:
                time.sleep(delay)
        elif total is None and time.time() - start > duration:
            break
        topic = topics[n % len(topics)]
        client.publish(topic, str(reading(n, len(topics))), qos=0)
        sends.append(time.time())
        n += 1
    return {"sent": n, "start": start, "end": time.time(), "sends": sends}


def passages(client: mqtt.Client, boards: int, total: int) -> dict[str, object]:
    """`total` passages across `boards` door counters, each followed by its totals."""
    entries = [0] * boards
    exits = [0] * boards
    start = time.time()
    last = None
    for n in range(total):
        board = n % boards
        board_id = f"bench-{board}"
        going_in = (n // boards) % 3 != 2
        if going_in:
            entries[board] += 1
        else:
            exits[board] += 1
        client.publish(
            channel_topic("iot_lab", board_id, Channel.PASSAGE),
            "in" if going_in else "out",
            qos=1,
        )
        last = client.publish(
            channel_topic("iot_lab", board_id, Channel.COUNTER),
            json.dumps(
                {"entries": entries[board], "exits": exits[board], "boot": "bench"}
            ),
            qos=1,
            retain=True,
        )
        if n % 500 == 499:
            last.wait_for_publish(60)
    if last is not None:
        last.wait_for_publish(60)
    return {
        "sent": total,
        "start": start,
        "end": time.time(),
        "entries": entries,
        "exits": exits,
    }


def main() -> None:
    """Run one publishing job and write its report."""
    parser = argparse.ArgumentParser()
    parser.add_argument("job", choices=["announce", "core", "stream", "passages"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--kinds", default="light")
    parser.add_argument("--topics", default="")
    parser.add_argument("--rate", type=float, default=0)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--total", type=int)
    parser.add_argument("--light-board", action="store_true")
    parser.add_argument("--level-only", action="store_true")
    parser.add_argument("--base", default="core", help="job core: topics' first level")
    parser.add_argument("--report", type=Path, required=True)
    args = parser.parse_args()
    client = connect(args.port)
    report: dict[str, object] = {}
    if args.job == "announce":
        announce(client, args.kinds.split(","), args.count)
    elif args.job == "core":
        core_sensors(
            client,
            args.count,
            light_board=args.light_board,
            level_only=args.level_only,
            base=args.base,
        )
    elif args.job == "stream":
        report = stream(
            client, args.topics.split(","), args.rate, args.duration, args.total
        )
    else:
        report = passages(client, args.count, args.total or 0)
    time.sleep(0.5)
    client.disconnect()
    client.loop_stop()
    args.report.write_text(json.dumps(report))


if __name__ == "__main__":
    main()
