"""The whole stack on loopback, for `scripts/demo` and the end-to-end tests.

An MQTT broker (Mosquitto, or the embedded amqtt broker), a real Home Assistant on a
configuration generated from `demo/config_template/`, and the board simulator, each one a
child process stopped by its pid (`processes.py`). Home Assistant is set up the way a user
would, through its APIs (`hass_client.py`): the onboarding API creates the owner and the
WebSocket API a long-lived token (`hass_onboarding.py`), config flows add the MQTT and
IoT Lab entries (`hass_entries.py`), and the dashboard is added (`dashboard.py`: a
dashboard on IoT Lab's own strategy, as a user would add it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
import contextlib
from dataclasses import dataclass
import json
import logging
from pathlib import Path
import time
from typing import Any

from .dashboard import save_dashboard
from .hass_boards import wait_for_entities
from .hass_client import HassClient, wait_for_hass
from .hass_config import prepare_config
from .hass_entries import add_entries, csv_counter_webhook
from .hass_onboarding import onboarding_done, owner_token
from .processes import HOST, Service, Stack, free_port, port_is_free

LOGGER = logging.getLogger(__name__)


@dataclass
class Demo:
    """A running stack: the URLs, the token and the API client."""

    url: str
    token: str
    broker_port: int
    dashboard: str
    api: HassClient
    hass: Service
    simulator: Service | None
    iot_lab_entry: str = "existing"
    """How the IoT Lab entry was added: "discovery", "user" or "existing"."""


def expected_unique_ids(count: int) -> list[str]:
    """Unique ids that `count` boards of each kind give (a sample per board kind)."""
    ids: list[str] = []
    for index in range(1, count + 1):
        ids += [
            f"lab-{index}_light_level",
            f"lab-{index}_led",
            f"lab-{index}_oled",
            f"climate-{index}_temperature",
            f"climate-{index}_humidity",
            f"door-{index}_occupancy",
        ]
    return ids


def run_stack(
    stack: Stack,
    config_dir: Path,
    *,
    keep: bool = False,
    http_port: int | None = None,
    broker_port: int | None = None,
    simulator_options: Sequence[str] = (),
    board_count: int = 1,
    csv_counter: str | None = "ALLI1",
    hass_timeout: float = 240,
    before_boards: Callable[[int], None] | None = None,
) -> Demo:
    """Broker, simulator, Home Assistant, owner, entries, token and dashboard.

    `before_boards(broker port)` runs once the broker is up and before any board connects
    (a test that must see every message the boards send subscribes there).
    """
    http_port, broker_port = _usable_ports(http_port, broker_port)
    kept = prepare_config(config_dir, http_port, keep=keep)
    broker_port = stack.start_broker(broker_port)
    if before_boards is not None:
        before_boards(broker_port)
    # Boards first: their retained announces make IoT Lab discoverable, like in a lab.
    simulator = stack.start_simulator(
        broker_port, "--boards", str(board_count), *simulator_options
    )
    hass, url = _start_hass(stack, config_dir, http_port, hass_timeout)
    api = _owner_client(url, config_dir, kept=kept)
    how = add_entries(api, broker_port, stack.broker)
    LOGGER.info("IoT Lab entry: %s", how)
    wait_for_entities(api, expected_unique_ids(board_count), 60)
    webhooks = _csv_webhooks(api, config_dir, csv_counter, kept=kept)
    for counter_id, webhook_url in webhooks.items():
        _start_csv_counter(
            stack, broker_port, counter_id, webhook_url, simulator_options
        )
    dashboard = save_dashboard(api)
    _write_access_file(config_dir, api, dashboard, broker_port, webhooks)
    return Demo(url, api.token, broker_port, dashboard, api, hass, simulator, how)


def _usable_ports(
    http_port: int | None, broker_port: int | None
) -> tuple[int, int | None]:
    """The ports asked for where free: else a free HTTP port, and any broker port."""
    if http_port is None or not port_is_free(http_port):
        http_port = free_port()
    if broker_port is not None and not port_is_free(broker_port):
        broker_port = None
    return http_port, broker_port


def _start_hass(
    stack: Stack, config_dir: Path, http_port: int, timeout: float
) -> tuple[Service, str]:
    """Home Assistant, once its HTTP server answers: its process and its URL."""
    hass = stack.start_hass(config_dir, http_port)
    url = f"http://{HOST}:{http_port}"
    started = time.monotonic()
    wait_for_hass(url, hass, timeout)
    LOGGER.info("Home Assistant answered after %.0f s", time.monotonic() - started)
    return hass, url


def _owner_client(url: str, config_dir: Path, *, kept: bool) -> HassClient:
    """The API client with the kept run's token (`access.json`), or a new owner's."""
    access_file = config_dir.parent / "access.json"
    token = ""
    if kept and onboarding_done(url) and access_file.exists():
        token = json.loads(access_file.read_text()).get("token", "")
    return HassClient(url, token or owner_token(url, "IoT Lab demo and tests"))


def _csv_webhooks(
    api: HassClient, config_dir: Path, counter_id: str | None, *, kept: bool
) -> dict[str, str]:
    """{counter id: webhook URL} for the CSV counter, if there is one and it got one."""
    if not counter_id:
        return {}
    webhook_url = csv_counter_webhook(api, config_dir, counter_id, kept=kept)
    return {counter_id: webhook_url} if webhook_url else {}


def _start_csv_counter(
    stack: Stack,
    broker_port: int,
    counter_id: str,
    webhook_url: str,
    simulator_options: Sequence[str],
) -> None:
    """The ESP8266 counter that cannot do MQTT: it posts CSV lines to its webhook."""
    stack.start_simulator(
        broker_port,
        "--boards",
        "0",
        "--no-legacy",
        "--webhook",
        f"{counter_id}={webhook_url}",
        *simulator_options,
        name="csv-counter",
    )


def _write_access_file(
    config_dir: Path,
    api: HassClient,
    dashboard: str,
    broker_port: int,
    webhooks: dict[str, str],
) -> None:
    """`access.json`, readable by its owner only: how to reach what the run started."""
    access_file = config_dir.parent / "access.json"
    access_file.write_text(
        json.dumps(
            {
                "url": api.url,
                "token": api.token,
                "dashboard": f"{api.url}{dashboard}",
                "mqtt": f"{HOST}:{broker_port}",
                "csv_webhooks": webhooks,
            },
            indent=2,
        )
        + "\n"
    )
    access_file.chmod(0o600)


def start_new_hass(stack: Stack, config_dir: Path, token_name: str) -> HassClient:
    """A new Home Assistant on a fresh configuration, its owner created: its API client.

    The tests that build a stack of their own (TLS broker, bridged sites) add the
    entries they need themselves.
    """
    http_port = free_port()
    prepare_config(config_dir, http_port)
    hass = stack.start_hass(config_dir, http_port)
    url = f"http://{HOST}:{http_port}"
    wait_for_hass(url, hass, 240)
    return HassClient(url, owner_token(url, token_name))


@contextlib.contextmanager
def running_stack(workdir: Path, **options: Any) -> Iterator[tuple[Stack, Demo]]:
    """`run_stack` in a `with`: every process is stopped on the way out."""
    with Stack(workdir / "logs") as stack:
        demo = run_stack(stack, workdir / "config", **options)
        try:
            yield stack, demo
        finally:
            demo.api.close()
