"""Text entities of IoT Lab boards: the OLED message."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.text import TextEntity, TextEntityDescription, TextMode
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .board import Board
from .const import DOMAIN
from .entity import IotLabEntity, IotLabEntityDescription, async_setup_board_entities
from .hub import IotLabConfigEntry
from .iot_lab_wire import (
    OLED_MAX_CHARS,
    Capability,
    Command,
    ProtocolError,
    oled_command,
)
from .state import Part

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class IotLabTextEntityDescription(TextEntityDescription, IotLabEntityDescription):
    """A text shown by the board; the state is the board's echo."""

    value_fn: Callable[[Board], str | None]
    command: Command


TEXTS: tuple[IotLabTextEntityDescription, ...] = (
    IotLabTextEntityDescription(
        key="oled",
        translation_key="oled",
        capability=Capability.OLED,
        parts=(Part.OLED,),
        command=Command.OLED,
        native_max=OLED_MAX_CHARS,
        mode=TextMode.TEXT,
        value_fn=lambda board: board.echo.oled,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: IotLabConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add text entities for every board that announces a matching capability."""
    async_setup_board_entities(entry, async_add_entities, TEXTS, IotLabText)


class IotLabText(IotLabEntity, TextEntity):
    """Text shown on the board's screen."""

    entity_description: IotLabTextEntityDescription

    @property
    def native_value(self) -> str | None:
        """The text the board last said it shows."""
        return self.entity_description.value_fn(self.board)

    async def async_set_value(self, value: str) -> None:
        """Send the text, refusing what the screen cannot show rather than cutting it."""
        try:
            payload = oled_command(value)
        except ProtocolError as err:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="invalid_oled_text",
                translation_placeholders={
                    "max": str(OLED_MAX_CHARS),
                    "reason": str(err),
                },
            ) from err
        await self.hub.async_publish_command(
            self.board.board_id, self.entity_description.command, payload
        )
