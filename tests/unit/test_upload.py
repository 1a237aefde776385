"""Uploads of the exports to real servers on loopback: FTPS (explicit TLS) and SFTP.

Each refusal (a wrong password, a certificate of another CA, a changed SFTP host key)
keeps the files and raises the repair issue that says what to do; fixing it sends them.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncssh
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.iot_lab.const import (
    CONF_BASE_TOPIC,
    CONF_CA_CERTIFICATE,
    CONF_HOST_KEY,
    CONF_PROTOCOL,
    CONF_REMOTE_DIR,
    CONF_SFTP,
    DOMAIN,
    SERVICE_EXPORT_COUNTS,
)

from .conftest import Fire, FtpsServer, SftpServer, load_fixture

DOOR = "door-1"


def _server(protocol: str, port: int, **extra: str) -> dict[str, Any]:
    return {
        CONF_PROTOCOL: protocol,
        CONF_HOST: "127.0.0.1",
        CONF_PORT: port,
        CONF_USERNAME: "library",
        CONF_PASSWORD: "s3cret",
        CONF_REMOTE_DIR: "uploads/iot",
        **extra,
    }


async def _entry_with_a_counter(
    hass: HomeAssistant, fire: Fire, server: dict[str, Any]
) -> tuple[MockConfigEntry, str]:
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="IoT Lab (iot_lab)",
        data={CONF_BASE_TOPIC: "iot_lab"},
        options={CONF_SFTP: server},
        unique_id="iot_lab",
        version=2,
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await fire(DOOR, "info", load_fixture("info_counter.json"), retain=True)
    await fire(DOOR, "counter", '{"entries": 5, "exits": 2, "boot": "b1"}')
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, f"iot_lab/{DOOR}"), entry.entry_id
    )
    assert device is not None
    return entry, device.id


async def _export(hass: HomeAssistant, device_id: str) -> Path:
    response = await hass.services.async_call(
        DOMAIN,
        SERVICE_EXPORT_COUNTS,
        {"device_id": device_id, "date": dt_util.now().date().isoformat()},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    return Path(response["files"][0])


def _issue(hass: HomeAssistant, entry: MockConfigEntry) -> str | None:
    issue = ir.async_get(hass).async_get_issue(
        DOMAIN, f"upload_failed_{entry.entry_id}"
    )
    return None if issue is None else issue.translation_key


async def _change_server(
    hass: HomeAssistant, entry: MockConfigEntry, **changes: str
) -> None:
    server = {**entry.options[CONF_SFTP], **changes}
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_SFTP: server}
    )
    await hass.async_block_till_done()


async def test_ftps_upload_over_a_protected_data_channel(
    hass: HomeAssistant, mqtt_mock: Any, fire: Fire, ftps_server: FtpsServer
) -> None:
    server = _server("ftps", ftps_server.port, **{CONF_CA_CERTIFICATE: ftps_server.ca})
    entry, device_id = await _entry_with_a_counter(hass, fire, server)
    local = await _export(hass, device_id)
    uploaded = ftps_server.root / "uploads" / "iot" / local.name
    assert uploaded.read_bytes() == local.read_bytes()
    assert _issue(hass, entry) is None
    assert entry.runtime_data.store.uploads.pending == set()


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({CONF_PASSWORD: "wrong"}, "login_refused"),
        ({CONF_CA_CERTIFICATE: "other"}, "certificate_untrusted"),
        ({CONF_CA_CERTIFICATE: ""}, "certificate_untrusted"),  # the system's CAs
    ],
)
async def test_ftps_refusals_keep_the_files_and_say_why(
    hass: HomeAssistant,
    mqtt_mock: Any,
    fire: Fire,
    ftps_server: FtpsServer,
    change: dict[str, str],
    reason: str,
) -> None:
    if change.get(CONF_CA_CERTIFICATE) == "other":
        change = {CONF_CA_CERTIFICATE: ftps_server.other_ca}
    good = _server("ftps", ftps_server.port, **{CONF_CA_CERTIFICATE: ftps_server.ca})
    entry, device_id = await _entry_with_a_counter(hass, fire, good | change)
    local = await _export(hass, device_id)
    assert _issue(hass, entry) == reason
    assert entry.runtime_data.store.uploads.pending == {str(local)}
    assert not (ftps_server.root / "uploads" / "iot" / local.name).exists()
    # Fixed: the next export sends what was kept and clears the issue.
    await _change_server(hass, entry, **good)
    await _export(hass, device_id)
    assert (ftps_server.root / "uploads" / "iot" / local.name).exists()
    assert _issue(hass, entry) is None
    assert entry.runtime_data.store.uploads.pending == set()


async def test_sftp_host_key_is_pinned_and_a_changed_key_refused(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mqtt_mock: Any,
    fire: Fire,
    sftp_server: SftpServer,
) -> None:
    port, root = sftp_server
    entry, device_id = await _entry_with_a_counter(hass, fire, _server("sftp", port))
    local = await _export(hass, device_id)
    assert (root / "uploads" / "iot" / local.name).exists()
    pinned = entry.options[CONF_SFTP][CONF_HOST_KEY]  # trusted on first use
    assert pinned.startswith("ssh-ed25519 ")
    # Another machine answers on the server's address, with another key.
    other = asyncssh.generate_private_key("ssh-ed25519").export_public_key().decode()
    await _change_server(hass, entry, **{CONF_HOST_KEY: other.strip()})
    (root / "uploads" / "iot" / local.name).unlink()
    freezer.tick(timedelta(minutes=30))  # a period ends: the file changes, to be sent
    await _export(hass, device_id)
    assert _issue(hass, entry) == "host_key_changed"
    assert entry.runtime_data.store.uploads.pending == {str(local)}
    assert not (root / "uploads" / "iot" / local.name).exists()
    # The administrator confirms the server's key: saving the settings again trusts it.
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "sftp"}
    )
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], _server("sftp", port)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.options[CONF_SFTP][CONF_HOST_KEY] == pinned
    await fire(DOOR, "info", load_fixture("info_counter.json"), retain=True)  # reloaded
    await _export(hass, device_id)
    assert _issue(hass, entry) is None
    assert (root / "uploads" / "iot" / local.name).exists()


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({CONF_PASSWORD: "wrong"}, {"base": "login_refused"}),
        ({CONF_CA_CERTIFICATE: "other"}, {"base": "certificate_untrusted"}),
        (
            {CONF_CA_CERTIFICATE: "not a certificate"},
            {CONF_CA_CERTIFICATE: "invalid_ca_certificate"},
        ),
        ({CONF_PORT: 1}, {"base": "cannot_connect"}),
    ],
)
async def test_ftps_settings_are_tried_before_saving(
    hass: HomeAssistant,
    mqtt_mock: Any,
    fire: Fire,
    ftps_server: FtpsServer,
    change: dict[str, Any],
    error: dict[str, str],
) -> None:
    if change.get(CONF_CA_CERTIFICATE) == "other":
        change = {CONF_CA_CERTIFICATE: ftps_server.other_ca}
    entry, _ = await _entry_with_a_counter(hass, fire, {})
    good = _server("ftps", ftps_server.port, **{CONF_CA_CERTIFICATE: ftps_server.ca})
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "sftp"}
    )
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], good | change
    )
    assert result["errors"] == error
    result = await hass.config_entries.options.async_configure(result["flow_id"], good)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.options[CONF_SFTP][CONF_PROTOCOL] == "ftps"
