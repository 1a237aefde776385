"""Set-up, devices, availability, bad input, removal and unload."""

from __future__ import annotations

import logging
from typing import Any
from unittest.mock import patch

from homeassistant.components.mqtt.const import MQTT_CONNECTION_STATE
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    EVENT_STATE_CHANGED,
    EVENT_STATE_REPORTED,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
)
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.entity_platform import EntityPlatform
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_mqtt_message,
)

from custom_components.iot_lab.const import DOMAIN, MAX_PENDING_BOARDS
from custom_components.iot_lab.state import Part

from .conftest import BASE, LIGHT_ID, Fire, fixture_json, load_fixture

# These tests read the raw light reading, off by default.
pytestmark = pytest.mark.usefixtures("entity_registry_enabled_by_default")

LIGHT_ENTITIES = {
    "sensor.lab_bench_1_light_raw",
    "sensor.lab_bench_1_light_level",
    "number.lab_bench_1_dark_calibration",
    "number.lab_bench_1_bright_calibration",
    "switch.lab_bench_1_led",
    "text.lab_bench_1_oled_text",
    "binary_sensor.lab_bench_1_connectivity",
    "number.lab_bench_1_light_low_limit",
    "binary_sensor.lab_bench_1_too_dark",
    "update.lab_bench_1_firmware",
}
STAY_AVAILABLE_OFFLINE = {"binary_sensor.lab_bench_1_connectivity"}


def _device(hass: HomeAssistant, entry: MockConfigEntry) -> dr.DeviceEntry | None:
    return dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, f"iot_lab/{LIGHT_ID}"), entry.entry_id
    )


def _entity_ids(hass: HomeAssistant, entry: MockConfigEntry) -> set[str]:
    return {
        entity.entity_id
        for entity in er.async_entries_for_config_entry(
            er.async_get(hass), entry.entry_id
        )
    }


async def test_board_becomes_device_with_entities(
    hass: HomeAssistant, setup_integration: MockConfigEntry, light_board: str
) -> None:
    device = _device(hass, setup_integration)
    assert device is not None
    assert device.name == "Lab bench 1"
    assert device.model == "light-oled"
    assert device.sw_version == "1.0.0"
    assert device.manufacturer == "IoT Lab"
    assert device.serial_number == LIGHT_ID
    assert _entity_ids(hass, setup_integration) == LIGHT_ENTITIES
    entry = er.async_get(hass).async_get("sensor.lab_bench_1_light_raw")
    assert entry is not None
    assert entry.unique_id == f"iot_lab/{LIGHT_ID}_light_raw"
    assert entry.device_id == device.id


async def test_climate_board_gets_only_its_entities(
    hass: HomeAssistant, setup_integration: MockConfigEntry, climate_board: str
) -> None:
    assert _entity_ids(hass, setup_integration) == {
        "sensor.climate_corner_temperature",
        "sensor.climate_corner_humidity",
        "binary_sensor.climate_corner_connectivity",
        "number.climate_corner_temperature_high_limit",
        "number.climate_corner_temperature_low_limit",
        "number.climate_corner_humidity_high_limit",
        "binary_sensor.climate_corner_temperature_too_high",
        "binary_sensor.climate_corner_temperature_too_low",
        "binary_sensor.climate_corner_humidity_too_high",
        "update.climate_corner_firmware",
    }


async def test_reannounce_updates_device_and_adds_new_capabilities(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    light_board: str,
    fire: Fire,
) -> None:
    info = fixture_json("info_light_oled.json") | {
        "name": "Bench 1 (window)",
        "fw": "1.1.0",
        "caps": ["light", "led", "oled", "temperature"],
    }
    await fire(LIGHT_ID, "info", _json(info))
    device = _device(hass, setup_integration)
    assert device is not None
    assert device.name == "Bench 1 (window)"
    assert device.sw_version == "1.1.0"
    ids = _entity_ids(hass, setup_integration)
    assert ids > LIGHT_ENTITIES
    # A temperature sensor, its two limits and their two alerts.
    assert len(ids) == len(LIGHT_ENTITIES) + 5
    assert (
        len(
            dr.async_entries_for_config_entry(
                dr.async_get(hass), setup_integration.entry_id
            )
        )
        == 1
    )


