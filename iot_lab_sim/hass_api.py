"""Home Assistant set up the way a user would: onboarding, config flows, registries.

A small REST and WebSocket client, and the steps built on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
import json
import logging
from pathlib import Path
import secrets
import time
from typing import Any, cast
import urllib.error
import urllib.parse
import urllib.request

from websockets.sync.client import ClientConnection, connect

from .processes import HOST, HarnessError, Service

LOGGER = logging.getLogger(__name__)
OWNER_USERNAME = "demo"


def _request(
    url: str,
    method: str = "GET",
    *,
    token: str | None = None,
    body: object = None,
    form: dict[str, str] | None = None,
    timeout: float = 30,
) -> Any:
    """One HTTP request; the JSON answer, or HarnessError with the answer's text."""
    headers = {}
    data = None
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
    except urllib.error.HTTPError as err:
        detail = err.read().decode(errors="replace")[:500]
        raise HarnessError(f"{method} {url}: HTTP {err.code} {detail}") from None
    return json.loads(raw) if raw else None


def _ready(url: str, token: str | None) -> bool:
    """Whether the HTTP server answers at all, or with a token, whether the core runs."""
    if token is None:
        try:
            with urllib.request.urlopen(f"{url}/manifest.json", timeout=2):
                return True
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False
    try:
        config = _request(f"{url}/api/config", token=token, timeout=2)
    except HarnessError, OSError:
        return False
    return bool(config["state"] == "RUNNING")


def wait_for_hass(
    url: str, service: Service | None, timeout: float, token: str | None = None
) -> None:
    """Wait until Home Assistant's HTTP server answers; with a token, until it runs.

    The server answers before the integrations are set up (2026.11 well before), so after
    a restart a caller that reads entities passes its token: once Home Assistant runs,
    every entity of the registry has a state.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if service is not None:
            service.check_alive()
        if _ready(url, token):
            return
        time.sleep(0.5)
    tail = service.log_tail() if service else ""
    raise HarnessError(
        f"Home Assistant did not answer at {url} in {timeout:.0f} s\n{tail}"
    )


class HomeAssistant:
    """Home Assistant's REST and WebSocket APIs with one access token."""

    def __init__(self, url: str, token: str) -> None:
        """Talk to `url` as the owner of `token`."""
        self.url = url
        self.token = token
        self._ws: ClientConnection | None = None
        self._next_id = 1

    def rest(self, method: str, path: str, body: object = None) -> Any:
        """Call the REST API."""
        return _request(f"{self.url}{path}", method, token=self.token, body=body)

    def ws(self, message_type: str, **data: Any) -> Any:
        """Send one WebSocket command and return its result (or raise its error)."""
        connection = self._connection()
        message_id = self._next_id
        self._next_id += 1
        connection.send(json.dumps({"id": message_id, "type": message_type, **data}))
        while True:
            answer = json.loads(connection.recv(timeout=60))
            if answer.get("id") != message_id or answer.get("type") != "result":
                continue
            if not answer.get("success"):
                raise HarnessError(f"{message_type}: {answer.get('error')}")
            return answer.get("result")

    def close(self) -> None:
        """Close the WebSocket connection."""
        if self._ws is not None:
            self._ws.close()
            self._ws = None

    def _connection(self) -> ClientConnection:
        if self._ws is None:
            ws_url = self.url.replace("http", "ws", 1) + "/api/websocket"
            connection = connect(ws_url, max_size=64 * 1024 * 1024, open_timeout=30)
            json.loads(connection.recv(timeout=30))  # auth_required
            connection.send(json.dumps({"type": "auth", "access_token": self.token}))
            reply = json.loads(connection.recv(timeout=30))
            if reply.get("type") != "auth_ok":
                connection.close()
                raise HarnessError(f"WebSocket authentication failed: {reply}")
            self._ws = connection
        return self._ws

    def state(self, entity_id: str) -> dict[str, Any]:
        """The current state object of an entity."""
        return cast(dict[str, Any], self.rest("GET", f"/api/states/{entity_id}"))

    def service(self, domain: str, name: str, **data: Any) -> None:
        """Call an action (service)."""
        self.rest("POST", f"/api/services/{domain}/{name}", data)

    def flow(self, handler: str, **start: Any) -> dict[str, Any]:
        """Start a config flow."""
        return cast(
            dict[str, Any],
            self.rest(
                "POST", "/api/config/config_entries/flow", {"handler": handler, **start}
            ),
        )

    def flow_step(self, flow_id: str, user_input: dict[str, Any]) -> dict[str, Any]:
        """Answer the current step of a config flow."""
        return cast(
            dict[str, Any],
            self.rest("POST", f"/api/config/config_entries/flow/{flow_id}", user_input),
        )

    def entries(self, domain: str) -> list[dict[str, Any]]:
        """Config entries of an integration."""
        return cast(
            list[dict[str, Any]],
            self.rest("GET", f"/api/config/config_entries/entry?domain={domain}"),
        )

    def iot_lab_entities(self) -> dict[str, dict[str, Any]]:
        """IoT Lab's entity registry entries by unique id within their base topic.

        A unique id is `<base topic>/<board id>_<key>`; the stack has one base topic, so
        the keys here are `<board id>_<key>` (`lab-1_led`).
        """
        entries = self.ws("config/entity_registry/list")
        return {
            entry["unique_id"].rpartition("/")[2]: entry
            for entry in entries
            if entry.get("platform") == "iot_lab"
        }

    def iot_lab_devices(self) -> dict[str, dict[str, Any]]:
        """IoT Lab's devices by board id (their identifier is `<base topic>/<board id>`)."""
        devices: dict[str, dict[str, Any]] = {}
        for device in self.ws("config/device_registry/list"):
            for domain, identifier in device.get("identifiers", []):
                if domain == "iot_lab":
                    devices[identifier.rpartition("/")[2]] = device
        return devices


