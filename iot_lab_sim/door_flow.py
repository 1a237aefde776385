"""People through a simulated door board's beams, tick by tick, counted by its firmware.

The simulator's door boards publish what the firmware would count, not the truth: the
people of each tick walk through the beams (people.py, as in the host tests), the edges
ESPHome would read of them go through the firmware's rule (door_rule.py), and a board
publishes the passages the rule gives. Only the people of the tick are modelled: a tick
of a few seconds to a minute costs a few people and a few polls.

A tick's people may still be in the beams when it ends: their edges wait, merged with
the next tick's (a beam broken across two ticks is one pulse), and the rule is fed every
edge before the tick's end, with a poll every 100 ms while it has something under way.
"""

from __future__ import annotations

from .beams import Edge, Interval, merged, seen, signal_of
from .door_days import POLL_MS
from .door_rule import DetectedPassage, DirectionDetector, Mounting
from .people import (
    Door,
    Doorway,
    Person,
    Rng,
    arriving,
    go_through,
    linger,
    turn_back,
)


class DoorFlow:
    """One door's people and its firmware's rule, on a millisecond clock of its own."""

    def __init__(self, rng: Rng, door: Door | None = None) -> None:
        """A door nobody has passed yet; the GPIO reads on a phase of their own."""
        self.rng = rng
        self.door = door or Door()
        self.doorway = Doorway(self.door)
        self.phase = rng.range(0, self.door.sample_ms)
        self.detector = DirectionDetector()
        self.waiting: tuple[list[Interval], list[Interval]] = ([], [])  # read pulses
        self.clock = 0  # every edge before this ms has been fed
        self.next_poll = 0

    def configure(self, gap_ms: int, mounting: Mounting) -> None:
        """The board's settings for its rule, from now on.

        A new gap applies to the rule as it is; another mounting starts a rule of that
        mounting, which forgets whoever was between the beams at that moment.
        """
        legs = self.detector.strides is not None
        if legs != (mounting is Mounting.LEGS):
            self.detector = DirectionDetector(gap_ms, mounting=mounting)
        self.detector.gap_ms = gap_ms

    def arrive(self, entering: int, leaving: int, start: int, end: int) -> int:
        """People coming in and going out at random moments of [start, end) ms.

        Returns how many of those coming in really came in (a few turn back).
        """
        wished = [(self.rng.range(start, end), True) for _ in range(entering)]
        wished += [(self.rng.range(start, end), False) for _ in range(leaving)]
        people = [self._person(t, way) for t, way in sorted(wished)]
        signal = signal_of(people, self.door, self.rng, start, end)
        for beam in (0, 1):
            read = seen(signal[beam], self.door, self.phase)
            self.waiting[beam][:] = merged(self.waiting[beam] + read)
        return sum(p.entering and p.crosses for p in people)

    def _person(self, t: float, entering: bool) -> Person:
        """Someone at the door as soon as it is free after `t`.

        Most walk through; now and then one turns back or stops in the doorway, as on
        the host tests' library days.
        """
        rng, door = self.rng, self.door
        u = rng.uniform()
        p = arriving(self.doorway, rng, entering, t, rng.range(0.03, 0.15))
        if entering and u < 0.02:
            turn_back(p, rng.range(-p.depth / 2 + 0.03, door.beam_gap_m + p.depth / 2))
        elif u < 0.04:
            stop = rng.range(-p.depth / 2 + 0.05, door.beam_gap_m + p.depth / 2 - 0.05)
            linger(p, rng, door, stop, stay_ms=rng.range(2000, 8000), through=True)
        else:
            go_through(p, door)
        self.doorway.people[:] = [p]  # the next one only waits for the last one
        return p

    def run_until(self, end: int) -> list[DetectedPassage]:
        """Feed the rule every edge before `end` ms; the passages it gave."""
        got: list[DetectedPassage] = []
        for edge in self._edges_before(end):
            self._poll_until(edge.at, got)
            got.append(self.detector.update(edge.beam, edge.broken, edge.at))
        self._poll_until(end, got)
        self.clock = max(self.clock, end)
        return [p for p in got if p is not DetectedPassage.NONE]

    def _edges_before(self, end: int) -> list[Edge]:
        """The waiting edges before `end`, in time; the outside GPIO is read first."""
        edges = []
        for beam in (0, 1):
            keep = []
            for on, off in self.waiting[beam]:
                if self.clock <= int(on) < end:
                    edges.append(Edge(beam, True, int(on)))
                if int(off) < end:
                    edges.append(Edge(beam, False, int(off)))
                else:
                    keep.append((on, off))
            self.waiting[beam][:] = keep
        return sorted(edges, key=lambda e: (e.at, e.beam))

    def _poll_until(self, until: int, got: list[DetectedPassage]) -> None:
        """The firmware's polls before `until`; those of an idle rule change nothing."""
        while self.next_poll < until and not self.detector.idle:
            got.append(self.detector.poll(self.next_poll))
            self.next_poll += POLL_MS
        if self.next_poll < until:
            self.next_poll += -(-(until - self.next_poll) // POLL_MS) * POLL_MS
