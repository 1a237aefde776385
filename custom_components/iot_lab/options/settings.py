"""Options: older boards on or off, opening hours, export, webhooks, silences."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigFlowResult
from homeassistant.helpers.selector import (
    BooleanSelector,
    SelectSelector,
    SelectSelectorConfig,
    TimeSelector,
)
import probatio as vol

from ..const import (
    CONF_AUTO_EXPORT,
    CONF_CLOSING,
    CONF_DAY_START,
    CONF_LEGACY,
    CONF_OCCUPANCY_RESET,
    CONF_OFFLINE_GRACE,
    CONF_OPENING,
    CONF_SILENCE,
    CONF_WEBHOOK_LOCAL_ONLY,
    DEFAULT_CLOSING,
    DEFAULT_DAY_START,
    DEFAULT_OFFLINE_GRACE,
    DEFAULT_OPENING,
)
from ..door import OccupancyReset
from ..export_schedule import auto_export_on
from ..iot_lab_wire import DEFAULT_SILENCE, Silent
from .base import OptionsSteps, minutes_selector


class SettingsSteps(OptionsSteps):
    """The entry's general settings, and how long silent boards may stay silent."""

    async def async_step_settings(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Legacy boards, opening hours and the automatic export."""
        errors: dict[str, str] = {}
        if user_input is not None:
            if user_input[CONF_OPENING] >= user_input[CONF_CLOSING]:
                errors[CONF_CLOSING] = "closing_before_opening"
            else:
                return self.save(**user_input)
        schema = settings_schema({**self.options, **(user_input or {})})
        return self.async_show_form(
            step_id="settings", data_schema=schema, errors=errors
        )

    async def async_step_silence(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """How long each kind of board with no status topic may stay silent."""
        if user_input is not None:
            minutes = {kind: int(value) for kind, value in user_input.items()}
            return self.save(**{CONF_SILENCE: minutes})
        return self.async_show_form(
            step_id="silence", data_schema=silence_schema(self.options)
        )


def settings_schema(options: dict[str, Any]) -> vol.Schema:
    """Legacy boards, opening hours, export, webhooks, offline grace period."""
    return vol.Schema(
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
                CONF_DAY_START, default=options.get(CONF_DAY_START, DEFAULT_DAY_START)
            ): TimeSelector(),
            vol.Required(
                CONF_OCCUPANCY_RESET,
                default=options.get(CONF_OCCUPANCY_RESET, OccupancyReset.DAY_START),
            ): SelectSelector(
                SelectSelectorConfig(
                    options=list(OccupancyReset), translation_key=CONF_OCCUPANCY_RESET
                )
            ),
            vol.Required(
                CONF_AUTO_EXPORT, default=auto_export_on(options)
            ): BooleanSelector(),
            vol.Required(
                CONF_WEBHOOK_LOCAL_ONLY,
                default=options.get(CONF_WEBHOOK_LOCAL_ONLY, True),
            ): BooleanSelector(),
            vol.Required(
                CONF_OFFLINE_GRACE,
                default=options.get(CONF_OFFLINE_GRACE, DEFAULT_OFFLINE_GRACE),
            ): minutes_selector(),
        }
    )


def silence_schema(options: dict[str, Any]) -> vol.Schema:
    """Minutes each kind of board with no status topic may stay silent."""
    saved = {**DEFAULT_SILENCE, **options.get(CONF_SILENCE, {})}
    return vol.Schema(
        {
            vol.Required(kind.value, default=saved[kind]): minutes_selector()
            for kind in Silent
        }
    )
