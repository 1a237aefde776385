"""The ESPHome firmware, validated offline and held to the integration's wire contract.

Every board config must pass `esphome config` and `esphome compile --only-generate`, and
every topic and payload it publishes or listens to (as ESPHome resolves the config) must be
one that the wire contract (`iot_lab_wire`) accepts. Renaming a topic on either side
fails here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
import json
from pathlib import Path
import re
from typing import Any

import iot_lab_wire
import pytest

from iot_lab_sim import filters

from .firmware import BOARDS, ESPHOME, NOT_INSTALLED, Lambda, esphome

Capability = iot_lab_wire.Capability
Channel = iot_lab_wire.Channel
Command = iot_lab_wire.Command
BASE = iot_lab_wire.DEFAULT_BASE_TOPIC
RETAINED = {
    Channel.INFO,
    Channel.STATUS,
    Channel.COUNTER,
    Channel.LED,
    Channel.OLED,
    Channel.CONFIG,
}
"""Channels published retained (docs/iot_lab_wire.md); the others must not be."""
CHANNELS_OF = {
    Capability.LIGHT: {Channel.LIGHT},
    Capability.LED: {Channel.LED},
    Capability.OLED: {Channel.OLED},
    Capability.TEMPERATURE: {Channel.TEMPERATURE},
    Capability.HUMIDITY: {Channel.HUMIDITY},
    Capability.COUNTER: {Channel.COUNTER, Channel.PASSAGE},
    Capability.SETTINGS: {Channel.CONFIG},
}
COMMANDS_OF = {
    Capability.LED: {Command.LED},
    Capability.OLED: {Command.OLED},
    Capability.SETTINGS: {Command.CONFIG},
}
FIRMWARE_VERSION = "1.1.0"
ENTITY_DOMAINS = (
    "sensor",
    "binary_sensor",
    "switch",
    "button",
    "text_sensor",
    "number",
)
_LAMBDA_PUBLISH = re.compile(
    r"""publish\(\s*"([^"]+)"\s*,\s*\w+\s*,\s*\d\s*,\s*(true|false)"""
)

pytestmark = pytest.mark.skipif(not ESPHOME.exists(), reason=NOT_INSTALLED)


@dataclass(frozen=True)
class Publish:
    topic: str
    payload: str
    retain: bool


def _walk(node: Any) -> Iterator[Any]:
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _publishes(config: dict[str, Any]) -> list[Publish]:
    """Every message the board can publish: actions, lambdas, birth, will."""
    found = [
        Publish(action["topic"], action["payload"], action.get("retain", True))
        for node in _walk(config)
        if isinstance(node, dict)
        and isinstance(action := node.get("mqtt.publish"), dict)
    ]
    found += [
        Publish(topic, Lambda("x"), retain == "true")
        for node in _walk(config)
        if isinstance(node, Lambda)
        for topic, retain in _LAMBDA_PUBLISH.findall(node)
    ]
    mqtt = config["mqtt"]
    found += [
        Publish(m["topic"], m["payload"], m["retain"])
        for key in ("birth_message", "will_message", "shutdown_message")
        if (m := mqtt.get(key))
    ]
    return found


def _subscriptions(config: dict[str, Any]) -> list[tuple[str, str | None]]:
    mqtt = config["mqtt"]
    return [
        (handler["topic"], handler.get("payload"))
        for handler in mqtt.get("on_message", []) + mqtt.get("on_json_message", [])
    ]


def _board_id(config: dict[str, Any]) -> str:
    return config["substitutions"]["board_id"]


def _info(config: dict[str, Any]) -> Any:
    (announce,) = {
        p.payload
        for p in _publishes(config)
        if p.topic == iot_lab_wire.channel_topic(BASE, _board_id(config), Channel.INFO)
    }
    return iot_lab_wire.parse_info(_board_id(config), announce)


@pytest.mark.parametrize("board", BOARDS)
def test_config_is_valid_and_generates_cpp(workdir: Path, board: str) -> None:
    result = esphome(workdir, "compile", "--only-generate", board)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Successfully generated source code" in result.stdout + result.stderr


@pytest.mark.parametrize("board", BOARDS)
def test_mqtt_is_set_up_for_the_integration(
    resolved: dict[str, dict[str, Any]], board: str
) -> None:
    config = resolved[board]
    board_id = _board_id(config)
    assert iot_lab_wire.is_valid_board_id(board_id)
    mqtt = config["mqtt"]
    # The integration owns the entities: no MQTT discovery, no stray log topic.
    assert mqtt["discovery"] is False
    assert mqtt["log_topic"] is None
    assert mqtt["topic_prefix"] == f"{BASE}/{board_id}"
    status = iot_lab_wire.channel_topic(BASE, board_id, Channel.STATUS)
    assert (mqtt["birth_message"]["topic"], mqtt["will_message"]["topic"]) == (
        status,
        status,
    )
    assert iot_lab_wire.parse_status(mqtt["birth_message"]["payload"]) is True
    assert iot_lab_wire.parse_status(mqtt["will_message"]["payload"]) is False
    assert iot_lab_wire.parse_status(mqtt["shutdown_message"]["payload"]) is False
    # Entities stay internal: ESPHome would otherwise publish <prefix>/<domain>/<name>/state.
    entities = [
        node
        for domain in ENTITY_DOMAINS
        for node in _walk(config.get(domain, []))
        if isinstance(node, dict) and "disabled_by_default" in node
    ]
    assert entities
    for entity in entities:
        assert entity.get("internal") is True, (board, entity.get("id"))
    assert not [
        node
        for node in _walk(config)
        if isinstance(node, dict) and ({"state_topic", "command_topic"} & node.keys())
    ]


