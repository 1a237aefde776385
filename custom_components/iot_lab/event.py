"""Event entities of IoT Lab boards: one event per passage at the door."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .board import Board
from .entity import IotLabEntity, IotLabEntityDescription, async_setup_board_entities
from .hub import IotLabConfigEntry
from .iot_lab_wire import (
    Capability,
    Passage,
)
from .state import Part

PARALLEL_UPDATES = 0

EVENT_TYPES: Final = {Passage.IN: "entry", Passage.OUT: "exit"}


@dataclass(frozen=True, kw_only=True)
class IotLabEventEntityDescription(EventEntityDescription, IotLabEntityDescription):
    """An event fired for each live passage."""

    value_fn: Callable[[Board], Passage | None]
    """The direction of the passage that just happened."""


EVENTS: tuple[IotLabEventEntityDescription, ...] = (
    IotLabEventEntityDescription(
        key="passage",
        translation_key="passage",
        capability=Capability.COUNTER,
        event_types=list(EVENT_TYPES.values()),
        value_fn=lambda board: (
            None if (count := board.door.count) is None else count.last_passage
        ),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: IotLabConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add passage events for every door counter."""
    async_setup_board_entities(entry, async_add_entities, EVENTS, IotLabEvent)


class IotLabEvent(IotLabEntity, EventEntity):
    """Fires `entry` or `exit` when someone crosses the beams."""

    entity_description: IotLabEventEntityDescription

    async def async_added_to_hass(self) -> None:
        """Follow the board's availability, and fire each passage from now on."""
        await super().async_added_to_hass()
        self.board.async_listen((Part.PASSAGE,), self._async_passage)

    async def async_will_remove_from_hass(self) -> None:
        """Stop following the passages."""
        self.board.async_unlisten((Part.PASSAGE,), self._async_passage)
        await super().async_will_remove_from_hass()

    @callback
    def _async_passage(self) -> None:
        """A passage: its event, in the direction its message gave."""
        if (passage := self.entity_description.value_fn(self.board)) is not None:
            self._trigger_event(EVENT_TYPES[passage])
            self.async_write_ha_state()
