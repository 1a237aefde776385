"""Door counter inside Home Assistant: exact counts through restarts and reboots."""

from __future__ import annotations

from datetime import datetime, timedelta
import json
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.components.sensor import ATTR_STATE_CLASS, SensorStateClass
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNKNOWN
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from .conftest import Fire, load_fixture

DOOR = "door-1"
PREFIX = "sensor.library_entrance"
EVENT = "event.library_entrance_passage"


def _totals(entries: int, exits: int, boot: str = "b7f3c2a1") -> str:
    return json.dumps({"entries": entries, "exits": exits, "boot": boot})


def _figures(hass: HomeAssistant) -> dict[str, str]:
    return {
        key: hass.states.get(f"{PREFIX}_{key}").state
        for key in (
            "entries_today",
            "exits_today",
            "occupancy",
            "peak_occupancy_today",
            "lifetime_entries",
            "lifetime_exits",
        )
    }


def _expect(
    entries: int, exits: int, occupancy: int, peak: int, life_in: int, life_out: int
) -> dict[str, str]:
    return {
        "entries_today": str(entries),
        "exits_today": str(exits),
        "occupancy": str(occupancy),
        "peak_occupancy_today": str(peak),
        "lifetime_entries": str(life_in),
        "lifetime_exits": str(life_out),
    }


async def _announce(fire: Fire) -> None:
    await fire(DOOR, "info", load_fixture("info_counter.json"), retain=True)
    await fire(DOOR, "status", "online", retain=True)


