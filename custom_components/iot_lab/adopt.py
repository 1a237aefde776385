"""Adopts boards running older firmware: their MQTT topics become IoT Lab devices."""

from __future__ import annotations

from homeassistant.components import mqtt
from homeassistant.core import HomeAssistant, callback
from homeassistant.util.hass_dict import HassKey

from .const import DOMAIN, LOGGER
from .hub import IotLabConfigEntry
from .iot_lab_wire import decode_legacy

ADOPTER: HassKey[str] = HassKey(f"{DOMAIN}_legacy_adopter")
"""The entry id of the one entry that adopts the legacy topics."""


async def async_adopt_legacy(hass: HomeAssistant, entry: IotLabConfigEntry) -> None:
    """Feed the seed firmware's topics to the entry's hub, from one entry only."""
    if (adopter := hass.data.get(ADOPTER)) is not None:
        other = hass.config_entries.async_get_entry(adopter)
        LOGGER.warning(
            "Legacy boards are already adopted by %s; %s leaves them alone",
            other.title if other else adopter,
            entry.title,
        )
        return
    hub = entry.runtime_data
    topics = hub.legacy_topics

    @callback
    def _async_received(msg: mqtt.ReceiveMessage) -> None:
        hub.async_dispatch(decode_legacy(msg.topic, msg.payload, topics))

    hass.data[ADOPTER] = entry.entry_id
    unsubscribers = [
        await mqtt.async_subscribe(hass, topic, _async_received, qos=1, encoding=None)
        for topic in topics.subscriptions
    ]

    @callback
    def _async_stop() -> None:
        for unsubscribe in unsubscribers:
            unsubscribe()
        hass.data.pop(ADOPTER, None)

    entry.async_on_unload(_async_stop)
