"""Sensors of IoT Lab boards: light, temperature, humidity, door figures, last heard."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import PERCENTAGE, EntityCategory, UnitOfTemperature
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .board import Board
from .door import DoorCount
from .entity import IotLabEntity, IotLabEntityDescription, async_setup_board_entities
from .hub import IotLabConfigEntry, IotLabHub
from .iot_lab_wire import (
    Capability,
    LegacyCapability,
)
from .state import Part

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class IotLabSensorEntityDescription(SensorEntityDescription, IotLabEntityDescription):
    """A sensor reading one value of the board."""

    value_fn: Callable[[Board], StateType | datetime]


SENSORS: tuple[IotLabSensorEntityDescription, ...] = (
    IotLabSensorEntityDescription(
        key="light_raw",
        translation_key="light_raw",
        capability=Capability.LIGHT,
        parts=(Part.LIGHT,),
        state_class=SensorStateClass.MEASUREMENT,
        # The 12-bit reading is for calibration; the level is what users chart. Off by
        # default, it writes nothing to the recorder (half of a light board's rows).
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda board: board.light.raw,
    ),
    IotLabSensorEntityDescription(
        key="light_level",
        translation_key="light_level",
        capability=Capability.LIGHT,
        parts=(Part.LIGHT, Part.CALIBRATION),
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda board: board.light.level,
    ),
    IotLabSensorEntityDescription(
        key="temperature",
        capability=Capability.TEMPERATURE,
        parts=(Part.TEMPERATURE,),
        device_class=SensorDeviceClass.TEMPERATURE,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda board: board.climate.temperature,
    ),
    IotLabSensorEntityDescription(
        key="humidity",
        capability=Capability.HUMIDITY,
        parts=(Part.HUMIDITY,),
        device_class=SensorDeviceClass.HUMIDITY,
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda board: board.climate.humidity,
    ),
)


def _door_sensor(
    key: str, figure: Callable[[DoorCount], int], state_class: SensorStateClass
) -> IotLabSensorEntityDescription:
    """One figure of a door counter (unknown before its first count)."""
    return IotLabSensorEntityDescription(
        key=key,
        translation_key=key,
        capability=Capability.COUNTER,
        parts=(Part.COUNT,),
        state_class=state_class,
        value_fn=lambda board: None if (c := board.door.count) is None else figure(c),
    )


SENSORS += (
    _door_sensor(
        "entries_today", lambda c: c.entries_today, SensorStateClass.MEASUREMENT
    ),
    _door_sensor("exits_today", lambda c: c.exits_today, SensorStateClass.MEASUREMENT),
    _door_sensor("occupancy", lambda c: c.occupancy, SensorStateClass.MEASUREMENT),
    _door_sensor(
        "peak_occupancy", lambda c: c.peak_occupancy, SensorStateClass.MEASUREMENT
    ),
    _door_sensor(
        "lifetime_entries",
        lambda c: c.lifetime_entries,
        SensorStateClass.TOTAL_INCREASING,
    ),
    _door_sensor(
        "lifetime_exits", lambda c: c.lifetime_exits, SensorStateClass.TOTAL_INCREASING
    ),
    IotLabSensorEntityDescription(
        key="unmatched_exits",
        translation_key="unmatched_exits",
        capability=Capability.COUNTER,
        parts=(Part.COUNT,),
        entity_category=EntityCategory.DIAGNOSTIC,
        state_class=SensorStateClass.TOTAL_INCREASING,
        # Occupancy never goes below zero: the exits it could not take are kept here.
        value_fn=lambda board: (
            None if (c := board.door.count) is None else c.unmatched_exits
        ),
    ),
    IotLabSensorEntityDescription(
        key="last_heard",
        translation_key="last_heard",
        capability=LegacyCapability.LAST_HEARD,
        parts=(Part.HEARD,),
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        # Where connectivity would say "offline": this one says since when.
        available_offline=True,
        value_fn=lambda board: board.status.heard_at,
    ),
)


MEASUREMENTS: tuple[IotLabSensorEntityDescription, ...] = (
    IotLabSensorEntityDescription(
        key="measurement",
        translation_key="measurement",
        capability=LegacyCapability.MEASUREMENT,
        parts=(Part.MEASUREMENT,),
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda board: board.measurement.value,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: IotLabConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add sensors for every board that announces a matching capability."""
    async_setup_board_entities(entry, async_add_entities, SENSORS, IotLabSensor)
    async_setup_board_entities(
        entry, async_add_entities, MEASUREMENTS, IotLabMeasurementSensor
    )


class IotLabSensor(IotLabEntity, SensorEntity):
    """A board reading."""

    entity_description: IotLabSensorEntityDescription

    @property
    def native_value(self) -> StateType | datetime:
        """The last good value received."""
        return self.entity_description.value_fn(self.board)


class IotLabMeasurementSensor(IotLabSensor):
    """A legacy sensor whose unit the board chose in its first reading."""

    def __init__(
        self, hub: IotLabHub, board: Board, description: IotLabEntityDescription
    ) -> None:
        """Fix the unit and device class for the life of the entity."""
        super().__init__(hub, board, description)
        measurement = board.measurement
        self._attr_native_unit_of_measurement = measurement.unit
        if measurement.device_class is not None:
            self._attr_device_class = SensorDeviceClass(measurement.device_class)
