"""Hostile identifiers and payloads never steer a topic, a device or an entity."""

from __future__ import annotations

import json
import re
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_mqtt_message,
)

# These tests read the raw light reading, off by default.
pytestmark = pytest.mark.usefixtures("entity_registry_enabled_by_default")

REFUSED_IDS = [
    "/",
    "a/b",
    "+",
    "a+",
    "#",
    "..",
    "../../etc",
    "lab\x00",
    "lab\n1",
    "lab\x1b[31m",
    "x" * 10_000,
    "ｌａｂ",  # fullwidth letters  # noqa: RUF001
    "l\u0430b",  # Cyrillic a
    "",
    "lab/#",
    "é",
]
"""Refused as board ids and as legacy sensor ids."""
NOT_BOARD_IDS = [*REFUSED_IDS, "LAB-1", "lab 1", "-lab"]
"""Refused as board ids; legacy sensor ids like these are slugified instead."""
SAFE_TOPIC = re.compile(
    r"^(iot_lab/[a-z0-9][a-z0-9_-]{0,31}/(led/set|oled/set|info)|/esp32/input)$"
)
SAFE_NAME = re.compile(r"^[^\x00-\x1f\x7f]{1,64}$")


async def _fire(hass: HomeAssistant, topic: str, payload: str | bytes) -> None:
    async_fire_mqtt_message(hass, topic, payload)
    await hass.async_block_till_done()


async def test_hostile_input_everywhere(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    mqtt_mock: Any,
    hass_client: Any,
) -> None:
    for board_id in NOT_BOARD_IDS:
        info = {"id": board_id, "name": board_id, "caps": ["light", "led", "oled"]}
        for topic_id in (board_id, "lab-9"):
            await _fire(hass, f"iot_lab/{topic_id}/info", json.dumps(info))
            await _fire(hass, f"iot_lab/{topic_id}/light", "100")
    for board_id in REFUSED_IDS:
        await _fire(
            hass,
            "polysource/capteurs",
            json.dumps({"valeur": 1, "idCapteur": board_id, "unite": board_id}),
        )
    # A real board with hostile text in its announce keeps clean names.
    await _fire(
        hass,
        "iot_lab/lab-2/info",
        json.dumps(
            {
                "id": "lab-2",
                "name": "Bench\x00 2\x1b[2J\n",
                "model": "light\toled",
                "fw": "1\x07.0",
                "caps": ["light", "led", "oled", "toaster"],
            }
        ),
    )
    await _fire(hass, "iot_lab/lab-2/status", "online")
    # Oversized and deeply nested payloads on every channel.
    for channel in ("info", "status", "light", "led", "oled", "counter", "passage"):
        await _fire(hass, f"iot_lab/lab-2/{channel}", "9" * 20_000)
        await _fire(hass, f"iot_lab/lab-2/{channel}", "[" * 5000 + "]" * 5000)

    # Drive every command the integration can send.
    for entity in er.async_entries_for_config_entry(
        er.async_get(hass), setup_integration.entry_id
    ):
        if entity.domain == "switch":
            await hass.services.async_call(
                "switch", "turn_on", {"entity_id": entity.entity_id}, blocking=True
            )
        if entity.domain == "text":
            await hass.services.async_call(
                "text",
                "set_value",
                {"entity_id": entity.entity_id, "value": "ok"},
                blocking=True,
            )

    devices = dr.async_entries_for_config_entry(
        dr.async_get(hass), setup_integration.entry_id
    )
    assert {device.serial_number for device in devices} == {"lab-2"}
    device = devices[0]
    assert device.name == "Bench 2[2J"  # control characters gone, text kept
    assert device.model == "lightoled"
    assert device.sw_version == "1.0"
    for device in devices:
        assert SAFE_NAME.match(device.name or ""), device.name
    topics = [call.args[0] for call in mqtt_mock.async_publish.call_args_list]
    assert sorted(topics) == ["iot_lab/lab-2/led/set", "iot_lab/lab-2/oled/set"]
    assert all(SAFE_TOPIC.match(topic) for topic in topics)
    light = er.async_get(hass).async_get_entity_id(
        "sensor", "iot_lab", "iot_lab/lab-2_light_raw"
    )
    assert light is not None
    assert hass.states.get(light).state == "unknown"
