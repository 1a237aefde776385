"""People at a door, as bodies moving through two infrared beams.

The Python twin of tests/esphome/door_world.h (read it for the model's reasons). Both
draw from `Rng` (splitmix64) with the same calls in the same order, and compute with
only + - * / and comparisons on doubles (plus ceil and log), in the same order as the
C++: one seed gives the same people, and the same edges, in both languages
(tests/sim/test_people.py builds the C++ and compares).

A person's path is a list of knots (t ms, x m) along their own axis: 0 is the first
beam they meet, the second is `beam_gap_m` further on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MASK64 = 0xFFFFFFFFFFFFFFFF
APPROACH_M = 0.8  # paths start and end this far from the beams

type Knot = tuple[float, float]  # (t ms, x m)
type Path = list[Knot]


class Rng:
    """splitmix64, as door_world.h's `Rng`: same state, same draws."""

    def __init__(self, seed: int) -> None:
        """Seeded like the C++ (uint64)."""
        self.state = seed & MASK64

    def next(self) -> int:
        """The next 64-bit draw."""
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def uniform(self) -> float:
        """In [0, 1), from the top 53 bits."""
        return float(self.next() >> 11) / 9007199254740992.0

    def range(self, lo: float, hi: float) -> float:
        """Uniform in [lo, hi)."""
        return lo + (hi - lo) * self.uniform()

    def chance(self, p: float) -> bool:
        """True with probability p."""
        return self.uniform() < p

    def pick(self, lo: int, hi: int) -> int:
        """An integer in [lo, hi]."""
        return lo + self.next() % (hi - lo + 1)

    def bell(self, mean: float, spread: float, lo: float, hi: float) -> float:
        """Roughly normal (four uniforms), clipped: a walking speed, a stay."""
        s = self.uniform() + self.uniform() + self.uniform() + self.uniform() - 2.0
        return min(hi, max(lo, mean + spread * s * 1.7320508075688772))


@dataclass(frozen=True, slots=True)
class Door:
    """Where the beams are and how the firmware reads them."""

    beam_gap_m: float = 0.30  # outside beam (A, 0) to inside beam (B, 1)
    leg_height: bool = False  # beams at shin height see legs, not the torso
    sample_ms: float = 16  # ESPHome's main loop reads each GPIO this often
    spikes_per_hour: float = 2  # per beam: a fly, a reflection
    dropout_chance: float = 0.02  # per pulse: the sensor loses the edge of a coat


@dataclass(slots=True)
class Person:
    """Someone at the door; `crosses` is the truth: ends up on the other side."""

    entering: bool = True  # from outside: beam A first
    crosses: bool = True
    speed: float = 1.2  # m/s while walking
    depth: float = 0.30  # torso, front to back
    backpack: float = 0.0  # extra depth behind, at torso height
    hand_bag: bool = False  # at leg height: a bag swinging beside the legs
    step_ms: float = 550
    centre: Path = field(default_factory=list)  # the torso's centre over time


def position_at(path: Path, t: float) -> float:
    """Where the path is at `t`: linear between knots, still before and after."""
    if t <= path[0][0]:
        return path[0][1]
    for i in range(1, len(path)):
        if t <= path[i][0]:
            (at, ax), (bt, bx) = path[i - 1], path[i]
            return bx if bt == at else ax + (bx - ax) * (t - at) / (bt - at)
    return path[-1][1]


def walk_to(path: Path, x: float, speed: float, wait_ms: float = 0) -> None:
    """Walk from where the path ends to `x` at `speed`, then stay `wait_ms` there."""
    last_t, last_x = path[-1]
    distance = x - last_x if x > last_x else last_x - x
    path.append((last_t + distance / speed * 1000.0, x))
    if wait_ms > 0:
        path.append((path[-1][0] + wait_ms, x))


def near_side(p: Person) -> float:
    """The centre when the front is APPROACH_M before the first beam."""
    return -(p.depth / 2 + APPROACH_M)


def far_side(p: Person, door: Door) -> float:
    """The centre when the back is APPROACH_M past the second beam."""
    return door.beam_gap_m + p.depth / 2 + p.backpack + APPROACH_M


