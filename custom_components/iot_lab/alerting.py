"""Each alert that opens or resolves becomes an `iot_lab_alert` event."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from homeassistant.core import HomeAssistant, callback

from .alert import AlertKind, Transition
from .board import Board
from .const import ALERT_EVENT, LOGGER


def incident_id(
    base_topic: str, board_id: str, kind: AlertKind, opened_at: datetime
) -> str:
    """One alert's identity, the same on its opening and its end, across restarts.

    Other programs (the alert blueprint's MQTT messages) pair an alert's end with its
    opening by it.
    """
    return f"{base_topic}/{board_id}/{kind}/{opened_at.isoformat()}"


def open_alerts(base_topic: str, board: Board) -> list[dict[str, Any]]:
    """The board's open alerts, oldest opening first, as their opening told them.

    On a topic shared by several alerts, the alert blueprint sends the latest of them
    again, retained, when another one ends.
    """
    opened = sorted(
        (
            (alert.opened_at, kind, alert)
            for kind, alert in board.alerts.items()
            if alert.opened_at is not None
        ),
        key=lambda item: item[0],
    )
    return [
        {
            "incident_id": incident_id(base_topic, board.board_id, kind, opened_at),
            "kind": kind,
            "value": alert.opened_value,
            "threshold": alert.threshold,
            "opened_at": opened_at.isoformat(),
        }
        for opened_at, kind, alert in opened
    ]


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
        "incident_id": incident_id(
            base_topic, board.board_id, transition.kind, transition.opened_at
        ),
        "opened_at": transition.opened_at.isoformat(),
        "open_alerts": open_alerts(base_topic, board),
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
