"""Typed state of a board, one object per capability, each with its own listeners.

Pure Python (no Home Assistant import). Entities read these objects through their
description's `value_fn` and follow them by `Part`; the hub changes them only through
their methods, and every change ends in `Observed.changed`: listeners of that part
first, then the board's hook (alerts, storage).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import ClassVar, Final

from .counter import DoorCount
from .iot_lab_wire import (
    LIGHT_MAX,
    ClimateMessage,
    CounterTotals,
    Crossing,
    CsvLine,
    DoorMessage,
    EchoMessage,
    HumidityReading,
    LedEcho,
    LightReading,
    Measurement,
    OledEcho,
    Passage,
    TemperatureReading,
    Totals,
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


@dataclass(slots=True, eq=False)
class Observed:
    """Listeners keyed by `Part`, and the one path every change takes.

    Slotted, with no listener table until the first listener: a site has thousands of
    boards, and a board has a state object for every capability, used or not.
    """

    PARTS: ClassVar[tuple[Part, ...]] = ()
    """The parts this state owns."""
    _on_change: Callable[[Part], None]
    """Runs after the listeners of every change: the board's hook (alerts, storage)."""
    _listeners: dict[Part, list[Listener]] | None = None

    def listen(self, part: Part, listener: Listener) -> None:
        """Call `listener` on each change of `part`."""
        if self._listeners is None:
            self._listeners = {}
        self._listeners.setdefault(part, []).append(listener)

    def unlisten(self, part: Part, listener: Listener) -> None:
        """Stop calling `listener` on changes of `part`."""
        if self._listeners is not None:
            self._listeners[part].remove(listener)

    def changed(self, part: Part) -> None:
        """Tell the listeners of `part`, then the board."""
        if self._listeners is not None:
            for listener in self._listeners.get(part, ()):
                listener()
        self._on_change(part)


@dataclass(slots=True, eq=False)
class AlertListeners(Observed):
    """Who shows the board's alerts: woken when one opens or resolves."""

    PARTS: ClassVar[tuple[Part, ...]] = (Part.ALERT,)


@dataclass(slots=True, eq=False)
class StatusState(Observed):
    """Birth or last will, and whether the board's entities are available.

    Availability also changes with the broker connection and the site's bridge: the
    hub's availability then wakes `AVAILABILITY` alone.
    """

    PARTS: ClassVar[tuple[Part, ...]] = (Part.STATUS, Part.AVAILABILITY, Part.HEARD)
    online: bool | None = None
    heard_at: datetime | None = None
    """When a board that cannot report its connection was last heard from (to the
    minute: see `HEARD_RESOLUTION`)."""

    def heard(self, now: datetime) -> None:
        """The board sent something at `now`."""
        if self.heard_at is None or now - self.heard_at >= HEARD_RESOLUTION:
            self.heard_at = now
            self.changed(Part.HEARD)

    def set_online(self, online: bool) -> bool:
        """Record a change; False when the board said the same again.

        A first birth leaves every entity available as it was: only the connectivity
        sensor is woken (a thousand boards' births at start-up would rewrite every
        entity for nothing).
        """
        if self.online == online:
            return False
        was_available = self.online is not False
        self.online = online
        if online != was_available:
            self.changed(Part.AVAILABILITY)
        self.changed(Part.STATUS)
        return True


@dataclass(slots=True, eq=False)
class LightState(Observed):
    """Raw photoresistor reading and the two calibration points of its level."""

    PARTS: ClassVar[tuple[Part, ...]] = (Part.LIGHT, Part.CALIBRATION)
    raw: int | None = None
    dark: float = 0.0
    bright: float = float(LIGHT_MAX)

    @property
    def level(self) -> float | None:
        """Light in % between the two calibration points."""
        return (
            None if self.raw is None else light_level(self.raw, self.dark, self.bright)
        )

    def take(self, message: LightReading) -> None:
        """A new reading."""
        if message.raw != self.raw:
            self.raw = message.raw
            self.changed(Part.LIGHT)

    def set_calibration(self, *, dark: float, bright: float) -> None:
        """New calibration points (settings restored or changed by the user)."""
        self.dark, self.bright = dark, bright
        self.changed(Part.CALIBRATION)


