"""The repository of the ``wmdsl diff`` acceptance test, and its golden outputs.

Two commits: a delivery workflow, then one commit that moves an approval
(``approves @ines`` → ``approves @theo``), reroutes a handoff (``build -> qa``
→ ``build -> deploy``, so work skips QA) and doubles the intake's arrivals.
``wmdsl diff --git HEAD~1`` must report exactly those three changes, the
finding they cause (QA is now unreachable) and the change in lead time.
``python -m tests.goldens`` rewrites the goldens.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from click.testing import CliRunner

from wmdsl.cli import cli

GOLDEN = Path(__file__).resolve().parent / "golden" / "diff"
FORMATS = {"text": "txt", "markdown": "md", "json": "json"}

# The rules are pinned, so that a rule added later does not change what the goldens expect.
CONFIG = 'select = ["CLR", "SYS", "FLW", "VIS", "ADP001", "ADP002", "HUM005"]\n'

BEFORE = """\
workflow delivery "Product delivery" {
  owner @maya
  purpose "Ship small changes safely every week"
  person @maya "Maya Okafor"
  person @theo "Theo Brandt"
  person @ines "Ines Duarte"
  person @omar "Omar Haddad"

  lane eng "Engineering" { owner @maya; delegate @theo; members @maya, @theo, @omar }
  lane quality "Quality" { owner @ines; delegate @omar; members @ines, @omar 50% }

  intake requests "Change requests" {
    owner @maya
    channel "Issue tracker"
    arrivals 4 per week
  }
  stage build "Build" in eng { wip 4; effort 1d; done "Merged with tests" }
  stage qa "Test" in quality { wip 2; effort 1h; done "Checked on staging" }
  stage deploy "Deploy" in eng { wip 2; effort 2h; done "Live in production" }
  exit shipped "Shipped"
  exit dropped "Dropped" { kind rejected }

  decision release "Release to production" {
    decides @maya
    approves @ines
    informs @theo
    escalates @omar after 2d
    delegate @theo
  }

  requests -> build
  build -> dropped "not worth it" { chance 10% }
  build -> qa
  qa -> deploy { gate release }
  deploy -> shipped

  board flow "Delivery board" { owner @maya; shows build, qa, deploy; audience eng, quality }
  metric lead "Lead time" { from requests to shipped; target 10d at 85% }
  cadence weekly "Weekly review" { owner @maya; every 1w; reviews flow, lead }
}
"""


def changed(text: str, *edits: tuple[str, str]) -> str:
    """``text`` with each ``(old, new)`` replaced, each ``old`` found exactly once."""
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


AFTER = changed(
    BEFORE,
    ("approves @ines", "approves @theo"),
    ("  build -> qa\n", "  build -> deploy\n"),
    ("arrivals 4 per week", "arrivals 8 per week"),
)


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True)
    return done.stdout


def commit(repo: Path, files: dict[str, str], message: str) -> None:
    """Write ``files`` (path → text) in ``repo`` and commit everything."""
    for name, text in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def new_repo(folder: Path) -> Path:
    """An empty git repository with its own identity (nothing read from the user's configuration)."""
    folder.mkdir(parents=True, exist_ok=True)
    git(folder, "init", "-q")
    git(folder, "config", "user.name", "Test")
    git(folder, "config", "user.email", "test@example.com")
    git(folder, "config", "commit.gpgsign", "false")
    return folder


def acceptance_repo(folder: Path) -> Path:
    """The repository of the acceptance test, its last commit making the three changes."""
    repo = new_repo(folder)
    commit(repo, {"wmdsl.toml": CONFIG, "specs/delivery.wm": BEFORE}, "a delivery workflow")
    commit(repo, {"specs/delivery.wm": AFTER}, "approvals by Theo, no QA, twice the requests")
    return repo


def run(repo: Path, *args: str) -> tuple[int, str]:
    """``wmdsl ARGS`` run in ``repo``: its exit status and output."""
    here = Path.cwd()
    os.chdir(repo)
    try:
        result = CliRunner().invoke(cli, list(args))
    finally:
        os.chdir(here)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def outputs(folder: Path) -> dict[str, str]:
    """``wmdsl diff --git HEAD~1`` of the acceptance repository, in each format."""
    repo = acceptance_repo(folder)
    return {name: run(repo, "diff", "--git", "HEAD~1", "--format", name)[1] for name in FORMATS}


def regenerate(folder: Path) -> int:
    """Rewrite the goldens (in a scratch ``folder``); how many were written."""
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for name, text in outputs(folder).items():
        (GOLDEN / f"acceptance.{FORMATS[name]}").write_text(text, encoding="utf-8")
    return len(FORMATS)
