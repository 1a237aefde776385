"""DoorCount bookkeeping on its own: no Home Assistant fixture."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from custom_components.iot_lab.door import MAX_SEEN_PERIODS, PERIOD, DoorCount
from custom_components.iot_lab.iot_lab_wire import (
    CounterTotals,
    Passage,
)

DAY = date(2026, 11, 23)
NEXT_DAY = date(2026, 11, 24)
NOW = datetime(2026, 11, 23, 10, 5)
NEXT = datetime(2026, 11, 24, 9, 0)


def _totals(entries: int, exits: int, boot: str = "boot-a") -> CounterTotals:
    return CounterTotals(entries=entries, exits=exits, boot=boot)


def _figures(door: DoorCount) -> tuple[int, int, int, int, int]:
    return (
        door.entries_today,
        door.exits_today,
        door.occupancy,
        door.lifetime_entries,
        door.lifetime_exits,
    )


def test_first_totals_count_in_full() -> None:
    door = DoorCount(day=DAY)
    assert door.count_totals(_totals(12, 9), NOW)
    assert _figures(door) == (12, 9, 3, 12, 9)
    assert door.peak_occupancy == 12


def test_duplicate_totals_add_nothing() -> None:
    door = DoorCount(day=DAY)
    door.count_totals(_totals(5, 2), NOW)
    assert not door.count_totals(_totals(5, 2), NOW)
    assert _figures(door) == (5, 2, 3, 5, 2)


def test_gap_brings_the_difference() -> None:
    door = DoorCount(day=DAY)
    door.count_totals(_totals(5, 2), NOW)
    door.count_totals(_totals(40, 30), NOW)
    assert _figures(door) == (40, 30, 10, 40, 30)


@pytest.mark.parametrize(
    "after_reboot", [_totals(3, 1, "boot-b"), _totals(0, 0, "boot-b")]
)
def test_reboot_starts_new_base_and_never_goes_back(
    after_reboot: CounterTotals,
) -> None:
    door = DoorCount(day=DAY)
    door.count_totals(_totals(20, 15), NOW)
    assert door.count_totals(after_reboot, NOW)
    assert door.lifetime_entries == 20 + after_reboot.entries
    assert door.lifetime_exits == 15 + after_reboot.exits
    assert door.entries_today == 20 + after_reboot.entries
    # The next totals of the new boot count only their difference.
    door.count_totals(
        _totals(after_reboot.entries + 2, after_reboot.exits + 1, after_reboot.boot),
        NOW,
    )
    assert door.lifetime_entries == 22 + after_reboot.entries
    assert door.lifetime_exits == 16 + after_reboot.exits


def test_reboot_that_resumes_its_run_counts_only_what_is_new() -> None:
    """The firmware reads back its retained totals after a reboot and goes on from them."""
    door = DoorCount(day=DAY)
    door.count_totals(_totals(20, 15), NOW)
    assert door.count_totals(_totals(26, 18), NOW)  # 6 in, 3 out, some while rebooting
    assert _figures(door) == (26, 18, 8, 26, 18)


def test_lower_totals_in_the_same_run_rebase_without_counting() -> None:
    """A board that resumed from an older retained copy: what lies between was counted."""
    door = DoorCount(day=DAY)
    door.count_totals(_totals(20, 15), NOW)
    assert door.count_totals(_totals(17, 12), NOW)
    assert _figures(door) == (20, 15, 5, 20, 15)
    door.count_totals(_totals(19, 12), NOW)  # two more people after the resume
    assert _figures(door) == (22, 15, 7, 22, 15)


def test_passages_count_at_once_and_totals_confirm_them() -> None:
    door = DoorCount(day=DAY)
    door.count_totals(_totals(0, 0), NOW)
    door.count_passage(Passage.IN, NOW)
    door.count_passage(Passage.IN, NOW)
    assert (door.entries_today, door.occupancy, door.lifetime_entries) == (2, 2, 0)
    assert door.passages == 2
    assert door.last_passage is Passage.IN
    door.count_totals(_totals(2, 0), NOW)
    assert _figures(door) == (2, 0, 2, 2, 0)
    door.count_passage(Passage.OUT, NOW)
    door.count_totals(_totals(2, 1), NOW)
    assert _figures(door) == (2, 1, 1, 2, 1)


def test_duplicated_passage_is_taken_back_by_the_totals() -> None:
    door = DoorCount(day=DAY)
    door.count_totals(_totals(0, 0), NOW)
    door.count_passage(Passage.IN, NOW)
    door.count_passage(Passage.IN, NOW)  # QoS 1 redelivery of the same passage
    assert door.entries_today == 2
    door.count_totals(_totals(1, 0), NOW)
    assert _figures(door) == (1, 0, 1, 1, 0)


def test_lost_passage_is_brought_by_the_totals() -> None:
    door = DoorCount(day=DAY)
    door.count_totals(_totals(0, 0), NOW)
    door.count_passage(Passage.IN, NOW)
    door.count_totals(_totals(3, 0), NOW)  # two passage messages never arrived
    assert _figures(door) == (3, 0, 3, 3, 0)


def test_live_passages_before_a_reboot_stay_counted() -> None:
    door = DoorCount(day=DAY)
    door.count_totals(_totals(4, 0), NOW)
    door.count_passage(Passage.IN, NOW)  # the board died before its totals
    door.count_totals(_totals(1, 0, "boot-b"), NOW)
    assert door.entries_today == 6
    assert door.lifetime_entries == 5


def test_occupancy_never_below_zero_and_reset() -> None:
    door = DoorCount(day=DAY)
    door.count_totals(_totals(1, 4), NOW)
    assert door.occupancy == 0
    door.count_totals(_totals(6, 4), NOW)
    assert door.occupancy == 5
    door.reset_occupancy()
    assert door.occupancy == 0
    assert (door.entries_today, door.exits_today) == (6, 4)
    door.count_totals(_totals(6, 5), NOW)
    assert door.occupancy == 0


def test_midnight_resets_today_not_lifetime() -> None:
    door = DoorCount(day=DAY)
    door.count_totals(_totals(30, 25), NOW)
    assert door.roll_over(NEXT_DAY)
    assert not door.roll_over(NEXT_DAY)
    assert _figures(door) == (0, 0, 0, 30, 25)
    assert door.peak_occupancy == 0
    door.count_totals(_totals(32, 25), NEXT)
    assert _figures(door) == (2, 0, 2, 32, 25)


def test_first_message_of_a_new_day_rolls_over() -> None:
    door = DoorCount(day=DAY)
    door.count_totals(_totals(10, 10), NOW)
    door.count_passage(Passage.IN, NEXT)
    assert door.entries_today == 1
    assert door.day == NEXT_DAY


def test_storage_round_trip() -> None:
    door = DoorCount(day=DAY)
    door.count_totals(_totals(7, 3, "boot-z"), NOW)
    door.count_passage(Passage.OUT, NOW)
    data = door.as_dict()
    assert data["day"] == "2026-11-23"
    assert data["last_passage"] == "out"
    assert DoorCount.from_dict(data | {"from_a_newer_version": 1}) == door
    empty = DoorCount(day=DAY)
    assert DoorCount.from_dict(empty.as_dict()) == empty


def test_figures_kept_per_half_hour() -> None:
    door = DoorCount(day=DAY)
    door.count_totals(_totals(0, 0), datetime(2026, 11, 23, 8, 10))
    door.count_passage(Passage.IN, datetime(2026, 11, 23, 8, 29, 59))
    door.count_totals(_totals(1, 0), datetime(2026, 11, 23, 8, 30, 1))
    door.count_totals(_totals(4, 2), datetime(2026, 11, 23, 9, 45))
    rows = door.periods(DAY, time(8, 0), time(10, 0))
    assert rows == [
        (time(8, 30), 1, 0),
        (time(9, 0), 0, 0),
        (time(9, 30), 0, 0),
        (time(10, 0), 3, 2),
    ]
    assert len(door.periods(DAY, time(8, 0), time(19, 0))) == 22


def test_csv_periods_count_once() -> None:
    door = DoorCount(day=DAY)
    end = datetime(2026, 11, 23, 14, 30)
    assert door.count_period(end, 12, 9, NOW)
    assert not door.count_period(end, 12, 9, NOW)
    assert _figures(door) == (12, 9, 3, 12, 9)
    assert door.periods(DAY, time(14, 0), time(14, 30)) == [(time(14, 30), 12, 9)]
    # A late line of yesterday counts in the lifetime totals and yesterday's history.
    late = datetime(2026, 11, 23, 0, 0)
    assert door.count_period(late, 2, 1, NOW)
    assert _figures(door) == (12, 9, 3, 14, 10)
    assert door.history["2026-11-22"]["23:30"] == [2, 1]


def test_seen_periods_and_history_are_bounded() -> None:
    door = DoorCount(day=DAY)
    for index in range(1200):
        door.count_period(datetime(2026, 11, 23, 0, 0) + index * PERIOD, 1, 0, NOW)
    assert len(door.seen_periods) == MAX_SEEN_PERIODS
    door.roll_over(date(2027, 1, 1))
    assert "2026-11-23" not in door.history
    assert min(door.history) == "2026-12-01"
