"""A small client of a running Home Assistant: its REST and WebSocket APIs.

What the demo, the end-to-end tests and the benchmarks use to set Home Assistant up and
read it back, as a user's browser would, with no Home Assistant code imported.
"""

from __future__ import annotations

import json
import time
from typing import Any, cast
import urllib.error
import urllib.parse
import urllib.request

from websockets.sync.client import ClientConnection, connect

from .processes import HarnessError, Service


def request_json(
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
        config = request_json(f"{url}/api/config", token=token, timeout=2)
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


class HassClient:
    """A running Home Assistant's REST and WebSocket APIs, with one access token."""

    def __init__(self, url: str, token: str) -> None:
        """Talk to `url` as the owner of `token`."""
        self.url = url
        self.token = token
        self._ws: ClientConnection | None = None
        self._next_id = 1

    def rest(self, method: str, path: str, body: object = None) -> Any:
        """Call the REST API."""
        return request_json(f"{self.url}{path}", method, token=self.token, body=body)

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
