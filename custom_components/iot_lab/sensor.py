"""Sensors of IoT Lab boards: light, temperature, humidity."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import PERCENTAGE, UnitOfTemperature
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .board import CALIBRATION, MEASUREMENT, Board
from .entity import IotLabEntity, IotLabEntityDescription, async_setup_board_entities
from .hub import IotLabConfigEntry, IotLabHub
from .legacy import LegacyCapability
from .protocol import Capability, Channel

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class IotLabSensorEntityDescription(SensorEntityDescription, IotLabEntityDescription):
    """A sensor reading one value of the board."""

    value_fn: Callable[[Board], StateType]


SENSORS: tuple[IotLabSensorEntityDescription, ...] = (
    IotLabSensorEntityDescription(
        key="light_raw",
        translation_key="light_raw",
        capability=Capability.LIGHT,
        channels=(Channel.LIGHT,),
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda board: board.light,
    ),
    IotLabSensorEntityDescription(
        key="light_level",
        translation_key="light_level",
        capability=Capability.LIGHT,
        channels=(Channel.LIGHT, CALIBRATION),
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda board: board.light_level,
    ),
    IotLabSensorEntityDescription(
        key="temperature",
        capability=Capability.TEMPERATURE,
        channels=(Channel.TEMPERATURE,),
        device_class=SensorDeviceClass.TEMPERATURE,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda board: board.temperature,
    ),
    IotLabSensorEntityDescription(
        key="humidity",
        capability=Capability.HUMIDITY,
        channels=(Channel.HUMIDITY,),
        device_class=SensorDeviceClass.HUMIDITY,
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda board: board.humidity,
    ),
)


def _door_value(attribute: str) -> Callable[[Board], StateType]:
    """Read one figure of a door counter (unknown before its first count)."""

    def value(board: Board) -> StateType:
        return None if board.door is None else int(getattr(board.door, attribute))

    return value


def _door_sensor(
    attribute: str, state_class: SensorStateClass
) -> IotLabSensorEntityDescription:
    return IotLabSensorEntityDescription(
        key=attribute,
        translation_key=attribute,
        capability=Capability.COUNTER,
        channels=(Channel.COUNTER,),
        state_class=state_class,
        value_fn=_door_value(attribute),
    )


SENSORS += tuple(
    _door_sensor(attribute, SensorStateClass.MEASUREMENT)
    for attribute in ("entries_today", "exits_today", "occupancy", "peak_occupancy")
) + tuple(
    _door_sensor(attribute, SensorStateClass.TOTAL_INCREASING)
    for attribute in ("lifetime_entries", "lifetime_exits")
)


MEASUREMENTS: tuple[IotLabSensorEntityDescription, ...] = (
    IotLabSensorEntityDescription(
        key="measurement",
        translation_key="measurement",
        capability=LegacyCapability.MEASUREMENT,
        channels=(MEASUREMENT,),
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda board: board.measurement,
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
    def native_value(self) -> StateType:
        """The last good value received."""
        return self.entity_description.value_fn(self.board)


class IotLabMeasurementSensor(IotLabSensor):
    """A legacy sensor whose unit the board chose in its first reading."""

    def __init__(
        self, hub: IotLabHub, board: Board, description: IotLabEntityDescription
    ) -> None:
        """Fix the unit and device class for the life of the entity."""
        super().__init__(hub, board, description)
        self._attr_native_unit_of_measurement = board.measurement_unit
        if board.measurement_class is not None:
            self._attr_device_class = SensorDeviceClass(board.measurement_class)
