"""Wire formats of boards that run older hand-written firmware.

Pure Python (no Home Assistant import), like `protocol.py`: these boards are adopted as
they are, so their formats are parsed here, validated with the same rules, and turned
into the same board model. Every parser returns clean values or raises `ProtocolError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
import re
from typing import Any, Final

from . import protocol
from .protocol import BoardInfo, Capability, Payload, ProtocolError

ESP32_LIGHT_TOPIC: Final = "esp32/output"
ESP32_LED_TOPIC: Final = "esp32/input"
DHT11_DATA_TOPIC: Final = "dht11/sensor/data"
DHT11_STATUS_TOPIC: Final = "dht11/status"
POLYSOURCE_TOPIC: Final = "polysource/capteurs"
TOPICS: Final = (
    ESP32_LIGHT_TOPIC,
    DHT11_DATA_TOPIC,
    DHT11_STATUS_TOPIC,
    POLYSOURCE_TOPIC,
)

LEGACY_FIRMWARE: Final = "legacy"
ESP32_LIGHT_MAX: Final = 4095
MAX_CSV_LINE: Final = 512
MAX_CSV_BODY: Final = 16 * 1024
CSV_FIELDS: Final = 9


class LegacyCapability(StrEnum):
    """Capabilities that only older firmware has; not part of the wire contract."""

    ASSUMED_LED = "assumed_led"
    """An LED that obeys `on` / `off` but echoes nothing."""
    MEASUREMENT = "measurement"
    """One value with a unit chosen by the board."""


ESP32_BOARD: Final = BoardInfo(
    board_id="esp32-output",
    model="esp32-photoresistor (legacy)",
    name="ESP32 photoresistor",
    firmware=LEGACY_FIRMWARE,
    capabilities=frozenset({Capability.LIGHT, LegacyCapability.ASSUMED_LED}),
)
DHT11_BOARD: Final = BoardInfo(
    board_id="dht11-sensor",
    model="dht11 (legacy)",
    name="DHT11 sensor",
    firmware=LEGACY_FIRMWARE,
    capabilities=frozenset({Capability.TEMPERATURE, Capability.HUMIDITY}),
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


@dataclass(frozen=True, slots=True)
class Measurement:
    """One reading of a polysource sensor."""

    board: BoardInfo
    value: float
    unit: str | None
    device_class: str | None


@dataclass(frozen=True, slots=True)
class CsvLine:
    """One line posted every 30 minutes by the HTTP door counter."""

    period_end: datetime
    entries: int
    exits: int
    counter_id: str
    name: str
    location: str
    site: str
    site_code: str

    @property
    def board_id(self) -> str:
        """The board id of the counter device fed by this line."""
        return csv_board_id(self.counter_id)


def parse_esp32_output(payload: Payload) -> int:
    """Parse the bare photoresistor reading (the original project crashed on text)."""
    value = protocol.parse_number(payload)
    if not value.is_integer() or not 0 <= value <= ESP32_LIGHT_MAX:
        raise ProtocolError(f"light reading {value:g} is not an integer in 0..4095")
    return int(value)


def esp32_led_command(on: bool) -> str:
    """Payload for `esp32/input`: that firmware obeys lower-case `on` / `off`."""
    return "on" if on else "off"


def parse_dht11_data(payload: Payload) -> tuple[float | None, float | None]:
    """Parse `{"temperature": 25, "humidity": 60}`; either value may be missing."""
    data = _object(payload, "DHT11 data")
    temperature = _optional_number(data, "temperature")
    humidity = _optional_number(data, "humidity")
    if temperature is None and humidity is None:
        raise ProtocolError("DHT11 data has neither temperature nor humidity")
    return (
        None if temperature is None else protocol.parse_temperature(str(temperature)),
        None if humidity is None else protocol.parse_humidity(str(humidity)),
    )


def parse_dht11_status(payload: Payload) -> bool:
    """Parse `{"status": "online"}` / `{"status": "offline"}`."""
    return protocol.parse_status(str(_object(payload, "DHT11 status").get("status")))


def parse_polysource(payload: Payload) -> Measurement:
    """Parse `{"valeur": 99.9, "idCapteur": "Test_4G", "unite": "m"}`."""
    data = _object(payload, "polysource reading")
    value = _optional_number(data, "valeur")
    if value is None:
        raise ProtocolError("polysource reading has no valeur")
    sensor_id = data.get("idCapteur")
    board_id = protocol.slugify_board_id(sensor_id)
    unit_raw = data.get("unite")
    if unit_raw is None or unit_raw == "":
        unit, device_class = None, None
    elif isinstance(unit_raw, str) and _UNIT_RE.fullmatch(unit_raw):
        unit, device_class = UNITS.get(unit_raw, (unit_raw, None))
    else:
        raise ProtocolError(
            f"polysource unite {protocol.shorten(unit_raw)} is not a unit"
        )
    assert isinstance(sensor_id, str)
    board = BoardInfo(
        board_id=f"poly-{board_id}"[:32].rstrip("_-"),
        model="polysource (legacy)",
        name=f"Sensor {sensor_id.strip()}",
        firmware=LEGACY_FIRMWARE,
        capabilities=frozenset({LegacyCapability.MEASUREMENT}),
    )
    return Measurement(board=board, value=value, unit=unit, device_class=device_class)


def csv_board_id(counter_id: str) -> str:
    """Board id of an HTTP counter, refusing hostile counter ids."""
    return f"csv-{protocol.slugify_board_id(counter_id)}"[:32].rstrip("_-")


def parse_csv_line(line: str) -> CsvLine:
    """Parse `2024-5-12,14:30:00,12,9,ALLI1,Counter A,RDCentre,Alliance,ALLI`."""
    if len(line) > MAX_CSV_LINE:
        raise ProtocolError(
            f"CSV line of {len(line)} characters exceeds {MAX_CSV_LINE}"
        )
    fields = [field.strip() for field in line.strip().split(",")]
    if len(fields) != CSV_FIELDS:
        raise ProtocolError(f"CSV line has {len(fields)} fields, expected {CSV_FIELDS}")
    day_text, time_text, entries, exits, counter_id, *text = fields
    try:
        year, month, day = (int(part) for part in day_text.split("-"))
        hour, minute, second = (int(part) for part in time_text.split(":"))
        period_end = datetime.combine(
            date(year, month, day), time(hour, minute, second)
        )
    except ValueError:
        raise ProtocolError(
            f"CSV date/time {protocol.shorten(day_text)} {protocol.shorten(time_text)} "
            "is not YYYY-M-D,HH:MM:SS"
        ) from None
    csv_board_id(counter_id)
    for value in text:
        if (
            protocol.has_control_characters(value)
            or len(value) > protocol.MAX_NAME_LENGTH
        ):
            raise ProtocolError(
                f"CSV text field {protocol.shorten(value)} is not plain text"
            )
    name, location, site, site_code = text
    return CsvLine(
        period_end=period_end,
        entries=_csv_count(entries, "entries"),
        exits=_csv_count(exits, "exits"),
        counter_id=counter_id,
        name=name or counter_id,
        location=location,
        site=site,
        site_code=site_code,
    )


def parse_csv_body(body: bytes) -> list[CsvLine]:
    """Parse a webhook body: one or more lines, all valid or none counted."""
    if len(body) > MAX_CSV_BODY:
        raise ProtocolError(f"body of {len(body)} bytes exceeds {MAX_CSV_BODY}")
    text = protocol.decode(body)
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise ProtocolError("body holds no CSV line")
    return [parse_csv_line(line) for line in lines]


def format_csv_line(line: CsvLine) -> str:
    """Write a line exactly as the counter board does (no zero padding in the date)."""
    end = line.period_end
    return ",".join(
        (
            f"{end.year}-{end.month}-{end.day}",
            end.strftime("%H:%M:%S"),
            str(line.entries),
            str(line.exits),
            line.counter_id,
            line.name,
            line.location,
            line.site,
            line.site_code,
        )
    )


def csv_board_info(line: CsvLine) -> BoardInfo:
    """The device of an HTTP counter, named after its CSV fields."""
    return BoardInfo(
        board_id=line.board_id,
        model="csv-counter (legacy)",
        name=line.name,
        firmware=LEGACY_FIRMWARE,
        capabilities=frozenset({Capability.COUNTER}),
    )


def _csv_count(text: str, what: str) -> int:
    if not text.isdigit() or int(text) > protocol.COUNTER_MAX:
        raise ProtocolError(f"CSV {what} {protocol.shorten(text)} is not a count")
    return int(text)


def _object(payload: Payload, what: str) -> dict[str, Any]:
    data = protocol.loads_json(payload)
    if not isinstance(data, dict):
        raise ProtocolError(f"{what} is not a JSON object")
    return data


def _optional_number(data: dict[str, Any], key: str) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ProtocolError(f"{key} {protocol.shorten(value)} is not a number")
    return protocol.parse_number(str(value))
