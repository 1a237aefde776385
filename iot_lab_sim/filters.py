"""What the boards' firmware sends: its sensor filters, modelled sample by sample.

The ESPHome configs sample fast, smooth the samples with a moving average and publish a
reading when the smoothed value moved by at least `delta` since the last one published,
and at least once per `heartbeat` (ESPHome's sliding_window_moving_average, then
`or: [delta, heartbeat]`). The simulator feeds its readings through the same chain, so
it sends what the firmware sends; the benchmark uses it to count what a board-day costs.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass
class SendOnChange:
    """One sensor's filter chain: moving average, then delta or heartbeat."""

    window: int
    delta: float
    heartbeat: timedelta
    _samples: deque[float] = field(default_factory=deque, init=False)
    _last_sent: float | None = field(default=None, init=False)
    _next_heartbeat: datetime | None = field(default=None, init=False)

    def sample(self, value: float, now: datetime) -> float | None:
        """Take one sample; return the value to publish, if any."""
        self._samples.append(value)
        while len(self._samples) > self.window:
            self._samples.popleft()
        smoothed = sum(self._samples) / len(self._samples)
        if self._next_heartbeat is None:
            self._next_heartbeat = now + self.heartbeat
        beat = now >= self._next_heartbeat
        if beat:
            self._next_heartbeat += self.heartbeat * (
                1 + (now - self._next_heartbeat) // self.heartbeat
            )
        if (
            beat
            or self._last_sent is None
            or abs(smoothed - self._last_sent) >= self.delta
        ):
            self._last_sent = smoothed
            return smoothed
        return None

    def retune(self, delta: float, heartbeat: timedelta) -> None:
        """New settings from the next sample on (a board's `config/set`).

        The average and the last value sent are kept; a new heartbeat period starts
        counting at the next sample.
        """
        self.delta = delta
        if heartbeat != self.heartbeat:
            self.heartbeat, self._next_heartbeat = heartbeat, None


@dataclass(frozen=True, slots=True)
class Settings:
    """A filter chain's settings, as the board's substitutions give them."""

    sample_every: timedelta
    window: int
    delta: float
    heartbeat: timedelta

    def chain(self) -> SendOnChange:
        """A fresh filter chain with these settings."""
        return SendOnChange(self.window, self.delta, self.heartbeat)


# The defaults of esphome/light-oled.yaml and esphome/climate-dht11.yaml (checked by
# tests/esphome/test_esphome.py against the YAML).
LIGHT = Settings(timedelta(milliseconds=200), 5, 80, timedelta(minutes=5))
CLIMATE_TEMPERATURE = Settings(timedelta(seconds=2), 15, 1, timedelta(minutes=5))
CLIMATE_HUMIDITY = Settings(timedelta(seconds=2), 15, 1, timedelta(minutes=5))
ADC_RANGE = 4095
"""The light board's 12-bit reading: its `light_delta` setting is a percentage of it."""


def light_delta_raw(percent: float) -> float:
    """The filter's delta, in ADC steps, of the `light_delta` setting (% of the range)."""
    return round(percent * ADC_RANGE / 100)


def light_delta_percent(raw: float) -> float:
    """The `light_delta` setting of a delta in ADC steps: 80 is 1.95 (%)."""
    return round(raw * 100 / ADC_RANGE, 2)


PREVIOUS_LIGHT_EVERY = timedelta(seconds=2)
"""The previous firmware: a raw reading every 2 s, whatever it said."""
PREVIOUS_CLIMATE_EVERY = timedelta(seconds=30)
