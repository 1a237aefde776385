"""The typed messages of the wire contract: what one received payload says.

Pure Python (no Home Assistant import). `protocol.decode_message` and
`legacy.decode_legacy` produce them; the hub acts on each type in one place. Slotted and
not frozen: one is made per MQTT message, and a frozen dataclass takes twice as long.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .parsers import BoardInfo, CounterTotals, Passage


class Quantity(StrEnum):
    """What a reading measures."""

    LIGHT = "light"
    TEMPERATURE = "temperature"
    HUMIDITY = "humidity"
    MEASUREMENT = "measurement"
    """A legacy sensor's one value, in the unit the sensor chose."""


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
class Reading(Message):
    """One measured value; a legacy measurement carries its unit and device class."""

    quantity: Quantity
    value: float
    unit: str | None = None
    device_class: str | None = None


@dataclass(slots=True, kw_only=True)
class Totals(Message):
    """A door counter's cumulative totals, the source of truth."""

    totals: CounterTotals


@dataclass(slots=True, kw_only=True)
class Crossing(Message):
    """One live passage at the door."""

    passage: Passage


@dataclass(slots=True, kw_only=True)
class Echo(Message):
    """What the board's LED or OLED really does (one of the two is set)."""

    led: bool | None = None
    oled: str | None = None


@dataclass(slots=True, kw_only=True)
class Refusal(Message):
    """A topic or payload that breaks the contract, and why."""

    reason: str
