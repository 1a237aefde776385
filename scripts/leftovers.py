"""Files a test run left behind, where no test may write.

Tests write under their own temporary folders only. This looks in the two places a test
could write by mistake: the repository outside its git-ignored folders (`git status`),
and the installed test plugin's package, whose `testing_config` is the test Home
Assistant's configuration folder unless a test gives its own.

    leftovers.py snapshot STATE   before the tests: what is there already
    leftovers.py check STATE      after them: list what is new, exit 1 if anything is
"""

from __future__ import annotations

from collections.abc import Iterable
import importlib.util
import json
from pathlib import Path
import subprocess
import sys

ROOT = Path(__file__).resolve().parent.parent
PLUGIN = "pytest_homeassistant_custom_component"


def plugin_folder() -> Path:
    """The test plugin's installed package, found without importing it."""
    spec = importlib.util.find_spec(PLUGIN)
    if spec is None or spec.origin is None:
        raise SystemExit(f"{PLUGIN} is not installed in {sys.executable}")
    return Path(spec.origin).parent


def listing(repository: Path, packages: Iterable[Path]) -> set[str]:
    """What `git status` reports, and every file of the packages.

    Untracked files are listed one by one; bytecode caches are left out (Python writes
    them on import).
    """
    git = ["git", "-C", str(repository), "status", "--porcelain=v1", "-z"]
    status = subprocess.run(  # noqa: S603 (git, with arguments of our own)
        [*git, "--untracked-files=all"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    found = {f"repository: {entry}" for entry in status.split("\0") if entry}
    for package in packages:
        found |= {
            f"{package.name}: {path.relative_to(package)}"
            for path in package.rglob("*")
            if not path.is_dir() and "__pycache__" not in path.parts
        }
    return found


def main(argv: list[str]) -> int:
    """`snapshot STATE` or `check STATE`."""
    if len(argv) != 2 or argv[0] not in ("snapshot", "check"):
        print(__doc__, file=sys.stderr)
        return 2
    command, state = argv[0], Path(argv[1])
    now = listing(ROOT, [plugin_folder()])
    if command == "snapshot":
        state.write_text(json.dumps(sorted(now)))
        return 0
    new = sorted(now - set(json.loads(state.read_text())))
    for entry in new:
        print(f"left behind by the tests: {entry}", file=sys.stderr)
    return 1 if new else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
