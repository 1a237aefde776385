"""The door counter board: visitors through two beams, counted by the firmware's rule."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
import json
import math
import secrets

from iot_lab_wire import (
    Channel,
    Passage,
    ProtocolError,
    Settings,
    parse_counter,
)

from .day_curves import arrivals_per_minute
from .door_flow import DoorFlow
from .door_rule import DetectedPassage, Mounting
from .people import Rng
from .simulated_board import Publication, SimulatedBoard

MILLISECOND = timedelta(milliseconds=1)


@dataclass
class DoorBoard(SimulatedBoard):
    """Two infrared beams at the door: passages and cumulative totals.

    Visitors arrive, stay and leave (the truth: `came_in`, `went_out`, `inside`); they
    walk through the beams as the host tests' people do, and the board counts them with
    the firmware's own rule (door_flow.py): `entries` and `exits` are what the rule
    counted, a little off the truth where two beams cannot tell, as a real board's are.

    Like the firmware, a board that boots reads back its own retained totals before it
    publishes any: it continues their run (same `boot` id) and adds what it counted since
    it booted, so a reboot while nobody listens loses nothing. With no retained totals
    within a few seconds of connecting (`settle`), it starts a run of its own from zero.

    Its settings: `swap` turns every passage it counts the other way (its totals
    follow), `gap_ms` and `mounting` go to its rule (the simulated beams stay at torso
    height whatever `mounting` says, as a board set up wrong would see them).
    """

    entries: int = 0
    exits: int = 0
    inside: int = 0
    came_in: int = 0
    went_out: int = 0
    boot: str = field(default_factory=lambda: secrets.token_hex(4))
    last_tick: datetime | None = None
    restored: bool = False
    base_entries: int = 0
    base_exits: int = 0
    _flow: DoorFlow | None = field(default=None, init=False, repr=False)
    _origin: datetime = field(default=datetime.min, init=False, repr=False)

    def default_settings(self) -> Settings:
        """esphome/door-counter.yaml's: the rule's gap and mounting, not swapped."""
        return {"swap": False, "gap_ms": 500, "mounting": Mounting.TORSO.name.lower()}

    def configure(self, settings: Settings) -> None:
        """The rule's gap and mounting from now on (`swap` is read as it counts)."""
        if self._flow is not None:
            mounting = Mounting[str(settings["mounting"]).upper()]
            self._flow.configure(int(settings["gap_ms"]), mounting)

    @property
    def command_topics(self) -> list[str]:
        """Its own retained totals, read back once after booting; its settings."""
        return [self.topic(Channel.COUNTER), *super().command_topics]

    def state(self) -> list[Publication]:
        """Its settings; retained totals, once it knows which run it continues."""
        return [*super().state(), *([self._totals()] if self.restored else [])]

    def command(self, topic: str, payload: str) -> list[Publication]:
        """Continue the run of the retained totals (the first ones only); settings."""
        if topic != self.topic(Channel.COUNTER):
            return super().command(topic, payload)
        if self.restored:
            return []
        try:
            totals = parse_counter(payload)
        except ProtocolError:
            return []  # Not ours to trust: `settle` starts a run from zero.
        self.base_entries, self.base_exits = totals.entries, totals.exits
        self.boot = totals.boot
        self.restored = True
        return [self._totals()]

    def settle(self) -> list[Publication]:
        """No retained totals came: count from zero in a run of its own."""
        if self.restored:
            return []
        self.restored = True
        return [self._totals()]

    def _totals(self) -> Publication:
        payload = json.dumps(
            {
                "entries": self.base_entries + self.entries,
                "exits": self.base_exits + self.exits,
                "boot": self.boot,
            }
        )
        return Publication(self.topic(Channel.COUNTER), payload, True)

    def due(self, now: datetime) -> list[Publication]:
        """Passages the rule counted since the last tick, each followed by the totals."""
        last, self.last_tick = self.last_tick, now
        if last is None or self.paused:
            return []
        if self._flow is None:
            self._flow, self._origin = DoorFlow(Rng(self.rng.getrandbits(64))), last
            self.configure(self.settings)
        minutes = (now - last).total_seconds() / 60
        arrivals = self._poisson(arrivals_per_minute(now) * minutes)
        # Everybody leaves by closing time; otherwise about as many leave as arrive.
        leaving_rate = 0.15 if arrivals_per_minute(now) else 1.0
        departures = min(
            self.inside, self._poisson(self.inside * leaving_rate * minutes)
        )
        start, end = ((t - self._origin) // MILLISECOND for t in (last, now))
        came_in = self._flow.arrive(arrivals, departures, start, end)
        self.came_in, self.went_out = self.came_in + came_in, self.went_out + departures
        self.inside += came_in - departures
        messages: list[Publication] = []
        for passage in self._flow.run_until(end):
            # Beams mounted the other way round, told by `swap`: turned back here.
            entry = (passage is DetectedPassage.ENTRY) != bool(
                self.settings.get("swap")
            )
            if entry:
                self.entries += 1
            else:
                self.exits += 1
            sent = Passage.IN if entry else Passage.OUT
            messages.append(Publication(self.topic(Channel.PASSAGE), sent))
            if self.restored:
                messages.append(self._totals())
        return messages

    def _poisson(self, mean: float) -> int:
        count, threshold, product = 0, math.exp(-min(mean, 50)), self.rng.random()
        while product > threshold:
            count += 1
            product *= self.rng.random()
        return count
