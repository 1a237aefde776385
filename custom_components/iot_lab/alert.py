"""Threshold and offline alerts of a board, with hysteresis.

Pure Python (no Home Assistant import): the board feeds readings in, and gets back a
`Transition` each time an alert opens or resolves, which the hub turns into an
`iot_lab_alert` event. A reading hovering at a limit must not flap, so an alert opens
past the limit and resolves only once the reading is back by the hysteresis.

Each alert also remembers when it last opened, so that every transition can say how long
after the previous opening of the same board's same kind it opened (`since_previous`):
a blueprint's per-board, per-kind cooldown is a pure function of that figure, the same
for an alert's opening and its resolution, and this state is stored across restarts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Final

from .iot_lab_wire import (
    HUMIDITY_MAX,
    HUMIDITY_MIN,
    LEVEL_MAX,
    LEVEL_MIN,
    TEMPERATURE_MAX,
    TEMPERATURE_MIN,
    Capability,
)


class AlertKind(StrEnum):
    """What an alert is about; also the event's `kind` field."""

    TEMPERATURE_HIGH = "temperature_high"
    TEMPERATURE_LOW = "temperature_low"
    HUMIDITY_HIGH = "humidity_high"
    LIGHT_LOW = "light_low"
    OCCUPANCY_HIGH = "occupancy_high"
    OFFLINE = "offline"


@dataclass(frozen=True, kw_only=True)
class ThresholdSpec:
    """A limit the user sets per board, and how readings are held against it."""

    kind: AlertKind
    capability: Capability
    above: bool
    """True: alert while the reading is above the limit; False: below it."""
    default: float
    hysteresis: float
    step: float = 1.0
    description: str
    """Plain words for the logbook: "Temperature above ..."."""

    @property
    def minimum(self) -> float:
        """The lowest limit: the lowest reading the wire contract accepts."""
        return _RANGES[self.capability][0]

    @property
    def maximum(self) -> float:
        """The highest limit: the highest reading the wire contract accepts."""
        return _RANGES[self.capability][1]


MAX_CAPACITY: Final = 10_000.0
"""The largest capacity a door counter may be given."""
_RANGES: Final[dict[Capability, tuple[float, float]]] = {
    Capability.TEMPERATURE: (TEMPERATURE_MIN, TEMPERATURE_MAX),
    Capability.HUMIDITY: (HUMIDITY_MIN, HUMIDITY_MAX),
    Capability.LIGHT: (LEVEL_MIN, LEVEL_MAX),
    Capability.COUNTER: (0.0, MAX_CAPACITY),
}
"""Readings an alert watches, by capability: limits outside them could never trip."""


THRESHOLDS: Final[tuple[ThresholdSpec, ...]] = (
    ThresholdSpec(
        kind=AlertKind.TEMPERATURE_HIGH,
        capability=Capability.TEMPERATURE,
        above=True,
        default=28.0,
        hysteresis=0.5,
        step=0.5,
        description="temperature above",
    ),
    ThresholdSpec(
        kind=AlertKind.TEMPERATURE_LOW,
        capability=Capability.TEMPERATURE,
        above=False,
        default=16.0,
        hysteresis=0.5,
        step=0.5,
        description="temperature below",
    ),
    ThresholdSpec(
        kind=AlertKind.HUMIDITY_HIGH,
        capability=Capability.HUMIDITY,
        above=True,
        default=70.0,
        hysteresis=2.0,
        description="humidity above",
    ),
    ThresholdSpec(
        kind=AlertKind.LIGHT_LOW,
        capability=Capability.LIGHT,
        above=False,
        default=20.0,
        hysteresis=5.0,
        description="light level below",
    ),
    ThresholdSpec(
        kind=AlertKind.OCCUPANCY_HIGH,
        capability=Capability.COUNTER,
        above=True,
        default=50.0,
        hysteresis=1.0,
        description="occupancy above capacity",
    ),
)
SPECS: Final = {spec.kind: spec for spec in THRESHOLDS}


@dataclass(frozen=True, kw_only=True)
class Transition:
    """An alert that opened or resolved."""

    kind: AlertKind
    opened: bool
    opened_at: datetime
    """When the alert opened (on its resolution too): with the board, its identity."""
    value: float | None
    threshold: float | None
    duration: float | None = None
    """Seconds the alert was open, on resolve."""
    since_previous: float | None = None
    """Seconds from the previous opening of this alert to this one's (None: the first);
    the same on the opening and on its resolution."""


