"""quality_scale.yaml lists every Integration Quality Scale rule with a valid status.

The rules and their tiers are those of Home Assistant 2026.10 (hassfest's quality scale
check); the manifest may claim a tier only when every rule up to it is done or exempt.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

import custom_components.iot_lab as integration

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


def _statuses() -> dict[str, str]:
    path = Path(integration.__file__).parent / "quality_scale.yaml"
    rules = yaml.safe_load(path.read_text())["rules"]
    statuses: dict[str, str] = {}
    for name, value in rules.items():
        statuses[name] = value if isinstance(value, str) else value["status"]
        if statuses[name] == "exempt":
            assert value["comment"], f"{name} is exempt without a reason"
    return statuses


def test_every_rule_has_a_status() -> None:
    statuses = _statuses()
    expected = {rule for tier in RULES.values() for rule in tier}
    assert len(expected) == 54
    assert set(statuses) == expected
    assert set(statuses.values()) <= {"done", "todo", "exempt"}


def test_manifest_claims_the_tier_its_rules_meet() -> None:
    statuses = _statuses()
    met = None
    for tier, rules in RULES.items():
        if any(statuses[rule] == "todo" for rule in rules):
            break
        met = tier
    manifest = json.loads(
        (Path(integration.__file__).parent / "manifest.json").read_text()
    )
    assert manifest.get("quality_scale") == met


def test_platforms_set_parallel_updates() -> None:
    folder = Path(integration.__file__).parent
    for platform in integration.PLATFORMS:
        assert "PARALLEL_UPDATES = 0" in (folder / f"{platform}.py").read_text()
