"""The benchmark's floor: Home Assistant's MQTT client feeding a subscriber doing nothing.

What a message costs here is what it costs any MQTT integration before it does any work
of its own.
"""

from __future__ import annotations

from homeassistant.components import mqtt
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.typing import ConfigType

TOPIC = "floor/+/light"


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Subscribe once the MQTT client is there."""

    @callback
    def nothing(message: mqtt.ReceiveMessage) -> None:
        """Receive and drop."""

    if await mqtt.async_wait_for_mqtt_client(hass):
        await mqtt.async_subscribe(hass, TOPIC, nothing)
    return True
