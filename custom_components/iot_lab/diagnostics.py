"""Diagnostics for IoT Lab: what each board announced and last sent."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant

from .const import CONF_CSV_COUNTERS, CONF_PRIVATE_KEY
from .hub import IotLabConfigEntry

TO_REDACT = {
    CONF_CSV_COUNTERS,
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PRIVATE_KEY,
    CONF_USERNAME,
    "token",
    "webhook_id",
}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: IotLabConfigEntry
) -> dict[str, Any]:
    """Return the entry settings (secrets redacted) and every board's last state."""
    hub = entry.runtime_data
    return {
        "entry": {
            "data": async_redact_data(dict(entry.data), TO_REDACT),
            "options": async_redact_data(dict(entry.options), TO_REDACT),
        },
        "broker_connected": hub.availability.broker_connected,
        "bridge_up": hub.availability.bridge_up,
        "boards": {
            board.board_id: {
                "info": (
                    {**asdict(board.info), "capabilities": sorted(board.capabilities)}
                    if board.info
                    else None
                ),
                "online": board.status.online,
                "light": board.light.raw,
                "calibration": [board.light.dark, board.light.bright],
                "temperature": board.climate.temperature,
                "humidity": board.climate.humidity,
                "led": board.echo.led,
                "oled": board.echo.oled,
                "counter": asdict(totals) if (totals := board.door.totals) else None,
                "settings": board.settings.values,
                "entities": sorted(board.entity_keys),
            }
            for board in hub.boards.values()
        },
        "day": {"start": hub.day.start.isoformat(), "occupancy": hub.day.occupancy},
    }
