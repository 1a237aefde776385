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
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
    Platform.TEXT,
    Platform.UPDATE,
]

SIGNAL_BOARD_ANNOUNCED: Final = "iot_lab_board_announced_{}"
"""Dispatcher signal (formatted with the entry id) carrying a `Board` to add entities for."""

MAX_PENDING_BOARDS: Final = 1000
"""Boards heard from but not yet announced that are kept in memory at most."""

# Options (set in the options flow).
CONF_LEGACY: Final = "legacy"
CONF_LEGACY_TOPICS: Final = "legacy_topics"
CONF_OPENING: Final = "opening_time"
CONF_CLOSING: Final = "closing_time"
CONF_DAY_START: Final = "day_start"
"""When today's figures start over: midnight, or a time of day."""
CONF_OCCUPANCY_RESET: Final = "occupancy_reset"
"""What occupancy does when a day ends (door.OccupancyReset)."""
CONF_AUTO_EXPORT: Final = "auto_export"
CONF_WEBHOOK_LOCAL_ONLY: Final = "webhook_local_only"
CONF_OFFLINE_GRACE: Final = "offline_grace"
"""Minutes a board may stay offline before the offline alert opens."""
CONF_SILENCE: Final = "silence"
"""Minutes a board with no status topic may stay silent before it counts as away, by
kind of board (`legacy.Silent`)."""
CONF_CSV_COUNTERS: Final = "csv_counters"
"""Counter id -> webhook id of each HTTP (CSV) door counter."""
CONF_SFTP: Final = "sftp"
CONF_PRIVATE_KEY: Final = "private_key"
CONF_REMOTE_DIR: Final = "remote_dir"
CONF_PROTOCOL: Final = "protocol"
CONF_CA_CERTIFICATE: Final = "ca_certificate"
CONF_HOST_KEY: Final = "host_key"
CONF_CSV_IDENTITIES: Final = "csv_identities"
CONF_BRIDGE_TOPICS: Final = "bridge_topics"
CONF_BRIDGE_BOARDS: Final = "bridge_boards"
CONF_BRIDGES: Final = "bridges"
"""Bridges of site brokers to Home Assistant's broker: each one's notification topic
(where it says whether it is connected) and the ids of the boards behind it, none for
every board not listed under another bridge. No bridge: boards reach the broker itself."""

DEFAULT_OFFLINE_GRACE: Final = 2
DEFAULT_OPENING: Final = "08:00:00"
DEFAULT_CLOSING: Final = "19:00:00"
DEFAULT_DAY_START: Final = "00:00:00"

ALERT_EVENT: Final = "iot_lab_alert"
"""Fired each time an alert opens or resolves."""

SERVICE_EXPORT_COUNTS: Final = "export_counts"
ATTR_DATE: Final = "date"
EXPORT_FOLDER: Final = ("iot_lab", "exports")
