"""What crossed the bridges: every board message on each side, and each found again.

An observer in the benchmark's process subscribes to every board topic on each site
broker and, under the site's prefix, on the central broker. Each message a site broker
got is then matched with its copy on the central one (per topic, in order): what has
none is lost, a copy between two matches came twice, and the difference in arrival times
is the latency the bridge adds.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
import json
import threading
import time
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from iot_lab_sim.brokers import Site
from iot_lab_sim.processes import HOST, HarnessError

from .stats import spread

type Arrivals = list[tuple[float, bytes]]
"""When (wall clock) and what arrived on one topic, in order."""


@dataclass
class Observer:
    """Every board message on each site broker and on the central one, with its time."""

    seen: dict[tuple[str, str, str], Arrivals] = field(
        default_factory=lambda: defaultdict(list)
    )
    """(site, topic as the site names it, "site" or "central") -> arrivals."""
    totals: dict[tuple[str, str], bytes] = field(default_factory=dict)
    """The last totals of each door board on its site broker (never cleared)."""
    lock: threading.Lock = field(default_factory=threading.Lock)
    clients: list[mqtt.Client] = field(default_factory=list)

    def follow(self, port: int, topic: str, site: str | None = None) -> None:
        """Subscribe to `topic` on a site broker (`site`) or the central one (None).

        Arrival times are taken as the message is handed over, in this process.
        """
        name = site or f"central-{topic.partition('/')[0]}"
        client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"observer-{name}")

        def on_message(c: mqtt.Client, userdata: Any, msg: mqtt.MQTTMessage) -> None:
            now = time.time()
            if site is not None and msg.topic.endswith("/counter"):
                with self.lock:
                    self.totals[site, msg.topic] = msg.payload
            if msg.retain:
                return  # Replayed on subscribing: not a message of the window.
            if site is None:  # <site>/iot_lab/...: the site's own topic after it
                name, _, rest = msg.topic.partition("/")
                key = (name, rest, "central")
            else:
                key = (site, msg.topic, "site")
            with self.lock:
                self.seen[key].append((now, msg.payload))

        ready = threading.Event()
        client.on_message = on_message
        client.on_subscribe = lambda *_: ready.set()
        client.on_connect = lambda c, *_: c.subscribe(topic, qos=1)
        client.connect(HOST, port, keepalive=60)
        client.loop_start()
        if not ready.wait(20):
            raise HarnessError(f"the observer could not subscribe on port {port}")
        self.clients.append(client)

    def follow_sites(
        self, sites: list[Site], ports: dict[str, int], central: int
    ) -> None:
        """Each site's board topics on its broker and, under its prefix, on the central.

        One client per site on each side: the same load on both.
        """
        for site in sites:
            self.follow(ports[site.name], "iot_lab/#", site.name)
            self.follow(central, f"{site.base_topic}/#")

    def last_totals(self) -> tuple[int, int]:
        """Entries and exits of every door board's last totals seen on its site."""
        entries = exits = 0
        with self.lock:
            for payload in self.totals.values():
                totals = json.loads(payload)
                entries += int(totals["entries"])
                exits += int(totals["exits"])
        return entries, exits

    def close(self) -> None:
        """Disconnect every client."""
        for client in self.clients:
            client.disconnect()
            client.loop_stop()


def match(
    seen: dict[tuple[str, str, str], Arrivals], until: float, elapsed: float
) -> dict[str, Any]:
    """Each message a site broker got before `until`, found again on the central one."""
    sent = lost = duplicated = 0
    latencies: list[float] = []
    for (site, topic, side), at_site in seen.items():
        if side != "site":
            continue
        at_central = seen.get((site, topic, "central"), [])
        topic_sent, topic_lost, topic_twice = _match_topic(
            at_site, at_central, until, latencies
        )
        sent += topic_sent
        lost += topic_lost
        duplicated += topic_twice
    return {
        "messages_at_sites": sent,
        "messages_per_s": round(sent / elapsed),
        "lost": lost,
        "duplicated": duplicated,
        "latency_ms": {
            "matched": len(latencies),
            **spread(latencies, ("p50", "p95", "p99"), digits=2, suffix=""),
            "max": round(max(latencies), 1),
        },
    }


def _match_topic(
    at_site: Arrivals, at_central: Arrivals, until: float, latencies: list[float]
) -> tuple[int, int, int]:
    """One topic's messages sent, lost and duplicated; each match's latency (ms) added.

    In order (the bridge keeps the order of one topic at QoS 1): the next central
    arrival with the same payload. A site message with none is lost; a central arrival
    skipped between two matches came twice.
    """
    sent = lost = matched = 0
    next_index = first = 0
    for when, payload in at_site:
        if when > until:
            break
        sent += 1
        index = next_index
        # Copies of messages from before the window arrived earlier: skip them.
        while index < len(at_central) and (
            at_central[index][1] != payload or at_central[index][0] < when - 0.5
        ):
            index += 1
        if index == len(at_central):
            lost += 1
            continue
        if not matched:
            first = index
        matched += 1
        latencies.append((at_central[index][0] - when) * 1000)
        next_index = index + 1
    duplicated = next_index - first - matched if matched else 0
    return sent, lost, duplicated
