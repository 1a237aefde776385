"""The automation blueprints, instantiated in a test Home Assistant and driven over MQTT."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import datetime, timedelta
import json
from pathlib import Path
import shutil
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.automation import (
    DATA_COMPONENT as AUTOMATIONS,
    DOMAIN as AUTOMATION_DOMAIN,
)
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_mqtt_message,
    async_fire_time_changed,
    async_mock_service,
)
import yaml

from custom_components.iot_lab.const import ALERT_EVENT, DOMAIN

from .conftest import BASE, CLIMATE_ID, FROZEN_AT, Fire, load_fixture, set_number

BLUEPRINTS = Path(__file__).parents[2] / "blueprints" / "automation" / "iot_lab"
DOOR = "door-1"
THRESHOLD = "threshold_alert.yaml"
OFFLINE = "offline_alert.yaml"
OCCUPANCY = "occupancy_over_capacity.yaml"
TO_MQTT = "alerts_to_mqtt.yaml"


class SlowNotify:
    """`notify.teacher` as a phone push or an e-mail is: each call takes time.

    A call starts (and is recorded) at once, then waits until the test releases it, so
    the automation's other runs queue up behind it meanwhile. The test decides when time
    has passed, never the machine's speed: the frozen clock would stop a real sleep.
    """

    def __init__(self, hass: HomeAssistant) -> None:
        """Register the service."""
        self.hass = hass
        self.calls: list[dict[str, Any]] = []
        self.finished = 0
        self._released = asyncio.Event()
        hass.services.async_register("notify", "teacher", self._notify)

    async def _notify(self, call: ServiceCall) -> None:
        self.calls.append(dict(call.data))
        await self._released.wait()
        self.finished += 1

    async def held(self, blueprint: str, *, runs: int) -> None:
        """Let the loop run until one call is under way and the automation has `runs`
        runs (that one and those queued behind it); no call finishes meanwhile."""
        entity_id = f"automation.{blueprint.removesuffix('.yaml')}"
        automation = self.hass.data[AUTOMATIONS].get_entity(entity_id)
        assert automation is not None
        for _ in range(10_000):
            sending = len(self.calls) - self.finished
            if sending == 1 and automation.action_script.runs == runs:
                return
            await asyncio.sleep(0)
        pytest.fail(
            f"{entity_id}: {automation.action_script.runs} runs, {sending} calls under"
            f" way; expected {runs} runs and 1 call"
        )

    async def release(self) -> None:
        """Time passes: every call under way or queued finishes; later ones wait again."""
        self._released.set()
        await self.hass.async_block_till_done()
        self._released.clear()


def _send(
    hass: HomeAssistant,
    board_id: str,
    channel: str,
    payload: str,
    *,
    retain: bool = False,
) -> None:
    """An MQTT message, without waiting for what it sets off (a notify may be held)."""
    async_fire_mqtt_message(hass, f"{BASE}/{board_id}/{channel}", payload, 1, retain)


async def _all_at_once(
    notify: SlowNotify, blueprint: str, boards: list[str], channel: str, payload: str
) -> None:
    """The same message from every board at once; the pushes it sets off all finish."""
    for board_id in boards:
        _send(notify.hass, board_id, channel, payload)
    # One push on its way, the others waiting their turn: none dropped.
    await notify.held(blueprint, runs=len(boards))
    await notify.release()


def _announce(hass: HomeAssistant, board_id: str, status: str) -> None:
    """A climate board named after its number ("room-07": "Room 07"), as retained."""
    info = {
        "id": board_id,
        "model": "climate-dht11",
        "name": f"Room {board_id.removeprefix('room-')}",
        "caps": ["temperature", "humidity"],
    }
    _send(hass, board_id, "info", json.dumps(info), retain=True)
    _send(hass, board_id, "status", status, retain=True)


async def _climate_boards(hass: HomeAssistant, count: int) -> list[str]:
    """`count` climate boards online: room-01, room-02, ..."""
    boards = [f"room-{number:02}" for number in range(1, count + 1)]
    for board_id in boards:
        _announce(hass, board_id, "online")
    await hass.async_block_till_done()
    return boards


async def _teacher(
    hass: HomeAssistant, blueprint: str, *, rooms: int, **inputs: Any
) -> tuple[list[str], SlowNotify]:
    """`rooms` climate boards online, and the blueprint notifying a slow `notify.teacher`."""
    boards = await _climate_boards(hass, rooms)
    notify = SlowNotify(hass)
    await _use_blueprint(hass, blueprint, {"notify_action": "notify.teacher", **inputs})
    return boards, notify


async def _restart(
    hass: HomeAssistant, entry: MockConfigEntry, statuses: Mapping[str, str]
) -> None:
    """Home Assistant restarts: IoT Lab keeps only what it stored, then the broker
    replays the retained announce and status of each board. The automations keep no
    state of their own: the blueprints decide from the alert events alone."""
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    for board_id, status in statuses.items():
        _announce(hass, board_id, status)


async def _use_blueprint(
    hass: HomeAssistant, name: str, inputs: dict[str, Any]
) -> None:
    """Set up one automation from our blueprint file, as the UI would."""
    target = Path(hass.config.path("blueprints", "automation", "iot_lab"))
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(BLUEPRINTS / name, target / name)
    assert await async_setup_component(
        hass,
        AUTOMATION_DOMAIN,
        {
            AUTOMATION_DOMAIN: {
                "id": name,
                "alias": name.removesuffix(".yaml"),
                "use_blueprint": {"path": f"iot_lab/{name}", "input": inputs},
            }
        },
    )
    await hass.async_block_till_done()
    assert hass.states.get(f"automation.{name.removesuffix('.yaml')}") is not None


def _local(moment: str) -> datetime:
    """A wall-clock time in Home Assistant's time zone."""
    return datetime.fromisoformat(moment).replace(
        tzinfo=dt_util.get_default_time_zone()
    )


