"""Board identity in Home Assistant's registries, and its migrations.

A board is `<base topic>/<board id>` in the device registry, and its entities' unique ids
start with that: two sites (entries) may both have a `lab-1`. Version 1 entries used the
bare board id; a reconfigured base topic moves every id of the entry along.
"""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er

from .const import DOMAIN, LOGGER


@callback
def async_scope_registries(
    hass: HomeAssistant, entry: ConfigEntry, old_base: str | None, new_base: str
) -> None:
    """Move the entry's device identifiers and unique ids from `old_base` to `new_base`.

    `old_base` None means the unscoped ids of version 1 (a board id has no `/`). Entity
    ids, device ids and so history and statistics stay as they are.
    """
    old_prefix = "" if old_base is None else f"{old_base}/"
    new_prefix = f"{new_base}/"

    def in_old_scope(value: str) -> bool:
        return "/" not in value if old_base is None else value.startswith(old_prefix)

    def moved(value: str) -> str:
        return new_prefix + value.removeprefix(old_prefix)

    entity_registry = er.async_get(hass)
    for entity in er.async_entries_for_config_entry(entity_registry, entry.entry_id):
        if in_old_scope(entity.unique_id):
            entity_registry.async_update_entity(
                entity.entity_id, new_unique_id=moved(entity.unique_id)
            )
    device_registry = dr.async_get(hass)
    for device in dr.async_entries_for_config_entry(device_registry, entry.entry_id):
        identifiers = {
            (domain, moved(value))
            if domain == DOMAIN and in_old_scope(value)
            else (domain, value)
            for domain, value in device.identifiers
        }
        if identifiers != device.identifiers:
            device_registry.async_update_device(device.id, new_identifiers=identifiers)
    LOGGER.info("Registry ids of %s now start with %s", entry.title, new_prefix)
