"""Fixtures for the IoT Lab tests inside a test Home Assistant."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
import json
import os
from pathlib import Path
import subprocess
import sys
from typing import Any
from unittest.mock import PropertyMock, patch

import asyncssh
from homeassistant.components.number import (
    ATTR_VALUE,
    DOMAIN as NUMBER_DOMAIN,
    SERVICE_SET_VALUE,
)
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from hypothesis import HealthCheck, settings, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_mqtt_message,
)

# Imported before any `hass` fixture runs: the test plugin ships its own
# `custom_components` package, which would otherwise shadow ours.
import custom_components.iot_lab  # noqa: F401
from custom_components.iot_lab.const import CONF_BASE_TOPIC, DOMAIN
from tests.certificates import certificate_authority, pem, server_certificate

# Property tests: 2,000 examples per parser in CI, the same ones on every run (derandomized,
# no example database), so a result never depends on the run; HYPOTHESIS_PROFILE=slow
# explores 50,000 fresh random examples each time.
settings.register_profile(
    "ci",
    max_examples=2000,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "slow",
    max_examples=50_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

FIXTURES = Path(__file__).parent.parent / "fixtures"
BASE = "iot_lab"
LIGHT_ID = "lab-1"
CLIMATE_ID = "climate-1"


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=10,
)
"""Any JSON value, for the parsers' property tests."""


async def set_number(hass: HomeAssistant, entity_id: str, value: float) -> None:
    """Set a number entity the way the UI does."""
    await hass.services.async_call(
        NUMBER_DOMAIN,
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: entity_id, ATTR_VALUE: value},
        blocking=True,
    )


def load_fixture(name: str) -> str:
    """Return a payload kept in tests/fixtures."""
    return (FIXTURES / name).read_text().strip()


def fixture_json(name: str) -> dict[str, Any]:
    """Return a JSON payload kept in tests/fixtures, parsed."""
    data: dict[str, Any] = json.loads(load_fixture(name))
    return data


FROZEN_AT = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)
"""Where every test's clock starts: Monday 08:00 in US/Pacific, the test Home Assistant's
time zone, so the library's opening hours and the day's counts begin together."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Freeze the clock of every test before any fixture runs.

    Nothing a test sets up (trackers, midnight roll-over, export timers) may schedule from
    the day the suite happens to run. A test moves the clock with `freezer`, or starts
    elsewhere with its own `@pytest.mark.freeze_time(...)`.
    """
    for item in items:
        if item.get_closest_marker("freeze_time") is None:
            item.add_marker(pytest.mark.freeze_time(FROZEN_AT))
        fixturenames: list[str] = getattr(item, "fixturenames", [])
        if "freezer" in fixturenames:
            fixturenames.remove("freezer")
        fixturenames.insert(0, "freezer")


type Fire = Callable[..., Any]
type SftpServer = tuple[int, Path]
"""Port of a real SFTP server on loopback, and the folder it serves."""


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let the test Home Assistant load custom_components/iot_lab."""


@pytest.fixture
def hass_config_dir(tmp_path: Path) -> str:
    """The test Home Assistant's configuration folder: an empty one of the test's own.

    The test plugin's default is a folder inside its installed package, shared by every
    run: exports and blueprints written there outlived the test, and a later test could
    read them as its own.
    """
    config = tmp_path / "config"
    config.mkdir()
    return str(config)


@pytest.fixture
def expected_lingering_timers() -> bool:
    """Tolerate MQTT's periodic housekeeping timer, as core does for integrations."""
    return True


@pytest.fixture
def entity_registry_enabled_by_default() -> Iterator[None]:
    """Entities off by default (the raw light reading) enabled, as core's tests do."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        return_value=True,
        new_callable=PropertyMock,
    ):
        yield


@pytest.fixture
def config_entry() -> MockConfigEntry:
    """An IoT Lab entry on the default base topic."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=f"IoT Lab ({BASE})",
        data={CONF_BASE_TOPIC: BASE},
        unique_id=BASE,
    )


@pytest.fixture
def fire(hass: HomeAssistant) -> Fire:
    """Deliver an MQTT message under the base topic and let Home Assistant settle."""

    async def _fire(
        board_id: str, channel: str, payload: str | bytes, *, retain: bool = False
    ) -> None:
        async_fire_mqtt_message(
            hass, f"{BASE}/{board_id}/{channel}", payload, 1, retain
        )
        await hass.async_block_till_done()

    return _fire


