"""Service actions of IoT Lab."""

from __future__ import annotations

from datetime import date

from homeassistant.const import ATTR_DEVICE_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.util import dt as dt_util
from homeassistant.util.json import JsonValueType
import probatio as vol

from .board import Board
from .const import ATTR_DATE, DOMAIN, SERVICE_EXPORT_COUNTS
from .export_schedule import async_export_and_upload
from .hub import IotLabConfigEntry
from .iot_lab_wire import (
    Capability,
    board_id_of_key,
)

EXPORT_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_DEVICE_ID): vol.All(cv.ensure_list, [cv.string]),
        vol.Optional(ATTR_DATE): cv.date,
    }
)


def async_setup_services(hass: HomeAssistant) -> None:
    """Register the actions once for all entries."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_EXPORT_COUNTS,
        _async_export_counts,
        schema=EXPORT_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )


async def _async_export_counts(call: ServiceCall) -> ServiceResponse:
    """Write the chosen counters' CSV files for a day (by default each entry's today)."""
    now = dt_util.now()
    chosen: date | None = call.data.get(ATTR_DATE)
    targets: dict[str, tuple[IotLabConfigEntry, list[Board]]] = {}
    for device_id in call.data[ATTR_DEVICE_ID]:
        entry, board = _counter_of_device(call.hass, device_id)
        targets.setdefault(entry.entry_id, (entry, []))[1].append(board)
    files: list[JsonValueType] = [
        str(path)
        for entry, boards in targets.values()
        for path in await async_export_and_upload(
            call.hass, entry, boards, chosen or entry.runtime_data.day.day_of(now)
        )
    ]
    return {"files": files}


def _counter_of_device(
    hass: HomeAssistant, device_id: str
) -> tuple[IotLabConfigEntry, Board]:
    device = dr.async_get(hass).async_get(device_id)
    if device is not None:
        entries: list[IotLabConfigEntry] = hass.config_entries.async_loaded_entries(
            DOMAIN
        )
        for entry in entries:
            if entry.entry_id != device.config_entry_id:
                continue
            for domain, key in device.identifiers:
                board_id = board_id_of_key(entry.runtime_data.base_topic, key)
                board = entry.runtime_data.boards.get(board_id or "")
                if (
                    domain == DOMAIN
                    and board is not None
                    and Capability.COUNTER in board.capabilities
                ):
                    return entry, board
    raise ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="not_a_counter",
        translation_placeholders={"device_id": device_id},
    )
