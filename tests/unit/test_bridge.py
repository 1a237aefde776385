"""Sites whose broker is bridged to Home Assistant's: boards follow the bridge's state.

Mosquitto's bridge publishes a retained "1" on its notification topic when it connects,
and the central broker publishes the bridge's last will "0" when it drops, while still
holding the site's retained `online`s: the boards must go unavailable then, and come
back, with nothing counted twice or lost, when the bridge returns.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_mqtt_message,
)

from custom_components.iot_lab.const import CONF_BASE_TOPIC, CONF_BRIDGES, DOMAIN
from custom_components.iot_lab.diagnostics import async_get_config_entry_diagnostics
from custom_components.iot_lab.iot_lab_wire import (
    ProtocolError,
    parse_bridge_state,
    validate_bridge_topic,
)

from .conftest import load_fixture

NORTH, SOUTH = "north/iot_lab", "south/iot_lab"
NORTH_BRIDGE, SOUTH_BRIDGE = "bridges/north", "bridges/south"
LIGHT = "sensor.lab_bench_1_light_level"
"""North's light board's level; south's is `..._2`."""
LEVEL = "50.0"
"""The level of the raw reading 2048 every board sends here."""
CONNECTIVITY = "binary_sensor.lab_bench_1_connectivity"
DOOR = "sensor.library_entrance"


def _site(base: str, bridge: str | None) -> MockConfigEntry:
    return MockConfigEntry(
        domain=DOMAIN,
        title=f"IoT Lab ({base})",
        data={CONF_BASE_TOPIC: base},
        options={CONF_BRIDGES: {bridge: []}} if bridge else {},
        unique_id=base,
        version=2,
    )


def _send(hass: HomeAssistant, topic: str, payload: str, retain: bool = False) -> None:
    async_fire_mqtt_message(hass, topic, payload, 1, retain)


def _totals(entries: int, exits: int) -> str:
    return json.dumps({"entries": entries, "exits": exits, "boot": "b7f3c2a1"})


async def _boards(hass: HomeAssistant, base: str) -> None:
    """A light board and a door counter, announced and online (retained)."""
    for board, info in (
        ("lab-1", load_fixture("info_light_oled.json")),
        ("door-1", load_fixture("info_counter.json")),
    ):
        _send(hass, f"{base}/{board}/info", info, True)
        _send(hass, f"{base}/{board}/status", "online", True)
    _send(hass, f"{base}/lab-1/light", "2048")
    await hass.async_block_till_done()


async def _one_site(hass: HomeAssistant, bridge: str | None) -> MockConfigEntry:
    """North alone, bridged or not."""
    entry = _site(NORTH, bridge)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


@pytest.fixture
async def sites(hass: HomeAssistant, mqtt_mock: Any) -> list[MockConfigEntry]:
    """Two sites, each bridged, their bridges up and their boards online."""
    entries = [_site(NORTH, NORTH_BRIDGE), _site(SOUTH, SOUTH_BRIDGE)]
    for entry in entries:
        entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entries[0].entry_id)
    await hass.async_block_till_done()
    for bridge in (NORTH_BRIDGE, SOUTH_BRIDGE):
        _send(hass, bridge, "1", True)
    for base in (NORTH, SOUTH):
        await _boards(hass, base)
    return entries


def _state(hass: HomeAssistant, entity_id: str) -> str:
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


async def test_each_site_follows_its_own_bridge(
    hass: HomeAssistant, sites: list[MockConfigEntry]
) -> None:
    assert _state(hass, LIGHT) == _state(hass, f"{LIGHT}_2") == LEVEL
    # North's bridge drops: the central broker sends its last will (a live message, so
    # not flagged retained, though the broker keeps it).
    _send(hass, NORTH_BRIDGE, "0")
    await hass.async_block_till_done()
    assert _state(hass, LIGHT) == STATE_UNAVAILABLE
    assert _state(hass, CONNECTIVITY) == STATE_UNAVAILABLE
    assert _state(hass, f"{DOOR}_occupancy") == STATE_UNAVAILABLE
    assert _state(hass, f"{LIGHT}_2") == LEVEL
    assert _state(hass, f"{CONNECTIVITY}_2") == "on"
    # Back: the same values, nothing else needed; a replay of the same word changes
    # nothing.
    _send(hass, NORTH_BRIDGE, "1")
    _send(hass, NORTH_BRIDGE, "1")
    await hass.async_block_till_done()
    assert _state(hass, LIGHT) == LEVEL
    assert _state(hass, CONNECTIVITY) == "on"


