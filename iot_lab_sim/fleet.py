"""The boards of a run: so many of each kind, numbered, plus the older formats.

The numbered boards run firmware 1.1.0 (`FIRMWARE`): they announce `settings` and keep
theirs; the older formats have none.
"""

from __future__ import annotations

import random

from iot_lab_wire import (
    DHT11_BOARD,
    ESP32_BOARD,
    BoardInfo,
    Capability,
)

from .door_board import DoorBoard
from .legacy_boards import LegacyDht11, LegacyEsp32, LegacyPolysource
from .sensor_boards import ClimateBoard, LightBoard
from .simulated_board import FIRMWARE, SimulatedBoard


def make_boards(
    base_topic: str,
    count: int,
    rng: random.Random,
    *,
    legacy_boards: bool = True,
    first: int = 1,
) -> list[SimulatedBoard]:
    """`count` boards of each kind numbered from `first`, plus one of each older format.

    Sites that share a base topic (bridged without a prefix) number their boards apart.
    """
    boards: list[SimulatedBoard] = []
    for index in range(first, first + count):
        boards += _numbered(base_topic, index, rng)
    if legacy_boards:
        boards += _older_formats(base_topic, rng)
    return boards


def _info(board_id: str, model: str, name: str, *caps: Capability) -> BoardInfo:
    """A board of firmware 1.1.0: its own capabilities, and settings."""
    return BoardInfo(
        board_id, model, name, FIRMWARE, frozenset({*caps, Capability.SETTINGS})
    )


def _numbered(base_topic: str, index: int, rng: random.Random) -> list[SimulatedBoard]:
    """The light, climate and door boards numbered `index`, seeded in that order."""
    light = (Capability.LIGHT, Capability.LED, Capability.OLED)
    climate = (Capability.TEMPERATURE, Capability.HUMIDITY)
    return [
        LightBoard(
            base_topic,
            _info(f"lab-{index}", "light-oled", f"Lab bench {index}", *light),
            random.Random(rng.random()),
        ),
        ClimateBoard(
            base_topic,
            _info(
                f"climate-{index}", "climate-dht11", f"Climate corner {index}", *climate
            ),
            random.Random(rng.random()),
        ),
        DoorBoard(
            base_topic,
            _info(
                f"door-{index}",
                "door-counter",
                f"Library entrance {index}",
                Capability.COUNTER,
            ),
            random.Random(rng.random()),
            # A new boot id on every start, seed or not, unless the board finds
            # its retained totals and continues their run.
        ),
    ]


def _older_formats(base_topic: str, rng: random.Random) -> list[SimulatedBoard]:
    """One board of each older firmware's format."""
    return [
        LegacyEsp32(base_topic, ESP32_BOARD, random.Random(rng.random())),
        LegacyDht11(base_topic, DHT11_BOARD, random.Random(rng.random())),
        LegacyPolysource(
            base_topic,
            BoardInfo("polysource", "polysource", "Polysource", "legacy", frozenset()),
            random.Random(rng.random()),
        ),
    ]
