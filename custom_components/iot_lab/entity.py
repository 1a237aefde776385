"""Base entity of IoT Lab: one board, one description, state pushed by the hub."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from homeassistant.core import callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from . import protocol
from .board import Board
from .const import SIGNAL_BOARD_ANNOUNCED
from .hub import IotLabConfigEntry, IotLabHub
from .state import Part


@dataclass(frozen=True, kw_only=True)
class IotLabEntityDescription(EntityDescription):
    """Which boards get the entity, and which state changes it follows."""

    capability: str | None
    """The entity exists on boards announcing this capability (None: on every board)."""
    parts: tuple[Part, ...] = ()
    """What the entity follows on its board (its availability always)."""


class IotLabEntity(Entity):
    """An entity of one board; available while the board and the broker are."""

    _attr_has_entity_name = True
    _attr_should_poll = False
    entity_description: IotLabEntityDescription

    def __init__(
        self, hub: IotLabHub, board: Board, description: IotLabEntityDescription
    ) -> None:
        """Bind the entity to its board's device."""
        self.hub = hub
        self.board = board
        self.entity_description = description
        key = protocol.board_key(hub.base_topic, board.board_id)
        self._attr_unique_id = f"{key}_{description.key}"
        self._attr_device_info = hub.devices.device_info(board.board_id)

    @property
    def available(self) -> bool:
        """Unavailable while the board is out of reach or said it is offline."""
        return self.hub.reachable(self.board) and self.board.status.online is not False

    async def async_added_to_hass(self) -> None:
        """Follow the parts of the board's state this entity shows."""
        self.board.async_listen(
            self.entity_description.parts, self._async_board_changed
        )

    async def async_will_remove_from_hass(self) -> None:
        """Stop following the board: the entity, its board or its entry goes."""
        self.board.async_unlisten(
            self.entity_description.parts, self._async_board_changed
        )

    @callback
    def _async_board_changed(self) -> None:
        """What the entity shows changed: write its state."""
        self.async_write_ha_state()


def async_setup_board_entities[DescriptionT: IotLabEntityDescription](
    entry: IotLabConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    descriptions: Iterable[DescriptionT],
    entity_factory: Callable[[IotLabHub, Board, DescriptionT], IotLabEntity],
) -> None:
    """Add a platform's entities for every announced board, now and later.

    A re-announce with new capabilities adds only the entities that were missing.
    Boards announced in one pass of the event loop (a broker's retained announces at
    start-up) are added in one call: a thousand boards, one batch per platform.
    """
    hub = entry.runtime_data
    descriptions = tuple(descriptions)
    pending: list[IotLabEntity] = []

    @callback
    def async_add_pending() -> None:
        batch = pending.copy()
        pending.clear()
        async_add_entities(batch)

    @callback
    def async_add_board(board: Board) -> None:
        new = [
            description
            for description in descriptions
            if description.key not in board.entity_keys
            and (
                description.capability is None
                or description.capability in board.capabilities
            )
        ]
        if not new:
            return
        board.entity_keys.update(description.key for description in new)
        if not pending:
            hub.hass.loop.call_soon(async_add_pending)
        pending.extend(entity_factory(hub, board, description) for description in new)

    for board in hub.announced_boards:
        async_add_board(board)
    entry.async_on_unload(
        async_dispatcher_connect(
            hub.hass, SIGNAL_BOARD_ANNOUNCED.format(entry.entry_id), async_add_board
        )
    )