async def test_values_sent_before_the_announce_are_kept(
    hass: HomeAssistant, setup_integration: MockConfigEntry, fire: Fire
) -> None:
    """Retained messages arrive in any order after a restart."""
    await fire(LIGHT_ID, "led", "ON")
    await fire(LIGHT_ID, "oled", "Bonjour")
    await fire(LIGHT_ID, "status", "online")
    assert hass.states.get("switch.lab_bench_1_led") is None
    await fire(LIGHT_ID, "info", load_fixture("info_light_oled.json"))
    assert hass.states.get("switch.lab_bench_1_led").state == STATE_ON
    assert hass.states.get("text.lab_bench_1_oled_text").state == "Bonjour"


async def test_status_drives_availability(
    hass: HomeAssistant, light_board: str, fire: Fire
) -> None:
    await fire(LIGHT_ID, "light", "1000")
    assert hass.states.get("binary_sensor.lab_bench_1_connectivity").state == STATE_ON
    await fire(LIGHT_ID, "status", "offline")
    for entity_id in LIGHT_ENTITIES - STAY_AVAILABLE_OFFLINE:
        assert hass.states.get(entity_id).state == STATE_UNAVAILABLE, entity_id
    assert hass.states.get("binary_sensor.lab_bench_1_connectivity").state == STATE_OFF
    await fire(LIGHT_ID, "status", "online")
    assert hass.states.get("sensor.lab_bench_1_light_raw").state == "1000"


async def test_broker_disconnect_makes_entities_unavailable(
    hass: HomeAssistant, light_board: str
) -> None:
    async_dispatcher_send(hass, MQTT_CONNECTION_STATE, False)
    await hass.async_block_till_done()
    assert hass.states.get("switch.lab_bench_1_led").state == STATE_UNAVAILABLE
    assert (
        hass.states.get("binary_sensor.lab_bench_1_connectivity").state
        == STATE_UNAVAILABLE
    )
    async_dispatcher_send(hass, MQTT_CONNECTION_STATE, True)
    await hass.async_block_till_done()
    assert hass.states.get("switch.lab_bench_1_led").state == STATE_UNKNOWN


async def test_a_first_birth_rewrites_only_the_connectivity(
    hass: HomeAssistant, setup_integration: MockConfigEntry, fire: Fire
) -> None:
    """A thousand boards' births at start-up must not rewrite every entity for nothing."""
    await fire(LIGHT_ID, "info", load_fixture("info_light_oled.json"), retain=True)
    written: list[str] = []

    @callback
    def _record(event: Event[Any]) -> None:
        written.append(event.data["entity_id"])

    hass.bus.async_listen(EVENT_STATE_CHANGED, _record)
    hass.bus.async_listen(
        EVENT_STATE_REPORTED, _record, event_filter=callback(lambda _: True)
    )
    await fire(LIGHT_ID, "status", "online", retain=True)
    assert written == ["binary_sensor.lab_bench_1_connectivity"]
    # Going offline and back changes every entity's availability: all are written.
    for status in ("offline", "online"):
        written.clear()
        await fire(LIGHT_ID, "status", status)
        assert set(written) == LIGHT_ENTITIES, status


