"""The firmware's door rule and the host tests' people model, built with g++ once."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.esphome.host import COMPONENTS, build

DOOR_TEST = Path(__file__).resolve().parents[1] / "esphome" / "door_direction_test.cpp"


@pytest.fixture(scope="session")
def door_program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/esphome/door_direction_test.cpp, built as the host tests build it.

    Its `--edges` mode runs door_direction.h on edges from stdin; `--world` prints the
    edges door_world.h's people make for a seed.
    """
    binary = tmp_path_factory.mktemp("door") / "door_direction_test"
    return build(DOOR_TEST, COMPONENTS / "iot_lab_door", binary)
