"""The door counter's direction logic, compiled with the machine's g++ and run here."""

from __future__ import annotations

from pathlib import Path
import subprocess

from .host import COMPONENTS, build

TEST_SOURCE = Path(__file__).with_name("door_direction_test.cpp")


def test_direction_scenarios(tmp_path: Path) -> None:
    binary = build(
        TEST_SOURCE, COMPONENTS / "iot_lab_door", tmp_path / "door_direction"
    )
    result = subprocess.run(
        [str(binary)], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout
    summary = result.stdout.strip().splitlines()[-1]
    scenarios = int(summary.split()[0])
    assert scenarios >= 40, summary
    assert "6000 random days" in summary
    assert summary.endswith(" 0 failed")
