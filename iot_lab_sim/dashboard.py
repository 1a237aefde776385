"""The demo's dashboard: IoT Lab's own dashboard strategy, added as a user would add it."""

from __future__ import annotations

from typing import Any, Final

from .hass_client import HassClient

DASHBOARD_PATH: Final = "iot-lab"
STRATEGY: Final[dict[str, Any]] = {"type": "custom:iot-lab"}
"""What a user picks as "IoT Lab" in the new-dashboard dialog, or writes in YAML."""


def save_dashboard(api: HassClient) -> str:
    """Create the IoT Lab dashboard on the integration's strategy; return its path.

    The strategy builds the cards from the boards Home Assistant knows each time the
    dashboard is shown: nothing to update when boards come and go.
    """
    existing = {d["url_path"] for d in api.ws("lovelace/dashboards/list")}
    if DASHBOARD_PATH not in existing:
        api.ws(
            "lovelace/dashboards/create",
            url_path=DASHBOARD_PATH,
            title="IoT Lab",
            icon="mdi:flask",
            show_in_sidebar=True,
            require_admin=False,
            mode="storage",
        )
    api.ws(
        "lovelace/config/save",
        url_path=DASHBOARD_PATH,
        config={"strategy": STRATEGY},
    )
    return f"/{DASHBOARD_PATH}/lab"
