"""Each alert that opens or resolves becomes an `iot_lab_alert` event."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant, callback

from .alert import Transition
from .board import Board
from .const import ALERT_EVENT, LOGGER


@callback
def async_fire_alert(
    hass: HomeAssistant, device_id: str | None, board: Board, transition: Transition
) -> None:
    """Fire `iot_lab_alert` for the automations, blueprints and the logbook."""
    data: dict[str, Any] = {
        "device_id": device_id,
        "board_id": board.board_id,
        "name": board.info.name if board.info else board.board_id,
        "kind": transition.kind,
        "state": "opened" if transition.opened else "resolved",
        "value": transition.value,
        "threshold": transition.threshold,
    }
    if transition.duration is not None:
        data["duration"] = transition.duration
    data["since_previous"] = transition.since_previous
    LOGGER.info(
        "Alert %s %s on board %s (value %s, threshold %s)",
        transition.kind,
        data["state"],
        board.board_id,
        transition.value,
        transition.threshold,
    )
    hass.bus.async_fire(ALERT_EVENT, data)