async def test_counts_across_a_bridge_outage_are_exact(
    hass: HomeAssistant, sites: list[MockConfigEntry]
) -> None:
    door = "north/iot_lab/door-1"
    _send(hass, f"{door}/counter", _totals(0, 0))
    _send(hass, f"{door}/passage", "in")
    _send(hass, f"{door}/counter", _totals(1, 0))
    _send(hass, NORTH_BRIDGE, "0")
    await hass.async_block_till_done()
    # While the bridge is down, people pass: the site broker queues the board's messages
    # for the bridge, and replays its retained totals when the bridge returns.
    _send(hass, NORTH_BRIDGE, "1")
    for message in ("in", "in", "out"):
        _send(hass, f"{door}/passage", message)
    _send(hass, f"{door}/counter", _totals(3, 1))
    _send(hass, f"{door}/counter", _totals(3, 1))  # the retained replay
    await hass.async_block_till_done()
    assert _state(hass, f"{DOOR}_lifetime_entries") == "3"
    assert _state(hass, f"{DOOR}_lifetime_exits") == "1"
    assert _state(hass, f"{DOOR}_occupancy") == "2"


async def test_a_bridge_down_at_start_keeps_its_boards_unavailable(
    hass: HomeAssistant, mqtt_mock: Any
) -> None:
    """Home Assistant starts while the site is cut off: the retained "0" comes first."""
    entry = await _one_site(hass, NORTH_BRIDGE)
    _send(hass, NORTH_BRIDGE, "0", True)
    await _boards(hass, NORTH)
    assert _state(hass, LIGHT) == STATE_UNAVAILABLE
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["broker_connected"] is True
    assert diagnostics["bridge_up"] == {NORTH_BRIDGE: False}


async def test_a_site_without_a_bridge_ignores_other_sites_bridges(
    hass: HomeAssistant, mqtt_mock: Any
) -> None:
    await _one_site(hass, None)
    await _boards(hass, NORTH)
    _send(hass, SOUTH_BRIDGE, "0")
    await hass.async_block_till_done()
    assert _state(hass, LIGHT) == LEVEL


