"""Typed state of a board, one object per capability, and the parts listeners follow.

Pure Python (no Home Assistant import). Each state takes its own messages through
`take` and says which `Part`s changed; its board tells the listeners of those parts
(entities), then its alerts and the hub. Entities read the states through their
description's `value_fn`. The door's state lives in `door.py`, beside its counting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from .iot_lab_wire import (
    LIGHT_MAX,
    ClimateMessage,
    EchoMessage,
    HumidityReading,
    LedEcho,
    LightReading,
    Measurement,
    OledEcho,
    Settings,
    SettingsEcho,
    TemperatureReading,
    light_level,
)

type Listener = Callable[[], None]

HEARD_RESOLUTION: Final = timedelta(minutes=1)
"""How often "last heard" may move: a board that sends every 2 s writes its
"Last heard" sensor once a minute, not 30 times."""


class Part(StrEnum):
    """What a listener follows: one field of a capability's state."""

    STATUS = "status"
    AVAILABILITY = "availability"
    HEARD = "heard"
    LIGHT = "light"
    CALIBRATION = "calibration"
    TEMPERATURE = "temperature"
    HUMIDITY = "humidity"
    LED = "led"
    OLED = "oled"
    COUNT = "count"
    PASSAGE = "passage"
    MEASUREMENT = "measurement"
    ALERT = "alert"
    SETTINGS = "settings"
    INFO = "info"
    """The board's announce (model, firmware version)."""


type Changes = tuple[Part, ...]
"""The parts a state change touched, in the order their listeners are told."""

NOTHING: Final[Changes] = ()


class RefusedError(ValueError):
    """A message the state will not take (the reason is logged once and dropped)."""


@dataclass(slots=True)
class StatusState:
    """Birth or last will, and whether the board's entities are available.

    Availability also changes with the broker connection and the site's bridge: the
    hub's availability then wakes `AVAILABILITY` alone.
    """

    online: bool | None = None
    heard_at: datetime | None = None
    """When a board that cannot report its connection was last heard from (to the
    minute: see `HEARD_RESOLUTION`)."""

    def heard(self, now: datetime) -> Changes:
        """The board sent something at `now`."""
        if self.heard_at is not None and now - self.heard_at < HEARD_RESOLUTION:
            return NOTHING
        self.heard_at = now
        return (Part.HEARD,)

    def set_online(self, online: bool) -> Changes:
        """Record a birth or a will; nothing when the board said the same again.

        A first birth leaves every entity available as it was: only the connectivity
        sensor is woken (a thousand boards' births at start-up would rewrite every
        entity for nothing).
        """
        if self.online == online:
            return NOTHING
        was_available = self.online is not False
        self.online = online
        if online != was_available:
            return (Part.AVAILABILITY, Part.STATUS)
        return (Part.STATUS,)


@dataclass(slots=True)
class LightState:
    """Raw photoresistor reading and the two calibration points of its level."""

    raw: int | None = None
    dark: float = 0.0
    bright: float = float(LIGHT_MAX)

    @property
    def level(self) -> float | None:
        """Light in % between the two calibration points."""
        return (
            None if self.raw is None else light_level(self.raw, self.dark, self.bright)
        )

    def take(self, message: LightReading) -> Changes:
        """A new reading."""
        if message.raw == self.raw:
            return NOTHING
        self.raw = message.raw
        return (Part.LIGHT,)

    def set_calibration(self, *, dark: float, bright: float) -> Changes:
        """New calibration points (settings restored or changed by the user)."""
        self.dark, self.bright = dark, bright
        return (Part.CALIBRATION,)


@dataclass(slots=True)
class ClimateState:
    """Temperature (°C) and relative humidity (%)."""

    temperature: float | None = None
    humidity: float | None = None

    def take(self, message: ClimateMessage) -> Changes:
        """A new temperature or humidity reading."""
        match message:
            case TemperatureReading(value=value) if value != self.temperature:
                self.temperature = value
                return (Part.TEMPERATURE,)
            case HumidityReading(value=value) if value != self.humidity:
                self.humidity = value
                return (Part.HUMIDITY,)
        return NOTHING


@dataclass(slots=True)
class EchoState:
    """What the LED and the OLED really do, as the board says.

    For an LED that echoes nothing, the last command sent.
    """

    led: bool | None = None
    oled: str | None = None

    def take(self, message: EchoMessage) -> Changes:
        """The LED's state, or the text on the screen."""
        match message:
            case LedEcho(on=on) if on != self.led:
                self.led = on
                return (Part.LED,)
            case OledEcho(text=text) if text != self.oled:
                self.oled = text
                return (Part.OLED,)
        return NOTHING


@dataclass(slots=True)
class MeasurementState:
    """A legacy sensor's one value; its unit is fixed by the first reading."""

    value: float | None = None
    unit: str | None = None
    device_class: str | None = None

    def take(self, reading: Measurement, *, fixed: bool) -> Changes:
        """Take a reading; once the unit is `fixed`, refuse another one."""
        if not fixed:
            self.unit, self.device_class = reading.unit, reading.device_class
        elif reading.unit != self.unit:
            raise RefusedError(f"unit {reading.unit!r} differs from {self.unit!r}")
        if reading.value == self.value:
            return NOTHING
        self.value = reading.value
        return (Part.MEASUREMENT,)


@dataclass(slots=True)
class SettingsState:
    """What the board says it keeps (its retained echo); None before the first echo."""

    values: Settings | None = None

    def take(self, message: SettingsEcho) -> Changes:
        """The board's settings as it applied them."""
        if message.settings == self.values:
            return NOTHING
        self.values = message.settings
        return (Part.SETTINGS,)
