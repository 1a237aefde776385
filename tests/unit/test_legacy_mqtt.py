"""Boards with older firmware adopted over MQTT, with the seed payloads."""

from __future__ import annotations

from typing import Any

from homeassistant.components.switch import (
    DOMAIN as SWITCH_DOMAIN,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
)
from homeassistant.const import (
    ATTR_ASSUMED_STATE,
    ATTR_DEVICE_CLASS,
    ATTR_ENTITY_ID,
    ATTR_UNIT_OF_MEASUREMENT,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_mqtt_message,
    mock_restore_cache,
)

from custom_components.iot_lab.const import CONF_BASE_TOPIC, CONF_LEGACY, DOMAIN

from .conftest import load_fixture

# These tests read the raw light reading, off by default.
pytestmark = pytest.mark.usefixtures("entity_registry_enabled_by_default")

LIGHT = "sensor.esp32_photoresistor_light_raw"
LED = "switch.esp32_photoresistor_led"
TEMPERATURE = "sensor.dht11_sensor_temperature"
HUMIDITY = "sensor.dht11_sensor_humidity"
POLY = "sensor.sensor_test_4g_value"


async def _fire(hass: HomeAssistant, topic: str, payload: str | bytes) -> None:
    async_fire_mqtt_message(hass, topic, payload)
    await hass.async_block_till_done()


async def test_esp32_output_light_and_led(
    hass: HomeAssistant, setup_integration: MockConfigEntry, mqtt_mock: Any
) -> None:
    await _fire(hass, "esp32/output", "1234")
    assert hass.states.get(LIGHT).state == "1234"
    assert hass.states.get("sensor.esp32_photoresistor_light_level").state == "30.1"
    led = hass.states.get(LED)
    assert led.attributes[ATTR_ASSUMED_STATE] is True
    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: LED}, blocking=True
    )
    mqtt_mock.async_publish.assert_called_once_with(
        "/esp32/input", "on", 1, False, message_expiry_interval=None
    )
    assert hass.states.get(LED).state == STATE_ON
    mqtt_mock.async_publish.reset_mock()
    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: LED}, blocking=True
    )
    mqtt_mock.async_publish.assert_called_once_with(
        "/esp32/input", "off", 1, False, message_expiry_interval=None
    )
    assert hass.states.get(LED).state == STATE_OFF
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, "iot_lab/esp32-output"), setup_integration.entry_id
    )
    assert device is not None
    assert device.sw_version == "legacy"


