"""The repository as HACS and hassfest read it: manifest, hacs.json, LICENSE, CHANGELOG.

hassfest's manifest rules for a custom integration (script/hassfest/manifest.py in Home
Assistant's core repository) and the keys the HACS action requires are written out here;
the versions named in hacs.json, README, pyproject and the changelog must agree.
"""

from __future__ import annotations

import json
from pathlib import Path
import re
from typing import Any
from urllib.parse import urlparse

from awesomeversion import AwesomeVersion, AwesomeVersionStrategy
from homeassistant.const import __version__ as HA_VERSION

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "custom_components" / "iot_lab"
# hassfest's custom integration manifest schema refuses any other key.
MANIFEST_KEYS = {
    "domain",
    "name",
    "integration_type",
    "config_flow",
    "mqtt",
    "zeroconf",
    "ssdp",
    "bluetooth",
    "homekit",
    "dhcp",
    "usb",
    "documentation",
    "quality_scale",
    "requirements",
    "dependencies",
    "after_dependencies",
    "codeowners",
    "loggers",
    "disabled",
    "iot_class",
    "single_config_entry",
    "preview_features",
    "version",
    "issue_tracker",
    "import_executor",
}
HACS_MANIFEST_KEYS = {"codeowners", "documentation", "domain", "issue_tracker", "name"}
HACS_JSON_KEYS = {
    "name",
    "content_in_root",
    "zip_release",
    "filename",
    "hide_default_branch",
    "homeassistant",
    "hacs",
    "persistent_directory",
    "country",
    "render_readme",
}
QUALITY_SCALES = ["bronze", "silver", "gold", "platinum"]


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def test_manifest_passes_hassfests_custom_integration_rules() -> None:
    manifest = _json(FOLDER / "manifest.json")
    assert manifest.keys() <= MANIFEST_KEYS
    assert manifest["domain"] == FOLDER.name
    # Sorted as hassfest writes it: domain, name, then alphabetical.
    assert list(manifest) == [
        "domain",
        "name",
        *sorted(set(manifest) - {"domain", "name"}),
    ]
    for key in ("documentation", "issue_tracker"):
        url = urlparse(manifest[key])
        assert (url.scheme, bool(url.netloc)) == ("https", True), key
    assert "www.home-assistant.io" not in manifest["documentation"]
    assert manifest["iot_class"] == "local_push"
    assert manifest.get("integration_type", "hub") == "hub"
    AwesomeVersion(
        manifest["version"],
        ensure_strategy=[AwesomeVersionStrategy.SEMVER],
    )
    if manifest.get("quality_scale") in QUALITY_SCALES[1:]:
        assert manifest["codeowners"], "silver and above need a code owner"


def test_hacs_reads_what_it_needs() -> None:
    manifest = _json(FOLDER / "manifest.json")
    assert HACS_MANIFEST_KEYS | {"version"} <= manifest.keys()
    hacs = _json(ROOT / "hacs.json")
    assert hacs.keys() <= HACS_JSON_KEYS
    assert hacs["name"] == manifest["name"]
    assert hacs["content_in_root"] is False


def test_unit_tests_run_on_the_minimum_hacs_declares() -> None:
    """hacs.json's minimum is the release this suite runs on (pinned by pyproject)."""
    assert _json(ROOT / "hacs.json")["homeassistant"] == HA_VERSION


def test_readme_names_the_versions_tested() -> None:
    latest = re.search(
        r"IOT_LAB_HA_LATEST:-([0-9.]+)\}",
        (ROOT / "scripts" / "setup-latest").read_text(),
    )
    assert latest is not None
    tested = f"Tested with Home Assistant **{HA_VERSION}** (the minimum, as `hacs.json` says) and **{latest.group(1)}**"
    assert tested in " ".join((ROOT / "README.md").read_text().split())


def test_license_is_mit_as_pyproject_says() -> None:
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License\n\nCopyright (c) 2026 IoT Lab contributors\n")
    assert 'license = "MIT"' in (ROOT / "pyproject.toml").read_text()


def test_changelog_has_the_manifest_version() -> None:
    version = _json(FOLDER / "manifest.json")["version"]
    assert f'version = "{version}"' in (ROOT / "pyproject.toml").read_text()
    changelog = (ROOT / "CHANGELOG.md").read_text()
    headings = re.findall(r"^## \[([^\]]+)\]", changelog, flags=re.MULTILINE)
    assert headings[0] == version, "the newest section is the manifest's version"
    for heading in headings:
        assert f"\n[{heading}]: https://" in changelog, f"no link for {heading}"


# Instructions the current tools refuse, and what to write instead.
REFUSED = {
    "esphome dashboard": "ESPHome 2026.10 removed it: ESPHome Device Builder",
}


def test_no_instruction_the_current_tools_refuse() -> None:
    documents = [
        *ROOT.glob("*.md"),
        *ROOT.glob("docs/**/*.md"),
        *ROOT.glob("esphome/**/*.md"),
        *ROOT.glob("benchmarks/*.md"),
        *ROOT.glob("demo/**/*.md"),
    ]
    assert ROOT / "esphome" / "README.md" in documents
    found = [
        f"{path.relative_to(ROOT)}: `{command}` ({instead})"
        for path in documents
        for command, instead in REFUSED.items()
        if f"`{command}" in path.read_text()
    ]
    assert found == []