@pytest.mark.parametrize("board", BOARDS)
def test_every_publish_follows_the_contract(
    resolved: dict[str, dict[str, Any]], board: str
) -> None:
    config = resolved[board]
    board_id = _board_id(config)
    info = _info(config)
    published: set[Channel] = set()
    for message in _publishes(config):
        topic_board, channel = iot_lab_wire.split_topic(BASE, message.topic)
        assert topic_board == board_id, message
        assert message.retain is (channel in RETAINED), message
        published.add(channel)
        payload = message.payload
        if isinstance(payload, Lambda):
            assert channel in _LAMBDA_RETURNS, message
            for fragment in _LAMBDA_RETURNS[channel]:
                assert fragment in payload, (message, fragment)
        else:
            _LITERAL_CHECKS[channel](board_id, payload)
    expected = {Channel.INFO, Channel.STATUS}
    for capability in info.capabilities:
        expected |= CHANNELS_OF[Capability(capability)]
    assert published == expected


@pytest.mark.parametrize("board", BOARDS)
def test_every_subscription_is_a_command_of_its_caps(
    resolved: dict[str, dict[str, Any]], board: str
) -> None:
    config = resolved[board]
    board_id = _board_id(config)
    info = _info(config)
    allowed = {
        iot_lab_wire.channel_topic(BASE, board_id, command): command
        for capability in info.capabilities
        for command in COMMANDS_OF.get(Capability(capability), ())
    }
    listened: set[Command] = set()
    own_totals = iot_lab_wire.channel_topic(BASE, board_id, Channel.COUNTER)
    for topic, payload in _subscriptions(config):
        if topic == "homeassistant/status":
            assert payload == "online"  # re-announce when Home Assistant restarts
            continue
        if topic == own_totals and Capability.COUNTER in info.capabilities:
            continue  # its own retained totals, read back once after a reboot
        assert topic in allowed, topic
        listened.add(allowed[topic])
        if allowed[topic] is Command.LED:
            assert payload in {iot_lab_wire.PAYLOAD_ON, iot_lab_wire.PAYLOAD_OFF}
        else:
            assert (
                payload is None
            )  # any text: the board checks length and control chars
    assert listened == set(allowed.values())


def test_every_capability_is_produced_by_a_board(
    resolved: dict[str, dict[str, Any]],
) -> None:
    produced = set().union(
        *(_info(config).capabilities for config in resolved.values())
    )
    assert produced == set(Capability)


def _seconds(period: str) -> float:
    number, unit = re.fullmatch(r"([0-9.]+)(ms|s|min)", period).groups()  # type: ignore[union-attr]
    return float(number) * {"ms": 0.001, "s": 1, "min": 60}[unit]


def _defaults(config: dict[str, Any]) -> dict[str, Any]:
    """The board's settings until Home Assistant sets them (its substitutions)."""
    return json.loads(config["substitutions"]["settings_defaults"])


@pytest.mark.parametrize("board", BOARDS)
def test_board_keeps_every_setting_of_its_kind(
    resolved: dict[str, dict[str, Any]], board: str
) -> None:
    """Defaults the contract accepts, for exactly the keys of the board's capabilities,
    kept in flash that is written at most once a minute."""
    config = resolved[board]
    info = _info(config)
    assert info.firmware == FIRMWARE_VERSION
    assert Capability.SETTINGS in info.capabilities
    defaults = iot_lab_wire.check_settings(_defaults(config))
    assert set(defaults) == {
        key
        for key, spec in iot_lab_wire.SETTINGS.items()
        if spec.capability in info.capabilities
    }
    (kept,) = [g for g in config["globals"] if g["id"] == "settings"]
    assert kept["restore_value"] is True
    assert _seconds(config["preferences"]["flash_write_interval"]) <= 60
    if "esp8266" in config:  # RTC memory would not survive a power cut
        assert config["esp8266"]["restore_from_flash"] is True
    # Restored, then checked and put into the board's components, at boot.
    (boot,) = [
        automation
        for automation in config["esphome"]["on_boot"]
        if {"script.execute": {"id": "settings_boot"}} in automation["then"]
    ]
    assert boot["priority"] < 0
    assert "apply_settings" in {script["id"] for script in config["script"]}


