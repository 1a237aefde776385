"""The boards send their readings as the simulator's model says they do.

`send_on_change.h` (the light and climate boards' threshold and heartbeat, read from the
settings at each sample) is compiled with g++ and fed the same samples as
`iot_lab_sim.filters.SendOnChange` (after its moving average, which ESPHome does on the
board): every sample must be sent by both or by neither, across thresholds, heartbeats,
sampling periods, a jittery clock and the wrap-around of `millis()`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
import random
import subprocess

import pytest

from iot_lab_sim import filters

from .host import COMPONENTS, build

CHECKER = Path(__file__).with_name("send_on_change_check.cpp")
START = datetime(2026, 12, 2, 8, 0)
WRAP = 4294960000
"""7.3 s before `millis()` wraps."""


def _run(rng: random.Random) -> tuple[float, int, int, list[tuple[int, float]]]:
    delta = rng.choice([0.25, 0.5, 1, 2, 20, 80, 2048])
    heartbeat_ms = rng.choice([200, 1000, 10_000, 300_000])
    sample_ms = rng.choice([100, 200, 1000, 2000, 60_000])
    origin = rng.choice([0, WRAP, rng.randrange(2**32)])
    at, value, samples = 0, rng.randint(0, 4095) / 4, []
    for _ in range(rng.randint(1, 300)):
        at += sample_ms + rng.randint(-sample_ms // 10, sample_ms // 10)
        value = min(
            4095.0, max(0.0, value + rng.choice([0, 0, 0.25, -0.25, delta, -delta, 5]))
        )
        samples.append((at, value))
    return delta, heartbeat_ms, origin, samples


def _modelled(
    delta: float, heartbeat_ms: int, samples: list[tuple[int, float]]
) -> list[bool]:
    chain = filters.SendOnChange(1, delta, timedelta(milliseconds=heartbeat_ms))
    return [
        chain.sample(value, START + timedelta(milliseconds=at)) is not None
        for at, value in samples
    ]


def test_board_sends_what_the_model_sends(tmp_path: Path) -> None:
    binary = build(
        CHECKER, COMPONENTS / "iot_lab_settings", tmp_path / "send_on_change"
    )
    rng = random.Random(2026)
    runs = [_run(rng) for _ in range(400)]
    lines = []
    for delta, heartbeat_ms, origin, samples in runs:
        lines.append(f"run {delta} {heartbeat_ms} {origin}")
        lines += [f"{at} {value}" for at, value in samples]
    result = subprocess.run(
        [str(binary)],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    board = [answer == "1" for answer in result.stdout.split()]
    model = [
        sent
        for delta, heartbeat_ms, _, samples in runs
        for sent in _modelled(delta, heartbeat_ms, samples)
    ]
    assert len(board) == len(model)
    assert board == model
    # Both answers occur often enough to mean something.
    assert 5000 < sum(model) < len(model) - 5000


@pytest.mark.parametrize("settings", [filters.LIGHT, filters.CLIMATE_TEMPERATURE])
def test_the_models_defaults_are_whole_milliseconds(settings: filters.Settings) -> None:
    """The board's clock counts milliseconds: the model's periods must too."""
    for period in (settings.heartbeat, settings.sample_every):
        assert period % timedelta(milliseconds=1) == timedelta(0)
