"""OLED text: commands published, refused input, state from the echo."""

from __future__ import annotations

from typing import Any

from homeassistant.components.text import (
    ATTR_VALUE,
    DOMAIN as TEXT_DOMAIN,
    SERVICE_SET_VALUE,
)
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest

from .conftest import LIGHT_ID, Fire

OLED = "text.lab_bench_1_oled_text"


async def _set(hass: HomeAssistant, value: str) -> None:
    await hass.services.async_call(
        TEXT_DOMAIN,
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: OLED, ATTR_VALUE: value},
        blocking=True,
    )


async def test_set_text_publishes_and_follows_echo(
    hass: HomeAssistant, light_board: str, mqtt_mock: Any, fire: Fire
) -> None:
    assert hass.states.get(OLED).attributes["max"] == 64
    await _set(hass, "Salut la classe ! ☀")
    mqtt_mock.async_publish.assert_called_once_with(
        "iot_lab/lab-1/oled/set",
        "Salut la classe ! ☀",
        1,
        False,
        message_expiry_interval=None,
    )
    await fire(LIGHT_ID, "oled", "Salut la classe ! ☀")
    assert hass.states.get(OLED).state == "Salut la classe ! ☀"


async def test_64_characters_pass_65_are_refused(
    hass: HomeAssistant, light_board: str, mqtt_mock: Any
) -> None:
    await _set(hass, "é" * 64)
    assert mqtt_mock.async_publish.call_count == 1
    with pytest.raises(ValueError, match="maximum length 64"):
        await _set(hass, "é" * 65)
    assert mqtt_mock.async_publish.call_count == 1


@pytest.mark.parametrize("value", ["line1\nline2", "nul\x00", "bell\x07", "\x1b[2J"])
async def test_control_characters_are_refused(
    hass: HomeAssistant, light_board: str, mqtt_mock: Any, value: str
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await _set(hass, value)
    assert err.value.translation_key == "invalid_oled_text"
    mqtt_mock.async_publish.assert_not_called()