def onboard(url: str) -> tuple[str, str]:
    """Create the owner through the onboarding API; return (access token, password)."""
    client_id = f"{url}/"
    password = secrets.token_urlsafe(18)
    created = _request(
        f"{url}/api/onboarding/users",
        "POST",
        body={
            "client_id": client_id,
            "name": "Demo owner",
            "username": OWNER_USERNAME,
            "password": password,
            "language": "en",
        },
    )
    tokens = _request(
        f"{url}/auth/token",
        "POST",
        form={
            "grant_type": "authorization_code",
            "code": created["auth_code"],
            "client_id": client_id,
        },
    )
    access: str = tokens["access_token"]
    return access, password


def onboarding_done(url: str) -> bool:
    """Tell whether the owner exists already (a kept configuration)."""
    try:
        steps = _request(f"{url}/api/onboarding")
    except HarnessError as err:
        if "HTTP 404" in str(err):
            return True  # Onboarding finished: its views are gone.
        raise
    return all(step.get("done") for step in steps)


def create_long_lived_token(url: str, access_token: str, name: str) -> str:
    """A long-lived access token, made through the WebSocket auth API."""
    api = HomeAssistant(url, access_token)
    try:
        token: str = api.ws(
            "auth/long_lived_access_token", client_name=name, lifespan=3650
        )
    finally:
        api.close()
    return token


def owner_token(url: str, name: str) -> str:
    """A new Home Assistant's owner (onboarding) and a long-lived token of theirs."""
    access, _password = onboard(url)
    return create_long_lived_token(url, access, name)


def add_entries(
    api: HomeAssistant, broker_port: int, broker: str, discovery_timeout: float = 20
) -> str:
    """The MQTT entry on our broker, then IoT Lab's; return how IoT Lab was added."""
    # amqtt speaks MQTT 3.1.1 only; Mosquitto and Home Assistant default to 5.
    add_mqtt_entry(api, broker_port, "3.1.1" if broker == "amqtt" else "5")
    return add_iot_lab_entry(api, discovery_timeout)


