"""Options flow for IoT Lab: legacy boards, opening hours, export, SFTP, HTTP counters."""

from __future__ import annotations

from dataclasses import asdict
import ssl
from typing import Any

import asyncssh
from homeassistant.components import webhook
from homeassistant.config_entries import (
    ConfigEntryState,
    ConfigFlowResult,
    OptionsFlowWithReload,
)
from homeassistant.helpers.network import NoURLAvailableError
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    TextSelector,
)
import probatio as vol

from .board import Board
from .const import (
    CONF_BASE_TOPIC,
    CONF_BRIDGE_BOARDS,
    CONF_BRIDGE_TOPICS,
    CONF_BRIDGES,
    CONF_CA_CERTIFICATE,
    CONF_CLOSING,
    CONF_CSV_COUNTERS,
    CONF_CSV_IDENTITIES,
    CONF_HOST_KEY,
    CONF_LEGACY_TOPICS,
    CONF_OPENING,
    CONF_PRIVATE_KEY,
    CONF_SFTP,
    CONF_SILENCE,
)
from .export import csv_identity_of
from .hub import IotLabHub
from .iot_lab_wire import (
    CSV_IDENTITY_KEYS,
    Capability,
    LegacyTopics,
    ProtocolError,
    csv_board_id,
    csv_identity,
)
from .options_forms import (
    bridge_boards_schema,
    bridge_topic_errors,
    bridge_topics_schema,
    legacy_topic_errors,
    settings_schema,
    silence_schema,
    upload_schema,
)
from .upload import UploadRefusedError, UploadSettings, async_check

CONF_COUNTER_ID = "counter_id"
CONF_BOARD = "board"


