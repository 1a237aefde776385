"""strings.json and its translations: the rules hassfest applies, and the same keys."""

from __future__ import annotations

import json
from pathlib import Path
import re
from typing import Any

import pytest

FOLDER = Path(__file__).resolve().parents[2] / "custom_components" / "iot_lab"
FILES = {
    "strings.json": FOLDER / "strings.json",
    "en.json": FOLDER / "translations" / "en.json",
    "fr.json": FOLDER / "translations" / "fr.json",
}
# hassfest refuses HTML-like text in translations: anything between < and >.
HTML_LIKE = re.compile(r"<[^<>]*>")


def _leaves(tree: Any, path: str = "") -> dict[str, str]:
    if isinstance(tree, dict):
        leaves: dict[str, str] = {}
        for key, value in tree.items():
            leaves |= _leaves(value, f"{path}.{key}" if path else key)
        return leaves
    assert isinstance(tree, str), f"{path} is not text"
    return {path: tree}


def _load(name: str) -> dict[str, str]:
    return _leaves(json.loads(FILES[name].read_text(encoding="utf-8")))


@pytest.mark.parametrize("name", FILES)
def test_no_html_like_text(name: str) -> None:
    found = {key: text for key, text in _load(name).items() if HTML_LIKE.search(text)}
    assert found == {}


@pytest.mark.parametrize("name", ["en.json", "fr.json"])
def test_translation_has_exactly_the_keys_of_strings_json(name: str) -> None:
    source, translation = set(_load("strings.json")), set(_load(name))
    assert sorted(source - translation) == [], f"missing in {name}"
    assert sorted(translation - source) == [], f"only in {name}"


def _resolved_strings() -> dict[str, str]:
    """strings.json with its references to its own keys replaced by their text."""
    source = _load("strings.json")
    reference = re.compile(r"\[%key:component::iot_lab::([a-z0-9_:]+)%\]")
    return {
        key: reference.sub(lambda m: source[m.group(1).replace("::", ".")], text)
        for key, text in source.items()
    }


def test_english_translation_is_strings_json() -> None:
    """en.json is strings.json as Home Assistant's translation build writes it."""
    assert _load("en.json") == _resolved_strings()


@pytest.mark.parametrize("name", FILES)
def test_placeholders_match_strings_json(name: str) -> None:
    """A {placeholder} the code fills in must exist in every language, and no other."""
    placeholder = re.compile(r"\{([a-z_]+)\}")
    source = _resolved_strings()
    for key, text in _load(name).items():
        assert set(placeholder.findall(text)) == set(
            placeholder.findall(source[key])
        ), key
