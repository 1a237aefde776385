"""Connects simulated boards to a broker, one MQTT session per board like real ones."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
import logging
import random
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

from .legacy_boards import CsvCounter
from .simulated_board import Publication, SimulatedBoard

LOGGER = logging.getLogger(__package__)
HA_STATUS_TOPIC = "homeassistant/status"
KEEPALIVE = 15
SETTLE_SECONDS = 3.0
"""How long a board waits for its own retained state after connecting (as the firmware)."""


@dataclass(frozen=True, slots=True)
class BrokerSettings:
    """How to reach the broker (a real installation or the demo's own)."""

    host: str = "127.0.0.1"
    port: int = 1883
    username: str | None = None
    password: str | None = None
    tls: bool = False
    ca_file: str | None = None
    insecure: bool = False


class SimClock:
    """Simulated time: starts at `start` and runs `speed` times faster than real time."""

    def __init__(self, start: datetime, speed: float) -> None:
        """Start now."""
        self.start = start
        self.speed = speed
        self._origin = time.monotonic()

    def now(self) -> datetime:
        """The simulated time."""
        return self.start + timedelta(
            seconds=(time.monotonic() - self._origin) * self.speed
        )


class BoardSession:
    """One board's MQTT connection: birth, last will, announce, commands."""

    def __init__(
        self, board: SimulatedBoard, broker: BrokerSettings, lock: threading.Lock
    ) -> None:
        """Prepare the client; `connect` starts it."""
        self.board = board
        self._lock = lock
        self.connected = threading.Event()
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=f"iot-lab-sim-{board.info.board_id}-{random.getrandbits(24):06x}",
            protocol=mqtt.MQTTv311,
        )
        if (will := board.will()) is not None:
            self.client.will_set(will.topic, will.payload, qos=1, retain=will.retain)
        if broker.username:
            self.client.username_pw_set(broker.username, broker.password)
        if broker.tls:
            self.client.tls_set(ca_certs=broker.ca_file, cert_reqs=ssl.CERT_REQUIRED)
            self.client.tls_insecure_set(broker.insecure)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.client.reconnect_delay_set(min_delay=1, max_delay=5)
        self._broker = broker

    def connect(self) -> None:
        """Connect in the background; reconnects by itself."""
        self.client.connect_async(self._broker.host, self._broker.port, KEEPALIVE)
        self.client.loop_start()

    def publish(self, messages: Iterable[Publication]) -> None:
        """Send messages (QoS 1) if connected; readings while offline are lost like on a board."""
        for message in messages:
            self.client.publish(
                message.topic, message.payload, qos=1, retain=message.retain
            )

    def stop(self) -> None:
        """A clean shutdown: say offline, then disconnect."""
        if (will := self.board.will()) is not None and self.connected.is_set():
            self.client.publish(
                will.topic, will.payload, qos=1, retain=True
            ).wait_for_publish(2)
        self.client.disconnect()
        self.client.loop_stop()

    def kill(self) -> None:
        """Vanish without a goodbye (power cut): the broker sends the last will."""
        sock = self.client.socket()
        self.client.loop_stop()
        if isinstance(sock, socket.socket):
            sock.close()

    def _on_connect(
        self,
        client: mqtt.Client,
        userdata: object,
        flags: mqtt.ConnectFlags,
        reason: ReasonCode,
        properties: Properties | None,
    ) -> None:
        if reason.is_failure:
            LOGGER.warning(
                "%s: broker refused the connection: %s",
                self.board.info.board_id,
                reason,
            )
            return
        sock = client.socket()
        if isinstance(sock, socket.socket):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for topic in [*self.board.command_topics, HA_STATUS_TOPIC]:
            client.subscribe(topic, qos=1)
        with self._lock:
            messages = self.board.announce() + self.board.state()
        self.publish(messages)
        self.connected.set()
        timer = threading.Timer(SETTLE_SECONDS, self._settle)
        timer.daemon = True
        timer.start()

    def _on_disconnect(
        self,
        client: mqtt.Client,
        userdata: object,
        flags: mqtt.DisconnectFlags,
        reason: ReasonCode,
        properties: Properties | None,
    ) -> None:
        self.connected.clear()

    def _on_message(
        self, client: mqtt.Client, userdata: object, msg: mqtt.MQTTMessage
    ) -> None:
        try:
            payload = msg.payload.decode("utf-8")
        except UnicodeDecodeError:
            return
        if msg.topic == HA_STATUS_TOPIC:
            if payload == "online":
                # Re-announce after a short random delay, like the firmware.
                delay = random.uniform(1, 5)
                timer = threading.Timer(delay, self._reannounce)
                timer.daemon = True
                timer.start()
            return
        with self._lock:
            echoes = self.board.command(msg.topic, payload)
        if echoes:
            LOGGER.info("%s obeyed %s %r", self.board.info.board_id, msg.topic, payload)
        self.publish(echoes)

    def _settle(self) -> None:
        with self._lock:
            messages = self.board.settle()
        self.publish(messages)

    def _reannounce(self) -> None:
        with self._lock:
            messages = self.board.announce() + self.board.state()
        self.publish(messages)


class Simulator:
    """Runs boards against a broker, and CSV counters against webhooks."""

    def __init__(
        self,
        boards: list[SimulatedBoard],
        broker: BrokerSettings,
        clock: SimClock,
        csv_counters: Iterable[tuple[CsvCounter, str]] = (),
        tick: float = 1.0,
    ) -> None:
        """Prepare one session per board; nothing connects before `start`."""
        self._lock = threading.Lock()
        self.sessions = {
            board.info.board_id: BoardSession(board, broker, self._lock)
            for board in boards
        }
        self.csv_counters = list(csv_counters)
        self.clock = clock
        self.tick = tick
        self.stopped = threading.Event()

    def start(self) -> None:
        """Connect every board."""
        for session in self.sessions.values():
            session.connect()

    def wait_connected(self, timeout: float) -> bool:
        """Wait until every board is connected, or until asked to stop."""
        deadline = time.monotonic() + timeout
        while not self.stopped.is_set() and time.monotonic() < deadline:
            if all(session.connected.is_set() for session in self.sessions.values()):
                return True
            self.stopped.wait(0.1)
        return all(session.connected.is_set() for session in self.sessions.values())

    def step(self) -> None:
        """Publish what is due at the simulated time, and post due CSV lines."""
        now = self.clock.now()
        for session in self.sessions.values():
            if not session.connected.is_set():
                continue
            with self._lock:
                messages = session.board.due(now)
            session.publish(messages)
        for counter, url in self.csv_counters:
            for line in counter.due(now):
                post_csv(url, line)

    def run(self, duration: float | None = None) -> None:
        """Step until stopped (or for `duration` real seconds)."""
        end = None if duration is None else time.monotonic() + duration
        while not self.stopped.is_set() and (end is None or time.monotonic() < end):
            self.step()
            self.stopped.wait(self.tick)

    def stop(self) -> None:
        """Say offline and disconnect every board."""
        self.stopped.set()
        for session in self.sessions.values():
            session.stop()


def post_csv(url: str, line: str) -> bool:
    """POST one CSV line like the ESP8266 counter; log and carry on when refused."""
    request = urllib.request.Request(
        url, data=line.encode(), headers={"Content-Type": "text/plain"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            LOGGER.debug("CSV %s -> %s", line, response.read().decode().strip())
            return True
    except (urllib.error.URLError, OSError) as err:
        LOGGER.warning("CSV post to %s failed: %s", url, err)
        return False
