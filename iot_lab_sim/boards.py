"""Simulated lab boards: what each one measures, publishes and obeys.

Pure Python and deterministic for a seed: the runner asks each board for its messages
at a given simulated time and hands it the commands received. Topics and payloads come
from the integration's own protocol module, so the simulator speaks exactly the wire
contract the ESPHome firmware speaks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
import json
import logging
import math
from pathlib import Path
import random
import secrets

from custom_components.iot_lab import legacy, protocol
from custom_components.iot_lab.protocol import BoardInfo, Capability, Channel, Command

from . import filters
from .door_flow import DoorFlow
from .door_rule import Passage
from .people import Rng

FIRMWARE = "sim-1.0.0"
LOGGER = logging.getLogger(__package__)


@dataclass(frozen=True, slots=True)
class Message:
    """One MQTT publish."""

    topic: str
    payload: str
    retain: bool = False


@dataclass
class Board:
    """A board of the wire contract: announce, birth / last will, readings."""

    base_topic: str
    info: BoardInfo
    rng: random.Random
    interval: timedelta = timedelta(seconds=30)
    next_reading: datetime | None = None
    paused: bool = False

    def topic(self, channel: Channel | Command) -> str:
        """`<base>/<id>/<channel>`, built by the protocol module."""
        return protocol.channel_topic(self.base_topic, self.info.board_id, channel)

    def will(self) -> Message | None:
        """The last will the broker publishes when the board vanishes."""
        return Message(self.topic(Channel.STATUS), protocol.PAYLOAD_OFFLINE, True)

    @property
    def command_topics(self) -> list[str]:
        """Topics this board subscribes to."""
        return []

    def announce(self) -> list[Message]:
        """Retained announce and birth, as the firmware sends them on connect."""
        return [
            Message(self.topic(Channel.INFO), protocol.info_payload(self.info), True),
            Message(self.topic(Channel.STATUS), protocol.PAYLOAD_ONLINE, True),
        ]

    def state(self) -> list[Message]:
        """Retained state to publish on connect (LED, OLED, counter totals)."""
        return []

    def due(self, now: datetime) -> list[Message]:
        """Readings due at `now` (simulated time)."""
        if self.next_reading is None or now >= self.next_reading:
            self.next_reading = now + self.interval
            return [] if self.paused else self.readings(now)
        return []

    def readings(self, now: datetime) -> list[Message]:
        """One round of readings."""
        return []

    def command(self, topic: str, payload: str) -> list[Message]:
        """Obey a command; return the echoes to publish."""
        return []

    def settle(self) -> list[Message]:
        """What to publish once the first seconds after connecting have passed."""
        return []


def daylight(now: datetime) -> float:
    """Sunlight from 0 to 1: a sine between 07:00 and 19:00."""
    hours = now.hour + now.minute / 60 + now.second / 3600
    if not 7 <= hours <= 19:
        return 0.0
    return math.sin(math.pi * (hours - 7) / 12)


@dataclass
class LightBoard(Board):
    """Photoresistor, LED and OLED (the TTGO LoRa32 board).

    Like the firmware, it keeps the LED and the text in flash (`boot_from`): after a
    reboot it shows them again and publishes them on connect.
    """

    led: bool = False
    oled: str = "IoT Lab"
    cloud: float = 0.0
    flash: Path | None = None
    previous_firmware: bool = False
    _filter: filters.SendOnChange = field(default_factory=filters.LIGHT.chain)
    _last_sample: datetime = datetime.min

    def boot_from(self, flash: Path) -> None:
        """Take back the LED and the text kept in `flash`; keep them there from now on."""
        self.flash = flash
        try:
            saved = json.loads(flash.read_text())
            led, oled = bool(saved["led"]), protocol.oled_command(str(saved["oled"]))
        except FileNotFoundError:
            return  # A board never written to: the defaults.
        except (OSError, ValueError, KeyError, TypeError) as err:
            LOGGER.warning("%s: flash not readable (%s)", self.info.board_id, err)
            return
        self.led, self.oled = led, oled

    def _save(self) -> None:
        if self.flash is not None:
            self.flash.parent.mkdir(parents=True, exist_ok=True)
            self.flash.write_text(json.dumps({"led": self.led, "oled": self.oled}))

    @property
    def command_topics(self) -> list[str]:
        """LED and OLED commands."""
        return [self.topic(Command.LED), self.topic(Command.OLED)]

    def state(self) -> list[Message]:
        """Echo the LED and the screen, retained."""
        return [
            Message(self.topic(Channel.LED), protocol.led_command(self.led), True),
            Message(self.topic(Channel.OLED), self.oled, True),
        ]

    def due(self, now: datetime) -> list[Message]:
        """Every sample since the last call through the firmware's filters.

        With `previous_firmware`, a raw reading every 2 s instead, as the boards sent
        before the filters.
        """
        every = (
            filters.PREVIOUS_LIGHT_EVERY
            if self.previous_firmware
            else filters.LIGHT.sample_every
        )
        messages: list[Message] = []
        if self.next_reading is None:
            self.next_reading = now
        while self.next_reading <= now:
            at, self.next_reading = self.next_reading, self.next_reading + every
            raw = self.sample(at)
            if self.paused:
                continue
            sent = raw if self.previous_firmware else self._filter.sample(raw, at)
            if sent is not None:
                messages.append(Message(self.topic(Channel.LIGHT), str(round(sent))))
        return messages

    def sample(self, now: datetime) -> int:
        """Daylight with passing clouds, plus the LED's own glow, ADC noise, on 12 bits."""
        # Clouds pass over minutes: a step scaled to the time since the last sample.
        step = 0.005 * ((now - self._last_sample).total_seconds() / 0.2) ** 0.5
        self._last_sample = now
        self.cloud = max(0.0, min(0.8, self.cloud + self.rng.uniform(-step, step)))
        light = 150 + 3600 * daylight(now) * (1 - self.cloud) + (200 if self.led else 0)
        return round(min(4095, max(0, light + self.rng.gauss(0, 25))))

    def command(self, topic: str, payload: str) -> list[Message]:
        """Switch the LED or show a text, then echo the new state."""
        try:
            if topic == self.topic(Command.LED):
                self.led = protocol.parse_led(payload)
                self._save()
                return [self.state()[0]]
            if topic == self.topic(Command.OLED):
                self.oled = protocol.oled_command(protocol.decode(payload))
                self._save()
                return [self.state()[1]]
        except protocol.ProtocolError:
            pass  # The firmware ignores what it cannot parse.
        return []


