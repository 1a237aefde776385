"""One board: its announce, its typed state per capability, and its alerts."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Final

from .alert import SPECS, AlertKind, OfflineAlert, ThresholdAlert, Transition
from .door import DoorState
from .iot_lab_wire import (
    BoardInfo,
    BoardMessage,
    Crossing,
    CsvLine,
    HumidityReading,
    LedEcho,
    LightReading,
    Measurement,
    OledEcho,
    SettingsEcho,
    TemperatureReading,
    Totals,
)
from .state import (
    Changes,
    ClimateState,
    EchoState,
    LightState,
    Listener,
    MeasurementState,
    Part,
    RefusedError,
    SettingsState,
    StatusState,
)

_ALERTS_FED_BY: Final[dict[Part, tuple[AlertKind, ...]]] = {
    Part.TEMPERATURE: (AlertKind.TEMPERATURE_HIGH, AlertKind.TEMPERATURE_LOW),
    Part.HUMIDITY: (AlertKind.HUMIDITY_HIGH,),
    Part.LIGHT: (AlertKind.LIGHT_LOW,),
    Part.CALIBRATION: (AlertKind.LIGHT_LOW,),
    Part.COUNT: (AlertKind.OCCUPANCY_HIGH,),
}
"""Which alerts a change of each part may open or resolve."""


class Board:
    """Last good values received from a board, and who to tell when they change.

    Entities read the typed states and never parse payloads; the hub hands the board
    only what the wire contract accepted. Listeners are keyed by `Part`, so that a light
    reading does not wake the board's temperature entity.
    """

    __slots__ = (
        "_listeners",
        "board_id",
        "climate",
        "door",
        "echo",
        "entity_keys",
        "info",
        "light",
        "measurement",
        "offline_alert",
        "on_alert",
        "on_change",
        "settings",
        "status",
        "thresholds",
    )

    def __init__(self, board_id: str) -> None:
        """Start with nothing known: no announce, no status, no reading."""
        self.board_id: Final = board_id
        self.info: BoardInfo | None = None
        self.entity_keys: set[str] = set()
        self.status = StatusState()
        self.light = LightState()
        self.climate = ClimateState()
        self.echo = EchoState()
        self.door = DoorState()
        self.measurement = MeasurementState()
        self.settings = SettingsState()
        self.thresholds = {kind: ThresholdAlert(spec) for kind, spec in SPECS.items()}
        self.offline_alert = OfflineAlert()
        self._listeners: dict[Part, list[Listener]] | None = None
        """None until the first listener: a site has thousands of boards."""
        self.on_change: Callable[[Board, Part], None] | None = None
        """Set by the hub: stores what must survive a restart."""
        self.on_alert: Callable[[Board, Transition], None] | None = None
        """Set by the hub: turns each alert that opens or resolves into an event."""

    @property
    def capabilities(self) -> frozenset[str]:
        """Capabilities from the last announce (none before the first one)."""
        return self.info.capabilities if self.info else frozenset()

    @property
    def alerts(self) -> dict[AlertKind, ThresholdAlert | OfflineAlert]:
        """Every alert of the board, by kind (stored across restarts)."""
        return {**self.thresholds, AlertKind.OFFLINE: self.offline_alert}

    def async_listen(self, parts: Iterable[Part], listener: Listener) -> None:
        """Call `listener` when any of `parts` or the availability changes."""
        if self._listeners is None:
            self._listeners = {}
        for part in dict.fromkeys((*parts, Part.AVAILABILITY)):
            self._listeners.setdefault(part, []).append(listener)

    def async_unlisten(self, parts: Iterable[Part], listener: Listener) -> None:
        """Stop what `async_listen` started with the same arguments.

        Entities call it when they are removed rather than keep a closure each: a site
        has thousands of entities.
        """
        if self._listeners is not None:
            for part in dict.fromkeys((*parts, Part.AVAILABILITY)):
                self._listeners[part].remove(listener)

    def take(self, message: BoardMessage | CsvLine, now: datetime) -> str | None:
        """Hand a message to the capability state it belongs to; say why if refused.

        The one place a board's own messages are routed: each state takes its types
        and says what changed, and the board tells who follows it.
        """
        try:
            match message:
                case LightReading():
                    changes = self.light.take(message)
                case TemperatureReading() | HumidityReading():
                    changes = self.climate.take(message)
                case Totals() | Crossing() | CsvLine():
                    changes = self.door.take(message, now)
                case LedEcho() | OledEcho():
                    changes = self.echo.take(message)
                case Measurement():
                    changes = self.measurement.take(
                        message, fixed=self.info is not None
                    )
                case SettingsEcho():
                    changes = self.settings.take(message)
        except RefusedError as err:
            return str(err)
        self.async_changed(changes)
        return None

    def async_changed(self, changes: Changes) -> None:
        """Tell the listeners of each changed part, then run its alerts and the hub."""
        for part in changes:
            if self._listeners is not None:
                for listener in self._listeners.get(part, ()):
                    listener()
            for kind in _ALERTS_FED_BY.get(part, ()):
                self.async_alert(
                    self.thresholds[kind].update(self._reading(kind), _now())
                )
            if self.on_change is not None:
                self.on_change(self, part)

    def async_set_threshold(self, kind: AlertKind, limit: float) -> None:
        """A new limit from its number entity; it applies to the last reading at once."""
        self.async_alert(self.thresholds[kind].set_limit(limit, _now()))

    def async_alert(self, transition: Transition | None) -> None:
        """Tell the alert binary sensors and the hub that an alert opened or resolved."""
        if transition is None:
            return
        self.async_changed((Part.ALERT,))
        if self.on_alert is not None:
            self.on_alert(self, transition)

    def alert_open(self, kind: AlertKind) -> bool:
        """True while the threshold alert of this kind is open."""
        return self.thresholds[kind].is_open

    def _reading(self, kind: AlertKind) -> float | None:
        """The value a threshold alert watches."""
        if kind in (AlertKind.TEMPERATURE_HIGH, AlertKind.TEMPERATURE_LOW):
            return self.climate.temperature
        if kind is AlertKind.HUMIDITY_HIGH:
            return self.climate.humidity
        if kind is AlertKind.LIGHT_LOW:
            return self.light.level
        count = self.door.count
        return None if count is None else count.occupancy


def _now() -> datetime:
    return datetime.now(UTC)
