"""Shared by the firmware tests that run ESPHome: a user's copy of esphome/, resolved."""

from __future__ import annotations

import os
from pathlib import Path
import shutil
import subprocess
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
FIRMWARE = ROOT / "esphome"
ESPHOME = ROOT / ".venv-esphome" / "bin" / "esphome"
BOARDS = ["light-oled.yaml", "climate-dht11.yaml", "door-counter.yaml"]
NOT_INSTALLED = "ESPHome is not installed: run scripts/setup-esphome (needs PyPI)"


class Lambda(str):
    """A `!lambda` of the resolved config: C++ source, checked by what it returns."""

    __slots__ = ()


class ResolvedLoader(yaml.SafeLoader):
    """Reads `esphome config` output: `!lambda` as `Lambda`, `!secret` as its name."""


ResolvedLoader.add_constructor(
    "!lambda", lambda loader, node: Lambda(loader.construct_scalar(node))
)
ResolvedLoader.add_constructor(
    "!secret", lambda loader, node: f"<secret {loader.construct_scalar(node)}>"
)


def user_copy(target: Path) -> Path:
    """A copy of esphome/ with secrets from the example, as a user would set it up."""
    shutil.copytree(
        FIRMWARE, target, ignore=shutil.ignore_patterns(".esphome", "secrets.yaml")
    )
    shutil.copy(target / "secrets.yaml.example", target / "secrets.yaml")
    return target


def esphome(
    workdir: Path, *args: str, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run ESPHome offline in `workdir`."""
    return subprocess.run(
        [str(ESPHOME), *args],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, "ESPHOME_NOGITEXTERNALS": "1"},
    )


def resolve(workdir: Path, board: str) -> dict[str, Any]:
    """A board's config as ESPHome resolves it (packages merged, substitutions done)."""
    result = esphome(workdir, "config", board)
    assert result.returncode == 0, result.stdout + result.stderr
    config: dict[str, Any] = yaml.load(result.stdout, Loader=ResolvedLoader)
    return config
