"""Light calibration points: change the level, survive a restart."""

from __future__ import annotations

from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    mock_restore_cache_with_extra_data,
)

from .conftest import LIGHT_ID, Fire, load_fixture, set_number

DARK = "number.lab_bench_1_dark_calibration"
BRIGHT = "number.lab_bench_1_bright_calibration"
LEVEL = "sensor.lab_bench_1_light_level"


def _extra(value: float) -> dict[str, float | None]:
    return {
        "native_max_value": 4095.0,
        "native_min_value": 0.0,
        "native_step": 1.0,
        "native_unit_of_measurement": None,
        "native_value": value,
    }


async def test_calibration_changes_level(
    hass: HomeAssistant, light_board: str, fire: Fire
) -> None:
    assert hass.states.get(DARK).state == "0.0"
    assert hass.states.get(BRIGHT).state == "4095.0"
    assert er.async_get(hass).async_get(DARK).entity_category == "config"
    await fire(LIGHT_ID, "light", "1500")
    await set_number(hass, DARK, 1000)
    await set_number(hass, BRIGHT, 2000)
    assert hass.states.get(LEVEL).state == "50.0"
    await fire(LIGHT_ID, "light", "500")
    assert hass.states.get(LEVEL).state == "0.0"
    await fire(LIGHT_ID, "light", "3000")
    assert hass.states.get(LEVEL).state == "100.0"
    # Inverted wiring: more light gives a lower reading.
    await set_number(hass, DARK, 3000)
    await set_number(hass, BRIGHT, 1000)
    await fire(LIGHT_ID, "light", "2500")
    assert hass.states.get(LEVEL).state == "25.0"
    # Equal points give no level rather than a division by zero.
    await set_number(hass, BRIGHT, 3000)
    assert hass.states.get(LEVEL).state == STATE_UNKNOWN


async def test_calibration_restored_after_restart(
    hass: HomeAssistant, mqtt_mock: object, config_entry: MockConfigEntry, fire: Fire
) -> None:
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State(DARK, "100"),
                _extra(100.0),
            ),
            (
                State(BRIGHT, "300"),
                _extra(300.0),
            ),
        ],
    )
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    await fire(LIGHT_ID, "info", load_fixture("info_light_oled.json"), retain=True)
    await fire(LIGHT_ID, "status", "online", retain=True)
    await fire(LIGHT_ID, "light", "250")
    assert hass.states.get(DARK).state == "100.0"
    assert hass.states.get(BRIGHT).state == "300.0"
    assert hass.states.get(LEVEL).state == "75.0"
