"""Boards with older firmware that cannot report their connection (no status topic).

The ESP32 photoresistor, the polysource sensors and the HTTP door counters get a "Last
heard" sensor instead of a connectivity sensor stuck on unknown, and their entities go
unavailable after a silence the user sets in the options (default: twice their interval).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import Event, HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_mqtt_message,
    async_fire_time_changed,
)

from custom_components.iot_lab.const import (
    ALERT_EVENT,
    CONF_BASE_TOPIC,
    CONF_CSV_COUNTERS,
    CONF_SILENCE,
    DOMAIN,
)
from custom_components.iot_lab.iot_lab_wire import (
    DEFAULT_SILENCE,
    Silent,
)

from .conftest import FROZEN_AT, load_fixture

ESP32_HEARD = "sensor.esp32_photoresistor_last_heard"
ESP32_LEVEL = "sensor.esp32_photoresistor_light_level"
POLY_HEARD = "sensor.sensor_test_4g_last_heard"
POLY_VALUE = "sensor.sensor_test_4g_value"
COUNTER_HEARD = "sensor.counter_a_last_heard"
COUNTER_OCCUPANCY = "sensor.counter_a_occupancy"
WEBHOOK_ID = "0123456789abcdef"


async def _fire(hass: HomeAssistant, topic: str, payload: str) -> None:
    async_fire_mqtt_message(hass, topic, payload)
    await hass.async_block_till_done()


async def _later(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta
) -> None:
    freezer.tick(delta)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


def _state(hass: HomeAssistant, entity_id: str) -> str:
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


async def test_esp32_last_heard_then_unavailable_after_a_minute_of_silence(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    setup_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await _fire(hass, "esp32/output", "1234")
    assert _state(hass, ESP32_HEARD) == FROZEN_AT.isoformat()
    assert entity_registry.async_get(ESP32_HEARD).entity_category == "diagnostic"
    assert hass.states.get("binary_sensor.esp32_photoresistor_connectivity") is None
    # A reading every 20 s: "Last heard" moves once a minute, the board stays available.
    for _ in range(3):
        await _later(hass, freezer, timedelta(seconds=20))
        await _fire(hass, "esp32/output", "1234")
    assert _state(hass, ESP32_HEARD) == (FROZEN_AT + timedelta(minutes=1)).isoformat()
    assert _state(hass, ESP32_LEVEL) == "30.1"
    # Silent for the default minute: its readings are unavailable, "Last heard" says since.
    await _later(hass, freezer, timedelta(seconds=59))
    assert _state(hass, ESP32_LEVEL) == "30.1"
    await _later(hass, freezer, timedelta(seconds=1))
    assert _state(hass, ESP32_LEVEL) == STATE_UNAVAILABLE
    assert _state(hass, "switch.esp32_photoresistor_led") == STATE_UNAVAILABLE
    assert _state(hass, ESP32_HEARD) == (FROZEN_AT + timedelta(minutes=1)).isoformat()
    assert (
        "Board esp32-output not heard from for 1 min: its entities are unavailable"
        in caplog.text
    )
    # Heard again: available at once, and "Last heard" says now.
    await _fire(hass, "esp32/output", "2000")
    assert _state(hass, ESP32_LEVEL) != STATE_UNAVAILABLE
    assert _state(hass, ESP32_HEARD) == dt_util.utcnow().isoformat()
    assert "Board esp32-output is heard from again" in caplog.text


async def test_a_refused_reading_is_not_a_sign_of_life(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    setup_integration: MockConfigEntry,
) -> None:
    await _fire(hass, "esp32/output", "1234")
    await _later(hass, freezer, timedelta(seconds=50))
    await _fire(hass, "esp32/output", "not a number")
    await _later(hass, freezer, timedelta(seconds=10))
    assert _state(hass, ESP32_LEVEL) == STATE_UNAVAILABLE


async def test_polysource_sensor_silent_for_ten_minutes_then_offline_alert(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    setup_integration: MockConfigEntry,
) -> None:
    alerts: list[Event] = []
    hass.bus.async_listen(ALERT_EVENT, alerts.append)
    await _fire(hass, "polysource/capteurs", load_fixture("legacy_polysource.json"))
    assert _state(hass, POLY_HEARD) == FROZEN_AT.isoformat()
    assert hass.states.get("binary_sensor.sensor_test_4g_connectivity") is None
    await _later(hass, freezer, timedelta(minutes=9, seconds=59))
    assert _state(hass, POLY_VALUE) == "99.9"
    await _later(hass, freezer, timedelta(seconds=1))
    assert _state(hass, POLY_VALUE) == STATE_UNAVAILABLE
    # Away like a board whose last will came: the offline alert after its grace period.
    await _later(hass, freezer, timedelta(minutes=2))
    assert [(e.data["kind"], e.data["state"]) for e in alerts] == [
        ("offline", "opened")
    ]
    await _fire(hass, "polysource/capteurs", load_fixture("legacy_polysource.json"))
    assert [(e.data["kind"], e.data["state"]) for e in alerts][-1] == (
        "offline",
        "resolved",
    )


async def test_dht11_reports_its_connection_and_keeps_connectivity(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    setup_integration: MockConfigEntry,
) -> None:
    await _fire(hass, "dht11/status", load_fixture("legacy_dht11_status_online.json"))
    await _fire(hass, "dht11/sensor/data", load_fixture("legacy_dht11_data.json"))
    assert _state(hass, "binary_sensor.dht11_sensor_connectivity") == "on"
    assert hass.states.get("sensor.dht11_sensor_last_heard") is None
    await _later(hass, freezer, timedelta(hours=2))
    assert _state(hass, "sensor.dht11_sensor_temperature") != STATE_UNAVAILABLE


@pytest.fixture
def config_entry() -> MockConfigEntry:
    """An entry with one HTTP counter, ALLI1."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="IoT Lab (iot_lab)",
        data={CONF_BASE_TOPIC: "iot_lab"},
        options={CONF_CSV_COUNTERS: {"ALLI1": WEBHOOK_ID}},
        unique_id="iot_lab",
        version=2,
    )


