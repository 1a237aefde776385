"""Live state of one board, shared by all of its entities."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Final

from .alert import SPECS, AlertKind, OfflineAlert, ThresholdAlert, Transition
from .counter import DoorCount
from .legacy import CsvLine
from .protocol import BoardInfo, Channel, CounterTotals, light_level

type Listener = Callable[[], None]

CALIBRATION: Final = "calibration"
"""Listener key for changes of the light calibration points (not a wire channel)."""

MEASUREMENT: Final = "measurement"
"""Listener key and attribute of a legacy board's single measurement."""

_ALERTS_FED_BY: Final[dict[str, tuple[AlertKind, ...]]] = {
    Channel.TEMPERATURE: (AlertKind.TEMPERATURE_HIGH, AlertKind.TEMPERATURE_LOW),
    Channel.HUMIDITY: (AlertKind.HUMIDITY_HIGH,),
    Channel.LIGHT: (AlertKind.LIGHT_LOW,),
    CALIBRATION: (AlertKind.LIGHT_LOW,),
    Channel.COUNTER: (AlertKind.OCCUPANCY_HIGH,),
}
"""Which alerts a change of each listener key may open or resolve."""

DEFAULT_DARK: Final = 0.0
DEFAULT_BRIGHT: Final = 4095.0


class Board:
    """Last good values received from a board, and who to tell when they change.

    Entities read from here and never parse payloads; the hub writes here only what the
    protocol module accepted. Listeners are keyed by channel so that a light reading does
    not wake the board's temperature entity.
    """

    def __init__(self, board_id: str) -> None:
        """Start with nothing known: no announce, no status, no reading."""
        self.board_id: Final = board_id
        self.info: BoardInfo | None = None
        self.online: bool | None = None
        self.light: int | None = None
        self.temperature: float | None = None
        self.humidity: float | None = None
        self.led: bool | None = None
        self.oled: str | None = None
        self.counter: CounterTotals | None = None
        self.door: DoorCount | None = None
        self.measurement: float | None = None
        self.measurement_unit: str | None = None
        self.measurement_class: str | None = None
        self.csv_line: CsvLine | None = None
        """Last line of an HTTP counter: its text fields name the CSV export."""
        self.calibration_dark = DEFAULT_DARK
        self.calibration_bright = DEFAULT_BRIGHT
        self.entity_keys: set[str] = set()
        self.thresholds = {kind: ThresholdAlert(spec) for kind, spec in SPECS.items()}
        self.offline_alert = OfflineAlert()
        self.on_alert: Callable[[Board, Transition], None] | None = None
        """Set by the hub: turns each alert that opens or resolves into an event."""
        self._listeners: dict[str, list[Listener]] = {}

    @property
    def capabilities(self) -> frozenset[str]:
        """Capabilities from the last announce (none before the first one)."""
        return self.info.capabilities if self.info else frozenset()

    @property
    def light_level(self) -> float | None:
        """Light in % between the two calibration points."""
        if self.light is None:
            return None
        return light_level(self.light, self.calibration_dark, self.calibration_bright)

    def async_listen(
        self, keys: Iterable[str], listener: Listener
    ) -> Callable[[], None]:
        """Call `listener` when any of `keys` or the availability changes.

        Return the function that stops it.
        """
        keys = tuple(dict.fromkeys((*keys, Channel.STATUS)))
        for key in keys:
            self._listeners.setdefault(key, []).append(listener)

        def remove() -> None:
            for key in keys:
                self._listeners[key].remove(listener)

        return remove

    def async_notify(self, key: str) -> None:
        """Tell the listeners of `key` that its value changed, then check its alerts."""
        for listener in self._listeners.get(key, ()):
            listener()
        for kind in _ALERTS_FED_BY.get(key, ()):
            self.async_alert(self.thresholds[kind].update(self.reading(kind), _now()))

    def reading(self, kind: AlertKind) -> float | None:
        """The value a threshold alert watches."""
        if kind in (AlertKind.TEMPERATURE_HIGH, AlertKind.TEMPERATURE_LOW):
            return self.temperature
        if kind is AlertKind.HUMIDITY_HIGH:
            return self.humidity
        if kind is AlertKind.LIGHT_LOW:
            return self.light_level
        return None if self.door is None else self.door.occupancy

    def async_set_threshold(self, kind: AlertKind, limit: float) -> None:
        """A new limit from its number entity; it applies to the last reading at once."""
        self.async_alert(self.thresholds[kind].set_limit(limit, _now()))

    def async_alert(self, transition: Transition | None) -> None:
        """Tell the alert's binary sensor and the hub that an alert opened or resolved."""
        if transition is None:
            return
        self.async_notify(alert_key(transition.kind))
        if self.on_alert is not None:
            self.on_alert(self, transition)

    @property
    def alerts(self) -> dict[AlertKind, ThresholdAlert | OfflineAlert]:
        """Every alert of the board, by kind (the hub stores them across restarts)."""
        return {**self.thresholds, AlertKind.OFFLINE: self.offline_alert}

    def alert_open(self, kind: AlertKind) -> bool:
        """True while the threshold alert of this kind is open."""
        return self.thresholds[kind].is_open


def alert_key(kind: AlertKind) -> str:
    """Listener key of an alert's changes (not a wire channel)."""
    return f"alert_{kind}"


def _now() -> datetime:
    return datetime.now(UTC)