class IotLabOptionsFlow(OptionsFlowWithReload):
    """Settings of one base topic; saving them reloads the entry."""

    def __init__(self) -> None:
        """Start with no HTTP counter just added."""
        self._added_counter: str | None = None
        self._webhook_id = ""
        self._identity_board = ""
        self._bridge_topics: list[str] = []
        self._bridges: dict[str, list[str]] = {}

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
        if self._counters:
            menu.append("remove_counter")
        return self.async_show_menu(step_id="init", menu_options=menu)

    @property
    def _counters(self) -> dict[str, str]:
        counters: dict[str, str] = self.config_entry.options.get(CONF_CSV_COUNTERS, {})
        return counters

    def _announced_boards(self) -> list[Board]:
        """The entry's boards, when it is loaded (none otherwise)."""
        if self.config_entry.state is not ConfigEntryState.LOADED:
            return []
        hub: IotLabHub = self.config_entry.runtime_data
        return hub.announced_boards

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
        schema = settings_schema(options)
        return self.async_show_form(
            step_id="settings", data_schema=schema, errors=errors
        )

    async def async_step_bridge(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The notification topics of the bridges the boards are behind, if any.

        None: the boards publish to Home Assistant's own broker.
        """
        errors: dict[str, str] = {}
        base_topic = self.config_entry.data[CONF_BASE_TOPIC]
        saved: dict[str, list[str]] = self.config_entry.options.get(CONF_BRIDGES, {})
        topics = list(saved)
        if user_input is not None:
            topics = [
                str(topic).strip()
                for topic in user_input.get(CONF_BRIDGE_TOPICS, [])
                if str(topic).strip()
            ]
            errors = bridge_topic_errors(topics, base_topic)
            if not errors:
                if not topics:
                    return self._save(**{CONF_BRIDGES: {}})
                self._bridge_topics, self._bridges = topics, {}
                return await self.async_step_bridge_boards()
        return self.async_show_form(
            step_id="bridge",
            data_schema=bridge_topics_schema(topics),
            errors=errors,
            description_placeholders={"base_topic": base_topic},
        )

    async def async_step_bridge_boards(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The boards behind each bridge in turn; none picked: every other board."""
        errors: dict[str, str] = {}
        topic = self._bridge_topics[len(self._bridges)]
        if user_input is not None:
            behind = sorted(user_input.get(CONF_BRIDGE_BOARDS, []))
            if set(behind) & {b for ids in self._bridges.values() for b in ids}:
                errors[CONF_BRIDGE_BOARDS] = "board_behind_two_bridges"
            elif not behind and any(not ids for ids in self._bridges.values()):
                errors[CONF_BRIDGE_BOARDS] = "two_bridges_for_the_rest"
            else:
                self._bridges[topic] = behind
                if len(self._bridges) == len(self._bridge_topics):
                    return self._save(**{CONF_BRIDGES: self._bridges})
                topic = self._bridge_topics[len(self._bridges)]
        saved: dict[str, list[str]] = self.config_entry.options.get(CONF_BRIDGES, {})
        boards = {
            board.board_id: f"{board.info.name} ({board.board_id})"
            for board in self._announced_boards()
            if board.info
        }
        for board_id in saved.get(topic, []):
            boards.setdefault(board_id, board_id)
        return self.async_show_form(
            step_id="bridge_boards",
            data_schema=bridge_boards_schema(boards, saved.get(topic, [])),
            errors=errors,
            description_placeholders={
                "topic": topic,
                "base_topic": self.config_entry.data[CONF_BASE_TOPIC],
            },
        )

    async def async_step_legacy_topics(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Topics of older boards built differently from their documentation."""
        errors: dict[str, str] = {}
        if user_input is not None:
            topics = {key: str(value).strip() for key, value in user_input.items()}
            if not (errors := legacy_topic_errors(topics)):
                return self._save(**{CONF_LEGACY_TOPICS: topics})
        saved = self.config_entry.options.get(CONF_LEGACY_TOPICS, {})
        current = {**asdict(LegacyTopics.from_options(saved)), **(user_input or {})}
        return self.async_show_form(
            step_id="legacy_topics",
            data_schema=vol.Schema(
                {
                    vol.Required(key, default=value): TextSelector()
                    for key, value in current.items()
                }
            ),
            errors=errors,
        )

    async def async_step_silence(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """How long each kind of board with no status topic may stay silent."""
        if user_input is not None:
            minutes = {kind: int(value) for kind, value in user_input.items()}
            return self._save(**{CONF_SILENCE: minutes})
        return self.async_show_form(
            step_id="silence",
            data_schema=silence_schema(dict(self.config_entry.options)),
        )

    async def async_step_sftp(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The server that receives the exports, SFTP or FTPS (empty host: no upload).

        The settings are tried before they are saved; an SFTP server's host key is
        pinned then (trust on first use).
        """
        errors: dict[str, str] = {}
        if user_input is not None:
            settings = UploadSettings.from_options({CONF_SFTP: user_input})
            if settings is None:
                return self._save(**{CONF_SFTP: {}})
            if not settings.password and not settings.private_key:
                errors["base"] = "sftp_credentials"
            else:
                try:
                    checked = await async_check(self.hass, settings)
                except asyncssh.KeyImportError:
                    errors[CONF_PRIVATE_KEY] = "invalid_private_key"
                except ssl.SSLError:
                    errors[CONF_CA_CERTIFICATE] = "invalid_ca_certificate"
                except UploadRefusedError as err:
                    errors["base"] = err.reason
                except OSError, asyncssh.Error, TimeoutError:
                    errors["base"] = "cannot_connect"
                else:
                    saved = {**user_input, CONF_HOST_KEY: checked.host_key or ""}
                    return self._save(**{CONF_SFTP: saved})
        current = user_input or self.config_entry.options.get(CONF_SFTP) or {}
        schema = upload_schema(current)
        return self.async_show_form(step_id="sftp", data_schema=schema, errors=errors)

    async def async_step_csv_identity(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Choose the door counter whose CSV identity to set."""
        counters = {
            board.board_id: board.info.name if board.info else board.board_id
            for board in self._announced_boards()
            if Capability.COUNTER in board.capabilities
        }
        if not counters:
            return self.async_abort(reason="no_counter")
        if user_input is not None:
            self._identity_board = user_input[CONF_BOARD]
            return await self.async_step_csv_identity_fields()
        return self.async_show_form(
            step_id="csv_identity",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_BOARD): SelectSelector(
                        SelectSelectorConfig(
                            options=[
                                SelectOptionDict(value=board_id, label=name)
                                for board_id, name in sorted(counters.items())
                            ]
                        )
                    )
                }
            ),
        )

    async def async_step_csv_identity_fields(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The five fields of the counter's CSV lines; empty ones come from the board."""
        board_id = self._identity_board
        identities = dict(self.config_entry.options.get(CONF_CSV_IDENTITIES, {}))
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                identity = csv_identity(
                    {key: user_input.get(key, "") for key in CSV_IDENTITY_KEYS}
                )
            except ProtocolError:
                errors["base"] = "invalid_csv_identity"
            else:
                identities[board_id] = {
                    key: value
                    for key, value in zip(
                        CSV_IDENTITY_KEYS, identity.fields(), strict=True
                    )
                    if value
                }
                return self._save(**{CONF_CSV_IDENTITIES: identities})
        board = self.config_entry.runtime_data.boards[board_id]
        shown = csv_identity_of(board, dict(self.config_entry.options))
        return self.async_show_form(
            step_id="csv_identity_fields",
            data_schema=vol.Schema(
                {
                    vol.Optional(
                        key, description={"suggested_value": value}
                    ): TextSelector()
                    for key, value in zip(
                        CSV_IDENTITY_KEYS, shown.fields(), strict=True
                    )
                }
            ),
            errors=errors,
            description_placeholders={"board": board_id},
        )

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