async def _restart(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


@pytest.fixture
async def door(setup_integration: MockConfigEntry, fire: Fire) -> str:
    """A door counter that announced itself and is online."""
    await _announce(fire)
    return DOOR


async def test_entities_and_first_totals_count_in_full(
    hass: HomeAssistant, door: str, fire: Fire
) -> None:
    assert hass.states.get(f"{PREFIX}_entries_today").state == STATE_UNKNOWN
    await fire(DOOR, "counter", load_fixture("counter_totals.json"), retain=True)
    assert _figures(hass) == _expect(12, 9, 3, 12, 12, 9)
    lifetime = hass.states.get(f"{PREFIX}_lifetime_entries")
    assert lifetime.attributes[ATTR_STATE_CLASS] == SensorStateClass.TOTAL_INCREASING
    today = hass.states.get(f"{PREFIX}_entries_today")
    assert today.attributes[ATTR_STATE_CLASS] == SensorStateClass.MEASUREMENT
    assert hass.states.get("button.library_entrance_reset_occupancy") is not None
    assert hass.states.get(EVENT).attributes["event_types"] == ["entry", "exit"]


async def test_passages_fire_events_and_count_once(
    hass: HomeAssistant, door: str, fire: Fire
) -> None:
    events: list[str] = []

    @callback
    def _state_changed(event: Event[Any]) -> None:
        if event.data["entity_id"] == EVENT and event.data["new_state"]:
            events.append(event.data["new_state"].attributes["event_type"])

    hass.bus.async_listen("state_changed", _state_changed)
    await fire(DOOR, "counter", _totals(0, 0))
    await fire(DOOR, "passage", "in")
    assert _figures(hass)["entries_today"] == "1"
    await fire(DOOR, "counter", _totals(1, 0))
    await fire(DOOR, "passage", "in")
    await fire(DOOR, "counter", _totals(2, 0))
    await fire(DOOR, "passage", "out")
    await fire(DOOR, "counter", _totals(2, 1))
    assert events == ["entry", "entry", "exit"]
    assert _figures(hass) == _expect(2, 1, 1, 2, 2, 1)


async def test_duplicates_are_not_counted_twice(
    hass: HomeAssistant, door: str, fire: Fire
) -> None:
    await fire(DOOR, "counter", _totals(5, 1))
    await fire(DOOR, "counter", _totals(5, 1))  # QoS 1 redelivery
    await fire(DOOR, "passage", "in")
    await fire(DOOR, "passage", "in")  # the same passage delivered twice
    await fire(DOOR, "counter", _totals(6, 1))
    await fire(DOOR, "counter", _totals(6, 1))
    assert _figures(hass) == _expect(6, 1, 5, 6, 6, 1)


async def test_board_reboot_never_goes_backwards(
    hass: HomeAssistant, door: str, fire: Fire
) -> None:
    await fire(DOOR, "counter", _totals(20, 18))
    await fire(DOOR, "counter", _totals(2, 1, boot="c0ffee"))
    assert _figures(hass) == _expect(22, 19, 3, 20, 22, 19)
    await fire(DOOR, "counter", _totals(3, 1, boot="c0ffee"))
    assert _figures(hass) == _expect(23, 19, 4, 20, 23, 19)


async def test_restart_of_home_assistant_keeps_exact_counts(
    hass: HomeAssistant, setup_integration: MockConfigEntry, door: str, fire: Fire
) -> None:
    await fire(DOOR, "counter", _totals(10, 4), retain=True)
    await fire(DOOR, "passage", "out")
    await fire(DOOR, "counter", _totals(10, 5))
    await _restart(hass, setup_integration)
    # The broker replays the retained announce and the last totals.
    await _announce(fire)
    assert _figures(hass) == _expect(10, 5, 5, 10, 10, 5)
    await fire(DOOR, "counter", _totals(10, 5), retain=True)
    assert _figures(hass) == _expect(10, 5, 5, 10, 10, 5)


async def test_people_passing_while_home_assistant_was_down(
    hass: HomeAssistant, setup_integration: MockConfigEntry, door: str, fire: Fire
) -> None:
    await fire(DOOR, "counter", _totals(10, 4), retain=True)
    assert await hass.config_entries.async_unload(setup_integration.entry_id)
    await hass.async_block_till_done()
    # Seven in and two out while nobody listened; the broker keeps the last totals.
    assert await hass.config_entries.async_setup(setup_integration.entry_id)
    await hass.async_block_till_done()
    await _announce(fire)
    await fire(DOOR, "counter", _totals(17, 6), retain=True)
    # Entries of a gap count before its exits: the peak is an upper bound.
    assert _figures(hass) == _expect(17, 6, 11, 13, 17, 6)


async def test_counts_restored_from_storage_at_start(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mqtt_mock: Any,
    config_entry: MockConfigEntry,
    fire: Fire,
) -> None:
    today = dt_util.now().date().isoformat()
    hass_storage[f"iot_lab.{config_entry.entry_id}.counters"] = {
        "version": 1,
        "key": f"iot_lab.{config_entry.entry_id}.counters",
        "data": {
            "doors": {
                DOOR: {
                    "day": today,
                    "entries_today": 40,
                    "exits_today": 31,
                    "occupancy": 9,
                    "peak_occupancy": 15,
                    "lifetime_entries": 900,
                    "lifetime_exits": 890,
                    "boot": "b7f3c2a1",
                    "board_entries": 40,
                    "board_exits": 31,
                }
            }
        },
    }
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    await _announce(fire)
    assert _figures(hass) == _expect(40, 31, 9, 15, 900, 890)
    await fire(DOOR, "counter", _totals(40, 31), retain=True)
    await fire(DOOR, "counter", _totals(41, 31))
    assert _figures(hass) == _expect(41, 31, 10, 15, 901, 890)


async def test_stored_counts_written_on_unload(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    setup_integration: MockConfigEntry,
    door: str,
    fire: Fire,
) -> None:
    await fire(DOOR, "counter", _totals(3, 2))
    assert await hass.config_entries.async_unload(setup_integration.entry_id)
    await hass.async_block_till_done()
    stored = hass_storage[f"iot_lab.{setup_integration.entry_id}.counters"]["data"]
    assert stored["doors"][DOOR]["lifetime_entries"] == 3
    assert stored["doors"][DOOR]["boot"] == "b7f3c2a1"
    await hass.config_entries.async_remove(setup_integration.entry_id)
    await hass.async_block_till_done()
    assert f"iot_lab.{setup_integration.entry_id}.counters" not in hass_storage


async def test_midnight_resets_today(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mqtt_mock: Any,
    config_entry: MockConfigEntry,
    fire: Fire,
) -> None:
    late = dt_util.as_utc(
        datetime(2026, 11, 23, 23, 59, 50, tzinfo=dt_util.get_default_time_zone())
    )
    freezer.move_to(late)
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    await _announce(fire)
    await fire(DOOR, "counter", _totals(30, 22))
    assert _figures(hass) == _expect(30, 22, 8, 30, 30, 22)
    freezer.tick(timedelta(seconds=11))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert _figures(hass) == _expect(0, 0, 0, 0, 30, 22)
    await fire(DOOR, "counter", _totals(31, 22))
    assert _figures(hass) == _expect(1, 0, 1, 1, 31, 22)


async def test_stored_counts_of_an_older_day_start_at_zero(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mqtt_mock: Any,
    config_entry: MockConfigEntry,
    fire: Fire,
) -> None:
    hass_storage[f"iot_lab.{config_entry.entry_id}.counters"] = {
        "version": 1,
        "key": f"iot_lab.{config_entry.entry_id}.counters",
        "data": {
            "doors": {
                DOOR: {"day": "2020-01-01", "entries_today": 5, "lifetime_entries": 5}
            }
        },
    }
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    await _announce(fire)
    assert _figures(hass) == _expect(0, 0, 0, 0, 5, 0)


async def test_reset_occupancy_button(
    hass: HomeAssistant, door: str, fire: Fire
) -> None:
    await fire(DOOR, "counter", _totals(12, 9))
    await hass.services.async_call(
        BUTTON_DOMAIN,
        SERVICE_PRESS,
        {ATTR_ENTITY_ID: "button.library_entrance_reset_occupancy"},
        blocking=True,
    )
    assert _figures(hass) == _expect(12, 9, 0, 12, 12, 9)
    await fire(DOOR, "counter", _totals(13, 9))
    assert _figures(hass)["occupancy"] == "1"


@pytest.mark.parametrize(
    "payload",
    [
        '{"entries": -1, "exits": 0, "boot": "a"}',
        '{"entries": 1.5, "exits": 0, "boot": "a"}',
        '{"entries": 1, "exits": 0}',
        '{"entries": true, "exits": 0, "boot": "a"}',
        '{"entries": 1, "exits": 0, "boot": ""}',
        "12,9",
        "[]",
    ],
)
async def test_broken_totals_are_dropped(
    hass: HomeAssistant, door: str, fire: Fire, payload: str
) -> None:
    await fire(DOOR, "counter", _totals(4, 1))
    await fire(DOOR, "counter", payload)
    await fire(DOOR, "passage", "sideways")
    assert _figures(hass) == _expect(4, 1, 3, 4, 4, 1)
