"""Settings a board keeps, changed from Home Assistant: `<base>/<id>/config[/set]`.

Pure Python. Home Assistant sends a JSON object of the settings to change on
`config/set` (never retained); the board checks the whole object, applies it or nothing,
keeps it across reboots and publishes all its settings, retained, on `config`: that echo
is the only state Home Assistant shows. Both sides use the same table, so a value one
side refuses the other refuses too. A board announces the `settings` capability when its
firmware has the channel; older firmware gets no settings entities.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
import json
import math
from typing import Any, Final

from .json_payloads import Capability, json_object
from .payloads import Payload, ProtocolError, shorten


@dataclass(frozen=True, slots=True)
class SettingSpec:
    """One setting: the board kind that has it, its type and its bounds."""

    capability: Capability
    kind: type[bool] | type[int] | type[float] | type[str]
    minimum: float = 0
    maximum: float = 0
    choices: tuple[str, ...] = ()

    def check(self, key: str, value: object) -> bool | int | float | str:
        """`value` if it is of this setting's type and within its bounds, else raise."""
        if self.kind is bool:
            if isinstance(value, bool):
                return value
        elif self.kind is str:
            if isinstance(value, str) and value in self.choices:
                return value
            raise ProtocolError(
                f"setting {key} {shorten(value)} is not one of {self.choices}"
            )
        elif isinstance(value, int | float) and not isinstance(value, bool):
            value = _finite(key, value)
            if self.kind is int and not value.is_integer():
                raise ProtocolError(
                    f"setting {key} {shorten(value)} is not a whole number"
                )
            if not self.minimum <= value <= self.maximum:
                raise ProtocolError(
                    f"setting {key} {value:g} is outside {self.minimum:g}..{self.maximum:g}"
                )
            return int(value) if self.kind is int else float(value)
        raise ProtocolError(
            f"setting {key} {shorten(value)} is not a {self.kind.__name__}"
        )


def _finite(key: str, value: float) -> float:
    """A JSON number as a finite float (an integer too large for one is refused)."""
    try:
        number = float(value)
    except OverflowError:
        raise ProtocolError(f"setting {key} {shorten(value)} is out of range") from None
    if not math.isfinite(number):
        raise ProtocolError(f"setting {key} {shorten(value)} is not a finite number")
    return number


MOUNTINGS: Final = ("torso", "legs")

SETTINGS: Final[dict[str, SettingSpec]] = {
    # Door counter: beams mounted the other way round, the rule's gap, their height.
    "swap": SettingSpec(Capability.COUNTER, bool),
    "gap_ms": SettingSpec(Capability.COUNTER, int, 200, 2000),
    "mounting": SettingSpec(Capability.COUNTER, str, choices=MOUNTINGS),
    # Light board: the change that makes it send (%), its heartbeat, its sampling.
    "light_delta": SettingSpec(Capability.LIGHT, float, 0.5, 50),
    "light_heartbeat_s": SettingSpec(Capability.LIGHT, int, 10, 3600),
    "light_sample_ms": SettingSpec(Capability.LIGHT, int, 100, 60000),
    # Climate board: its sending thresholds and heartbeat.
    "temperature_delta": SettingSpec(Capability.TEMPERATURE, float, 0.1, 5),
    "humidity_delta": SettingSpec(Capability.HUMIDITY, float, 0.5, 20),
    "climate_heartbeat_s": SettingSpec(Capability.TEMPERATURE, int, 10, 3600),
}
"""Every setting of every board kind; a board has those of the capabilities it announces."""

type Settings = dict[str, bool | int | float | str]


def check_settings(data: Mapping[str, Any]) -> Settings:
    """Every key known and every value valid, or raise (nothing is applied half-way)."""
    if not data:
        raise ProtocolError("settings object is empty")
    if unknown := sorted(set(data) - set(SETTINGS)):
        raise ProtocolError(f"unknown setting(s) {shorten(unknown)}")
    return {key: SETTINGS[key].check(key, value) for key, value in data.items()}


def parse_settings(payload: Payload) -> Settings:
    """A board's retained echo, or a `config/set` command: one JSON object of settings."""
    return check_settings(json_object(payload, "settings"))


def settings_payload(settings: Mapping[str, Any]) -> str:
    """Serialise settings for `config/set` or the echo, refusing what the board would."""
    return json.dumps(check_settings(settings), separators=(",", ":"), sort_keys=True)
