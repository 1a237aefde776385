"""What the recorder part feeds: one simulated board-day, and the firmware's step delay.

A board's day comes from the simulator's own boards (iot_lab_sim), as the firmware sends
it now (send on change) or as the previous firmware did; core's MQTT sensors for the same
board are announced by discovery. A step's delay in the firmware comes from the filter
model (iot_lab_sim/filters.py): the benchmark measures only Home Assistant's part.
"""

from __future__ import annotations

from datetime import datetime, timedelta
import json
import random
from typing import Any

from iot_lab_sim import filters
from iot_lab_sim.door_board import DoorBoard
from iot_lab_sim.fleet import make_boards
from iot_lab_sim.sensor_boards import ClimateBoard, LightBoard
from iot_lab_sim.simulated_board import SimulatedBoard

DAY = datetime(2026, 11, 23)
CORE_DEVICE = {"identifiers": ["core_board"], "name": "Core board"}
CORE_SENSORS: dict[str, list[tuple[str, str, dict[str, Any]]]] = {
    "light": [
        ("core_light", "iot_lab/lab-1/light", {"name": "Light"}),
        (
            "core_light_level",
            "iot_lab/lab-1/light",
            {
                "name": "Level",
                "unit_of_measurement": "%",
                "value_template": "{{ (value | int * 100 / 4095) | round(1) }}",
            },
        ),
    ],
    "climate": [
        (
            "core_temperature",
            "iot_lab/climate-1/temperature",
            {
                "name": "Temperature",
                "unit_of_measurement": "°C",
                "device_class": "temperature",
            },
        ),
        (
            "core_humidity",
            "iot_lab/climate-1/humidity",
            {
                "name": "Humidity",
                "unit_of_measurement": "%",
                "device_class": "humidity",
            },
        ),
    ],
}
"""Home Assistant's own MQTT sensors per board kind: unique id, state topic, options."""


def board_day(
    kind: str, *, previous: bool, minutes: int = 24 * 60
) -> list[tuple[str, str, bool]]:
    """One simulated day (or its first `minutes`) of one board: (topic, payload, retain)."""
    light, climate, door = make_boards(
        "iot_lab", 1, random.Random(1), legacy_boards=False
    )
    board: SimulatedBoard = {"light": light, "climate": climate, "door": door}[kind]
    if isinstance(board, LightBoard | ClimateBoard):
        board.previous_firmware = previous
    if isinstance(board, DoorBoard):
        board.settle()
    messages = [(m.topic, m.payload, m.retain) for m in board.announce()]
    for minute in range(minutes + 1):
        messages += [
            (m.topic, m.payload, m.retain)
            for m in board.due(DAY + timedelta(minutes=minute))
        ]
    return messages


def core_sensor_configs(kind: str) -> list[tuple[str, str, bool]]:
    """Home Assistant's own MQTT sensors for the same board (discovery, retained)."""
    return [
        (
            f"homeassistant/sensor/{unique_id}/config",
            json.dumps(
                {
                    "unique_id": unique_id,
                    "state_topic": topic,
                    "state_class": "measurement",
                    "device": CORE_DEVICE,
                    **extra,
                }
            ),
            True,
        )
        for unique_id, topic, extra in CORE_SENSORS[kind]
    ]


def step_delays(previous: bool, count: int = 1000) -> list[float]:
    """Seconds from a step on the sensor (a lamp, a hand) until the board sends it.

    The firmware's part of the delay, from the filter model: the step falls anywhere
    between two samples (or two readings of the previous firmware).
    """
    rng = random.Random(7)
    delays = []
    for _ in range(count):
        if previous:
            delays.append(rng.uniform(0, filters.PREVIOUS_LIGHT_EVERY.total_seconds()))
            continue
        chain, every = filters.LIGHT.chain(), filters.LIGHT.sample_every
        phase = timedelta(seconds=rng.uniform(0, every.total_seconds()))
        at = DAY
        for _ in range(50):  # settled before the step
            chain.sample(1000 + rng.gauss(0, 25), at)
            at += every
        step_at = at - every + phase
        while chain.sample(1800 + rng.gauss(0, 25), at) is None:
            at += every
        delays.append((at - step_at).total_seconds())
    return delays
