"""Select entities of IoT Lab boards: a door counter's beam height, a setting it keeps."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entity import async_setup_board_entities
from .hub import IotLabConfigEntry
from .iot_lab_wire import SETTINGS
from .setting import IotLabSettingDescription, IotLabSettingEntity, setting_fields

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class IotLabSettingSelectDescription(SelectEntityDescription, IotLabSettingDescription):
    """A setting the board keeps that is one of a few words."""


SETTING_SELECTS: tuple[IotLabSettingSelectDescription, ...] = (
    IotLabSettingSelectDescription(
        **setting_fields("mounting"), options=list(SETTINGS["mounting"].choices)
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: IotLabConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a select for each such setting of every board whose firmware has them."""
    async_setup_board_entities(
        entry, async_add_entities, SETTING_SELECTS, IotLabSettingSelect
    )


class IotLabSettingSelect(IotLabSettingEntity, SelectEntity):
    """The option the board says it keeps."""

    entity_description: IotLabSettingSelectDescription

    @property
    def current_option(self) -> str | None:
        """The board's echo."""
        value = self.setting
        return value if isinstance(value, str) else None

    async def async_select_option(self, option: str) -> None:
        """Ask the board to keep `option`."""
        await self.async_send_setting(option)
