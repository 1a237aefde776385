"""The whole stack on loopback, for `scripts/demo` and the end-to-end tests.

An MQTT broker (Mosquitto, or the embedded amqtt broker), a real Home Assistant on a
configuration generated from `demo/config_template/`, and the board simulator, each one a
child process stopped by its pid. Home Assistant is set up the way a user would: the
onboarding API creates the owner, config flows add the MQTT and IoT Lab entries, and the
WebSocket API creates a long-lived token and the dashboard.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
import contextlib
from dataclasses import dataclass, field
import json
import logging
import os
from pathlib import Path
import secrets
import shutil
import signal
import socket
from string import Template
import subprocess
import sys
import time
from types import TracebackType
from typing import Any, Self, cast
import urllib.error
import urllib.parse
import urllib.request

from websockets.sync.client import ClientConnection, connect

LOGGER = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "demo" / "config_template"
INTEGRATION = ROOT / "custom_components" / "iot_lab"
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
MOSQUITTO_CANDIDATES = ("mosquitto", "/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto")
DASHBOARD_PATH = "iot-lab"
OWNER_USERNAME = "demo"


class HarnessError(RuntimeError):
    """Something in the stack did not come up; the message says what and where to look."""


def free_port() -> int:
    """A TCP port free on the loopback interface right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int) -> bool:
    """Tell whether nothing listens on `port` of the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # Like Home Assistant's server: a port in TIME_WAIT after a stop is usable.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
        return True


def wait_for_port(port: int, timeout: float, service: Service | None = None) -> None:
    """Wait until something accepts TCP connections on `port`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if service is not None:
            service.check_alive()
        with contextlib.suppress(OSError):
            socket.create_connection((HOST, port), timeout=1).close()
            return
        time.sleep(0.1)
    raise HarnessError(f"nothing listens on {HOST}:{port} after {timeout:.0f} s")


def _die_with_parent() -> list[str]:
    """A command prefix that sends the child SIGTERM if we die, when `setpriv` exists.

    So a crashed or killed demo or test run leaves no process behind.
    """
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "TERM", "--"] if setpriv else []


def _wait_for_exec(pid: int, argv: list[str], timeout: float = 5) -> None:
    """Return once the child runs `argv`, so its parent-death signal is in place.

    `setpriv` sets the signal and then runs the program: a parent killed in between
    would leave a child with no signal to end it.
    """
    wanted = [os.fsencode(arg) for arg in argv]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            running = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[:-1]
        except OSError:
            return  # No /proc, or the child already exited: nothing to wait for.
        if running == wanted:
            return
        time.sleep(0.005)
    LOGGER.warning("pid %d did not start %s within %.0f s", pid, argv[0], timeout)


