"""The options flow of an IoT Lab entry, one module per thing the user changes.

`settings` (older boards, opening hours, export, silences), `bridges` (site brokers),
`upload_server` (SFTP or FTPS), `csv_identities` (the fields of a counter's CSV lines),
`legacy_topics` (older firmware's topics) and `http_counters` (their webhooks): each
holds its steps beside their schemas and checks; the menu below joins them.
"""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigFlowResult

from .bridges import BridgeSteps
from .csv_identities import CsvIdentitySteps
from .http_counters import HttpCounterSteps
from .legacy_topics import LegacyTopicSteps
from .settings import SettingsSteps
from .upload_server import UploadServerSteps


class IotLabOptionsFlow(
    SettingsSteps,
    BridgeSteps,
    UploadServerSteps,
    CsvIdentitySteps,
    LegacyTopicSteps,
    HttpCounterSteps,
):
    """Settings of one base topic; saving them reloads the entry."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Choose what to change."""
        menu = [
            "settings",
            "bridge",
            "csv_identity",
            "legacy_topics",
            "silence",
            "sftp",
            "add_counter",
        ]
        if self.counters:
            menu.append("remove_counter")
        return self.async_show_menu(step_id="init", menu_options=menu)