def place(p: Person, t: float) -> None:
    """Put the person APPROACH_M before the door, their front at the first beam at t."""
    p.centre = [(t - APPROACH_M / p.speed * 1000.0, near_side(p))]


def draw_person(rng: Rng, entering: bool, t: float) -> Person:
    """A new person whose front meets the first beam at `t`."""
    p = Person(entering=entering)
    p.speed = rng.bell(1.2, 0.3, 0.4, 2.0)
    p.depth = rng.range(0.20, 0.40)
    p.backpack = rng.range(0.10, 0.20) if rng.chance(0.25) else 0.0
    p.hand_bag = rng.chance(0.20)
    p.step_ms = rng.range(480, 620)
    place(p, t)
    return p


def go_through(p: Person, door: Door) -> None:
    """Walk straight through to the far side."""
    walk_to(p.centre, far_side(p, door), p.speed)


def turn_back(p: Person, turn_x: float) -> None:
    """Reach `turn_x` (centre), then walk back out the way they came."""
    home = p.centre[0][1]
    walk_to(p.centre, turn_x, p.speed, 150)
    walk_to(p.centre, home, p.speed)
    p.crosses = False


def linger(
    p: Person, rng: Rng, door: Door, stop_x: float, *, stay_ms: float, through: bool
) -> None:
    """Stop at `stop_x` for `stay_ms` shifting weight, then go on through or back."""
    home = p.centre[0][1]
    walk_to(p.centre, stop_x, p.speed)
    end = p.centre[-1][0] + stay_ms
    sway = rng.range(0.01, 0.05)
    while p.centre[-1][0] < end:
        side = sway if rng.chance(0.5) else -sway
        to = stop_x + side * rng.uniform()
        walk_to(p.centre, to, 0.1, rng.range(200, 900))
    walk_to(p.centre, far_side(p, door) if through else home, p.speed)
    p.crosses = through


def first_break_t(p: Person) -> float:
    """When the person's torso first covers the first beam."""
    (at, ax), (bt, bx) = p.centre[0], p.centre[1]
    reach = -(p.depth / 2)  # the front meets the first beam
    return at + (reach - ax) / (bx - ax) * (bt - at)


def last_t(p: Person) -> float:
    """When the person's path ends, APPROACH_M past the beams."""
    return p.centre[-1][0]


@dataclass
class Doorway:
    """One person wide: the other way waits, the same way follows at a clearance."""

    door: Door
    people: list[Person] = field(default_factory=list)

    def earliest(self, p: Person, t: float, clearance: float) -> float:
        """The earliest time, not before `t`, at which p's front may reach the door."""
        if not self.people:
            return t
        ahead = self.people[-1]
        simple_walk = ahead.crosses and len(ahead.centre) == 2
        lead_start = first_break_t(ahead)
        if not simple_walk or ahead.entering != p.entering:
            gone = last_t(ahead) - APPROACH_M / ahead.speed * 1000.0  # left the beams
            return max(t, gone + clearance / p.speed * 1000.0)
        # Both walk straight on: the gap is smallest at one end of the stretch where
        # the follower is between the beams.
        lead = ahead.depth + ahead.backpack + clearance
        stretch_ms = (self.door.beam_gap_m + p.depth + p.backpack) / p.speed * 1000.0
        at_start = lead_start + lead / ahead.speed * 1000.0
        at_end = (
            lead_start
            + (lead + (p.speed - ahead.speed) * stretch_ms / 1000.0)
            / ahead.speed
            * 1000.0
        )
        return max(t, at_start, at_end)


def arriving(
    doorway: Doorway, rng: Rng, entering: bool, t: float, clearance: float
) -> Person:
    """Someone new, placed as soon as the doorway lets them after `t`."""
    p = draw_person(rng, entering, 0)
    place(p, doorway.earliest(p, t, clearance))
    return p


def beside(a: Person, rng: Rng) -> Person:
    """A friend walking beside `a`, a little ahead or behind."""
    b = draw_person(rng, a.entering, 0)
    b.speed = a.speed
    b.centre = [(a.centre[0][0], near_side(b) + rng.range(-0.15, 0.15))]
    return b
