"""What the boards sense over a simulated day: sunlight, and visits to the library.

Shared by several board kinds (light, climate, door, the older formats).
"""

from __future__ import annotations

from datetime import datetime, time
import math

OPENING = time(8, 0)
CLOSING = time(19, 0)


def daylight(now: datetime) -> float:
    """Sunlight from 0 to 1: a sine between 07:00 and 19:00."""
    hours = now.hour + now.minute / 60 + now.second / 3600
    if not 7 <= hours <= 19:
        return 0.0
    return math.sin(math.pi * (hours - 7) / 12)


def arrivals_per_minute(now: datetime) -> float:
    """Library visits: a morning rush, a lunch dip, an afternoon peak; none at night."""
    hours = now.hour + now.minute / 60
    if not OPENING.hour <= hours < CLOSING.hour:
        return 0.0
    morning = math.exp(-((hours - 9.5) ** 2) / 1.5)
    afternoon = math.exp(-((hours - 15.0) ** 2) / 3.0)
    return 0.3 + 1.5 * morning + 2.0 * afternoon