async def test_a_broken_bridge_state_is_logged_and_dropped(
    hass: HomeAssistant, sites: list[MockConfigEntry], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    for payload in ("2", "", "connected", "\xff"):
        _send(hass, NORTH_BRIDGE, payload)
    await hass.async_block_till_done()
    assert _state(hass, LIGHT) == LEVEL
    assert caplog.text.count("Dropped bridge state on bridges/north") == 4
    _send(hass, NORTH_BRIDGE, " 0\n")  # Surrounding spaces are tolerated.
    await hass.async_block_till_done()
    assert _state(hass, LIGHT) == STATE_UNAVAILABLE
    assert "bridges/north" in caplog.text
    assert "boards are unavailable" in caplog.text


async def _options(
    hass: HomeAssistant, entry: MockConfigEntry, topics: list[str]
) -> Any:
    """Open the bridges' step and give their topics: the flow's answer."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "bridge"}
    )
    assert result["step_id"] == "bridge"
    assert result["description_placeholders"] == {
        "base_topic": entry.data["base_topic"]
    }
    return await hass.config_entries.options.async_configure(
        result["flow_id"], {"bridge_topics": topics}
    )


async def _pick(hass: HomeAssistant, result: Any, topic: str, boards: list[str]) -> Any:
    """Answer the boards step of `topic`."""
    assert result["step_id"] == "bridge_boards", result
    assert result["description_placeholders"]["topic"] == topic
    return await hass.config_entries.options.async_configure(
        result["flow_id"], {"bridge_boards": boards}
    )


async def test_the_bridge_topic_is_set_in_the_options(
    hass: HomeAssistant, mqtt_mock: Any
) -> None:
    entry = await _one_site(hass, None)
    for wrong in ("bridges/+/state", "north/iot_lab/bridge", "north/iot_lab", "a\x00b"):
        result = await _options(hass, entry, [wrong])
        assert result["errors"] == {"bridge_topics": "invalid_bridge_topic"}, wrong
    result = await _options(hass, entry, ["bridges/a", " bridges/a "])
    assert result["errors"] == {"bridge_topics": "bridge_topic_twice"}
    result = await _options(hass, entry, [" $SYS/broker/connection/north/state ", ""])
    result = await _pick(hass, result, "$SYS/broker/connection/north/state", [])
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.options[CONF_BRIDGES] == {"$SYS/broker/connection/north/state": []}
    # Saving reloads the entry, which now follows the bridge.
    await _boards(hass, NORTH)
    _send(hass, "$SYS/broker/connection/north/state", "0")
    await hass.async_block_till_done()
    assert _state(hass, LIGHT) == STATE_UNAVAILABLE
    # Emptied: no bridge any more.
    result = await _options(hass, entry, [])
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.options[CONF_BRIDGES] == {}
    await _boards(hass, NORTH)
    assert _state(hass, LIGHT) == LEVEL


async def test_sites_bridged_under_one_base_topic_follow_their_own_bridge(
    hass: HomeAssistant, mqtt_mock: Any
) -> None:
    """Each site broker bridges `iot_lab/# both 1`: the user says which board is where."""
    entry = await _one_site(hass, None)
    await _boards(hass, NORTH)  # lab-1 and door-1
    result = await _options(hass, entry, [NORTH_BRIDGE, SOUTH_BRIDGE])
    assert result["data_schema"].schema["bridge_boards"].config["options"] == [
        {"value": "lab-1", "label": "Lab bench 1 (lab-1)"},
        {"value": "door-1", "label": "Library entrance (door-1)"},
    ]
    result = await _pick(hass, result, NORTH_BRIDGE, ["lab-1"])
    # A board sits behind one bridge only; one bridge at most takes the rest.
    result = await _pick(hass, result, SOUTH_BRIDGE, ["lab-1", "door-1"])
    assert result["errors"] == {"bridge_boards": "board_behind_two_bridges"}
    result = await _pick(hass, result, SOUTH_BRIDGE, [])
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.options[CONF_BRIDGES] == {NORTH_BRIDGE: ["lab-1"], SOUTH_BRIDGE: []}
    await _boards(hass, NORTH)
    for bridge in (NORTH_BRIDGE, SOUTH_BRIDGE):
        _send(hass, bridge, "1", True)
    await hass.async_block_till_done()
    # South's bridge drops: the door counter (behind it, with every other board) goes.
    _send(hass, SOUTH_BRIDGE, "0")
    await hass.async_block_till_done()
    assert _state(hass, f"{DOOR}_occupancy") == STATE_UNAVAILABLE
    assert _state(hass, LIGHT) == LEVEL
    # North's drops too, south's comes back.
    _send(hass, NORTH_BRIDGE, "0")
    _send(hass, SOUTH_BRIDGE, "1")
    await hass.async_block_till_done()
    assert _state(hass, LIGHT) == STATE_UNAVAILABLE
    assert _state(hass, CONNECTIVITY) == STATE_UNAVAILABLE
    assert _state(hass, f"{DOOR}_occupancy") != STATE_UNAVAILABLE
    # The saved choice is offered again; two bridges for the rest are refused.
    result = await _options(hass, entry, [NORTH_BRIDGE, SOUTH_BRIDGE])
    marker = next(key for key in result["data_schema"].schema if key == "bridge_boards")
    assert marker.description == {"suggested_value": ["lab-1"]}
    result = await _pick(hass, result, NORTH_BRIDGE, [])
    result = await _pick(hass, result, SOUTH_BRIDGE, [])
    assert result["errors"] == {"bridge_boards": "two_bridges_for_the_rest"}


def test_bridge_topic_and_state_rules() -> None:
    assert parse_bridge_state(b"1") is True
    assert parse_bridge_state("0") is False
    with pytest.raises(ProtocolError):
        parse_bridge_state("true")
    assert validate_bridge_topic("bridges/north", NORTH) == "bridges/north"
    for wrong in ("north/iot_lab/x", "north/iot_lab", "#", "a/+/b", "x" * 129, ""):
        with pytest.raises(ProtocolError):
            validate_bridge_topic(wrong, NORTH)
    # A sibling of the base topic is outside it.
    assert validate_bridge_topic("north/iot_lab_bridge", NORTH)
