"""Options: the server that receives the CSV exports (SFTP or FTPS), tried before saved."""

from __future__ import annotations

import ssl
from typing import Any

import asyncssh
from homeassistant.config_entries import ConfigFlowResult
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import probatio as vol

from ..const import (
    CONF_CA_CERTIFICATE,
    CONF_HOST_KEY,
    CONF_PRIVATE_KEY,
    CONF_PROTOCOL,
    CONF_REMOTE_DIR,
    CONF_SFTP,
)
from ..upload import UploadProtocol, UploadRefusedError, UploadSettings, async_check
from .base import OptionsSteps


class UploadServerSteps(OptionsSteps):
    """One form: the server, its credentials, its folder and how to trust it."""

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
                return self.save(**{CONF_SFTP: {}})
            if not settings.password and not settings.private_key:
                errors["base"] = "sftp_credentials"
            else:
                field, error, host_key = await self._try(settings)
                if not error:
                    saved = {**user_input, CONF_HOST_KEY: host_key}
                    return self.save(**{CONF_SFTP: saved})
                errors[field] = error
        current = user_input or self.options.get(CONF_SFTP) or {}
        schema = upload_schema(current)
        return self.async_show_form(step_id="sftp", data_schema=schema, errors=errors)

    async def _try(self, settings: UploadSettings) -> tuple[str, str, str]:
        """Connect once: the field in error and why (empty: none), and the host key."""
        try:
            checked = await async_check(self.hass, settings)
        except asyncssh.KeyImportError:
            return CONF_PRIVATE_KEY, "invalid_private_key", ""
        except ssl.SSLError:
            return CONF_CA_CERTIFICATE, "invalid_ca_certificate", ""
        except UploadRefusedError as err:
            return "base", err.reason, ""
        except OSError, asyncssh.Error, TimeoutError:
            return "base", "cannot_connect", ""
        return "", "", checked.host_key or ""


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
