"""What every benchmark part stands on: a broker, hass set up the user's way, a publisher.

Home Assistant's `state_changed` events, read over its WebSocket API, are the yardstick
of both sides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
import json
import os
from pathlib import Path
import shutil
import subprocess
import sys
import threading
import time
from typing import Any

from websockets.sync.client import connect

from iot_lab_sim.hass_client import HassClient, wait_for_hass
from iot_lab_sim.hass_config import prepare_config
from iot_lab_sim.hass_entries import add_entries
from iot_lab_sim.hass_onboarding import owner_token
from iot_lab_sim.processes import HOST, HarnessError, Service, Stack, free_port

ROOT = Path(__file__).resolve().parent.parent
PUBLISHER = ROOT / "benchmarks" / "publisher.py"
CONFIG = """
homeassistant:
  name: IoT Lab benchmark
  time_zone: UTC
  auth_providers:
    - type: homeassistant
api:
config:
onboarding:
websocket_api:
logger:
  default: warning
"""
KINDS_ENTITIES = {"light": 8, "climate": 9, "counter": 12}
"""Entities with a state per board kind (connectivity, alert limits and alerts, a door's
exits with nobody inside included; the raw light reading, disabled by default, has none).
The publisher's boards are of models not shipped in esphome/ and announce no settings:
no firmware update entity, no settings entities."""


@dataclass
class EventLog:
    """`state_changed` events received over the WebSocket API."""

    events: list[tuple[str, str, float, float]] = field(default_factory=list)
    ready: threading.Event = field(default_factory=threading.Event)
    stop: threading.Event = field(default_factory=threading.Event)

    def listen(self, url: str, token: str) -> None:
        """Subscribe and record (entity id, state, time fired, time received)."""
        with connect(
            url.replace("http", "ws", 1) + "/api/websocket", max_size=None
        ) as ws:
            ws.recv()
            ws.send(json.dumps({"type": "auth", "access_token": token}))
            ws.recv()
            ws.send(
                json.dumps(
                    {"id": 1, "type": "subscribe_events", "event_type": "state_changed"}
                )
            )
            ws.recv()
            self.ready.set()
            while not self.stop.is_set():
                try:
                    raw = ws.recv(timeout=0.5)
                except TimeoutError:
                    continue
                received = time.time()
                event = json.loads(raw)["event"]
                new = event["data"].get("new_state") or {}
                self.events.append(
                    (
                        event["data"]["entity_id"],
                        new.get("state", ""),
                        datetime.fromisoformat(event["time_fired"]).timestamp(),
                        received,
                    )
                )


def drop_warnings(broker: Service) -> int:
    """How often a broker logged dropping messages for a client that fell behind."""
    return broker.log.read_text(errors="replace").count("being dropped")


class Bench:
    """One Home Assistant at a time, set up through onboarding and config flows."""

    def __init__(self, workdir: Path) -> None:
        """Work in `workdir` (git-ignored)."""
        if workdir.exists():
            shutil.rmtree(workdir)
        self.workdir = workdir
        self.stack = Stack(workdir / "logs")
        self.broker_port = self.stack.start_broker()
        self.broker = self.stack.services[-1]
        self.http_port = free_port()
        self.url = f"http://{HOST}:{self.http_port}"
        self.token = ""

    def prepare(
        self, config: Path, extra: str = "", components: tuple[Path, ...] = ()
    ) -> None:
        """A configuration with the MQTT and IoT Lab entries, made the user's way.

        `extra` is added to the configuration (the recorder part adds `recorder:`), and
        the custom integrations in `components` are installed beside IoT Lab.
        """
        prepare_config(config, self.http_port, configuration=CONFIG + extra)
        for component in components:
            shutil.copytree(component, config / "custom_components" / component.name)
        hass = self.start(config)
        self.token = owner_token(self.url, "benchmark")
        api = HassClient(self.url, self.token)
        add_entries(api, self.broker_port, self.stack.broker, discovery_timeout=1)
        api.close()
        time.sleep(5)  # config entries reach storage after a short delay
        hass.stop()
        stored = (config / ".storage" / "core.config_entries").read_text()
        if '"domain":"iot_lab"' not in stored.replace(" ", ""):
            raise HarnessError(f"the IoT Lab entry was not stored in {config}")

    def start(self, config: Path) -> Service:
        """Start hass and wait until its HTTP server answers."""
        hass = self.stack.start_hass(config, self.http_port)
        wait_for_hass(self.url, hass, 300)
        return hass

    def restart_broker(self, max_queued: int = 10000) -> None:
        """A fresh broker on the same port: no retained message left."""
        self.broker.stop()
        self.stack.services.remove(self.broker)
        self.stack.start_broker(self.broker_port, max_queued=max_queued)
        self.broker = self.stack.services[-1]

    def broker_drops(self) -> int:
        """How often Mosquitto has logged dropping messages for a slow subscriber."""
        return drop_warnings(self.broker)

    def publish(self, job: str, *options: str) -> dict[str, Any]:
        """Run the publisher process and return its report."""
        report = self.workdir / f"{job}-{time.time_ns()}.json"
        subprocess.run(
            [
                sys.executable,
                PUBLISHER,
                job,
                "--port",
                str(self.broker_port),
                "--report",
                str(report),
                *options,
            ],
            check=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        result: dict[str, Any] = json.loads(report.read_text())
        return result

    def states(self) -> dict[str, str]:
        """Every entity's state."""
        api = HassClient(self.url, self.token)
        states = {s["entity_id"]: s["state"] for s in api.rest("GET", "/api/states")}
        api.close()
        return states

    def listen(self) -> tuple[EventLog, threading.Thread]:
        """Start the WebSocket listener in a thread."""
        log = EventLog()
        thread = threading.Thread(
            target=log.listen, args=(self.url, self.token), daemon=True
        )
        thread.start()
        if not log.ready.wait(30):
            raise HarnessError("the WebSocket listener did not subscribe")
        return log, thread


