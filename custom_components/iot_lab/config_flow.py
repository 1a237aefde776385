"""Config flow for IoT Lab: discovered from a board's announce, or added by hand."""

from __future__ import annotations

from typing import Any, override

import asyncssh
from homeassistant.components import mqtt, webhook
from homeassistant.config_entries import (
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlowWithReload,
)
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import callback
from homeassistant.helpers.network import NoURLAvailableError
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
    TimeSelector,
)
from homeassistant.helpers.service_info.mqtt import MqttServiceInfo
import probatio as vol

from . import csvline, parsers, protocol
from .const import (
    CONF_AUTO_EXPORT,
    CONF_BASE_TOPIC,
    CONF_CLOSING,
    CONF_CSV_COUNTERS,
    CONF_LEGACY,
    CONF_OFFLINE_GRACE,
    CONF_OPENING,
    CONF_PRIVATE_KEY,
    CONF_REMOTE_DIR,
    CONF_SFTP,
    CONF_WEBHOOK_LOCAL_ONLY,
    DEFAULT_CLOSING,
    DEFAULT_OFFLINE_GRACE,
    DEFAULT_OPENING,
    DEFAULT_SFTP_PORT,
    DOMAIN,
)
from .export import SftpSettings, async_check_sftp
from .payload import ProtocolError

CONF_COUNTER_ID = "counter_id"


def _title(base_topic: str) -> str:
    return f"IoT Lab ({base_topic})"


def _schema(base_topic: str) -> vol.Schema:
    return vol.Schema({vol.Required(CONF_BASE_TOPIC, default=base_topic): str})


class IotLabConfigFlow(ConfigFlow, domain=DOMAIN):
    """One config entry per base topic; boards under it need no further clicks."""

    VERSION = 1

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> IotLabOptionsFlow:
        """Options: legacy boards, opening hours, export, HTTP counters."""
        return IotLabOptionsFlow()

    def __init__(self) -> None:
        """Start with the default base topic."""
        self._base_topic = protocol.DEFAULT_BASE_TOPIC

    @override
    async def async_step_mqtt(
        self, discovery_info: MqttServiceInfo
    ) -> ConfigFlowResult:
        """Offer IoT Lab the first time a board announces on the default base topic."""
        await self.async_set_unique_id(protocol.DEFAULT_BASE_TOPIC)
        self._abort_if_unique_id_configured()
        try:
            board_id, channel = protocol.split_topic(
                protocol.DEFAULT_BASE_TOPIC, discovery_info.topic
            )
            if channel is not protocol.Channel.INFO:
                raise ProtocolError(f"{discovery_info.topic} is not an announce")
            info = parsers.parse_info(board_id, discovery_info.payload)
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
            data_schema=_schema(protocol.DEFAULT_BASE_TOPIC),
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
            base_topic = protocol.validate_base_topic(user_input[CONF_BASE_TOPIC])
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


