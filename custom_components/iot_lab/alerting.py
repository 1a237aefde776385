"""Each alert that opens or resolves becomes an `iot_lab_alert` event."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant, callback

from .alert import Transition
from .board import Board
from .const import ALERT_EVENT, LOGGER


def incident_id(base_topic: str, board_id: str, transition: Transition) -> str:
    """One alert's identity, the same on its opening and its end, across restarts.

    Other programs (the alert blueprint's MQTT messages) pair an alert's end with its
    opening by it.
    """
    opened_at = transition.opened_at.isoformat()
    return f"{base_topic}/{board_id}/{transition.kind}/{opened_at}"


@callback
def async_fire_alert(
    hass: HomeAssistant,
    base_topic: str,
    device_id: str | None,
    board: Board,
    transition: Transition,
) -> None:
    """Fire `iot_lab_alert` for the automations, blueprints and the logbook."""
    data: dict[str, Any] = {
        "device_id": device_id,
        "base_topic": base_topic,
        "board_id": board.board_id,
        "name": board.info.name if board.info else board.board_id,
        "kind": transition.kind,
        "state": "opened" if transition.opened else "resolved",
        "value": transition.value,
        "threshold": transition.threshold,
        "incident_id": incident_id(base_topic, board.board_id, transition),
        "opened_at": transition.opened_at.isoformat(),
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
