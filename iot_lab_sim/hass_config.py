"""A Home Assistant configuration directory, written before Home Assistant starts."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
import shutil
from string import Template
from typing import Any

from .processes import HOST, ROOT

TEMPLATE = ROOT / "demo" / "config_template"
INTEGRATION = ROOT / "custom_components" / "iot_lab"


def local_time_zone() -> str:
    """The machine's IANA time zone name, or UTC."""
    if tz := os.environ.get("TZ", "").lstrip(":"):
        return tz
    with contextlib.suppress(OSError):
        return Path("/etc/timezone").read_text().strip() or "UTC"
    with contextlib.suppress(OSError, ValueError):
        target = os.readlink("/etc/localtime")
        return target.split("zoneinfo/", 1)[1]
    return "UTC"


ONBOARDED_STEPS = ("core_config", "analytics", "integration")
"""Onboarding steps the demo marks done: the owner is still created through the API.

Finishing `core_config` through the API would add Google Translate, Met.no and Radio
Browser, which need the internet and packages this offline demo does not install."""


def _write_store(path: Path, key: str, version: int, data: dict[str, Any]) -> None:
    path.write_text(
        json.dumps({"version": version, "minor_version": 1, "key": key, "data": data})
    )


def seed_storage(config_dir: Path, http_port: int) -> None:
    """Write the settings Home Assistant keeps only in storage, before it starts.

    The HTTP listener: `http:` in YAML is deprecated (a repair on every new install), so
    it goes in the store's first format, which Home Assistant validates and upgrades
    itself; written at every start, so a kept configuration may change port. The
    onboarding steps of ONBOARDED_STEPS, on a new configuration only.
    """
    storage = config_dir / ".storage"
    storage.mkdir(parents=True, exist_ok=True)
    _write_store(
        storage / "http", "http", 1, {"server_host": [HOST], "server_port": http_port}
    )
    onboarding = storage / "onboarding"
    if not onboarding.exists():
        _write_store(onboarding, "onboarding", 4, {"done": list(ONBOARDED_STEPS)})


def prepare_config(
    config_dir: Path,
    http_port: int,
    *,
    keep: bool = False,
    configuration: str | None = None,
) -> bool:
    """Write the configuration from the template; return True if it was kept as is.

    Without `keep` (or on first use) the directory starts clean. The configuration file
    is written every time, so the HTTP port may change between runs; `configuration`
    replaces the template's (the benchmark runs without frontend and recorder).
    """
    kept = keep and (config_dir / ".storage" / "auth").exists()
    if not kept and config_dir.exists():
        shutil.rmtree(config_dir)
    config_dir.mkdir(parents=True, exist_ok=True)
    for item in TEMPLATE.iterdir():
        if item.name in {"README.md", "configuration.yaml"}:
            continue
        target = config_dir / item.name
        if item.is_dir():
            shutil.copytree(item, target, dirs_exist_ok=True)
        else:
            shutil.copy2(item, target)
    text = configuration or Template(
        (TEMPLATE / "configuration.yaml").read_text()
    ).substitute(time_zone=local_time_zone())
    (config_dir / "configuration.yaml").write_text(text)
    components = config_dir / "custom_components"
    components.mkdir(exist_ok=True)
    link = components / "iot_lab"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(INTEGRATION, target_is_directory=True)
    seed_storage(config_dir, http_port)
    return kept
