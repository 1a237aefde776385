"""The typed messages of the wire contract: what one received payload says.

Pure Python. `topics.decode_message` and `legacy.decode_legacy` make them; the hub acts
on the board's lifecycle (`Announce`, `Status`, `Refusal`) and hands every other message
to its board, whose capability states each take their own types. Slotted and not frozen:
one is made per MQTT message, and a frozen dataclass takes twice as long to build.
"""

from __future__ import annotations

from dataclasses import dataclass

from .json_payloads import BoardInfo, CounterTotals
from .payloads import Passage
from .settings import Settings


@dataclass(slots=True, kw_only=True)
class Message:
    """What one received payload says about one board."""

    board_id: str
    kind: str
    """Refusals are logged once per board and kind: the channel, or a legacy topic."""


@dataclass(slots=True, kw_only=True)
class Announce(Message):
    """The board's retained announce; None when it was cleared (decommissioned)."""

    info: BoardInfo | None


@dataclass(slots=True, kw_only=True)
class Status(Message):
    """Birth (online) or last will (offline)."""

    online: bool


@dataclass(slots=True, kw_only=True)
class Refusal(Message):
    """A topic or payload that breaks the contract, and why."""

    reason: str


@dataclass(slots=True, kw_only=True)
class LightReading(Message):
    """A raw 12-bit photoresistor reading."""

    raw: int


@dataclass(slots=True, kw_only=True)
class TemperatureReading(Message):
    """A temperature in °C."""

    value: float


@dataclass(slots=True, kw_only=True)
class HumidityReading(Message):
    """A relative humidity in %."""

    value: float


@dataclass(slots=True, kw_only=True)
class Measurement(Message):
    """A legacy sensor's one value, in the unit and device class the sensor chose."""

    value: float
    unit: str | None = None
    device_class: str | None = None


@dataclass(slots=True, kw_only=True)
class Totals(Message):
    """A door counter's cumulative totals, the source of truth."""

    totals: CounterTotals


@dataclass(slots=True, kw_only=True)
class Crossing(Message):
    """One live passage at the door, and its direction."""

    passage: Passage


@dataclass(slots=True, kw_only=True)
class LedEcho(Message):
    """What the board's LED really does."""

    on: bool


@dataclass(slots=True, kw_only=True)
class OledEcho(Message):
    """The text the board says its OLED shows."""

    text: str


@dataclass(slots=True, kw_only=True)
class SettingsEcho(Message):
    """Every setting the board keeps, as it applied them (retained)."""

    settings: Settings


type ClimateMessage = TemperatureReading | HumidityReading
type DoorMessage = Totals | Crossing
type EchoMessage = LedEcho | OledEcho
type BoardMessage = (
    LightReading
    | ClimateMessage
    | Measurement
    | DoorMessage
    | EchoMessage
    | SettingsEcho
)
"""What a board's own state takes; the hub keeps `Announce`, `Status`, `Refusal`."""
type WireMessage = Announce | Status | Refusal | BoardMessage
"""Every message decoding gives."""
