"""The wire contract's board: announce, birth and last will, readings, commands.

Every board kind builds on it. Pure Python and deterministic for a seed: the runner asks
each board for its messages at a given simulated time and hands it the commands received.
Topics and payloads come from the integration's own protocol module, so the simulator
speaks exactly the wire contract the ESPHome firmware speaks.

A board that announces the `settings` capability (firmware 1.1.0) keeps settings like
the firmware (board_settings.py): it takes `config/set`, applies what it accepts at once
(each kind in `configure`), keeps it in its flash across reboots and echoes all its
settings, retained, on `config`, after each change and on every connect.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
import random
from typing import Any

from iot_lab_wire import (
    PAYLOAD_OFFLINE,
    PAYLOAD_ONLINE,
    BoardInfo,
    Capability,
    Channel,
    Command,
    Settings,
    channel_topic,
    info_payload,
    settings_payload,
)

from . import board_settings

FIRMWARE = "1.1.0"
"""The firmware the simulated boards run: the one with the settings channel."""


@dataclass(frozen=True, slots=True)
class Publication:
    """One MQTT publish of a simulated board: what the runner sends for it."""

    topic: str
    payload: str
    retain: bool = False


@dataclass
class SimulatedBoard:
    """A simulated board of the wire contract: announce, birth / last will, readings.

    A board as the broker sees it; `hass_boards.BoardSeenByHass` is one as Home
    Assistant shows it.
    """

    base_topic: str
    info: BoardInfo
    rng: random.Random
    interval: timedelta = timedelta(seconds=30)
    next_reading: datetime | None = None
    paused: bool = False
    flash: Path | None = None
    settings: Settings = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Start with the kind's default settings, if its firmware keeps any."""
        if self.keeps_settings:
            self.settings = self.default_settings()
            self.configure(self.settings)

    @property
    def keeps_settings(self) -> bool:
        """Its firmware has the settings channel (`config`, `config/set`)."""
        return Capability.SETTINGS in self.info.capabilities

    def topic(self, channel: Channel | Command) -> str:
        """`<base>/<id>/<channel>`, built by the protocol module."""
        return channel_topic(self.base_topic, self.info.board_id, channel)

    def will(self) -> Publication | None:
        """The last will the broker publishes when the board vanishes."""
        return Publication(self.topic(Channel.STATUS), PAYLOAD_OFFLINE, True)

    @property
    def command_topics(self) -> list[str]:
        """Topics this board subscribes to: `config/set` if it keeps settings."""
        return [self.topic(Command.CONFIG)] if self.keeps_settings else []

    def announce(self) -> list[Publication]:
        """Retained announce and birth, as the firmware sends them on connect."""
        return [
            Publication(self.topic(Channel.INFO), info_payload(self.info), True),
            Publication(self.topic(Channel.STATUS), PAYLOAD_ONLINE, True),
        ]

    def state(self) -> list[Publication]:
        """Retained state to publish on connect (settings; LED, OLED, counter totals)."""
        return [self.settings_echo()] if self.keeps_settings else []

    def settings_echo(self) -> Publication:
        """Every setting the board keeps, retained on `config`."""
        return Publication(
            self.topic(Channel.CONFIG), settings_payload(self.settings), True
        )

    def due(self, now: datetime) -> list[Publication]:
        """Readings due at `now` (simulated time)."""
        if self.next_reading is None or now >= self.next_reading:
            self.next_reading = now + self.interval
            return [] if self.paused else self.readings(now)
        return []

    def readings(self, now: datetime) -> list[Publication]:
        """One round of readings."""
        return []

    def command(self, topic: str, payload: str) -> list[Publication]:
        """Obey a command (here `config/set`); return the echoes to publish.

        Settings are taken whole or not at all: applied at once, kept in flash, echoed.
        """
        if not self.keeps_settings or topic != self.topic(Command.CONFIG):
            return []
        keys = board_settings.keys_of(self.info.capabilities)
        changes = board_settings.take(self.info.board_id, keys, payload)
        if changes is None:
            return []
        self.settings.update(changes)
        self.configure(self.settings)
        self.save()
        return [self.settings_echo()]

    def default_settings(self) -> Settings:
        """The settings of a board never set up (the firmware's defaults)."""
        return {}

    def configure(self, settings: Settings) -> None:
        """Do what `settings` say from now on (each kind its own)."""

    def boot_from(self, flash: Path) -> None:
        """Take back what the board kept in `flash`; keep it there from now on."""
        self.flash = flash
        self.restore(board_settings.read_flash(self.info.board_id, flash))

    def restore(self, kept: dict[str, Any]) -> None:
        """Boot with the settings kept in flash (defaults for those it has not)."""
        if not self.keeps_settings:
            return
        keys = board_settings.keys_of(self.info.capabilities)
        saved = board_settings.restored(self.info.board_id, keys, kept.get("settings"))
        self.settings = self.default_settings() | saved
        self.configure(self.settings)

    def kept(self) -> dict[str, Any]:
        """What the board keeps in flash."""
        return {"settings": self.settings} if self.keeps_settings else {}

    def save(self) -> None:
        """Write what it keeps to its flash, if it has one."""
        if self.flash is not None:
            board_settings.write_flash(self.flash, self.kept())

    def settle(self) -> list[Publication]:
        """What to publish once the first seconds after connecting have passed."""
        return []
