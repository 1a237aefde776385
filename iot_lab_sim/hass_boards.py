"""IoT Lab's boards as Home Assistant shows them: devices and entities of the registries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
import time

from .hass_client import HassClient
from .processes import HarnessError


def wait_for_entities(
    api: HassClient, unique_ids: Sequence[str], timeout: float
) -> dict[str, str]:
    """Wait until every unique id has an entity with a state; return their entity ids."""
    deadline = time.monotonic() + timeout
    missing: list[str] = list(unique_ids)
    while time.monotonic() < deadline:
        registry = api.iot_lab_entities()
        found = {
            uid: registry[uid]["entity_id"] for uid in unique_ids if uid in registry
        }
        missing = [uid for uid in unique_ids if uid not in found]
        if not missing:
            states = {s["entity_id"] for s in api.rest("GET", "/api/states")}
            missing = [uid for uid, eid in found.items() if eid not in states]
            if not missing:
                return found
        time.sleep(0.5)
    raise HarnessError(f"entities missing after {timeout:.0f} s: {missing}")


@dataclass(frozen=True, slots=True)
class BoardSeenByHass:
    """A board as Home Assistant shows it: an IoT Lab device, its entities by key.

    Keys are `led`, `temperature`...; the simulator's side is `SimulatedBoard`.
    """

    board_id: str
    name: str
    entities: dict[str, str]

    def has(self, *keys: str) -> bool:
        """Tell whether the board has all these entities."""
        return all(key in self.entities for key in keys)


def boards(api: HassClient) -> list[BoardSeenByHass]:
    """IoT Lab boards and their entities, read from the registries."""
    devices = api.iot_lab_devices()
    by_device: dict[str, dict[str, str]] = {}
    for unique_id, entry in api.iot_lab_entities().items():
        for board_id, device in devices.items():
            prefix = f"{board_id}_"
            if entry.get("device_id") == device["id"] and unique_id.startswith(prefix):
                key = unique_id.removeprefix(prefix)
                by_device.setdefault(board_id, {})[key] = entry["entity_id"]
    return [
        BoardSeenByHass(
            board_id,
            devices[board_id].get("name_by_user") or devices[board_id]["name"],
            entities,
        )
        for board_id, entities in sorted(by_device.items())
    ]
