"""docs/reliability.md stays true: every test it names exists, the counts match."""

from __future__ import annotations

from pathlib import Path
import re

from hypothesis import settings

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "reliability.md").read_text()


def test_every_named_test_exists() -> None:
    named = re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", DOC)
    assert len(named) >= 25
    for path, name in named:
        source = (ROOT / path).read_text()
        assert re.search(rf"^(async )?def {name}\(", source, re.MULTILINE), (path, name)


def test_example_counts_match_the_hypothesis_profiles() -> None:
    ci, slow = settings.get_profile("ci"), settings.get_profile("slow")
    assert f"{ci.max_examples:,} generated examples per parser" in DOC
    assert f"`HYPOTHESIS_PROFILE=slow`: {slow.max_examples:,}" in DOC
