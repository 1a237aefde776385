"""Threshold and offline alerts of a board, with hysteresis.

Pure Python (no Home Assistant import): the board feeds readings in, and gets back a
`Transition` each time an alert opens or resolves, which the hub turns into an
`iot_lab_alert` event. A reading hovering at a limit must not flap, so an alert opens
past the limit and resolves only once the reading is back by the hysteresis.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final

from .protocol import Capability


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
    minimum: float
    maximum: float
    step: float
    description: str
    """Plain words for the logbook: "Temperature above ..."."""


THRESHOLDS: Final[tuple[ThresholdSpec, ...]] = (
    ThresholdSpec(
        kind=AlertKind.TEMPERATURE_HIGH,
        capability=Capability.TEMPERATURE,
        above=True,
        default=28.0,
        hysteresis=0.5,
        minimum=-40.0,
        maximum=80.0,
        step=0.5,
        description="temperature above",
    ),
    ThresholdSpec(
        kind=AlertKind.TEMPERATURE_LOW,
        capability=Capability.TEMPERATURE,
        above=False,
        default=16.0,
        hysteresis=0.5,
        minimum=-40.0,
        maximum=80.0,
        step=0.5,
        description="temperature below",
    ),
    ThresholdSpec(
        kind=AlertKind.HUMIDITY_HIGH,
        capability=Capability.HUMIDITY,
        above=True,
        default=70.0,
        hysteresis=2.0,
        minimum=0.0,
        maximum=100.0,
        step=1.0,
        description="humidity above",
    ),
    ThresholdSpec(
        kind=AlertKind.LIGHT_LOW,
        capability=Capability.LIGHT,
        above=False,
        default=20.0,
        hysteresis=5.0,
        minimum=0.0,
        maximum=100.0,
        step=1.0,
        description="light level below",
    ),
    ThresholdSpec(
        kind=AlertKind.OCCUPANCY_HIGH,
        capability=Capability.COUNTER,
        above=True,
        default=50.0,
        hysteresis=1.0,
        minimum=0.0,
        maximum=10_000.0,
        step=1.0,
        description="occupancy above capacity",
    ),
)
SPECS: Final = {spec.kind: spec for spec in THRESHOLDS}


@dataclass(frozen=True, kw_only=True)
class Transition:
    """An alert that opened or resolved."""

    kind: AlertKind
    opened: bool
    value: float | None
    threshold: float | None
    duration: float | None = None
    """Seconds the alert was open, on resolve."""


class _Alert:
    """Open or resolved, and since when."""

    def __init__(self) -> None:
        """Closed until a condition opens it."""
        self.opened_at: datetime | None = None

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
        self.opened_at = now
        return Transition(kind=kind, opened=True, value=value, threshold=threshold)

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
            value=value,
            threshold=threshold,
            duration=round((now - opened_at).total_seconds(), 1),
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

    def __init__(self) -> None:
        """Closed; the grace period in minutes is the event's threshold."""
        super().__init__()
        self._grace: float | None = None

    def open(self, now: datetime, grace: float) -> Transition | None:
        """The grace period (minutes) has run out with the board still offline."""
        if self.opened_at is not None:
            return None
        self._grace = grace
        return self._open(AlertKind.OFFLINE, None, grace, now)

    def resolve(self, now: datetime) -> Transition | None:
        """The board is back."""
        if self.opened_at is None:
            return None
        return self._resolve(AlertKind.OFFLINE, None, self._grace, now)
