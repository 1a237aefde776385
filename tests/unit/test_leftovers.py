"""scripts/leftovers.py, which fails the test command when the tests left a file behind.

Checked on a repository and a package of the test's own: what git ignores and bytecode
caches are allowed, anything else new is listed.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
import subprocess
from types import ModuleType

from homeassistant.core import HomeAssistant
import pytest

SCRIPT = Path(__file__).parents[2] / "scripts" / "leftovers.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("leftovers", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _git(repository: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repository), *args], check=True)


def test_new_files_are_listed_ignored_ones_and_caches_are_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    leftovers = _script()
    repository, package = tmp_path / "repository", tmp_path / "plugin"
    repository.mkdir()
    _git(repository, "init", "-q")
    (repository / ".gitignore").write_text(".venv/\n")
    (repository / "edited.txt").write_text("as committed\n")
    _git(repository, "add", ".")
    _git(
        repository,
        *("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "first"),
    )
    (package / "testing_config").mkdir(parents=True)
    (package / "testing_config" / "__init__.py").write_text("")
    (repository / "edited.txt").write_text("changed before the run\n")
    monkeypatch.setattr(leftovers, "ROOT", repository)
    monkeypatch.setattr(leftovers, "plugin_folder", lambda: package)
    state = tmp_path / "state.json"
    assert leftovers.main(["snapshot", str(state)]) == 0

    # What a run may leave: ignored folders, bytecode, a file changed before the run.
    (repository / ".venv").mkdir()
    (repository / ".venv" / "x").write_text("")
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "m.cpython-314.pyc").write_text("")
    (repository / "edited.txt").write_text("changed again\n")
    assert leftovers.main(["check", str(state)]) == 0

    exports = package / "testing_config" / "iot_lab" / "exports"
    exports.mkdir(parents=True)
    (exports / "23_11_2026_counterdata-door-1.csv").write_text("")
    (repository / "tests").mkdir()
    (repository / "tests" / "out.txt").write_text("")
    assert leftovers.main(["check", str(state)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "left behind by the tests: plugin: "
        "testing_config/iot_lab/exports/23_11_2026_counterdata-door-1.csv",
        "left behind by the tests: repository: ?? tests/out.txt",
    ]


def test_usage() -> None:
    assert _script().main([]) == 2


def test_the_installed_plugin_is_found() -> None:
    folder = _script().plugin_folder()
    assert (folder / "testing_config").is_dir()


async def test_home_assistant_writes_in_the_tests_own_folder(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    """Not in the test plugin's package, where files outlived the run."""
    assert Path(hass.config.config_dir) == tmp_path / "config"
    assert Path(hass.config.path("iot_lab")).is_relative_to(tmp_path)