async def _post(hass_client: Any) -> None:
    client = await hass_client()
    today = dt_util.now().date()
    line = f"{today.year}-{today.month}-{today.day},08:00:00,3,1,ALLI1,Counter A,,,"
    response = await client.post(f"/api/webhook/{WEBHOOK_ID}", data=line)
    assert response.status == 200


async def test_http_counter_heard_at_each_post_away_after_an_hour(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    setup_integration: MockConfigEntry,
    hass_client: Any,
) -> None:
    await _post(hass_client)
    assert _state(hass, COUNTER_HEARD) == FROZEN_AT.isoformat()
    assert hass.states.get("binary_sensor.counter_a_connectivity") is None
    # Every 30 minutes, the same line again (counted once): still a sign of life.
    await _later(hass, freezer, timedelta(minutes=30))
    await _post(hass_client)
    heard = FROZEN_AT + timedelta(minutes=30)
    assert _state(hass, COUNTER_HEARD) == heard.isoformat()
    await _later(hass, freezer, timedelta(minutes=59))
    assert _state(hass, COUNTER_OCCUPANCY) == "2"
    await _later(hass, freezer, timedelta(minutes=1))
    assert _state(hass, COUNTER_OCCUPANCY) == STATE_UNAVAILABLE
    assert _state(hass, COUNTER_HEARD) == heard.isoformat()


async def test_silence_set_in_the_options(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    setup_integration: MockConfigEntry,
    hass_client: Any,
) -> None:
    entry = setup_integration
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "silence"}
    )
    assert result["step_id"] == "silence"
    assert result["data_schema"]({}) == {
        kind.value: DEFAULT_SILENCE[kind] for kind in Silent
    }
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"esp32": 5, "polysource": 10, "csv_counter": 600.0}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()  # the entry reloads
    assert entry.options[CONF_SILENCE] == {
        "esp32": 5,
        "polysource": 10,
        "csv_counter": 600,
    }
    await _post(hass_client)
    await _later(hass, freezer, timedelta(minutes=599))
    assert _state(hass, COUNTER_OCCUPANCY) == "2"
    await _later(hass, freezer, timedelta(minutes=1))
    assert _state(hass, COUNTER_OCCUPANCY) == STATE_UNAVAILABLE


async def test_connectivity_of_an_earlier_version_is_removed(
    hass: HomeAssistant,
    mqtt_mock: Any,
    config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    config_entry.add_to_hass(hass)
    stale = entity_registry.async_get_or_create(
        "binary_sensor",
        DOMAIN,
        "iot_lab/esp32-output_connectivity",
        config_entry=config_entry,
        suggested_object_id="esp32_photoresistor_connectivity",
    )
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert entity_registry.async_get(stale.entity_id) is not None  # not heard yet
    await _fire(hass, "esp32/output", "1234")
    assert entity_registry.async_get(stale.entity_id) is None
    assert entity_registry.async_get(ESP32_HEARD) is not None


async def test_a_removed_board_falls_silent_quietly(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    setup_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await _fire(hass, "esp32/output", "1234")
    await setup_integration.runtime_data.async_forget_board("esp32-output")
    await _later(hass, freezer, timedelta(minutes=5))
    assert "not heard from" not in caplog.text
