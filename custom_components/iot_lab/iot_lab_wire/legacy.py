"""Wire formats of boards that run older hand-written firmware.

Pure Python, like the rest of the wire contract: these boards are adopted as
they are, so `decode_legacy` turns their topics into the contract's own typed messages,
validated with the contract's parsers, and the hub handles them like any other board.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
import re
from typing import Any, Final

from .csvline import CSV_COUNTER_MODEL, LAST_HEARD, legacy_board, legacy_model
from .json_payloads import BoardInfo, Capability, json_object
from .messages import (
    Announce,
    HumidityReading,
    LightReading,
    Measurement,
    Refusal,
    Status,
    TemperatureReading,
    WireMessage,
)
from .payloads import (
    Payload,
    ProtocolError,
    parse_humidity,
    parse_light,
    parse_number,
    parse_status,
    parse_temperature,
    shorten,
)
from .topics import slugify_board_id

ESP32_LIGHT_TOPIC: Final = "esp32/output"
ESP32_LED_TOPIC: Final = "/esp32/input"
"""As the first light board's documentation has it: with a leading slash, a topic other
than `esp32/input`."""
DHT11_DATA_TOPIC: Final = "dht11/sensor/data"
DHT11_STATUS_TOPIC: Final = "dht11/status"
POLYSOURCE_TOPIC: Final = "polysource/capteurs"


@dataclass(frozen=True, slots=True)
class LegacyTopics:
    """Where the older firmware publishes and listens (the options may change them)."""

    esp32_light: str = ESP32_LIGHT_TOPIC
    esp32_led: str = ESP32_LED_TOPIC
    dht11_data: str = DHT11_DATA_TOPIC
    dht11_status: str = DHT11_STATUS_TOPIC
    polysource: str = POLYSOURCE_TOPIC

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> LegacyTopics:
        """The topics saved in the options, the documented ones for the others."""
        names = {item.name for item in fields(cls)}
        return cls(**{k: v for k, v in options.items() if k in names})

    @property
    def subscriptions(self) -> tuple[str, ...]:
        """What an adopting entry subscribes to."""
        return (self.esp32_light, self.dht11_data, self.dht11_status, self.polysource)


DEFAULT_TOPICS: Final = LegacyTopics()


POLYSOURCE: Final = "polysource"
"""The board a broken polysource reading is logged under (it names no sensor)."""


class LegacyCapability(StrEnum):
    """Capabilities that only older firmware has; not part of the wire contract."""

    ASSUMED_LED = "assumed_led"
    """An LED that obeys `on` / `off` but echoes nothing."""
    MEASUREMENT = "measurement"
    """One value with a unit chosen by the board."""
    LAST_HEARD = LAST_HEARD
    """No status topic: when the board was last heard from, and silent means away."""


class Silent(StrEnum):
    """Boards that cannot say whether they are connected, by how often they send."""

    ESP32 = "esp32"
    POLYSOURCE = "polysource"
    CSV_COUNTER = "csv_counter"


DEFAULT_SILENCE: Final[dict[str, float]] = {
    Silent.ESP32: 1,
    Silent.POLYSOURCE: 10,
    Silent.CSV_COUNTER: 60,
}
"""Minutes of silence before such a board counts as away: twice the interval it sends at.
An HTTP counter posts every 30 minutes; a polysource gateway every few minutes (10 suits
one every 5); the ESP32 every few seconds (a minute leaves room for a Wi-Fi reconnection)."""

ESP32_MODEL: Final = "esp32-photoresistor"
POLYSOURCE_MODEL: Final = "polysource"
_SILENT_MODELS: Final = {
    legacy_model(ESP32_MODEL): Silent.ESP32,
    legacy_model(POLYSOURCE_MODEL): Silent.POLYSOURCE,
    legacy_model(CSV_COUNTER_MODEL): Silent.CSV_COUNTER,
}


def silent_kind(info: BoardInfo | None) -> Silent | None:
    """Which silence option applies to a board (None: it reports its connection)."""
    if info is None or LegacyCapability.LAST_HEARD not in info.capabilities:
        return None
    return _SILENT_MODELS.get(info.model)


ESP32_BOARD: Final = legacy_board(
    "esp32-output",
    ESP32_MODEL,
    "ESP32 photoresistor",
    Capability.LIGHT,
    LegacyCapability.ASSUMED_LED,
    LegacyCapability.LAST_HEARD,
)
DHT11_BOARD: Final = legacy_board(
    "dht11-sensor",
    "dht11",
    "DHT11 sensor",
    Capability.TEMPERATURE,
    Capability.HUMIDITY,
)

# Units as boards write them -> (Home Assistant unit, sensor device class or None).
UNITS: Final[dict[str, tuple[str, str | None]]] = {
    "°C": ("°C", "temperature"),
    "C": ("°C", "temperature"),
    "°F": ("°F", "temperature"),
    "%": ("%", None),
    "%RH": ("%", "humidity"),
    "m": ("m", "distance"),
    "cm": ("cm", "distance"),
    "mm": ("mm", "distance"),
    "lx": ("lx", "illuminance"),
    "lux": ("lx", "illuminance"),
    "hPa": ("hPa", "pressure"),
    "Pa": ("Pa", "pressure"),
    "V": ("V", "voltage"),
    "mV": ("mV", "voltage"),
    "A": ("A", "current"),
    "W": ("W", "power"),
    "ppm": ("ppm", "carbon_dioxide"),
    "dB": ("dB", "sound_pressure"),
    "dBm": ("dBm", "signal_strength"),
}
_UNIT_RE: Final = re.compile(r"[^\x00-\x1f\x7f/+#]{1,16}")


def decode_legacy(
    topic: str, payload: Payload, topics: LegacyTopics = DEFAULT_TOPICS
) -> tuple[WireMessage, ...]:
    """Turn one legacy message into the board's announce followed by what it says.

    A broken payload gives one `Refusal`, logged under the topic it came on.
    """
    board_id = {
        topics.esp32_light: ESP32_BOARD.board_id,
        topics.dht11_data: DHT11_BOARD.board_id,
        topics.dht11_status: DHT11_BOARD.board_id,
    }.get(topic, POLYSOURCE)
    try:
        if topic == topics.esp32_light:
            return _esp32_output(payload, topic)
        if topic == topics.dht11_data:
            return _dht11_data(payload, topic)
        if topic == topics.dht11_status:
            online = parse_dht11_status(payload)
            return (_announce(DHT11_BOARD, topic), _status(online, topic))
        return _polysource(payload, topic)
    except ProtocolError as err:
        return (Refusal(board_id=board_id, kind=topic, reason=str(err)),)


def esp32_led_command(on: bool) -> str:
    """Payload for the ESP32's LED topic: that firmware obeys lower-case `on` / `off`."""
    return "on" if on else "off"


