"""IoT Lab: ESP32/ESP8266 lab boards discovered over MQTT."""

from __future__ import annotations

from datetime import time

from homeassistant.components import mqtt
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.typing import ConfigType

from .adopt import async_adopt_legacy
from .const import (
    CONF_BASE_TOPIC,
    CONF_BRIDGES,
    CONF_CLOSING,
    CONF_DAY_START,
    CONF_LEGACY,
    CONF_LEGACY_TOPICS,
    CONF_OCCUPANCY_RESET,
    CONF_OFFLINE_GRACE,
    CONF_SILENCE,
    DEFAULT_CLOSING,
    DEFAULT_DAY_START,
    DEFAULT_OFFLINE_GRACE,
    DOMAIN,
    PLATFORMS,
)
from .door import OccupancyReset, day_rules
from .export_schedule import async_start_auto_export, auto_export_on
from .frontend import async_register_strategy
from .hub import IotLabConfigEntry, IotLabHub
from .iot_lab_wire import (
    LegacyTopics,
    board_id_of_key,
)
from .registry import async_scope_registries
from .services import async_setup_services
from .storage import counters_store
from .webhook import async_register_webhooks

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the service actions and the dashboard strategy, entry or not."""
    async_setup_services(hass)
    await async_register_strategy(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: IotLabConfigEntry) -> bool:
    """Subscribe to the entry's base topic once the platforms can take new boards."""
    if not await mqtt.async_wait_for_mqtt_client(hass):
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN, translation_key="mqtt_unavailable"
        )
    hub = IotLabHub(
        hass,
        entry.entry_id,
        entry.data[CONF_BASE_TOPIC],
        entry.options.get(CONF_OFFLINE_GRACE, DEFAULT_OFFLINE_GRACE),
        LegacyTopics.from_options(entry.options.get(CONF_LEGACY_TOPICS, {})),
        bridges=entry.options.get(CONF_BRIDGES),
        silence=entry.options.get(CONF_SILENCE),
        day=day_rules(
            entry.options.get(CONF_DAY_START, DEFAULT_DAY_START),
            entry.options.get(CONF_OCCUPANCY_RESET, OccupancyReset.DAY_START),
        ),
        closing=time.fromisoformat(entry.options.get(CONF_CLOSING, DEFAULT_CLOSING)),
    )
    entry.runtime_data = hub
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    entry.async_on_unload(hub.async_stop)
    await hub.async_start()
    if entry.options.get(CONF_LEGACY, True):
        await async_adopt_legacy(hass, entry)
    async_register_webhooks(hass, entry)
    if auto_export_on(dict(entry.options)):
        entry.async_on_unload(async_start_auto_export(hass, entry))
    return True


async def async_unload_entry(hass: HomeAssistant, entry: IotLabConfigEntry) -> bool:
    """Unload the platforms and write the counters; subscriptions go with `async_on_unload`."""
    if not await hass.config_entries.async_unload_platforms(entry, PLATFORMS):
        return False
    await entry.runtime_data.store.async_flush()
    return True


async def async_remove_entry(hass: HomeAssistant, entry: IotLabConfigEntry) -> None:
    """Delete the stored counters of a removed entry."""
    await counters_store(hass, entry.entry_id).async_remove()


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: IotLabConfigEntry, device_entry: dr.AnyDeviceEntry
) -> bool:
    """Let a user remove a board; clearing its announce keeps it from coming back."""
    hub = entry.runtime_data
    for domain, key in device_entry.identifiers:
        if domain == DOMAIN and (board_id := board_id_of_key(hub.base_topic, key)):
            await hub.async_forget_board(board_id)
    return True


async def async_migrate_entry(hass: HomeAssistant, entry: IotLabConfigEntry) -> bool:
    """Version 2 scopes device identifiers and unique ids by the base topic."""
    if entry.version > 2:
        return False  # Written by a newer IoT Lab: do not guess.
    if entry.version == 1:
        async_scope_registries(hass, entry, None, entry.data[CONF_BASE_TOPIC])
        hass.config_entries.async_update_entry(entry, version=2)
    return True
