"""quality_scale.yaml lists every Integration Quality Scale rule with an honest status.

The rules and their tiers are those of Home Assistant 2026.10 (`ALL_RULES` of
script/hassfest/quality_scale.py in Home Assistant's core repository; hassfest checks the
file of core integrations only, so this test applies its schema and its tier rule here).
The manifest claims the highest tier whose rules, and those of every tier below, are all
done or exempt.
"""

from __future__ import annotations

from collections.abc import Callable
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

import custom_components.iot_lab as integration

FOLDER = Path(integration.__file__).parent
ROOT = FOLDER.parents[1]

RULES = {
    "bronze": [
        "action-setup",
        "appropriate-polling",
        "brands",
        "common-modules",
        "config-flow-test-coverage",
        "config-flow",
        "dependency-transparency",
        "docs-actions",
        "docs-conditions",
        "docs-high-level-description",
        "docs-installation-instructions",
        "docs-removal-instructions",
        "docs-triggers",
        "entity-event-setup",
        "entity-unique-id",
        "has-entity-name",
        "runtime-data",
        "test-before-configure",
        "test-before-setup",
        "unique-config-entry",
    ],
    "silver": [
        "action-exceptions",
        "config-entry-unloading",
        "docs-configuration-parameters",
        "docs-installation-parameters",
        "entity-unavailable",
        "integration-owner",
        "log-when-unavailable",
        "parallel-updates",
        "reauthentication-flow",
        "test-coverage",
    ],
    "gold": [
        "devices",
        "diagnostics",
        "discovery-update-info",
        "discovery",
        "docs-data-update",
        "docs-examples",
        "docs-known-limitations",
        "docs-supported-devices",
        "docs-supported-functions",
        "docs-troubleshooting",
        "docs-use-cases",
        "dynamic-devices",
        "entity-category",
        "entity-device-class",
        "entity-disabled-by-default",
        "entity-translations",
        "exception-translations",
        "icon-translations",
        "reconfiguration-flow",
        "repair-issues",
        "stale-devices",
    ],
    "platinum": ["async-dependency", "inject-websession", "strict-typing"],
}


def _status(name: str, value: Any) -> str:
    """A rule's status, in one of the three forms hassfest's schema accepts."""
    if value in ("todo", "done"):
        return str(value)
    assert isinstance(value, dict), f"{name}: {value!r}"
    assert set(value) == {"status", "comment"}, f"{name}: {sorted(value)}"
    assert isinstance(value["comment"], str), name
    assert value["comment"].strip(), f"{name}: empty comment"
    assert value["status"] in {"todo", "done", "exempt"}, name
    return str(value["status"])


def _statuses() -> dict[str, str]:
    rules = yaml.safe_load((FOLDER / "quality_scale.yaml").read_text())["rules"]
    return {name: _status(name, value) for name, value in rules.items()}


def claimable_tier(statuses: dict[str, str]) -> str | None:
    """The highest tier met with every tier below it (hassfest's rule for a claim)."""
    met = None
    for tier, rules in RULES.items():
        if any(statuses[rule] == "todo" for rule in rules):
            break
        met = tier
    return met


def test_every_rule_has_a_status() -> None:
    statuses = _statuses()
    expected = {rule for tier in RULES.values() for rule in tier}
    assert len(expected) == 54
    assert set(statuses) == expected


def test_manifest_claims_the_tier_its_rules_meet() -> None:
    manifest = json.loads((FOLDER / "manifest.json").read_text())
    assert manifest.get("quality_scale") == claimable_tier(_statuses())


def test_every_rule_met_says_how() -> None:
    """A reviewer can check each claim: every rule done or exempt has a comment."""
    rules = yaml.safe_load((FOLDER / "quality_scale.yaml").read_text())["rules"]
    bare = [name for name, value in rules.items() if not isinstance(value, dict)]
    assert bare == []