def parse_dht11_data(payload: Payload) -> tuple[float | None, float | None]:
    """Parse `{"temperature": 25, "humidity": 60}`; either value may be missing."""
    data = json_object(payload, "DHT11 data")
    temperature = _optional_number(data, "temperature")
    humidity = _optional_number(data, "humidity")
    if temperature is None and humidity is None:
        raise ProtocolError("DHT11 data has neither temperature nor humidity")
    return (
        None if temperature is None else parse_temperature(str(temperature)),
        None if humidity is None else parse_humidity(str(humidity)),
    )


def parse_dht11_status(payload: Payload) -> bool:
    """Parse `{"status": "online"}` / `{"status": "offline"}`."""
    return parse_status(str(json_object(payload, "DHT11 status").get("status")))


def _polysource_reading(data: dict[str, Any], topic: str) -> Measurement:
    """`{"valeur": 99.9, "idCapteur": "Test_4G", "unite": "m"}`."""
    value = _optional_number(data, "valeur")
    if value is None:
        raise ProtocolError("polysource reading has no valeur")
    board_id = slugify_board_id(data.get("idCapteur"))
    unit_raw = data.get("unite")
    if unit_raw is None or unit_raw == "":
        unit, device_class = None, None
    elif isinstance(unit_raw, str) and _UNIT_RE.fullmatch(unit_raw):
        unit, device_class = UNITS.get(unit_raw, (unit_raw, None))
    else:
        raise ProtocolError(f"polysource unite {shorten(unit_raw)} is not a unit")
    return Measurement(
        board_id=f"poly-{board_id}"[:32].rstrip("_-"),
        kind=topic,
        value=value,
        unit=unit,
        device_class=device_class,
    )


def _esp32_output(payload: Payload, topic: str) -> tuple[WireMessage, ...]:
    """The bare photoresistor reading (the original project crashed on text)."""
    raw = parse_light(payload)
    board_id = ESP32_BOARD.board_id
    return (
        _announce(ESP32_BOARD, topic),
        LightReading(board_id=board_id, kind=topic, raw=raw),
    )


def _dht11_data(payload: Payload, topic: str) -> tuple[WireMessage, ...]:
    temperature, humidity = parse_dht11_data(payload)
    board_id = DHT11_BOARD.board_id
    readings: list[WireMessage] = [_announce(DHT11_BOARD, topic)]
    if temperature is not None:
        readings.append(
            TemperatureReading(board_id=board_id, kind=topic, value=temperature)
        )
    if humidity is not None:
        readings.append(HumidityReading(board_id=board_id, kind=topic, value=humidity))
    return tuple(readings)


def _polysource(payload: Payload, topic: str) -> tuple[WireMessage, ...]:
    """The reading comes first: its unit is fixed before the sensor is created."""
    data = json_object(payload, "polysource reading")
    reading = _polysource_reading(data, topic)
    name = f"Sensor {data['idCapteur'].strip()}"
    board = legacy_board(
        reading.board_id,
        POLYSOURCE_MODEL,
        name,
        LegacyCapability.MEASUREMENT,
        LegacyCapability.LAST_HEARD,
    )
    return (reading, _announce(board, topic))


def _announce(info: BoardInfo, topic: str) -> Announce:
    return Announce(board_id=info.board_id, kind=topic, info=info)


def _status(online: bool, topic: str) -> Status:
    return Status(board_id=DHT11_BOARD.board_id, kind=topic, online=online)


def _optional_number(data: dict[str, Any], key: str) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ProtocolError(f"{key} {shorten(value)} is not a number")
    return parse_number(str(value))
