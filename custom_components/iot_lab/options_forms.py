"""The forms of the options flow: their schemas and the checks that need no server."""

from __future__ import annotations

from typing import Any

from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
    TimeSelector,
)
import probatio as vol

from .const import (
    CONF_AUTO_EXPORT,
    CONF_BRIDGE_BOARDS,
    CONF_BRIDGE_TOPICS,
    CONF_CA_CERTIFICATE,
    CONF_CLOSING,
    CONF_LEGACY,
    CONF_OFFLINE_GRACE,
    CONF_OPENING,
    CONF_PRIVATE_KEY,
    CONF_PROTOCOL,
    CONF_REMOTE_DIR,
    CONF_SILENCE,
    CONF_WEBHOOK_LOCAL_ONLY,
    DEFAULT_CLOSING,
    DEFAULT_OFFLINE_GRACE,
    DEFAULT_OPENING,
)
from .export import auto_export_on
from .iot_lab_wire import (
    DEFAULT_SILENCE,
    ProtocolError,
    Silent,
    validate_bridge_topic,
    validate_topic,
)
from .upload import UploadProtocol


def _minutes(low: int = 1) -> NumberSelector:
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


def silence_schema(options: dict[str, Any]) -> vol.Schema:
    """Minutes each kind of board with no status topic may stay silent."""
    saved = {**DEFAULT_SILENCE, **options.get(CONF_SILENCE, {})}
    return vol.Schema(
        {vol.Required(kind.value, default=saved[kind]): _minutes() for kind in Silent}
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
                CONF_AUTO_EXPORT, default=auto_export_on(options)
            ): BooleanSelector(),
            vol.Required(
                CONF_WEBHOOK_LOCAL_ONLY,
                default=options.get(CONF_WEBHOOK_LOCAL_ONLY, True),
            ): BooleanSelector(),
            vol.Required(
                CONF_OFFLINE_GRACE,
                default=options.get(CONF_OFFLINE_GRACE, DEFAULT_OFFLINE_GRACE),
            ): _minutes(),
        }
    )


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


def upload_schema(current: dict[str, Any]) -> vol.Schema:
    """The server, its credentials (never shown again), folder and trust settings."""
    return vol.Schema(
        {
            vol.Required(
                CONF_PROTOCOL, default=current.get(CONF_PROTOCOL, UploadProtocol.SFTP)
            ): SelectSelector(
                SelectSelectorConfig(
                    options=list(UploadProtocol), translation_key=CONF_PROTOCOL
                )
            ),
            vol.Optional(
                CONF_HOST, description={"suggested_value": current.get(CONF_HOST)}
            ): TextSelector(),
            vol.Optional(
                CONF_PORT, description={"suggested_value": current.get(CONF_PORT)}
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
            vol.Optional(
                CONF_CA_CERTIFICATE,
                description={"suggested_value": current.get(CONF_CA_CERTIFICATE)},
            ): TextSelector(TextSelectorConfig(multiline=True)),
        }
    )
