"""Options: the site brokers' bridges, and the boards behind each."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigFlowResult
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    TextSelector,
    TextSelectorConfig,
)
import probatio as vol

from ..const import (
    CONF_BASE_TOPIC,
    CONF_BRIDGE_BOARDS,
    CONF_BRIDGE_TOPICS,
    CONF_BRIDGES,
)
from ..iot_lab_wire import ProtocolError, validate_bridge_topic
from .base import OptionsSteps


class BridgeSteps(OptionsSteps):
    """First the bridges' notification topics, then the boards behind each in turn."""

    _bridge_topics: list[str]
    _bridges: dict[str, list[str]]

    async def async_step_bridge(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The notification topics of the bridges the boards are behind, if any.

        None: the boards publish to Home Assistant's own broker.
        """
        errors: dict[str, str] = {}
        base_topic = self.config_entry.data[CONF_BASE_TOPIC]
        topics = list(self._saved_bridges)
        if user_input is not None:
            topics = [
                str(topic).strip()
                for topic in user_input.get(CONF_BRIDGE_TOPICS, [])
                if str(topic).strip()
            ]
            if not (errors := bridge_topic_errors(topics, base_topic)):
                if not topics:
                    return self.save(**{CONF_BRIDGES: {}})
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
            if not (errors := self._behind_errors(behind)):
                self._bridges[topic] = behind
                if len(self._bridges) == len(self._bridge_topics):
                    return self.save(**{CONF_BRIDGES: self._bridges})
                topic = self._bridge_topics[len(self._bridges)]
        saved = self._saved_bridges.get(topic, [])
        return self.async_show_form(
            step_id="bridge_boards",
            data_schema=bridge_boards_schema(self._board_labels(saved), saved),
            errors=errors,
            description_placeholders={
                "topic": topic,
                "base_topic": self.config_entry.data[CONF_BASE_TOPIC],
            },
        )

    @property
    def _saved_bridges(self) -> dict[str, list[str]]:
        saved: dict[str, list[str]] = self.options.get(CONF_BRIDGES, {})
        return saved

    def _behind_errors(self, behind: list[str]) -> dict[str, str]:
        """A board behind two bridges, or two bridges for every other board."""
        if set(behind) & {b for ids in self._bridges.values() for b in ids}:
            return {CONF_BRIDGE_BOARDS: "board_behind_two_bridges"}
        if not behind and any(not ids for ids in self._bridges.values()):
            return {CONF_BRIDGE_BOARDS: "two_bridges_for_the_rest"}
        return {}

    def _board_labels(self, saved: list[str]) -> dict[str, str]:
        """Announced boards by id, and the saved ones not heard since."""
        boards = {
            board.board_id: f"{board.info.name} ({board.board_id})"
            for board in self.announced_boards()
            if board.info
        }
        for board_id in saved:
            boards.setdefault(board_id, board_id)
        return boards


def bridge_topics_schema(topics: list[str]) -> vol.Schema:
    """The bridges' notification topics, one per site broker."""
    return vol.Schema(
        {
            vol.Optional(
                CONF_BRIDGE_TOPICS, description={"suggested_value": topics}
            ): TextSelector(TextSelectorConfig(multiple=True))
        }
    )


def bridge_boards_schema(boards: dict[str, str], behind: list[str]) -> vol.Schema:
    """The boards behind one bridge, picked among `boards` (id: label)."""
    return vol.Schema(
        {
            vol.Optional(
                CONF_BRIDGE_BOARDS, description={"suggested_value": behind}
            ): SelectSelector(
                SelectSelectorConfig(
                    options=[
                        SelectOptionDict(value=board_id, label=label)
                        for board_id, label in boards.items()
                    ],
                    multiple=True,
                )
            )
        }
    )


def bridge_topic_errors(topics: list[str], base_topic: str) -> dict[str, str]:
    """The topics field's error: a topic that is not one, inside the base, or twice."""
    try:
        for topic in topics:
            validate_bridge_topic(topic, base_topic)
    except ProtocolError:
        return {CONF_BRIDGE_TOPICS: "invalid_bridge_topic"}
    if len(set(topics)) != len(topics):
        return {CONF_BRIDGE_TOPICS: "bridge_topic_twice"}
    return {}
