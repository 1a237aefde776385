"""The settings a simulated board keeps, checked and kept as firmware 1.1.0 does.

`config/set` is checked whole with the wire contract's table (`iot_lab_wire.SETTINGS`),
and only the keys of the capabilities the board announces are its own: a key of another
kind, like an unknown key, a wrong type or a value out of range, refuses all of it, with
a warning in the log and nothing applied. What is taken is kept in the board's flash (a
JSON file per board, beside the light board's LED and text) and comes back on the next
boot; a flash that cannot be read or holds a refused value leaves the defaults.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
import json
import logging
from pathlib import Path
from typing import Any

from iot_lab_wire import (
    SETTINGS,
    ProtocolError,
    Settings,
    check_settings,
    parse_settings,
    shorten,
)

LOGGER = logging.getLogger(__package__)


def keys_of(capabilities: Iterable[str]) -> frozenset[str]:
    """The settings of a board that announces `capabilities`."""
    announced = set(capabilities)
    return frozenset(
        key for key, spec in SETTINGS.items() if spec.capability in announced
    )


def _own(settings: Settings, keys: frozenset[str]) -> Settings:
    """`settings` if every key is the board's own, else raise."""
    if foreign := sorted(set(settings) - keys):
        raise ProtocolError(f"setting(s) {shorten(foreign)} not of this board")
    return settings


def take(board_id: str, keys: frozenset[str], payload: str) -> Settings | None:
    """The changes a `config/set` payload asks for, or None (logged) if refused."""
    try:
        return _own(parse_settings(payload), keys)
    except ProtocolError as err:
        LOGGER.warning(
            "%s refused config/set %s: %s (nothing changed)",
            board_id,
            shorten(payload, 120),
            err,
        )
        return None


def restored(board_id: str, keys: frozenset[str], kept: object) -> Settings:
    """The settings kept in flash; none (logged) if they break the table or the kind."""
    if kept is None:
        return {}  # Never written: the defaults.
    try:
        if not isinstance(kept, Mapping):
            raise ProtocolError("settings are not an object")
        return _own(check_settings(kept), keys)
    except ProtocolError as err:
        LOGGER.warning("%s: settings in flash refused (%s), defaults", board_id, err)
        return {}


def read_flash(board_id: str, flash: Path) -> dict[str, Any]:
    """What a board wrote to `flash`: {} if never written, or unreadable (logged)."""
    try:
        saved = json.loads(flash.read_text())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as err:
        LOGGER.warning("%s: flash not readable (%s)", board_id, err)
        return {}
    if not isinstance(saved, dict):
        LOGGER.warning("%s: flash not readable (not an object)", board_id)
        return {}
    return saved


def write_flash(flash: Path, kept: Mapping[str, Any]) -> None:
    """Keep `kept` in `flash` for the next boot."""
    flash.parent.mkdir(parents=True, exist_ok=True)
    flash.write_text(json.dumps(kept, sort_keys=True))
