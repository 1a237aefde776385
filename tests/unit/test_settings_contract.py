"""The settings table of the wire contract, on its own (no Home Assistant)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from custom_components.iot_lab.iot_lab_wire import (
    SETTINGS,
    ProtocolError,
    check_settings,
    parse_settings,
    settings_payload,
)


@pytest.mark.parametrize(
    ("data", "taken"),
    [
        ({"swap": True}, {"swap": True}),
        ({"gap_ms": 200}, {"gap_ms": 200}),
        ({"gap_ms": 650.0}, {"gap_ms": 650}),
        ({"light_delta": 5}, {"light_delta": 5.0}),
        ({"mounting": "legs", "swap": False}, {"mounting": "legs", "swap": False}),
    ],
)
def test_valid_settings_are_taken(data: dict[str, Any], taken: dict[str, Any]) -> None:
    assert check_settings(data) == taken
    assert json.loads(settings_payload(data)) == taken


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({}, "empty"),
        ({"colour": "red"}, "unknown"),
        ({"swap": True, "colour": "red"}, "unknown"),
        ({"swap": 1}, "not a bool"),
        ({"gap_ms": "500"}, "not a int"),
        ({"gap_ms": True}, "not a int"),
        ({"gap_ms": 500.5}, "whole number"),
        ({"gap_ms": 199}, "outside"),
        ({"light_delta": float("nan")}, "not a finite number"),
        ({"gap_ms": 10**400}, "out of range"),
        ({"mounting": "knees"}, "not one of"),
        ({"mounting": 1}, "not one of"),
    ],
)
def test_anything_wrong_refuses_all(data: dict[str, Any], reason: str) -> None:
    with pytest.raises(ProtocolError, match=reason):
        check_settings(data)


@pytest.mark.parametrize("payload", ["[]", "not json", '{"swap": true', "1"])
def test_an_echo_is_one_json_object(payload: str) -> None:
    with pytest.raises(ProtocolError):
        parse_settings(payload)


def test_every_board_kind_has_its_settings() -> None:
    kinds = {spec.capability for spec in SETTINGS.values()}
    assert kinds == {"counter", "light", "temperature", "humidity"}
