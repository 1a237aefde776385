"""The wire contract's board: announce, birth and last will, readings, commands.

Every board kind builds on it. Pure Python and deterministic for a seed: the runner asks
each board for its messages at a given simulated time and hands it the commands received.
Topics and payloads come from the integration's own protocol module, so the simulator
speaks exactly the wire contract the ESPHome firmware speaks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
import random

from iot_lab_wire import (
    PAYLOAD_OFFLINE,
    PAYLOAD_ONLINE,
    BoardInfo,
    Channel,
    Command,
    channel_topic,
    info_payload,
)

FIRMWARE = "sim-1.0.0"


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

    def topic(self, channel: Channel | Command) -> str:
        """`<base>/<id>/<channel>`, built by the protocol module."""
        return channel_topic(self.base_topic, self.info.board_id, channel)

    def will(self) -> Publication | None:
        """The last will the broker publishes when the board vanishes."""
        return Publication(self.topic(Channel.STATUS), PAYLOAD_OFFLINE, True)

    @property
    def command_topics(self) -> list[str]:
        """Topics this board subscribes to."""
        return []

    def announce(self) -> list[Publication]:
        """Retained announce and birth, as the firmware sends them on connect."""
        return [
            Publication(self.topic(Channel.INFO), info_payload(self.info), True),
            Publication(self.topic(Channel.STATUS), PAYLOAD_ONLINE, True),
        ]

    def state(self) -> list[Publication]:
        """Retained state to publish on connect (LED, OLED, counter totals)."""
        return []

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
        """Obey a command; return the echoes to publish."""
        return []

    def settle(self) -> list[Publication]:
        """What to publish once the first seconds after connecting have passed."""
        return []