@dataclass
class Service:
    """A child process with its log file; stopped by its pid."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path
    stop_signal: signal.Signals = signal.SIGTERM

    @property
    def pid(self) -> int:
        """The process id."""
        return self.process.pid

    def check_alive(self) -> None:
        """Raise with the end of the log if the process has exited."""
        if (code := self.process.poll()) is not None:
            raise HarnessError(
                f"{self.name} exited with code {code}; end of {self.log}:\n"
                + self.log_tail()
            )

    def log_tail(self, lines: int = 30) -> str:
        """The last lines of the log."""
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, timeout: float = 30) -> None:
        """Ask the process to stop, then kill it if it does not within `timeout`."""
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, self.stop_signal)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            LOGGER.warning("%s (pid %d) did not stop; killing it", self.name, self.pid)
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            self.process.wait(10)


@dataclass
class Stack:
    """The processes of one run; `stop()` (or leaving the `with`) ends them all."""

    workdir: Path
    services: list[Service] = field(default_factory=list)
    broker: str = ""
    """The broker started: "mosquitto" or "amqtt"."""

    def __post_init__(self) -> None:
        """Create the folder for logs and generated broker settings."""
        self.workdir.mkdir(parents=True, exist_ok=True)

    def __enter__(self) -> Self:
        """Use as a context manager that always stops what it started."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop every process, even after an error."""
        self.stop()

    def spawn(
        self,
        name: str,
        argv: Sequence[str | os.PathLike[str]],
        *,
        stop_signal: signal.Signals = signal.SIGTERM,
        env: dict[str, str] | None = None,
    ) -> Service:
        """Start a child process in its own session, its output in `<name>.log`."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        log = self.workdir / f"{name}.log"
        command = [os.fspath(arg) for arg in argv]
        guard = _die_with_parent()
        with log.open("ab") as out:
            process = subprocess.Popen(
                [*guard, *command],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
                env={**os.environ, **(env or {})},
                start_new_session=True,  # Ctrl-C reaches us only; we stop them in order.
            )
        service = Service(name, process, log, stop_signal)
        self.services.append(service)
        if guard:
            _wait_for_exec(process.pid, command)
        LOGGER.debug("started %s (pid %d)", name, process.pid)
        return service

    def stop(self) -> None:
        """Stop every process, the last started first."""
        while self.services:
            service = self.services.pop()
            try:
                service.stop()
            except (OSError, subprocess.SubprocessError) as err:
                LOGGER.warning("could not stop %s: %s", service.name, err)

    def start_broker(self, port: int | None = None, *, max_queued: int = 10000) -> int:
        """Mosquitto if installed, else amqtt, on a loopback port; return the port.

        `max_queued` is Mosquitto's per-client queue (0: no limit); past it, Mosquitto
        drops messages for a subscriber that falls behind.
        """
        port = port or free_port()
        mosquitto = next(
            (found for c in MOSQUITTO_CANDIDATES if (found := shutil.which(c))), None
        )
        if os.environ.get("IOT_LAB_BROKER") == "amqtt":
            mosquitto = None  # Force the embedded broker (to try it out).
        if mosquitto is not None:
            conf = self.workdir / "mosquitto.conf"
            conf.write_text(
                f"listener {port} {HOST}\n"
                "allow_anonymous true\n"
                "persistence false\n"
                # Started as root, Mosquitto would switch to its own user, and a change
                # of user clears the kernel's parent-death signal: the broker would then
                # outlive a demo killed the hard way.
                "user root\n"
                f"max_queued_messages {max_queued}\n"
                "log_dest stdout\n"
                "log_type error\nlog_type warning\nlog_type notice\n"
            )
            service = self.spawn("mosquitto", [mosquitto, "-c", conf])
        else:
            conf = self.workdir / "amqtt.yaml"
            conf.write_text(
                "listeners:\n  default:\n    type: tcp\n"
                f"    bind: {HOST}:{port}\n"
                "plugins:\n  amqtt.plugins.authentication.AnonymousAuthPlugin:\n"
                "    allow_anonymous: true\n"
            )
            service = self.spawn("amqtt", [BIN / "amqtt", "-c", conf])
        self.broker = service.name
        wait_for_port(port, 20, service)
        LOGGER.info("MQTT broker %s on %s:%d", service.name, HOST, port)
        return port

    def start_hass(self, config_dir: Path, http_port: int) -> Service:
        """Start Home Assistant on a prepared configuration directory."""
        return self.spawn(
            "hass",
            # Every requirement is installed by scripts/setup (the `demo` extra): no
            # pip at run time.
            [BIN / "hass", "-c", config_dir, "--log-no-color", "--skip-pip"],
        )

    def start_simulator(
        self, broker_port: int, *options: str, name: str = "simulator"
    ) -> Service:
        """Start the board simulator against the broker."""
        service = self.spawn(
            name,
            [
                sys.executable,
                "-m",
                "iot_lab_sim",
                "--broker",
                f"{HOST}:{broker_port}",
                *options,
            ],
        )
        return service


def local_time_zone() -> str:
    """The machine's IANA time zone name, or UTC."""
    if tz := os.environ.get("TZ", "").lstrip(":"):
        return tz
    with contextlib.suppress(OSError):
        return Path("/etc/timezone").read_text().strip() or "UTC"
    with contextlib.suppress(OSError, ValueError):
        target = os.readlink("/etc/localtime")
        return target.split("zoneinfo/", 1)[1]
    return "UTC"


ONBOARDED_STEPS = ("core_config", "analytics", "integration")
"""Onboarding steps the demo marks done: the owner is still created through the API.

Finishing `core_config` through the API would add Google Translate, Met.no and Radio
Browser, which need the internet and packages this offline demo does not install."""


def _write_store(path: Path, key: str, version: int, data: dict[str, Any]) -> None:
    path.write_text(
        json.dumps({"version": version, "minor_version": 1, "key": key, "data": data})
    )


