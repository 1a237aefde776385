"""Switches of IoT Lab boards: the LED, and a door counter's swapped directions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.restore_state import RestoreEntity
from homeassistant.util import dt as dt_util

from .board import Board
from .entity import IotLabEntity, IotLabEntityDescription, async_setup_board_entities
from .hub import IotLabConfigEntry
from .iot_lab_wire import (
    Capability,
    Command,
    LedEcho,
    LegacyCapability,
    esp32_led_command,
    led_command,
)
from .setting import IotLabSettingDescription, IotLabSettingEntity, setting_fields
from .state import Part

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class IotLabSwitchEntityDescription(SwitchEntityDescription, IotLabEntityDescription):
    """A switch whose state is the board's echo of the last command."""

    value_fn: Callable[[Board], bool | None]
    command: Command


SWITCHES: tuple[IotLabSwitchEntityDescription, ...] = (
    IotLabSwitchEntityDescription(
        key="led",
        translation_key="led",
        capability=Capability.LED,
        parts=(Part.LED,),
        command=Command.LED,
        value_fn=lambda board: board.echo.led,
    ),
)


ASSUMED_SWITCHES: tuple[IotLabSwitchEntityDescription, ...] = (
    IotLabSwitchEntityDescription(
        key="led",
        translation_key="led",
        capability=LegacyCapability.ASSUMED_LED,
        parts=(Part.LED,),
        command=Command.LED,
        value_fn=lambda board: board.echo.led,
    ),
)


@dataclass(frozen=True, kw_only=True)
class IotLabSettingSwitchDescription(SwitchEntityDescription, IotLabSettingDescription):
    """A setting the board keeps that is on or off."""


SETTING_SWITCHES: tuple[IotLabSettingSwitchDescription, ...] = (
    IotLabSettingSwitchDescription(**setting_fields("swap")),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: IotLabConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add switches for every board that announces a matching capability."""
    async_setup_board_entities(
        entry, async_add_entities, SETTING_SWITCHES, IotLabSettingSwitch
    )
    async_setup_board_entities(entry, async_add_entities, SWITCHES, IotLabSwitch)
    async_setup_board_entities(
        entry, async_add_entities, ASSUMED_SWITCHES, IotLabAssumedSwitch
    )


class IotLabSwitch(IotLabEntity, SwitchEntity):
    """A switch on the board; the state changes when the board confirms."""

    entity_description: IotLabSwitchEntityDescription

    @property
    def is_on(self) -> bool | None:
        """The state the board last echoed."""
        return self.entity_description.value_fn(self.board)

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Ask the board to switch on."""
        await self._async_send(on=True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Ask the board to switch off."""
        await self._async_send(on=False)

    async def _async_send(self, *, on: bool) -> None:
        await self.hub.async_publish_command(
            self.board.board_id,
            self.entity_description.command,
            led_command(on),
        )


class IotLabAssumedSwitch(IotLabSwitch, RestoreEntity):
    """The LED of the legacy ESP32 firmware: it obeys `/esp32/input` but echoes nothing.

    The state is the last command sent, restored after a restart.
    """

    _attr_assumed_state = True

    async def async_added_to_hass(self) -> None:
        """Restore the last command as the current state."""
        await super().async_added_to_hass()
        if (last := await self.async_get_last_state()) is not None:
            self._assume(on=last.state == STATE_ON)

    async def _async_send(self, *, on: bool) -> None:
        await self.hub.async_publish(
            self.hub.legacy_topics.esp32_led, esp32_led_command(on)
        )
        self._assume(on=on)

    def _assume(self, *, on: bool) -> None:
        """The board echoes nothing: its state is the command, as if it had echoed it."""
        echo = LedEcho(board_id=self.board.board_id, kind="assumed_led", on=on)
        self.board.take(echo, dt_util.now())


class IotLabSettingSwitch(IotLabSettingEntity, SwitchEntity):
    """On or off as the board says it keeps it."""

    entity_description: IotLabSettingSwitchDescription

    @property
    def is_on(self) -> bool | None:
        """The board's echo."""
        value = self.setting
        return value if isinstance(value, bool) else None

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Ask the board to keep it on."""
        await self.async_send_setting(True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Ask the board to keep it off."""
        await self.async_send_setting(False)
