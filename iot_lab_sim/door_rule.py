"""The door counter's direction rule, as the firmware runs it, in Python.

A line-for-line twin of esphome/components/iot_lab_door/door_direction.h, which states
the rule and its physical limits: one person is one pulse on each beam, the two pulses
paired; the beam that broke first is where they came from, the one that cleared last
where they went. The simulator's door boards count with it, so they miscount exactly as
a real board would; tests/sim/test_door_rule.py feeds both twins the same edges.

Times are the firmware's 32-bit millisecond clock: every difference is taken modulo 2**32,
as in C++, so a count goes on across the wrap-around of millis().
"""

from __future__ import annotations

from .door_pulses import (
    FILL_MS,
    HOLD_MS,
    LONE_MS,
    MASK,
    NOBODY,
    SLOTS,
    DetectedPassage,
    Mounting,
    Pair,
    StrideRule,
    after,
    between,
    cleared,
    sub,
    theirs,
)

__all__ = ["DetectedPassage", "DirectionDetector", "Mounting"]


class DirectionDetector:
    """Two beams' edges in, passages out (beam 0 outside, 1 inside)."""

    def __init__(
        self,
        gap_ms: int = 500,
        simultaneous_ms: int = 15,
        debounce_ms: int = 40,
        mounting: Mounting = Mounting.TORSO,
    ) -> None:
        """The header's defaults; all state as its members, a pulse as (on, off)."""
        self.strides = StrideRule() if mounting is Mounting.LEGS else None
        self.gap_ms, self.simultaneous_ms = gap_ms, simultaneous_ms
        self.debounce_ms = debounce_ms
        self.level = [False, False]  # as last reported
        self.clearing = [False, False]  # cleared, for less than FILL_MS so far
        self.clear_at = [0, 0]
        self.open_on = [0, 0]  # when the beam's current pulse broke
        self.open_pair = [NOBODY, NOBODY]
        self.waiting: list[list[tuple[int, int]]] = [[], []]
        self.pairs = [Pair() for _ in range(SLOTS)]
        self.lone_beam, self.lone = NOBODY, (0, 0)  # the last pulse that was nobody's
        self.out: list[DetectedPassage] = []

    @property
    def idle(self) -> bool:
        """Nothing under way: a poll now would change nothing (a feeder may skip it)."""
        if self.strides is not None:
            return self.strides.idle
        return not (
            any(self.level)
            or any(self.clearing)
            or any(self.waiting)
            or self.out
            or any(pair.used for pair in self.pairs)
        )

    def update(self, beam: int, broken: bool, now_ms: int) -> DetectedPassage:
        """Feed one edge of one beam; return a passage completed by now, if any."""
        now_ms &= MASK
        if beam > 1 or self.level[beam] == broken:
            return self._take()  # unknown beam, or the same level reported twice
        if self.strides is not None:
            self.level[beam] = broken
            return self.strides.update(beam, broken, now_ms)
        self._settle(now_ms)
        self.level[beam] = broken
        if not broken:
            self.clearing[beam] = True
            self.clear_at[beam] = now_ms
        elif self.clearing[beam]:
            self.clearing[beam] = False  # cleared for less than FILL_MS: one pulse
        else:
            self._start_pulse(beam, now_ms)
        return self._take()

    def poll(self, now_ms: int) -> DetectedPassage:
        """Time passing without an edge (the firmware polls every 100 ms)."""
        if self.strides is not None:
            return self.strides.poll(now_ms & MASK)
        self._settle(now_ms & MASK)
        return self._take()

    def _settle(self, now_ms: int) -> None:
        """Make final the clears that lasted FILL_MS, in order; expire, then judge."""
        while (beam := self._next_clear(now_ms)) != NOBODY:
            self.clearing[beam] = False
            self._end_pulse(beam, self.clear_at[beam])
        for b in (0, 1):
            self._expire(b, now_ms)
        self._judge_ready(now_ms)

    def _next_clear(self, now_ms: int) -> int:
        """The beam whose clear came first of those FILL_MS old by now, or NOBODY."""
        beam = NOBODY
        for b in (0, 1):
            final = not after((self.clear_at[b] + FILL_MS) & MASK, now_ms)
            if (self.clearing[b] and final) and (
                beam == NOBODY or after(self.clear_at[beam], self.clear_at[b])
            ):
                beam = b
        return beam

    def _start_pulse(self, beam: int, now_ms: int) -> None:
        other = 1 - beam
        self._expire(other, now_ms)
        self.open_on[beam] = now_ms
        self.open_pair[beam] = NOBODY
        last = self._newest_pair()
        if last != NOBODY and self._standing(last, other, now_ms):
            self._join(last, beam)  # someone in the doorway, shifting their weight
            return
        partner_open = False
        near = self._near_waiting(other, now_ms)
        if near != NOBODY:
            partner = self.waiting[other].pop(near)
        elif (self.level[other] or self.clearing[other]) and self.open_pair[
            other
        ] == NOBODY:
            partner, partner_open = (self.open_on[other], 0), True
        else:
            return  # the first beam of someone, or nobody's: wait for a partner
        self.lone_beam = (
            NOBODY  # someone is going through: a lone pulse before is nobody's
        )
        slot = self._free_slot()
        pair = self.pairs[slot] = Pair(used=True, formed_at=now_ms, open=1)
        simultaneous = sub(now_ms, partner[0]) < self.simultaneous_ms
        pair.first = NOBODY if simultaneous else other
        pair.paired[other], pair.paired[beam] = [partner[0]] * 2, [now_ms] * 2
        if not partner_open:
            cleared(pair, other, partner)
        else:
            pair.open = 2
            self.open_pair[other] = slot
        self.open_pair[beam] = slot

    def _standing(self, slot: int, other: int, now_ms: int) -> bool:
        """The newest person holds the beam they came by, or one beam for too long."""
        if self.pairs[slot].first == other and self.open_pair[other] == slot:
            return True
        return any(
            self.open_pair[b] == slot and sub(now_ms, self.open_on[b]) > HOLD_MS
            for b in (0, 1)
        )

    def _join(self, slot: int, beam: int) -> None:
        self.pairs[slot].open += 1
        self.pairs[slot].extra[beam] = True
        self.open_pair[beam] = slot

    def _end_pulse(self, beam: int, off_ms: int) -> None:
        person = sub(off_ms, self.open_on[beam]) >= self.debounce_ms
        slot, self.open_pair[beam] = self.open_pair[beam], NOBODY
        if slot == NOBODY:
            if person:
                self._push_waiting(beam, (self.open_on[beam], off_ms))
            return
        pair = self.pairs[slot]
        pair.open -= 1
        if (
            not person
            and self.open_on[beam] == pair.paired[beam][0]
            and not pair.extra[beam]
        ):
            # Noise paired with a real pulse: the real one waits for a partner again.
            other = 1 - beam
            pair.used = False
            if self.open_pair[other] == slot:
                self.open_pair[other] = NOBODY
            else:
                self._push_waiting(other, (pair.paired[other][0], pair.last_off))
            return
        if person:
            cleared(pair, beam, (self.open_on[beam], off_ms))

    def _judge_ready(self, now_ms: int) -> None:
        """Judge, oldest first, everyone through for gap_ms whom no pulse may join."""
        while True:
            ready = NOBODY
            for i, p in enumerate(self.pairs):
                if (
                    not p.used
                    or p.open > 0
                    or not after(now_ms, (p.last_off + self.gap_ms) & MASK)
                    or self._claimed(p)
                ):
                    continue
                if ready == NOBODY or after(self.pairs[ready].formed_at, p.formed_at):
                    ready = i
            if ready == NOBODY:
                return
            self._judge(self.pairs[ready])

    def _claimed(self, pair: Pair) -> bool:
        """An unpaired pulse that began after this person came may still be theirs."""
        for b in (0, 1):
            waiting = self.waiting[b]
            if waiting and not after(pair.formed_at, waiting[-1][0]):
                return True
            if (
                (self.level[b] or self.clearing[b])
                and self.open_pair[b] == NOBODY
                and not after(pair.formed_at, self.open_on[b])
            ):
                return True
        return False

    def _judge(self, pair: Pair) -> None:
        pair.used = False
        came = pair.first
        if came == NOBODY:
            # Both broke at once: the last clear alone tells, unless both cleared at once.
            apart = sub(pair.off[0], pair.off[1])
            if apart < self.simultaneous_ms or sub(0, apart) < self.simultaneous_ms:
                return
            came = 1 - pair.last_beam
        elif came == pair.last_beam:
            return  # came in by one beam and left by it: turned back
        if len(self.out) < SLOTS:
            self.out.append(
                DetectedPassage.ENTRY if came == 0 else DetectedPassage.EXIT
            )

    def _expire(self, beam: int, now_ms: int) -> None:
        """Unpaired pulses past gap_ms: the newest person's if they can be, else nobody's."""
        waiting = self.waiting[beam]
        while waiting and after(now_ms, (waiting[0][1] + self.gap_ms) & MASK):
            pulse = waiting.pop(0)
            last = self._newest_pair()
            if last != NOBODY and theirs(self.pairs[last], beam, pulse):
                cleared(self.pairs[last], beam, pulse)
            else:
                self._alone(beam, pulse)

    def _alone(self, beam: int, pulse: tuple[int, int]) -> None:
        """Nobody's pulse: with a lone one of the other beam 1 s before, the library's rule."""
        if self.lone_beam == 1 - beam and sub(pulse[0], self.lone[0]) <= LONE_MS:
            self.lone_beam = NOBODY
            if len(self.out) < SLOTS:
                self.out.append(
                    DetectedPassage.ENTRY if beam == 1 else DetectedPassage.EXIT
                )
            return
        self.lone_beam, self.lone = beam, pulse

    def _newest_pair(self) -> int:
        newest = NOBODY
        for i, pair in enumerate(self.pairs):
            if pair.used and (
                newest == NOBODY or after(pair.formed_at, self.pairs[newest].formed_at)
            ):
                newest = i
        return newest

    def _push_waiting(self, beam: int, pulse: tuple[int, int]) -> None:
        if len(self.waiting[beam]) == SLOTS:
            self.waiting[beam].pop(0)
        self.waiting[beam].append(pulse)

    def _near_waiting(self, beam: int, now_ms: int) -> int:
        """The oldest cleared pulse whose body may be reaching the other beam now."""
        for i, pulse in enumerate(self.waiting[beam]):
            if sub(now_ms, pulse[1]) <= between(pulse):
                return i
        return NOBODY

    def _free_slot(self) -> int:
        """A free slot; with four people between the beams, forget the oldest."""
        for i, pair in enumerate(self.pairs):
            if not pair.used:
                return i
        oldest = 0
        for i in range(1, SLOTS):
            if after(self.pairs[oldest].formed_at, self.pairs[i].formed_at):
                oldest = i
        for b in (0, 1):
            if self.open_pair[b] == oldest:
                self.open_pair[b] = NOBODY
        return oldest

    def _take(self) -> DetectedPassage:
        return self.out.pop(0) if self.out else DetectedPassage.NONE