def seed_storage(config_dir: Path, http_port: int) -> None:
    """Write the settings Home Assistant keeps only in storage, before it starts.

    The HTTP listener: `http:` in YAML is deprecated (a repair on every new install), so
    it goes in the store's first format, which Home Assistant validates and upgrades
    itself; written at every start, so a kept configuration may change port. The
    onboarding steps of ONBOARDED_STEPS, on a new configuration only.
    """
    storage = config_dir / ".storage"
    storage.mkdir(parents=True, exist_ok=True)
    _write_store(
        storage / "http", "http", 1, {"server_host": [HOST], "server_port": http_port}
    )
    onboarding = storage / "onboarding"
    if not onboarding.exists():
        _write_store(onboarding, "onboarding", 4, {"done": list(ONBOARDED_STEPS)})


def prepare_config(config_dir: Path, http_port: int, *, keep: bool = False) -> bool:
    """Write the configuration from the template; return True if it was kept as is.

    Without `keep` (or on first use) the directory starts clean. The configuration file
    is written every time, so the HTTP port may change between runs.
    """
    kept = keep and (config_dir / ".storage" / "auth").exists()
    if not kept and config_dir.exists():
        shutil.rmtree(config_dir)
    config_dir.mkdir(parents=True, exist_ok=True)
    for item in TEMPLATE.iterdir():
        if item.name in {"README.md", "configuration.yaml"}:
            continue
        target = config_dir / item.name
        if item.is_dir():
            shutil.copytree(item, target, dirs_exist_ok=True)
        else:
            shutil.copy2(item, target)
    text = Template((TEMPLATE / "configuration.yaml").read_text()).substitute(
        time_zone=local_time_zone()
    )
    (config_dir / "configuration.yaml").write_text(text)
    components = config_dir / "custom_components"
    components.mkdir(exist_ok=True)
    link = components / "iot_lab"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(INTEGRATION, target_is_directory=True)
    seed_storage(config_dir, http_port)
    return kept


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


def wait_for_hass(url: str, service: Service | None, timeout: float) -> None:
    """Wait until Home Assistant's HTTP server answers (it starts once set-up is done)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if service is not None:
            service.check_alive()
        try:
            with urllib.request.urlopen(f"{url}/manifest.json", timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
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
        """IoT Lab's entity registry entries by unique id."""
        entries = self.ws("config/entity_registry/list")
        return {
            entry["unique_id"]: entry
            for entry in entries
            if entry.get("platform") == "iot_lab"
        }

    def iot_lab_devices(self) -> dict[str, dict[str, Any]]:
        """IoT Lab's devices by board id."""
        devices: dict[str, dict[str, Any]] = {}
        for device in self.ws("config/device_registry/list"):
            for domain, identifier in device.get("identifiers", []):
                if domain == "iot_lab":
                    devices[identifier] = device
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
    result = api.flow("iot_lab")
    result = api.flow_step(result["flow_id"], {"base_topic": "iot_lab"})
    if result.get("type") != "create_entry":
        raise HarnessError(f"IoT Lab config flow did not finish: {result}")
    return "user"


def add_csv_counter(api: HomeAssistant, counter_id: str) -> str:
    """Give an HTTP (CSV) door counter its webhook through the options flow; its URL."""
    (entry,) = api.entries("iot_lab")
    path = "/api/config/config_entries/options/flow"
    result = api.rest("POST", path, {"handler": entry["entry_id"]})
    flow = f"{path}/{result['flow_id']}"
    result = api.rest("POST", flow, {"next_step_id": "add_counter"})
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


