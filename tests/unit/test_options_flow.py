"""Options flow: settings, SFTP server (tested for real), HTTP counters."""

from __future__ import annotations

from typing import Any

from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_mqtt_message,
)

from custom_components.iot_lab.const import (
    CONF_AUTO_EXPORT,
    CONF_CLOSING,
    CONF_CSV_COUNTERS,
    CONF_DAY_START,
    CONF_LEGACY,
    CONF_LEGACY_TOPICS,
    CONF_OCCUPANCY_RESET,
    CONF_OFFLINE_GRACE,
    CONF_OPENING,
    CONF_PRIVATE_KEY,
    CONF_REMOTE_DIR,
    CONF_SFTP,
    CONF_WEBHOOK_LOCAL_ONLY,
)

from .conftest import SftpServer

# These tests read the raw light reading, off by default.
pytestmark = pytest.mark.usefixtures("entity_registry_enabled_by_default")


async def _open(hass: HomeAssistant, entry: MockConfigEntry, step: str) -> Any:
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.MENU
    return await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": step}
    )


async def test_settings(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    result = await _open(hass, setup_integration, "settings")
    assert result["step_id"] == "settings"
    values = {
        CONF_LEGACY: False,
        CONF_OPENING: "09:00:00",
        CONF_CLOSING: "08:00:00",
        CONF_AUTO_EXPORT: True,
        CONF_WEBHOOK_LOCAL_ONLY: True,
        CONF_OFFLINE_GRACE: 5,
        CONF_DAY_START: "04:00:00",
        CONF_OCCUPANCY_RESET: "closing",
    }
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], values
    )
    assert result["errors"] == {CONF_CLOSING: "closing_before_opening"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], values | {CONF_CLOSING: "18:00:00"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert setup_integration.options == values | {CONF_CLOSING: "18:00:00"}


async def test_sftp_settings_are_tried_before_saving(
    hass: HomeAssistant, setup_integration: MockConfigEntry, sftp_server: SftpServer
) -> None:
    port, _ = sftp_server
    base = {CONF_HOST: "127.0.0.1", CONF_PORT: port, CONF_USERNAME: "library"}
    result = await _open(hass, setup_integration, "sftp")
    result = await hass.config_entries.options.async_configure(result["flow_id"], base)
    assert result["errors"] == {"base": "sftp_credentials"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], base | {CONF_PRIVATE_KEY: "not a key"}
    )
    assert result["errors"] == {CONF_PRIVATE_KEY: "invalid_private_key"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], base | {CONF_PASSWORD: "wrong"}
    )
    assert result["errors"] == {"base": "login_refused"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], base | {CONF_PORT: 1, CONF_PASSWORD: "s3cret"}
    )
    assert result["errors"] == {"base": "cannot_connect"}
    good = base | {CONF_PASSWORD: "s3cret", CONF_REMOTE_DIR: "exports"}
    result = await hass.config_entries.options.async_configure(result["flow_id"], good)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    saved = setup_integration.options[CONF_SFTP]
    # The server's host key is trusted from now on.
    assert saved == good | {"protocol": "sftp", "host_key": saved["host_key"]}
    assert saved["host_key"].startswith("ssh-ed25519 ")


async def test_empty_host_turns_upload_off(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    result = await _open(hass, setup_integration, "sftp")
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_PORT: 22}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert setup_integration.options[CONF_SFTP] == {}


async def test_add_then_remove_a_csv_counter(
    hass: HomeAssistant, setup_integration: MockConfigEntry, hass_client: Any
) -> None:
    result = await _open(hass, setup_integration, "add_counter")
    for bad, error in (("../x", "invalid_counter_id"), ("a/b", "invalid_counter_id")):
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], {"counter_id": bad}
        )
        assert result["errors"] == {"counter_id": error}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"counter_id": "ALLI1"}
    )
    assert result["step_id"] == "counter_added"
    url = result["description_placeholders"]["url"]
    assert url.startswith("/api/webhook/") or "/api/webhook/" in url
    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    webhook_id = setup_integration.options[CONF_CSV_COUNTERS]["ALLI1"]
    assert url.endswith(webhook_id)
    client = await hass_client()
    response = await client.post(
        f"/api/webhook/{webhook_id}",
        data="2024-5-12,14:30:00,12,9,ALLI1,Counter A,RDCentre,Alliance,ALLI",
    )
    assert await response.text() == "counted 1 of 1 lines\n"

    result = await _open(hass, setup_integration, "add_counter")
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"counter_id": "ALLI1"}
    )
    assert result["errors"] == {"counter_id": "counter_exists"}

    result = await _open(hass, setup_integration, "remove_counter")
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"counter_id": "ALLI1"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert setup_integration.options[CONF_CSV_COUNTERS] == {}


async def test_menu_hides_removal_without_counters(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    result = await hass.config_entries.options.async_init(setup_integration.entry_id)
    assert result["menu_options"] == [
        "settings",
        "bridge",
        "csv_identity",
        "legacy_topics",
        "silence",
        "sftp",
        "add_counter",
    ]


async def test_legacy_topics_of_boards_built_differently(
    hass: HomeAssistant, setup_integration: MockConfigEntry, mqtt_mock: Any
) -> None:
    """Documented topics by default; changed ones are followed after the reload."""
    result = await _open(hass, setup_integration, "legacy_topics")
    schema = result["data_schema"]({})
    assert schema == {
        "esp32_light": "esp32/output",
        "esp32_led": "/esp32/input",
        "dht11_data": "dht11/sensor/data",
        "dht11_status": "dht11/status",
        "polysource": "polysource/capteurs",
    }
    changed = schema | {"esp32_light": "lab/esp/out", "esp32_led": "lab/esp/in"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], changed | {"dht11_data": "lab/#", "polysource": "lab/esp/in"}
    )
    assert result["errors"] == {
        "dht11_data": "invalid_topic",
        "polysource": "duplicate_topic",
    }
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], changed | {"esp32_light": " lab/esp/out "}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert setup_integration.options[CONF_LEGACY_TOPICS] == changed

    async_fire_mqtt_message(hass, "esp32/output", "1000")  # no longer this board's
    async_fire_mqtt_message(hass, "lab/esp/out", "1234")
    await hass.async_block_till_done()
    assert hass.states.get("sensor.esp32_photoresistor_light_raw").state == "1234"
    mqtt_mock.async_publish.reset_mock()
    await hass.services.async_call(
        "switch",
        "turn_on",
        {"entity_id": "switch.esp32_photoresistor_led"},
        blocking=True,
    )
    mqtt_mock.async_publish.assert_called_once_with(
        "lab/esp/in", "on", 1, False, message_expiry_interval=None
    )
