"""Alerts: limits with hysteresis, problem binary sensors, events and the logbook."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import Event, HomeAssistant, State, callback
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    mock_restore_cache_with_extra_data,
)

from custom_components.iot_lab.alert import (
    SPECS,
    AlertKind,
    OfflineAlert,
    ThresholdAlert,
)
from custom_components.iot_lab.const import ALERT_EVENT, DOMAIN
from custom_components.iot_lab.logbook import async_describe_events, describe_alert

from .conftest import CLIMATE_ID, FROZEN_AT, LIGHT_ID, Fire, load_fixture, set_number

HOT = "binary_sensor.climate_corner_temperature_too_high"
COLD = "binary_sensor.climate_corner_temperature_too_low"
HUMID = "binary_sensor.climate_corner_humidity_too_high"
HIGH_LIMIT = "number.climate_corner_temperature_high_limit"
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def alerts(hass: HomeAssistant) -> list[dict[str, Any]]:
    """Every `iot_lab_alert` event's data, in order."""
    seen: list[dict[str, Any]] = []

    @callback
    def _record(event: Event) -> None:
        seen.append(dict(event.data))

    hass.bus.async_listen(ALERT_EVENT, _record)
    return seen


# The pure logic.


def test_high_alert_does_not_flap_around_the_limit() -> None:
    alert = ThresholdAlert(SPECS[AlertKind.TEMPERATURE_HIGH])  # 28.0, hysteresis 0.5
    readings = [27.9, 28.0, 28.1, 27.9, 28.2, 27.6, 28.3, 27.5, 28.0, 28.1]
    changes = [
        (value, t.opened)
        for i, value in enumerate(readings)
        if (t := alert.update(value, T0 + timedelta(minutes=i))) is not None
    ]
    assert changes == [(28.1, True), (27.5, False), (28.1, True)]


def test_low_alert_resolves_above_limit_plus_hysteresis() -> None:
    alert = ThresholdAlert(SPECS[AlertKind.LIGHT_LOW])  # 20 %, hysteresis 5
    opened = alert.update(19.0, T0)
    assert opened is not None
    assert (opened.opened, opened.value, opened.threshold) == (True, 19.0, 20.0)
    assert alert.update(24.9, T0 + timedelta(seconds=30)) is None
    resolved = alert.update(25.0, T0 + timedelta(minutes=10))
    assert resolved is not None
    assert (resolved.opened, resolved.duration) == (False, 600.0)


def test_unknown_reading_changes_nothing_and_new_limit_applies_at_once() -> None:
    alert = ThresholdAlert(SPECS[AlertKind.HUMIDITY_HIGH])
    assert alert.update(None, T0) is None
    assert alert.set_limit(60.0, T0) is None  # no reading yet
    assert alert.update(65.0, T0) is not None
    resolved = alert.set_limit(80.0, T0 + timedelta(seconds=5))
    assert resolved is not None
    assert not resolved.opened
    assert not alert.is_open


def test_offline_alert_opens_and_resolves_once() -> None:
    alert = OfflineAlert()
    assert alert.resolve(T0) is None
    assert alert.open(T0, 2) is not None
    assert alert.open(T0 + timedelta(minutes=1), 2) is None
    resolved = alert.resolve(T0 + timedelta(minutes=5))
    assert resolved is not None
    assert (resolved.duration, resolved.threshold) == (300.0, 2)


def test_each_opening_says_how_long_after_the_previous_one() -> None:
    alert = ThresholdAlert(SPECS[AlertKind.TEMPERATURE_HIGH])
    moments = iter(T0 + timedelta(minutes=m) for m in (0, 2, 5, 6, 30, 31))
    seen = [
        (t.opened, t.since_previous)
        for value in (29.0, 27.0, 29.0, 27.0, 29.0, 27.0)
        if (t := alert.update(value, next(moments))) is not None
    ]
    # The resolution carries its own opening's figure, so both get the same decision.
    assert seen == [
        (True, None),
        (False, None),
        (True, 300.0),
        (False, 300.0),
        (True, 1500.0),
        (False, 1500.0),
    ]


def test_an_open_alert_survives_a_restart_as_stored() -> None:
    offline = OfflineAlert()
    assert offline.open(T0, 5) is not None
    offline.resolve(T0 + timedelta(minutes=1))
    offline.open(T0 + timedelta(minutes=4), 5)
    stored = offline.as_dict()
    assert stored == {
        "opened_at": "2026-11-23T09:04:00+00:00",
        "last_opened_at": "2026-11-23T09:04:00+00:00",
        "since_previous": 240.0,
        "threshold": 5.0,
        "opened_value": None,
    }
    again = OfflineAlert()
    again.restore(stored)
    assert again.open(T0 + timedelta(minutes=9), 2) is None  # still the same alert
    resolved = again.resolve(T0 + timedelta(minutes=10))
    assert resolved is not None
    assert (resolved.duration, resolved.threshold, resolved.since_previous) == (
        360.0,
        5.0,
        240.0,
    )


