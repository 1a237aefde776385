"""The door counter's direction logic, compiled with the machine's g++ and run here."""

from __future__ import annotations

from pathlib import Path
import shutil
import subprocess

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEADER_DIR = ROOT / "esphome" / "components" / "iot_lab_door"
TEST_SOURCE = Path(__file__).with_name("door_direction_test.cpp")


def test_direction_scenarios(tmp_path: Path) -> None:
    compiler = shutil.which("g++")
    if compiler is None:
        pytest.skip("no g++ on this machine")
    binary = tmp_path / "door_direction_test"
    subprocess.run(
        [
            compiler,
            "-std=c++17",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-I",
            str(HEADER_DIR),
            str(TEST_SOURCE),
            "-o",
            str(binary),
        ],
        check=True,
        timeout=120,
    )
    result = subprocess.run(
        [str(binary)], capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 0, result.stdout
    summary = result.stdout.strip().splitlines()[-1]
    scenarios = int(summary.split()[0])
    assert scenarios >= 20, summary
    assert summary.endswith("0 failed")
