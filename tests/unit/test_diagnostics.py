"""Diagnostics: board states, no secrets."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)

from .conftest import LIGHT_ID, Fire


async def test_diagnostics(
    hass: HomeAssistant,
    hass_client: Any,
    setup_integration: MockConfigEntry,
    light_board: str,
    fire: Fire,
) -> None:
    hass.config_entries.async_update_entry(
        setup_integration, options={"password": "hunter2", "opening": "08:00"}
    )
    await fire(LIGHT_ID, "light", "812")
    await fire("ghost", "light", "3")
    result = await get_diagnostics_for_config_entry(
        hass, hass_client, setup_integration
    )
    assert result["entry"]["data"] == {"base_topic": "iot_lab"}
    assert result["entry"]["options"] == {
        "password": "**REDACTED**",
        "opening": "08:00",
    }
    assert "hunter2" not in str(result)
    assert result["broker_connected"] is True
    board = result["boards"][LIGHT_ID]
    assert board["info"]["name"] == "Lab bench 1"
    assert board["info"]["capabilities"] == ["led", "light", "oled"]
    assert board["online"] is True
    assert board["light"] == 812
    assert board["calibration"] == [0.0, 4095.0]
    assert "switch.lab_bench_1_led" not in str(board)
    assert "led" in board["entities"]
    assert result["boards"]["ghost"]["info"] is None


async def test_diagnostics_hold_no_secrets(
    hass: HomeAssistant,
    hass_client: Any,
    setup_integration: MockConfigEntry,
) -> None:
    secrets = {
        "sftp": {
            "host": "sftp.school.example",
            "port": 22,
            "username": "library-bot",
            "password": "hunter2-sftp",
            "private_key": "-----BEGIN OPENSSH PRIVATE KEY-----abc",
            "remote_dir": "counts",
        },
        "csv_counters": {"ALLI1": "f00dfeedcafe0123456789"},
    }
    hass.config_entries.async_update_entry(setup_integration, options=secrets)
    await hass.async_block_till_done()
    result = await get_diagnostics_for_config_entry(
        hass, hass_client, setup_integration
    )
    text = str(result)
    for secret in (
        "sftp.school.example",
        "library-bot",
        "hunter2-sftp",
        "BEGIN OPENSSH",
        "f00dfeedcafe0123456789",
    ):
        assert secret not in text
    assert result["entry"]["options"]["sftp"]["remote_dir"] == "counts"
