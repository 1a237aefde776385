"""The demo's `access.json` holds the API token the demo uses, as its banner says.

`run_stack` with the processes and Home Assistant's API replaced by stand-ins: a fresh
start (the owner's token made now) and a start with `--keep` (the stored token reused).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from iot_lab_sim import harness


class _Stack:
    """What `run_stack` asks of `processes.Stack`, starting nothing."""

    broker = "mosquitto"

    def start_broker(self, port: int | None = None) -> int:
        return 1883

    def start_simulator(self, *args: Any, **kwargs: Any) -> None:
        return None

    def start_hass(self, config_dir: Path, http_port: int) -> None:
        return None


class _Api:
    def __init__(self, url: str, token: str) -> None:
        self.url, self.token = url, token


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        (None, "made-now"),  # a fresh demo: the owner's new token
        ("kept", "kept"),  # --keep: the token of the last run
    ],
)
def test_access_file_holds_the_token_in_use(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    stored: str | None,
    expected: str,
) -> None:
    access = tmp_path / "access.json"
    if stored is not None:
        access.write_text(json.dumps({"token": stored}))
    stand_ins: dict[str, Any] = {
        "prepare_config": lambda *args, **kwargs: stored is not None,
        "free_port": lambda: 8123,
        "port_is_free": lambda port: True,
        "wait_for_hass": lambda *args: None,
        "onboarding_done": lambda url: stored is not None,
        "owner_token": lambda url, name: "made-now",
        "HassClient": _Api,
        "add_entries": lambda *args: "discovery",
        "wait_for_entities": lambda *args: None,
        "csv_counter_webhook": lambda *args, **kwargs: None,
        "save_dashboard": lambda api: "/iot-lab",
    }
    for name, stand_in in stand_ins.items():
        monkeypatch.setattr(harness, name, stand_in)
    demo = harness.run_stack(_Stack(), tmp_path / "config", keep=stored is not None)  # type: ignore[arg-type]
    assert demo.token == expected
    written = json.loads(access.read_text())
    assert written["token"] == expected
    assert written["url"] == "http://127.0.0.1:8123"
    assert access.stat().st_mode & 0o777 == 0o600
