"""strings.json and its translations: hassfest's translation rules, and the same keys.

hassfest (script/hassfest in Home Assistant's core repository, not in any package) checks a
custom integration's strings.json and translations/en.json; the rules it applies are written
out here (`problems`) and run on fr.json too, with one stricter: no `<` ... `>` at all, where
hassfest refuses `<` followed by a letter (it took `<config>` for an HTML tag).
"""

from __future__ import annotations

import json
from pathlib import Path
import re
from typing import Any

import pytest
import yaml

FOLDER = Path(__file__).resolve().parents[2] / "custom_components" / "iot_lab"
FILES = {
    "strings.json": FOLDER / "strings.json",
    "en.json": FOLDER / "translations" / "en.json",
    "fr.json": FOLDER / "translations" / "fr.json",
}
# The sections hassfest's strings schema knows; any other top-level key is refused.
SECTIONS = {
    "title",
    "config",
    "options",
    "selector",
    "device_automation",
    "system_health",
    "config_panel",
    "application_credentials",
    "issues",
    "entity_component",
    "device",
    "entity",
    "exceptions",
    "services",
    "conversation",
    "common",
}
STEP_KEYS = {
    "title",
    "description",
    "data",
    "data_description",
    "menu_options",
    "submit",
    "sections",
}
HTML_LIKE = re.compile(r"<[^<>]*>")
TRANSLATION_KEY = re.compile(r"^(?!.+[_-]{2})(?![_-])[a-z0-9-_]+(?<![_-])$")
SLUG = re.compile(r"^[a-z0-9_]+$")
COMBINED_REFERENCE = re.compile(r"(.+\[%)|(%\].+)")
QUOTED_PLACEHOLDER = re.compile(r"'\{\w+\}'")
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
REFERENCE = re.compile(r"\[%key:component::iot_lab::([a-z0-9_:]+)%\]")


def _load(name: str) -> dict[str, Any]:
    tree: dict[str, Any] = json.loads(FILES[name].read_text(encoding="utf-8"))
    return tree


def _leaves(tree: Any, path: str = "") -> dict[str, Any]:
    """Every text by its dotted key path (an empty object counts as a leaf)."""
    if isinstance(tree, dict) and tree:
        leaves: dict[str, Any] = {}
        for key, value in tree.items():
            leaves |= _leaves(value, f"{path}.{key}" if path else key)
        return leaves
    return {path: tree}


def _paths(tree: Any, path: str = "") -> set[str]:
    """Every key path, inner objects included."""
    if not isinstance(tree, dict):
        return set()
    found: set[str] = set()
    for key, value in tree.items():
        inner = f"{path}.{key}" if path else key
        found |= {inner} | _paths(value, inner)
    return found


def _text_problems(tree: dict[str, Any]) -> list[str]:
    """hassfest's translation value rules, on every text."""
    problems = []
    for path, text in _leaves(tree).items():
        if not isinstance(text, str):
            problems.append(f"{path}: not text")
            continue
        if HTML_LIKE.search(text):
            problems.append(f"{path}: HTML-like text")
        if QUOTED_PLACEHOLDER.search(text):
            problems.append(f"{path}: placeholder in single quotes")
        if COMBINED_REFERENCE.search(text):
            problems.append(f"{path}: reference combined with other text")
        if text != text.strip():
            problems.append(f"{path}: leading or trailing space")
    return problems


def _flow_problems(section: str, flow: dict[str, Any]) -> list[str]:
    """Steps hold only the keys a step may hold; data_description follows data."""
    problems = []
    for step_id, step in flow.get("step", {}).items():
        where = f"{section}.step.{step_id}"
        problems += [
            f"{where}.{key}: not a step key" for key in step.keys() - STEP_KEYS
        ]
        problems += [
            f"{where}.data_description.{key}: not in data"
            for key in step.get("data_description", {}).keys()
            - step.get("data", {}).keys()
        ]
    return problems


def _key_problems(tree: dict[str, Any]) -> list[str]:
    """Translation keys and slugs of the sections whose keys Home Assistant looks up."""
    keys = [
        *(f"entity.{platform}" for platform in tree.get("entity", {})),
        *(f"exceptions.{key}" for key in tree.get("exceptions", {})),
        *(f"selector.{key}" for key in tree.get("selector", {})),
    ]
    problems = [
        f"{key}: not a slug" for key in keys if not SLUG.match(key.split(".")[1])
    ]
    for platform, entities in tree.get("entity", {}).items():
        for key, entity in entities.items():
            named = [key, *entity.get("state", {}), *entity.get("state_attributes", {})]
            problems += [
                f"entity.{platform}.{key}: translation key {name!r}"
                for name in named
                if not TRANSLATION_KEY.match(name)
            ]
    for key, selector in tree.get("selector", {}).items():
        problems += [
            f"selector.{key}.options.{option}: translation key"
            for option in selector.get("options", {})
            if not TRANSLATION_KEY.match(option)
        ]
    return problems


