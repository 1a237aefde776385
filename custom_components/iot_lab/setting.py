"""Settings a board keeps (issue: a board set up from Home Assistant), as entities.

Each is a configuration entity of its device whose state is the board's retained echo
(`config`), never assumed: changing it sends `config/set` and waits for the echo. Only
boards that announce the `settings` capability get them; a value the wire contract
refuses is refused here before anything is sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypedDict

from homeassistant.const import EntityCategory
from homeassistant.exceptions import ServiceValidationError

from .board import Board
from .const import DOMAIN
from .entity import IotLabEntity, IotLabEntityDescription
from .iot_lab_wire import SETTINGS, Capability, Command, ProtocolError, settings_payload
from .state import Part


def has_settings(board: Board) -> bool:
    """The board's firmware has the settings channel."""
    return Capability.SETTINGS in board.capabilities


@dataclass(frozen=True, kw_only=True)
class IotLabSettingDescription(IotLabEntityDescription):
    """One key of the settings table (`iot_lab_wire.SETTINGS`)."""

    entity_category: EntityCategory | None = EntityCategory.CONFIG
    parts: tuple[Part, ...] = (Part.SETTINGS,)


class SettingFields(TypedDict):
    """What every setting's description shares."""

    key: str
    translation_key: str
    capability: str
    when: Callable[[Board], bool]


def setting_fields(key: str) -> SettingFields:
    """A setting's key, name, capability, and the condition that its board has them."""
    return SettingFields(
        key=key,
        translation_key=key,
        capability=SETTINGS[key].capability,
        when=has_settings,
    )


class IotLabSettingEntity(IotLabEntity):
    """Shows the board's echo of one setting, and sends a new value to the board."""

    @property
    def setting(self) -> bool | int | float | str | None:
        """The value the board last said it keeps (None before its first echo)."""
        values = self.board.settings.values
        return None if values is None else values.get(self.entity_description.key)

    async def async_send_setting(self, value: bool | float | str) -> None:
        """Ask the board to keep `value`; its echo, not this call, changes the state."""
        key = self.entity_description.key
        try:
            payload = settings_payload({key: value})
        except ProtocolError as err:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="invalid_setting",
                translation_placeholders={"error": str(err)},
            ) from err
        await self.hub.async_publish_command(
            self.board.board_id, Command.CONFIG, payload
        )
