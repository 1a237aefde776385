"""Config flow: MQTT discovery, manual set-up, reconfiguration."""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import SOURCE_MQTT, SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.service_info.mqtt import MqttServiceInfo
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.iot_lab.const import CONF_BASE_TOPIC, DOMAIN

from .conftest import load_fixture


def _discovery(topic: str, payload: str) -> MqttServiceInfo:
    return MqttServiceInfo(
        topic=topic,
        payload=payload,
        qos=0,
        retain=True,
        subscribed_topic="iot_lab/+/info",
        timestamp=0,
    )


@pytest.fixture(autouse=True)
def no_setup() -> Any:
    """Flows are tested on their own; entry set-up is tested elsewhere."""
    with patch("custom_components.iot_lab.async_setup_entry", return_value=True):
        yield


async def test_discovery_asks_once_then_creates_entry(
    hass: HomeAssistant, mqtt_mock: Any
) -> None:
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_MQTT},
        data=_discovery("iot_lab/lab-1/info", load_fixture("info_light_oled.json")),
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "confirm"
    assert result["description_placeholders"] == {"base_topic": "iot_lab"}
    flows = hass.config_entries.flow.async_progress()
    assert flows[0]["context"]["title_placeholders"] == {"name": "Lab bench 1"}

    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "IoT Lab (iot_lab)"
    assert result["data"] == {CONF_BASE_TOPIC: "iot_lab"}
    assert result["result"].unique_id == "iot_lab"

    # The next board announcing is not offered again.
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_MQTT},
        data=_discovery("iot_lab/climate-1/info", load_fixture("info_climate.json")),
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


@pytest.mark.parametrize(
    ("topic", "payload"),
    [
        ("iot_lab/lab-1/info", ""),
        ("iot_lab/lab-1/info", "{broken"),
        ("iot_lab/lab-2/info", '{"id": "lab-1", "caps": ["light"]}'),
        ("iot_lab/LAB/info", '{"id": "LAB", "caps": ["light"]}'),
        ("iot_lab/lab-1/status", "online"),
        ("iot_lab/lab-1/info", '{"id": "lab-1", "caps": ["toaster"]}'),
    ],
)
async def test_discovery_refuses_invalid_announces(
    hass: HomeAssistant, mqtt_mock: Any, topic: str, payload: str
) -> None:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_MQTT}, data=_discovery(topic, payload)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "invalid_discovery_info"


async def test_user_flow_with_invalid_then_valid_topic(
    hass: HomeAssistant, mqtt_mock: Any
) -> None:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    for bad in ("lab/#", "lab/+/x", "", "/lab", "lab//x", "a" * 40):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_BASE_TOPIC: bad}
        )
        assert result["type"] is FlowResultType.FORM
        assert result["errors"] == {CONF_BASE_TOPIC: "invalid_base_topic"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_BASE_TOPIC: "school/lab"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "IoT Lab (school/lab)"
    assert result["data"] == {CONF_BASE_TOPIC: "school/lab"}


async def test_user_flow_aborts_on_existing_topic(
    hass: HomeAssistant, mqtt_mock: Any, config_entry: MockConfigEntry
) -> None:
    config_entry.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_BASE_TOPIC: "iot_lab"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_user_flow_needs_mqtt(hass: HomeAssistant) -> None:
    with patch(
        "homeassistant.components.mqtt.async_wait_for_mqtt_client", return_value=False
    ):
        result = await hass.config_entries.flow.async_init(
            DOMAIN, context={"source": SOURCE_USER}
        )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "mqtt_not_configured"


async def test_reconfigure_moves_base_topic(
    hass: HomeAssistant, mqtt_mock: Any, config_entry: MockConfigEntry
) -> None:
    config_entry.add_to_hass(hass)
    other = MockConfigEntry(
        domain=DOMAIN, data={CONF_BASE_TOPIC: "taken"}, unique_id="taken"
    )
    other.add_to_hass(hass)
    result = await config_entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_BASE_TOPIC: "bad/#"}
    )
    assert result["errors"] == {CONF_BASE_TOPIC: "invalid_base_topic"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_BASE_TOPIC: "taken"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"

    result = await config_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_BASE_TOPIC: "lab2"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert config_entry.data == {CONF_BASE_TOPIC: "lab2"}
    assert config_entry.unique_id == "lab2"
    assert config_entry.title == "IoT Lab (lab2)"


async def test_reconfigure_keeping_same_topic(
    hass: HomeAssistant, mqtt_mock: Any, config_entry: MockConfigEntry
) -> None:
    config_entry.add_to_hass(hass)
    result = await config_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_BASE_TOPIC: "iot_lab"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
