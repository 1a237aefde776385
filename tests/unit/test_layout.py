"""The code's layout stays readable: short modules, short functions, one wire contract.

Issue 27's limits, held on every change: no module over 300 lines and no function over
40 in the integration, the simulator, the benchmarks and the scripts (bash functions
included), and the wire contract imported from its package, never from its modules.
"""

from __future__ import annotations

import ast
from pathlib import Path
import re
import subprocess
import sys

import pytest

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("custom_components", "iot_lab_sim", "benchmarks", "scripts")
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 40
WIRE = ROOT / "custom_components" / "iot_lab" / "iot_lab_wire"


def _python_files() -> list[Path]:
    return sorted(
        path
        for folder in FOLDERS
        for path in (ROOT / folder).rglob("*.py")
        if "__pycache__" not in path.parts
    )


def _bash_scripts() -> list[Path]:
    return sorted(
        path
        for path in (ROOT / "scripts").iterdir()
        if path.is_file()
        and path.read_text(errors="replace").startswith("#!/usr/bin/env bash")
    )


def test_no_module_over_300_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for path in _python_files()
        if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_no_python_function_over_40_lines() -> None:
    long = {}
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long[f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"] = lines
    assert long == {}


def test_no_bash_function_over_40_lines() -> None:
    long = {}
    for path in _bash_scripts():
        start: tuple[str, int] | None = None
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if match := re.match(r"^([A-Za-z_][\w-]*)\(\) \{", line):
                start = (match.group(1), number)
            elif line == "}" and start is not None:
                if number - start[1] + 1 > MAX_FUNCTION_LINES:
                    long[f"{path.name} {start[0]}"] = number - start[1] + 1
                start = None
    assert _bash_scripts()
    assert long == {}


@pytest.mark.parametrize(
    "pattern",
    [
        r"from \.iot_lab_wire\.",
        r"from custom_components\.iot_lab\.iot_lab_wire\.",
        r"from iot_lab_wire\.",
        r"from custom_components\.iot_lab\.(payload|parsers|protocol|messages|csvline|legacy)\b",
    ],
)
def test_the_wire_contract_is_imported_from_its_package(pattern: str) -> None:
    """Its modules are its own business: everyone else imports its public surface."""
    found = [
        str(path.relative_to(ROOT))
        for folder in (*FOLDERS, "tests")
        for path in (ROOT / folder).rglob("*.py")
        if not path.is_relative_to(WIRE) and re.search(pattern, path.read_text())
    ]
    assert found == []


def test_the_wire_contract_imports_no_home_assistant() -> None:
    """What the simulator and the firmware tests load runs without Home Assistant."""
    code = (
        "import sys, iot_lab_wire; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'homeassistant', "
        "'custom_components'}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
