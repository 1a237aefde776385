"""Alerts in the logbook, in plain words."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from homeassistant.components.logbook.const import (
    LOGBOOK_ENTRY_MESSAGE,
    LOGBOOK_ENTRY_NAME,
)
from homeassistant.core import Event, HomeAssistant, callback

from .alert import THRESHOLDS, AlertKind
from .const import ALERT_EVENT, DOMAIN


def describe_alert(data: Mapping[str, Any]) -> str:
    """E.g. "alert resolved after 12 min: temperature above 28.0 (27.4)"."""
    opened = data.get("state") == "opened"
    kind = data.get("kind")
    if kind == AlertKind.OFFLINE:
        grace = data.get("threshold")
        what = (
            "back online"
            if not opened
            else f"offline for more than {grace:g} min"
            if isinstance(grace, int | float)
            else "offline for too long"
        )
    elif spec := next((spec for spec in THRESHOLDS if spec.kind == kind), None):
        what = f"{spec.description} {data.get('threshold')} ({data.get('value')})"
    else:
        what = str(kind)
    head = "alert opened" if opened else "alert resolved"
    duration = data.get("duration")
    if not opened and isinstance(duration, int | float):
        head += f" after {_duration(duration)}"
    return f"{head}: {what}"


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{round(seconds)} s"
    if seconds < 7200:
        return f"{round(seconds / 60)} min"
    return f"{seconds / 3600:.1f} h"


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[[str, str, Callable[[Event], dict[str, str]]], None],
) -> None:
    """Describe `iot_lab_alert` events."""

    @callback
    def async_describe_alert(event: Event) -> dict[str, str]:
        return {
            LOGBOOK_ENTRY_NAME: str(event.data.get("name", "IoT Lab")),
            LOGBOOK_ENTRY_MESSAGE: describe_alert(event.data),
        }

    async_describe_event(DOMAIN, ALERT_EVENT, async_describe_alert)
