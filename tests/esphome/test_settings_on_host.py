"""Each board's settings code, compiled by ESPHome for its `host` platform and run.

`esphome config` and `compile --only-generate` check a board's YAML but compile none of
its C++. Here the parts of each board that handle its settings are taken from its resolved
config as they are (the `config/set` handler, `settings_boot`, `apply_settings`, the
echo's payload, the send-on-change filters, the globals, the door's detector) and set
around template sensors on ESPHome's host platform, built with the machine's compiler and
run twice with one preferences file: the first run boots on the defaults and is sent a
change, a refused set and the same change again; the second must boot on the change, read
back from "flash", and put it into the board's components.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
import re
import shutil
import subprocess
from typing import Any

import iot_lab_wire
import pytest
import yaml

from .firmware import BOARDS, ESPHOME, NOT_INSTALLED, Lambda, esphome

pytestmark = pytest.mark.skipif(not ESPHOME.exists(), reason=NOT_INSTALLED)

SETTINGS = iot_lab_wire.SETTINGS
LOG_LINE = re.compile(r"\[[IW]\]\[(\w+)(?::\d+)?\]: (.*)")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
REPORTS = {
    # What each board's components hold, logged by the host program ("STATE ...").
    "door-counter.yaml": 'ESP_LOGI("host", "STATE gap_ms=%u swap=%d mounting=%d", '
    "(unsigned) id(door)->gap_ms(), (int) id(door)->swap(), (int) id(door)->mounting());",
    "light-oled.yaml": 'ESP_LOGI("host", "STATE light_sample_ms=%u", '
    "(unsigned) id(light).get_update_interval());",
    "climate-dht11.yaml": 'ESP_LOGI("host", "STATE");',
}
SAMPLES = {"light": (1000, 1600), "temperature": (20, 24), "humidity": (50, 58)}
"""Each template sensor's reading for its first 10 samples, then after."""


class _HostDumper(yaml.SafeDumper):
    """Writes `Lambda` back as `!lambda`."""


_HostDumper.add_representer(
    Lambda,
    lambda dumper, text: dumper.represent_scalar("!lambda", text, style="|"),
)


def _change(defaults: dict[str, Any]) -> dict[str, Any]:
    """A valid value other than the default for every setting of the board."""
    change: dict[str, Any] = {}
    for key, value in defaults.items():
        spec = SETTINGS[key]
        if spec.kind is bool:
            change[key] = not value
        elif spec.kind is str:
            change[key] = next(c for c in spec.choices if c != value)
        else:
            # The minimum: the light board then samples as fast as it may.
            bound = spec.minimum if value != spec.minimum else spec.maximum
            change[key] = spec.kind(bound)
    return change


def _template(sensor_id: str, sensor: dict[str, Any]) -> dict[str, Any]:
    """A template sensor with the board's filters, on its id, its readings scripted."""
    first, then = SAMPLES[sensor_id]
    return {
        "platform": "template",
        "id": sensor_id,
        "internal": True,
        "update_interval": "100ms",
        "lambda": Lambda(
            f"static int n = 0; return n++ < 10 ? {first}.0f : {then}.0f;"
        ),
        "filters": sensor["filters"],
        "on_value": [
            {"lambda": Lambda(f'ESP_LOGI("host", "VALUE {sensor_id} %.1f", x);')}
        ],
    }


def _sensors(config: dict[str, Any]) -> list[dict[str, Any]]:
    if "sensor" not in config:
        return []  # the door counter
    sensor = config["sensor"][0]
    if sensor["platform"] == "dht":
        return [_template(kind, sensor[kind]) for kind in ("temperature", "humidity")]
    return [_template(sensor["id"], sensor)]


def _scripts(config: dict[str, Any], board: str) -> list[dict[str, Any]]:
    scripts = {script["id"]: script for script in config["script"]}
    (handler,) = [
        h for h in config["mqtt"]["on_message"] if h["topic"].endswith("/config/set")
    ]
    (publish,) = scripts["publish_settings"]["then"]
    topic, payload = (
        publish["mqtt.publish"]["topic"],
        publish["mqtt.publish"]["payload"],
    )
    echo = (
        f'ESP_LOGI("host", "PUBLISH {topic} %s", '
        f"([&]() -> std::string {{ {payload} }})().c_str());"
    )
    return [
        scripts["settings_boot"],
        scripts["apply_settings"],
        {"id": "publish_settings", "then": [{"lambda": Lambda(echo)}]},
        {
            "id": "config_set",
            "parameters": {"x": "std::string"},
            "then": handler["then"],
        },
        {"id": "report", "then": [{"lambda": Lambda(REPORTS[board])}]},
    ]


