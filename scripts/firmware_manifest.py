#!/usr/bin/env python3
"""Write what the integration knows of the firmware it ships beside: firmware.json.

HACS installs only `custom_components/iot_lab`, so the update entity cannot read the
repository's `esphome/` folder: this script copies, for each board file, its model and
`fw_version` substitution, and the `### Firmware` notes of CHANGELOG.md's newest version,
into `custom_components/iot_lab/firmware.json`. `--check` fails when the file differs
from what it would write (the unit tests run it).

    firmware_manifest.py           write the file
    firmware_manifest.py --check   exit 1 if it is not up to date
"""

from __future__ import annotations

import json
from pathlib import Path
import re
import sys

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "custom_components" / "iot_lab" / "firmware.json"
SUBSTITUTION = r"^  {name}: \"?([^\"\n#]+?)\"?\s*(?:#.*)?$"


def substitution(text: str, name: str) -> str:
    """A top-level substitution of a board file (read as text: it holds !secret tags)."""
    match = re.search(SUBSTITUTION.format(name=name), text, re.MULTILINE)
    if match is None:
        raise SystemExit(f"no {name} substitution")
    return match.group(1).strip()


def firmware_notes(changelog: str) -> str:
    """The `### Firmware` section of the newest version, as Markdown."""
    newest = changelog.split("\n## ")[1]
    section = newest.partition("\n### Firmware\n")[2]
    return section.split("\n### ")[0].strip()


def manifest() -> dict[str, object]:
    """Each shipped board file's model, version and path, and the release notes."""
    boards = {}
    for path in sorted((ROOT / "esphome").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        if "fw_version:" not in text:
            continue  # secrets.yaml and the like
        boards[substitution(text, "model")] = {
            "version": substitution(text, "fw_version"),
            "config": path.relative_to(ROOT).as_posix(),
        }
    notes = firmware_notes((ROOT / "CHANGELOG.md").read_text(encoding="utf-8"))
    return {"boards": boards, "notes": notes}


def main() -> int:
    """Write, or with --check compare."""
    text = json.dumps(manifest(), indent=2, ensure_ascii=False) + "\n"
    if sys.argv[1:] == ["--check"]:
        if OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT} is out of date: run scripts/firmware_manifest.py")
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
