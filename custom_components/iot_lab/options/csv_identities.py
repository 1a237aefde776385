"""Options: the five fields a door counter's CSV lines carry, for the library's systems."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigFlowResult
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    TextSelector,
)
import probatio as vol

from ..const import CONF_CSV_IDENTITIES
from ..export_lines import csv_identity_of
from ..iot_lab_wire import CSV_IDENTITY_KEYS, Capability, ProtocolError, csv_identity
from .base import OptionsSteps

CONF_BOARD = "board"


class CsvIdentitySteps(OptionsSteps):
    """Pick a door counter, then set its fields (empty ones come from its announce)."""

    _identity_board: str

    async def async_step_csv_identity(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Choose the door counter whose CSV identity to set."""
        counters = {
            board.board_id: board.info.name if board.info else board.board_id
            for board in self.announced_boards()
            if Capability.COUNTER in board.capabilities
        }
        if not counters:
            return self.async_abort(reason="no_counter")
        if user_input is not None:
            self._identity_board = user_input[CONF_BOARD]
            return await self.async_step_csv_identity_fields()
        options = [
            SelectOptionDict(value=board_id, label=name)
            for board_id, name in sorted(counters.items())
        ]
        return self.async_show_form(
            step_id="csv_identity",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_BOARD): SelectSelector(
                        SelectSelectorConfig(options=options)
                    )
                }
            ),
        )

    async def async_step_csv_identity_fields(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The five fields of the counter's CSV lines; empty ones come from the board."""
        board_id = self._identity_board
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                identity = csv_identity(
                    {key: user_input.get(key, "") for key in CSV_IDENTITY_KEYS}
                )
            except ProtocolError:
                errors["base"] = "invalid_csv_identity"
            else:
                identities = dict(self.options.get(CONF_CSV_IDENTITIES, {}))
                fields = zip(CSV_IDENTITY_KEYS, identity.fields(), strict=True)
                identities[board_id] = {key: value for key, value in fields if value}
                return self.save(**{CONF_CSV_IDENTITIES: identities})
        board = self.config_entry.runtime_data.boards[board_id]
        shown = csv_identity_of(board, self.options)
        return self.async_show_form(
            step_id="csv_identity_fields",
            data_schema=identity_schema(shown.fields()),
            errors=errors,
            description_placeholders={"board": board_id},
        )


def identity_schema(shown: tuple[str, ...]) -> vol.Schema:
    """The five fields, each suggesting what the lines carry today."""
    return vol.Schema(
        {
            vol.Optional(key, description={"suggested_value": value}): TextSelector()
            for key, value in zip(CSV_IDENTITY_KEYS, shown, strict=True)
        }
    )
