"""The firmware's door rule and the host tests' people model, built with g++ once."""

from __future__ import annotations

from pathlib import Path
import shutil
import subprocess

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOOR_TEST = ROOT / "tests" / "esphome" / "door_direction_test.cpp"
DOOR_HEADER_DIR = ROOT / "esphome" / "components" / "iot_lab_door"


@pytest.fixture(scope="session")
def door_program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/esphome/door_direction_test.cpp, built as tests/esphome/host.py builds it.

    Its `--edges` mode runs door_direction.h on edges from stdin; `--world` prints the
    edges door_world.h's people make for a seed.
    """
    compiler = shutil.which("g++")
    if compiler is None:
        pytest.skip("no g++ on this machine")
    binary = tmp_path_factory.mktemp("door") / "door_direction_test"
    subprocess.run(
        [
            *(compiler, "-std=c++17", "-Wall", "-Wextra", "-Werror"),
            *("-I", str(DOOR_HEADER_DIR), str(DOOR_TEST), "-o", str(binary)),
        ],
        check=True,
        timeout=300,
    )
    return binary
