"""The device registry side of the boards: one device per announced board.

A board's identifier is `<base topic>/<board id>`: two sites (entries) may both have a
`lab-1`, and their devices must never merge.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceInfo

from .const import DOMAIN, MANUFACTURER
from .iot_lab_wire import (
    BoardInfo,
    board_key,
)


class BoardDevices:
    """Creates, updates and removes the devices of one config entry's boards."""

    def __init__(self, hass: HomeAssistant, entry_id: str, base_topic: str) -> None:
        """Work on the devices of `entry_id`, whose boards live under `base_topic`."""
        self.hass = hass
        self.entry_id = entry_id
        self.base_topic = base_topic
        self._device_infos: dict[str, DeviceInfo] = {}

    def identifier(self, board_id: str) -> tuple[str, str]:
        """The board's device identifier, unique across entries (sites)."""
        return DOMAIN, board_key(self.base_topic, board_id)

    def device_info(self, board_id: str) -> DeviceInfo:
        """What a board's entities name their device by: one object for all of them.

        A site has thousands of entities; one copy per board rather than per entity.
        """
        if (device_info := self._device_infos.get(board_id)) is None:
            device_info = DeviceInfo(identifiers={self.identifier(board_id)})
            self._device_infos[board_id] = device_info
        return device_info

    def async_update(self, info: BoardInfo) -> None:
        """Create the board's device, or update its name, model and firmware."""
        registry = dr.async_get(self.hass)
        device = registry.async_get_or_create(
            config_entry_id=self.entry_id,
            identifiers={self.identifier(info.board_id)},
            manufacturer=MANUFACTURER,
            serial_number=info.board_id,
        )
        registry.async_update_device(
            device.id, model=info.model, name=info.name, sw_version=info.firmware
        )

    def async_remove(self, board_id: str) -> None:
        """Remove the board's device (a decommissioned board); other sites' stay."""
        self._device_infos.pop(board_id, None)
        registry = dr.async_get(self.hass)
        if device := registry.async_get_device_by_identifier(
            self.identifier(board_id), self.entry_id
        ):
            registry.async_remove_device(device.id)

    def device_id(self, board_id: str) -> str | None:
        """The device id of a board, for events that automations target."""
        device = dr.async_get(self.hass).async_get_device_by_identifier(
            self.identifier(board_id), self.entry_id
        )
        return device.id if device else None
