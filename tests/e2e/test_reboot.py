"""A door counter rebooted while Home Assistant is down loses no passage.

The truth is every `passage` message the board sent, counted by a client of our own that
subscribed before the board first connected: one message per passage the board counted.
The board's totals are what Home Assistant gets; a board that forgot its totals on a
reboot would leave Home Assistant short of the truth.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime
from functools import partial
from operator import eq
from pathlib import Path
import shutil
import signal
import threading
from typing import Any
from zoneinfo import ZoneInfo

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
import pytest

from iot_lab_sim.harness import Demo, running_stack
from iot_lab_sim.hass_client import HassClient, wait_for_hass
from iot_lab_sim.processes import HOST, HarnessError, Stack

from .conftest import E2E_DIR, clear_retained, retained, wait_until

pytestmark = pytest.mark.e2e

# Library hours in simulated time, a minute a second: a passage every second or so.
SIMULATOR = [
    "--no-legacy",
    "--speed",
    "60",
    "--seed",
    "5",
    "--start",
    "2026-11-23T09:30:00",
]
PASSAGES = "iot_lab/door-1/passage"


class PassageTruth:
    """Every passage message of the door counter, from before its first connection."""

    def __init__(self, port: int) -> None:
        """Subscribe now and wait until the broker confirmed the subscription."""
        self._lock = threading.Lock()
        self.counted: Counter[str] = Counter()
        subscribed = threading.Event()
        self._client = mqtt.Client(CallbackAPIVersion.VERSION2)
        self._client.on_subscribe = lambda *_: subscribed.set()
        self._client.on_message = self._on_message
        self._client.connect(HOST, port)
        self._client.subscribe(PASSAGES, qos=1)
        self._client.loop_start()
        assert subscribed.wait(10), "the broker did not confirm the subscription"

    def _on_message(self, client: mqtt.Client, userdata: Any, msg: Any) -> None:
        with self._lock:
            self.counted[msg.payload.decode()] += 1

    def figures(self) -> tuple[int, int]:
        """Entries and exits the board has counted so far."""
        with self._lock:
            return self.counted["in"], self.counted["out"]

    def close(self) -> None:
        """Disconnect."""
        self._client.disconnect()
        self._client.loop_stop()


@pytest.fixture(scope="module")
def counted() -> Iterator[tuple[Stack, Demo, PassageTruth]]:
    """A stack whose door counter is watched from before it first connects."""
    workdir = E2E_DIR / "reboot"
    shutil.rmtree(workdir, ignore_errors=True)
    truths: list[PassageTruth] = []
    with running_stack(
        workdir,
        simulator_options=SIMULATOR,
        board_count=1,
        csv_counter=None,
        before_boards=lambda port: truths.append(PassageTruth(port)),
    ) as (stack, demo):
        try:
            yield stack, demo, truths[0]
        finally:
            truths[0].close()


def _states(demo: Demo, keys: tuple[str, ...]) -> list[str]:
    """The states of IoT Lab entities by key; "missing" for one not there yet (a Home
    Assistant that just started has not seen the board's announce yet)."""
    entities = demo.api.iot_lab_entities()
    states = []
    for key in keys:
        try:
            states.append(str(demo.api.state(entities[key]["entity_id"])["state"]))
        except KeyError, HarnessError:
            states.append("missing")
    return states


def _figures(demo: Demo, keys: tuple[str, str]) -> tuple[int, int] | None:
    states = _states(demo, keys)
    if not all(state.isdigit() for state in states):
        return None
    return int(states[0]), int(states[1])


def _lifetime(demo: Demo) -> tuple[int, int] | None:
    return _figures(demo, ("door-1_lifetime_entries", "door-1_lifetime_exits"))


def _today(demo: Demo) -> tuple[int, int] | None:
    return _figures(demo, ("door-1_entries_today", "door-1_exits_today"))


def _hass_date(demo: Demo) -> date:
    """Today in Home Assistant's time zone, the day its 'today' figures count."""
    time_zone = demo.api.rest("GET", "/api/config")["time_zone"]
    return datetime.now(ZoneInfo(time_zone)).date()


def _more_passages(truth: PassageTruth, than: int) -> None:
    wait_until(lambda: sum(truth.figures()), lambda total: total >= than + 3, 60)


def test_reboot_while_home_assistant_is_down_loses_nothing(
    counted: tuple[Stack, Demo, PassageTruth],
) -> None:
    stack, demo, truth = counted
    first_day = _hass_date(demo)
    wait_until(lambda: sum(truth.figures()), lambda total: total >= 3, 60)
    wait_until(lambda: (_lifetime(demo), truth.figures()), lambda p: p[0] == p[1], 30)

    # Home Assistant stops; the board goes on counting, then loses power.
    demo.api.close()
    demo.hass.stop()
    stack.services.remove(demo.hass)
    _more_passages(truth, sum(truth.figures()))
    assert demo.simulator is not None
    demo.simulator.stop_signal = signal.SIGKILL
    demo.simulator.stop()
    stack.services.remove(demo.simulator)
    before_reboot = sum(truth.figures())

    # It boots again and counts more while Home Assistant is still down.
    demo.simulator = stack.start_simulator(
        demo.broker_port, "--boards", "1", *SIMULATOR
    )
    _more_passages(truth, before_reboot)

    config_dir = Path(str(demo.hass.log.parent.parent / "config"))
    port = int(demo.url.rsplit(":", 1)[1])
    demo.hass = stack.start_hass(config_dir, port)
    wait_for_hass(demo.url, demo.hass, 240, demo.token)
    demo.api = HassClient(demo.url, demo.token)
    # Lifetime exact; today too, all of it counted on one day (unless Home Assistant's
    # midnight fell within the test: then today holds only what came after it).
    same_day = _hass_date(demo) == first_day
    wait_until(
        lambda: (_lifetime(demo), _today(demo) if same_day else None, truth.figures()),
        lambda seen: seen[0] == seen[2] and (seen[1] is None or seen[1] == seen[2]),
        timeout=60,
    )


def _board_says(demo: Demo, text: str, led: str) -> None:
    """Wait until the board's retained echoes say `text` on the OLED and `led`."""
    for channel, expected in (("oled", text), ("led", led)):
        topic = f"iot_lab/lab-1/{channel}"
        wait_until(partial(retained, demo.broker_port, topic), partial(eq, expected))


def test_light_board_shows_its_text_and_led_again_after_a_power_cut(
    counted: tuple[Stack, Demo, PassageTruth],
) -> None:
    stack, demo, _ = counted
    keys = ("lab-1_oled", "lab-1_led")
    # Both entities there and the board online before they are used.
    wait_until(
        lambda: _states(demo, keys),
        lambda states: not {"missing", "unavailable"} & set(states),
        timeout=60,
    )
    entities = demo.api.iot_lab_entities()
    oled, led = (entities[key]["entity_id"] for key in keys)
    text = "Salle 12 : TP capteurs"
    demo.api.service("text", "set_value", entity_id=oled, value=text)
    demo.api.service("switch", "turn_on", entity_id=led)
    _board_says(demo, text, "ON")

    assert demo.simulator is not None
    demo.simulator.stop_signal = signal.SIGKILL
    demo.simulator.stop()
    stack.services.remove(demo.simulator)
    wait_until(lambda: demo.api.state(led)["state"], lambda seen: seen == "unavailable")
    # Who knows what the broker kept: the board must say it again itself.
    for channel in ("oled", "led"):
        clear_retained(demo.broker_port, f"iot_lab/lab-1/{channel}")

    demo.simulator = stack.start_simulator(
        demo.broker_port, "--boards", "1", *SIMULATOR
    )
    _board_says(demo, text, "ON")
    wait_until(lambda: demo.api.state(oled)["state"], lambda seen: seen == text)
    wait_until(lambda: demo.api.state(led)["state"], lambda seen: seen == "on")