@pytest.mark.parametrize(
    ("board", "sensor_path", "model", "keys"),
    [
        (
            "light-oled.yaml",
            ("sensor", 0),
            filters.LIGHT,
            ("LIGHT_DELTA", "LIGHT_HEARTBEAT_S", "light_sample_ms"),
        ),
        (
            "climate-dht11.yaml",
            ("sensor", 0, "temperature"),
            filters.CLIMATE_TEMPERATURE,
            ("TEMPERATURE_DELTA", "CLIMATE_HEARTBEAT_S", None),
        ),
        (
            "climate-dht11.yaml",
            ("sensor", 0, "humidity"),
            filters.CLIMATE_HUMIDITY,
            ("HUMIDITY_DELTA", "CLIMATE_HEARTBEAT_S", None),
        ),
    ],
)
def test_boards_send_on_change_as_the_simulator_models_it(
    resolved: dict[str, dict[str, Any]],
    board: str,
    sensor_path: tuple[Any, ...],
    model: filters.Settings,
    keys: tuple[str, str, str | None],
) -> None:
    """The firmware's filter chain and its default settings are the ones the simulator
    and the benchmark count with (iot_lab_sim/filters.py): a moving average, then
    send_on_change.h with the threshold and heartbeat the board keeps."""
    config = resolved[board]
    sensor: Any = config
    for step in sensor_path:
        sensor = sensor[step]
    chain = sensor["filters"]
    assert len(chain) == 2
    window = int(chain[0]["sliding_window_moving_average"]["window_size"])
    assert window == model.window
    send = chain[1]["lambda"]
    delta_key, heartbeat_key, sample_key = keys
    assert "iot_lab_settings::SendOnChange" in send
    assert f"iot_lab_settings::{delta_key})" in send
    assert f"iot_lab_settings::{heartbeat_key}) * 1000" in send
    defaults = _defaults(config)
    delta = defaults[delta_key.lower()]
    if delta_key == "LIGHT_DELTA":  # % of 4095, to the nearest step (settings.h)
        assert "iot_lab_settings::light_delta_steps(" in send
        delta = round(delta * 4095 / 100)
    assert delta == model.delta
    assert defaults[heartbeat_key.lower()] == model.heartbeat.total_seconds()
    interval = sensor.get("update_interval") or config["sensor"][0]["update_interval"]
    assert _seconds(interval) == model.sample_every.total_seconds()
    if sample_key is not None:  # the sampling period is a setting too
        assert defaults[sample_key] / 1000 == model.sample_every.total_seconds()
        (apply,) = [s for s in config["script"] if s["id"] == "apply_settings"]
        assert "iot_lab_settings::LIGHT_SAMPLE_MS" in apply["then"][0]["lambda"]


def test_door_counter_announces_a_complete_csv_identity(
    resolved: dict[str, dict[str, Any]],
) -> None:
    info = _info(resolved["door-counter.yaml"])
    assert all(info.csv.fields()), info.csv


def test_door_counter_uses_the_tested_direction_header(
    resolved: dict[str, dict[str, Any]],
) -> None:
    config = resolved["door-counter.yaml"]
    assert config["iot_lab_door"]["gap"] in {"500ms", "0.5s"}
    assert config["iot_lab_door"]["mounting"] == "torso"
    defaults = _defaults(config)
    assert _seconds(config["iot_lab_door"]["gap"]) * 1000 == defaults["gap_ms"]
    assert config["iot_lab_door"]["mounting"] == defaults["mounting"]
    # The settings reach the detector (door_direction.h's setters).
    (apply,) = [s for s in config["script"] if s["id"] == "apply_settings"]
    for setter in ("set_gap_ms(", "set_mounting(", "set_swap("):
        assert f"id(door)->{setter}" in apply["then"][0]["lambda"]
    lambdas = [
        node for node in _walk(config["binary_sensor"]) if isinstance(node, Lambda)
    ]
    assert [
        ("id(door)->update(0," in s, "id(door)->update(1," in s) for s in lambdas
    ] == [
        (True, False),
        (False, True),
    ]


def _check_info(board_id: str, payload: str) -> None:
    iot_lab_wire.parse_info(board_id, payload)


def _check_led(board_id: str, payload: str) -> None:
    iot_lab_wire.parse_led(payload)


def _check_status(board_id: str, payload: str) -> None:
    iot_lab_wire.parse_status(payload)


_LITERAL_CHECKS = {
    Channel.INFO: _check_info,
    Channel.LED: _check_led,
    Channel.STATUS: _check_status,
}
_LAMBDA_RETURNS = {
    # What a payload computed on the board must contain to parse on the integration side.
    Channel.LED: ['"ON"', '"OFF"'],
    Channel.LIGHT: ["to_string((int) x)"],
    Channel.TEMPERATURE: ["value_accuracy_to_string(x, 1)"],
    Channel.HUMIDITY: ["value_accuracy_to_string(x, 0)"],
    Channel.PASSAGE: ['"in"', '"out"'],
    Channel.COUNTER: ['\\"entries\\": %u', '\\"exits\\": %u', '\\"boot\\": \\"%s\\"'],
    Channel.OLED: ["x"],
    Channel.CONFIG: ["iot_lab_settings::to_json(id(settings), id(settings_caps))"],
}
