"""The firmware's send-on-change filters, as the simulator and the benchmark model them."""

from __future__ import annotations

from datetime import datetime, timedelta
import random

import pytest

from iot_lab_sim import filters
from iot_lab_sim.fleet import make_boards
from iot_lab_sim.sensor_boards import LightBoard

START = datetime(2026, 11, 23, 0, 0)


def _samples(settings: filters.Settings, seconds: float) -> list[datetime]:
    count = int(seconds / settings.sample_every.total_seconds())
    return [START + settings.sample_every * i for i in range(count)]


def test_adc_noise_alone_sends_only_the_heartbeat() -> None:
    chain, rng = filters.LIGHT.chain(), random.Random(3)
    times = _samples(filters.LIGHT, 3600)
    sent = [chain.sample(1000 + rng.gauss(0, 25), at) for at in times]
    assert (
        sum(value is not None for value in sent) == 12
    )  # the first, then every 5 minutes


@pytest.mark.parametrize("step", [200, -200, 800, -800])
def test_a_hand_or_a_lamp_shows_within_a_second(step: int) -> None:
    """A change of 200 of 4095 or more: a hand over the sensor, a lamp switched on."""
    rng = random.Random(step)
    worst = timedelta(0)
    for trial in range(200):
        chain = filters.LIGHT.chain()
        times = _samples(filters.LIGHT, 20)
        change_at = times[50 + trial % 5]
        shown = None
        for at in times:
            level = 1000 + (step if at >= change_at else 0) + rng.gauss(0, 25)
            if (
                chain.sample(level, at) is not None
                and at >= change_at
                and shown is None
            ):
                shown = at
        assert shown is not None
        worst = max(worst, shown - change_at)
    # Sampled every 200 ms: the change is seen by the next sample at the latest.
    assert worst + filters.LIGHT.sample_every <= timedelta(seconds=1)


def test_a_light_board_day_sends_a_few_thousand_readings_not_43200() -> None:
    def day(previous: bool) -> int:
        (light, *_) = make_boards("iot_lab", 1, random.Random(1), legacy_boards=False)
        assert isinstance(light, LightBoard)
        light.previous_firmware = previous
        return sum(
            len(light.due(START + timedelta(minutes=m))) for m in range(24 * 60 + 1)
        )

    assert day(previous=True) == 43_201
    assert 288 <= day(previous=False) < 2500
