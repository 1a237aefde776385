"""Fixtures of the firmware tests that run ESPHome (tests/esphome/firmware.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .firmware import BOARDS, ESPHOME, NOT_INSTALLED, resolve, user_copy


@pytest.fixture(scope="session")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of esphome/ with secrets from the example, as a user would set it up."""
    return user_copy(tmp_path_factory.mktemp("firmware") / "esphome")


@pytest.fixture(scope="session")
def resolved(workdir: Path) -> dict[str, dict[str, Any]]:
    """Each board's config as ESPHome resolves it (packages merged, substitutions done)."""
    if not ESPHOME.exists():
        pytest.skip(NOT_INSTALLED)
    return {board: resolve(workdir, board) for board in BOARDS}
