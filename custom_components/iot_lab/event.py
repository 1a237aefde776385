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
from .parsers import Capability, Passage
from .state import Part

PARALLEL_UPDATES = 0

EVENT_TYPES: Final = {Passage.IN: "entry", Passage.OUT: "exit"}


@dataclass(frozen=True, kw_only=True)
class IotLabEventEntityDescription(EventEntityDescription, IotLabEntityDescription):
    """An event fired for each live passage."""

    value_fn: Callable[[Board], tuple[int, Passage | None]]
    """How many live passages so far, and the last one's direction."""


EVENTS: tuple[IotLabEventEntityDescription, ...] = (
    IotLabEventEntityDescription(
        key="passage",
        translation_key="passage",
        capability=Capability.COUNTER,
        parts=(Part.PASSAGE,),
        event_types=list(EVENT_TYPES.values()),
        value_fn=lambda board: (
            (count.passages, count.last_passage)
            if (count := board.door.count)
            else (0, None)
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
    _seen = 0

    async def async_added_to_hass(self) -> None:
        """Fire only passages that happen from now on."""
        self._seen, _ = self.entity_description.value_fn(self.board)
        await super().async_added_to_hass()

    @callback
    def _async_board_changed(self) -> None:
        """A new passage fires its event; anything else changes nothing shown."""
        passages, last = self.entity_description.value_fn(self.board)
        if passages != self._seen and last is not None:
            self._seen = passages
            self._trigger_event(EVENT_TYPES[last])
        self.async_write_ha_state()
