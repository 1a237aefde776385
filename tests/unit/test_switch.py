"""LED switch: commands published, state from the board's echo."""

from __future__ import annotations

from typing import Any

from homeassistant.components.switch import (
    DOMAIN as SWITCH_DOMAIN,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
)
from homeassistant.const import ATTR_ENTITY_ID, STATE_OFF, STATE_ON, STATE_UNKNOWN
from homeassistant.core import HomeAssistant

from .conftest import LIGHT_ID, Fire

LED = "switch.lab_bench_1_led"


async def test_turn_on_publishes_and_waits_for_echo(
    hass: HomeAssistant, light_board: str, mqtt_mock: Any, fire: Fire
) -> None:
    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: LED}, blocking=True
    )
    mqtt_mock.async_publish.assert_called_once_with(
        "iot_lab/lab-1/led/set", "ON", 1, False, message_expiry_interval=None
    )
    # Not optimistic: the state follows the board.
    assert hass.states.get(LED).state == STATE_UNKNOWN
    await fire(LIGHT_ID, "led", "ON")
    assert hass.states.get(LED).state == STATE_ON


async def test_turn_off_publishes(
    hass: HomeAssistant, light_board: str, mqtt_mock: Any, fire: Fire
) -> None:
    await fire(LIGHT_ID, "led", "ON")
    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: LED}, blocking=True
    )
    mqtt_mock.async_publish.assert_called_once_with(
        "iot_lab/lab-1/led/set", "OFF", 1, False, message_expiry_interval=None
    )
    await fire(LIGHT_ID, "led", "OFF")
    assert hass.states.get(LED).state == STATE_OFF