@pytest.mark.parametrize(
    ("todo", "claim"),
    [
        (set(), "platinum"),
        ({"strict-typing"}, "gold"),
        ({"stale-devices", "strict-typing"}, "silver"),
        ({"test-coverage"}, "bronze"),
        ({"brands"}, None),
        ({"brands", "strict-typing"}, None),
    ],
)
def test_one_rule_todo_lowers_the_claim(todo: set[str], claim: str | None) -> None:
    statuses = {rule: "done" for tier in RULES.values() for rule in tier}
    statuses |= {"appropriate-polling": "exempt"} | dict.fromkeys(todo, "todo")
    assert claimable_tier(statuses) == claim


def _text(*names: str) -> str:
    return "\n".join((FOLDER / name).read_text() for name in names)


def _provides(kind: str) -> bool:
    """Whether the integration registers triggers or conditions (`kind`)."""
    names = (f"{kind}.py", f"device_{kind}.py", f"{kind}s.yaml")
    return any((FOLDER / name).exists() for name in names)


PLATFORM_FILES = [f"{platform}.py" for platform in integration.PLATFORMS]
README = (ROOT / "README.md").read_text()
# What each status says, where a look at the files can check it.
EVIDENCE: dict[str, tuple[str, Callable[[], bool]]] = {
    "brands": ("done", (FOLDER / "brand" / "icon.png").is_file),
    "action-setup": (
        "done",
        lambda: "async_setup_services(hass)" in _text("__init__.py"),
    ),
    "appropriate-polling": (
        "exempt",
        lambda: "SCAN_INTERVAL" not in _text(*PLATFORM_FILES),
    ),
    "diagnostics": (
        "done",
        lambda: "async_get_config_entry_diagnostics" in _text("diagnostics.py"),
    ),
    "discovery": ("done", lambda: bool(json.loads(_text("manifest.json")).get("mqtt"))),
    "entity-disabled-by-default": (
        "done",
        lambda: "entity_registry_enabled_default=False" in _text(*PLATFORM_FILES),
    ),
    "icon-translations": ("done", (FOLDER / "icons.json").is_file),
    # FTPS through the standard library's blocking ftplib, in the executor: not an
    # asyncio dependency, so the rule (and the platinum tier) is not met.
    "async-dependency": ("todo", lambda: "import ftplib" in _text("upload.py")),
    "inject-websession": (
        "exempt",
        # The webhook is served by Home Assistant (aiohttp.web); nothing opens a client.
        lambda: "ClientSession" not in _text(*(p.name for p in FOLDER.glob("*.py"))),
    ),
    "reconfiguration-flow": (
        "done",
        lambda: "async_step_reconfigure" in _text("config_flow.py"),
    ),
    "stale-devices": (
        "done",
        lambda: "async_remove_config_entry_device" in _text("__init__.py"),
    ),
    "docs-actions": ("done", lambda: "\n## Actions\n" in README),
    "docs-examples": ("done", lambda: "\n## Examples\n" in README),
    "docs-known-limitations": ("done", lambda: "\n## Known limitations\n" in README),
    "docs-troubleshooting": ("done", lambda: "\n## Troubleshooting\n" in README),
    "docs-removal-instructions": ("done", lambda: "**Removal**" in README),
    # No trigger or condition of its own: nothing for docs-triggers or docs-conditions.
    "docs-conditions": ("exempt", lambda: not _provides("condition")),
    "docs-triggers": ("exempt", lambda: not _provides("trigger")),
}


@pytest.mark.parametrize("rule", EVIDENCE)
def test_status_matches_the_files(rule: str) -> None:
    status, holds = EVIDENCE[rule]
    assert _statuses()[rule] == status
    assert holds(), f"{rule} is {status}, but the files say otherwise"


def test_platforms_set_parallel_updates() -> None:
    for platform in integration.PLATFORMS:
        assert "PARALLEL_UPDATES = 0" in (FOLDER / f"{platform}.py").read_text()
