"""The dashboard strategy's JavaScript, run with Node on a made-up Home Assistant.

The browser stage (tests/e2e/test_browser.py) shows it on the real frontend; here each
option and board kind is checked quickly and exactly.
"""

from __future__ import annotations

import json
from pathlib import Path
import re
import shutil
import subprocess
from typing import Any

import pytest

from custom_components.iot_lab.dashboard import (
    DESCRIPTIONS,
    TRANSLATIONS,
    contract,
    role as role_of,
    texts,
)
from custom_components.iot_lab.frontend import STRATEGY_FILE, build_module
from custom_components.iot_lab.iot_lab_wire import SETTINGS

RUNNER = Path(__file__).with_name("strategy_run.mjs")
BOARDS = {
    "dev-light": (
        "Lab bench 1",
        "room-a",
        {
            "light_level": "sensor.lab_bench_1_light_level",
            "light_raw": "sensor.lab_bench_1_light_raw",
            "led": "switch.lab_bench_1_led",
            "oled": "text.lab_bench_1_oled",
            "light_low_alert": "binary_sensor.lab_bench_1_light_low",
        },
    ),
    "dev-climate": (
        "Climate corner 1",
        None,
        {
            "temperature": "sensor.climate_corner_1_temperature",
            "humidity": "sensor.climate_corner_1_humidity",
        },
    ),
    "dev-door": (
        "Library entrance 1",
        "room-a",
        {
            "occupancy": "sensor.library_entrance_1_occupancy",
            "entries_today": "sensor.library_entrance_1_entries_today",
            "passage": "event.library_entrance_1_passage",
        },
    ),
    # Older firmware with no status topic: "Last heard" instead of connectivity.
    "dev-esp32": (
        "ESP32 photoresistor",
        None,
        {
            "light_level": "sensor.esp32_photoresistor_light_level",
            "last_heard": "sensor.esp32_photoresistor_last_heard",
        },
    ),
    "dev-poly": (
        "Sensor Test_4G",
        None,
        {
            "measurement": "sensor.sensor_test_4g_value",
            "last_heard": "sensor.sensor_test_4g_last_heard",
        },
    ),
}
DEVICE_CLASS_ROLES = {"temperature", "humidity", "connectivity"}


def _hass(language: str = "en") -> dict[str, Any]:
    entities: dict[str, Any] = {}
    states: dict[str, Any] = {}
    devices: dict[str, Any] = {}
    for device_id, (name, area, own) in BOARDS.items():
        devices[device_id] = {"name": name, "name_by_user": None, "area_id": area}
        roles = dict(own)
        if "last_heard" not in own:
            roles["connectivity"] = f"binary_sensor.{device_id}_connectivity"
        for role, entity_id in roles.items():
            by_class = role in DEVICE_CLASS_ROLES
            entities[entity_id] = {
                "entity_id": entity_id,
                "device_id": device_id,
                "platform": "iot_lab",
                "translation_key": None if by_class else role,
            }
            states[entity_id] = {
                "attributes": {"device_class": role} if by_class else {}
            }
    entities["sensor.other"] = {
        "entity_id": "sensor.other",
        "device_id": "x",
        "platform": "mqtt",
    }
    return {
        "entities": entities,
        "states": states,
        "devices": devices,
        "areas": {"room-a": {"name": "Room A"}},
        "locale": {"language": language},
    }


