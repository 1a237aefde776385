"""What every step of the options flow shares: the entry's options, its boards, saving."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import (
    ConfigEntryState,
    ConfigFlowResult,
    OptionsFlowWithReload,
)
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
)

from ..board import Board
from ..hub import IotLabHub


class OptionsSteps(OptionsFlowWithReload):
    """The base of each group of steps; saving any of them reloads the entry."""

    @property
    def options(self) -> dict[str, Any]:
        """The entry's saved options."""
        return dict(self.config_entry.options)

    def announced_boards(self) -> list[Board]:
        """The entry's boards, when it is loaded (none otherwise)."""
        if self.config_entry.state is not ConfigEntryState.LOADED:
            return []
        hub: IotLabHub = self.config_entry.runtime_data
        return hub.announced_boards

    def save(self, **changes: Any) -> ConfigFlowResult:
        """Keep every other option as it was."""
        return self.async_create_entry(data={**self.config_entry.options, **changes})


def minutes_selector(low: int = 1) -> NumberSelector:
    """A number of minutes, up to a day."""
    return NumberSelector(
        NumberSelectorConfig(
            min=low,
            max=1440,
            step=1,
            unit_of_measurement="min",
            mode=NumberSelectorMode.BOX,
        )
    )
