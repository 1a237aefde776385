"""Options: the topics of older boards built differently from their documentation."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.config_entries import ConfigFlowResult
from homeassistant.helpers.selector import TextSelector
import probatio as vol

from ..const import CONF_LEGACY_TOPICS
from ..iot_lab_wire import LegacyTopics, ProtocolError, validate_topic
from .base import OptionsSteps


class LegacyTopicSteps(OptionsSteps):
    """One form: each older format's topic, the documented one by default."""

    async def async_step_legacy_topics(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Topics of older boards built differently from their documentation."""
        errors: dict[str, str] = {}
        if user_input is not None:
            topics = {key: str(value).strip() for key, value in user_input.items()}
            if not (errors := legacy_topic_errors(topics)):
                return self.save(**{CONF_LEGACY_TOPICS: topics})
        saved = self.options.get(CONF_LEGACY_TOPICS, {})
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


def legacy_topic_errors(topics: dict[str, str]) -> dict[str, str]:
    """A field's error when its topic is not one or is given twice."""
    errors: dict[str, str] = {}
    seen: set[str] = set()
    for key, topic in topics.items():
        try:
            validate_topic(topic)
        except ProtocolError:
            errors[key] = "invalid_topic"
            continue
        if topic in seen:
            errors[key] = "duplicate_topic"
        seen.add(topic)
    return errors