def add_mqtt_entry(api: HomeAssistant, broker_port: int, protocol: str = "5") -> None:
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


def add_iot_lab_entry(api: HomeAssistant, timeout: float = 20) -> str:
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


def _add_by_hand(api: HomeAssistant, base_topic: str) -> dict[str, Any]:
    """IoT Lab's config flow started by the user with `base_topic`: its last answer."""
    result = api.flow("iot_lab")
    return api.flow_step(result["flow_id"], {"base_topic": base_topic})


def add_iot_lab_site(
    api: HomeAssistant, base_topic: str, bridge_topic: str = ""
) -> str:
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


def set_bridges(
    api: HomeAssistant, entry_id: str, bridges: dict[str, list[str]]
) -> None:
    """An entry's *Bridges of site brokers*: each notification topic, its boards."""
    flow, result = _options_step(api, entry_id, "bridge")
    result = api.rest("POST", flow, {"bridge_topics": list(bridges)})
    for boards in bridges.values():
        result = api.rest("POST", flow, {"bridge_boards": boards})
    if result.get("type") != "create_entry":
        raise HarnessError(f"setting the bridges of {entry_id} failed: {result}")


def _options_step(
    api: HomeAssistant, entry_id: str, step: str
) -> tuple[str, dict[str, Any]]:
    """Open an entry's options and choose `step` in their menu: the flow's path, form."""
    path = "/api/config/config_entries/options/flow"
    result = api.rest("POST", path, {"handler": entry_id})
    flow = f"{path}/{result['flow_id']}"
    return flow, api.rest("POST", flow, {"next_step_id": step})


def add_influxdb_entry(api: HomeAssistant, port: int, database: str) -> str:
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


def add_csv_counter(api: HomeAssistant, counter_id: str) -> str:
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
    api: HomeAssistant, config_dir: Path, counter_id: str, *, kept: bool
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


def wait_for_entities(
    api: HomeAssistant, unique_ids: Sequence[str], timeout: float
) -> dict[str, str]:
    """Wait until every unique id has an entity with a state; return their entity ids."""
    deadline = time.monotonic() + timeout
    missing: list[str] = list(unique_ids)
    while time.monotonic() < deadline:
        registry = api.iot_lab_entities()
        found = {
            uid: registry[uid]["entity_id"] for uid in unique_ids if uid in registry
        }
        missing = [uid for uid in unique_ids if uid not in found]
        if not missing:
            states = {s["entity_id"] for s in api.rest("GET", "/api/states")}
            missing = [uid for uid, eid in found.items() if eid not in states]
            if not missing:
                return found
        time.sleep(0.5)
    raise HarnessError(f"entities missing after {timeout:.0f} s: {missing}")


@dataclass(frozen=True, slots=True)
class Board:
    """One IoT Lab device and its entities by key (`led`, `temperature`...)."""

    board_id: str
    name: str
    entities: dict[str, str]

    def has(self, *keys: str) -> bool:
        """Tell whether the board has all these entities."""
        return all(key in self.entities for key in keys)


def boards(api: HomeAssistant) -> list[Board]:
    """IoT Lab boards and their entities, read from the registries."""
    devices = api.iot_lab_devices()
    by_device: dict[str, dict[str, str]] = {}
    for unique_id, entry in api.iot_lab_entities().items():
        for board_id, device in devices.items():
            prefix = f"{board_id}_"
            if entry.get("device_id") == device["id"] and unique_id.startswith(prefix):
                key = unique_id.removeprefix(prefix)
                by_device.setdefault(board_id, {})[key] = entry["entity_id"]
    return [
        Board(
            board_id,
            devices[board_id].get("name_by_user") or devices[board_id]["name"],
            entities,
        )
        for board_id, entities in sorted(by_device.items())
    ]
