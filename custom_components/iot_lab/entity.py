"""Base entity of IoT Lab: one board, one description, state pushed by the hub."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from homeassistant.core import callback
from homeassistant.helpers import entity_platform, entity_registry as er
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .board import Board
from .const import DOMAIN, SIGNAL_BOARD_ANNOUNCED
from .hub import IotLabConfigEntry, IotLabHub
from .iot_lab_wire import board_key
from .state import Part


@dataclass(frozen=True, kw_only=True)
class IotLabEntityDescription(EntityDescription):
    """Which boards get the entity, and which state changes it follows."""

    capability: str | None
    """The entity exists on boards announcing this capability (None: on every board)."""
    unless: str | None = None
    """...but not on boards announcing this one (an older entity of theirs is removed)."""
    parts: tuple[Part, ...] = ()
    """What the entity follows on its board (its availability always)."""
    available_offline: bool = False
    """Stays available while the board is away: saying so is its job."""
    when: Callable[[Board], bool] | None = None
    """...and only on boards for which this is true (e.g. whose firmware has settings)."""


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
        key = board_key(hub.base_topic, board.board_id)
        self._attr_unique_id = f"{key}_{description.key}"
        self._attr_device_info = hub.devices.device_info(board.board_id)

    @property
    def available(self) -> bool:
        """Unavailable while the board is out of reach or away (said so, or silent).

        An entity that tells whether the board is there stays available.
        """
        if self.entity_description.available_offline:
            return self.hub.reachable(self.board)
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
    """Add a platform's entities for every announced board, now and later."""
    adder = _BoardEntities(
        entry.runtime_data, async_add_entities, tuple(descriptions), entity_factory
    )
    for board in entry.runtime_data.announced_boards:
        adder.async_add_board(board)
    entry.async_on_unload(
        async_dispatcher_connect(
            entry.runtime_data.hass,
            SIGNAL_BOARD_ANNOUNCED.format(entry.entry_id),
            adder.async_add_board,
        )
    )


class _BoardEntities[DescriptionT: IotLabEntityDescription]:
    """One platform's entities of each board, added in batches.

    A re-announce with new capabilities adds only the entities that were missing.
    Boards announced in one pass of the event loop (a broker's retained announces at
    start-up) are added in one call: a thousand boards, one batch per platform.
    """

    def __init__(
        self,
        hub: IotLabHub,
        async_add_entities: AddConfigEntryEntitiesCallback,
        descriptions: tuple[DescriptionT, ...],
        entity_factory: Callable[[IotLabHub, Board, DescriptionT], IotLabEntity],
    ) -> None:
        self._hub = hub
        self._async_add_entities = async_add_entities
        self._descriptions = descriptions
        self._entity_factory = entity_factory
        self._pending: list[IotLabEntity] = []
        self._domain = entity_platform.async_get_current_platform().domain

    @callback
    def async_add_board(self, board: Board) -> None:
        """Queue the entities the board gets and does not have yet."""
        new = [
            description
            for description in self._descriptions
            if description.key not in board.entity_keys and wanted(description, board)
        ]
        _async_remove_unwanted(self._hub, board, self._descriptions, self._domain)
        if not new:
            return
        board.entity_keys.update(description.key for description in new)
        if not self._pending:
            self._hub.hass.loop.call_soon(self._async_add_pending)
        self._pending.extend(
            self._entity_factory(self._hub, board, description) for description in new
        )

    @callback
    def _async_add_pending(self) -> None:
        batch = self._pending.copy()
        self._pending.clear()
        self._async_add_entities(batch)


def wanted(description: IotLabEntityDescription, board: Board) -> bool:
    """The board announces the description's capability, and not its `unless`."""
    return (
        (description.capability is None or description.capability in board.capabilities)
        and description.unless not in board.capabilities
        and (description.when is None or description.when(board))
    )


def _async_remove_unwanted(
    hub: IotLabHub,
    board: Board,
    descriptions: Iterable[IotLabEntityDescription],
    domain: str,
) -> None:
    """Remove what an earlier version created and the board no longer gets.

    A board with no status topic had a connectivity sensor stuck on unknown.
    """
    registry = er.async_get(hub.hass)
    key = board_key(hub.base_topic, board.board_id)
    for description in descriptions:
        if description.unless in board.capabilities and (
            entity_id := registry.async_get_entity_id(
                domain, DOMAIN, f"{key}_{description.key}"
            )
        ):
            registry.async_remove(entity_id)