async def test_esp32_output_text_is_logged_once_and_dropped(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The original project crashed on a non-numeric payload."""
    await _fire(hass, "esp32/output", "812")
    for payload in ("dark", "nan", "4096", "-3", "", "12,5"):
        await _fire(hass, "esp32/output", payload)
    assert hass.states.get(LIGHT).state == "812"
    assert caplog.text.count("Dropped esp32/output message") == 1


async def test_assumed_led_restores_last_command(
    hass: HomeAssistant, mqtt_mock: Any, config_entry: MockConfigEntry
) -> None:
    mock_restore_cache(hass, [State(LED, STATE_ON)])
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    await _fire(hass, "esp32/output", "100")
    assert hass.states.get(LED).state == STATE_ON


async def test_dht11_data_and_status(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    await _fire(hass, "dht11/sensor/data", load_fixture("legacy_dht11_data.json"))
    assert hass.states.get(TEMPERATURE).state == "25.0"
    assert hass.states.get(HUMIDITY).state == "60.0"
    await _fire(hass, "dht11/status", load_fixture("legacy_dht11_status_offline.json"))
    assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE
    await _fire(hass, "dht11/status", load_fixture("legacy_dht11_status_online.json"))
    await _fire(hass, "dht11/sensor/data", '{"temperature": 26.5}')
    assert hass.states.get(TEMPERATURE).state == "26.5"
    assert hass.states.get(HUMIDITY).state == "60.0"


@pytest.mark.parametrize(
    ("topic", "payload"),
    [
        ("dht11/sensor/data", "{broken"),
        ("dht11/sensor/data", '{"temperature": "hot"}'),
        ("dht11/sensor/data", '{"temperature": 95, "humidity": 60}'),
        ("dht11/sensor/data", '{"humidity": 140}'),
        ("dht11/sensor/data", "{}"),
        ("dht11/sensor/data", "[25, 60]"),
        ("dht11/sensor/data", '{"temperature": true}'),
        ("dht11/status", '{"status": "sleepy"}'),
        ("dht11/status", "online"),
    ],
)
async def test_broken_dht11_payloads_change_nothing(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    topic: str,
    payload: str,
) -> None:
    await _fire(hass, "dht11/sensor/data", load_fixture("legacy_dht11_data.json"))
    await _fire(hass, topic, payload)
    assert hass.states.get(TEMPERATURE).state == "25.0"
    assert hass.states.get(HUMIDITY).state == "60.0"
    assert f"Dropped {topic} message from board dht11-sensor" in caplog.text


async def test_polysource_one_device_per_sensor_id(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    await _fire(hass, "polysource/capteurs", load_fixture("legacy_polysource.json"))
    state = hass.states.get(POLY)
    assert state.state == "99.9"
    assert state.attributes[ATTR_UNIT_OF_MEASUREMENT] == "m"
    assert state.attributes[ATTR_DEVICE_CLASS] == "distance"
    await _fire(
        hass,
        "polysource/capteurs",
        '{"valeur": 21.5, "idCapteur": "salle-B", "unite": "°C"}',
    )
    await _fire(
        hass,
        "polysource/capteurs",
        '{"valeur": 7, "idCapteur": "cuve", "unite": "furlong"}',
    )
    temperature = hass.states.get("sensor.sensor_salle_b_value")
    assert temperature.attributes[ATTR_DEVICE_CLASS] == "temperature"
    assert temperature.attributes[ATTR_UNIT_OF_MEASUREMENT] == "°C"
    unknown = hass.states.get("sensor.sensor_cuve_value")
    assert unknown.attributes[ATTR_UNIT_OF_MEASUREMENT] == "furlong"
    assert ATTR_DEVICE_CLASS not in unknown.attributes
    devices = dr.async_entries_for_config_entry(
        dr.async_get(hass), setup_integration.entry_id
    )
    assert sorted(device.name for device in devices) == [
        "Sensor Test_4G",
        "Sensor cuve",
        "Sensor salle-B",
    ]


@pytest.mark.parametrize(
    "payload",
    [
        '{"valeur": 1, "idCapteur": "../etc", "unite": "m"}',
        '{"valeur": 1, "idCapteur": "a/b", "unite": "m"}',
        '{"valeur": 1, "idCapteur": "a+", "unite": "m"}',
        '{"valeur": 1, "idCapteur": "#", "unite": "m"}',
        '{"valeur": 1, "idCapteur": "x\\u0000", "unite": "m"}',
        '{"valeur": 1, "idCapteur": "' + "x" * 10_000 + '", "unite": "m"}',
        '{"valeur": 1, "idCapteur": "", "unite": "m"}',
        '{"valeur": 1, "idCapteur": 42, "unite": "m"}',
        '{"valeur": "abc", "idCapteur": "ok", "unite": "m"}',
        '{"idCapteur": "ok", "unite": "m"}',
        '{"valeur": 1, "idCapteur": "ok", "unite": "m/s#"}',
    ],
)
async def test_hostile_polysource_payloads_are_refused(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    payload: str,
) -> None:
    await _fire(hass, "polysource/capteurs", payload)
    assert not dr.async_entries_for_config_entry(
        dr.async_get(hass), setup_integration.entry_id
    )
    assert "Dropped polysource/capteurs message" in caplog.text


async def test_polysource_unit_change_is_refused(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await _fire(hass, "polysource/capteurs", load_fixture("legacy_polysource.json"))
    await _fire(
        hass,
        "polysource/capteurs",
        '{"valeur": 5, "idCapteur": "Test_4G", "unite": "cm"}',
    )
    assert hass.states.get(POLY).state == "99.9"
    assert "unit 'cm' differs from 'm'" in caplog.text


async def test_restart_does_not_duplicate_legacy_devices(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    await _fire(hass, "esp32/output", "10")
    await _fire(hass, "polysource/capteurs", load_fixture("legacy_polysource.json"))
    assert await hass.config_entries.async_reload(setup_integration.entry_id)
    await hass.async_block_till_done()
    await _fire(hass, "esp32/output", "11")
    await _fire(hass, "polysource/capteurs", load_fixture("legacy_polysource.json"))
    devices = dr.async_entries_for_config_entry(
        dr.async_get(hass), setup_integration.entry_id
    )
    assert len(devices) == 2
    assert hass.states.get(LIGHT).state == "11"


async def test_legacy_off_in_options(hass: HomeAssistant, mqtt_mock: Any) -> None:
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={CONF_BASE_TOPIC: "iot_lab"},
        options={CONF_LEGACY: False},
        unique_id="iot_lab",
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await _fire(hass, "esp32/output", "10")
    assert hass.states.get(LIGHT) is None


async def test_only_one_entry_adopts_legacy_boards(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    second = MockConfigEntry(
        domain=DOMAIN, data={CONF_BASE_TOPIC: "school"}, unique_id="school"
    )
    second.add_to_hass(hass)
    assert await hass.config_entries.async_setup(second.entry_id)
    await hass.async_block_till_done()
    assert "Legacy boards are already adopted by IoT Lab (iot_lab)" in caplog.text
    await _fire(hass, "esp32/output", "10")
    assert hass.states.get(LIGHT).state == "10"
