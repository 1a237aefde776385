"""Number entities of IoT Lab boards: calibration, alert limits, settings boards keep."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.number import (
    NumberEntity,
    NumberEntityDescription,
    NumberMode,
    RestoreNumber,
)
from homeassistant.const import (
    PERCENTAGE,
    EntityCategory,
    UnitOfTemperature,
    UnitOfTime,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .alert import THRESHOLDS, ThresholdSpec
from .board import Board
from .entity import IotLabEntity, IotLabEntityDescription, async_setup_board_entities
from .hub import IotLabConfigEntry
from .iot_lab_wire import (
    LIGHT_MAX,
    LIGHT_MIN,
    SETTINGS,
    Capability,
)
from .setting import IotLabSettingDescription, IotLabSettingEntity, setting_fields
from .state import Changes, LightState, Part

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class IotLabNumberEntityDescription(NumberEntityDescription, IotLabEntityDescription):
    """A setting kept by Home Assistant (not the board) and restored on restart."""

    value_fn: Callable[[Board], float]
    set_fn: Callable[[Board, float], None]


def _calibration(
    key: str,
    value_fn: Callable[[LightState], float],
    set_fn: Callable[[LightState, float], Changes],
) -> IotLabNumberEntityDescription:
    """One calibration point of the light level, in raw ADC units."""
    return IotLabNumberEntityDescription(
        key=key,
        translation_key=key,
        capability=Capability.LIGHT,
        parts=(Part.CALIBRATION,),
        entity_category=EntityCategory.CONFIG,
        mode=NumberMode.BOX,
        native_min_value=LIGHT_MIN,
        native_max_value=LIGHT_MAX,
        native_step=1,
        value_fn=lambda board: value_fn(board.light),
        set_fn=lambda board, value: board.async_changed(set_fn(board.light, value)),
    )


def _threshold(spec: ThresholdSpec) -> IotLabNumberEntityDescription:
    """The limit of one alert kind, e.g. "Temperature high limit"."""
    return IotLabNumberEntityDescription(
        key=f"{spec.kind}_limit",
        translation_key=f"{spec.kind}_limit",
        capability=spec.capability,
        entity_category=EntityCategory.CONFIG,
        mode=NumberMode.BOX,
        native_min_value=spec.minimum,
        native_max_value=spec.maximum,
        native_step=spec.step,
        native_unit_of_measurement=_UNITS[spec.capability],
        value_fn=lambda board: board.thresholds[spec.kind].limit,
        set_fn=lambda board, value: board.async_set_threshold(spec.kind, value),
    )


_UNITS: dict[Capability, str | None] = {
    Capability.TEMPERATURE: UnitOfTemperature.CELSIUS,
    Capability.HUMIDITY: PERCENTAGE,
    Capability.LIGHT: PERCENTAGE,
    Capability.COUNTER: None,
}


NUMBERS: tuple[IotLabNumberEntityDescription, ...] = (
    _calibration(
        "calibration_dark",
        lambda light: light.dark,
        lambda light, value: light.set_calibration(dark=value, bright=light.bright),
    ),
    _calibration(
        "calibration_bright",
        lambda light: light.bright,
        lambda light, value: light.set_calibration(dark=light.dark, bright=value),
    ),
    *(_threshold(spec) for spec in THRESHOLDS),
)


@dataclass(frozen=True, kw_only=True)
class IotLabSettingNumberDescription(NumberEntityDescription, IotLabSettingDescription):
    """A setting the board keeps that is a number, within the contract's bounds."""


_SETTING_UNITS: dict[str, tuple[str, float]] = {
    "gap_ms": (UnitOfTime.MILLISECONDS, 10),
    "light_delta": (PERCENTAGE, 0.05),  # of the raw range: 1.95 % is 80 of 4095
    "light_heartbeat_s": (UnitOfTime.SECONDS, 1),
    "light_sample_ms": (UnitOfTime.MILLISECONDS, 100),
    "temperature_delta": (UnitOfTemperature.CELSIUS, 0.1),
    "humidity_delta": (PERCENTAGE, 0.5),
    "climate_heartbeat_s": (UnitOfTime.SECONDS, 1),
}
"""Each number setting's unit and step."""

SETTING_NUMBERS: tuple[IotLabSettingNumberDescription, ...] = tuple(
    IotLabSettingNumberDescription(
        **setting_fields(key),
        mode=NumberMode.BOX,
        native_min_value=SETTINGS[key].minimum,
        native_max_value=SETTINGS[key].maximum,
        native_step=step,
        native_unit_of_measurement=unit,
    )
    for key, (unit, step) in _SETTING_UNITS.items()
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: IotLabConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add settings for every board that announces a matching capability."""
    async_setup_board_entities(entry, async_add_entities, NUMBERS, IotLabNumber)
    async_setup_board_entities(
        entry, async_add_entities, SETTING_NUMBERS, IotLabSettingNumber
    )


class IotLabNumber(IotLabEntity, RestoreNumber):
    """A per-board setting; the last value survives a restart."""

    entity_description: IotLabNumberEntityDescription

    async def async_added_to_hass(self) -> None:
        """Restore the last value before anyone reads it."""
        await super().async_added_to_hass()
        last = await self.async_get_last_number_data()
        if last is not None and last.native_value is not None:
            self.entity_description.set_fn(self.board, last.native_value)

    @property
    def native_value(self) -> float:
        """The current setting."""
        return self.entity_description.value_fn(self.board)

    async def async_set_native_value(self, value: float) -> None:
        """Store the new setting; dependent entities and alerts follow."""
        self.entity_description.set_fn(self.board, value)
        self.async_write_ha_state()


class IotLabSettingNumber(IotLabSettingEntity, NumberEntity):
    """The value the board says it keeps."""

    entity_description: IotLabSettingNumberDescription

    @property
    def native_value(self) -> float | None:
        """The board's echo."""
        value = self.setting
        return None if isinstance(value, bool | str) else value

    async def async_set_native_value(self, value: float) -> None:
        """Ask the board to keep `value` (a whole number as one, never rounded)."""
        key = self.entity_description.key
        whole = SETTINGS[key].kind is int and float(value).is_integer()
        await self.async_send_setting(int(value) if whole else value)
