"""What the dashboard strategy knows of IoT Lab's entities and texts, made from the source.

The strategy (js/iot-lab-strategy.js) names no entity: each role it places is taken here
from the entity descriptions (a translation key, or the device class of an entity named
after it), so renaming a key moves the card with it, and a key that disappears fails at
import. Its texts are the translations' `selector.dashboard_text` options, one per
language shipped in translations/.
"""

from __future__ import annotations

from collections.abc import Iterable
import json
from pathlib import Path
from typing import Any, Final

from .binary_sensor import BINARY_SENSORS
from .button import BUTTONS
from .entity import IotLabEntityDescription
from .event import EVENTS
from .number import NUMBERS
from .sensor import MEASUREMENTS, SENSORS
from .state import Part
from .switch import SWITCHES
from .text import TEXTS

TRANSLATIONS: Final = Path(__file__).parent / "translations"
TEXT_SELECTOR: Final = "dashboard_text"

DESCRIPTIONS: Final[tuple[IotLabEntityDescription, ...]] = (
    *SENSORS,
    *MEASUREMENTS,
    *BINARY_SENSORS,
    *SWITCHES,
    *TEXTS,
    *NUMBERS,
    *BUTTONS,
    *EVENTS,
)


def role(description: IotLabEntityDescription) -> str:
    """How the frontend tells the entity apart on its device (`hass.entities`)."""
    name = description.translation_key or description.device_class
    assert name is not None, f"{description.key} has no translation key or class"
    return str(name)


_ROLE_OF_KEY: Final = {
    description.key: role(description) for description in DESCRIPTIONS
}


def _roles(*keys: str) -> list[str]:
    """The roles of these entity keys (a KeyError names a key no description has)."""
    return [_ROLE_OF_KEY[key] for key in keys]


PRESENCE: Final = _roles("connectivity", "last_heard")
"""Whether a board is there: connectivity, or when it was last heard from."""


def contract() -> dict[str, Any]:
    """Which roles make each kind of board, and where each card puts which role."""
    light, climate, door = _light(), _climate(), _door()
    (measurement,) = _roles("measurement")
    return {
        "kinds": ["light", "climate", "door", "measurement"],
        "kind_of_role": {
            light["level"]: "light",
            climate["temperature"]: "climate",
            climate["humidity"]: "climate",
            door["occupancy"]: "door",
            measurement: "measurement",
        },
        "light": light,
        "climate": climate,
        "door": door,
        "measurement": {"value": measurement},
        "alerts": [
            role(description)
            for description in DESCRIPTIONS
            if description.parts == (Part.ALERT,)
        ],
        "presence": PRESENCE,
    }


def _light() -> dict[str, Any]:
    """The gauge's level, what the board shows, and its details."""
    level, led, oled = _roles("light_level", "led", "oled")
    details = _roles("light_raw", "calibration_dark", "calibration_bright")
    return {
        "level": level,
        "led": led,
        "oled": oled,
        "details": [led, oled, *details, *PRESENCE],
    }


def _climate() -> dict[str, Any]:
    """The two readings, graphed and averaged, and the glance card."""
    temperature, humidity = _roles("temperature", "humidity")
    glance = [temperature, humidity, *PRESENCE]
    return {"temperature": temperature, "humidity": humidity, "glance": glance}


def _door() -> dict[str, Any]:
    """Occupancy's graph, the passages' logbook, and the figures."""
    occupancy, passage = _roles("occupancy", "passage")
    figures = _roles(
        "entries_today",
        "exits_today",
        "occupancy",
        "peak_occupancy",
        "lifetime_entries",
        "lifetime_exits",
        "reset_occupancy",
    )
    return {
        "occupancy": occupancy,
        "passage": passage,
        "details": [*figures, *PRESENCE],
    }


def texts(files: Iterable[Path]) -> dict[str, dict[str, str]]:
    """The strategy's texts by language, from each translation file."""
    return {
        path.stem: json.loads(path.read_text(encoding="utf-8"))["selector"][
            TEXT_SELECTOR
        ]["options"]
        for path in sorted(files)
    }


def module_source(script: str) -> str:
    """The strategy as served: what it knows first, then its code (blocking: files)."""
    known = {"contract": contract(), "texts": texts(TRANSLATIONS.glob("*.json"))}
    return f"const IOT_LAB = {json.dumps(known, sort_keys=True)};\n{script}"
