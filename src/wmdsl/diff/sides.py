"""The two sides of a diff: the specs of a file, a folder or a revision, compiled and checked.

Each side is compiled as ``wmdsl check`` compiles it (:func:`wmdsl.api.project`:
the same discovery, configuration, confinement and rules), and everything it
names is made relative to the side's own folder, so that the same file in
``old/`` and ``new/`` (or in two revisions) is one file: ``specs/a.wm``
whatever folder it was read from. Fingerprints of findings
(:mod:`wmdsl.diagnostics.fingerprints`) are taken of those relative names.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from wmdsl.diagnostics import Diagnostic, Related, UsageError
from wmdsl.diagnostics.fingerprints import fingerprints
from wmdsl.model import Document
from wmdsl.model.span import Span

if TYPE_CHECKING:
    from wmdsl.flow.results import Analysis


class DiffError(UsageError):
    """The diff cannot be made: a path, a revision or the repository is wrong."""


@dataclass(frozen=True, slots=True)
class Names:
    """How one side's file names are shown: relative to its folder, with ``/``.

    ``alias`` renames files (relative name to relative name): two single
    files compared under different names are one file. ``prefixes`` are the
    spellings of the side's folder that messages may quote, taken out of them.
    """

    base: str  # the side's folder, real path
    alias: Mapping[str, str] = field(default_factory=dict)
    prefixes: tuple[str, ...] = ()

    def file(self, shown: str) -> str:
        """``shown`` (a path as a report gives it) relative to the side's folder."""
        relative = os.path.relpath(os.path.realpath(shown), self.base).replace(os.sep, "/")
        return self.alias.get(relative, relative)

    def where(self, span: Span) -> str:
        """``file:line:col`` of ``span``, its file relative."""
        return f"{self.file(span.file)}:{span.line}:{span.col}"

    def text(self, message: str) -> str:
        """``message`` without the side's folder in the paths it quotes."""
        for prefix in self.prefixes:
            message = message.replace(prefix, "")
        return message

    def span(self, span: Span) -> Span:
        return replace(span, file=self.file(span.file))


@dataclass(frozen=True, slots=True)
class Side:
    """One side: its documents by relative file, its findings and what they point at."""

    label: str
    names: Names
    documents: tuple[tuple[str, Document], ...] = ()
    failed: tuple[str, ...] = ()  # relative files that did not compile
    diagnostics: tuple[Diagnostic, ...] = ()  # relative, sorted
    sources: Mapping[str, str] = field(default_factory=dict)  # relative file → text
    analyses: tuple[Analysis, ...] = ()  # of each document, in order

    def fingerprints(self) -> list[str]:
        """The fingerprint of each finding, in order."""
        return fingerprints(self.diagnostics, self.sources)


def _relative(diagnostic: Diagnostic, names: Names) -> Diagnostic:
    return replace(
        diagnostic,
        span=names.span(diagnostic.span),
        message=names.text(diagnostic.message),
        hint=names.text(diagnostic.hint) if diagnostic.hint is not None else None,
        related=tuple(Related(names.span(r.span), names.text(r.message)) for r in diagnostic.related),
    )


def _prefixes(base: str) -> tuple[str, ...]:
    # Messages quote files relative to the project root, or, outside the
    # working directory, whole: a revision's temporary folder is one.
    return tuple(sorted({base + os.sep, base + "/"}))


def empty(base: Path, label: str) -> Side:
    """A side without specs (a revision from before they were written)."""
    real = os.path.realpath(base)
    return Side(label, Names(real, {}, _prefixes(real)))


def load(
    paths: Sequence[Path],
    base: Path,
    label: str,
    *,
    root: Path | None = None,
    exclude: Sequence[str] = (),
    alias: Mapping[str, str] | None = None,
    empty_ok: bool = False,
) -> Side:
    """Compile and check the specs ``paths`` name, with names relative to ``base``.

    ``empty_ok``: a side that holds no spec at all is empty rather than an
    error (a revision from before the specs were written).
    """
    from wmdsl import api
    from wmdsl.flow.analysis import analyze
    from wmdsl.project.settings import ConfigError

    real = os.path.realpath(base)
    names = Names(real, dict(alias or {}), _prefixes(real))
    if not paths:
        return Side(label, names)
    try:
        built = api.project(list(paths), root=root, exclude=exclude, rules=True)
    except api.UsageError as error:
        if empty_ok:
            return Side(label, names)
        raise DiffError(f"{label}: {names.text(str(error))}") from error
    except ConfigError as error:
        raise DiffError(f"{label}: {names.text(str(error))}") from error
    compiled = {names.file(str(path)) for path in built.compiled}
    failed = sorted({names.file(str(path)) for path in built.files} - compiled)
    documents = tuple((names.file(str(p)), d) for p, d in zip(built.compiled, built.documents, strict=True))
    diagnostics = sorted((_relative(d, names) for d in built.report.diagnostics), key=lambda d: d.sort_key)
    sources = {names.file(shown): text for shown, text in built.report.sources.items()}
    return Side(
        label,
        names,
        documents,
        tuple(failed),
        tuple(diagnostics),
        sources,
        tuple(analyze(document) for _, document in documents),
    )


def unreadable(side: Side, file: str) -> str | None:
    """Why ``file`` (relative) could not be read at all, if it could not; None when it could."""
    from wmdsl.diagnostics import codes

    for diagnostic in side.diagnostics:
        named = diagnostic.span.file == file and diagnostic.code == codes.UNREADABLE.code
        if named and diagnostic.message.startswith("cannot read"):
            return diagnostic.message
    return None