async def test_boards_announced_together_are_added_in_one_batch(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    """The retained announces of a site arrive in one burst: one add per platform."""
    info = fixture_json("info_climate.json")
    with patch(
        "homeassistant.helpers.entity_platform.EntityPlatform.async_add_entities",
        autospec=True,
        side_effect=EntityPlatform.async_add_entities,
    ) as add_entities:
        for board in ("climate-1", "climate-2", "climate-3"):
            async_fire_mqtt_message(
                hass, f"{BASE}/{board}/info", _json({**info, "id": board}), 1, True
            )
        await hass.async_block_till_done()
    batches = [len(call.args[1]) for call in add_entities.call_args_list]
    # Firmware, sensors, binary sensors (connectivity, alerts), numbers (limits):
    # 1 + 2 + 3 + 4 each.
    assert sorted(batches) == [3 * 1, 3 * 2, 3 * 3, 3 * 4]
    assert len(_entity_ids(hass, setup_integration)) == 3 * 10


async def test_removed_entities_stop_listening(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    light_board: str,
) -> None:
    board = setup_integration.runtime_data.boards[LIGHT_ID]
    registry = er.async_get(hass)
    registry.async_remove("switch.lab_bench_1_led")
    await hass.async_block_till_done()
    assert not (board._listeners or {}).get(Part.LED)
    assert (board._listeners or {}).get(Part.OLED)  # the OLED text still shows
    assert await hass.config_entries.async_unload(setup_integration.entry_id)
    assert not any((board._listeners or {}).values())


@pytest.mark.parametrize(
    "board_id",
    ["LAB-1", "a+b", "a#b", "-lab", "x" * 33, "lab 1", "lab\u0000", "..", "l\u0430b"],
)
async def test_hostile_board_ids_never_become_devices(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    fire: Fire,
    caplog: pytest.LogCaptureFixture,
    board_id: str,
) -> None:
    info = fixture_json("info_light_oled.json") | {"id": board_id}
    await fire(board_id, "info", _json(info))
    await fire(board_id, "light", "100")
    assert not dr.async_entries_for_config_entry(
        dr.async_get(hass), setup_integration.entry_id
    )
    assert "Dropped topic message" in caplog.text


async def test_announce_id_must_match_topic(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    fire: Fire,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await fire("lab-2", "info", load_fixture("info_light_oled.json"))
    assert not dr.async_entries_for_config_entry(
        dr.async_get(hass), setup_integration.entry_id
    )
    assert "does not match topic id lab-2" in caplog.text


async def test_bad_payloads_are_logged_once_and_dropped(
    hass: HomeAssistant,
    light_board: str,
    fire: Fire,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await fire(LIGHT_ID, "light", "1200")
    caplog.clear()
    caplog.set_level(logging.WARNING)
    for payload in ("dark", "4096", "-1", "12.5", "nan", b"\xff\xfe", "9" * 40):
        await fire(LIGHT_ID, "light", payload)
    assert hass.states.get("sensor.lab_bench_1_light_raw").state == "1200"
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "Dropped light message from board lab-1" in warnings[0].getMessage()
    assert "'dark' is not a number" in warnings[0].getMessage()
    # A good reading re-arms the warning for the next bad episode.
    await fire(LIGHT_ID, "light", "1300")
    await fire(LIGHT_ID, "light", "oops")
    assert hass.states.get("sensor.lab_bench_1_light_raw").state == "1300"
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 2


async def test_oversized_and_broken_messages_change_nothing(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    light_board: str,
    fire: Fire,
) -> None:
    await fire(LIGHT_ID, "oled", "hello")
    await fire(LIGHT_ID, "oled", "x" * 20_000)
    await fire(LIGHT_ID, "oled", "y" * 65)
    await fire(LIGHT_ID, "info", "{not json")
    await fire(LIGHT_ID, "info", "[" * 50 + "]" * 50)
    await fire(LIGHT_ID, "status", "maybe")
    await fire(LIGHT_ID, "led", "on")
    await fire(LIGHT_ID, "unknown/topic", "1")
    assert hass.states.get("text.lab_bench_1_oled_text").state == "hello"
    assert hass.states.get("switch.lab_bench_1_led").state == STATE_UNKNOWN
    device = _device(hass, setup_integration)
    assert device is not None
    assert device.name == "Lab bench 1"


async def test_own_commands_are_not_routed_back(
    hass: HomeAssistant,
    light_board: str,
    fire: Fire,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await fire(LIGHT_ID, "led/set", "ON")
    await fire(LIGHT_ID, "oled/set", "hi")
    assert hass.states.get("switch.lab_bench_1_led").state == STATE_UNKNOWN
    assert "Dropped" not in caplog.text


async def test_pending_boards_are_bounded(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    fire: Fire,
    caplog: pytest.LogCaptureFixture,
) -> None:
    hub = setup_integration.runtime_data
    with patch("custom_components.iot_lab.hub.MAX_PENDING_BOARDS", 3):
        for index in range(5):
            await fire(f"ghost-{index}", "light", "1")
        assert len(hub.boards) == 3
        assert "too many boards heard but not announced" in caplog.text
        await fire(
            "ghost-0",
            "info",
            _json(fixture_json("info_light_oled.json") | {"id": "ghost-0"}),
        )
        await fire("ghost-4", "light", "1")
    assert len(hub.boards) == 4
    assert MAX_PENDING_BOARDS == 1000


async def test_user_removes_device_and_announce_is_cleared(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    light_board: str,
    mqtt_mock: Any,
    hass_ws_client: Any,
    fire: Fire,
) -> None:
    assert await async_setup_component(hass, "config", {})
    device = _device(hass, setup_integration)
    assert device is not None
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {
            "type": "config/device_registry/remove_config_entry",
            "config_entry_id": setup_integration.entry_id,
            "device_id": device.id,
        }
    )
    response = await client.receive_json()
    assert response["success"]
    await hass.async_block_till_done()
    mqtt_mock.async_publish.assert_called_once_with(
        f"{BASE}/{LIGHT_ID}/info", "", 1, True, message_expiry_interval=None
    )
    assert _device(hass, setup_integration) is None
    assert hass.states.get("switch.lab_bench_1_led") is None
    # The board announces again (it rebooted): it comes back with its entities.
    await fire(LIGHT_ID, "info", load_fixture("info_light_oled.json"))
    assert _device(hass, setup_integration) is not None
    assert _entity_ids(hass, setup_integration) == LIGHT_ENTITIES


async def test_cleared_announce_removes_stale_device(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    light_board: str,
    fire: Fire,
) -> None:
    await fire(LIGHT_ID, "info", "")
    assert _device(hass, setup_integration) is None
    assert LIGHT_ID not in setup_integration.runtime_data.boards
    await fire("never-seen", "info", "")


async def test_unload_releases_subscriptions_and_reload_restores(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    light_board: str,
    fire: Fire,
) -> None:
    await fire(LIGHT_ID, "light", "100")
    assert await hass.config_entries.async_unload(setup_integration.entry_id)
    await hass.async_block_till_done()
    assert setup_integration.state is ConfigEntryState.NOT_LOADED
    await fire(LIGHT_ID, "light", "200")
    assert hass.states.get("sensor.lab_bench_1_light_raw").state == STATE_UNAVAILABLE
    assert await hass.config_entries.async_setup(setup_integration.entry_id)
    await hass.async_block_till_done()
    # Retained messages are replayed by the broker on the new subscription.
    await fire(LIGHT_ID, "info", load_fixture("info_light_oled.json"))
    await fire(LIGHT_ID, "status", "online")
    await fire(LIGHT_ID, "light", "300")
    assert hass.states.get("sensor.lab_bench_1_light_raw").state == "300"
    assert len(_entity_ids(hass, setup_integration)) == len(LIGHT_ENTITIES)


async def test_setup_waits_for_mqtt(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    config_entry.add_to_hass(hass)
    with patch(
        "homeassistant.components.mqtt.async_wait_for_mqtt_client", return_value=False
    ):
        assert not await hass.config_entries.async_setup(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.SETUP_RETRY


def _json(data: dict[str, Any]) -> str:
    import json  # noqa: PLC0415

    return json.dumps(data)


async def test_discovery_of_more_boards_does_not_reload_the_entry(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    light_board: str,
    fire: Fire,
) -> None:
    """Each announce also reaches the MQTT discovery flow, which must not reload us."""
    hub = setup_integration.runtime_data
    await fire("climate-1", "info", load_fixture("info_climate.json"), retain=True)
    await fire("door-1", "info", load_fixture("info_counter.json"), retain=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert setup_integration.runtime_data is hub
    assert not hass.config_entries.flow.async_progress()
