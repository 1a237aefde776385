"""Webhooks for door counters that cannot speak MQTT: one CSV line per 30 minutes."""

from __future__ import annotations

from functools import partial
from http import HTTPStatus

from aiohttp import web
from homeassistant.components import webhook
from homeassistant.core import HomeAssistant

from .const import CONF_CSV_COUNTERS, CONF_WEBHOOK_LOCAL_ONLY, DOMAIN, LOGGER
from .hub import IotLabConfigEntry
from .iot_lab_wire import (
    MAX_CSV_BODY,
    ProtocolError,
    parse_csv_body,
)


def async_register_webhooks(hass: HomeAssistant, entry: IotLabConfigEntry) -> None:
    """Register one webhook per configured HTTP counter, removed on unload."""
    local_only = entry.options.get(CONF_WEBHOOK_LOCAL_ONLY, True)
    for counter_id, webhook_id in entry.options.get(CONF_CSV_COUNTERS, {}).items():
        webhook.async_register(
            hass,
            DOMAIN,
            f"IoT Lab counter {counter_id}",
            webhook_id,
            _handler(entry, counter_id),
            local_only=local_only,
            allowed_methods=("POST",),
        )
        entry.async_on_unload(partial(webhook.async_unregister, hass, webhook_id))


def _handler(entry: IotLabConfigEntry, counter_id: str) -> webhook.HandlerType:
    async def handle(
        hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        """Count each line once; refuse the whole body when any line is broken."""
        if (request.content_length or 0) > MAX_CSV_BODY:
            return _refuse(
                counter_id, "body too large", HTTPStatus.REQUEST_ENTITY_TOO_LARGE
            )
        body = await request.content.read(MAX_CSV_BODY + 1)
        try:
            lines = parse_csv_body(body)
        except ProtocolError as err:
            return _refuse(counter_id, str(err))
        for line in lines:
            if line.counter_id != counter_id:
                return _refuse(
                    counter_id,
                    f"line of counter {line.counter_id!r} posted to the webhook of "
                    f"{counter_id!r}",
                )
        counted = sum(entry.runtime_data.async_apply_csv(line) for line in lines)
        return web.Response(text=f"counted {counted} of {len(lines)} lines\n")

    return handle


def _refuse(
    counter_id: str, reason: str, status: HTTPStatus = HTTPStatus.BAD_REQUEST
) -> web.Response:
    LOGGER.warning("Refused a CSV post for counter %s: %s", counter_id, reason)
    return web.Response(status=status, text=f"{reason}\n")
