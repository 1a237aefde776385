"""One real stack for the end-to-end tests: Mosquitto, Home Assistant, the simulator.

Run without the Home Assistant test plugin (it blocks sockets):
`pytest -p no:homeassistant -p no:cacheprovider tests/e2e`. Logs and screenshots go to
`.e2e/` (git-ignored). Every process is stopped at the end of the session, failure or not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
import json
from pathlib import Path
import shutil
import threading
import time
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
import pytest

from iot_lab_sim.brokers import (
    ServerTls,
    Site,
    central_acl,
    central_config,
    site_config,
    write_password_file,
)
from iot_lab_sim.harness import Demo, running_stack
from iot_lab_sim.processes import (
    HOST,
    MOSQUITTO_CANDIDATES,
    ROOT,
    HarnessError,
    Stack,
    find_program,
    free_port,
    wait_for_port,
)
from tests.certificates import write_server_files

E2E_DIR = ROOT / ".e2e"
SCREENSHOTS = E2E_DIR / "screenshots"


@pytest.fixture(scope="session")
def demo() -> Iterator[Demo]:
    """The whole stack, set up through Home Assistant's own APIs like scripts/demo."""
    workdir = E2E_DIR / "run"
    shutil.rmtree(workdir, ignore_errors=True)
    start = datetime.now().replace(hour=10, minute=0, second=0, microsecond=0)
    with running_stack(
        workdir,
        simulator_options=[
            "--speed",
            "60",
            "--seed",
            "7",
            "--start",
            start.isoformat(),
        ],
        board_count=1,
    ) as (_stack, running):
        yield running


@pytest.fixture(scope="session")
def entities(demo: Demo) -> dict[str, str]:
    """Entity ids by unique id, read from the entity registry."""
    return {
        unique_id: entry["entity_id"]
        for unique_id, entry in demo.api.iot_lab_entities().items()
    }


def wait_until[T](
    read: Callable[[], T], check: Callable[[T], bool], timeout: float = 20
) -> T:
    """Poll `read()` until `check` accepts its value; fail with the last value."""
    deadline = time.monotonic() + timeout
    value = read()
    while not check(value):
        if time.monotonic() > deadline:
            pytest.fail(f"still {value!r} after {timeout} s")
        time.sleep(0.2)
        value = read()
    return value


def wait_state(demo: Demo, entity_id: str, check: Callable[[str], bool]) -> str:
    """Wait for an entity's state to pass `check`."""
    return wait_until(lambda: str(demo.api.state(entity_id)["state"]), check)


def clear_retained(port: int, topic: str) -> None:
    """Delete the broker's retained message on `topic` (an empty retained publish)."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2)
    client.connect(HOST, port)
    client.loop_start()
    try:
        client.publish(topic, b"", qos=1, retain=True).wait_for_publish(10)
    finally:
        client.disconnect()
        client.loop_stop()


def retained(port: int, topic: str, timeout: float = 10) -> str | None:
    """The retained payload on `topic`, as a new subscriber sees it."""
    got: dict[str, str] = {}
    done = threading.Event()

    def on_message(client: mqtt.Client, userdata: Any, msg: mqtt.MQTTMessage) -> None:
        # Exact topic: amqtt 0.12 has been seen handing over other retained messages.
        if msg.retain and msg.topic == topic:
            got["payload"] = msg.payload.decode()
            done.set()

    client = mqtt.Client(CallbackAPIVersion.VERSION2)
    client.on_message = on_message
    client.on_connect = lambda c, *_: c.subscribe(topic, qos=1)
    try:
        client.connect(HOST, port)
    except OSError as err:
        raise HarnessError(f"broker on port {port}: {err}") from err
    client.loop_start()
    try:
        done.wait(timeout)
    finally:
        client.disconnect()
        client.loop_stop()
    return got.get("payload")


def is_number(state: str) -> bool:
    try:
        float(state)
    except ValueError:
        return False
    return True


class CounterTruth:
    """Every passage the door counter has sent, over all of its boots.

    An MQTT client of its own, subscribed for the whole module, that applies the
    contract's rule to every `counter` message it sees: a new boot id starts a new count
    that adds to what the earlier runs counted; a rebooted board that continues its run
    keeps its id.
    It misses nothing that matters: a board publishes its totals after each passage and
    again, retained, on every connect, so the last totals of each boot always arrive.
    """

    def __init__(self, port: int, topic: str) -> None:
        """Follow `topic` on the broker at `port` (reconnecting when it restarts)."""
        self._lock = threading.Lock()
        self._boot: str | None = None
        self._earlier_boots = (0, 0)
        self._current = (0, 0)
        self._client = mqtt.Client(CallbackAPIVersion.VERSION2)
        self._client.on_connect = lambda client, *_: client.subscribe(topic, qos=1)
        self._client.on_message = self._on_message
        self._client.reconnect_delay_set(min_delay=1, max_delay=2)
        self._client.connect_async(HOST, port)
        self._client.loop_start()

    def _on_message(self, client: mqtt.Client, userdata: Any, msg: Any) -> None:
        totals = json.loads(msg.payload)
        current = (int(totals["entries"]), int(totals["exits"]))
        with self._lock:
            restarted = totals["boot"] != self._boot
            if restarted and self._boot is not None:
                self._earlier_boots = (
                    self._earlier_boots[0] + self._current[0],
                    self._earlier_boots[1] + self._current[1],
                )
            self._boot = totals["boot"]
            self._current = current

    def lifetime(self) -> tuple[int, int] | None:
        """Entries and exits over every boot, once the first totals arrived."""
        with self._lock:
            if self._boot is None:
                return None
            return (
                self._earlier_boots[0] + self._current[0],
                self._earlier_boots[1] + self._current[1],
            )

    def close(self) -> None:
        """Disconnect."""
        self._client.disconnect()
        self._client.loop_stop()


def start_bridged_brokers(
    stack: Stack, folder: Path, sites: Iterable[Site]
) -> tuple[int, dict[str, int], dict[str, str]]:
    """The central broker (Home Assistant's listener, the bridges' TLS one), then the
    site brokers bridged to it; returns the central port, and each site's port and
    configuration (to start it again). Skips without Mosquitto and mosquitto_passwd."""
    if find_program(MOSQUITTO_CANDIDATES) is None or not shutil.which(
        "mosquitto_passwd"
    ):
        pytest.skip("Mosquitto (with mosquitto_passwd) is not installed")
    sites = list(sites)
    folder.mkdir(parents=True, exist_ok=True)
    ca, cert, key = write_server_files(folder, HOST)
    passwords, acl = folder / "passwords", folder / "acl"
    write_password_file(passwords, {site.name: site.password for site in sites})
    acl.write_text(central_acl(sites))
    central, tls_port = free_port(), free_port()
    config = central_config(central, tls_port, ServerTls(ca, cert, key), passwords, acl)
    wait_for_port(tls_port, 20, stack.start_mosquitto("central", central, config))
    ports: dict[str, int] = {}
    configs: dict[str, str] = {}
    for site in sites:
        ports[site.name] = port = free_port()
        configs[site.name] = site_config(port, site, tls_port, ca)
        stack.start_mosquitto(f"site-{site.name}", port, configs[site.name])
    return central, ports, configs