@pytest.fixture(scope="module")
def served_module(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The strategy as the integration serves it, in a file Node can import."""
    path = tmp_path_factory.mktemp("strategy") / "iot-lab-strategy.mjs"
    path.write_text(build_module(), encoding="utf-8")
    return path


def _generate(
    module: Path, config: dict[str, Any], hass: dict[str, Any]
) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None:
        pytest.skip(
            "no Node.js on this machine (the browser stage still runs the strategy)"
        )
    result = subprocess.run(
        [node, str(RUNNER), module.as_uri()],
        input=json.dumps({"config": config, "hass": hass}),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def _texts(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def test_one_view_with_a_section_per_board_kind(served_module: Path) -> None:
    out = _generate(served_module, {"type": "custom:iot-lab"}, _hass())
    assert out["registered"] == [
        {
            "type": "iot-lab",
            "strategyType": "dashboard",
            "name": "IoT Lab",
            "description": out["registered"][0]["description"],
        }
    ]
    (view,) = out["dashboard"]["views"]
    assert (view["path"], view["type"]) == ("lab", "sections")
    headings = [section["cards"][0]["heading"] for section in view["sections"]]
    assert headings == [
        "Light boards",
        "Climate boards",
        "Door counters",
        "Other sensors",
        "Alerts",
    ]
    text = _texts(view)
    for entity_id in (
        "sensor.lab_bench_1_light_level",
        "switch.lab_bench_1_led",
        "text.lab_bench_1_oled",
        "sensor.climate_corner_1_temperature",
        "sensor.library_entrance_1_occupancy",
        "event.library_entrance_1_passage",
        "binary_sensor.lab_bench_1_light_low",
        "binary_sensor.dev-door_connectivity",
    ):
        assert entity_id in text
    assert "Lab bench 1: what the board shows" in text
    assert "Mean temperature today" in text
    assert "sensor.other" not in text


def _cards(card: dict[str, Any]) -> list[dict[str, Any]]:
    """A card and every card inside it."""
    inner = [c for child in card.get("cards", []) for c in _cards(child)]
    return [card, *inner]


def test_last_heard_where_connectivity_would_be(served_module: Path) -> None:
    (view,) = _generate(served_module, {}, _hass())["dashboard"]["views"]
    cards = [
        card
        for section in view["sections"]
        for c in section["cards"]
        for card in _cards(c)
    ]
    esp32 = next(card for card in cards if card.get("title") == "ESP32 photoresistor")
    assert esp32["entities"] == ["sensor.esp32_photoresistor_last_heard"]
    (footer,) = [card for card in cards if card.get("title") == "Board connectivity"]
    assert footer["entities"] == [
        "sensor.esp32_photoresistor_last_heard",
        "binary_sensor.dev-light_connectivity",
        "binary_sensor.dev-climate_connectivity",
        "binary_sensor.dev-door_connectivity",
        "sensor.sensor_test_4g_last_heard",
    ]


def test_options_kinds_views_and_mean_period_in_french(served_module: Path) -> None:
    hass = _hass("fr")
    out = _generate(
        served_module,
        {"kinds": ["climate", "door"], "views": "kind", "mean_period": "week"},
        hass,
    )
    views = out["dashboard"]["views"]
    assert [view["path"] for view in views] == ["climate", "door"]
    assert "Température moyenne de la semaine" in _texts(views[0])
    assert "lab_bench_1" not in _texts(views)
    by_area = _generate(served_module, {"views": "area"}, hass)["dashboard"]["views"]
    assert [(view["title"], view["path"]) for view in by_area] == [
        ("Room A", "room-a"),
        ("Sans pièce", "no-area"),
    ]
    assert "climate_corner_1" in _texts(by_area[1])
    assert "climate_corner_1" not in _texts(by_area[0])


def test_no_board_yet(served_module: Path) -> None:
    hass = _hass()
    hass["entities"] = {}
    (view,) = _generate(served_module, {}, hass)["dashboard"]["views"]
    assert "No IoT Lab board yet" in _texts(view)


def test_the_script_names_no_entity() -> None:
    """Every role comes from the descriptions (dashboard.py): none is written in the
    script, so renaming a translation key cannot drop a card unnoticed."""
    script = STRATEGY_FILE.read_text(encoding="utf-8")
    for description in DESCRIPTIONS:
        name = role_of(description)
        assert f'"{name}"' not in script, name
        assert f"roles.{name}" not in script, name


def test_the_contract_is_the_descriptions() -> None:
    known = contract()
    roles = {role_of(description) for description in DESCRIPTIONS}
    placed = {
        *known["kind_of_role"],
        *known["alerts"],
        *known["presence"],
        *known["light"]["details"],
        *known["climate"]["glance"],
        *known["door"]["details"],
        known["measurement"]["value"],
    }
    assert placed <= roles
    alerts = {d.key for d in DESCRIPTIONS if d.device_class == "problem"}
    assert set(known["alerts"]) == alerts


def test_every_text_the_script_uses_is_translated() -> None:
    script = STRATEGY_FILE.read_text(encoding="utf-8")
    used = set(re.findall(r"\bt\.(\w+)", script)) | {
        f"mean_{what}_{period}"
        for what in ("temperature", "humidity")
        for period in ("day", "week", "month")
    }
    by_language = texts(TRANSLATIONS.glob("*.json"))
    assert set(by_language) == {"en", "fr"}
    for language, translated in by_language.items():
        assert used <= set(translated), language
        assert set(translated) == set(by_language["en"]), language


def test_settings_stay_on_the_device_page() -> None:
    """A board's settings (config entities) are on its device page, not the dashboard."""
    known = contract()
    placed = json.dumps(known)
    for key in SETTINGS:
        assert f'"{key}"' not in placed, key
