"""The path of one message through the integration, measured on the running code.

A newcomer follows a light reading or a passage from the MQTT callback to the state
write: these tests record every call of IoT Lab's code on that way and hold it to what
docs/development.md promises (few modules, each entered once).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
import sys
from types import FrameType
from typing import Any

from homeassistant.core import HomeAssistant
import pytest

from .conftest import LIGHT_ID, Fire, load_fixture

PACKAGE = Path(__file__).resolve().parents[2] / "custom_components" / "iot_lab"
COUNTER_ID = "door-1"


@dataclass
class Path_:
    """IoT Lab's calls from the message's arrival to the first state write."""

    calls: list[str] = field(default_factory=list)
    """`module:function` of each call, in order."""
    stack: list[str] = field(default_factory=list)
    """IoT Lab's modules on the call stack at the write, outermost first."""

    @property
    def modules(self) -> list[str]:
        """Every module called on the way, in order of first call."""
        return list(dict.fromkeys(call.partition(":")[0] for call in self.calls))


def _module(frame: FrameType) -> str | None:
    path = Path(frame.f_code.co_filename)
    return (
        path.relative_to(PACKAGE).as_posix() if path.is_relative_to(PACKAGE) else None
    )


async def trace(send: Callable[[], Awaitable[None]]) -> Path_:
    """Run `send` with a profiler that stops at Home Assistant's first state write."""
    path = Path_()
    writing = False

    def profile(frame: FrameType, event: str, _arg: Any) -> None:
        nonlocal writing
        if event != "call" or writing:
            return
        if frame.f_code.co_qualname == "Entity.async_write_ha_state":
            writing = True
            caller: FrameType | None = frame
            while caller is not None:
                if (module := _module(caller)) is not None:
                    path.stack.insert(0, module)
                caller = caller.f_back
            return
        if (module := _module(frame)) is not None:
            path.calls.append(f"{module}:{frame.f_code.co_qualname}")

    sys.setprofile(profile)
    try:
        await send()
    finally:
        sys.setprofile(None)
    assert writing, "no state was written"
    return path


def _entered_once(stack: list[str]) -> bool:
    """True when no module comes back on the stack after another one was entered."""
    collapsed = [m for i, m in enumerate(stack) if i == 0 or stack[i - 1] != m]
    return len(collapsed) == len(set(collapsed))


async def test_light_reading_path(light_board: str, fire: Fire) -> None:
    """A light reading: at most 6 modules, each entered once on the way to the write."""
    path = await trace(lambda: fire(LIGHT_ID, "light", "2048"))

    assert len(path.modules) <= 6, path.calls
    assert _entered_once(path.stack), path.stack
    assert path.modules[0] == "hub.py"
    assert path.stack[-1] == "entity.py"


@pytest.fixture
async def counter_board(setup_integration: Any, fire: Fire) -> str:
    """A door counter that has announced itself and is online."""
    await fire(COUNTER_ID, "info", load_fixture("info_counter.json"), retain=True)
    await fire(COUNTER_ID, "status", "online", retain=True)
    return COUNTER_ID


async def test_passage_path(
    hass: HomeAssistant, counter_board: str, fire: Fire
) -> None:
    """A passage: at most 6 modules, each entered once, and the event entity writes."""
    path = await trace(lambda: fire(COUNTER_ID, "passage", "in"))

    assert len(path.modules) <= 6, path.calls
    assert _entered_once(path.stack), path.stack
    assert path.stack[-1] == "event.py"