class _Alert:
    """Open or resolved, since when, and how long after the previous opening."""

    def __init__(self) -> None:
        """Closed until a condition opens it."""
        self.opened_at: datetime | None = None
        self.last_opened_at: datetime | None = None
        """The latest opening, kept after it resolves."""
        self.since_previous: float | None = None
        """Of the latest opening: seconds after the one before it."""
        self.threshold: float | None = None
        """Of the latest opening."""
        self.opened_value: float | None = None
        """The reading that opened the alert: its message is sent again while open."""

    def as_dict(self) -> dict[str, Any]:
        """What survives a restart."""
        return {
            "opened_at": _iso(self.opened_at),
            "last_opened_at": _iso(self.last_opened_at),
            "since_previous": self.since_previous,
            "threshold": self.threshold,
            "opened_value": self.opened_value,
        }

    def restore(self, data: Mapping[str, Any]) -> None:
        """Take back what `as_dict` stored (unreadable fields stay empty)."""
        self.opened_at = _datetime(data.get("opened_at"))
        self.last_opened_at = _datetime(data.get("last_opened_at")) or self.opened_at
        self.since_previous = _number(data.get("since_previous"))
        self.threshold = _number(data.get("threshold"))
        self.opened_value = _number(data.get("opened_value"))

    @property
    def is_open(self) -> bool:
        """True while the condition holds."""
        return self.opened_at is not None

    def _open(
        self,
        kind: AlertKind,
        value: float | None,
        threshold: float | None,
        now: datetime,
    ) -> Transition:
        previous, self.last_opened_at = self.last_opened_at, now
        self.opened_at = now
        self.threshold = threshold
        self.opened_value = value
        self.since_previous = (
            None if previous is None else round((now - previous).total_seconds(), 1)
        )
        return Transition(
            kind=kind,
            opened=True,
            opened_at=now,
            value=value,
            threshold=threshold,
            since_previous=self.since_previous,
        )

    def _resolve(
        self,
        kind: AlertKind,
        value: float | None,
        threshold: float | None,
        now: datetime,
    ) -> Transition:
        opened_at, self.opened_at = self.opened_at, None
        assert opened_at is not None
        return Transition(
            kind=kind,
            opened=False,
            opened_at=opened_at,
            value=value,
            threshold=threshold,
            duration=round((now - opened_at).total_seconds(), 1),
            since_previous=self.since_previous,
        )


class ThresholdAlert(_Alert):
    """One limit of one board, and whether its alert is open."""

    def __init__(self, spec: ThresholdSpec) -> None:
        """Start at the default limit, closed."""
        super().__init__()
        self.spec = spec
        self.limit = spec.default
        self._last: float | None = None

    def update(self, value: float | None, now: datetime) -> Transition | None:
        """Hold a new reading (None: unknown, changes nothing) against the limit."""
        if value is None:
            return None
        self._last = value
        spec, limit = self.spec, self.limit
        if self.opened_at is None:
            beyond = value > limit if spec.above else value < limit
            return self._open(spec.kind, value, limit, now) if beyond else None
        back = (
            value <= limit - spec.hysteresis
            if spec.above
            else value >= limit + spec.hysteresis
        )
        return self._resolve(spec.kind, value, limit, now) if back else None

    def set_limit(self, limit: float, now: datetime) -> Transition | None:
        """A new limit applies at once to the last reading."""
        self.limit = limit
        return self.update(self._last, now)


class OfflineAlert(_Alert):
    """Opens once a board has been offline past the grace period."""

    def open(self, now: datetime, grace: float) -> Transition | None:
        """The grace period (minutes) has run out with the board still offline."""
        if self.opened_at is not None:
            return None
        return self._open(AlertKind.OFFLINE, None, grace, now)

    def resolve(self, now: datetime) -> Transition | None:
        """The board is back; the event's threshold is the grace period it opened with."""
        if self.opened_at is None:
            return None
        return self._resolve(AlertKind.OFFLINE, None, self.threshold, now)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _datetime(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
