"""Sensors: light raw and level, temperature, humidity."""

from __future__ import annotations

from homeassistant.components.sensor import (
    ATTR_STATE_CLASS,
    SensorDeviceClass,
    SensorStateClass,
)
from homeassistant.const import (
    ATTR_DEVICE_CLASS,
    ATTR_UNIT_OF_MEASUREMENT,
    EVENT_STATE_CHANGED,
    PERCENTAGE,
    STATE_UNKNOWN,
    UnitOfTemperature,
)
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events

from .conftest import CLIMATE_ID, LIGHT_ID, Fire

# These tests read the raw light reading, off by default.
pytestmark = pytest.mark.usefixtures("entity_registry_enabled_by_default")

RAW = "sensor.lab_bench_1_light_raw"
LEVEL = "sensor.lab_bench_1_light_level"
TEMPERATURE = "sensor.climate_corner_temperature"
HUMIDITY = "sensor.climate_corner_humidity"


async def test_light_reading_and_level(
    hass: HomeAssistant, light_board: str, fire: Fire
) -> None:
    assert hass.states.get(RAW).state == STATE_UNKNOWN
    assert hass.states.get(LEVEL).state == STATE_UNKNOWN
    await fire(LIGHT_ID, "light", "2048")
    raw = hass.states.get(RAW)
    assert raw.state == "2048"
    assert raw.attributes[ATTR_STATE_CLASS] == SensorStateClass.MEASUREMENT
    assert ATTR_UNIT_OF_MEASUREMENT not in raw.attributes
    level = hass.states.get(LEVEL)
    assert level.state == "50.0"
    assert level.attributes[ATTR_UNIT_OF_MEASUREMENT] == PERCENTAGE
    assert level.attributes[ATTR_STATE_CLASS] == SensorStateClass.MEASUREMENT
    await fire(LIGHT_ID, "light", " 4095\n")
    assert hass.states.get(RAW).state == "4095"
    assert hass.states.get(LEVEL).state == "100.0"


async def test_climate_readings(
    hass: HomeAssistant, climate_board: str, fire: Fire
) -> None:
    await fire(CLIMATE_ID, "temperature", "21.5")
    await fire(CLIMATE_ID, "humidity", "48")
    temperature = hass.states.get(TEMPERATURE)
    assert temperature.state == "21.5"
    assert temperature.attributes[ATTR_DEVICE_CLASS] == SensorDeviceClass.TEMPERATURE
    assert temperature.attributes[ATTR_UNIT_OF_MEASUREMENT] == UnitOfTemperature.CELSIUS
    assert temperature.attributes[ATTR_STATE_CLASS] == SensorStateClass.MEASUREMENT
    humidity = hass.states.get(HUMIDITY)
    assert humidity.state == "48.0"
    assert humidity.attributes[ATTR_DEVICE_CLASS] == SensorDeviceClass.HUMIDITY
    assert humidity.attributes[ATTR_UNIT_OF_MEASUREMENT] == PERCENTAGE


@pytest.mark.parametrize(
    ("channel", "payload", "expected"),
    [
        # Outside the DHT11's rated range but physically possible: kept.
        ("temperature", "55", "55.0"),
        ("temperature", "-5", "-5.0"),
        ("humidity", "95", "95.0"),
        ("humidity", "10", "10.0"),
        # Physically impossible: dropped, the last good value stays.
        ("temperature", "80.5", "20.0"),
        ("temperature", "-41", "20.0"),
        ("humidity", "101", "50.0"),
        ("humidity", "-1", "50.0"),
        ("temperature", "hot", "20.0"),
        ("humidity", "", "50.0"),
    ],
)
async def test_climate_range_rules(
    hass: HomeAssistant,
    climate_board: str,
    fire: Fire,
    channel: str,
    payload: str,
    expected: str,
) -> None:
    await fire(CLIMATE_ID, "temperature", "20")
    await fire(CLIMATE_ID, "humidity", "50")
    await fire(CLIMATE_ID, channel, payload)
    assert hass.states.get(f"sensor.climate_corner_{channel}").state == expected


async def test_a_reading_that_says_nothing_new_writes_no_state(
    hass: HomeAssistant, light_board: str, fire: Fire
) -> None:
    """The recorder writes a row per state change: the same reading twice, or a raw
    reading that gives the same level, must not make one."""
    await fire(LIGHT_ID, "light", "2048")
    changes = async_capture_events(hass, EVENT_STATE_CHANGED)
    await fire(LIGHT_ID, "light", "2048")  # a heartbeat with the same value
    assert changes == []
    await fire(LIGHT_ID, "light", "2049")  # a new raw reading, the same level (50.0 %)
    assert [event.data["entity_id"] for event in changes] == [RAW]