@pytest.mark.parametrize(
    "stored",
    [
        {},
        {"opened_at": "yesterday", "since_previous": "5", "threshold": True},
        {"opened_at": "2026-11-23T09:04:00", "last_opened_at": 12},
        {"opened_value": "30"},
    ],
)
def test_unreadable_stored_alerts_start_closed(stored: dict[str, Any]) -> None:
    alert = ThresholdAlert(SPECS[AlertKind.HUMIDITY_HIGH])
    alert.restore(stored)
    assert alert.as_dict() == dict.fromkeys(
        ("opened_at", "last_opened_at", "since_previous", "threshold", "opened_value")
    )
    opened = alert.update(75.0, T0)
    assert opened is not None
    assert opened.since_previous is None


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (
            {
                "kind": "temperature_high",
                "state": "opened",
                "value": 31.5,
                "threshold": 28.0,
            },
            "alert opened: temperature above 28.0 (31.5)",
        ),
        (
            {
                "kind": "temperature_high",
                "state": "resolved",
                "value": 27.0,
                "threshold": 28.0,
                "duration": 720,
            },
            "alert resolved after 12 min: temperature above 28.0 (27.0)",
        ),
        (
            {"kind": "offline", "state": "resolved", "duration": 30},
            "alert resolved after 30 s: back online",
        ),
        (
            {"kind": "offline", "state": "resolved", "duration": 9000},
            "alert resolved after 2.5 h: back online",
        ),
        (
            {"kind": "offline", "state": "opened", "threshold": 5.0},
            "alert opened: offline for more than 5 min",
        ),
        ({"kind": "offline", "state": "opened"}, "alert opened: offline for too long"),
        ({"kind": "sideways", "state": "opened"}, "alert opened: sideways"),
    ],
)
def test_logbook_says_it_in_plain_words(data: dict[str, Any], text: str) -> None:
    assert describe_alert(data) == text


# Inside Home Assistant.


async def test_temperature_alert_opens_resolves_and_fires_events(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    climate_board: str,
    fire: Fire,
    alerts: list[dict[str, Any]],
    freezer: FrozenDateTimeFactory,
) -> None:
    assert hass.states.get(HOT).state == STATE_OFF
    assert hass.states.get(HIGH_LIMIT).state == "28.0"
    for value in ("27.5", "28.4"):
        await fire(CLIMATE_ID, "temperature", value)
    assert hass.states.get(HOT).state == STATE_ON
    # Hovering at the limit: no new event, still on.
    for value in ("27.9", "28.2", "27.7", "28.1"):
        freezer.tick(timedelta(minutes=1))
        await fire(CLIMATE_ID, "temperature", value)
    assert hass.states.get(HOT).state == STATE_ON
    freezer.tick(timedelta(minutes=1))
    await fire(CLIMATE_ID, "temperature", "27.5")
    assert hass.states.get(HOT).state == STATE_OFF
    assert hass.states.get(COLD).state == STATE_OFF

    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, f"iot_lab/{CLIMATE_ID}"), setup_integration.entry_id
    )
    assert device is not None
    opened_at = FROZEN_AT.isoformat()
    opened = {
        "device_id": device.id,
        "base_topic": "iot_lab",
        "board_id": CLIMATE_ID,
        "name": "Climate corner",
        "kind": "temperature_high",
        "state": "opened",
        "value": 28.4,
        "threshold": 28.0,
        "incident_id": f"iot_lab/{CLIMATE_ID}/temperature_high/{opened_at}",
        "opened_at": opened_at,
        "since_previous": None,
    }
    # Open after the transition: the alert itself while open, with its opening figures.
    still_open = {
        key: opened[key]
        for key in ("incident_id", "kind", "value", "threshold", "opened_at")
    }
    assert alerts == [
        opened | {"open_alerts": [still_open]},
        opened
        | {"state": "resolved", "value": 27.5, "duration": 300.0, "open_alerts": []},
    ]


async def test_changing_the_limit_applies_to_the_last_reading(
    hass: HomeAssistant,
    climate_board: str,
    fire: Fire,
    alerts: list[dict[str, Any]],
) -> None:
    await fire(CLIMATE_ID, "humidity", "65")
    assert hass.states.get(HUMID).state == STATE_OFF
    await set_number(hass, "number.climate_corner_humidity_high_limit", 60)
    assert hass.states.get("number.climate_corner_humidity_high_limit").state == "60.0"
    assert hass.states.get(HUMID).state == STATE_ON
    assert [(a["kind"], a["state"], a["threshold"]) for a in alerts] == [
        ("humidity_high", "opened", 60.0)
    ]


async def test_limits_are_restored_after_a_restart(
    hass: HomeAssistant, mqtt_mock: Any, config_entry: MockConfigEntry, fire: Fire
) -> None:
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State(HIGH_LIMIT, "22.0"),
                {
                    "native_max_value": 80.0,
                    "native_min_value": -40.0,
                    "native_step": 0.5,
                    "native_unit_of_measurement": "°C",
                    "native_value": 22.0,
                },
            )
        ],
    )
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await fire(CLIMATE_ID, "info", load_fixture("info_climate.json"), retain=True)
    await fire(CLIMATE_ID, "status", "online", retain=True)
    assert hass.states.get(HIGH_LIMIT).state == "22.0"
    await fire(CLIMATE_ID, "temperature", "23.0")
    assert hass.states.get(HOT).state == STATE_ON


