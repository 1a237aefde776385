"""Who comes to the door: families of scenarios and library days, and how a rule counts.

The Python twin of tests/esphome/door_days.h (people from people.py, in the same order
of draws), and the firmware's feeding loop: every edge as it comes, a poll every 100 ms.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
import math
from typing import NamedTuple

from .beams import Edge, sampled, signal_of
from .door_rule import DetectedPassage, DirectionDetector, Mounting
from .people import (
    Door,
    Doorway,
    Person,
    Rng,
    arriving,
    beside,
    first_break_t,
    go_through,
    last_t,
    linger,
    place,
    turn_back,
)

HOUR_MS = 3600000.0
OPEN_H = 8.0
CLOSE_H = 19.0
POLL_MS = 100


@dataclass
class Trial:
    """One run of people through the door and what really happened."""

    people: list[Person] = field(default_factory=list)
    entries: int = 0  # the truth: who crossed each way
    exits: int = 0
    at_door: int = 0  # who came to the door, crossing or not
    end_ms: float = 0.0

    def add(self, doorway: Doorway, p: Person) -> None:
        """Count `p` in the truth and the doorway (door_days.h's `add`)."""
        if p.crosses:
            if p.entering:
                self.entries += 1
            else:
                self.exits += 1
        self.at_door += 1
        self.end_ms = max(self.end_ms, last_t(p))
        doorway.people.append(p)
        self.people.append(p)


class Kind(Enum):
    """What a family's people do at the door."""

    WALKERS = 0
    SIDE_BY_SIDE = 1
    TURN_BACK = 2
    LINGER = 3
    BAGS = 4


class Family(NamedTuple):
    """What a family of scenarios varies (door_days.h's `Family`)."""

    name: str
    min_apart_s: float  # between one person's arrival at the door and the next one's
    max_apart_s: float
    same_way: bool  # everybody in one direction (a line) or both ways
    min_people: int
    max_people: int
    kind: Kind
    legs: bool = False  # beams at shin height


# The families of door_direction_test.cpp's `targets()`, in its order (the index is the
# C++ program's --world FAMILY).
FAMILIES = (
    Family("alone, 2-5 s apart", 2, 5, False, 1, 8, Kind.WALKERS),
    Family("coming and going, 1-3 s apart", 1, 3, False, 2, 10, Kind.WALKERS),
    Family("carrying bags, 1-3 s apart", 1, 3, False, 2, 8, Kind.BAGS),
    Family("in a line, 0.5-1 s apart", 0.5, 1.0, True, 2, 6, Kind.WALKERS),
    Family("in a line, 0.4-0.5 s apart", 0.4, 0.5, True, 2, 6, Kind.WALKERS),
    Family("side by side", 2, 5, False, 1, 3, Kind.SIDE_BY_SIDE),
    Family("turning back", 2, 5, False, 1, 3, Kind.TURN_BACK),
    Family("lingering in the doorway", 2, 5, False, 1, 3, Kind.LINGER),
    Family("shin height: alone, 2-5 s apart", 2, 5, False, 1, 8, Kind.WALKERS, True),
    Family(
        "shin height: coming and going, 1-3 s apart",
        *(1, 3, False, 2, 10, Kind.WALKERS, True),
    ),
    Family(
        "shin height: carrying bags, 1-3 s apart", 1, 3, False, 2, 8, Kind.BAGS, True
    ),
    Family(
        "shin height: in a line, 0.5-1 s apart",
        *(0.5, 1.0, True, 2, 6, Kind.WALKERS, True),
    ),
    Family("shin height: turning back", 2, 5, False, 1, 3, Kind.TURN_BACK, True),
)


def _act(f: Family, p: Person, trial: Trial, doorway: Doorway, rng: Rng) -> None:
    """What one person of the family does once at the door."""
    door = doorway.door
    if f.kind in {Kind.WALKERS, Kind.BAGS}:
        go_through(p, door)
    elif f.kind is Kind.SIDE_BY_SIDE:
        b = beside(p, rng)
        go_through(p, door)
        go_through(b, door)
        trial.add(doorway, b)
    elif f.kind is Kind.TURN_BACK:
        turn_back(p, rng.range(-p.depth / 2 + 0.03, door.beam_gap_m + p.depth / 2))
    else:
        stop = rng.range(-p.depth / 2 + 0.05, door.beam_gap_m + p.depth / 2 - 0.05)
        through = rng.chance(0.6)  # drawn before the stay, as door_days.h does
        linger(p, rng, door, stop, stay_ms=rng.range(2000, 8000), through=through)


def family_trial(f: Family, door: Door, rng: Rng) -> Trial:
    """One trial of a family of scenarios (door_days.h's `family_trial`)."""
    trial, doorway = Trial(), Doorway(door)
    t = 1000.0
    way = rng.chance(0.5)
    for _ in range(rng.pick(f.min_people, f.max_people)):
        entering = way if f.same_way else rng.chance(0.5)
        clearance = rng.range(0.03, 0.15)
        walkers = f.kind is Kind.WALKERS
        p = arriving(doorway, rng, entering, t, clearance if walkers else 0.3)
        if f.kind is Kind.BAGS:
            p.backpack = rng.range(0.10, 0.20)
            p.hand_bag = True
            place(p, doorway.earliest(p, t, clearance))
        _act(f, p, trial, doorway, rng)
        trial.add(doorway, p)
        t = first_break_t(p)
        t += rng.range(f.min_apart_s, f.max_apart_s) * 1000.0
    trial.end_ms += 1000
    return trial


# ---- a library day ------------------------------------------------------------------


def arrivals_per_minute(hour: float) -> float:
    """Groups arriving per minute: a rush at opening, the ends of classes."""
    rate = 0.8
    if hour < OPEN_H + 0.5:
        rate += 6.0 * (OPEN_H + 0.5 - hour) / 0.5
    for end_of_class in (10.0, 12.0, 14.0, 16.0, 17.0):
        d = hour - end_of_class
        if 0 <= d < 0.25:
            rate += 4.0 * (0.25 - d) / 0.25
    return rate


class GroupCrossing(NamedTuple):
    """A group crossing one way at a wished time (door_days.h's `Crossing`)."""

    at_ms: float
    entering: bool
    size: int
    side_by_side: bool


def crossings_of_a_day(rng: Rng) -> list[GroupCrossing]:
    """Groups come, stay and leave together; everybody is out by closing time."""
    crossings: list[GroupCrossing] = []
    t, close = OPEN_H * HOUR_MS, CLOSE_H * HOUR_MS
    while t < close - 0.5 * HOUR_MS:
        rate = arrivals_per_minute(t / HOUR_MS) / 60000.0  # per ms
        t += -1.0 / rate * math.log(1.0 - rng.uniform())
        if t >= close - 0.5 * HOUR_MS:
            break
        u = rng.uniform()
        size = 1 if u < 0.75 else 2 if u < 0.9 else rng.pick(3, 5)
        stay = rng.bell(100, 70, 5, 600) * 60000.0
        leave = min(t + stay, close - rng.range(0.0, 0.25) * HOUR_MS)
        # The doorway is one person wide: two abreast (a child held by the hand) is rare.
        pair = size == 2 and rng.chance(0.02)
        crossings += [
            GroupCrossing(t, True, size, pair),
            GroupCrossing(leave, False, size, pair),
        ]
    return sorted(crossings, key=lambda c: c.at_ms)


def _group(c: GroupCrossing, trial: Trial, doorway: Doorway, rng: Rng) -> None:
    """One by one through the door, 0.5-1.5 s apart; rarely a turn-back or a stop."""
    door, t, i = doorway.door, c.at_ms, 0
    while i < c.size:
        u = rng.uniform()
        p = arriving(doorway, rng, c.entering, t, rng.range(0.03, 0.15))
        if c.entering and i == 0 and u < 0.02:
            # Turns back at the door (forgot something), comes through a minute later.
            turn_back(p, rng.range(-p.depth / 2 + 0.03, door.beam_gap_m + p.depth / 2))
            trial.add(doorway, p)
            t = first_break_t(p) + rng.range(20, 90) * 1000.0
            continue
        if i == 0 and u < 0.04:
            # Stops in the doorway (a phone, a word with someone), then goes on.
            stop = rng.range(-p.depth / 2 + 0.05, door.beam_gap_m + p.depth / 2 - 0.05)
            linger(p, rng, door, stop, stay_ms=rng.range(2000, 8000), through=True)
        else:
            go_through(p, door)
        trial.add(doorway, p)
        t = first_break_t(p) + rng.range(0.5, 1.5) * 1000.0  # the next of the group
        i += 1


def library_day(door: Door, rng: Rng) -> Trial:
    """A whole library day (door_days.h's `library_day`)."""
    trial, doorway = Trial(), Doorway(door)
    for c in crossings_of_a_day(rng):
        if c.side_by_side:
            a = arriving(doorway, rng, c.entering, c.at_ms, 0.1)
            b = beside(a, rng)
            go_through(a, door)
            go_through(b, door)
            trial.add(doorway, a)
            trial.add(doorway, b)
        else:
            _group(c, trial, doorway, rng)
    trial.end_ms += 5000
    return trial


# ---- counting -----------------------------------------------------------------------


def trial_edges(trial: Trial, door: Door, rng: Rng) -> list[Edge]:
    """The edges the firmware reads of a trial: its signal, on a random read phase."""
    signal = signal_of(trial.people, door, rng, 0, trial.end_ms)
    return sampled(signal, door, rng.range(0, door.sample_ms))


def feed(
    detector: DirectionDetector,
    edges: Iterable[Edge],
    origin: int,
    end_ms: int,
    keep: Callable[[DetectedPassage], object],
) -> None:
    """Every edge as it comes, a poll every 100 ms up to `end_ms` (door_days.h)."""
    next_poll = 0
    for e in edges:
        while next_poll < e.at:
            keep(detector.poll(origin + next_poll))
            next_poll += POLL_MS
        keep(detector.update(e.beam, e.broken, origin + e.at))
    while next_poll <= end_ms:
        keep(detector.poll(origin + next_poll))
        next_poll += POLL_MS


def passages(
    edges: Iterable[Edge],
    origin: int = 0,
    end_ms: int = 0,
    mounting: Mounting = Mounting.TORSO,
) -> list[DetectedPassage]:
    """The passages a fresh detector gives for `edges`, polled until `end_ms`."""
    got: list[DetectedPassage] = []
    feed(DirectionDetector(mounting=mounting), edges, origin, end_ms, got.append)
    return [p for p in got if p is not DetectedPassage.NONE]
