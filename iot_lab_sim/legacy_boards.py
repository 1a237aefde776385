"""The older firmware's formats: the seed boards and the CSV entrance counter.

The integration still reads these formats, so the demo and the tests need boards that
send them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
import json
import math
import random

from iot_lab_wire import (
    DHT11_DATA_TOPIC,
    DHT11_STATUS_TOPIC,
    ESP32_LED_TOPIC,
    ESP32_LIGHT_TOPIC,
    POLYSOURCE_TOPIC,
    CsvLine,
    format_csv_line,
)

from .day_curves import arrivals_per_minute, daylight
from .simulated_board import Publication, SimulatedBoard


@dataclass
class LegacyEsp32(SimulatedBoard):
    """The seed ESP32: a bare number on esp32/output, obeys on/off, echoes nothing."""

    led: bool = False

    def announce(self) -> list[Publication]:
        """The old firmware announces nothing."""
        return []

    def will(self) -> Publication | None:
        """Nor does it leave a last will."""
        return None

    @property
    def command_topics(self) -> list[str]:
        """The LED command topic of the seed firmware."""
        return [ESP32_LED_TOPIC]

    def readings(self, now: datetime) -> list[Publication]:
        """0..4000 like the seed project's analogRead."""
        value = round(100 + 3800 * daylight(now) * self.rng.uniform(0.7, 1.0))
        return [Publication(ESP32_LIGHT_TOPIC, str(value))]

    def command(self, topic: str, payload: str) -> list[Publication]:
        """Obey `on` / `off` silently."""
        self.led = payload.strip() == "on"
        return []


@dataclass
class LegacyDht11(SimulatedBoard):
    """The seed DHT11 board: JSON readings and a JSON status."""

    temperature: float = 22.0

    def announce(self) -> list[Publication]:
        """Its status message, retained."""
        return [Publication(DHT11_STATUS_TOPIC, json.dumps({"status": "online"}), True)]

    def will(self) -> Publication | None:
        """Its last will is the JSON status."""
        return Publication(DHT11_STATUS_TOPIC, json.dumps({"status": "offline"}), True)

    def readings(self, now: datetime) -> list[Publication]:
        """Integer temperature and humidity in one JSON object."""
        self.temperature += self.rng.gauss(0, 0.3) - 0.05 * (self.temperature - 22)
        payload = {
            "temperature": round(self.temperature),
            "humidity": self.rng.randint(40, 60),
        }
        return [Publication(DHT11_DATA_TOPIC, json.dumps(payload))]


@dataclass
class LegacyPolysource(SimulatedBoard):
    """The seed multi-sensor gateway: one JSON message per sensor."""

    def announce(self) -> list[Publication]:
        """Nothing: sensors appear with their first reading."""
        return []

    def will(self) -> Publication | None:
        """No last will either."""
        return None

    def readings(self, now: datetime) -> list[Publication]:
        """A water level in metres and a room temperature."""
        level = round(
            2.5 + math.sin(now.timestamp() / 3600) + self.rng.gauss(0, 0.05), 2
        )
        temperature = round(20 + 3 * daylight(now) + self.rng.gauss(0, 0.2), 1)
        return [
            Publication(
                POLYSOURCE_TOPIC,
                json.dumps({"valeur": level, "idCapteur": "Test_4G", "unite": "m"}),
            ),
            Publication(
                POLYSOURCE_TOPIC,
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
                format_csv_line(
                    CsvLine(
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
