"""The front door: everything the CLI (or any program) does goes through here.

The shape mirrors :mod:`json`: :func:`load` and :func:`loads` give a checked
model (or raise :class:`SpecError` with the diagnostics), :func:`check` and
:func:`check_text` run the whole pipeline and return a :class:`Report`. Each
stage is exposed on its own too: :func:`parse`, :func:`compile_path`,
:func:`graph`.
"""

from __future__ import annotations

import fnmatch
import functools
import gc
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from wmdsl.cache import Cache, key, root_of
from wmdsl.cache import Entry as CacheEntry
from wmdsl.cache import new_run as new_cache_run
from wmdsl.checker import run_rules
from wmdsl.diagnostics import Diagnostic, Severity, sorted_unique
from wmdsl.graph import FlowGraph, build_graph
from wmdsl.limits import Limits
from wmdsl.model import Document, Workflow, json_schema
from wmdsl.record import Record
from wmdsl.resolve.loader import Compilation, collector_paused, compile_file, compile_text
from wmdsl.settings import ConfigError, Overrides, Settings, new_run, settings_for
from wmdsl.syntax import ParsedFile
from wmdsl.syntax import parse as _parse

__all__ = [
    "Compilation",
    "ConfigError",
    "Overrides",
    "Report",
    "SpecError",
    "UsageError",
    "check",
    "check_text",
    "compile_path",
    "discover",
    "graph",
    "handbook",
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


class Report(Record):
    """The outcome of checking one or more files."""

    __slots__ = ("diagnostics", "fail_on", "files", "sources")
    files: list[str]
    diagnostics: list[Diagnostic]
    sources: dict[str, str]
    fail_on: Severity

    def __init__(
        self,
        files: list[str],
        diagnostics: list[Diagnostic],
        sources: dict[str, str] | None = None,
        fail_on: Severity = Severity.ERROR,
    ) -> None:
        self.files = files
        self.diagnostics = diagnostics
        self.sources = {} if sources is None else sources
        self.fail_on = fail_on

    def count(self, severity: Severity) -> int:
        """How many diagnostics have ``severity``."""
        return sum(1 for d in self.diagnostics if d.severity is severity)

    def exit_code(self, fail_on: Severity | None = None) -> int:
        """0 when nothing reaches ``fail_on`` (default: the configured level), else 1."""
        level = self.fail_on if fail_on is None else fail_on
        return 1 if any(d.severity >= level for d in self.diagnostics) else 0


def parse(text: str, path: str = "<string>") -> ParsedFile:
    """Parse ``text`` into statements (no names resolved yet)."""
    return _parse(text, path)


def compile_path(
    path: str | Path, *, root: str | Path | None = None, limits: Limits | None = None
) -> Compilation:
    """Read, parse and resolve one file and its imports."""
    return compile_file(Path(path), Path(root) if root is not None else None, limits=limits or Limits())


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


def _check_compilation(
    compilation: Compilation, settings: Settings | None = None, *, honour_allows: bool = True
) -> list[Diagnostic]:
    if compilation.document is None:
        return compilation.diagnostics
    findings = run_rules(compilation.document, settings, honour_allows=honour_allows)
    return [*compilation.diagnostics, *findings]


# What checking one file found is what the cache keeps of it.
_FileResult = CacheEntry


def _new_run() -> None:
    """Forget what earlier runs found: configuration files, file hashes and roots may have changed."""
    new_run()
    new_cache_run()


def _cache_slot(
    path: Path, root: str | Path | None, overrides: Overrides, honour_allows: bool
) -> tuple[Cache, str] | None:
    """Where the result of checking ``path`` this way is cached (None: unreadable)."""
    resolved = path.resolve()  # once: each resolve is a system call per folder of the path
    store = Cache(Path(root) if root is not None else root_of(resolved))
    entry_key = key(resolved, settings_for(path, overrides).source, f"{overrides!r}|{root}", honour_allows)
    return (store, entry_key) if entry_key else None


def _from_cache(
    path: Path, root: str | Path | None, overrides: Overrides, honour_allows: bool
) -> _FileResult | None:
    slot = _cache_slot(path, root, overrides, honour_allows)
    return slot[0].get(slot[1]) if slot else None


def _check_file(
    path: Path, root: str | Path | None, overrides: Overrides, honour_allows: bool, use_cache: bool = False
) -> _FileResult:
    """Check one file with the settings that apply to it (runs in worker processes too)."""
    with collector_paused():
        # The model is freed (by reference counting) inside the pause: were it
        # alive when the collector resumes, its first full pass would walk
        # every object of the model once more for nothing.
        return _check_file_paused(path, root, overrides, honour_allows, use_cache)


def _check_file_paused(
    path: Path, root: str | Path | None, overrides: Overrides, honour_allows: bool, use_cache: bool
) -> _FileResult:
    settings = settings_for(path, overrides)
    compilation = compile_path(path, root=root, limits=settings.limits)
    result = _finish(path, compilation, settings, honour_allows)
    slot = _cache_slot(path, root, overrides, honour_allows) if use_cache else None
    if slot is not None:
        slot[0].put(slot[1], result, compilation.files or [path.resolve()])
    if _left_for_exit is not None:
        _left_for_exit[:] = [compilation]  # the one before is freed here, still inside the pause
        gc.freeze()  # what stays alive is never scanned again
    return result


# A process about to end with ``os._exit`` (the command line: see
# :func:`wmdsl.cli.run`) gains nothing from freeing the model of the file it
# checked last, object by object: a tenth of a second for 50 000 stages. Only
# that one is left alive, so memory stays what one model needs.
_left_for_exit: list[Compilation] | None = None


def leave_last_model_to_exit() -> None:
    """Keep the last checked file's model alive, for a process that ends with ``os._exit``."""
    global _left_for_exit
    _left_for_exit = []


def _finish(path: Path, compilation: Compilation, settings: Settings, honour_allows: bool) -> _FileResult:
    found = _check_compilation(compilation, settings, honour_allows=honour_allows)
    ignored = settings.ignored_in(path)
    kept = [d for d in found if d.code not in ignored]
    return _FileResult(compilation.path, kept, compilation.sources, settings.fail_on)


PARALLEL_FROM = 16  # below this many files, starting worker processes costs more than it saves


def _run_all(
    files: list[Path],
    root: str | Path | None,
    overrides: Overrides,
    honour_allows: bool,
    jobs: int | None,
    use_cache: bool,
) -> list[_FileResult]:
    # Cached results are read here; only the files that miss are checked,
    # in worker processes when there are many of them.
    found: dict[Path, _FileResult] = {}
    if use_cache:
        for path in files:
            hit = _from_cache(path, root, overrides, honour_allows)
            if hit is not None:
                found[path] = hit
    misses = [path for path in files if path not in found]
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(misses) < PARALLEL_FROM:
        found.update((p, _check_file(p, root, overrides, honour_allows, use_cache)) for p in misses)
    else:
        work = functools.partial(
            _check_file, root=root, overrides=overrides, honour_allows=honour_allows, use_cache=use_cache
        )
        import concurrent.futures  # only when files are checked in parallel

        with concurrent.futures.ProcessPoolExecutor(max_workers=min(workers, len(misses))) as pool:
            chunk = max(1, len(misses) // (workers * 8))
            found.update(zip(misses, pool.map(work, misses, chunksize=chunk), strict=True))
    return [found[path] for path in files]


def check(
    paths: Iterable[str | Path],
    *,
    root: str | Path | None = None,
    exclude: Sequence[str] = (),
    select: Sequence[str] | None = None,
    overrides: Overrides | None = None,
    honour_allows: bool = True,
    jobs: int | None = None,
    cache: bool = False,
) -> Report:
    """Check every spec named by ``paths``: language errors and rule findings.

    Settings are read from the configuration file that applies to each spec
    (``wmdsl.toml`` or ``[tool.wmdsl]`` in ``pyproject.toml``, found upward),
    then ``overrides`` (or just ``select``) apply. Files are checked in
    parallel when there are many; the report is sorted either way. With
    ``cache``, results of unchanged files come from ``.wmdsl_cache/`` in the
    project root (see :mod:`wmdsl.cache`).
    """
    overrides = overrides or Overrides()
    if select is not None:
        overrides = overrides.replace(select=tuple(select))
    _new_run()
    files = discover(paths, exclude)
    results = _run_all(files, root, overrides, honour_allows, jobs, cache)
    diagnostics = [d for result in results for d in result.diagnostics]
    sources = {name: text for result in results for name, text in result.sources.items()}
    fail_on = min((r.fail_on for r in results), default=Severity.ERROR)
    if overrides.fail_on is not None:
        fail_on = Severity.parse(overrides.fail_on)
    return Report([r.shown for r in results], sorted_unique(diagnostics), sources, fail_on)


class Rendering(Record):
    """The outcome of :func:`render`: the check report and, unless refused, the outputs."""

    __slots__ = ("outputs", "refused", "report")
    report: Report
    outputs: dict[str, bytes]
    refused: bool

    def __init__(self, report: Report, outputs: dict[str, bytes], refused: bool) -> None:
        self.report = report
        self.outputs = outputs
        self.refused = refused


def render(
    path: str | Path, formats: Sequence[str], *, force: bool = False, root: str | Path | None = None
) -> Rendering:
    """Check ``path``, then render it in each of ``formats`` (names from ``RENDERERS``).

    Rendering is refused when the spec has errors: language errors always,
    rule errors unless ``force`` is set. Unknown format names raise
    :class:`UsageError`; a renderer that cannot run raises ``RenderError``.
    The cyclic collector is paused meanwhile, as for checking: with the
    model alive, each of its full passes walked every object of the model,
    which made rendering a large spec superlinear.
    """
    from wmdsl.render import RENDERERS
    from wmdsl.render import render as render_format

    unknown = [name for name in formats if name not in RENDERERS]
    if unknown:
        raise UsageError(f"unknown format {unknown[0]!r}; choose from {', '.join(RENDERERS)}")
    with collector_paused():
        rendering, document = _checked(path, force, root)
        if document is not None:
            rendering.outputs.update((name, render_format(document, name)) for name in formats)
        return rendering


def _checked(path: str | Path, force: bool, root: str | Path | None) -> tuple[Rendering, Document | None]:
    """``path`` checked, and its model when it may be rendered (None when refused)."""
    _new_run()
    settings = settings_for(Path(path))
    compilation = compile_path(path, root=root, limits=settings.limits)
    result = _finish(Path(path), compilation, settings, True)
    report = Report([result.shown], sorted_unique(result.diagnostics), result.sources, result.fail_on)
    has_errors = report.exit_code() != 0
    if compilation.document is None or (has_errors and not force):
        return Rendering(report, {}, refused=True), None
    return Rendering(report, {}, refused=False), compilation.document


def handbook(
    path: str | Path, *, force: bool = False, root: str | Path | None = None
) -> tuple[Rendering, str | None]:
    """Check ``path`` and build its onboarding handbook (``{relative path: bytes}`` in ``outputs``).

    Refused like :func:`render`. The diagram is drawn with Graphviz when it is
    installed; otherwise the handbook is built without it and the second
    value says why.
    """
    from wmdsl.handbook import build_handbook
    from wmdsl.render import RenderError
    from wmdsl.render import render as render_format

    with collector_paused():
        rendering, document = _checked(path, force, root)
        if document is None:
            return rendering, None
        note: str | None = None
        try:
            svg: str | None = render_format(document, "svg").decode("utf-8")
        except RenderError as error:
            svg, note = None, str(error)
        rendering.outputs.update(build_handbook(document, rendering.report, svg))
        return rendering, note


def check_text(
    text: str,
    *,
    path: str = "<string>",
    select: Sequence[str] | None = None,
    overrides: Overrides | None = None,
) -> Report:
    """Check ``text`` as if it were the contents of ``path`` (settings as in :func:`check`)."""
    overrides = overrides or Overrides()
    if select is not None:
        overrides = overrides.replace(select=tuple(select))
    _new_run()
    settings = settings_for(Path(path), overrides)
    compilation = compile_text(text, path, limits=settings.limits)
    result = _finish(Path(path), compilation, settings, True)
    return Report([result.shown], sorted_unique(result.diagnostics), result.sources, result.fail_on)