def _device_id(hass: HomeAssistant, entry: MockConfigEntry, board_id: str) -> str:
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, f"iot_lab/{board_id}"), entry.entry_id
    )
    assert device is not None
    return device.id


def test_every_blueprint_is_tested_and_filters_on_iot_lab() -> None:
    names = sorted(path.name for path in BLUEPRINTS.glob("*.yaml"))
    assert names == [
        "alerts_to_mqtt.yaml",
        "daily_entrance_report.yaml",
        "occupancy_over_capacity.yaml",
        "offline_alert.yaml",
        "threshold_alert.yaml",
    ]
    for name in names:
        text = (BLUEPRINTS / name).read_text()
        blueprint = yaml.load(text, Loader=_InputLoader)["blueprint"]
        assert blueprint["domain"] == "automation"
        assert blueprint["source_url"].endswith(f"blueprints/automation/iot_lab/{name}")
        selectors = [i["selector"] for i in blueprint["input"].values()]
        filtered = [s for s in selectors if "device" in s or "entity" in s]
        assert filtered, name
        for selector in filtered:
            assert (selector.get("device") or selector.get("entity"))["filter"] == {
                "integration": DOMAIN
            } | ({"domain": "sensor"} if "entity" in selector else {}), name


class _InputLoader(yaml.SafeLoader):
    """Reads `!input name` as the name (enough to check the inputs' selectors)."""


_InputLoader.add_constructor(
    "!input", lambda loader, node: loader.construct_scalar(node)
)


