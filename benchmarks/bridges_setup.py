"""What the bridges part stands on: the brokers, Home Assistant, the simulated boards.

A central Mosquitto and one per site, bridged over TLS with a password (the recipe of
docs/scaling.md, `iot_lab_sim/brokers.py`); one Home Assistant on the central broker with
an IoT Lab entry per site; one simulator per site with its boards, each board its own
MQTT session, as real ones.
"""

from __future__ import annotations

from pathlib import Path
import time

from iot_lab_sim.brokers import (
    ServerTls,
    Site,
    central_acl,
    central_config,
    site_config,
    write_password_file,
)
from iot_lab_sim.hass_client import HassClient, wait_for_hass
from iot_lab_sim.hass_config import prepare_config
from iot_lab_sim.hass_entries import add_iot_lab_site, add_mqtt_entry
from iot_lab_sim.hass_onboarding import owner_token
from iot_lab_sim.processes import HOST, HarnessError, Service, Stack, free_port
from tests.certificates import write_server_files

BOARD_NAMES = ("lab_bench_", "climate_corner_", "library_entrance_")
"""How the simulator's boards' entity ids start (after the domain)."""


def start_sites(
    stack: Stack, folder: Path, sites: list[Site]
) -> tuple[int, dict[str, Service], dict[str, int]]:
    """The central broker and every site broker; the central port, sites and ports."""
    folder.mkdir(parents=True, exist_ok=True)
    ca, cert, key = write_server_files(folder, HOST)
    passwords, acl = folder / "passwords", folder / "acl"
    write_password_file(passwords, {site.name: site.password for site in sites})
    acl.write_text(central_acl(sites))
    central, tls_port = free_port(), free_port()
    tls = ServerTls(ca, cert, key)
    stack.start_mosquitto(
        "central", central, central_config(central, tls_port, tls, passwords, acl)
    )
    services: dict[str, Service] = {}
    ports: dict[str, int] = {}
    for site in sites:
        ports[site.name] = port = free_port()
        services[site.name] = stack.start_mosquitto(
            f"site-{site.name}", port, site_config(port, site, tls_port, ca)
        )
    return central, services, ports


def start_hass(
    stack: Stack, config_dir: Path, config: str, central: int, sites: list[Site]
) -> tuple[Service, HassClient]:
    """Home Assistant on the central broker, with one IoT Lab entry per site."""
    http_port = free_port()
    prepare_config(config_dir, http_port, configuration=config)
    hass = stack.start_hass(config_dir, http_port)
    url = f"http://{HOST}:{http_port}"
    wait_for_hass(url, hass, 300)
    api = HassClient(url, owner_token(url, "bridge benchmark"))
    add_mqtt_entry(api, central)
    for site in sites:
        add_iot_lab_site(api, site.base_topic, site.notification_topic)
    return hass, api


def start_simulators(
    stack: Stack,
    sites: list[Site],
    ports: dict[str, int],
    boards_per_kind: int,
    speed: float,
) -> list[Service]:
    """One simulator per site broker, `boards_per_kind` boards of each kind."""
    return [
        stack.start_simulator(
            ports[site.name],
            "--boards",
            str(boards_per_kind),
            "--no-legacy",
            "--speed",
            str(speed),
            "--seed",
            str(n),
            "--start",
            "2026-11-23T10:00:00",
            name=f"sim-{site.name}",
        )
        for n, site in enumerate(sites)
    ]


def board_states(api: HassClient) -> dict[str, str]:
    """The state of every entity of a simulated board."""
    return {
        state["entity_id"]: state["state"]
        for state in api.rest("GET", "/api/states")
        if state["entity_id"].partition(".")[2].startswith(BOARD_NAMES)
    }


def wait_available(api: HassClient, expected: int) -> None:
    """Wait until `expected` board entities are available (15 minutes at most)."""
    deadline = time.monotonic() + 900
    while (available := sum(s != "unavailable" for s in board_states(api).values())) < (
        expected
    ):
        if time.monotonic() > deadline:
            raise HarnessError(f"{available} of {expected} entities available")
        time.sleep(2)
