"""The demo's dashboard: `demo/dashboard.yaml`, filled in with the boards' entities."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

import yaml  # type: ignore[import-untyped]  # PyYAML (from Home Assistant) has no stubs

from .hass_api import Board, HomeAssistant, boards
from .processes import ROOT

DASHBOARD_FILE: Final = ROOT / "demo" / "dashboard.yaml"
DASHBOARD_PATH: Final = "iot-lab"
_MISSING: Final = object()
"""What a reference to an entity the board lacks renders to."""


def dashboard_config(board_list: Sequence[Board]) -> dict[str, Any]:
    """A Lovelace dashboard for the boards: their cards kind by kind, then the footer."""
    layout = yaml.safe_load(DASHBOARD_FILE.read_text())
    sections: list[dict[str, Any]] = layout["boards"]

    def kind(board: Board) -> int:
        """Boards are shown by the first section whose first entity they have."""
        firsts = [section["needs"][0] for section in sections]
        return next((i for i, key in enumerate(firsts) if board.has(key)), len(firsts))

    ordered = sorted(board_list, key=lambda board: (kind(board), board.name))
    cards = [
        _render(section["card"], {"name": board.name, **board.entities})
        for board in ordered
        for section in sections
        if board.has(*section["needs"])
    ]
    totals = {
        "alerts": [
            entity_id
            for board in ordered
            for key, entity_id in sorted(board.entities.items())
            if key.endswith("_alert")
        ],
        "connectivity": [
            board.entities["connectivity"]
            for board in ordered
            if board.has("connectivity")
        ],
    }
    cards += [_render(card, totals) for card in layout["footer"]]
    view = {**layout["view"], "cards": [c for c in cards if c is not _MISSING]}
    return {"title": layout["title"], "views": [view]}


def _render(value: Any, names: Mapping[str, Any]) -> Any:
    """Fill in `$name` and `$<key>`; leave out what refers to a missing entity."""
    if isinstance(value, str):
        if value.startswith("$") and " " not in value:
            found = names.get(value[1:], _MISSING)
            return _MISSING if found == [] else found
        return value.replace("$name", str(names.get("name", "")))
    if isinstance(value, list):
        items = [_render(item, names) for item in value]
        kept = [item for item in items if item is not _MISSING]
        return kept if kept or not items else _MISSING
    if isinstance(value, dict):
        rendered = {key: _render(item, names) for key, item in value.items()}
        missing = any(item is _MISSING for item in rendered.values())
        return _MISSING if missing else rendered
    return value


def save_dashboard(
    api: HomeAssistant, board_list: Sequence[Board] | None = None
) -> str:
    """Create (or update) the IoT Lab dashboard; return its path."""
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
        config=dashboard_config(boards(api) if board_list is None else board_list),
    )
    return f"/{DASHBOARD_PATH}/lab"
