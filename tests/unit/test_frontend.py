"""The dashboard strategy module: served by the integration, loaded by the frontend."""

from __future__ import annotations

import hashlib
from typing import Any

from homeassistant.components.frontend import DATA_EXTRA_MODULE_URL
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.iot_lab.frontend import STRATEGY_URL, build_module


async def test_strategy_is_served_and_loaded_with_its_version(
    hass: HomeAssistant, mqtt_mock: Any, config_entry: MockConfigEntry, hass_client: Any
) -> None:
    assert await async_setup_component(hass, "frontend", {})
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    source = build_module()
    version = hashlib.sha256(source.encode()).hexdigest()[:12]
    assert f"{STRATEGY_URL}?v={version}" in hass.data[DATA_EXTRA_MODULE_URL].urls
    response = await (await hass_client()).get(STRATEGY_URL)
    assert response.status == 200
    assert await response.text() == source
    assert source.startswith("const IOT_LAB = {")
    # A new file, a new URL: browsers keep the module cached until it changes.
    assert "max-age" in response.headers.get("Cache-Control", "")


async def test_without_a_frontend_nothing_is_served(
    hass: HomeAssistant, mqtt_mock: Any, config_entry: MockConfigEntry
) -> None:
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert DATA_EXTRA_MODULE_URL not in hass.data
