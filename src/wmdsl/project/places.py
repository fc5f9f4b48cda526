"""Where a reported file is in its repository: the path CI systems map findings by.

Reports name files as the run was given them (relative to the working
directory). Code scanning and GitLab's code quality widget instead read a path
relative to the top of the repository, whatever folder the run was started
in; so do baselines, which must match the same findings from any folder.

The top of the repository is the nearest folder upward holding ``.git`` (a
folder, or the file of a worktree or submodule), found by looking, never by
running git. Outside a repository it is the project root: the one the run was
given (``--root``), else the nearest folder upward with a root marker (see
:func:`wmdsl.project.specs.find_root`). A file outside both keeps its name.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from wmdsl.diagnostics import Diagnostic, Related
from wmdsl.model.span import Span
from wmdsl.project.specs import find_root

if TYPE_CHECKING:
    from wmdsl.diagnostics.report import Report


def find_repository(path: Path) -> Path | None:
    """The nearest folder above ``path`` (made absolute, links not followed) that holds ``.git``."""
    for folder in Path(os.path.abspath(path)).parents:
        if os.path.lexists(folder / ".git"):
            return folder
    return None


class Places:
    """Each file a report names → its path from the top of its repository, worked out once per file."""

    def __init__(self, root: str | None = None) -> None:
        self.root = Path(os.path.abspath(root)) if root is not None else None
        self.found: dict[str, str] = {}
        self.tops: dict[Path, tuple[Path | None, Path]] = {}  # by folder: a report names many files of one

    def __call__(self, shown: str) -> str:
        if shown not in self.found:
            self.found[shown] = self._place(shown)
        return self.found[shown]

    def _place(self, shown: str) -> str:
        path = Path(os.path.abspath(shown))
        if path.parent not in self.tops:
            self.tops[path.parent] = (find_repository(path), find_root(path))
        repository, marked = self.tops[path.parent]
        for top in (repository, self.root, marked):
            if top is not None and path.is_relative_to(top):
                return path.relative_to(top).as_posix()
        return shown.replace("\\", "/")


def relocated(report: Report) -> Report:
    """``report`` with every file named from the top of its repository (sources and spans alike).

    The order of the findings is kept: it is the run's, which formats follow.
    """
    place = Places(report.root)

    def moved(span: Span) -> Span:
        return replace(span, file=place(span.file))

    def relocate(diagnostic: Diagnostic) -> Diagnostic:
        related = tuple(Related(moved(r.span), r.message) for r in diagnostic.related)
        return replace(diagnostic, span=moved(diagnostic.span), related=related)

    return replace(
        report,
        files=[place(file) for file in report.files],
        diagnostics=[relocate(d) for d in report.diagnostics],
        sources={place(name): text for name, text in report.sources.items()},
    )
