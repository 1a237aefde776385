"""Binary sensors of IoT Lab boards: connectivity."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .board import Board
from .entity import IotLabEntity, IotLabEntityDescription, async_setup_board_entities
from .hub import IotLabConfigEntry

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class IotLabBinarySensorEntityDescription(
    BinarySensorEntityDescription, IotLabEntityDescription
):
    """A binary sensor derived from the board's state."""

    value_fn: Callable[[Board], bool | None]


BINARY_SENSORS: tuple[IotLabBinarySensorEntityDescription, ...] = (
    IotLabBinarySensorEntityDescription(
        key="connectivity",
        capability=None,
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda board: board.online,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: IotLabConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add binary sensors for every announced board."""
    async_setup_board_entities(
        entry, async_add_entities, BINARY_SENSORS, IotLabBinarySensor
    )


class IotLabBinarySensor(IotLabEntity, BinarySensorEntity):
    """A board condition."""

    entity_description: IotLabBinarySensorEntityDescription

    @property
    def available(self) -> bool:
        """Stay available while the board is offline: saying so is its job."""
        return self.hub.connected

    @property
    def is_on(self) -> bool | None:
        """The condition, unknown until the board has said."""
        return self.entity_description.value_fn(self.board)
