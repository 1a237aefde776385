"""Serves IoT Lab's dashboard strategy and loads it in every frontend.

The module (js/iot-lab-strategy.js) is served from the integration itself and added
as an extra module of the frontend; its URL carries a hash of the file, so browsers keep
it cached until it changes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from homeassistant.components.frontend import add_extra_js_url
from homeassistant.components.http.server import StaticPathConfig
from homeassistant.core import HomeAssistant

from .const import DOMAIN, LOGGER

STRATEGY_FILE = Path(__file__).parent / "js" / "iot-lab-strategy.js"
STRATEGY_URL = f"/{DOMAIN}/iot-lab-strategy.js"


async def async_register_strategy(hass: HomeAssistant) -> None:
    """Serve the strategy module and add it to the frontend (once, at set-up)."""
    if "frontend" not in hass.config.components or hass.http is None:
        LOGGER.debug("No frontend: the IoT Lab dashboard strategy is not served")
        return
    content = await hass.async_add_executor_job(STRATEGY_FILE.read_bytes)
    version = hashlib.sha256(content).hexdigest()[:12]
    await hass.http.async_register_static_paths(
        [StaticPathConfig(STRATEGY_URL, str(STRATEGY_FILE), cache_headers=True)]
    )
    add_extra_js_url(hass, f"{STRATEGY_URL}?v={version}")
