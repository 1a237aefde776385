"""DoorCount bookkeeping on its own: no Home Assistant fixture."""

from __future__ import annotations

from datetime import date

import pytest

from custom_components.iot_lab.counter import DoorCount
from custom_components.iot_lab.protocol import CounterTotals, Passage

DAY = date(2026, 11, 23)
NEXT_DAY = date(2026, 11, 24)


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
    assert door.apply_totals(_totals(12, 9), DAY)
    assert _figures(door) == (12, 9, 3, 12, 9)
    assert door.peak_occupancy == 12


def test_duplicate_totals_add_nothing() -> None:
    door = DoorCount(day=DAY)
    door.apply_totals(_totals(5, 2), DAY)
    assert not door.apply_totals(_totals(5, 2), DAY)
    assert _figures(door) == (5, 2, 3, 5, 2)


def test_gap_brings_the_difference() -> None:
    door = DoorCount(day=DAY)
    door.apply_totals(_totals(5, 2), DAY)
    door.apply_totals(_totals(40, 30), DAY)
    assert _figures(door) == (40, 30, 10, 40, 30)


@pytest.mark.parametrize(
    "after_reboot",
    [_totals(3, 1, "boot-b"), _totals(3, 1, "boot-a"), _totals(0, 0, "boot-b")],
)
def test_reboot_starts_new_base_and_never_goes_back(
    after_reboot: CounterTotals,
) -> None:
    door = DoorCount(day=DAY)
    door.apply_totals(_totals(20, 15), DAY)
    assert door.apply_totals(after_reboot, DAY)
    assert door.lifetime_entries == 20 + after_reboot.entries
    assert door.lifetime_exits == 15 + after_reboot.exits
    assert door.entries_today == 20 + after_reboot.entries
    # The next totals of the new boot count only their difference.
    door.apply_totals(
        _totals(after_reboot.entries + 2, after_reboot.exits + 1, after_reboot.boot),
        DAY,
    )
    assert door.lifetime_entries == 22 + after_reboot.entries
    assert door.lifetime_exits == 16 + after_reboot.exits


def test_passages_count_at_once_and_totals_confirm_them() -> None:
    door = DoorCount(day=DAY)
    door.apply_totals(_totals(0, 0), DAY)
    door.apply_passage(Passage.IN, DAY)
    door.apply_passage(Passage.IN, DAY)
    assert (door.entries_today, door.occupancy, door.lifetime_entries) == (2, 2, 0)
    assert door.passages == 2
    assert door.last_passage is Passage.IN
    door.apply_totals(_totals(2, 0), DAY)
    assert _figures(door) == (2, 0, 2, 2, 0)
    door.apply_passage(Passage.OUT, DAY)
    door.apply_totals(_totals(2, 1), DAY)
    assert _figures(door) == (2, 1, 1, 2, 1)


def test_duplicated_passage_is_taken_back_by_the_totals() -> None:
    door = DoorCount(day=DAY)
    door.apply_totals(_totals(0, 0), DAY)
    door.apply_passage(Passage.IN, DAY)
    door.apply_passage(Passage.IN, DAY)  # QoS 1 redelivery of the same passage
    assert door.entries_today == 2
    door.apply_totals(_totals(1, 0), DAY)
    assert _figures(door) == (1, 0, 1, 1, 0)


def test_lost_passage_is_brought_by_the_totals() -> None:
    door = DoorCount(day=DAY)
    door.apply_totals(_totals(0, 0), DAY)
    door.apply_passage(Passage.IN, DAY)
    door.apply_totals(_totals(3, 0), DAY)  # two passage messages never arrived
    assert _figures(door) == (3, 0, 3, 3, 0)


def test_live_passages_before_a_reboot_stay_counted() -> None:
    door = DoorCount(day=DAY)
    door.apply_totals(_totals(4, 0), DAY)
    door.apply_passage(Passage.IN, DAY)  # the board died before its totals
    door.apply_totals(_totals(1, 0, "boot-b"), DAY)
    assert door.entries_today == 6
    assert door.lifetime_entries == 5


def test_occupancy_never_below_zero_and_reset() -> None:
    door = DoorCount(day=DAY)
    door.apply_totals(_totals(1, 4), DAY)
    assert door.occupancy == 0
    door.apply_totals(_totals(6, 4), DAY)
    assert door.occupancy == 5
    door.reset_occupancy()
    assert door.occupancy == 0
    assert (door.entries_today, door.exits_today) == (6, 4)
    door.apply_totals(_totals(6, 5), DAY)
    assert door.occupancy == 0


def test_midnight_resets_today_not_lifetime() -> None:
    door = DoorCount(day=DAY)
    door.apply_totals(_totals(30, 25), DAY)
    assert door.roll_over(NEXT_DAY)
    assert not door.roll_over(NEXT_DAY)
    assert _figures(door) == (0, 0, 0, 30, 25)
    assert door.peak_occupancy == 0
    door.apply_totals(_totals(32, 25), NEXT_DAY)
    assert _figures(door) == (2, 0, 2, 32, 25)


def test_first_message_of_a_new_day_rolls_over() -> None:
    door = DoorCount(day=DAY)
    door.apply_totals(_totals(10, 10), DAY)
    door.apply_passage(Passage.IN, NEXT_DAY)
    assert door.entries_today == 1
    assert door.day == NEXT_DAY


def test_storage_round_trip() -> None:
    door = DoorCount(day=DAY)
    door.apply_totals(_totals(7, 3, "boot-z"), DAY)
    door.apply_passage(Passage.OUT, DAY)
    data = door.as_dict()
    assert data["day"] == "2026-11-23"
    assert data["last_passage"] == "out"
    assert DoorCount.from_dict(data | {"from_a_newer_version": 1}) == door
    empty = DoorCount(day=DAY)
    assert DoorCount.from_dict(empty.as_dict()) == empty
