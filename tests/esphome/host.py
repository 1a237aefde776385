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
    if shutil.which("g++") is None:
        pytest.skip("no g++ on this machine")
    return compile_program(source, include_dir, binary, "-Wall", "-Wextra", "-Werror")


def compile_program(source: Path, include_dir: Path, binary: Path, *flags: str) -> Path:
    """g++ -std=c++17 with `flags`; also the benchmark's build (benchmarks/door.py)."""
    compiler = shutil.which("g++")
    if compiler is None:
        raise RuntimeError("no g++ on this machine (apt-get install g++)")
    subprocess.run(
        [compiler, "-std=c++17", *flags, "-I", str(include_dir), str(source), "-o",
         str(binary)],
        check=True,
        timeout=300,
    )  # fmt: skip
    return binary
