"""Child processes of a run: brokers, Home Assistant, the simulator, InfluxDB.

Each one is started in its own session, dies with its parent, and is stopped by its pid.
"""

from __future__ import annotations

from collections.abc import Sequence
import contextlib
from dataclasses import dataclass, field
import logging
import os
from pathlib import Path
import shutil
import signal
import socket
import subprocess
import sys
import time
from types import TracebackType
from typing import Self

from . import brokers
from .parent_death import die_with_parent, wait_for_exec

LOGGER = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
HOST = brokers.HOST
BIN = Path(sys.executable).parent
HASS_BIN = Path(os.environ.get("IOT_LAB_HASS_VENV") or BIN.parent) / "bin"
"""Where `hass` comes from: this venv, or another release's (IOT_LAB_HASS_VENV)."""
MOSQUITTO_CANDIDATES = ("mosquitto", "/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto")
INFLUXD_CANDIDATES = ("influxd", "/usr/bin/influxd", "/usr/sbin/influxd")


def find_program(candidates: Sequence[str]) -> str | None:
    """The first of `candidates` found on PATH or at its absolute path."""
    return next((found for c in candidates if (found := shutil.which(c))), None)


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
        guard = die_with_parent()
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
            wait_for_exec(process.pid, guard, command)
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
        mosquitto = find_program(MOSQUITTO_CANDIDATES)
        if os.environ.get("IOT_LAB_BROKER") == "amqtt":
            mosquitto = None  # Force the embedded broker (to try it out).
        if mosquitto is not None:
            config = brokers.plain_config(port, max_queued=max_queued)
            service = self.start_mosquitto("mosquitto", port, config)
        else:
            conf = self.workdir / "amqtt.yaml"
            conf.write_text(brokers.amqtt_config(port))
            service = self.spawn("amqtt", [BIN / "amqtt", "-c", conf])
            wait_for_port(port, 20, service)
        self.broker = service.name
        LOGGER.info("MQTT broker %s on %s:%d", service.name, HOST, port)
        return port

    def start_mosquitto(self, name: str, port: int, config: str) -> Service:
        """Mosquitto on `config` (`brokers.py`), once it accepts connections on `port`.

        Started again under the same name (a broker killed and brought back), it appends
        to the same log.
        """
        mosquitto = find_program(MOSQUITTO_CANDIDATES)
        if mosquitto is None:
            raise HarnessError("Mosquitto is not installed (apt-get install mosquitto)")
        conf = self.workdir / f"{name}.conf"
        conf.write_text(config)
        service = self.spawn(name, [mosquitto, "-c", conf])
        wait_for_port(port, 20, service)
        return service

    def start_influxdb(self, port: int | None = None) -> int:
        """InfluxDB 1.x (Debian's `influxdb`) on loopback, with a data folder of its own.

        Return its HTTP port. Nothing else it could open (its RPC port, UDP, Graphite,
        reporting to its vendor) is left on.
        """
        influxd = find_program(INFLUXD_CANDIDATES)
        if influxd is None:
            raise HarnessError("InfluxDB is not installed (apt-get install influxdb)")
        port = port or free_port()
        data = self.workdir / "influxdb"
        conf = self.workdir / "influxdb.conf"
        conf.write_text(
            "reporting-disabled = true\n"
            f'bind-address = "{HOST}:{free_port()}"\n'
            f'[meta]\n  dir = "{data}/meta"\n'
            f'[data]\n  dir = "{data}/data"\n  wal-dir = "{data}/wal"\n'
            "  query-log-enabled = false\n"
            f'[http]\n  bind-address = "{HOST}:{port}"\n  log-enabled = false\n'
            "[monitor]\n  store-enabled = false\n"
            "[continuous_queries]\n  enabled = false\n"
            '[logging]\n  level = "warn"\n'
        )
        service = self.spawn("influxd", [influxd, "-config", conf])
        wait_for_port(port, 30, service)
        LOGGER.info("InfluxDB on %s:%d", HOST, port)
        return port

    def start_hass(self, config_dir: Path, http_port: int) -> Service:
        """Start Home Assistant on a prepared configuration directory."""
        return self.spawn(
            "hass",
            # Every requirement is installed by scripts/setup (the `demo` extra), or
            # scripts/setup-latest for the newest release: no pip at run time.
            [HASS_BIN / "hass", "-c", config_dir, "--log-no-color", "--skip-pip"],
            # A repository on PYTHONPATH would shadow the config folder's
            # custom_components: Home Assistant would miss the benchmark's floor.
            env={"PYTHONPATH": ""},
        )

    def start_simulator(
        self, broker_port: int, *options: str, name: str = "simulator"
    ) -> Service:
        """Start the board simulator against the broker.

        The boards' flash is `flash/` for the one simulator of a run, `flash-<name>/`
        for the others (two sites may both have a `lab-1`).
        """
        flash = "flash" if name == "simulator" else f"flash-{name}"
        service = self.spawn(
            name,
            [
                sys.executable,
                "-m",
                "iot_lab_sim",
                "--broker",
                f"{HOST}:{broker_port}",
                # The boards' flash: LED and text survive a restart of the simulator.
                "--flash",
                self.workdir / flash,
                *options,
            ],
        )
        return service