@dataclass
class ClimateBoard(Board):
    """DHT11: integer readings drifting slowly around a room's climate."""

    temperature: float = 21.0
    humidity: float = 45.0
    previous_firmware: bool = False
    _filters: tuple[filters.SendOnChange, filters.SendOnChange] = field(
        default_factory=lambda: (
            filters.CLIMATE_TEMPERATURE.chain(),
            filters.CLIMATE_HUMIDITY.chain(),
        )
    )

    def due(self, now: datetime) -> list[Message]:
        """Every DHT11 reading since the last call, sent on change or heartbeat.

        With `previous_firmware`, both readings every 30 s, as before the filters.
        """
        every = (
            filters.PREVIOUS_CLIMATE_EVERY
            if self.previous_firmware
            else filters.CLIMATE_TEMPERATURE.sample_every
        )
        messages: list[Message] = []
        if self.next_reading is None:
            self.next_reading = now
        while self.next_reading <= now:
            at, self.next_reading = self.next_reading, self.next_reading + every
            readings = self.sample(at, every)
            for channel, value, chain in zip(
                (Channel.TEMPERATURE, Channel.HUMIDITY),
                readings,
                self._filters,
                strict=True,
            ):
                sent = value if self.previous_firmware else chain.sample(value, at)
                if sent is not None and not self.paused:
                    messages.append(Message(self.topic(channel), str(round(sent))))
        return messages

    def sample(self, now: datetime, every: timedelta) -> tuple[int, int]:
        """One DHT11 reading: whole degrees and whole percents, drifting slowly."""
        rate = every.total_seconds() / 30
        target = 19 + 4 * daylight(now)
        self.temperature += rate * 0.1 * (target - self.temperature) + self.rng.gauss(
            0, 0.2 * rate**0.5
        )
        self.humidity = min(
            90,
            max(
                20,
                self.humidity
                + self.rng.gauss(0, 0.6 * rate**0.5)
                - rate * 0.02 * (self.humidity - 45),
            ),
        )
        return round(self.temperature), round(self.humidity)


MILLISECOND = timedelta(milliseconds=1)
OPENING = time(8, 0)
CLOSING = time(19, 0)


def arrivals_per_minute(now: datetime) -> float:
    """Library visits: a morning rush, a lunch dip, an afternoon peak; none at night."""
    hours = now.hour + now.minute / 60
    if not OPENING.hour <= hours < CLOSING.hour:
        return 0.0
    morning = math.exp(-((hours - 9.5) ** 2) / 1.5)
    afternoon = math.exp(-((hours - 15.0) ** 2) / 3.0)
    return 0.3 + 1.5 * morning + 2.0 * afternoon


