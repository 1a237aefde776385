"""Buttons of IoT Lab boards: reset a door counter's occupancy."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entity import IotLabEntity, IotLabEntityDescription, async_setup_board_entities
from .hub import IotLabConfigEntry
from .iot_lab_wire import Capability

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class IotLabButtonEntityDescription(ButtonEntityDescription, IotLabEntityDescription):
    """A one-shot action on the board's figures."""


BUTTONS: tuple[IotLabButtonEntityDescription, ...] = (
    IotLabButtonEntityDescription(
        key="reset_occupancy",
        translation_key="reset_occupancy",
        capability=Capability.COUNTER,
        entity_category=EntityCategory.CONFIG,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: IotLabConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add buttons for every door counter."""
    async_setup_board_entities(entry, async_add_entities, BUTTONS, IotLabButton)


class IotLabButton(IotLabEntity, ButtonEntity):
    """Sets occupancy to 0 when the building closes with people miscounted."""

    entity_description: IotLabButtonEntityDescription

    async def async_press(self) -> None:
        """Reset today's occupancy."""
        self.board.async_changed(self.board.door.reset_occupancy())
