"""``wmdsl diff``: what changed in how work flows between two versions of the specs.

Two versions are compiled and checked as ``wmdsl check`` would
(:mod:`wmdsl.diff.sides`), and their models compared, not their text:
elements added, removed and renamed (:mod:`wmdsl.diff.elements` says how a
rename is recognised), decision rights, handoffs, figures and other fields
(:mod:`wmdsl.diff.compare`), findings introduced and fixed
(:mod:`wmdsl.diff.findings`), and how the flow analysis moved
(:mod:`wmdsl.diff.analysis`). :mod:`wmdsl.diff.formats` writes the result
as text, Markdown or JSON.

The versions are two files, two folders (:func:`compare_paths`), or two git
revisions (:func:`compare_revisions`), read from the repository into a
temporary folder without touching the work tree (:mod:`wmdsl.diff.git`).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from wmdsl.diff.analysis import deltas
from wmdsl.diff.compare import changes
from wmdsl.diff.elements import flatten, renames, workflow_keys
from wmdsl.diff.findings import findings
from wmdsl.diff.records import Change, Delta, Diff, Finding
from wmdsl.diff.sides import DiffError, Side, empty, load, unreadable
from wmdsl.flow.results import WorkflowAnalysis
from wmdsl.model import Document

__all__ = [
    "Change",
    "Delta",
    "Diff",
    "DiffError",
    "Finding",
    "compare",
    "compare_paths",
    "compare_revisions",
]


def _kept(side: Side, broken: set[str]) -> tuple[list[tuple[str, Document]], dict[str, WorkflowAnalysis]]:
    """The documents of ``side`` that compiled on both sides, and the analysis of each workflow by key."""
    kept = [n for n, (file, _) in enumerate(side.documents) if file not in broken]
    documents = [side.documents[n] for n in kept]
    figures = [workflow for n in kept for workflow in side.analyses[n].workflows]
    keys = workflow_keys(documents)
    return documents, {key: figures[number] for number, (key, _, _) in enumerate(keys)}


def compare(old: Side, new: Side) -> Diff:
    """Everything that differs from ``old`` to ``new``."""
    # A file that does not compile on either side has no model: it is left
    # out of the comparison of models on both, and its errors are findings.
    broken = set(old.failed) | set(new.failed)
    old_documents, old_figures = _kept(old, broken)
    new_documents, new_figures = _kept(new, broken)
    flat_old = flatten(old_documents, old.names.file)
    flat_new = flatten(new_documents, new.names.file)
    found = renames(flat_old, flat_new)
    listed = changes(flat_old, flat_new, found, (old.names, new.names))
    introduced, fixed = findings(old, new, found)
    moved: list[Delta] = []
    for old_key, new_key in sorted(found.matched.items(), key=lambda pair: pair[1]):
        before, after = old_figures.get(old_key), new_figures.get(new_key)
        if before is not None and after is not None:
            moved += deltas(new_key, before, after, found.names(new_key))
    notes = [f"{old.label}: {file} does not compile; its model is not compared" for file in old.failed]
    notes += [f"{new.label}: {file} does not compile; its model is not compared" for file in new.failed]
    return Diff(
        old=old.label,
        new=new.label,
        changes=tuple(listed),
        introduced=tuple(introduced),
        fixed=tuple(fixed),
        deltas=tuple(moved),
        notes=tuple(notes),
    )


def _check_readable(side: Side, file: str, given: Path) -> None:
    problem = unreadable(side, file)
    if problem is not None:
        raise DiffError(f"{given}: {problem}")


def compare_paths(
    old: str | Path, new: str | Path, *, root: str | Path | None = None, exclude: Sequence[str] = ()
) -> Diff:
    """Compare two files, or two folders of specs (found as ``wmdsl check`` finds them).

    Files are known by their path below the folder compared (a file by its
    name): two files compared under different names are one file.
    """
    given = (Path(old), Path(new))
    for path in given:
        if not os.path.lexists(path):
            raise DiffError(f"no such file or directory: {path}")
    folders = [path.is_dir() for path in given]
    if folders[0] != folders[1]:
        raise DiffError(f"compare a file with a file or a folder with a folder: {old} and {new}")
    where = Path(root) if root is not None else None
    if folders[0]:
        sides = [load([path], path, path.as_posix(), root=where, exclude=exclude) for path in given]
    else:
        alias = {given[0].name: given[1].name} if given[0].name != given[1].name else {}
        sides = [
            load([given[0]], given[0].parent, given[0].as_posix(), root=where, alias=alias),
            load([given[1]], given[1].parent, given[1].as_posix(), root=where),
        ]
        for side, path in zip(sides, given, strict=True):
            _check_readable(side, given[1].name, path)
    return compare(sides[0], sides[1])


def compare_revisions(
    spec: str, paths: Sequence[str | Path] = (), *, exclude: Sequence[str] = (), cwd: str | Path | None = None
) -> Diff:
    """Compare the specs of two git revisions: ``BASE``, ``BASE..HEAD`` or ``BASE...HEAD``.

    ``HEAD`` defaults to the repository's ``HEAD`` (the last commit, not the
    work tree); ``BASE...HEAD`` starts from their merge base, as a pull
    request does. The repository is the one ``cwd`` (default: the working
    directory) is in; ``paths`` (files or folders there) limit the diff to
    the specs they name, and default to the whole repository.
    """
    from wmdsl.diff import git

    top = git.top_level(Path(cwd) if cwd is not None else None)
    revisions = git.revisions(top, spec)
    real_top = os.path.realpath(top)
    here = Path(cwd) if cwd is not None else Path.cwd()
    inside = []
    for path in paths:
        relative = os.path.relpath(os.path.realpath(here / path), real_top)
        if relative == ".." or relative.startswith(".." + os.sep):
            raise DiffError(f"{path} is outside the repository {top}")
        inside.append(relative.replace(os.sep, "/"))
    with tempfile.TemporaryDirectory(prefix="wmdsl-diff-") as temporary:
        sides = []
        for name, label, commit in (
            ("old", revisions.base, revisions.base_id),
            ("new", revisions.head, revisions.head_id),
        ):
            folder = Path(temporary, name, "tree")
            folder.mkdir(parents=True)
            # Settings are looked for upward from each spec: an empty configuration
            # above the tree stops the search there, so that a revision without
            # one is read with the defaults, not with whatever lies above the folder.
            Path(temporary, name, "wmdsl.toml").write_text("", encoding="utf-8")
            git.export(top, commit, folder)
            named = [folder.joinpath(*p.split("/")) for p in inside] if inside else [folder]
            present = [path for path in named if os.path.lexists(path)]
            if not present:  # none of the paths is in this revision: it has no specs there
                sides.append(empty(folder, label))
                continue
            sides.append(load(present, folder, label, root=folder, exclude=exclude, empty_ok=True))
        if inside and not any(side.documents or side.diagnostics for side in sides):
            shown = ", ".join(str(p) for p in paths)
            raise DiffError(f"no .wm files under {shown} in {revisions.base} or {revisions.head}")
        return compare(sides[0], sides[1])