@pytest.fixture
async def setup_integration(
    hass: HomeAssistant, mqtt_mock: Any, config_entry: MockConfigEntry
) -> MockConfigEntry:
    """Set up MQTT (mocked client) and the IoT Lab entry."""
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    return config_entry


@pytest.fixture
async def light_board(setup_integration: MockConfigEntry, fire: Fire) -> str:
    """A light/LED/OLED board that has announced itself and is online."""
    await fire(LIGHT_ID, "info", load_fixture("info_light_oled.json"), retain=True)
    await fire(LIGHT_ID, "status", "online", retain=True)
    return LIGHT_ID


@pytest.fixture
async def climate_board(setup_integration: MockConfigEntry, fire: Fire) -> str:
    """A DHT11 board that has announced itself and is online."""
    await fire(CLIMATE_ID, "info", load_fixture("info_climate.json"), retain=True)
    await fire(CLIMATE_ID, "status", "online", retain=True)
    return CLIMATE_ID


class _SftpAuth(asyncssh.SSHServer):
    """Accepts user `library` with password `s3cret` only."""

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        return username == "library" and password == "s3cret"


class _RecordingSftp(asyncssh.SFTPServer):
    """Serves a folder and notes each file opened for writing (a file stored)."""

    def __init__(
        self, channel: asyncssh.SSHServerChannel[bytes], root: Path, stored: list[str]
    ) -> None:
        super().__init__(channel, chroot=str(root))
        self._stored = stored

    def open(self, path: bytes, pflags: int, attrs: asyncssh.SFTPAttrs) -> object:
        if pflags & asyncssh.FXF_WRITE:
            self._stored.append(path.decode())
        return super().open(path, pflags, attrs)


@pytest.fixture
def sftp_stored() -> list[str]:
    """Each file the `sftp_server` was sent, as the client named it, in order."""
    return []


@pytest.fixture
async def sftp_server(
    tmp_path: Path, socket_enabled: None, sftp_stored: list[str]
) -> AsyncIterator[SftpServer]:
    """A real SFTP server on loopback, rooted in a temporary folder."""
    root = tmp_path / "sftp-root"
    root.mkdir()
    server = await asyncssh.listen(
        "127.0.0.1",
        0,
        server_host_keys=[asyncssh.generate_private_key("ssh-ed25519")],
        server_factory=_SftpAuth,
        sftp_factory=lambda channel: _RecordingSftp(channel, root, sftp_stored),
    )
    port = server.sockets[0].getsockname()[1]
    yield port, root
    server.close()
    await server.wait_closed()


FTPS_SERVER = Path(__file__).with_name("ftps_server.py")


@dataclass(frozen=True)
class FtpsServer:
    """A real FTPS server on loopback (explicit TLS, protected data channel required)."""

    port: int
    root: Path
    ca: str
    """PEM of the CA that signed the server's certificate."""
    other_ca: str
    """PEM of a CA that signed nothing of this server's."""
    log: Path
    """One line per file the server received, its path under `root`."""

    def stored(self) -> list[str]:
        """The files received so far, in order."""
        return self.log.read_text().splitlines() if self.log.exists() else []


@pytest.fixture
def ftps_server(tmp_path: Path, socket_enabled: None) -> Iterator[FtpsServer]:
    """User `library`, password `s3cret`; certificates made here for the test."""
    ca_key, ca = certificate_authority("IoT Lab test CA")
    _, other_ca = certificate_authority("Some other CA")
    cert_pem, key_pem = server_certificate(ca_key, ca, "127.0.0.1")
    (tmp_path / "server.pem").write_bytes(cert_pem + key_pem)
    root = tmp_path / "ftps-root"
    root.mkdir()
    log = tmp_path / "ftps-stored.log"
    process = subprocess.Popen(
        [
            sys.executable,
            str(FTPS_SERVER),
            str(root),
            str(tmp_path / "server.pem"),
            str(log),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        yield FtpsServer(
            port=port,
            root=root,
            ca=pem(ca).decode(),
            other_ca=pem(other_ca).decode(),
            log=log,
        )
    finally:
        process.kill()
        process.wait(10)
