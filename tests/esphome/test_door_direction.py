"""The door counter's direction logic, compiled with the machine's g++ and run here.

The program checks the rule on hand-written pulses, then on families of modelled people
and on library days, side by side with the library's old loop, and fails when a family or
the days miss their thresholds (door_direction_test.cpp).
"""

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
    assert scenarios >= 25, summary
    assert "13 families and 100 library days" in summary
    assert summary.endswith(" 0 failed")
    assert result.stdout.count("% wrong, the library loop") == 13, result.stdout
