"""A door counter's state and bookkeeping: today's figures and lifetime totals.

Pure Python (no Home Assistant import), so that every restart, reboot, duplicate and
midnight case is tested on its own. The board's cumulative totals are the truth;
`passage` events only give low latency and are reconciled by the next totals.
`DoorState` takes the door's messages (`DoorCount` counts them), like the other
capabilities' states in `state.py`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, Final, Self

from .iot_lab_wire import (
    CounterTotals,
    Crossing,
    CsvLine,
    DoorMessage,
    Passage,
    Totals,
)
from .state import NOTHING, Changes, Part, RefusedError

PERIOD: Final = timedelta(minutes=30)
HISTORY_DAYS: Final = 31
"""Days of 30-minute figures kept for the CSV export."""
MAX_SEEN_PERIODS: Final = 1000
"""CSV lines remembered to refuse a replay (about three weeks of 30-minute lines)."""


class OccupancyReset(StrEnum):
    """What happens to occupancy when a day ends (an option)."""

    DAY_START = "day_start"
    """Set to zero when the next day starts (midnight by default)."""
    KEEP = "keep"
    """Kept: people still inside count toward the next day."""
    CLOSING = "closing"
    """Set to zero at closing time, what a library wants; kept at the day's start."""


@dataclass(frozen=True, slots=True)
class DayRules:
    """When today's figures start over, and what occupancy does then (the options)."""

    start: time = time(0)
    occupancy: OccupancyReset = OccupancyReset.DAY_START

    def day_of(self, moment: datetime) -> date:
        """The day a moment counts toward: before `start`, the day before."""
        start = self.start
        offset = timedelta(hours=start.hour, minutes=start.minute, seconds=start.second)
        return (moment - offset).date()


EVERY_MIDNIGHT: Final = DayRules()
"""The default: a day from midnight to midnight, occupancy zero when it starts."""


def day_rules(start: str, occupancy: str) -> DayRules:
    """The rules from the options' text (`HH:MM:SS`, an `OccupancyReset` value)."""
    return DayRules(time.fromisoformat(start), OccupancyReset(occupancy))


def period_start(moment: datetime) -> str:
    """The `HH:MM` start of the 30-minute period holding `moment`."""
    return f"{moment.hour:02d}:{moment.minute // 30 * 30:02d}"