def _host_config(
    config: dict[str, Any], board: str, payloads: list[str]
) -> dict[str, Any]:
    feed = [{"script.execute": {"id": "config_set", "x": p}} for p in payloads]
    host: dict[str, Any] = {
        "esphome": {
            "name": "settings-" + board.removesuffix(".yaml"),
            "on_boot": [
                {"priority": -100, "then": [{"script.execute": "settings_boot"}]},
                {
                    "priority": -200,
                    "then": [
                        {"script.execute": "report"},
                        {
                            "if": {
                                "condition": {
                                    "lambda": Lambda(
                                        'return getenv("FEED") != nullptr;'
                                    )
                                },
                                "then": [*feed, {"script.execute": "report"}],
                            }
                        },
                        {"delay": "2s"},
                        {"lambda": Lambda("App.safe_reboot();")},
                    ],
                },
            ],
        },
        "host": {},
        "logger": {"level": "DEBUG"},
        "preferences": config["preferences"],
        "external_components": config["external_components"],
        "iot_lab_settings": {},
        "globals": [g for g in config["globals"] if g["id"].startswith("settings")],
        "script": _scripts(config, board),
    }
    if sensors := _sensors(config):
        host["sensor"] = sensors
    if "iot_lab_door" in config:
        host["iot_lab_door"] = config["iot_lab_door"]
    return host


def _run(program: Path, home: Path, *, feed: bool) -> list[tuple[str, str]]:
    env = {**os.environ, "HOME": str(home)}
    env.pop("FEED", None)
    if feed:
        env["FEED"] = "1"
    result = subprocess.run(
        [str(program)], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return [
        (match.group(1), match.group(2))
        for line in ANSI.sub("", result.stdout).splitlines()
        if (match := LOG_LINE.search(line))
    ]


def _build(
    workdir: Path, config: dict[str, Any], board: str, payloads: list[str]
) -> Path:
    host = _host_config(config, board, payloads)
    path = workdir / f"host-{board}"
    path.write_text(yaml.dump(host, Dumper=_HostDumper, sort_keys=False))
    result = esphome(workdir, "compile", path.name, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    name = host["esphome"]["name"]
    return workdir / ".esphome" / "build" / name / ".pioenvs" / name / "program"


def _state(lines: list[tuple[str, str]]) -> list[str]:
    return [text for tag, text in lines if text.startswith("STATE")]


@pytest.mark.skipif(shutil.which("g++") is None, reason="no g++ on this machine")
@pytest.mark.parametrize("board", BOARDS)
def test_board_settings_built_and_run_on_the_host(
    workdir: Path, resolved: dict[str, dict[str, Any]], board: str, tmp_path: Path
) -> None:
    config = resolved[board]
    defaults = iot_lab_wire.check_settings(
        json.loads(config["substitutions"]["settings_defaults"])
    )
    change = _change(defaults)
    changed = iot_lab_wire.settings_payload(change)
    key = next(iter(change))
    refused = json.dumps({key: "not a value"})
    program = _build(workdir, config, board, [changed, refused, changed])

    first = _run(program, tmp_path, feed=True)
    board_id = config["substitutions"]["board_id"]
    topic = iot_lab_wire.channel_topic("iot_lab", board_id, iot_lab_wire.Channel.CONFIG)
    assert ("settings", f"Settings {iot_lab_wire.settings_payload(defaults)}") in first
    assert ("settings", f"Now {changed}") in first
    published = [text for tag, text in first if text.startswith("PUBLISH")]
    assert published == [f"PUBLISH {topic} {changed}"] * 2  # after each accepted set
    warnings = [text for tag, text in first if text.startswith("Refused")]
    assert len(warnings) == 1
    assert key in warnings[0]
    assert ("settings", "Nothing to change") in first
    if "sensor" in config:  # the first reading, and some after the jump at 1 s
        values = {text for tag, text in first if text.startswith("VALUE")}
        assert len(values) >= 2, values

    second = _run(program, tmp_path, feed=False)
    assert ("settings", f"Settings {changed}") in second  # read back from flash
    assert _state(second) == [_state(first)[-1]]  # in the components again
    _check_components(board, _state(second)[0], change)


def _check_components(board: str, state: str, change: dict[str, Any]) -> None:
    if board == "door-counter.yaml":
        mounting = iot_lab_wire.MOUNTINGS.index(change["mounting"])
        assert state == (
            f"STATE gap_ms={change['gap_ms']} swap={int(change['swap'])} "
            f"mounting={mounting}"
        )
    elif board == "light-oled.yaml":
        assert state == f"STATE light_sample_ms={change['light_sample_ms']}"
