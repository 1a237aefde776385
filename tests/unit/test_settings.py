"""Settings a board keeps: configuration entities showing its echo, changes sent to it."""

from __future__ import annotations

import json
from typing import Any

from homeassistant.components.number import (
    ATTR_VALUE,
    DOMAIN as NUMBER_DOMAIN,
    SERVICE_SET_VALUE,
)
from homeassistant.components.select import (
    ATTR_OPTION,
    DOMAIN as SELECT_DOMAIN,
    SERVICE_SELECT_OPTION,
)
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN, SERVICE_TURN_ON
from homeassistant.const import ATTR_ENTITY_ID, STATE_OFF, STATE_ON, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from .conftest import LIGHT_ID, Fire, load_fixture

DOOR_ID = "door-1"
SWAP = "switch.library_entrance_swap_directions"
GAP = "number.library_entrance_passage_gap"
MOUNTING = "select.library_entrance_beam_height"
LIGHT_DELTA = "number.lab_bench_1_light_send_threshold"


@pytest.fixture
async def door(setup_integration: MockConfigEntry, fire: Fire) -> str:
    """A door counter whose firmware keeps settings, online."""
    await fire(DOOR_ID, "info", load_fixture("info_door_settings.json"), retain=True)
    await fire(DOOR_ID, "status", "online", retain=True)
    return DOOR_ID


def _publish(mqtt_mock: Any, board_id: str, settings: dict[str, Any]) -> None:
    payload = json.dumps(settings, separators=(",", ":"), sort_keys=True)
    mqtt_mock.async_publish.assert_called_once_with(
        f"iot_lab/{board_id}/config/set",
        payload,
        1,
        False,
        message_expiry_interval=None,
    )


async def test_states_are_the_boards_echo(
    hass: HomeAssistant, door: str, fire: Fire
) -> None:
    for entity_id in (SWAP, GAP, MOUNTING):
        assert hass.states.get(entity_id).state == STATE_UNKNOWN
    await fire(DOOR_ID, "config", load_fixture("settings_door.json"), retain=True)
    assert hass.states.get(SWAP).state == STATE_OFF
    assert hass.states.get(GAP).state == "500"
    assert hass.states.get(GAP).attributes["unit_of_measurement"] == "ms"
    assert hass.states.get(MOUNTING).state == "torso"
    registry = er.async_get(hass)
    assert registry.async_get(SWAP).entity_category == "config"


async def test_swap_is_sent_and_shown_once_echoed(
    hass: HomeAssistant, door: str, fire: Fire, mqtt_mock: Any
) -> None:
    await fire(DOOR_ID, "config", load_fixture("settings_door.json"), retain=True)
    mqtt_mock.async_publish.reset_mock()
    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: SWAP}, blocking=True
    )
    _publish(mqtt_mock, DOOR_ID, {"swap": True})
    assert hass.states.get(SWAP).state == STATE_OFF  # never assumed
    await fire(DOOR_ID, "config", '{"swap": true, "gap_ms": 500, "mounting": "torso"}')
    assert hass.states.get(SWAP).state == STATE_ON


async def test_number_and_select_are_sent(
    hass: HomeAssistant, door: str, fire: Fire, mqtt_mock: Any
) -> None:
    await fire(DOOR_ID, "config", load_fixture("settings_door.json"), retain=True)
    mqtt_mock.async_publish.reset_mock()
    await hass.services.async_call(
        NUMBER_DOMAIN,
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: GAP, ATTR_VALUE: 650},
        blocking=True,
    )
    _publish(mqtt_mock, DOOR_ID, {"gap_ms": 650})
    mqtt_mock.async_publish.reset_mock()
    await hass.services.async_call(
        SELECT_DOMAIN,
        SERVICE_SELECT_OPTION,
        {ATTR_ENTITY_ID: MOUNTING, ATTR_OPTION: "legs"},
        blocking=True,
    )
    _publish(mqtt_mock, DOOR_ID, {"mounting": "legs"})


async def test_a_value_the_board_would_refuse_is_not_sent(
    hass: HomeAssistant, door: str, fire: Fire, mqtt_mock: Any
) -> None:
    """A whole-number setting is never rounded: 650.5 ms is refused, not sent as 650."""
    await fire(DOOR_ID, "config", load_fixture("settings_door.json"), retain=True)
    mqtt_mock.async_publish.reset_mock()
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            NUMBER_DOMAIN,
            SERVICE_SET_VALUE,
            {ATTR_ENTITY_ID: GAP, ATTR_VALUE: 650.5},
            blocking=True,
        )
    assert err.value.translation_key == "invalid_setting"
    mqtt_mock.async_publish.assert_not_called()
    assert hass.states.get(GAP).state == "500"


async def test_light_board_settings(
    hass: HomeAssistant, setup_integration: MockConfigEntry, fire: Fire, mqtt_mock: Any
) -> None:
    await fire(LIGHT_ID, "info", load_fixture("info_light_settings.json"), retain=True)
    await fire(LIGHT_ID, "config", load_fixture("settings_light.json"), retain=True)
    assert hass.states.get(LIGHT_DELTA).state == "2.0"
    mqtt_mock.async_publish.reset_mock()
    await hass.services.async_call(
        NUMBER_DOMAIN,
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: LIGHT_DELTA, ATTR_VALUE: 5},
        blocking=True,
    )
    _publish(mqtt_mock, LIGHT_ID, {"light_delta": 5.0})
    # A door counter's settings are not a light board's.
    assert hass.states.get("switch.lab_bench_1_swap_directions") is None


@pytest.mark.parametrize(
    "payload",
    [
        '{"swap": true, "colour": "red"}',
        '{"gap_ms": 5}',
        '{"gap_ms": "500"}',
        '{"mounting": "knees"}',
        '{"swap": 1}',
        "{}",
        "not json",
    ],
)
async def test_a_bad_echo_changes_nothing(
    hass: HomeAssistant,
    door: str,
    fire: Fire,
    caplog: pytest.LogCaptureFixture,
    payload: str,
) -> None:
    await fire(DOOR_ID, "config", load_fixture("settings_door.json"), retain=True)
    await fire(DOOR_ID, "config", payload)
    assert hass.states.get(SWAP).state == STATE_OFF
    assert hass.states.get(GAP).state == "500"
    assert "Dropped config message from board door-1" in caplog.text


async def test_older_firmware_gets_no_settings(
    hass: HomeAssistant, light_board: str
) -> None:
    registry = er.async_get(hass)
    keys = {entry.unique_id.rpartition("_")[2] for entry in registry.entities.values()}
    assert hass.states.get(LIGHT_DELTA) is None
    assert "delta" not in keys
