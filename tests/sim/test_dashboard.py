"""The demo dashboard filled in from demo/dashboard.yaml: what each board kind gets."""

from __future__ import annotations

from typing import Any

from iot_lab_sim.dashboard import dashboard_config
from iot_lab_sim.hass_api import Board


def _board(board_id: str, name: str, *keys: str) -> Board:
    return Board(board_id, name, {key: f"x.{board_id}_{key}" for key in keys})


def _cards(*boards: Board) -> list[dict[str, Any]]:
    config = dashboard_config(boards)
    assert config["title"] == "IoT Lab"
    (view,) = config["views"]
    cards: list[dict[str, Any]] = view["cards"]
    return cards


def test_no_board_no_card() -> None:
    assert _cards() == []


def test_boards_kind_by_kind_then_footer() -> None:
    cards = _cards(
        _board("door-1", "Door", "occupancy", "passage", "connectivity"),
        _board("poly", "Sensor", "measurement"),
        _board("lab-1", "Lab", "light_level", "light_raw", "led", "light_low_alert"),
        _board("climate-1", "Climate", "temperature", "humidity", "connectivity"),
    )
    assert [card.get("title") or card["cards"][0].get("title") for card in cards] == [
        None,  # the light stack starts with its gauge
        "Climate",
        "Door",
        "Sensor",
        "Alerts",
        "Board connectivity",
    ]
    assert cards[0]["cards"][0]["name"] == "Lab: light level"
    assert cards[-2]["entities"] == ["x.lab-1_light_low_alert"]
    assert cards[-1]["entities"] == [
        "x.climate-1_connectivity",
        "x.door-1_connectivity",
    ]


def test_missing_entities_are_left_out() -> None:
    (light,) = _cards(_board("esp32", "ESP32", "light_level", "light_raw", "led"))
    gauge, entities, glance, history = light["cards"]
    assert gauge["entity"] == "x.esp32_light_level"
    assert entities["entities"] == ["x.esp32_led", "x.esp32_light_raw"]
    assert glance["entities"] == [{"entity": "x.esp32_led", "name": "LED"}]
    assert history["title"] == "ESP32: light"
    (door,) = _cards(_board("csv-a", "CSV", "occupancy", "entries_today"))
    assert [card["type"] for card in door["cards"]] == ["entities", "history-graph"]
