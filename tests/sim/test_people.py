"""The simulator's people at a door (iot_lab_sim/people.py) against the host tests' own.

door_world.h and door_days.h model people for the firmware's host tests; people.py,
beams.py and door_days.py are their Python twin. One seed must give the same people and
the same edges, to the millisecond, in both languages (door_direction_test.cpp --world).
"""

from __future__ import annotations

from pathlib import Path
import subprocess

import pytest

from iot_lab_sim.beams import Body, Edge, cover, merged, sampled, signal_of
from iot_lab_sim.door_days import (
    FAMILIES,
    Trial,
    family_trial,
    library_day,
    trial_edges,
)
from iot_lab_sim.people import (
    Door,
    Doorway,
    Rng,
    draw_person,
    first_break_t,
    go_through,
    place,
    turn_back,
)


def firmware_world(program: Path, seed: int, family: int, trials: int) -> list[str]:
    """The C++ model's trials: a line "trial entries exits at_door end_ms", then edges."""
    result = subprocess.run(
        [str(program), "--world", str(seed), str(family), str(trials)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return result.stdout.splitlines()


def python_world(seed: int, family: int, trials: int) -> list[str]:
    """The same lines from the Python model."""
    rng, lines = Rng(seed), []
    for _ in range(trials):
        door = Door(leg_height=family >= 0 and FAMILIES[family].legs)
        trial: Trial = (
            library_day(door, rng)
            if family < 0
            else family_trial(FAMILIES[family], door, rng)
        )
        edges = trial_edges(trial, door, rng)
        end = f"{trial.end_ms:.17g}"
        lines.append(f"trial {trial.entries} {trial.exits} {trial.at_door} {end}")
        lines += [f"{e.beam} {int(e.broken)} {e.at}" for e in edges]
    return lines


def test_splitmix64_is_the_reference_generator() -> None:
    rng = Rng(1234567)
    # splitmix64.c seeded with 1234567 (Rosetta Code, "Pseudo-random numbers/Splitmix64").
    assert [rng.next() for _ in range(3)] == [
        6457827717110365317,
        3203168211198807973,
        9817491932198370423,
    ]
    rng = Rng(7)
    assert all(0 <= rng.uniform() < 1 for _ in range(1000))
    assert {rng.pick(3, 5) for _ in range(200)} == {3, 4, 5}


@pytest.mark.parametrize("index", range(len(FAMILIES)), ids=[f.name for f in FAMILIES])
def test_same_people_and_edges_as_the_host_tests(
    door_program: Path, index: int
) -> None:
    expected = firmware_world(door_program, 20261202 + index, index, 60)
    got = python_world(20261202 + index, index, 60)
    assert len(got) == len(expected)
    assert got == expected


def test_same_library_days_as_the_host_tests(door_program: Path) -> None:
    expected = firmware_world(door_program, 99, -1, 2)
    got = python_world(99, -1, 2)
    assert sum(line.startswith("trial") for line in expected) == 2
    assert got == expected


# ---- the model on its own -----------------------------------------------------------


def test_a_walker_breaks_outside_first_and_clears_inside_last() -> None:
    door, rng = Door(spikes_per_hour=0, dropout_chance=0), Rng(1)
    p = draw_person(rng, True, 1000)
    go_through(p, door)
    assert first_break_t(p) == pytest.approx(1000)
    edges = sampled(signal_of([p], door, rng, 0, 5000), door, 0)
    assert [(e.beam, e.broken) for e in edges if e.beam == 0] == [(0, True), (0, False)]
    assert [(e.beam, e.broken) for e in edges if e.beam == 1] == [(1, True), (1, False)]
    assert (edges[0].beam, edges[-1].beam) == (0, 1)
    assert all(e.at % 16 == 0 for e in edges)
    assert edges[0].at >= 1000


def test_someone_turning_back_breaks_and_clears_the_same_beam() -> None:
    door, rng = Door(spikes_per_hour=0, dropout_chance=0), Rng(2)
    p = draw_person(rng, False, 1000)
    turn_back(p, door.beam_gap_m)
    assert not p.crosses
    edges = sampled(signal_of([p], door, rng, 0, 8000), door, 3)
    assert (edges[0].beam, edges[-1].beam) == (1, 1)


def test_a_follower_keeps_a_clearance_behind_the_one_ahead() -> None:
    door, rng = Door(), Rng(3)
    doorway = Doorway(door)
    ahead = draw_person(rng, True, 1000)
    go_through(ahead, door)
    doorway.people.append(ahead)
    follower = draw_person(rng, True, 0)
    at = doorway.earliest(follower, 1000, 0.05)
    place(follower, at)
    go_through(follower, door)
    assert at > 1000
    assert first_break_t(follower) == pytest.approx(at)
    coming_back = draw_person(rng, False, 0)
    assert doorway.earliest(coming_back, 1000, 0.05) > ahead.centre[-1][0] - 1000


def test_cover_and_merged() -> None:
    still = Body([(0.0, 0.0), (1000.0, 0.0)], 0.1, 0.1)
    out: list[tuple[float, float]] = []
    cover(still, 0.05, out)
    assert out == [(0.0, 1000.0)]
    cover(still, 0.5, out)
    assert out == [(0.0, 1000.0)]
    assert merged([(5.0, 6.0), (0.0, 2.0), (1.0, 3.0)]) == [(0.0, 3.0), (5.0, 6.0)]


def test_library_day_truth() -> None:
    day = library_day(Door(), Rng(4))
    assert 500 < day.entries == day.exits  # everybody out by closing
    assert day.at_door >= day.entries + day.exits
    assert isinstance(trial_edges(day, Door(), Rng(5))[0], Edge)
