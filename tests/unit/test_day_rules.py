"""Days that end when the library closes: when today starts over, what occupancy does."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.iot_lab.const import (
    CONF_CLOSING,
    CONF_DAY_START,
    CONF_OCCUPANCY_RESET,
)
from custom_components.iot_lab.door import DayRules, DoorCount, OccupancyReset
from custom_components.iot_lab.iot_lab_wire import Passage

from .conftest import Fire, load_fixture

DOOR = "door-1"
PREFIX = "sensor.library_entrance"
DAY = date(2026, 11, 23)


def _at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime.combine(day, time(hour, minute))


def test_a_day_starts_at_its_rules_start() -> None:
    rules = DayRules(time(4, 0))
    assert rules.day_of(_at(3, 59)) == DAY - timedelta(days=1)
    assert rules.day_of(_at(4, 0)) == DAY
    assert DayRules().day_of(_at(0, 0)) == DAY
    at_seconds = DayRules(time(4, 0, 30))
    assert at_seconds.day_of(datetime.combine(DAY, time(4, 0, 10))) == DAY - timedelta(
        1
    )
    assert at_seconds.day_of(datetime.combine(DAY, time(4, 0, 30))) == DAY


@pytest.mark.parametrize(
    ("reset", "left"),
    [
        (OccupancyReset.DAY_START, 0),
        (OccupancyReset.KEEP, 2),
        (OccupancyReset.CLOSING, 2),
    ],
)
def test_occupancy_when_a_day_starts(reset: OccupancyReset, left: int) -> None:
    count = DoorCount(day=DAY, rules=DayRules(occupancy=reset))
    for _ in range(3):
        count.count_passage(Passage.IN, _at(18))
    count.count_passage(Passage.OUT, _at(18, 30))
    assert count.roll_over(DAY + timedelta(days=1))
    assert (count.entries_today, count.occupancy, count.peak_occupancy) == (
        0,
        left,
        left,
    )


def test_exits_beyond_occupancy_are_kept_apart() -> None:
    count = DoorCount(day=DAY)
    count.count_passage(Passage.IN, _at(9))
    for _ in range(3):
        count.count_passage(Passage.OUT, _at(10))
    assert (count.occupancy, count.exits_today, count.unmatched_exits) == (0, 3, 2)
    assert DoorCount.from_dict(count.as_dict()).unmatched_exits == 2
    assert "rules" not in count.as_dict()


def test_history_follows_the_day() -> None:
    count = DoorCount(day=DAY, rules=DayRules(time(4, 0)))
    count.count_passage(Passage.IN, _at(2, 10, DAY + timedelta(days=1)))
    assert count.day == DAY  # 02:10 the next morning is still the 23rd's night
    assert count.history[DAY.isoformat()]["02:00"] == [1, 0]


async def test_a_library_day(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mqtt_mock: Any,
    fire: Fire,
) -> None:
    """From 04:00 to 04:00, everyone out at closing; midnight changes nothing."""
    entry = MockConfigEntry(
        domain="iot_lab",
        data={"base_topic": "iot_lab"},
        unique_id="iot_lab",
        options={
            CONF_DAY_START: "04:00:00",
            CONF_OCCUPANCY_RESET: OccupancyReset.CLOSING,
            CONF_CLOSING: "19:00:00",
        },
    )
    zone = dt_util.get_default_time_zone()
    freezer.move_to(dt_util.as_utc(datetime.combine(DAY, time(18, 0), zone)))
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await fire(DOOR, "info", load_fixture("info_counter.json"), retain=True)
    await fire(DOOR, "status", "online", retain=True)
    for _ in range(3):
        await fire(DOOR, "passage", "in")
    await fire(DOOR, "passage", "out")
    assert hass.states.get(f"{PREFIX}_occupancy").state == "2"

    async def at(hour: int, day: date) -> None:
        freezer.move_to(dt_util.as_utc(datetime.combine(day, time(hour, 0, 1), zone)))
        async_fire_time_changed(hass)
        await hass.async_block_till_done()

    await at(19, DAY)
    assert hass.states.get(f"{PREFIX}_occupancy").state == "0"
    assert hass.states.get(f"{PREFIX}_entries_today").state == "3"
    await at(0, DAY + timedelta(days=1))
    assert hass.states.get(f"{PREFIX}_entries_today").state == "3"
    await fire(DOOR, "passage", "out")  # the night guard, nobody inside
    assert hass.states.get(f"{PREFIX}_exits_with_nobody_inside").state == "1"
    await at(4, DAY + timedelta(days=1))
    assert hass.states.get(f"{PREFIX}_entries_today").state == "0"