@dataclass(slots=True)
class DoorCount:
    """What one door counter has counted, as Home Assistant keeps it."""

    day: date
    entries_today: int = 0
    exits_today: int = 0
    occupancy: int = 0
    peak_occupancy: int = 0
    lifetime_entries: int = 0
    lifetime_exits: int = 0
    boot: str | None = None
    """Boot id of the last totals applied; a new one means the board restarted counting."""
    board_entries: int = 0
    board_exits: int = 0
    live_entries: int = 0
    """Passages counted from `passage` events that the totals have not confirmed yet."""
    live_exits: int = 0
    passages: int = 0
    """Live passages counted (stored; kept for the stored format's sake)."""
    last_passage: Passage | None = None
    """The direction the last `passage` message gave: what the passage event fires."""
    history: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    """Entries and exits per day (ISO date) and 30-minute period (`HH:MM` start)."""
    seen_periods: list[str] = field(default_factory=list)
    """Periods already counted from CSV lines, oldest first."""
    unmatched_exits: int = 0
    """Exits that found nobody inside (occupancy never goes below zero): miscounts."""
    rules: DayRules = DayRules()
    """The entry's day rules (options, not stored)."""

    def count_totals(self, totals: CounterTotals, now: datetime) -> bool:
        """Count what the totals add since the last ones; return True if anything changed.

        A new boot id starts a new run: the board counts from zero, so its totals count in
        full. Within a run totals only grow; lower ones mean the board resumed from an
        older copy of its retained totals (the broker lost the newest): they become the
        new base and count nothing, since what lies between was counted already. Totals
        equal to the last ones (QoS 1 redelivery, retained replay) add nothing.
        """
        self.roll_over(self.rules.day_of(now))
        restarted = totals.boot != self.boot
        rebased = restarted or (
            totals.entries < self.board_entries or totals.exits < self.board_exits
        )
        if restarted:
            new_entries, new_exits = totals.entries, totals.exits
            # Live passages of the previous boot were real: keep them counted.
            self.live_entries = self.live_exits = 0
        else:
            new_entries = max(0, totals.entries - self.board_entries)
            new_exits = max(0, totals.exits - self.board_exits)
        self.boot = totals.boot
        self.board_entries, self.board_exits = totals.entries, totals.exits
        if not (new_entries or new_exits or self.live_entries or self.live_exits):
            return rebased
        self.lifetime_entries += new_entries
        self.lifetime_exits += new_exits
        # The live passages were already counted today: count only the remainder,
        # or take back a passage event that the board's totals do not confirm.
        self._count_today(
            new_entries - self.live_entries, new_exits - self.live_exits, now
        )
        self.live_entries = self.live_exits = 0
        return True

    def count_passage(self, passage: Passage, now: datetime) -> None:
        """Count one passage at once, ahead of the totals that will confirm it."""
        self.roll_over(self.rules.day_of(now))
        if passage is Passage.IN:
            self.live_entries += 1
            self._count_today(1, 0, now)
        else:
            self.live_exits += 1
            self._count_today(0, 1, now)
        self.passages += 1
        self.last_passage = passage

    def count_period(
        self, period_end: datetime, entries: int, exits: int, now: datetime
    ) -> bool:
        """Count one CSV line: the passages of the 30 minutes before `period_end`.

        The same period sent twice counts once. A line of an earlier day counts toward
        the lifetime totals and that day's history, not toward today's figures.
        """
        key = period_end.isoformat(sep=" ")
        if key in self.seen_periods:
            return False
        self.seen_periods.append(key)
        del self.seen_periods[:-MAX_SEEN_PERIODS]
        self.roll_over(self.rules.day_of(now))
        self.lifetime_entries += entries
        self.lifetime_exits += exits
        start = period_end - timedelta(seconds=1)
        if self.rules.day_of(start) == self.day:
            self._count_today(entries, exits, start)
        else:
            self._add_history(start, entries, exits)
        return True

    def roll_over(self, today: date) -> bool:
        """Start a new day (at the rules' start); return True if the day changed.

        Occupancy is kept unless the rules set it to zero when a day starts; the peak
        starts again from it.
        """
        if today == self.day:
            return False
        self.day = today
        self.entries_today = self.exits_today = 0
        if self.rules.occupancy is OccupancyReset.DAY_START:
            self.occupancy = 0
        self.peak_occupancy = self.occupancy
        oldest = (today - timedelta(days=HISTORY_DAYS)).isoformat()
        for day in [day for day in self.history if day < oldest]:
            del self.history[day]
        return True

    def periods(
        self, day: date, opening: time, closing: time
    ) -> list[tuple[time, int, int]]:
        """Entries and exits of each period of `day` between opening and closing.

        Each row is the end of the period and its figures; periods with nobody are 0.
        """
        figures = self.history.get(day.isoformat(), {})
        rows = []
        start = datetime.combine(day, opening)
        end = datetime.combine(day, closing)
        while start + PERIOD <= end:
            entries, exits = figures.get(period_start(start), (0, 0))
            rows.append(((start + PERIOD).time(), entries, exits))
            start += PERIOD
        return rows

    def _add_history(self, moment: datetime, entries: int, exits: int) -> None:
        day = self.history.setdefault(self.rules.day_of(moment).isoformat(), {})
        figures = day.setdefault(period_start(moment), [0, 0])
        figures[0] = max(0, figures[0] + entries)
        figures[1] = max(0, figures[1] + exits)

    def reset_occupancy(self) -> None:
        """Forget who is inside (people were miscounted), keeping today's passages."""
        self.occupancy = 0

    def as_dict(self) -> dict[str, Any]:
        """Serialise for Home Assistant's storage."""
        data = asdict(self)
        del data["rules"]
        data["day"] = self.day.isoformat()
        data["last_passage"] = self.last_passage and str(self.last_passage)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Rebuild from storage; unknown keys (older or newer versions) are ignored."""
        known = {field.name for field in fields(cls)} - {"rules"}
        values = {key: value for key, value in data.items() if key in known}
        values["day"] = date.fromisoformat(values["day"])
        if values.get("last_passage") is not None:
            values["last_passage"] = Passage(values["last_passage"])
        return cls(**values)

    def _count_today(self, entries: int, exits: int, now: datetime) -> None:
        self._add_history(now, entries, exits)
        self.entries_today = max(0, self.entries_today + entries)
        self.exits_today = max(0, self.exits_today + exits)
        self.occupancy = max(0, self.occupancy + entries)
        self.peak_occupancy = max(self.peak_occupancy, self.occupancy)
        if exits > self.occupancy:
            self.unmatched_exits += exits - self.occupancy
        self.occupancy = max(0, self.occupancy - exits)


@dataclass(slots=True)
class DoorState:
    """A door counter's figures (`DoorCount`), its last totals and last CSV line."""

    count: DoorCount | None = None
    totals: CounterTotals | None = None
    csv_line: CsvLine | None = None
    """Last line of an HTTP counter: its text fields name the CSV export."""
    rules: DayRules = DayRules()

    def restore(self, count: DoorCount, now: datetime) -> None:
        """Take back the stored figures at start-up (no entity listens yet)."""
        self.count = count
        count.rules = self.rules
        count.roll_over(self.rules.day_of(now))

    def take(self, message: DoorMessage | CsvLine, now: datetime) -> Changes:
        """Totals count what they add, a passage at once, a CSV line its period once."""
        count = self._count(now)
        match message:
            case Totals(totals=totals):
                self.totals = totals
                return (Part.COUNT,) if count.count_totals(totals, now) else NOTHING
            case Crossing(passage=passage):
                count.count_passage(passage, now)
                return (Part.PASSAGE, Part.COUNT)
            case CsvLine(period_end=end):
                self.csv_line = message
                naive = now.replace(tzinfo=None)
                if not count.count_period(end, message.entries, message.exits, naive):
                    raise RefusedError(f"CSV period {end} counted already")
                return (Part.COUNT,)

    def roll_over(self, now: datetime) -> Changes:
        """A day starts: today's figures start again, even when no one passes."""
        if self.count is not None and self.count.roll_over(self.rules.day_of(now)):
            return (Part.COUNT,)
        return NOTHING

    def reset_occupancy(self) -> Changes:
        """Nobody inside (people were miscounted)."""
        if self.count is None:
            return NOTHING
        self.count.reset_occupancy()
        return (Part.COUNT,)

    def _count(self, now: datetime) -> DoorCount:
        if self.count is None:
            self.count = DoorCount(day=self.rules.day_of(now), rules=self.rules)
        return self.count
