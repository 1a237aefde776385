"""Print the requirements of Home Assistant components, as the installed release pins them.

`hass --skip-pip` installs nothing at run time, so a second Home Assistant (scripts/setup-
latest) gets what its components need installed beforehand: the components given, their
dependencies and after-dependencies, read from the manifests of the installed release.
Run it with that release's Python: `.venv-latest/bin/python scripts/ha_requirements.py mqtt`.
"""

from __future__ import annotations

import json
from pathlib import Path
import sys

import homeassistant.components

COMPONENTS = Path(homeassistant.components.__file__).parent


def requirements(domains: list[str]) -> list[str]:
    """Every requirement of `domains` and what they depend on, sorted, once each."""
    seen: set[str] = set()
    found: set[str] = set()
    todo = list(domains)
    while todo:
        domain = todo.pop()
        manifest = COMPONENTS / domain / "manifest.json"
        if domain in seen or not manifest.is_file():
            continue
        seen.add(domain)
        data = json.loads(manifest.read_text())
        found.update(data.get("requirements", []))
        todo += data.get("dependencies", []) + data.get("after_dependencies", [])
    return sorted(found)


if __name__ == "__main__":
    print("\n".join(requirements(sys.argv[1:])))
