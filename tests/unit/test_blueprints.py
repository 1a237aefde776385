"""The automation blueprints, instantiated in a test Home Assistant and driven over MQTT."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
import shutil
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.automation import DOMAIN as AUTOMATION_DOMAIN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    async_mock_service,
)
import yaml

from custom_components.iot_lab.const import DOMAIN

from .conftest import CLIMATE_ID, Fire, load_fixture, set_number

BLUEPRINTS = Path(__file__).parents[2] / "blueprints" / "automation" / "iot_lab"
DOOR = "door-1"


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
        (DOMAIN, board_id), entry.entry_id
    )
    assert device is not None
    return device.id


def test_every_blueprint_is_tested_and_filters_on_iot_lab() -> None:
    names = sorted(path.name for path in BLUEPRINTS.glob("*.yaml"))
    assert names == [
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


async def test_threshold_alert_notifies_once_per_crossing_with_cooldown(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    climate_board: str,
    fire: Fire,
    freezer: FrozenDateTimeFactory,
) -> None:
    calls = async_mock_service(hass, "notify", "teacher")
    await _use_blueprint(
        hass,
        "threshold_alert.yaml",
        {"notify_action": "notify.teacher", "cooldown": 10},
    )
    # Hovering around the 28 °C limit: one alert, no flapping.
    for value in ("27.0", "28.5", "27.9", "28.3", "27.8", "28.4"):
        freezer.tick(timedelta(minutes=1))
        await fire(CLIMATE_ID, "temperature", value)
    assert [call.data for call in calls] == [
        {
            "title": "Climate corner: alert",
            "message": "Climate corner: temperature above 28.0 (28.5)",
        }
    ]
    # Resolved 3 minutes later: within the cooldown, so not notified.
    freezer.tick(timedelta(minutes=3))
    await fire(CLIMATE_ID, "temperature", "27.0")
    assert len(calls) == 1
    # Past the cooldown, the next crossing is notified, and so is its end.
    freezer.tick(timedelta(minutes=10))
    await fire(CLIMATE_ID, "temperature", "12.0")
    freezer.tick(timedelta(minutes=30))
    await fire(CLIMATE_ID, "temperature", "20.0")
    # A new crossing a minute later falls within the cooldown again.
    freezer.tick(timedelta(minutes=1))
    await fire(CLIMATE_ID, "temperature", "15.0")
    assert [call.data["message"] for call in calls[1:]] == [
        "Climate corner: temperature below 16.0 (12.0)",
        "Climate corner: temperature below 16.0 (20.0), resolved after 30 min",
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
    await _use_blueprint(
        hass, "offline_alert.yaml", {"notify_action": "notify.teacher"}
    )
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
