"""Constants shared by the IoT Lab integration."""

from __future__ import annotations

import logging
from typing import Final

from homeassistant.const import Platform

DOMAIN: Final = "iot_lab"
LOGGER: Final = logging.getLogger(__package__)

CONF_BASE_TOPIC: Final = "base_topic"
MANUFACTURER: Final = "IoT Lab"

PLATFORMS: Final = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.EVENT,
    Platform.NUMBER,
    Platform.SENSOR,
    Platform.SWITCH,
    Platform.TEXT,
]

SIGNAL_BOARD_ANNOUNCED: Final = "iot_lab_board_announced_{}"
"""Dispatcher signal (formatted with the entry id) carrying a `Board` to add entities for."""

MAX_PENDING_BOARDS: Final = 1000
"""Boards heard from but not yet announced that are kept in memory at most."""
