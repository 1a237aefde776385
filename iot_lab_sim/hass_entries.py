"""Config entries added as a user adds them: through config flows and options flows.

MQTT on the run's broker, IoT Lab (its discovery confirmed, or by hand), its bridged
sites and HTTP counters, and InfluxDB.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
import time
from typing import Any
import urllib.parse

from .hass_client import HassClient
from .processes import HOST, HarnessError

LOGGER = logging.getLogger(__name__)


def add_entries(
    api: HassClient, broker_port: int, broker: str, discovery_timeout: float = 20
) -> str:
    """The MQTT entry on our broker, then IoT Lab's; return how IoT Lab was added."""
    # amqtt speaks MQTT 3.1.1 only; Mosquitto and Home Assistant default to 5.
    add_mqtt_entry(api, broker_port, "3.1.1" if broker == "amqtt" else "5")
    return add_iot_lab_entry(api, discovery_timeout)


def add_mqtt_entry(api: HassClient, broker_port: int, protocol: str = "5") -> None:
    """Add (or re-point) the MQTT entry at our broker, through its config flow."""
    existing = api.entries("mqtt")
    if existing:
        entry_id = existing[0]["entry_id"]
        result = api.flow("mqtt", entry_id=entry_id)
    else:
        result = api.flow("mqtt")
    result = api.flow_step(
        result["flow_id"],
        {
            "broker": HOST,
            "port": broker_port,
            "protocol": protocol,
            "other_settings": {
                "set_client_cert": False,
                "set_ca_cert": "off",
                "transport": "tcp",
            },
        },
    )
    if result.get("type") not in {"create_entry", "abort"}:
        raise HarnessError(f"MQTT config flow did not finish: {result}")


def add_iot_lab_entry(api: HassClient, timeout: float = 20) -> str:
    """Confirm IoT Lab's discovery flow (a board announced), or add the entry by hand.

    Returns how it was added: "discovery", "user" or "existing".
    """
    if api.entries("iot_lab"):
        return "existing"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for flow in api.ws("config_entries/flow/progress"):
            if flow.get("handler") == "iot_lab" and flow.get("step_id") == "confirm":
                result = api.flow_step(flow["flow_id"], {})
                if result.get("type") == "create_entry":
                    return "discovery"
        time.sleep(0.5)
    LOGGER.warning("no IoT Lab discovery flow after %.0f s; adding it by hand", timeout)
    result = _add_by_hand(api, "iot_lab")
    if result.get("reason") == "already_in_progress":
        # A board announced itself meanwhile: confirm its discovery instead.
        return add_iot_lab_entry(api, timeout)
    if result.get("type") != "create_entry":
        raise HarnessError(f"IoT Lab config flow did not finish: {result}")
    return "user"


def _add_by_hand(api: HassClient, base_topic: str) -> dict[str, Any]:
    """IoT Lab's config flow started by the user with `base_topic`: its last answer."""
    result = api.flow("iot_lab")
    return api.flow_step(result["flow_id"], {"base_topic": base_topic})


def add_iot_lab_site(api: HassClient, base_topic: str, bridge_topic: str = "") -> str:
    """An IoT Lab entry added by hand for a base topic; its bridge set in the options.

    Returns the entry id.
    """
    result = _add_by_hand(api, base_topic)
    if result.get("type") != "create_entry":
        raise HarnessError(f"IoT Lab config flow did not finish: {result}")
    entry_id: str = result["result"]["entry_id"]
    if bridge_topic:
        # No board picked: every board of the site is behind the bridge.
        set_bridges(api, entry_id, {bridge_topic: []})
    return entry_id


def set_bridges(api: HassClient, entry_id: str, bridges: dict[str, list[str]]) -> None:
    """An entry's *Bridges of site brokers*: each notification topic, its boards."""
    flow, result = _options_step(api, entry_id, "bridge")
    result = api.rest("POST", flow, {"bridge_topics": list(bridges)})
    for boards in bridges.values():
        result = api.rest("POST", flow, {"bridge_boards": boards})
    if result.get("type") != "create_entry":
        raise HarnessError(f"setting the bridges of {entry_id} failed: {result}")


def _options_step(
    api: HassClient, entry_id: str, step: str
) -> tuple[str, dict[str, Any]]:
    """Open an entry's options and choose `step` in their menu: the flow's path, form."""
    path = "/api/config/config_entries/options/flow"
    result = api.rest("POST", path, {"handler": entry_id})
    flow = f"{path}/{result['flow_id']}"
    return flow, api.rest("POST", flow, {"next_step_id": step})


def add_influxdb_entry(api: HassClient, port: int, database: str) -> str:
    """Home Assistant's InfluxDB (1.x) entry through its own config flow; its id."""
    result = api.flow("influxdb")
    result = api.flow_step(result["flow_id"], {"next_step_id": "configure_v1"})
    result = api.flow_step(
        result["flow_id"],
        {"url": f"http://{HOST}:{port}", "verify_ssl": False, "database": database},
    )
    if result.get("type") != "create_entry":
        raise HarnessError(f"InfluxDB config flow did not finish: {result}")
    entry_id: str = result["result"]["entry_id"]
    return entry_id


def add_csv_counter(api: HassClient, counter_id: str) -> str:
    """Give an HTTP (CSV) door counter its webhook through the options flow; its URL."""
    (entry,) = api.entries("iot_lab")
    flow, _ = _options_step(api, entry["entry_id"], "add_counter")
    result = api.rest("POST", flow, {"counter_id": counter_id})
    if result.get("step_id") != "counter_added":
        raise HarnessError(f"adding the CSV counter failed: {result}")
    url: str = result["description_placeholders"]["url"]
    result = api.rest("POST", flow, {})
    if result.get("type") != "create_entry":
        raise HarnessError(f"adding the CSV counter failed: {result}")
    # The URL shown to the user names the machine's network address; the demo's
    # Home Assistant listens on the loopback only.
    return f"{api.url}{urllib.parse.urlsplit(url).path}"


def csv_counter_webhook(
    api: HassClient, config_dir: Path, counter_id: str, *, kept: bool
) -> str | None:
    """The CSV counter's webhook URL: the kept one, or a new one (None if refused)."""
    if kept and (url := stored_webhook(config_dir, counter_id)):
        return url
    try:
        return add_csv_counter(api, counter_id)
    except HarnessError as err:
        LOGGER.warning("no HTTP (CSV) counter in this run: %s", err)
        return None


def stored_webhook(config_dir: Path, counter_id: str) -> str | None:
    """The webhook URL a kept demo gave the CSV counter, from `access.json`."""
    access = config_dir.parent / "access.json"
    if not access.exists() or not (config_dir / ".storage").exists():
        return None
    url: str | None = (
        json.loads(access.read_text()).get("csv_webhooks", {}).get(counter_id)
    )
    return url
