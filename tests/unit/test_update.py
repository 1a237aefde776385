"""Firmware update entities: what a board runs beside the board file shipped."""

from __future__ import annotations

import json
from pathlib import Path
import subprocess
import sys
from typing import Any

from homeassistant.components.update import (
    ATTR_INSTALLED_VERSION,
    ATTR_LATEST_VERSION,
    ATTR_RELEASE_SUMMARY,
)
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import async_fire_mqtt_message

from .conftest import LIGHT_ID, Fire, load_fixture

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = json.loads(
    (ROOT / "custom_components" / "iot_lab" / "firmware.json").read_text()
)
FIRMWARE = "update.lab_bench_1_firmware"


def test_the_shipped_manifest_is_the_repositorys() -> None:
    """firmware.json holds the board files' versions and CHANGELOG's firmware notes."""
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "firmware_manifest.py"), "--check"],
        check=True,
    )


async def test_installed_and_latest(
    hass: HomeAssistant, light_board: str, fire: Fire, hass_ws_client: Any
) -> None:
    state = hass.states.get(FIRMWARE)
    assert state.attributes[ATTR_INSTALLED_VERSION] == "1.0.0"
    latest = MANIFEST["boards"]["light-oled"]["version"]
    assert state.attributes[ATTR_LATEST_VERSION] == latest
    assert "ESPHome Device Builder" in state.attributes[ATTR_RELEASE_SUMMARY]
    assert "esphome/light-oled.yaml" in state.attributes[ATTR_RELEASE_SUMMARY]
    assert state.attributes["supported_features"] == 16  # release notes, no install
    client = await hass_ws_client(hass)
    await client.send_json(
        {"id": 1, "type": "update/release_notes", "entity_id": FIRMWARE}
    )
    notes = (await client.receive_json())["result"]
    assert MANIFEST["notes"] in notes

    reflashed = json.loads(load_fixture("info_light_oled.json")) | {"fw": latest}
    # A live message reaches existing subscribers with its retain flag cleared.
    await fire(LIGHT_ID, "info", json.dumps(reflashed))
    state = hass.states.get(FIRMWARE)
    assert state.attributes[ATTR_INSTALLED_VERSION] == latest
    assert state.state == "off"


async def test_older_firmware_gets_no_update_entity(
    hass: HomeAssistant, setup_integration: Any
) -> None:
    async_fire_mqtt_message(hass, "esp32/output", "1234")
    await hass.async_block_till_done()
    assert hass.states.async_entity_ids("update") == []
