"""Two sites (base topics) in one Home Assistant, and the registry migrations to get there."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_mqtt_message,
)

from custom_components.iot_lab.const import CONF_BASE_TOPIC, CONF_CSV_COUNTERS, DOMAIN

from .conftest import load_fixture

# These tests read the raw light reading, off by default.
pytestmark = pytest.mark.usefixtures("entity_registry_enabled_by_default")

LIGHT_INFO = load_fixture("info_light_oled.json")
CLIMATE_INFO = load_fixture("info_climate.json").replace("climate-1", "lab-1")


def _entry(
    base_topic: str, version: int = 2, options: dict[str, Any] | None = None
) -> MockConfigEntry:
    return MockConfigEntry(
        domain=DOMAIN,
        title=f"IoT Lab ({base_topic})",
        data={CONF_BASE_TOPIC: base_topic},
        options=options or {},
        unique_id=base_topic,
        version=version,
    )


async def _setup(hass: HomeAssistant, *entries: MockConfigEntry) -> None:
    """Set up the integration: loading it sets up every entry added so far."""
    for entry in entries:
        if entry.entry_id not in {
            e.entry_id for e in hass.config_entries.async_entries()
        }:
            entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entries[0].entry_id)
    await hass.async_block_till_done()
    for entry in entries:
        assert entry.state is ConfigEntryState.LOADED


async def _announce(
    hass: HomeAssistant, base: str, info: str = LIGHT_INFO, board: str = "lab-1"
) -> None:
    async_fire_mqtt_message(hass, f"{base}/{board}/info", info, 1, True)
    async_fire_mqtt_message(hass, f"{base}/{board}/status", "online", 1, True)
    await hass.async_block_till_done()


def _device(hass: HomeAssistant, base: str, board: str = "lab-1") -> dr.DeviceEntry:
    (device,) = dr.async_get(hass).async_get_devices(
        identifiers={(DOMAIN, f"{base}/{board}")}
    )
    return device


def _unique_ids(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, str]:
    return {
        entity.unique_id: entity.entity_id
        for entity in er.async_entries_for_config_entry(
            er.async_get(hass), entry.entry_id
        )
    }


async def test_two_sites_with_the_same_board_id_stay_apart(
    hass: HomeAssistant, mqtt_mock: Any
) -> None:
    site_a, site_b = _entry("site_a"), _entry("site_b")
    await _setup(hass, site_a, site_b)
    await _announce(hass, "site_a")
    await _announce(hass, "site_b")
    device_a, device_b = _device(hass, "site_a"), _device(hass, "site_b")
    assert device_a.id != device_b.id
    assert device_a.config_entry_id == site_a.entry_id
    assert device_b.config_entry_id == site_b.entry_id
    ids_a, ids_b = _unique_ids(hass, site_a), _unique_ids(hass, site_b)
    assert len(ids_a) == len(ids_b) == 10
    assert ids_a["site_a/lab-1_light_raw"] == "sensor.lab_bench_1_light_raw"
    assert ids_b["site_b/lab-1_light_raw"] == "sensor.lab_bench_1_light_raw_2"
    # A reading of one site moves that site's entity only.
    async_fire_mqtt_message(hass, "site_b/lab-1/light", "1234")
    await hass.async_block_till_done()
    assert hass.states.get("sensor.lab_bench_1_light_raw_2").state == "1234"
    assert hass.states.get("sensor.lab_bench_1_light_raw").state == "unknown"


async def test_removing_one_sites_board_or_entry_leaves_the_other_alone(
    hass: HomeAssistant, mqtt_mock: Any, hass_ws_client: Any
) -> None:
    site_a, site_b = _entry("site_a"), _entry("site_b")
    await _setup(hass, site_a, site_b)
    await _announce(hass, "site_a")
    await _announce(hass, "site_b")
    device_b = _device(hass, "site_b")
    mqtt_mock.async_publish.reset_mock()
    assert await async_setup_component(hass, "config", {})
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {
            "type": "config/device_registry/remove_config_entry",
            "config_entry_id": site_b.entry_id,
            "device_id": device_b.id,
        }
    )
    assert (await client.receive_json())["success"]
    await hass.async_block_till_done()
    mqtt_mock.async_publish.assert_called_once_with(
        "site_b/lab-1/info", "", 1, True, message_expiry_interval=None
    )
    assert "lab-1" in site_a.runtime_data.boards
    assert "lab-1" not in site_b.runtime_data.boards
    assert _device(hass, "site_a").config_entry_id == site_a.entry_id

    await _announce(hass, "site_b")
    assert await hass.config_entries.async_remove(site_b.entry_id)
    await hass.async_block_till_done()
    assert _device(hass, "site_a").config_entry_id == site_a.entry_id
    assert len(_unique_ids(hass, site_a)) == 10
    assert not dr.async_get(hass).async_get_devices(
        identifiers={(DOMAIN, "site_b/lab-1")}
    )


def _version_1_registry(
    hass: HomeAssistant, entry: MockConfigEntry, board: str, keys: dict[str, str]
) -> dr.DeviceEntry:
    """Devices and entities as IoT Lab 0.1 (entry version 1) wrote them: bare board ids."""
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, board)},
        manufacturer="IoT Lab",
        name="Lab bench 1",
        serial_number=board,
    )
    for key, entity_id in keys.items():
        domain, object_id = entity_id.split(".")
        er.async_get(hass).async_get_or_create(
            domain,
            DOMAIN,
            f"{board}_{key}",
            config_entry=entry,
            device_id=device.id,
            suggested_object_id=object_id,
        )
    return device


async def test_version_1_registry_keeps_its_entities_and_device(
    hass: HomeAssistant, mqtt_mock: Any
) -> None:
    entry = _entry("iot_lab", version=1)
    entry.add_to_hass(hass)
    old_device = _version_1_registry(
        hass,
        entry,
        "lab-1",
        {"light_raw": "sensor.lab_bench_1_light_raw", "led": "switch.lab_bench_1_led"},
    )
    await _setup(hass, entry)
    assert entry.version == 2
    device = _device(hass, "iot_lab")
    assert device.id == old_device.id
    ids = _unique_ids(hass, entry)
    assert ids["iot_lab/lab-1_light_raw"] == "sensor.lab_bench_1_light_raw"
    assert ids["iot_lab/lab-1_led"] == "switch.lab_bench_1_led"
    await _announce(hass, "iot_lab")
    ids = _unique_ids(hass, entry)
    assert len(ids) == 10  # the migrated two are reused, nothing is created twice
    assert not [uid for uid in ids if not uid.startswith("iot_lab/lab-1_")]
    assert hass.states.get("sensor.lab_bench_1_light_raw") is not None
    assert hass.states.get("sensor.lab_bench_1_light_raw_2") is None


async def test_version_1_sites_with_the_same_board_id_are_migrated_apart(
    hass: HomeAssistant, mqtt_mock: Any
) -> None:
    site_a, site_b = _entry("site_a", version=1), _entry("site_b", version=1)
    site_a.add_to_hass(hass)
    site_b.add_to_hass(hass)
    _version_1_registry(
        hass, site_a, "lab-1", {"light_raw": "sensor.lab_bench_1_light_raw"}
    )
    _version_1_registry(
        hass, site_b, "lab-1", {"temperature": "sensor.lab_bench_1_temperature"}
    )
    await _setup(hass, site_a, site_b)
    device_a, device_b = _device(hass, "site_a"), _device(hass, "site_b")
    assert (device_a.config_entry_id, device_b.config_entry_id) == (
        site_a.entry_id,
        site_b.entry_id,
    )
    registry = er.async_get(hass)
    temperature = registry.async_get("sensor.lab_bench_1_temperature")
    assert temperature is not None
    assert (temperature.unique_id, temperature.device_id) == (
        "site_b/lab-1_temperature",
        device_b.id,
    )
    light = registry.async_get("sensor.lab_bench_1_light_raw")
    assert light is not None
    assert (light.unique_id, light.device_id) == ("site_a/lab-1_light_raw", device_a.id)


async def test_reconfigure_moves_every_id_to_the_new_base_topic(
    hass: HomeAssistant, mqtt_mock: Any
) -> None:
    entry = _entry("iot_lab")
    await _setup(hass, entry)
    await _announce(hass, "iot_lab")
    device = _device(hass, "iot_lab")
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_BASE_TOPIC: "lab2"}
    )
    await hass.async_block_till_done()
    assert result["reason"] == "reconfigure_successful"
    assert _device(hass, "lab2").id == device.id
    ids = _unique_ids(hass, entry)
    assert ids["lab2/lab-1_light_raw"] == "sensor.lab_bench_1_light_raw"
    assert all(uid.startswith("lab2/lab-1_") for uid in ids)


async def test_an_entry_of_a_newer_version_is_not_loaded(
    hass: HomeAssistant, mqtt_mock: Any
) -> None:
    entry = _entry("iot_lab", version=3)
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)


async def test_http_counters_of_two_sites_with_the_same_id_stay_apart(
    hass: HomeAssistant, mqtt_mock: Any, hass_client: Any
) -> None:
    """Two sites' HTTP counters named ALLI1: two devices, each counting its own lines."""
    await async_setup_component(hass, "webhook", {})
    site_a = _entry("site_a", options={CONF_CSV_COUNTERS: {"ALLI1": "a" * 16}})
    site_b = _entry("site_b", options={CONF_CSV_COUNTERS: {"ALLI1": "b" * 16}})
    await _setup(hass, site_a, site_b)
    client = await hass_client()
    line = "2024-5-12,14:30:00,{},0,ALLI1,Counter A,RDCentre,Alliance,ALLI"
    for webhook_id, entries in (("a" * 16, 12), ("b" * 16, 7)):
        response = await client.post(
            f"/api/webhook/{webhook_id}", data=line.format(entries)
        )
        assert await response.text() == "counted 1 of 1 lines\n"
    registry = er.async_get(hass)
    for base, entries in (("site_a", 12), ("site_b", 7)):
        device = _device(hass, base, "csv-alli1")
        entity_id = registry.async_get_entity_id(
            "sensor", DOMAIN, f"{base}/csv-alli1_lifetime_entries"
        )
        assert entity_id is not None
        assert registry.async_get(entity_id).device_id == device.id
        assert hass.states.get(entity_id).state == str(entries)
