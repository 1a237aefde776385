"""Shared by the firmware tests: the wire contract without Home Assistant, and g++ builds."""

from __future__ import annotations

import importlib
from pathlib import Path
import shutil
import subprocess
import sys
import types
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMPONENTS = ROOT / "esphome" / "components"


def load_protocol() -> Any:
    """protocol.py from its file, with no Home Assistant import.

    The package's __init__ needs Home Assistant: the pure modules are loaded under a
    bare package of their own instead.
    """
    package = types.ModuleType("iot_lab_wire")
    package.__path__ = [str(ROOT / "custom_components" / "iot_lab")]
    sys.modules[package.__name__] = package
    return importlib.import_module(f"{package.__name__}.protocol")


def build(source: Path, include_dir: Path, binary: Path) -> Path:
    """Compile a host test program with the machine's g++ (skip the test without one)."""
    compiler = shutil.which("g++")
    if compiler is None:
        pytest.skip("no g++ on this machine")
    subprocess.run(
        [
            compiler,
            "-std=c++17",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-I",
            str(include_dir),
            str(source),
            "-o",
            str(binary),
        ],
        check=True,
        timeout=120,
    )
    return binary
