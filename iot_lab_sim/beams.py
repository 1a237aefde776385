"""What two beams see of people (people.py), and what the firmware reads of them.

The second half of tests/esphome/door_world.h, in Python and in the same order of draws:
a beam is broken while a body covers it (the torso, or legs and a hand-held bag at shin
height), with the sensors' rare spikes and dropouts; ESPHome reads each GPIO every 16 ms,
so the detector sees edges on that grid.
"""

from __future__ import annotations

from dataclasses import dataclass
import math
from typing import NamedTuple

from .people import Door, Path, Person, Rng, position_at

type Interval = tuple[float, float]  # (on, off) ms


@dataclass(frozen=True, slots=True)
class Body:
    """Something that breaks a beam: it covers [centre - back, centre + front]."""

    centre: Path
    back: float
    front: float


class Edge(NamedTuple):
    """One edge as the firmware reads it: beam 0 outside, 1 inside; integer ms."""

    beam: int
    broken: bool
    at: int


def cover(body: Body, beam_x: float, out: list[Interval]) -> None:
    """Append the times when the body covers the point `beam_x` of its own axis."""
    lo, hi = beam_x - body.front, beam_x + body.back  # the centre must be in [lo, hi]
    path = body.centre
    for i in range(1, len(path)):
        (at, ax), (bt, bx) = path[i - 1], path[i]
        if bt <= at:
            continue
        if ax == bx:
            if ax < lo or ax > hi:
                continue
            t0, t1 = at, bt
        else:
            ta = at + (lo - ax) / (bx - ax) * (bt - at)
            tb = at + (hi - ax) / (bx - ax) * (bt - at)
            t0 = max(at, min(ta, tb))
            t1 = min(bt, max(ta, tb))
            if t1 <= t0:
                continue
        if out and out[-1][1] >= t0:
            out[-1] = (out[-1][0], max(out[-1][1], t1))
        else:
            out.append((t0, t1))


def legs_of(p: Person, rng: Rng) -> list[Body]:
    """At shin height: each foot lands half a step ahead of the centre, then a bag."""
    t0, t_end, half = p.centre[0][0], p.centre[-1][0], p.step_ms / 2
    legs = []
    for leg in (0, 1):
        centre: Path = []
        t = t0 + leg * p.step_ms
        while t <= t_end + 2 * p.step_ms:
            lands = position_at(p.centre, t + half)
            centre += [(t, lands), (t + p.step_ms, lands)]
            t += 2 * p.step_ms
        legs.append(Body(centre, 0.06, 0.06))
    if p.hand_bag:
        size = rng.range(0.07, 0.12)
        swing = rng.range(0.05, 0.15)
        bag: Path = []
        t, side = t0, 1.0
        while t <= t_end + p.step_ms:
            bag.append((t, position_at(p.centre, t) + side * swing))
            t, side = t + p.step_ms, -side
        legs.append(Body(bag, size, size))
    return legs


def bodies_of(p: Person, door: Door, rng: Rng) -> list[Body]:
    """What of the person the beams can break at their height."""
    if door.leg_height:
        return legs_of(p, rng)
    return [Body(p.centre, p.depth / 2 + p.backpack, p.depth / 2)]


def merged(intervals: list[Interval]) -> list[Interval]:
    """The union, in order."""
    out: list[Interval] = []
    for on, off in sorted(intervals, key=lambda i: i[0]):
        if out and on <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], off))
        else:
            out.append((on, off))
    return out


def signal_of(
    people: list[Person], door: Door, rng: Rng, start: float, end: float
) -> tuple[list[Interval], list[Interval]]:
    """Each beam's physical signal (A, B): every body on it, spikes and dropouts."""
    raw: tuple[list[Interval], list[Interval]] = ([], [])
    for p in people:
        for body in bodies_of(p, door, rng):
            first: list[Interval] = []
            second: list[Interval] = []
            cover(body, 0.0, first)
            cover(body, door.beam_gap_m, second)
            raw[0 if p.entering else 1].extend(first)
            raw[1 if p.entering else 0].extend(second)
    signal: tuple[list[Interval], list[Interval]] = ([], [])
    for beam in (0, 1):
        spikes = door.spikes_per_hour * (end - start) / 3600000.0
        for _ in range(int(spikes + rng.uniform())):
            at = rng.range(start, end)
            raw[beam].append((at, at + rng.range(3, 30)))
        for on, off in merged(raw[beam]):
            if off - on > 60 and rng.chance(door.dropout_chance):
                at = rng.range(on + 10, off - 40)
                gap = rng.range(3, 25)
                signal[beam].extend(((on, at), (at + gap, off)))
            else:
                signal[beam].append((on, off))
    return signal


def seen(pulses: list[Interval], door: Door, phase: float) -> list[Interval]:
    """One beam read every `sample_ms` from `phase`, as the firmware sees it.

    A pulse lasts from the first read inside it to the first read after it; one that no
    read falls into is not seen at all.
    """
    out: list[Interval] = []
    for pulse_on, pulse_off in pulses:
        on = phase + math.ceil((pulse_on - phase) / door.sample_ms) * door.sample_ms
        off = phase + math.ceil((pulse_off - phase) / door.sample_ms) * door.sample_ms
        if off <= on:
            continue
        if out and on <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], off))
        else:
            out.append((on, off))
    return out


def edges_of(beams: tuple[list[Interval], list[Interval]]) -> list[Edge]:
    """Both beams' read pulses as edges in time; the outside GPIO is read first."""
    edges = [
        Edge(beam, broken, int(at))
        for beam in (0, 1)
        for on, off in beams[beam]
        for broken, at in ((True, on), (False, off))
    ]
    return sorted(edges, key=lambda e: (e.at, e.beam))


def sampled(
    signal: tuple[list[Interval], list[Interval]], door: Door, phase: float
) -> list[Edge]:
    """The edges the firmware reads of a signal (door_world.h's `sampled`)."""
    return edges_of((seen(signal[0], door, phase), seen(signal[1], door, phase)))