def stream_and_drain(
    bench: Bench, topics: list[str], messages: int
) -> tuple[EventLog, dict[str, Any]]:
    """Publish `messages` unpaced, then wait until Home Assistant has caught up.

    The publisher outruns Home Assistant several times over, so Home Assistant works
    flat out through the backlog; its rate is read from the events' own timestamps.
    """
    log, thread = bench.listen()
    sent = bench.publish(
        "stream", "--topics", ",".join(topics), "--total", str(messages)
    )
    drain(log)
    log.stop.set()
    thread.join()
    return log, sent


def processing_rates(log: EventLog, side_of: dict[str, str]) -> dict[str, float]:
    """State changes per second of each side, over the span of its own events."""
    fired: dict[str, list[float]] = {}
    for entity, _, when, _ in log.events:
        if side := side_of.get(entity):
            fired.setdefault(side, []).append(when)
    return {
        side: round((len(times) - 1) / (max(times) - min(times)))
        for side, times in fired.items()
        if len(times) > 1
    }


def drain(log: EventLog, quiet: float = 3.0, limit: float = 300) -> None:
    """Wait until Home Assistant has worked through its backlog (no event for `quiet` s)."""
    deadline = time.monotonic() + limit
    seen = -1
    while time.monotonic() < deadline and seen != len(log.events):
        seen = len(log.events)
        time.sleep(quiet)


def wait_available(bench: Bench, prefix: str, expected: int, timeout: float) -> float:
    """Seconds until `expected` entities starting with a name prefix are available."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        states = bench.states()
        ready = [e for e, s in states.items() if prefix in e and s != "unavailable"]
        if len(ready) >= expected:
            return time.monotonic() - start
        time.sleep(0.25)
    raise HarnessError(
        f"only {len(ready)} of {expected} '{prefix}' entities after {timeout} s"
    )
