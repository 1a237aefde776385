"""Every entity of every board kind, held to a snapshot: a rename shows up as a diff.

One test per platform (Home Assistant's `snapshot_platform` wants one at a time), with a
light/LED/OLED board, a DHT11 board, a door counter and the older firmware's boards,
each announced, online and with one reading. `--snapshot-update` rewrites the files.
"""

from __future__ import annotations

import json
from typing import Any
from unittest.mock import patch

from homeassistant.const import EntityCategory, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_mqtt_message,
    snapshot_platform,
)
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

from custom_components.iot_lab.const import PLATFORMS

from .conftest import BASE, load_fixture


def _renamed(fixture: str, board_id: str) -> str:
    """An announce fixture under another board id and name."""
    info = json.loads(load_fixture(fixture))
    return json.dumps(info | {"id": board_id, "name": f"{info['name']} {board_id}"})


MESSAGES: tuple[tuple[str, str, bool], ...] = (
    (f"{BASE}/lab-1/info", load_fixture("info_light_oled.json"), True),
    (f"{BASE}/lab-1/status", "online", True),
    (f"{BASE}/lab-1/light", "2048", False),
    (f"{BASE}/lab-1/led", "ON", True),
    (f"{BASE}/lab-1/oled", "Hello", True),
    (f"{BASE}/climate-1/info", load_fixture("info_climate.json"), True),
    (f"{BASE}/climate-1/status", "online", True),
    (f"{BASE}/climate-1/temperature", "21.5", False),
    (f"{BASE}/climate-1/humidity", "45", False),
    (f"{BASE}/door-1/info", load_fixture("info_counter.json"), True),
    (f"{BASE}/door-1/status", "online", True),
    (f"{BASE}/door-1/counter", load_fixture("counter_totals.json"), True),
    (f"{BASE}/door-1/passage", "in", False),
    ("esp32/output", "1234", False),
    ("dht11/sensor/data", load_fixture("legacy_dht11_data.json"), False),
    ("dht11/status", load_fixture("legacy_dht11_status_online.json"), True),
    ("polysource/capteurs", load_fixture("legacy_polysource.json"), False),
    # Firmware 1.1.0: the settings the boards keep, as they echo them.
    (f"{BASE}/lab-2/info", _renamed("info_light_settings.json", "lab-2"), True),
    (f"{BASE}/lab-2/config", load_fixture("settings_light.json"), True),
    (f"{BASE}/climate-2/info", load_fixture("info_climate_settings.json"), True),
    (f"{BASE}/climate-2/config", load_fixture("settings_climate.json"), True),
    (f"{BASE}/door-2/info", _renamed("info_door_settings.json", "door-2"), True),
    (f"{BASE}/door-2/config", load_fixture("settings_door.json"), True),
)


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Registry ids and entry ids as <ANY>, as in Home Assistant's own snapshots."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_entities(
    hass: HomeAssistant,
    mqtt_mock: Any,
    config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    platform: Platform,
) -> None:
    config_entry.add_to_hass(hass)
    with patch("custom_components.iot_lab.PLATFORMS", [platform]):
        assert await hass.config_entries.async_setup(config_entry.entry_id)
        await hass.async_block_till_done()
    for topic, payload, retain in MESSAGES:
        async_fire_mqtt_message(hass, topic, payload, 1, retain)
        await hass.async_block_till_done()
    await snapshot_platform(hass, entity_registry, snapshot, config_entry.entry_id)


async def test_raw_light_reading_is_off_by_default(
    hass: HomeAssistant,
    mqtt_mock: Any,
    config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """A diagnostic most users never chart: off, so it writes nothing to the recorder."""
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    for topic, payload, retain in MESSAGES:
        async_fire_mqtt_message(hass, topic, payload, 1, retain)
        await hass.async_block_till_done()
    raw = entity_registry.async_get("sensor.lab_bench_1_light_raw")
    assert raw is not None
    assert raw.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert raw.entity_category is EntityCategory.DIAGNOSTIC
    assert hass.states.get("sensor.lab_bench_1_light_raw") is None
    assert hass.states.get("sensor.lab_bench_1_light_level") is not None
