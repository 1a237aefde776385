"""The simulator's door rule (iot_lab_sim/door_rule.py) against the firmware's own.

door_direction.h runs in the boards, door_rule.py in the simulator: the same edges must
give the same passages. The edges come from the people model (iot_lab_sim/people.py,
the twin of the host tests' model), family by family and over a library day, and go
through the C++ header compiled by g++ (door_direction_test.cpp --edges).
"""

from __future__ import annotations

from pathlib import Path
import subprocess

import pytest

from iot_lab_sim.beams import Edge
from iot_lab_sim.door_days import (
    FAMILIES,
    family_trial,
    feed,
    library_day,
    passages,
    trial_edges,
)
from iot_lab_sim.door_rule import DetectedPassage, DirectionDetector, Mounting
from iot_lab_sim.people import Door, Rng

E, X = DetectedPassage.ENTRY, DetectedPassage.EXIT
OUT, IN = 0, 1
WRAP = 4294960000  # 7.3 s before the 32-bit wrap of millis()

type Pulse = tuple[int, int, int]  # beam, on, off


def edges_of(pulses: list[Pulse]) -> list[Edge]:
    """Edges of hand-written pulses; at the same ms a clear comes before a break."""
    edges = [
        Edge(b, broken, at)
        for b, on, off in pulses
        for broken, at in ((True, on), (False, off))
    ]
    return sorted(edges, key=lambda e: (e.at, e.broken))


def walk(first: int, t: int, gap: int, hold: int = 250) -> list[Pulse]:
    """Someone through both beams: the first breaks at t, the second `gap` later."""
    return [(first, t, t + hold), (1 - first, t + gap, t + gap + hold)]


def counted(pulses: list[Pulse], origin: int = 100000) -> list[DetectedPassage]:
    edges = edges_of(pulses)
    return passages(edges, origin, edges[-1].at + 3000 if edges else 0)


@pytest.mark.parametrize(
    ("pulses", "expected"),
    [
        pytest.param(walk(OUT, 1000, 250), [E], id="entry"),
        pytest.param(walk(IN, 1000, 250), [X], id="exit"),
        pytest.param(walk(OUT, 1000, 150, 100), [E], id="runner"),
        pytest.param([(OUT, 1000, 1300), (IN, 1400, 1700)], [E], id="thin walker"),
        pytest.param([(OUT, 1000, 1200), (IN, 2001, 2200)], [], id="too far apart"),
        pytest.param(
            [(OUT, 1000, 1200), (IN, 1441, 1640)], [E], id="the library's rule"
        ),
        pytest.param([(OUT, 1000, 1200), (IN, 1440, 1640)], [E], id="a child"),
        pytest.param(
            [(OUT, 1000, 6400), (IN, 6000, 6700)], [E], id="standing, then in"
        ),
        pytest.param([(OUT, 1000, 1250), (IN, 1000, 1400)], [E], id="both at once"),
        pytest.param(
            [(OUT, 1000, 1300), (IN, 1005, 1305)], [], id="at once, both ways"
        ),
        pytest.param([(OUT, 1000, 1600), (IN, 1150, 1400)], [], id="turns back"),
        pytest.param([(IN, 1000, 1700), (OUT, 1200, 1300)], [], id="turns back out"),
        pytest.param([(IN, 1000, 1300)], [], id="lone beam"),
        pytest.param([(IN, 1000, 1016)], [], id="a fly"),
        pytest.param(
            [(OUT, 1000, 1100), (OUT, 1116, 1250), (IN, 1120, 1380)], [E], id="dropout"
        ),
        pytest.param(
            walk(OUT, 1000, 250) + walk(OUT, 1400, 250), [E, E], id="0.4 s apart: two"
        ),
        pytest.param(
            [p for t in range(1000, 5000, 800) for p in walk(IN, t, 250)],
            [X] * 5,
            id="five 0.8 s apart",
        ),
        pytest.param(walk(OUT, 1000, 250, 700), [E], id="touching: one"),
        pytest.param(
            walk(OUT, 1000, 120) + walk(IN, 2500, 130), [E, X], id="one in, one out"
        ),
    ],
)
def test_hand_pulses(pulses: list[Pulse], expected: list[DetectedPassage]) -> None:
    assert counted(pulses) == expected


def test_across_the_millis_wrap_around() -> None:
    assert counted(walk(IN, 7000, 200, 400), WRAP) == [X]
    assert counted([(OUT, 5000, 9000), (IN, 8800, 9300)], WRAP) == [E]


def test_a_passage_comes_a_gap_after_the_last_clear() -> None:
    detector = DirectionDetector()
    assert detector.idle
    for beam, broken, at in edges_of(walk(OUT, 1000, 250)):
        assert detector.update(beam, broken, at) is DetectedPassage.NONE
    assert not detector.idle
    assert (
        detector.poll(1700) is DetectedPassage.NONE
    )  # B cleared at 1500: not gap_ms yet
    assert detector.poll(2100) is DetectedPassage.ENTRY
    assert detector.idle


def test_the_same_level_twice_and_an_unknown_beam_change_nothing() -> None:
    detector = DirectionDetector()
    assert detector.update(OUT, False, 500) is DetectedPassage.NONE
    assert detector.update(2, True, 600) is DetectedPassage.NONE
    assert detector.idle


# ---- against the C++ ---------------------------------------------------------------


def firmware_passages(
    program: Path, edges: list[Edge], origin: int = 0, *, legs: bool = False
) -> list[DetectedPassage]:
    """door_direction.h's passages for `edges` (polled up to 3 s after the last)."""
    text = "".join(f"{e.beam} {int(e.broken)} {e.at}\n" for e in edges)
    result = subprocess.run(
        [str(program), "--edges", str(origin), "legs" if legs else "torso"],
        input=text,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return [E if word == "in" else X for word in result.stdout.split()]


def python_passages(
    edges: list[Edge], origin: int = 0, *, legs: bool = False
) -> list[DetectedPassage]:
    mounting = Mounting.LEGS if legs else Mounting.TORSO
    return passages(edges, origin, edges[-1].at + 3000 if edges else 0, mounting)


@pytest.mark.parametrize("index", range(len(FAMILIES)), ids=[f.name for f in FAMILIES])
def test_same_passages_as_the_firmware_family_by_family(
    door_program: Path, index: int
) -> None:
    family = FAMILIES[index]
    door = Door(leg_height=family.legs)
    rng = Rng(2026 + index)
    both = 0
    for trial in range(30):
        edges = trial_edges(family_trial(family, door, rng), door, rng)
        origin = WRAP if trial % 5 == 0 else 0  # the clock wraps during some trials
        ours = python_passages(edges, origin, legs=family.legs)
        mine = firmware_passages(door_program, edges, origin, legs=family.legs)
        assert ours == mine, edges
        both += len(ours)
    # Something was counted (turn-backs aside), so the comparison was not empty.
    assert both > 0 or "turning back" in family.name


def test_same_passages_as_the_firmware_over_a_library_day(door_program: Path) -> None:
    door = Door()
    rng = Rng(25)
    day = library_day(door, rng)
    edges = trial_edges(day, door, rng)
    ours = python_passages(edges)
    assert ours == firmware_passages(door_program, edges)
    # A day's count is close to the truth (the host tests hold the exact thresholds).
    assert abs(ours.count(E) - day.entries) <= 0.02 * day.entries
    assert abs(ours.count(X) - day.exits) <= 0.02 * day.exits


def test_feed_polls_every_100_ms_until_the_end() -> None:
    polled: list[DetectedPassage] = []
    feed(DirectionDetector(), [], 0, 1000, polled.append)
    assert len(polled) == 11