async def test_board_offline_past_grace_period_is_an_alert(
    hass: HomeAssistant,
    climate_board: str,
    fire: Fire,
    alerts: list[dict[str, Any]],
    freezer: FrozenDateTimeFactory,
) -> None:
    # A short absence is not an alert.
    await fire(CLIMATE_ID, "status", "offline")
    freezer.tick(timedelta(seconds=60))
    async_fire_time_changed(hass)
    await fire(CLIMATE_ID, "status", "online")
    freezer.tick(timedelta(seconds=120))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert alerts == []

    await fire(CLIMATE_ID, "status", "offline")
    # Its threshold alerts go unavailable with it; the offline alert is an event.
    assert hass.states.get(HOT).state == "unavailable"
    freezer.tick(timedelta(seconds=121))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert [a["state"] for a in alerts] == ["opened"]
    freezer.tick(timedelta(minutes=8))
    await fire(CLIMATE_ID, "status", "online")
    assert [(a["kind"], a["state"], a.get("duration")) for a in alerts] == [
        ("offline", "opened", None),
        ("offline", "resolved", 480.0),
    ]


async def test_light_alert_follows_the_calibrated_level(
    hass: HomeAssistant,
    light_board: str,
    fire: Fire,
    alerts: list[dict[str, Any]],
) -> None:
    await fire(LIGHT_ID, "light", "600")  # 14.7 % of 0..4095
    assert hass.states.get("binary_sensor.lab_bench_1_too_dark").state == STATE_ON
    # Calibrated so that 600 is bright enough: the level, and the alert, follow.
    await set_number(hass, "number.lab_bench_1_bright_calibration", 1000)
    assert hass.states.get("binary_sensor.lab_bench_1_too_dark").state == STATE_OFF
    assert [(a["kind"], a["state"]) for a in alerts] == [
        ("light_low", "opened"),
        ("light_low", "resolved"),
    ]


async def test_occupancy_over_capacity(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    fire: Fire,
    alerts: list[dict[str, Any]],
) -> None:
    await fire("door-1", "info", load_fixture("info_counter.json"), retain=True)
    await fire("door-1", "status", "online", retain=True)
    await set_number(hass, "number.library_entrance_capacity", 2)
    for direction in ("in", "in", "in"):
        await fire("door-1", "passage", direction)
    assert (
        hass.states.get("binary_sensor.library_entrance_over_capacity").state
        == STATE_ON
    )
    await fire("door-1", "passage", "out")  # 2: at capacity, within the hysteresis
    assert (
        hass.states.get("binary_sensor.library_entrance_over_capacity").state
        == STATE_ON
    )
    await fire("door-1", "passage", "out")  # 1
    assert (
        hass.states.get("binary_sensor.library_entrance_over_capacity").state
        == STATE_OFF
    )
    assert [(a["kind"], a["state"], a["value"]) for a in alerts] == [
        ("occupancy_high", "opened", 3),
        ("occupancy_high", "resolved", 1),
    ]


async def test_logbook_platform_describes_the_event(hass: HomeAssistant) -> None:
    described: dict[str, Any] = {}

    def _describe(domain: str, event_type: str, describe: Any) -> None:
        described[event_type] = (domain, describe)

    async_describe_events(hass, _describe)
    domain, describe = described[ALERT_EVENT]
    event = Event(
        ALERT_EVENT,
        {
            "name": "Climate corner",
            "kind": "humidity_high",
            "state": "opened",
            "value": 75.0,
            "threshold": 70.0,
        },
    )
    assert domain == DOMAIN
    assert describe(event) == {
        "name": "Climate corner",
        "message": "alert opened: humidity above 70.0 (75.0)",
    }


async def test_no_offline_alert_once_the_board_is_gone(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    climate_board: str,
    fire: Fire,
    alerts: list[dict[str, Any]],
    freezer: FrozenDateTimeFactory,
) -> None:
    await fire(CLIMATE_ID, "status", "offline")
    await fire(CLIMATE_ID, "info", "")  # decommissioned: its announce was cleared
    freezer.tick(timedelta(minutes=3))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    await fire("climate-2", "status", "offline")
    assert await hass.config_entries.async_unload(setup_integration.entry_id)
    freezer.tick(timedelta(minutes=3))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert alerts == []


async def test_offline_grace_period_is_an_option(
    hass: HomeAssistant,
    mqtt_mock: Any,
    config_entry: MockConfigEntry,
    fire: Fire,
    alerts: list[dict[str, Any]],
    freezer: FrozenDateTimeFactory,
) -> None:
    config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(config_entry, options={"offline_grace": 5})
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await fire(CLIMATE_ID, "info", load_fixture("info_climate.json"), retain=True)
    await fire(CLIMATE_ID, "status", "offline", retain=True)
    freezer.tick(timedelta(minutes=3))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert alerts == []
    freezer.tick(timedelta(minutes=2, seconds=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert [(a["kind"], a["state"]) for a in alerts] == [("offline", "opened")]