def _csv_counter_webhook(
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


def dashboard_config(board_list: Sequence[Board]) -> dict[str, Any]:
    """A Lovelace dashboard for the boards: one section of cards per board kind."""
    cards: list[dict[str, Any]] = []
    kinds = ("light_level", "temperature", "occupancy", "measurement")
    board_list = sorted(
        board_list,
        key=lambda b: (
            next((i for i, k in enumerate(kinds) if b.has(k)), len(kinds)),
            b.name,
        ),
    )
    for board in board_list:
        e = board.entities
        if board.has("light_level"):
            cards.append(
                {
                    "type": "vertical-stack",
                    "cards": [
                        {
                            "type": "gauge",
                            "entity": e["light_level"],
                            "name": f"{board.name}: light level",
                            "min": 0,
                            "max": 100,
                            "severity": {"green": 40, "yellow": 15, "red": 0},
                        },
                        {
                            "type": "entities",
                            "title": board.name,
                            "entities": [
                                e[k]
                                for k in (
                                    "led",
                                    "oled",
                                    "light_raw",
                                    "calibration_dark",
                                    "calibration_bright",
                                    "connectivity",
                                )
                                if k in e
                            ],
                        },
                        {
                            "type": "glance",
                            "title": f"{board.name}: what the board shows",
                            "columns": 2,
                            "entities": [
                                {"entity": e[k], "name": name}
                                for k, name in (("led", "LED"), ("oled", "OLED"))
                                if k in e
                            ],
                        },
                        {
                            "type": "history-graph",
                            "title": f"{board.name}: light",
                            "hours_to_show": 3,
                            "entities": [e["light_level"]],
                        },
                    ],
                }
            )
        if board.has("temperature", "humidity"):
            climate = [e["temperature"], e["humidity"]]
            cards.append(
                {
                    "type": "vertical-stack",
                    "cards": [
                        {
                            "type": "glance",
                            "title": board.name,
                            "entities": [
                                *climate,
                                *([e["connectivity"]] if "connectivity" in e else []),
                            ],
                        },
                        {
                            "type": "history-graph",
                            "title": f"{board.name}: history",
                            "hours_to_show": 6,
                            "entities": climate,
                        },
                        {
                            "type": "statistics-graph",
                            "title": f"{board.name}: statistics (5 min)",
                            "entities": climate,
                            "period": "5minute",
                            "days_to_show": 1,
                            "stat_types": ["mean", "min", "max"],
                            "chart_type": "line",
                        },
                        {
                            "type": "horizontal-stack",
                            "cards": [
                                {
                                    "type": "statistic",
                                    "entity": e["temperature"],
                                    "name": f"Mean {label} today",
                                    "period": {"calendar": {"period": "day"}},
                                    "stat_type": "mean",
                                }
                                for label in ("temperature",)
                            ]
                            + [
                                {
                                    "type": "statistic",
                                    "entity": e["humidity"],
                                    "name": "Mean humidity today",
                                    "period": {"calendar": {"period": "day"}},
                                    "stat_type": "mean",
                                }
                            ],
                        },
                    ],
                }
            )
        if board.has("occupancy"):
            counts = [
                e[k]
                for k in (
                    "entries_today",
                    "exits_today",
                    "occupancy",
                    "peak_occupancy",
                    "lifetime_entries",
                    "lifetime_exits",
                    "reset_occupancy",
                    "connectivity",
                )
                if k in e
            ]
            stack: list[dict[str, Any]] = [
                {"type": "entities", "title": board.name, "entities": counts},
                {
                    "type": "history-graph",
                    "title": f"{board.name}: occupancy",
                    "hours_to_show": 6,
                    "entities": [e["occupancy"]],
                },
            ]
            if "passage" in e:
                stack.append(
                    {
                        "type": "logbook",
                        "title": f"{board.name}: passages",
                        "target": {"entity_id": [e["passage"]]},
                        "hours_to_show": 1,
                    }
                )
            cards.append({"type": "vertical-stack", "cards": stack})
        if board.has("measurement"):
            cards.append(
                {
                    "type": "history-graph",
                    "title": board.name,
                    "hours_to_show": 6,
                    "entities": [e["measurement"]],
                }
            )
    alerts = [
        entity_id
        for b in board_list
        for key, entity_id in sorted(b.entities.items())
        if key.endswith("_alert")
    ]
    if alerts:
        # Problem sensors (limits with hysteresis, set on each device page).
        cards.append(
            {
                "type": "entities",
                "title": "Alerts",
                "state_color": True,
                "entities": alerts,
            }
        )
    connectivity = [
        b.entities["connectivity"] for b in board_list if b.has("connectivity")
    ]
    if connectivity:
        cards.append(
            {"type": "glance", "title": "Board connectivity", "entities": connectivity}
        )
    return {
        "title": "IoT Lab",
        "views": [{"title": "Lab", "path": "lab", "icon": "mdi:flask", "cards": cards}],
    }


def save_dashboard(
    api: HomeAssistant, board_list: Sequence[Board] | None = None
) -> str:
    """Create (or update) the IoT Lab dashboard; return its path."""
    existing = {d["url_path"] for d in api.ws("lovelace/dashboards/list")}
    if DASHBOARD_PATH not in existing:
        api.ws(
            "lovelace/dashboards/create",
            url_path=DASHBOARD_PATH,
            title="IoT Lab",
            icon="mdi:flask",
            show_in_sidebar=True,
            require_admin=False,
            mode="storage",
        )
    api.ws(
        "lovelace/config/save",
        url_path=DASHBOARD_PATH,
        config=dashboard_config(boards(api) if board_list is None else board_list),
    )
    return f"/{DASHBOARD_PATH}/lab"


@dataclass
class Demo:
    """A running stack: the URLs, the token and the API client."""

    url: str
    token: str
    broker_port: int
    dashboard: str
    api: HomeAssistant
    hass: Service
    simulator: Service | None
    iot_lab_entry: str = "existing"
    """How the IoT Lab entry was added: "discovery", "user" or "existing"."""


def expected_unique_ids(count: int) -> list[str]:
    """Unique ids that `count` boards of each kind give (a sample per board kind)."""
    ids: list[str] = []
    for index in range(1, count + 1):
        ids += [
            f"lab-{index}_light_level",
            f"lab-{index}_led",
            f"lab-{index}_oled",
            f"climate-{index}_temperature",
            f"climate-{index}_humidity",
            f"door-{index}_occupancy",
        ]
    return ids


def run_stack(
    stack: Stack,
    config_dir: Path,
    *,
    keep: bool = False,
    http_port: int | None = None,
    broker_port: int | None = None,
    simulator_options: Sequence[str] = (),
    board_count: int = 1,
    csv_counter: str | None = "ALLI1",
    hass_timeout: float = 240,
) -> Demo:
    """Broker, simulator, Home Assistant, owner, entries, token and dashboard."""
    if http_port is None or not port_is_free(http_port):
        http_port = free_port()
    if broker_port is not None and not port_is_free(broker_port):
        broker_port = None
    kept = prepare_config(config_dir, http_port, keep=keep)
    broker_port = stack.start_broker(broker_port)
    # Boards first: their retained announces make IoT Lab discoverable, like in a lab.
    simulator = stack.start_simulator(
        broker_port, "--boards", str(board_count), *simulator_options
    )
    hass = stack.start_hass(config_dir, http_port)
    url = f"http://{HOST}:{http_port}"
    started = time.monotonic()
    wait_for_hass(url, hass, hass_timeout)
    LOGGER.info("Home Assistant answered after %.0f s", time.monotonic() - started)
    access_file = config_dir.parent / "access.json"
    token = ""
    if kept and onboarding_done(url) and access_file.exists():
        token = json.loads(access_file.read_text()).get("token", "")
    if not token:
        access, _password = onboard(url)
        token = create_long_lived_token(url, access, "IoT Lab demo and tests")
    api = HomeAssistant(url, token)
    # amqtt speaks MQTT 3.1.1 only; Mosquitto and Home Assistant default to 5.
    add_mqtt_entry(api, broker_port, "3.1.1" if stack.broker == "amqtt" else "5")
    how = add_iot_lab_entry(api)
    LOGGER.info("IoT Lab entry: %s", how)
    wait_for_entities(api, expected_unique_ids(board_count), 60)
    webhooks: dict[str, str] = {}
    if csv_counter:
        webhook_url = _csv_counter_webhook(api, config_dir, csv_counter, kept=kept)
    if csv_counter and webhook_url:
        # The ESP8266 counter that cannot do MQTT posts CSV lines to a webhook.
        webhooks[csv_counter] = webhook_url
        stack.start_simulator(
            broker_port,
            "--boards",
            "0",
            "--no-legacy",
            "--webhook",
            f"{csv_counter}={webhook_url}",
            *simulator_options,
            name="csv-counter",
        )
    dashboard = save_dashboard(api)
    access_file.write_text(
        json.dumps(
            {
                "url": url,
                "token": token,
                "dashboard": f"{url}{dashboard}",
                "mqtt": f"{HOST}:{broker_port}",
                "csv_webhooks": webhooks,
            },
            indent=2,
        )
        + "\n"
    )
    access_file.chmod(0o600)
    return Demo(url, token, broker_port, dashboard, api, hass, simulator, how)


@contextlib.contextmanager
def running_stack(workdir: Path, **options: Any) -> Iterator[tuple[Stack, Demo]]:
    """`run_stack` in a `with`: every process is stopped on the way out."""
    with Stack(workdir / "logs") as stack:
        demo = run_stack(stack, workdir / "config", **options)
        try:
            yield stack, demo
        finally:
            demo.api.close()
