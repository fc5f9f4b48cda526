"""The front door: everything the CLI (or any program) does goes through here.

The shape mirrors :mod:`json`: :func:`load` and :func:`loads` give a checked
model (or raise :class:`SpecError` with the diagnostics), :func:`check` and
:func:`check_text` run the whole pipeline and return a :class:`Report`. Each
stage is exposed on its own too: :func:`parse`, :func:`compile_path`,
:func:`graph`.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from wmdsl.checker import run_rules
from wmdsl.diagnostics import Diagnostic, Severity, sorted_unique
from wmdsl.graph import FlowGraph, build_graph
from wmdsl.model import Document, Workflow, json_schema
from wmdsl.resolve.loader import Compilation, compile_file, compile_text
from wmdsl.syntax import ParsedFile
from wmdsl.syntax import parse as _parse

__all__ = [
    "Compilation",
    "Report",
    "SpecError",
    "UsageError",
    "check",
    "check_text",
    "compile_path",
    "discover",
    "graph",
    "json_schema",
    "load",
    "loads",
    "parse",
    "render",
]

SUFFIX = ".wm"


class WmdslError(Exception):
    """Base of the errors wmdsl raises on purpose."""


class UsageError(WmdslError):
    """The request itself is wrong: a missing path, a folder without specs."""


class SpecError(WmdslError):
    """A spec has language errors; ``diagnostics`` says which."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        first = diagnostics[0]
        more = f" (and {len(diagnostics) - 1} more)" if len(diagnostics) > 1 else ""
        super().__init__(f"{first.span}: {first.code} {first.message}{more}")


@dataclass
class Report:
    """The outcome of checking one or more files."""

    files: list[str]
    diagnostics: list[Diagnostic]
    sources: dict[str, str] = field(default_factory=dict)

    def count(self, severity: Severity) -> int:
        """How many diagnostics have ``severity``."""
        return sum(1 for d in self.diagnostics if d.severity is severity)

    def exit_code(self, fail_on: Severity = Severity.ERROR) -> int:
        """0 when nothing reaches ``fail_on``, else 1."""
        return 1 if any(d.severity >= fail_on for d in self.diagnostics) else 0


def parse(text: str, path: str = "<string>") -> ParsedFile:
    """Parse ``text`` into statements (no names resolved yet)."""
    return _parse(text, path)


def compile_path(path: str | Path, *, root: str | Path | None = None) -> Compilation:
    """Read, parse and resolve one file and its imports."""
    return compile_file(Path(path), Path(root) if root is not None else None)


def load(path: str | Path, *, root: str | Path | None = None) -> Document:
    """The checked model of ``path``; raises :class:`SpecError` on language errors."""
    return _document(compile_path(path, root=root))


def loads(text: str, *, path: str = "<string>") -> Document:
    """The checked model of ``text``; raises :class:`SpecError` on language errors."""
    return _document(compile_text(text, path))


def _document(compilation: Compilation) -> Document:
    if compilation.document is None:
        raise SpecError(compilation.diagnostics)
    return compilation.document


def graph(workflow: Workflow) -> FlowGraph:
    """The flow graph of a workflow."""
    return build_graph(workflow)


def _excluded(path: Path, base: Path, patterns: Sequence[str]) -> bool:
    """True when ``path`` (below folder ``base``) or one of its folders matches a pattern."""
    relative = path.relative_to(base)
    names = [relative.as_posix(), *relative.parts]
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns for name in names)


def discover(paths: Iterable[str | Path], exclude: Sequence[str] = ()) -> list[Path]:
    """The ``.wm`` files named by ``paths`` (folders searched recursively), sorted.

    Files found in folders are skipped when their path below the folder, or
    the name of a folder on the way, matches a glob in ``exclude``; files
    named explicitly are always checked.
    """
    found: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            specs = {p for p in path.rglob(f"*{SUFFIX}") if p.is_file() and not _excluded(p, path, exclude)}
            if not specs:
                raise UsageError(f"no {SUFFIX} files found under {path}")
            found |= specs
        elif path.exists():
            found.add(path)
        else:
            raise UsageError(f"no such file or directory: {path}")
    return sorted(found, key=lambda p: p.as_posix())


def _check_compilation(compilation: Compilation) -> list[Diagnostic]:
    if compilation.document is None:
        return compilation.diagnostics
    return [*compilation.diagnostics, *run_rules(compilation.document)]


def check(
    paths: Iterable[str | Path], *, root: str | Path | None = None, exclude: Sequence[str] = ()
) -> Report:
    """Check every spec named by ``paths``: language errors and rule findings."""
    files = discover(paths, exclude)
    diagnostics: list[Diagnostic] = []
    sources: dict[str, str] = {}
    shown: list[str] = []
    for path in files:
        compilation = compile_path(path, root=root)
        shown.append(compilation.path)
        sources.update(compilation.sources)
        diagnostics.extend(_check_compilation(compilation))
    return Report(shown, sorted_unique(diagnostics), sources)


@dataclass
class Rendering:
    """The outcome of :func:`render`: the check report and, unless refused, the outputs."""

    report: Report
    outputs: dict[str, bytes]
    refused: bool


def render(
    path: str | Path, formats: Sequence[str], *, force: bool = False, root: str | Path | None = None
) -> Rendering:
    """Check ``path``, then render it in each of ``formats`` (names from ``RENDERERS``).

    Rendering is refused when the spec has errors: language errors always,
    rule errors unless ``force`` is set. Unknown format names raise
    :class:`UsageError`; a renderer that cannot run raises ``RenderError``.
    """
    from wmdsl.render import RENDERERS
    from wmdsl.render import render as render_format

    unknown = [name for name in formats if name not in RENDERERS]
    if unknown:
        raise UsageError(f"unknown format {unknown[0]!r}; choose from {', '.join(RENDERERS)}")
    compilation = compile_path(path, root=root)
    report = Report([compilation.path], sorted_unique(_check_compilation(compilation)), compilation.sources)
    has_errors = report.exit_code() != 0
    if compilation.document is None or (has_errors and not force):
        return Rendering(report, {}, refused=True)
    outputs = {name: render_format(compilation.document, name) for name in formats}
    return Rendering(report, outputs, refused=False)


def check_text(text: str, *, path: str = "<string>") -> Report:
    """Check ``text`` as if it were the contents of ``path``."""
    compilation = compile_text(text, path)
    return Report([compilation.path], sorted_unique(_check_compilation(compilation)), compilation.sources)