async def test_threshold_cooldown_is_per_board_and_kind(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    _, notify = await _teacher(hass, THRESHOLD, rooms=2, cooldown=10)
    # Room 01 too hot; two minutes later room 02; a minute later room 01 too humid:
    # all while the first push is still on its way.
    _send(hass, "room-01", "temperature", "30")
    await notify.held(THRESHOLD, runs=1)
    freezer.tick(timedelta(minutes=2))
    _send(hass, "room-02", "temperature", "31")
    await notify.held(THRESHOLD, runs=2)
    freezer.tick(timedelta(minutes=1))
    _send(hass, "room-01", "humidity", "80")
    await notify.held(THRESHOLD, runs=3)
    await notify.release()
    assert notify.calls == [
        {
            "title": "Room 01: alert",
            "message": "Room 01: temperature above 28.0 (30.0)",
        },
        {
            "title": "Room 02: alert",
            "message": "Room 02: temperature above 28.0 (31.0)",
        },
        {"title": "Room 01: alert", "message": "Room 01: humidity above 70.0 (80.0)"},
    ]


async def test_threshold_end_is_notified_exactly_when_its_opening_was(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    _, notify = await _teacher(hass, THRESHOLD, rooms=1, cooldown=10)
    # Minute 0: too hot; minute 1: fine again, within the cooldown, while the first push
    # is still being sent. Minute 3: too hot again, 3 minutes after the previous opening:
    # held back by the cooldown, and so is its end at minute 4. Minute 15: 12 minutes
    # after the previous opening: notified, and so is its end.
    for minute, value in ((0, "29"), (1, "27"), (3, "29"), (4, "27")):
        freezer.move_to(FROZEN_AT + timedelta(minutes=minute))
        _send(hass, "room-01", "temperature", value)
        await notify.held(THRESHOLD, runs=1 if minute < 1 else 2)
    await notify.release()
    for minute, value in ((15, "29"), (16, "27")):
        freezer.move_to(FROZEN_AT + timedelta(minutes=minute))
        _send(hass, "room-01", "temperature", value)
        await notify.held(THRESHOLD, runs=minute - 14)
    await notify.release()
    assert [(call["title"], call["message"]) for call in notify.calls] == [
        ("Room 01: alert", "Room 01: temperature above 28.0 (29.0)"),
        (
            "Room 01: back to normal",
            "Room 01: temperature above 28.0 (27.0), resolved after 1 min",
        ),
        ("Room 01: alert", "Room 01: temperature above 28.0 (29.0)"),
        (
            "Room 01: back to normal",
            "Room 01: temperature above 28.0 (27.0), resolved after 1 min",
        ),
    ]


async def test_heat_wave_on_every_board_is_notified_in_full(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    rooms, notify = await _teacher(hass, THRESHOLD, rooms=30, cooldown=10)
    await _all_at_once(notify, THRESHOLD, rooms, "temperature", "33")
    freezer.tick(timedelta(minutes=5))
    await _all_at_once(notify, THRESHOLD, rooms, "temperature", "25")
    names = [f"Room {board_id[-2:]}" for board_id in rooms]
    assert [call["message"] for call in notify.calls] == [
        f"{name}: temperature above 28.0 (33.0)" for name in names
    ] + [
        f"{name}: temperature above 28.0 (25.0), resolved after 5 min" for name in names
    ]


async def test_threshold_alert_survives_a_restart_between_open_and_resolve(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    _, notify = await _teacher(hass, THRESHOLD, rooms=1, cooldown=10)
    # Too hot (notified); too humid (notified), fine, and too humid again within the
    # cooldown (held back).
    for minute, channel, value in (
        (0, "temperature", "30"),
        (1, "humidity", "80"),
        (2, "humidity", "60"),
        (4, "humidity", "80"),
    ):
        freezer.move_to(FROZEN_AT + timedelta(minutes=minute))
        _send(hass, "room-01", channel, value)
        await notify.release()
    assert len(notify.calls) == 3
    freezer.move_to(FROZEN_AT + timedelta(minutes=5))
    await _restart(hass, setup_integration, {"room-01": "online"})
    await hass.async_block_till_done()
    # Still too hot after the restart: the same alert, not a new one.
    freezer.move_to(FROZEN_AT + timedelta(minutes=6))
    _send(hass, "room-01", "temperature", "30")
    await notify.release()
    assert len(notify.calls) == 3
    # Both end: the temperature's end is notified, the held-back humidity's is not.
    freezer.move_to(FROZEN_AT + timedelta(minutes=20))
    _send(hass, "room-01", "temperature", "27")
    _send(hass, "room-01", "humidity", "60")
    await notify.held(THRESHOLD, runs=1)
    await notify.release()
    assert [call["message"] for call in notify.calls] == [
        "Room 01: temperature above 28.0 (30.0)",
        "Room 01: humidity above 70.0 (80.0)",
        "Room 01: humidity above 70.0 (60.0), resolved after 1 min",
        "Room 01: temperature above 28.0 (27.0), resolved after 20 min",
    ]


async def test_threshold_alert_filters_boards_and_kinds_and_resolves(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    climate_board: str,
    fire: Fire,
    freezer: FrozenDateTimeFactory,
) -> None:
    await fire(
        "climate-2",
        "info",
        load_fixture("info_climate.json")
        .replace('"climate-1"', '"climate-2"')
        .replace("Climate corner", "Other room"),
    )
    await fire("climate-2", "status", "online")
    await _use_blueprint(
        hass,
        "threshold_alert.yaml",
        {
            "boards": [_device_id(hass, setup_integration, CLIMATE_ID)],
            "kinds": ["humidity_high"],
            "cooldown": 0,
        },
    )
    calls = async_mock_service(hass, "persistent_notification", "create")
    await fire("climate-2", "humidity", "90")  # another board
    await fire(CLIMATE_ID, "temperature", "35")  # another kind
    assert calls == []
    await fire(CLIMATE_ID, "humidity", "75")
    freezer.tick(timedelta(minutes=6))
    await fire(CLIMATE_ID, "humidity", "60")
    assert [(c.data["title"], c.data["message"]) for c in calls] == [
        ("Climate corner: alert", "Climate corner: humidity above 70.0 (75.0)"),
        (
            "Climate corner: back to normal",
            "Climate corner: humidity above 70.0 (60.0), resolved after 6 min",
        ),
    ]


async def test_offline_alert(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    climate_board: str,
    fire: Fire,
    freezer: FrozenDateTimeFactory,
) -> None:
    calls = async_mock_service(hass, "notify", "teacher")
    await _use_blueprint(hass, OFFLINE, {"notify_action": "notify.teacher"})
    await fire(CLIMATE_ID, "status", "offline")
    freezer.tick(timedelta(seconds=90))
    async_fire_time_changed(hass)
    await fire(CLIMATE_ID, "status", "online")  # back within the grace period
    assert calls == []
    await fire(CLIMATE_ID, "status", "offline")
    freezer.tick(timedelta(seconds=121))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    freezer.tick(timedelta(minutes=15))
    await fire(CLIMATE_ID, "status", "online")
    assert [call.data["message"] for call in calls] == [
        "Climate corner has been offline for more than 2 minutes.",
        "Climate corner is back online (the alert lasted 15 min).",
    ]


async def test_classroom_offline_at_once_is_notified_in_full(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    rooms, notify = await _teacher(hass, OFFLINE, rooms=30)
    # The power strip goes: every board's last will at once.
    for board_id in rooms:
        _send(hass, board_id, "status", "offline")
    freezer.tick(timedelta(minutes=2, seconds=1))
    async_fire_time_changed(hass)
    await notify.held(OFFLINE, runs=30)
    await notify.release()
    freezer.tick(timedelta(minutes=10))
    await _all_at_once(notify, OFFLINE, rooms, "status", "online")
    names = sorted(f"Room {board_id[-2:]}" for board_id in rooms)
    messages = [call["message"] for call in notify.calls]
    # The grace timers of one moment may run in any order; the returns come in order.
    assert sorted(messages[:30]) == [
        f"{name} has been offline for more than 2 minutes." for name in names
    ]
    assert messages[30:] == [
        f"{name} is back online (the alert lasted 10 min)." for name in names
    ]


async def test_offline_alert_survives_a_restart(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    _, notify = await _teacher(hass, OFFLINE, rooms=2)
    _send(hass, "room-01", "status", "offline")
    _send(hass, "room-02", "status", "offline")
    freezer.tick(timedelta(minutes=3))
    async_fire_time_changed(hass)
    await notify.held(OFFLINE, runs=2)
    await notify.release()
    # Home Assistant restarts; the broker replays both boards' last will, and room 02
    # comes back while Home Assistant is down.
    freezer.tick(timedelta(minutes=5))
    await _restart(hass, setup_integration, {"room-01": "offline", "room-02": "online"})
    await notify.held(OFFLINE, runs=1)
    await notify.release()
    freezer.tick(timedelta(minutes=3))  # past the grace period again: no second alert
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert len(notify.calls) == 3
    freezer.tick(timedelta(minutes=4))
    _send(hass, "room-01", "status", "online")
    await notify.held(OFFLINE, runs=1)
    await notify.release()
    messages = [call["message"] for call in notify.calls]
    assert sorted(messages[:2]) == [
        "Room 01 has been offline for more than 2 minutes.",
        "Room 02 has been offline for more than 2 minutes.",
    ]
    assert messages[2:] == [
        "Room 02 is back online (the alert lasted 5 min).",
        "Room 01 is back online (the alert lasted 12 min).",
    ]


async def test_occupancy_over_capacity(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    fire: Fire,
) -> None:
    await fire(DOOR, "info", load_fixture("info_counter.json"), retain=True)
    await fire(DOOR, "status", "online", retain=True)
    await set_number(hass, "number.library_entrance_capacity", 2)
    calls = async_mock_service(hass, "persistent_notification", "create")
    await _use_blueprint(hass, "occupancy_over_capacity.yaml", {})
    for direction in ("in", "in", "in", "out", "in", "out", "out"):
        await fire(DOOR, "passage", direction)
    assert [call.data["message"] for call in calls] == [
        "Library entrance: 3 people inside, capacity 2.",
        "Library entrance: back under capacity (1 inside).",
    ]


async def test_counters_over_capacity_at_once_and_across_a_restart(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    doors = {f"door-{number}": f"Door {number}" for number in (1, 2, 3)}

    def announce() -> None:
        for board_id, name in doors.items():
            info = {"id": board_id, "name": name, "caps": ["counter"]}
            _send(hass, board_id, "info", json.dumps(info), retain=True)
            _send(hass, board_id, "status", "online", retain=True)

    def totals(entries: int, exits: int, *, replay: bool = False) -> None:
        payload = json.dumps({"entries": entries, "exits": exits, "boot": "b1"})
        for board_id in doors:
            _send(hass, board_id, "counter", payload, retain=replay)

    announce()
    await hass.async_block_till_done()
    notify = SlowNotify(hass)
    await _use_blueprint(hass, OCCUPANCY, {"notify_action": "notify.teacher"})
    totals(60, 0)  # an assembly: every door over its capacity of 50 at once
    await notify.held(OCCUPANCY, runs=3)
    await notify.release()
    await _restart(hass, setup_integration, {})
    announce()
    totals(60, 0, replay=True)  # the broker replays the retained totals: same alerts
    await hass.async_block_till_done()
    assert len(notify.calls) == 3
    totals(60, 20)
    await notify.held(OCCUPANCY, runs=3)
    await notify.release()
    assert [call["message"] for call in notify.calls] == [
        f"{name}: 60 people inside, capacity 50." for name in doors.values()
    ] + [f"{name}: back under capacity (40 inside)." for name in doors.values()]


async def test_daily_entrance_report(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    fire: Fire,
    freezer: FrozenDateTimeFactory,
) -> None:
    freezer.move_to(_local("2026-11-23 17:00:00"))
    await fire(DOOR, "info", load_fixture("info_counter.json"), retain=True)
    await fire(DOOR, "status", "online", retain=True)
    calls = async_mock_service(hass, "notify", "librarian")
    await _use_blueprint(
        hass,
        "daily_entrance_report.yaml",
        {
            "closing_time": "19:00:00",
            "entries": "sensor.library_entrance_entries_today",
            "exits": "sensor.library_entrance_exits_today",
            "peak": "sensor.library_entrance_peak_occupancy_today",
            "notify_action": "notify.librarian",
        },
    )
    for direction in ("in", "in", "in", "out", "in", "out"):
        await fire(DOOR, "passage", direction)
    assert calls == []
    freezer.move_to(_local("2026-11-23 19:00:00"))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert [call.data for call in calls] == [
        {
            "title": "Library entrance: daily report",
            "message": "Library entrance on 2026-11-23: 4 entries, 2 exits,"
            " peak occupancy 3.",
        }
    ]


def _published(mqtt_mock: Any) -> list[tuple[str, Any, int, bool]]:
    """Every MQTT publish since the last reset: topic, payload (parsed JSON), QoS, retain."""
    return [
        (
            call.args[0],
            json.loads(call.args[1]) if call.args[1] else "",
            *call.args[2:4],
        )
        for call in mqtt_mock.async_publish.call_args_list
    ]


def _incident(
    board_id: str, kind: str, opened_at: datetime, **fields: Any
) -> dict[str, Any]:
    """The JSON message of one alert, as the blueprint publishes it."""
    return {
        "incident_id": f"iot_lab/{board_id}/{kind}/{opened_at.isoformat()}",
        "status": "opened",
        "alert_type": "incident_created",
        "kind": kind,
        "board_id": board_id,
        "name": f"Room {board_id.removeprefix('room-')}",
        "opened_at": opened_at.isoformat(),
        "duration": None,
        "timestamp": opened_at.isoformat(),
    } | fields


@pytest.mark.parametrize("per_kind", [False, True], ids=["per_board", "per_kind"])
async def test_alerts_are_published_on_mqtt_retained_while_open(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    mqtt_mock: Any,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    per_kind: bool,
) -> None:
    """The default topic is the board's; its retained message is its latest open alert."""
    await _climate_boards(hass, 1)
    await _use_blueprint(
        hass, TO_MQTT, {"topic": "{base}/{board_id}/alert/{kind}"} if per_kind else {}
    )
    mqtt_mock.async_publish.reset_mock()
    # Too hot, then offline while still too hot: two alerts open on one board.
    _send(hass, "room-01", "temperature", "30")
    await hass.async_block_till_done()
    _send(hass, "room-01", "status", "offline")
    freezer.tick(timedelta(minutes=2, seconds=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    offline_at = FROZEN_AT + timedelta(minutes=2, seconds=1)
    board = "iot_lab/room-01/alert"
    hot, offline = (
        (f"{board}/temperature_high", f"{board}/offline")
        if per_kind
        else (
            board,
            board,
        )
    )
    too_hot = _incident(
        "room-01", "temperature_high", FROZEN_AT, value=30.0, threshold=28.0
    )
    gone = _incident("room-01", "offline", offline_at, value=None, threshold=2)
    assert _published(mqtt_mock) == [(hot, too_hot, 1, True), (offline, gone, 1, True)]
    # Home Assistant restarts in between: the same incidents end, with their whole
    # duration; each end is published once. On the board's topic, the end of the offline
    # alert leaves the one still open retained (as it opened); the last end clears it.
    freezer.tick(timedelta(minutes=5))
    await _restart(hass, setup_integration, {"room-01": "offline"})
    await hass.async_block_till_done()
    mqtt_mock.async_publish.reset_mock()
    freezer.tick(timedelta(minutes=3))
    _send(hass, "room-01", "status", "online")
    await hass.async_block_till_done()
    _send(hass, "room-01", "temperature", "25")
    await hass.async_block_till_done()
    now = (FROZEN_AT + timedelta(minutes=10, seconds=1)).isoformat()
    ended = {"status": "resolved", "alert_type": "incident_resolved", "timestamp": now}
    still_open = (offline, "" if per_kind else too_hot, 1, True)
    assert _published(mqtt_mock) == [
        (offline, gone | ended | {"duration": 480.0}, 1, False),
        still_open,
        (hot, too_hot | ended | {"value": 25.0, "duration": 601.0}, 1, False),
        (hot, "", 1, True),
    ]
    # Our own messages come back through the broker: IoT Lab ignores them, silently.
    for topic in (hot, offline):
        async_fire_mqtt_message(hass, topic, json.dumps(too_hot), 1, True)
    await hass.async_block_till_done()
    assert "Dropped" not in caplog.text


async def test_an_alert_fired_without_open_alerts_clears_its_topic(
    hass: HomeAssistant, setup_integration: MockConfigEntry, mqtt_mock: Any
) -> None:
    """An `iot_lab_alert` of an earlier version, or fired by hand, has no open_alerts."""
    await _use_blueprint(hass, TO_MQTT, {})
    mqtt_mock.async_publish.reset_mock()
    hass.bus.async_fire(
        ALERT_EVENT,
        {
            "device_id": None,
            "base_topic": "iot_lab",
            "board_id": "room-09",
            "name": "Room 09",
            "kind": "humidity_high",
            "state": "resolved",
            "value": 50.0,
            "threshold": 70.0,
            "incident_id": "iot_lab/room-09/humidity_high/2026-01-01T00:00:00+00:00",
            "opened_at": "2026-01-01T00:00:00+00:00",
            "duration": 60.0,
        },
    )
    await hass.async_block_till_done()
    published = _published(mqtt_mock)
    assert [(topic, retain) for topic, _, _, retain in published] == [
        ("iot_lab/room-09/alert", False),
        ("iot_lab/room-09/alert", True),
    ]
    assert published[1][1] == ""


async def test_an_alert_of_a_kind_not_chosen_never_becomes_the_retained_one(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    mqtt_mock: Any,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Only temperature alerts chosen: the board's open humidity alert was never
    published, so the end of its temperature alert clears the topic."""
    await _climate_boards(hass, 1)
    await _use_blueprint(hass, TO_MQTT, {"kinds": ["temperature_high"]})
    mqtt_mock.async_publish.reset_mock()
    _send(hass, "room-01", "temperature", "30")
    await hass.async_block_till_done()
    freezer.tick(timedelta(minutes=1))
    _send(hass, "room-01", "humidity", "90")  # opens, not chosen: not published
    await hass.async_block_till_done()
    freezer.tick(timedelta(minutes=1))
    _send(hass, "room-01", "temperature", "25")
    await hass.async_block_till_done()
    topic = "iot_lab/room-01/alert"
    assert [
        (to, message and message["status"], retain)
        for to, message, _, retain in _published(mqtt_mock)
    ] == [(topic, "opened", True), (topic, "resolved", False), (topic, "", True)]


async def test_alerts_on_a_fixed_topic_as_an_event_stream(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    mqtt_mock: Any,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The DHT11 seed's `dht11/alerts` consumers: one message per alert, never retained;
    only the boards and kinds chosen."""
    rooms = await _climate_boards(hass, 30)
    await _use_blueprint(
        hass,
        TO_MQTT,
        {
            "boards": [_device_id(hass, setup_integration, "room-02")],
            "kinds": ["humidity_high"],
            "topic": " dht11/alerts ",
            "retain": False,
        },
    )
    mqtt_mock.async_publish.reset_mock()
    _send(hass, "room-02", "temperature", "35")  # another kind
    _send(hass, "room-01", "humidity", "90")  # another board
    _send(hass, "room-02", "humidity", "90")
    await hass.async_block_till_done()
    freezer.tick(timedelta(minutes=1))
    _send(hass, "room-02", "humidity", "50")
    await hass.async_block_till_done()
    humid = _incident("room-02", "humidity_high", FROZEN_AT, value=90.0, threshold=70.0)
    assert _published(mqtt_mock) == [
        ("dht11/alerts", humid, 1, False),
        (
            "dht11/alerts",
            humid
            | {
                "status": "resolved",
                "alert_type": "incident_resolved",
                "value": 50.0,
                "duration": 60.0,
                "timestamp": (FROZEN_AT + timedelta(minutes=1)).isoformat(),
            },
            1,
            False,
        ),
    ]
    assert len(rooms) == 30


async def test_a_burst_of_alerts_is_published_in_full_and_in_order(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    mqtt_mock: Any,
) -> None:
    rooms = await _climate_boards(hass, 30)
    await _use_blueprint(hass, TO_MQTT, {})
    mqtt_mock.async_publish.reset_mock()
    for board_id in rooms:  # a heat wave on every board at once
        _send(hass, board_id, "temperature", "33")
    await hass.async_block_till_done()
    assert [
        (topic, message["board_id"], retain)
        for topic, message, _, retain in (_published(mqtt_mock))
    ] == [(f"iot_lab/{board_id}/alert", board_id, True) for board_id in rooms]