def _section_problems(tree: dict[str, Any]) -> list[str]:
    """Required texts of issues, exceptions and actions."""
    problems = [
        f"{key}: not a section hassfest knows" for key in tree.keys() - SECTIONS
    ]
    for issue_id, issue in tree.get("issues", {}).items():
        if "title" not in issue:
            problems.append(f"issues.{issue_id}: no title")
        if ("description" in issue) == ("fix_flow" in issue):
            problems.append(f"issues.{issue_id}: needs a description or a fix_flow")
    problems += [
        f"exceptions.{key}: no message"
        for key, exception in tree.get("exceptions", {}).items()
        if "message" not in exception
    ]
    for action, texts in tree.get("services", {}).items():
        problems += [
            f"services.{action}: no {need}"
            for need in ("name", "description")
            if need not in texts
        ]
        for field, field_texts in texts.get("fields", {}).items():
            problems += [
                f"services.{action}.fields.{field}: no {need}"
                for need in ("name", "description")
                if need not in field_texts
            ]
    return problems


def problems(tree: dict[str, Any]) -> list[str]:
    """Every way `tree` breaks one of hassfest's translation rules."""
    found = _text_problems(tree) + _key_problems(tree) + _section_problems(tree)
    for section in ("config", "options"):
        found += _flow_problems(section, tree.get(section, {}))
    for issue_id, issue in tree.get("issues", {}).items():
        found += _flow_problems(
            f"issues.{issue_id}.fix_flow", issue.get("fix_flow", {})
        )
    return found


@pytest.mark.parametrize("name", FILES)
def test_hassfest_translation_rules(name: str) -> None:
    assert problems(_load(name)) == []


def test_the_rules_catch_what_hassfest_refused() -> None:
    """The texts hassfest refused, and each other rule, fail on a made-up file."""
    bad = {
        "options": {
            "step": {
                "settings": {
                    "data": {"legacy": "Legacy"},
                    "data_description": {
                        "auto_export": "Files go to <config>/iot_lab/exports.",
                    },
                    "footer": "Not a step key",
                }
            }
        },
        "services": {
            "export_counts": {
                "description": "Writes to <config>/iot_lab/exports",
                "fields": {"date": {"name": "Date"}},
            }
        },
        "entity": {"sensor": {"Light_Raw": {"name": " Light"}}},
        "issues": {"upload_failed": {"title": "Not sent to '{host}'"}},
        "exceptions": {"not_a_counter": {}},
        "selector": {"protocol": {"options": {"sftp": "x [%key:common::y%]"}}},
        "dashboard": {},
    }
    assert sorted(problems(bad)) == sorted(
        [
            "options.step.settings.data_description.auto_export: HTML-like text",
            "services.export_counts.description: HTML-like text",
            "entity.sensor.Light_Raw.name: leading or trailing space",
            "issues.upload_failed.title: placeholder in single quotes",
            "selector.protocol.options.sftp: reference combined with other text",
            "dashboard: not text",
            "entity.sensor.Light_Raw: translation key 'Light_Raw'",
            "dashboard: not a section hassfest knows",
            "issues.upload_failed: needs a description or a fix_flow",
            "exceptions.not_a_counter: no message",
            "exceptions.not_a_counter: not text",
            "services.export_counts: no name",
            "services.export_counts.fields.date: no description",
            "options.step.settings.footer: not a step key",
            "options.step.settings.data_description.auto_export: not in data",
        ]
    )


@pytest.mark.parametrize("name", ["en.json", "fr.json"])
def test_translation_has_exactly_the_keys_of_strings_json(name: str) -> None:
    source, translation = _paths(_load("strings.json")), _paths(_load(name))
    assert sorted(source - translation) == [], f"missing in {name}"
    assert sorted(translation - source) == [], f"only in {name}"


def test_actions_are_translated_as_services_yaml_declares_them() -> None:
    """Every action and field of services.yaml has its texts, and no text is left over."""
    declared = yaml.safe_load((FOLDER / "services.yaml").read_text())
    icons = json.loads((FOLDER / "icons.json").read_text())
    for name in FILES:
        services = _load(name)["services"]
        assert services.keys() == declared.keys(), name
        for action, schema in declared.items():
            assert (
                services[action].get("fields", {}).keys()
                == schema.get("fields", {}).keys()
            ), f"{name}: {action}"
    assert icons["services"].keys() == declared.keys()


def _resolved_strings() -> dict[str, str]:
    """strings.json with its references to its own keys replaced by their text."""
    source = _leaves(_load("strings.json"))
    return {
        key: REFERENCE.sub(lambda m: source[m.group(1).replace("::", ".")], text)
        for key, text in source.items()
    }


def test_english_translation_is_strings_json() -> None:
    """en.json is strings.json as Home Assistant's translation build writes it."""
    assert _leaves(_load("en.json")) == _resolved_strings()


@pytest.mark.parametrize("name", FILES)
def test_placeholders_match_strings_json(name: str) -> None:
    """A {placeholder} the code fills in must exist in every language, and no other."""
    source = _resolved_strings()
    for key, text in _leaves(_load(name)).items():
        assert set(PLACEHOLDER.findall(text)) == set(
            PLACEHOLDER.findall(source[key])
        ), key
