"""Shared by the firmware tests: g++ builds of the host test programs."""

from __future__ import annotations

from pathlib import Path
import shutil
import subprocess

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMPONENTS = ROOT / "esphome" / "components"


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
