"""The current firmware's sensor boards: light with LED and OLED, and the DHT11.

Both sample like the firmware and send through its filters (filters.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
import logging
from typing import Any

from iot_lab_wire import (
    Channel,
    Command,
    ProtocolError,
    Settings,
    decode,
    led_command,
    oled_command,
    parse_led,
)

from . import filters
from .day_curves import daylight
from .simulated_board import Publication, SimulatedBoard

LOGGER = logging.getLogger(__package__)
SECOND = timedelta(seconds=1)
MILLISECOND = timedelta(milliseconds=1)


@dataclass
class LightBoard(SimulatedBoard):
    """Photoresistor, LED and OLED (the TTGO LoRa32 board).

    Like the firmware, it keeps the LED and the text in flash (`boot_from`), with its
    settings: after a reboot it shows them again and publishes them on connect. Its
    settings drive its filter: `light_delta` (% of the 12-bit range, default 80 of 4095:
    1.95), `light_heartbeat_s`, `light_sample_ms`.
    """

    led: bool = False
    oled: str = "IoT Lab"
    cloud: float = 0.0
    previous_firmware: bool = False
    sample_every: timedelta = filters.LIGHT.sample_every
    _filter: filters.SendOnChange = field(default_factory=filters.LIGHT.chain)
    _last_sample: datetime = datetime.min

    def default_settings(self) -> Settings:
        """The filter's defaults (esphome/light-oled.yaml's substitutions)."""
        return {
            "light_delta": filters.light_delta_percent(filters.LIGHT.delta),
            "light_heartbeat_s": filters.LIGHT.heartbeat // SECOND,
            "light_sample_ms": filters.LIGHT.sample_every // MILLISECOND,
        }

    def configure(self, settings: Settings) -> None:
        """Sample and send as the settings say, from the next sample on."""
        self.sample_every = MILLISECOND * int(settings["light_sample_ms"])
        self._filter.retune(
            filters.light_delta_raw(float(settings["light_delta"])),
            SECOND * int(settings["light_heartbeat_s"]),
        )

    def restore(self, kept: dict[str, Any]) -> None:
        """The LED and the text kept in flash, then the settings."""
        super().restore(kept)
        if "led" not in kept:
            return  # A board never written to: the defaults.
        try:
            led, oled = bool(kept["led"]), oled_command(str(kept["oled"]))
        except (KeyError, ProtocolError) as err:
            LOGGER.warning(
                "%s: LED or text in flash refused (%s)", self.info.board_id, err
            )
            return
        self.led, self.oled = led, oled

    def kept(self) -> dict[str, Any]:
        """The LED, the text and the settings."""
        return {"led": self.led, "oled": self.oled, **super().kept()}

    @property
    def command_topics(self) -> list[str]:
        """LED and OLED commands, and its settings."""
        return [
            self.topic(Command.LED),
            self.topic(Command.OLED),
            *super().command_topics,
        ]

    def state(self) -> list[Publication]:
        """Echo the LED, the screen and the settings, retained."""
        return [self._led_echo(), self._oled_echo(), *super().state()]

    def _led_echo(self) -> Publication:
        return Publication(self.topic(Channel.LED), led_command(self.led), True)

    def _oled_echo(self) -> Publication:
        return Publication(self.topic(Channel.OLED), self.oled, True)

    def due(self, now: datetime) -> list[Publication]:
        """Every sample since the last call through the firmware's filters.

        With `previous_firmware`, a raw reading every 2 s instead, as the boards sent
        before the filters.
        """
        every = (
            filters.PREVIOUS_LIGHT_EVERY
            if self.previous_firmware
            else self.sample_every
        )
        messages: list[Publication] = []
        if self.next_reading is None:
            self.next_reading = now
        while self.next_reading <= now:
            at, self.next_reading = self.next_reading, self.next_reading + every
            raw = self.sample(at)
            if self.paused:
                continue
            sent = raw if self.previous_firmware else self._filter.sample(raw, at)
            if sent is not None:
                messages.append(
                    Publication(self.topic(Channel.LIGHT), str(round(sent)))
                )
        return messages

    def sample(self, now: datetime) -> int:
        """Daylight with passing clouds, plus the LED's own glow, ADC noise, on 12 bits."""
        # Clouds pass over minutes: a step scaled to the time since the last sample.
        step = 0.005 * ((now - self._last_sample).total_seconds() / 0.2) ** 0.5
        self._last_sample = now
        self.cloud = max(0.0, min(0.8, self.cloud + self.rng.uniform(-step, step)))
        light = 150 + 3600 * daylight(now) * (1 - self.cloud) + (200 if self.led else 0)
        return round(min(4095, max(0, light + self.rng.gauss(0, 25))))

    def command(self, topic: str, payload: str) -> list[Publication]:
        """Switch the LED, show a text or take settings, then echo the new state."""
        try:
            if topic == self.topic(Command.LED):
                self.led = parse_led(payload)
                self.save()
                return [self._led_echo()]
            if topic == self.topic(Command.OLED):
                self.oled = oled_command(decode(payload))
                self.save()
                return [self._oled_echo()]
        except ProtocolError:
            return []  # The firmware ignores what it cannot parse.
        return super().command(topic, payload)


@dataclass
class ClimateBoard(SimulatedBoard):
    """DHT11: integer readings drifting slowly around a room's climate.

    Its settings drive its two filters: `temperature_delta`, `humidity_delta` and one
    heartbeat for both, `climate_heartbeat_s`.
    """

    temperature: float = 21.0
    humidity: float = 45.0
    previous_firmware: bool = False
    _filters: tuple[filters.SendOnChange, filters.SendOnChange] = field(
        default_factory=lambda: (
            filters.CLIMATE_TEMPERATURE.chain(),
            filters.CLIMATE_HUMIDITY.chain(),
        )
    )

    def default_settings(self) -> Settings:
        """The filters' defaults (esphome/climate-dht11.yaml's substitutions)."""
        return {
            "temperature_delta": float(filters.CLIMATE_TEMPERATURE.delta),
            "humidity_delta": float(filters.CLIMATE_HUMIDITY.delta),
            "climate_heartbeat_s": filters.CLIMATE_TEMPERATURE.heartbeat // SECOND,
        }

    def configure(self, settings: Settings) -> None:
        """Send as the settings say, from the next reading on."""
        heartbeat = SECOND * int(settings["climate_heartbeat_s"])
        temperature, humidity = self._filters
        temperature.retune(float(settings["temperature_delta"]), heartbeat)
        humidity.retune(float(settings["humidity_delta"]), heartbeat)

    def due(self, now: datetime) -> list[Publication]:
        """Every DHT11 reading since the last call, sent on change or heartbeat.

        With `previous_firmware`, both readings every 30 s, as before the filters.
        """
        every = (
            filters.PREVIOUS_CLIMATE_EVERY
            if self.previous_firmware
            else filters.CLIMATE_TEMPERATURE.sample_every
        )
        messages: list[Publication] = []
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
                    messages.append(Publication(self.topic(channel), str(round(sent))))
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
