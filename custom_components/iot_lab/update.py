"""Update entities of IoT Lab boards: the firmware a board runs beside the one shipped.

The latest version is that of the same board file in the repository's `esphome/` folder,
as `firmware.json` (written by scripts/firmware_manifest.py) ships it with the
integration; the release notes are CHANGELOG.md's. Installing is the user's, with
ESPHome Device Builder: the entity says how, and never pretends to install. Boards of
the older firmware announce a model of their own and get none.
"""

from __future__ import annotations

from dataclasses import dataclass
import json
from pathlib import Path
from typing import Any, Final

from homeassistant.components.update import (
    UpdateDeviceClass,
    UpdateEntity,
    UpdateEntityDescription,
    UpdateEntityFeature,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .board import Board
from .entity import IotLabEntity, IotLabEntityDescription, async_setup_board_entities
from .hub import IotLabConfigEntry, IotLabHub
from .state import Part

PARALLEL_UPDATES = 0
MANIFEST: Final = Path(__file__).with_name("firmware.json")
HOW_TO_INSTALL: Final = (
    "Flash {config} from the IoT Lab repository with ESPHome Device Builder "
    "(esphome/README.md says how); Home Assistant does not install it."
)


@dataclass(frozen=True, slots=True)
class ShippedFirmware:
    """The board files shipped beside the integration: model -> (version, file)."""

    boards: dict[str, dict[str, str]]
    notes: str

    @classmethod
    def load(cls) -> ShippedFirmware:
        """Read firmware.json (blocking)."""
        data: dict[str, Any] = json.loads(MANIFEST.read_text(encoding="utf-8"))
        return cls(boards=data["boards"], notes=data["notes"])

    def of(self, board: Board) -> dict[str, str] | None:
        """The shipped file of the board's model, if any."""
        return self.boards.get(board.info.model) if board.info else None


@dataclass(frozen=True, kw_only=True)
class IotLabUpdateEntityDescription(UpdateEntityDescription, IotLabEntityDescription):
    """The firmware of a board built from a shipped board file."""


async def async_setup_entry(
    hass: HomeAssistant,
    entry: IotLabConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a firmware update entity to every board of a shipped model."""
    shipped = await hass.async_add_executor_job(ShippedFirmware.load)
    description = IotLabUpdateEntityDescription(
        key="firmware",
        translation_key="firmware",
        capability=None,
        device_class=UpdateDeviceClass.FIRMWARE,
        entity_category=EntityCategory.CONFIG,
        parts=(Part.INFO,),
        when=lambda board: shipped.of(board) is not None,
    )

    def create(
        hub: IotLabHub, board: Board, description: IotLabUpdateEntityDescription
    ) -> IotLabFirmwareUpdate:
        return IotLabFirmwareUpdate(hub, board, description, shipped)

    async_setup_board_entities(entry, async_add_entities, (description,), create)


class IotLabFirmwareUpdate(IotLabEntity, UpdateEntity):
    """The version a board announced, and the one its board file has now."""

    entity_description: IotLabUpdateEntityDescription
    _attr_supported_features = UpdateEntityFeature.RELEASE_NOTES

    def __init__(
        self,
        hub: IotLabHub,
        board: Board,
        description: IotLabUpdateEntityDescription,
        shipped: ShippedFirmware,
    ) -> None:
        """Bind the entity to its board and to what is shipped."""
        super().__init__(hub, board, description)
        self._shipped = shipped

    @property
    def installed_version(self) -> str | None:
        """What the board announced."""
        return self.board.info.firmware if self.board.info else None

    @property
    def latest_version(self) -> str | None:
        """The shipped board file's version."""
        file = self._shipped.of(self.board)
        return file["version"] if file else None

    @property
    def release_summary(self) -> str | None:
        """How to install: with ESPHome Device Builder."""
        file = self._shipped.of(self.board)
        return HOW_TO_INSTALL.format(config=file["config"]) if file else None

    async def async_release_notes(self) -> str | None:
        """CHANGELOG.md's firmware notes, and how to install."""
        return f"{self.release_summary}\n\n{self._shipped.notes}"
