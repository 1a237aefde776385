"""Config flow for IoT Lab: discovered from a board's announce, or added by hand."""

from __future__ import annotations

from typing import Any, override

from homeassistant.components import mqtt
from homeassistant.config_entries import (
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
)
from homeassistant.core import callback
from homeassistant.helpers.service_info.mqtt import MqttServiceInfo
import probatio as vol

from .const import (
    CONF_BASE_TOPIC,
    DOMAIN,
)
from .iot_lab_wire import (
    DEFAULT_BASE_TOPIC,
    Channel,
    ProtocolError,
    parse_info,
    split_topic,
    validate_base_topic,
)
from .options import IotLabOptionsFlow
from .registry import async_scope_registries


def _title(base_topic: str) -> str:
    return f"IoT Lab ({base_topic})"


def _schema(base_topic: str) -> vol.Schema:
    return vol.Schema({vol.Required(CONF_BASE_TOPIC, default=base_topic): str})


class IotLabConfigFlow(ConfigFlow, domain=DOMAIN):
    """One config entry per base topic; boards under it need no further clicks."""

    VERSION = 2
    """2: device identifiers and unique ids include the base topic."""

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> IotLabOptionsFlow:
        """Options: legacy boards, opening hours, export, HTTP counters."""
        return IotLabOptionsFlow()

    def __init__(self) -> None:
        """Start with the default base topic."""
        self._base_topic = DEFAULT_BASE_TOPIC

    @override
    async def async_step_mqtt(
        self, discovery_info: MqttServiceInfo
    ) -> ConfigFlowResult:
        """Offer IoT Lab the first time a board announces on the default base topic."""
        await self.async_set_unique_id(DEFAULT_BASE_TOPIC)
        self._abort_if_unique_id_configured()
        try:
            board_id, channel = split_topic(DEFAULT_BASE_TOPIC, discovery_info.topic)
            if channel is not Channel.INFO:
                raise ProtocolError(f"{discovery_info.topic} is not an announce")
            info = parse_info(board_id, discovery_info.payload)
        except ProtocolError:
            return self.async_abort(reason="invalid_discovery_info")
        self.context["title_placeholders"] = {"name": info.name}
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask once before adding every board of the base topic."""
        if user_input is not None:
            return self.async_create_entry(
                title=_title(self._base_topic),
                data={CONF_BASE_TOPIC: self._base_topic},
            )
        self._set_confirm_only()
        return self.async_show_form(
            step_id="confirm",
            description_placeholders={"base_topic": self._base_topic},
        )

    @override
    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Add a base topic by hand."""
        if not await mqtt.async_wait_for_mqtt_client(self.hass):
            return self.async_abort(reason="mqtt_not_configured")
        errors: dict[str, str] = {}
        if user_input is not None and (
            base_topic := await self._async_claim_base_topic(user_input, errors)
        ):
            return self.async_create_entry(
                title=_title(base_topic), data={CONF_BASE_TOPIC: base_topic}
            )
        return self.async_show_form(
            step_id="user",
            data_schema=_schema(DEFAULT_BASE_TOPIC),
            errors=errors,
        )

    async def _async_claim_base_topic(
        self,
        user_input: dict[str, Any],
        errors: dict[str, str],
        current: str | None = None,
    ) -> str | None:
        """Validate the base topic and take it as unique id (abort if another has it)."""
        try:
            base_topic = validate_base_topic(user_input[CONF_BASE_TOPIC])
        except ProtocolError:
            errors[CONF_BASE_TOPIC] = "invalid_base_topic"
            return None
        await self.async_set_unique_id(base_topic)
        if base_topic != current:
            self._abort_if_unique_id_configured()
        return base_topic

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Move the entry to another base topic."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None and (
            base_topic := await self._async_claim_base_topic(
                user_input, errors, current=entry.unique_id
            )
        ):
            if base_topic != entry.data[CONF_BASE_TOPIC]:
                async_scope_registries(
                    self.hass, entry, entry.data[CONF_BASE_TOPIC], base_topic
                )
            return self.async_update_reload_and_abort(
                entry,
                unique_id=base_topic,
                title=_title(base_topic),
                data_updates={CONF_BASE_TOPIC: base_topic},
            )
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=_schema(entry.data[CONF_BASE_TOPIC]),
            errors=errors,
        )