@dataclass(slots=True, eq=False)
class ClimateState(Observed):
    """Temperature (°C) and relative humidity (%)."""

    PARTS: ClassVar[tuple[Part, ...]] = (Part.TEMPERATURE, Part.HUMIDITY)
    temperature: float | None = None
    humidity: float | None = None

    def take(self, message: ClimateMessage) -> None:
        """A new temperature or humidity reading."""
        match message:
            case TemperatureReading(value=value) if value != self.temperature:
                self.temperature = value
                self.changed(Part.TEMPERATURE)
            case HumidityReading(value=value) if value != self.humidity:
                self.humidity = value
                self.changed(Part.HUMIDITY)


@dataclass(slots=True, eq=False)
class EchoState(Observed):
    """What the LED and the OLED really do, as the board says.

    For an LED that echoes nothing, the last command sent.
    """

    PARTS: ClassVar[tuple[Part, ...]] = (Part.LED, Part.OLED)
    led: bool | None = None
    oled: str | None = None

    def take(self, message: EchoMessage) -> None:
        """The LED's state, or the text on the screen."""
        match message:
            case LedEcho(on=on) if on != self.led:
                self.led = on
                self.changed(Part.LED)
            case OledEcho(text=text) if text != self.oled:
                self.oled = text
                self.changed(Part.OLED)


@dataclass(slots=True, eq=False)
class DoorState(Observed):
    """A door counter's figures (`DoorCount`), its last totals and last CSV line."""

    PARTS: ClassVar[tuple[Part, ...]] = (Part.COUNT, Part.PASSAGE)
    count: DoorCount | None = None
    crossing: Passage | None = None
    """The direction of the last live passage, as its message gave it."""
    totals: CounterTotals | None = None
    csv_line: CsvLine | None = None
    """Last line of an HTTP counter: its text fields name the CSV export."""

    def restore(self, count: DoorCount, now: datetime) -> None:
        """Take back the stored figures at start-up (no entity listens yet)."""
        self.count = count
        count.roll_over(now.date())

    def take(self, message: DoorMessage | CsvLine, now: datetime) -> str | None:
        """Totals, a live passage or a CSV line; say why when a line counts nothing.

        Totals count what they add; a passage counts at once; a CSV line counts its
        period once.
        """
        count = self._count(now)
        match message:
            case Totals(totals=totals):
                self.totals = totals
                if count.count_totals(totals, now):
                    self.changed(Part.COUNT)
            case Crossing(passage=passage):
                count.count_passage(passage, now)
                self.crossing = passage
                self.changed(Part.PASSAGE)
                self.changed(Part.COUNT)
            case CsvLine():
                self.csv_line = message
                naive = now.replace(tzinfo=None)
                end = message.period_end
                if not count.count_period(end, message.entries, message.exits, naive):
                    return f"CSV period {end} counted already"
                self.changed(Part.COUNT)
        return None

    def roll_over(self, now: datetime) -> None:
        """Local midnight: today's figures start again, even when no one passes."""
        if self.count is not None and self.count.roll_over(now.date()):
            self.changed(Part.COUNT)

    def reset_occupancy(self) -> None:
        """Nobody inside (people were miscounted)."""
        if self.count is not None:
            self.count.reset_occupancy()
            self.changed(Part.COUNT)

    def _count(self, now: datetime) -> DoorCount:
        if self.count is None:
            self.count = DoorCount(day=now.date())
        return self.count


@dataclass(slots=True, eq=False)
class MeasurementState(Observed):
    """A legacy sensor's one value; its unit is fixed by the first reading."""

    PARTS: ClassVar[tuple[Part, ...]] = (Part.MEASUREMENT,)
    value: float | None = None
    unit: str | None = None
    device_class: str | None = None

    def take(self, reading: Measurement, *, fixed: bool) -> str | None:
        """Take a reading; once the unit is `fixed`, refuse another one (say why)."""
        if not fixed:
            self.unit, self.device_class = reading.unit, reading.device_class
        elif reading.unit != self.unit:
            return f"unit {reading.unit!r} differs from {self.unit!r}"
        if reading.value != self.value:
            self.value = reading.value
            self.changed(Part.MEASUREMENT)
        return None
