"""The hooks of ``.pre-commit-hooks.yaml``, run by pre-commit itself on a scratch repository.

``pre-commit try-repo`` installs this repository (its last commit, with the
changes to tracked files not yet committed) into an environment of its own,
as a user's ``pre-commit install`` would, then runs a hook on the scratch
repository's files. Building that environment pip-installs wmdsl and its
dependencies from the package index, so it is done once for the module, and
the tests are marked slow.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ci_support import (
    BROKEN_SPEC,
    CLEAN_SPEC,
    ROOT,
    UNFORMATTED_SPEC,
    clean_environment,
    new_repository,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        importlib.util.find_spec("pre_commit") is None,
        reason="pre-commit is not installed (it is a dev dependency: pip install -e '.[dev]')",
    ),
    pytest.mark.skipif(not (ROOT / ".git").exists(), reason="try-repo needs this tree to be a git checkout"),
]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pre-commit's own folder, shared by the tests: the hooks' environment is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


def try_repo(home: Path, repo: Path, hook: str) -> subprocess.CompletedProcess[str]:
    environment = clean_environment(PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never")
    # The hook must run the wmdsl pre-commit installed, not this tree's sources.
    environment.pop("PYTHONPATH", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), hook, "--all-files"],
        cwd=repo,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
        timeout=900,
    )


def test_check_passes_on_a_clean_spec(home: Path, tmp_path: Path) -> None:
    new_repository(tmp_path, {"specs/intake.wm": CLEAN_SPEC, "notes.txt": "not a spec\n"})
    result = try_repo(home, tmp_path, "wmdsl-check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "wmdsl check" in result.stdout
    assert "Passed" in result.stdout


def test_check_fails_on_a_broken_spec(home: Path, tmp_path: Path) -> None:
    new_repository(tmp_path, {"specs/intake.wm": BROKEN_SPEC, "specs/other.wm": CLEAN_SPEC})
    result = try_repo(home, tmp_path, "wmdsl-check")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Failed" in result.stdout
    assert "specs/intake.wm:20:12: SYN002 [error] unknown name `desing`" in result.stdout


def test_fmt_rewrites_a_spec_and_then_passes(home: Path, tmp_path: Path) -> None:
    new_repository(tmp_path, {"specs/intake.wm": UNFORMATTED_SPEC})
    first = try_repo(home, tmp_path, "wmdsl-fmt")
    assert first.returncode == 1, first.stdout + first.stderr
    assert "files were modified by this hook" in first.stdout
    assert (tmp_path / "specs" / "intake.wm").read_text(encoding="utf-8") == CLEAN_SPEC
    again = try_repo(home, tmp_path, "wmdsl-fmt")
    assert again.returncode == 0, again.stdout + again.stderr
