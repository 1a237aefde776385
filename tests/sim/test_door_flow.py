"""A simulated door board's people, tick by tick, through the firmware's rule."""

from __future__ import annotations

import random

import pytest

from iot_lab_sim.beams import edges_of, seen, signal_of
from iot_lab_sim.door_days import FAMILIES, family_trial, passages
from iot_lab_sim.door_flow import DoorFlow
from iot_lab_sim.door_rule import DetectedPassage
from iot_lab_sim.people import Door, Rng


@pytest.mark.parametrize("index", [1, 3, 4, 7], ids=lambda i: FAMILIES[i].name)
def test_fed_in_ticks_the_rule_counts_as_in_one_go(index: int) -> None:
    """Edges cut at any tick boundary, polls skipped while idle: the same passages."""
    door, rng, cut = Door(), Rng(index), random.Random(index)
    for _ in range(20):
        trial = family_trial(FAMILIES[index], door, rng)
        signal = signal_of(trial.people, door, rng, 0, trial.end_ms)
        phase = rng.range(0, door.sample_ms)
        reads = (seen(signal[0], door, phase), seen(signal[1], door, phase))
        end = int(trial.end_ms) + 3000
        expected = passages(edges_of(reads), 0, end)
        flow = DoorFlow(Rng(0))
        flow.waiting[0][:], flow.waiting[1][:] = reads
        got: list[DetectedPassage] = []
        tick = 0
        while tick <= end:
            tick += cut.choice([1, 16, 100, 250, 1000, 4000])
            got += flow.run_until(tick)
        assert got == expected


def test_a_passage_ending_after_its_tick_is_counted_in_the_next() -> None:
    flow = DoorFlow(Rng(3))
    assert flow.arrive(1, 0, 0, 1000) == 1
    # Through both beams, then the rule's 500 ms: never within the tick it came in.
    assert flow.run_until(1000) == []
    assert flow.run_until(6000) == [DetectedPassage.ENTRY]
    assert flow.detector.idle


def test_people_of_consecutive_ticks_queue_at_the_door() -> None:
    flow = DoorFlow(Rng(4))
    came = sum(flow.arrive(3, 0, t, t + 2000) for t in range(0, 20000, 2000))
    left = flow.arrive(0, 12, 20000, 25000)
    got = flow.run_until(200000)
    assert came >= 28
    assert left == 0  # what arrive returns: who came in
    assert abs(got.count(DetectedPassage.ENTRY) - came) <= 1
    assert abs(got.count(DetectedPassage.EXIT) - 12) <= 1
    assert flow.detector.idle
    assert flow.waiting == ([], [])
