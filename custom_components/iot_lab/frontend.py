"""Serves IoT Lab's dashboard strategy and loads it in every frontend.

The module is js/iot-lab-strategy.js with what it knows of the entities and its texts
put before it (`dashboard.module_source`), built once at set-up and served from memory.
It is added as an extra module of the frontend; its URL carries a hash of the content,
so browsers keep it cached until it changes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Final

from aiohttp import web
from homeassistant.components.frontend import add_extra_js_url
from homeassistant.core import HomeAssistant
from homeassistant.helpers.http import HomeAssistantView

from .const import DOMAIN, LOGGER
from .dashboard import module_source

STRATEGY_FILE: Final = Path(__file__).parent / "js" / "iot-lab-strategy.js"
STRATEGY_URL: Final = f"/{DOMAIN}/iot-lab-strategy.js"
CACHE_CONTROL: Final = "public, max-age=31536000, immutable"
"""The URL changes with the content: a browser never needs to ask again."""


class StrategyView(HomeAssistantView):
    """The module, without authentication: the frontend loads it as a script."""

    url = STRATEGY_URL
    name = f"{DOMAIN}:strategy"
    requires_auth = False

    def __init__(self, source: str) -> None:
        """Serve `source` (the module as built at set-up)."""
        self._body = source.encode("utf-8")

    async def get(self, request: web.Request) -> web.Response:
        """The module, cached for good (its URL names its version)."""
        return web.Response(
            body=self._body,
            content_type="text/javascript",
            charset="utf-8",
            headers={"Cache-Control": CACHE_CONTROL},
        )


def build_module() -> str:
    """The served module (blocking: reads the script and the translations)."""
    return module_source(STRATEGY_FILE.read_text(encoding="utf-8"))


async def async_register_strategy(hass: HomeAssistant) -> None:
    """Serve the strategy module and add it to the frontend (once, at set-up)."""
    if "frontend" not in hass.config.components or hass.http is None:
        LOGGER.debug("No frontend: the IoT Lab dashboard strategy is not served")
        return
    source = await hass.async_add_executor_job(build_module)
    version = hashlib.sha256(source.encode("utf-8")).hexdigest()[:12]
    hass.http.register_view(StrategyView(source))
    add_extra_js_url(hass, f"{STRATEGY_URL}?v={version}")
