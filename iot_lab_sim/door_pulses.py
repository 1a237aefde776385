"""What the door rule is made of: the clock, a person's paired pulses, the shin-height rule.

Shared by door_rule.py; twins of the parts of door_direction.h.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

MASK = 0xFFFFFFFF
FILL_MS = 20  # one missed 16 ms read
BETWEEN_SLACK_MS = 40
HOLD_MS = 1500  # 60 cm of body and bag at 0.4 m/s
SLOTS = 4
NOBODY = 0xFF  # no beam, no pair


class DetectedPassage(IntEnum):
    """What the rule made of a completed passage (the header's `Passage`).

    Not the wire's `protocol.Passage` (`in` / `out`), which the door board sends for it.
    """

    NONE = 0
    ENTRY = 1
    EXIT = -1


def sub(a: int, b: int) -> int:
    """`a - b` on uint32_t."""
    return (a - b) & MASK


def after(a: int, b: int) -> bool:
    """`a` later than `b` on a clock that wraps: the header's `after_`."""
    return 0 < sub(a, b) < 0x80000000


@dataclass(slots=True)
class Pair:
    """One person: the two pulses paired, and those of theirs that came after."""

    used: bool = False
    first: int = 0  # the beam that broke first, NOBODY if both at once
    last_beam: int = 0  # the beam that cleared last so far
    open: int = 0  # their pulses not cleared yet
    extra: list[bool] = field(default_factory=lambda: [False, False])
    cleared: bool = False
    formed_at: int = 0
    paired: list[list[int]] = field(default_factory=lambda: [[0, 0], [0, 0]])
    off: list[int] = field(default_factory=lambda: [0, 0])
    last_off: int = 0


def cleared(pair: Pair, beam: int, pulse: tuple[int, int]) -> None:
    """One of the person's pulses cleared: the last clear so far if none came later."""
    on, off_ms = pulse
    if on == pair.paired[beam][0]:
        pair.paired[beam][1] = off_ms
    pair.off[beam] = off_ms
    if not pair.cleared or not after(pair.last_off, off_ms):
        pair.cleared = True
        pair.last_off = off_ms
        pair.last_beam = beam


def between(pulse: tuple[int, int] | list[int]) -> int:
    """How long a body thinner than the beams' gap is between them after passing one."""
    return (sub(pulse[1], pulse[0]) + BETWEEN_SLACK_MS) & MASK


def theirs(pair: Pair, beam: int, pulse: tuple[int, int]) -> bool:
    """An unpaired pulse began while this person was in the beams, or as they stepped back."""
    on = pulse[0]
    if after(pair.formed_at, on):
        return False
    return (
        pair.open > 0
        or not after(on, pair.last_off)
        or sub(on, pair.last_off) <= between(pair.paired[beam])
    )


class Mounting(IntEnum):
    """How high the beams cross the doorway (the header's `Mounting`)."""

    TORSO = 0
    LEGS = 1


STRIDE_GAP_MS = 200
LONE_MS = 1000  # the library's loop: the second beam within 1 s of the first


class StrideRule:
    """Beams at shin height: one person from a first break to 200 ms of clear beams.

    From the beam broken first to the beam cleared last (door_direction.h's `stride_`).
    """

    def __init__(self) -> None:
        """Nobody in the beams."""
        self.level = [False, False]
        self.clear_at = [0, 0]
        self.first = NOBODY  # the beam the person came by
        self.last = 0  # the beam cleared last
        self.seen = [False, False]

    @property
    def idle(self) -> bool:
        """Nobody under way."""
        return self.first == NOBODY

    def update(self, beam: int, broken: bool, now_ms: int) -> DetectedPassage:
        """One edge (already checked to change the level)."""
        passage = self.poll(now_ms)
        self.level[beam] = broken
        if not broken:
            self.last, self.clear_at[beam] = beam, now_ms
        elif self.first == NOBODY:
            self.first, self.seen = beam, [False, False]
        self.seen[beam] = self.seen[beam] or broken
        return passage

    def poll(self, now_ms: int) -> DetectedPassage:
        """The person counted once the beams have been clear STRIDE_GAP_MS."""
        over = after(now_ms, (self.clear_at[self.last] + STRIDE_GAP_MS) & MASK)
        if self.first == NOBODY or any(self.level) or not over:
            return DetectedPassage.NONE
        came, self.first = self.first, NOBODY
        if not all(self.seen) or came == self.last:
            return DetectedPassage.NONE
        return DetectedPassage.ENTRY if came == 0 else DetectedPassage.EXIT