class IotLabOptionsFlow(OptionsFlowWithReload):
    """Settings of one base topic; saving them reloads the entry."""

    def __init__(self) -> None:
        """Start with no HTTP counter just added."""
        self._added_counter: str | None = None
        self._webhook_id = ""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Choose what to change."""
        menu = ["settings", "sftp", "add_counter"]
        if self._counters:
            menu.append("remove_counter")
        return self.async_show_menu(step_id="init", menu_options=menu)

    @property
    def _counters(self) -> dict[str, str]:
        counters: dict[str, str] = self.config_entry.options.get(CONF_CSV_COUNTERS, {})
        return counters

    def _save(self, **changes: Any) -> ConfigFlowResult:
        return self.async_create_entry(data={**self.config_entry.options, **changes})

    async def async_step_settings(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Legacy boards, opening hours and the automatic export."""
        errors: dict[str, str] = {}
        if user_input is not None:
            if user_input[CONF_OPENING] >= user_input[CONF_CLOSING]:
                errors[CONF_CLOSING] = "closing_before_opening"
            else:
                return self._save(**user_input)
        options = {**self.config_entry.options, **(user_input or {})}
        schema = vol.Schema(
            {
                vol.Required(
                    CONF_LEGACY, default=options.get(CONF_LEGACY, True)
                ): BooleanSelector(),
                vol.Required(
                    CONF_OPENING, default=options.get(CONF_OPENING, DEFAULT_OPENING)
                ): TimeSelector(),
                vol.Required(
                    CONF_CLOSING, default=options.get(CONF_CLOSING, DEFAULT_CLOSING)
                ): TimeSelector(),
                vol.Required(
                    CONF_AUTO_EXPORT, default=options.get(CONF_AUTO_EXPORT, False)
                ): BooleanSelector(),
                vol.Required(
                    CONF_WEBHOOK_LOCAL_ONLY,
                    default=options.get(CONF_WEBHOOK_LOCAL_ONLY, True),
                ): BooleanSelector(),
                vol.Required(
                    CONF_OFFLINE_GRACE,
                    default=options.get(CONF_OFFLINE_GRACE, DEFAULT_OFFLINE_GRACE),
                ): NumberSelector(
                    NumberSelectorConfig(
                        min=1,
                        max=1440,
                        step=1,
                        unit_of_measurement="min",
                        mode=NumberSelectorMode.BOX,
                    )
                ),
            }
        )
        return self.async_show_form(
            step_id="settings", data_schema=schema, errors=errors
        )

    async def async_step_sftp(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The SFTP server that receives the exports (empty host: no upload)."""
        errors: dict[str, str] = {}
        if user_input is not None:
            settings = SftpSettings.from_options({CONF_SFTP: user_input})
            if settings is None:
                return self._save(**{CONF_SFTP: {}})
            if not settings.password and not settings.private_key:
                errors["base"] = "sftp_credentials"
            else:
                try:
                    await async_check_sftp(settings)
                except asyncssh.KeyImportError:
                    errors[CONF_PRIVATE_KEY] = "invalid_private_key"
                except OSError, asyncssh.Error, TimeoutError:
                    errors["base"] = "cannot_connect"
                else:
                    return self._save(**{CONF_SFTP: user_input})
        current = user_input or self.config_entry.options.get(CONF_SFTP) or {}
        schema = vol.Schema(
            {
                vol.Optional(
                    CONF_HOST, description={"suggested_value": current.get(CONF_HOST)}
                ): TextSelector(),
                vol.Required(
                    CONF_PORT, default=current.get(CONF_PORT, DEFAULT_SFTP_PORT)
                ): NumberSelector(
                    NumberSelectorConfig(min=1, max=65535, mode=NumberSelectorMode.BOX)
                ),
                vol.Optional(
                    CONF_USERNAME,
                    description={"suggested_value": current.get(CONF_USERNAME)},
                ): TextSelector(),
                vol.Optional(CONF_PASSWORD): TextSelector(
                    TextSelectorConfig(type=TextSelectorType.PASSWORD)
                ),
                vol.Optional(CONF_PRIVATE_KEY): TextSelector(
                    TextSelectorConfig(multiline=True)
                ),
                vol.Optional(
                    CONF_REMOTE_DIR,
                    description={"suggested_value": current.get(CONF_REMOTE_DIR)},
                ): TextSelector(),
            }
        )
        return self.async_show_form(step_id="sftp", data_schema=schema, errors=errors)

    async def async_step_add_counter(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Give an HTTP counter its own webhook."""
        errors: dict[str, str] = {}
        if user_input is not None:
            counter_id = user_input[CONF_COUNTER_ID].strip()
            try:
                csvline.csv_board_id(counter_id)
            except ProtocolError:
                errors[CONF_COUNTER_ID] = "invalid_counter_id"
            else:
                if counter_id in self._counters:
                    errors[CONF_COUNTER_ID] = "counter_exists"
                else:
                    self._added_counter = counter_id
                    return await self.async_step_counter_added()
        return self.async_show_form(
            step_id="add_counter",
            data_schema=vol.Schema({vol.Required(CONF_COUNTER_ID): TextSelector()}),
            errors=errors,
        )

    async def async_step_counter_added(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the URL the counter must post to, then save."""
        assert self._added_counter is not None
        if user_input is not None:
            return self._save(
                **{
                    CONF_CSV_COUNTERS: {
                        **self._counters,
                        self._added_counter: self._webhook_id,
                    }
                }
            )
        self._webhook_id = webhook.async_generate_id()
        try:
            url = webhook.async_generate_url(self.hass, self._webhook_id)
        except NoURLAvailableError:
            url = webhook.async_generate_path(self._webhook_id)
        return self.async_show_form(
            step_id="counter_added",
            description_placeholders={"counter_id": self._added_counter, "url": url},
        )

    async def async_step_remove_counter(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Stop accepting posts from an HTTP counter (its device stays until removed)."""
        if user_input is not None:
            counters = dict(self._counters)
            counters.pop(user_input[CONF_COUNTER_ID], None)
            return self._save(**{CONF_CSV_COUNTERS: counters})
        return self.async_show_form(
            step_id="remove_counter",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_COUNTER_ID): SelectSelector(
                        SelectSelectorConfig(options=sorted(self._counters))
                    )
                }
            ),
        )