@dataclass
class DoorBoard(Board):
    """Two infrared beams at the door: passages and cumulative totals.

    Visitors arrive, stay and leave (the truth: `came_in`, `went_out`, `inside`); they
    walk through the beams as the host tests' people do, and the board counts them with
    the firmware's own rule (door_flow.py): `entries` and `exits` are what the rule
    counted, a little off the truth where two beams cannot tell, as a real board's are.

    Like the firmware, a board that boots reads back its own retained totals before it
    publishes any: it continues their run (same `boot` id) and adds what it counted since
    it booted, so a reboot while nobody listens loses nothing. With no retained totals
    within a few seconds of connecting (`settle`), it starts a run of its own from zero.
    """

    entries: int = 0
    exits: int = 0
    inside: int = 0
    came_in: int = 0
    went_out: int = 0
    boot: str = field(default_factory=lambda: secrets.token_hex(4))
    last_tick: datetime | None = None
    restored: bool = False
    base_entries: int = 0
    base_exits: int = 0
    _flow: DoorFlow | None = field(default=None, init=False, repr=False)
    _origin: datetime = field(default=datetime.min, init=False, repr=False)

    @property
    def command_topics(self) -> list[str]:
        """Its own retained totals, read back once after booting."""
        return [self.topic(Channel.COUNTER)]

    def state(self) -> list[Message]:
        """Retained totals, once the board knows which run it continues."""
        return [self._totals()] if self.restored else []

    def command(self, topic: str, payload: str) -> list[Message]:
        """Continue the run of the retained totals (the first ones only)."""
        if self.restored or topic != self.topic(Channel.COUNTER):
            return []
        try:
            totals = protocol.parse_counter(payload)
        except protocol.ProtocolError:
            return []  # Not ours to trust: `settle` starts a run from zero.
        self.base_entries, self.base_exits = totals.entries, totals.exits
        self.boot = totals.boot
        self.restored = True
        return [self._totals()]

    def settle(self) -> list[Message]:
        """No retained totals came: count from zero in a run of its own."""
        if self.restored:
            return []
        self.restored = True
        return [self._totals()]

    def _totals(self) -> Message:
        payload = json.dumps(
            {
                "entries": self.base_entries + self.entries,
                "exits": self.base_exits + self.exits,
                "boot": self.boot,
            }
        )
        return Message(self.topic(Channel.COUNTER), payload, True)

    def due(self, now: datetime) -> list[Message]:
        """Passages the rule counted since the last tick, each followed by the totals."""
        last, self.last_tick = self.last_tick, now
        if last is None or self.paused:
            return []
        if self._flow is None:
            self._flow, self._origin = DoorFlow(Rng(self.rng.getrandbits(64))), last
        minutes = (now - last).total_seconds() / 60
        arrivals = self._poisson(arrivals_per_minute(now) * minutes)
        # Everybody leaves by closing time; otherwise about as many leave as arrive.
        leaving_rate = 0.15 if arrivals_per_minute(now) else 1.0
        departures = min(
            self.inside, self._poisson(self.inside * leaving_rate * minutes)
        )
        start, end = ((t - self._origin) // MILLISECOND for t in (last, now))
        came_in = self._flow.arrive(arrivals, departures, start, end)
        self.came_in, self.went_out = self.came_in + came_in, self.went_out + departures
        self.inside += came_in - departures
        messages: list[Message] = []
        for passage in self._flow.run_until(end):
            if passage is Passage.ENTRY:
                self.entries += 1
            else:
                self.exits += 1
            sent = (
                protocol.Passage.IN
                if passage is Passage.ENTRY
                else protocol.Passage.OUT
            )
            messages.append(Message(self.topic(Channel.PASSAGE), sent))
            messages += self.state()
        return messages

    def _poisson(self, mean: float) -> int:
        count, threshold, product = 0, math.exp(-min(mean, 50)), self.rng.random()
        while product > threshold:
            count += 1
            product *= self.rng.random()
        return count


@dataclass
class LegacyEsp32(Board):
    """The seed ESP32: a bare number on esp32/output, obeys on/off, echoes nothing."""

    led: bool = False

    def announce(self) -> list[Message]:
        """The old firmware announces nothing."""
        return []

    def will(self) -> Message | None:
        """Nor does it leave a last will."""
        return None

    @property
    def command_topics(self) -> list[str]:
        """The LED command topic of the seed firmware."""
        return [legacy.ESP32_LED_TOPIC]

    def readings(self, now: datetime) -> list[Message]:
        """0..4000 like the seed project's analogRead."""
        value = round(100 + 3800 * daylight(now) * self.rng.uniform(0.7, 1.0))
        return [Message(legacy.ESP32_LIGHT_TOPIC, str(value))]

    def command(self, topic: str, payload: str) -> list[Message]:
        """Obey `on` / `off` silently."""
        self.led = payload.strip() == "on"
        return []


@dataclass
class LegacyDht11(Board):
    """The seed DHT11 board: JSON readings and a JSON status."""

    temperature: float = 22.0

    def announce(self) -> list[Message]:
        """Its status message, retained."""
        return [
            Message(legacy.DHT11_STATUS_TOPIC, json.dumps({"status": "online"}), True)
        ]

    def will(self) -> Message | None:
        """Its last will is the JSON status."""
        return Message(
            legacy.DHT11_STATUS_TOPIC, json.dumps({"status": "offline"}), True
        )

    def readings(self, now: datetime) -> list[Message]:
        """Integer temperature and humidity in one JSON object."""
        self.temperature += self.rng.gauss(0, 0.3) - 0.05 * (self.temperature - 22)
        payload = {
            "temperature": round(self.temperature),
            "humidity": self.rng.randint(40, 60),
        }
        return [Message(legacy.DHT11_DATA_TOPIC, json.dumps(payload))]


@dataclass
class LegacyPolysource(Board):
    """The seed multi-sensor gateway: one JSON message per sensor."""

    def announce(self) -> list[Message]:
        """Nothing: sensors appear with their first reading."""
        return []

    def will(self) -> Message | None:
        """No last will either."""
        return None

    def readings(self, now: datetime) -> list[Message]:
        """A water level in metres and a room temperature."""
        level = round(
            2.5 + math.sin(now.timestamp() / 3600) + self.rng.gauss(0, 0.05), 2
        )
        temperature = round(20 + 3 * daylight(now) + self.rng.gauss(0, 0.2), 1)
        return [
            Message(
                legacy.POLYSOURCE_TOPIC,
                json.dumps({"valeur": level, "idCapteur": "Test_4G", "unite": "m"}),
            ),
            Message(
                legacy.POLYSOURCE_TOPIC,
                json.dumps(
                    {"valeur": temperature, "idCapteur": "Salle_B", "unite": "°C"}
                ),
            ),
        ]


@dataclass
class CsvCounter:
    """The ESP8266 entrance counter that cannot do MQTT: a CSV line every 30 minutes."""

    counter_id: str
    rng: random.Random
    period_start: datetime | None = None

    def due(self, now: datetime) -> list[str]:
        """Lines for every 30-minute period that ended since the last call."""
        period = timedelta(minutes=30)
        floor = now.replace(minute=now.minute // 30 * 30, second=0, microsecond=0)
        if self.period_start is None:
            self.period_start = floor - period
        lines = []
        while self.period_start + period <= floor:
            end = self.period_start + period
            rate = arrivals_per_minute(self.period_start) * 30
            entries = round(rate * self.rng.uniform(0.8, 1.2))
            exits = round(rate * self.rng.uniform(0.7, 1.1))
            lines.append(
                legacy.format_csv_line(
                    legacy.CsvLine(
                        period_end=end,
                        entries=entries,
                        exits=exits,
                        counter_id=self.counter_id,
                        name="Counter A",
                        location="RDCentre",
                        site="Alliance",
                        site_code="ALLI",
                    )
                )
            )
            self.period_start = end
        return lines


def make_boards(
    base_topic: str,
    count: int,
    rng: random.Random,
    *,
    legacy_boards: bool = True,
    first: int = 1,
) -> list[Board]:
    """`count` boards of each kind numbered from `first`, plus one of each older format.

    Sites that share a base topic (bridged without a prefix) number their boards apart.
    """
    boards: list[Board] = []
    for index in range(first, first + count):
        boards.append(
            LightBoard(
                base_topic,
                BoardInfo(
                    f"lab-{index}",
                    "light-oled",
                    f"Lab bench {index}",
                    FIRMWARE,
                    frozenset({Capability.LIGHT, Capability.LED, Capability.OLED}),
                ),
                random.Random(rng.random()),
            )
        )
        boards.append(
            ClimateBoard(
                base_topic,
                BoardInfo(
                    f"climate-{index}",
                    "climate-dht11",
                    f"Climate corner {index}",
                    FIRMWARE,
                    frozenset({Capability.TEMPERATURE, Capability.HUMIDITY}),
                ),
                random.Random(rng.random()),
            )
        )
        boards.append(
            DoorBoard(
                base_topic,
                BoardInfo(
                    f"door-{index}",
                    "door-counter",
                    f"Library entrance {index}",
                    FIRMWARE,
                    frozenset({Capability.COUNTER}),
                ),
                random.Random(rng.random()),
                # A new boot id on every start, seed or not, unless the board finds
                # its retained totals and continues their run.
            )
        )
    if legacy_boards:
        boards += [
            LegacyEsp32(base_topic, legacy.ESP32_BOARD, random.Random(rng.random())),
            LegacyDht11(base_topic, legacy.DHT11_BOARD, random.Random(rng.random())),
            LegacyPolysource(
                base_topic,
                BoardInfo(
                    "polysource", "polysource", "Polysource", "legacy", frozenset()
                ),
                random.Random(rng.random()),
            ),
        ]
    return boards
