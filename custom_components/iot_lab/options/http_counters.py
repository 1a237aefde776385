"""Options: HTTP door counters, each posting its CSV lines to a webhook of its own."""

from __future__ import annotations

from typing import Any

from homeassistant.components import webhook
from homeassistant.config_entries import ConfigFlowResult
from homeassistant.helpers.network import NoURLAvailableError
from homeassistant.helpers.selector import (
    SelectSelector,
    SelectSelectorConfig,
    TextSelector,
)
import probatio as vol

from ..const import CONF_CSV_COUNTERS
from ..iot_lab_wire import ProtocolError, csv_board_id
from .base import OptionsSteps

CONF_COUNTER_ID = "counter_id"


class HttpCounterSteps(OptionsSteps):
    """Add a counter (then show its URL), or remove one."""

    _added_counter: str | None = None
    _webhook_id = ""

    @property
    def counters(self) -> dict[str, str]:
        """Counter id: webhook id."""
        counters: dict[str, str] = self.options.get(CONF_CSV_COUNTERS, {})
        return counters

    async def async_step_add_counter(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Give an HTTP counter its own webhook."""
        errors: dict[str, str] = {}
        if user_input is not None:
            counter_id = user_input[CONF_COUNTER_ID].strip()
            try:
                csv_board_id(counter_id)
            except ProtocolError:
                errors[CONF_COUNTER_ID] = "invalid_counter_id"
            else:
                if counter_id in self.counters:
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
            added = {self._added_counter: self._webhook_id}
            return self.save(**{CONF_CSV_COUNTERS: {**self.counters, **added}})
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
            counters = dict(self.counters)
            counters.pop(user_input[CONF_COUNTER_ID], None)
            return self.save(**{CONF_CSV_COUNTERS: counters})
        return self.async_show_form(
            step_id="remove_counter",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_COUNTER_ID): SelectSelector(
                        SelectSelectorConfig(options=sorted(self.counters))
                    )
                }
            ),
        )
