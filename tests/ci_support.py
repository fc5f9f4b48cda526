"""What the tests of the CI integrations share: specs, a scratch git repository, a clean environment."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# A spec with no findings under the default rules, in the canonical layout.
CLEAN_SPEC = """\
workflow intake "Design requests" {
  purpose "Turn briefs into delivered designs"
  owner @maya
  person @maya "Maya Okafor"
  person @theo "Theo Brandt"

  lane studio "Design studio" { owner @maya; members @maya, @theo }

  intake briefs "Creative briefs" { owner @maya; channel "Brief form"; arrivals 3 per week }
  stage shape "Shape the brief" in studio { wip 3; effort 2h; done "The brief is agreed" }
  stage design "Design" in studio { wip 4; effort 2d; done "The design is signed off" }
  exit delivered "Delivered" { kind done }
  exit declined "Declined" { kind rejected }

  board work "Work" { shows shape, design; audience studio }
  metric lead_time "Lead time" { from briefs to delivered; level progress }
  cadence review "Review" { every 2w; owner @maya; reviews shape }

  briefs -> shape
  shape -> design
  shape -> declined
  design -> delivered

  metric used "Designs in use" { level outcome }
}
"""

# The same spec with a misspelt name: an error (SYN002).
BROKEN_SPEC = CLEAN_SPEC.replace("shape -> design\n", "shape -> desing\n")

# The same spec laid out by hand, not as `wmdsl fmt` writes it.
UNFORMATTED_SPEC = CLEAN_SPEC.replace("  briefs -> shape\n", "  briefs   ->   shape\n")


def clean_environment(**extra: str) -> dict[str, str]:
    """This process's environment without what would leak into a child run or a git command.

    ``PYTHONPATH`` is kept, so a child finds this tree's wmdsl as the tests
    do; git reads no user or system configuration, so commits are the same
    on every machine.
    """
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("GITHUB_", "GIT_", "WMDSL_COMMENT", "WMDSL_DIFF", "PRE_COMMIT"))
        and name not in ("VIRTUAL_ENV",)
    }
    environment.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_AUTHOR_NAME="Test",
        GIT_AUTHOR_EMAIL="test@example.com",
        GIT_COMMITTER_NAME="Test",
        GIT_COMMITTER_EMAIL="test@example.com",
        GIT_AUTHOR_DATE="2024-01-01T00:00:00Z",
        GIT_COMMITTER_DATE="2024-01-01T00:00:00Z",
    )
    environment.update(extra)
    return environment


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` (configured by :func:`clean_environment` only); its output."""
    done = subprocess.run(
        ["git", *args],
        cwd=repo,
        env=clean_environment(),
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def new_repository(folder: Path, files: dict[str, str]) -> str:
    """A git repository in ``folder`` whose one commit holds ``files``; the commit's name."""
    folder.mkdir(parents=True, exist_ok=True)
    git(folder, "init", "--quiet", "--initial-branch=main")
    return commit(folder, files, "first")


def commit(repo: Path, files: dict[str, str], message: str) -> str:
    """Write ``files`` into ``repo`` and commit them; the new commit's name."""
    for name, text in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--no-gpg-sign", "-m", message)
    return git(repo, "rev-parse", "HEAD")
