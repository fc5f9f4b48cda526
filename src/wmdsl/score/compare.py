"""``wmdsl score --git REV``: the same specs scored at a revision, and each score's change.

The paths given are read again as they were at the revision, exported into
a temporary folder by the loader ``wmdsl diff --git`` uses
(:mod:`wmdsl.diff.git`: ``git ls-tree`` and ``git cat-file``, never the work
tree), and scored the same way. A
workflow is the same one on both sides when its file has the same path
relative to the repository and it has the same name.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from wmdsl.diagnostics import UsageError
from wmdsl.diff import git
from wmdsl.score.evaluate import check, scores
from wmdsl.score.records import Change, Comparison, Scorecard, Scores, WorkflowChange


def _relative(path: str | Path, base: Path) -> str:
    return os.path.relpath(os.path.realpath(path), os.path.realpath(base)).replace(os.sep, "/")


def compare(
    now: Scores,
    paths: Sequence[Path],
    revision: str,
    *,
    exclude: Sequence[str] = (),
    here: Path | None = None,
) -> tuple[Scores, str | None]:
    """``now`` with the comparison against ``revision``; the second value says why none was made, if so."""
    top = git.top_level(here)
    if ".." in revision:
        raise UsageError(f"--git takes one revision, not a range: {revision!r}")
    commit = git.revisions(top, revision).base_id
    given = []
    for path in paths:
        relative = _relative(path, top)
        if relative == ".." or relative.startswith("../"):
            raise UsageError(f"{path} is outside the repository at {top}: --git compares files inside it")
        given.append(relative)
    with tempfile.TemporaryDirectory(prefix="wmdsl-score-") as folder:
        base = Path(folder)
        git.export(top, commit, base)
        old_paths = [base / relative for relative in given if (base / relative).exists()]
        before = Scores()
        if old_paths:
            try:
                checked = check(old_paths, root=base, exclude=exclude)
            except UsageError:
                checked = None  # the revision has no spec where the paths point: every workflow is new
            if checked is not None and checked.refused:
                return now, f"{revision} has specs that do not compile, so its scores cannot be compared"
            if checked is not None:
                before = scores(checked)
        comparison = _comparison(now, before, revision, commit, top, base)
    return replace(now, comparison=comparison), None


def _key(card: Scorecard, base: Path) -> tuple[str, str]:
    return _relative(card.file, base), card.workflow


def _comparison(now: Scores, before: Scores, revision: str, commit: str, top: Path, base: Path) -> Comparison:
    old = {_key(card, base): card for card in before.workflows}
    seen = set()
    moved = []
    for card in now.workflows:
        key = _key(card, top)
        seen.add(key)
        was = old.get(key)
        scores_then = {c.id: c.score for c in was.components} if was is not None else {}
        changes = tuple(
            Change(id=c.id, before=scores_then.get(c.id) if was is not None else None, after=c.score)
            for c in card.components
        )
        moved.append(WorkflowChange(file=card.file, workflow=card.workflow, changes=changes))
    then = {t.id: t.score for t in before.project}
    project = tuple(Change(id=t.id, before=then.get(t.id), after=t.score) for t in now.project)
    removed = tuple(f"{file}:{name}" for file, name in sorted(old) if (file, name) not in seen)
    return Comparison(
        revision=revision, commit=commit, project=project, workflows=tuple(moved), removed=removed
    )
