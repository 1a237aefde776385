"""Binary sensors of IoT Lab boards: connectivity and alerts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .alert import THRESHOLDS, AlertKind
from .board import Board
from .entity import IotLabEntity, IotLabEntityDescription, async_setup_board_entities
from .hub import IotLabConfigEntry
from .iot_lab_wire import LegacyCapability
from .state import Part

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class IotLabBinarySensorEntityDescription(
    BinarySensorEntityDescription, IotLabEntityDescription
):
    """A binary sensor derived from the board's state."""

    value_fn: Callable[[Board], bool | None]


def _alert(
    kind: AlertKind, capability: str | None
) -> IotLabBinarySensorEntityDescription:
    """On while the alert of this kind is open."""
    return IotLabBinarySensorEntityDescription(
        key=f"{kind}_alert",
        translation_key=f"{kind}_alert",
        capability=capability,
        parts=(Part.ALERT,),
        device_class=BinarySensorDeviceClass.PROBLEM,
        value_fn=lambda board: board.alert_open(kind),
    )


BINARY_SENSORS: tuple[IotLabBinarySensorEntityDescription, ...] = (
    IotLabBinarySensorEntityDescription(
        key="connectivity",
        capability=None,
        # A board with no status topic cannot say: "Last heard" (sensor.py) instead.
        unless=LegacyCapability.LAST_HEARD,
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        parts=(Part.STATUS,),
        value_fn=lambda board: board.status.online,
        available_offline=True,
    ),
    *(_alert(spec.kind, spec.capability) for spec in THRESHOLDS),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: IotLabConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add binary sensors for every announced board."""
    async_setup_board_entities(
        entry, async_add_entities, BINARY_SENSORS, IotLabBinarySensor
    )


class IotLabBinarySensor(IotLabEntity, BinarySensorEntity):
    """A board condition."""

    entity_description: IotLabBinarySensorEntityDescription

    @property
    def is_on(self) -> bool | None:
        """The condition, unknown until the board has said."""
        return self.entity_description.value_fn(self.board)
