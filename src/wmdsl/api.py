"""The front door: everything the CLI (or any program) does goes through here.

The shape mirrors :mod:`json`: :func:`load` and :func:`loads` give a checked
model (or raise :class:`SpecError` with the diagnostics), :func:`check` and
:func:`check_text` run the whole pipeline and return a :class:`Report`. Each
stage is exposed on its own too: :func:`parse`, :func:`compile_path`,
:func:`graph`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wmdsl.diagnostics import Diagnostic, Severity, UsageError, WmdslError, codes, sorted_unique
from wmdsl.diagnostics.report import FileResult, Report
from wmdsl.flow.graph import FlowGraph, build_graph
from wmdsl.flow.load import sheet
from wmdsl.model import Document, Workflow, json_schema
from wmdsl.model.span import point
from wmdsl.project.limits import Limits
from wmdsl.project.settings import ConfigError, Configurations, Overrides, Settings, settings_for
from wmdsl.project.specs import discover, display_path, find_root, find_specs, opened
from wmdsl.resolve.compile import Compilation, compile_file, compile_text
from wmdsl.rules.checker import run_project_rules, run_rules
from wmdsl.rules.registry import RuleContext, load_sheet
from wmdsl.syntax import ParsedFile
from wmdsl.syntax import parse as _parse

if TYPE_CHECKING:
    from wmdsl.flow.load import LoadSheet, Pool
    from wmdsl.flow.results import Analysis
    from wmdsl.project.cache import Cache

__all__ = [
    "Checked",
    "Compilation",
    "ConfigError",
    "NothingToDraw",
    "Overrides",
    "Project",
    "Report",
    "SpecError",
    "UsageError",
    "analysis",
    "check",
    "check_text",
    "check_unsaved",
    "compile_path",
    "discover",
    "graph",
    "handbook",
    "json_schema",
    "load",
    "loads",
    "merged",
    "parse",
    "project",
    "render",
    "render_project",
]


class SpecError(WmdslError):
    """A spec has language errors; ``diagnostics`` says which."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        first = diagnostics[0]
        more = f" (and {len(diagnostics) - 1} more)" if len(diagnostics) > 1 else ""
        super().__init__(f"{first.span}: {first.code} {first.message}{more}")


class NothingToDraw(UsageError):
    """A format that draws workflows was asked of specs that hold none."""


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


def _check_compilation(
    compilation: Compilation, settings: Settings | None = None, *, honour_allows: bool = True
) -> tuple[list[Diagnostic], LoadSheet | None]:
    """The findings of the rules of one file, and what the document adds to the project's load."""
    if compilation.document is None:
        return compilation.diagnostics, None
    context = RuleContext(compilation.document, simulate=settings is not None and settings.simulate)
    findings = run_rules(compilation.document, settings, honour_allows=honour_allows, context=context)
    return [*compilation.diagnostics, *findings], load_sheet(context)


def _project(
    results: Sequence[FileResult], settings_of: Callable[[str], Settings], honour_allows: bool
) -> list[Diagnostic]:
    """The findings of the rules of the whole project on freshly checked ``results``.

    They are worked out from the load sheets the results carry: each file's
    workflows count once, and a finding about a lane that several files
    share is made (and reported) once. A check that uses the cache goes
    through :meth:`_Job.project`, which caches them too.
    """
    sheets = [result.loads for result in results if result.loads is not None]
    return run_project_rules(sheets, settings_of, honour_allows=honour_allows) if sheets else []


@dataclass(frozen=True, slots=True)
class _Job:
    """How every file of one run is checked (sent to worker processes as it is)."""

    root: Path | None
    overrides: Overrides
    honour_allows: bool
    use_cache: bool
    cache_folder: Path | None
    # This run's caches, one per project root: each remembers the files it hashed.
    stores: dict[Path, Cache | None] = field(default_factory=dict, compare=False)
    # This run's configuration files: found and read once each.
    configs: Configurations = field(default_factory=Configurations, compare=False)
    # This run's project roots by folder, and settings as the cache key holds them.
    roots: dict[str, Path] = field(default_factory=dict, compare=False)
    described: dict[int, tuple[Settings, str]] = field(default_factory=dict, compare=False)

    def root_of(self, path: Path) -> Path:
        """The resolved project root of ``path``, found once per folder."""
        folder = os.path.dirname(os.path.abspath(path))
        if folder not in self.roots:
            self.roots[folder] = (self.root if self.root is not None else find_root(path)).resolve()
        return self.roots[folder]

    def describe(self, settings: Settings) -> str:
        """``settings`` as the text a cache key holds, made once per settings of the run."""
        if id(settings) not in self.described:
            import json

            described = settings.describe()
            if settings.source is not None:
                # `--config` may name its file relative to where the run is, and
                # per-file-ignores match below the file's folder: the key names the
                # folder itself, so a run from elsewhere never replays another's.
                source = Path(os.path.abspath(settings.source))
                described["config"] = (source.parent.resolve() / source.name).as_posix()
            # The settings are kept beside their text, so their id is not reused.
            self.described[id(settings)] = (settings, json.dumps(described, sort_keys=True))
        return self.described[id(settings)][1]

    def slot(self, path: Path, settings: Settings) -> tuple[Cache, str] | None:
        """Where the result of checking ``path`` this way is cached (None: no cache)."""
        if not self.use_cache:
            return None
        root = self.root_of(path)
        if root not in self.stores:
            from wmdsl.project.cache import Cache  # only a run with the cache reads or writes one

            self.stores[root] = Cache.open(root, settings.limits, self.cache_folder)
        store = self.stores[root]
        if store is None:
            return None
        described = self.describe(settings)
        return store, store.key(Path(os.path.abspath(path)), described, f"allows={self.honour_allows}")

    def cached(self, path: Path) -> FileResult | None:
        try:
            slot = self.slot(path, self.configs.settings_for(path, self.overrides))
        except (OSError, ValueError):
            return None
        return slot[0].get(slot[1]) if slot else None

    def check(self, path: Path) -> FileResult:
        """Check one file with the settings that apply to it; a file that fails alone is reported alone."""
        settings = self.configs.settings_for(path, self.overrides)
        try:
            fingerprint: Callable[[bytes], str] | None = None
            if self.use_cache:
                from wmdsl.project.cache import digest as fingerprint
            compilation = compile_file(path, self.root, limits=settings.limits, fingerprint=fingerprint)
        except (OSError, ValueError, RuntimeError, MemoryError) as error:  # RecursionError included
            return _failed(path, error, settings)
        result = _finish(path, compilation, settings, self.honour_allows)
        slot = self.slot(path, settings) if compilation.cacheable else None
        if slot is not None:
            result = replace(result, stamp=slot[0].put(slot[1], result, compilation.reads))
        return result

    def project(self, results: Sequence[FileResult]) -> list[Diagnostic]:
        """The findings of the whole run, from the cache when every file's result is its cached one."""

        def settings_of(shown: str) -> Settings:
            return self.configs.settings_for(Path(shown), self.overrides)

        def sheet(result: FileResult) -> LoadSheet | None:
            store = self.stores.get(self.root_of(Path(result.shown))) if self.use_cache else None
            if store is None:
                return result.loads
            try:
                return store.sheet(result)
            except (OSError, ValueError, KeyError, TypeError):
                # The sheet beside a genuine record is gone or changed: work it out again.
                return self.check(Path(result.shown)).loads

        stores = {self.stores.get(self.root_of(Path(r.shown))) for r in results} if self.use_cache else set()
        store = next(iter(stores)) if len(stores) == 1 else None
        if store is None:
            sheets = [got for result in results if (got := sheet(result)) is not None]
            return run_project_rules(sheets, settings_of, honour_allows=self.honour_allows) if sheets else []
        # Where the findings land follows the settings of every file the run read, imports included.
        read = sorted({real for result in results for real in result.inputs})
        described = sorted({self.describe(settings_of(real)) for real in read})
        key = store.project_key(list(results), "\0".join([f"allows={self.honour_allows}", *described]))
        if key is not None:
            cached = store.get_project(key)
            if cached is not None:
                return cached
        sheets = [got for result in results if (got := sheet(result)) is not None]
        found = run_project_rules(sheets, settings_of, honour_allows=self.honour_allows) if sheets else []
        if key is not None:
            store.put_project(key, found)
        return found


def _failed(path: Path, error: BaseException, settings: Settings) -> FileResult:
    """What is reported of a file whose reading or resolving failed as a whole."""
    shown = display_path(Path(os.path.abspath(path)))
    if isinstance(error, RecursionError | MemoryError):
        code, message = codes.LIMIT, "the file is nested too deeply or is too large to process"
    else:
        reason = (error.strerror if isinstance(error, OSError) else None) or str(error)
        code, message = codes.UNREADABLE, f"cannot read file: {reason.lower()}"
    diagnostic = Diagnostic(code.code, code.severity, message, point(shown, 1, 1))
    return FileResult(shown, [diagnostic], {}, settings.fail_on)


def _finish(path: Path, compilation: Compilation, settings: Settings, honour_allows: bool) -> FileResult:
    found, loads = _check_compilation(compilation, settings, honour_allows=honour_allows)
    ignored = settings.ignored_in(path)
    kept = [d for d in found if d.code not in ignored]
    inputs = opened(compilation.reads)
    return FileResult(compilation.path, kept, compilation.sources, settings.fail_on, inputs, loads)


def _alone(result: FileResult, settings: Settings, honour_allows: bool = True) -> Report:
    """The report of checking one file on its own: its findings and those of a project of one."""
    found = [*result.diagnostics, *_project([result], lambda _: settings, honour_allows)]
    return Report(
        [result.shown], sorted_unique(found), result.sources, result.fail_on, docs_url=settings.docs_url
    )


PARALLEL_FROM = 16  # below this many files, starting worker processes costs more than it saves


def _run_all(files: list[Path], job: _Job, jobs: int | None) -> list[FileResult]:
    # Cached results are read here; only the files that miss are checked,
    # in worker processes when there are many of them.
    found: dict[Path, FileResult] = {}
    if job.use_cache:
        for path in files:
            hit = job.cached(path)
            if hit is not None:
                found[path] = hit
    misses = [path for path in files if path not in found]
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(misses) < PARALLEL_FROM:
        found.update((p, job.check(p)) for p in misses)
    else:
        import multiprocessing  # only when files are checked in parallel

        # Leaving the block terminates the workers, also when a timeout
        # interrupts the run: none is left checking on its own.
        with multiprocessing.Pool(min(workers, len(misses))) as pool:
            chunk = max(1, len(misses) // (workers * 8))
            found.update(zip(misses, pool.imap(job.check, misses, chunksize=chunk), strict=True))
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
    cache_folder: str | Path | None = None,
) -> Report:
    """Check every spec named by ``paths``: language errors and rule findings.

    Settings are read from the configuration file that applies to each spec
    (``wmdsl.toml`` or ``[tool.wmdsl]`` in ``pyproject.toml``, found upward),
    then ``overrides`` (or just ``select``) apply. Files are checked in
    parallel when there are many; the report is sorted either way. With
    ``cache``, results of unchanged files come from the per-user cache folder
    (``cache_folder`` to choose another; see :mod:`wmdsl.project.cache`).
    """
    overrides = overrides or Overrides()
    if select is not None:
        overrides = replace(overrides, select=tuple(select))
    job = _Job(
        Path(root) if root is not None else None,
        overrides,
        honour_allows,
        cache,
        Path(cache_folder) if cache_folder is not None else None,
    )
    files, notes = find_specs(paths, exclude, job.root, overrides, job.configs)
    results = _run_all(files, job, jobs)
    project = job.project(results)
    diagnostics = [*notes, *(d for result in results for d in result.diagnostics), *project]
    sources = {name: text for result in results for name, text in result.sources.items()}
    fail_on = min((r.fail_on for r in results), default=Severity.ERROR)
    if overrides.fail_on is not None:
        fail_on = Severity.parse(overrides.fail_on)
    inputs = sorted({real for result in results for real in result.inputs})
    given = os.path.abspath(root) if root is not None else None
    # One site for the whole report: the settings of its first file, as --show-settings shows.
    site = job.configs.settings_for(files[0], overrides).docs_url if files else None
    return Report(
        [r.shown for r in results], sorted_unique(diagnostics), sources, fail_on, inputs, given, docs_url=site
    )


@dataclass(slots=True)
class Rendering:
    """The outcome of :func:`render`: the check report and, unless refused, the outputs."""

    report: Report
    outputs: dict[str, bytes]
    refused: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Project:
    """The specs of a run, checked, with their models: what ``render``, ``docs`` and ``analyze`` build on.

    ``files`` are the specs found (sorted, as :func:`check` finds them),
    ``documents`` the models of those that compiled, with ``compiled`` their
    files and ``settings`` the settings of each, in the same order;
    ``refused`` is true when one did not compile, or, unless forced, when the
    checks found errors.
    """

    report: Report
    files: list[Path]
    documents: list[Document]
    compiled: list[Path]
    refused: bool
    sheets: tuple[LoadSheet, ...] = ()
    settings: tuple[Settings, ...] = ()

    def pool(self) -> Pool:
        """What every workflow of the project asks of each lane and person (see :mod:`wmdsl.flow.load`)."""
        from wmdsl.flow.load import pool

        return pool(self.sheets)


def project(
    paths: Iterable[str | Path] | str | Path,
    *,
    force: bool = False,
    root: str | Path | None = None,
    exclude: Sequence[str] = (),
    rules: bool = True,
) -> Project:
    """Find the specs ``paths`` name as :func:`check` does, compile and check each, and keep their models.

    With ``rules=False`` only language errors are looked for (and refuse),
    and no load sheets are made (:func:`analysis` makes them from its
    analyses). Raises :class:`UsageError` when ``paths`` name nothing to
    build on.
    """
    given = [paths] if isinstance(paths, str | Path) else list(paths)
    configs = Configurations()
    where = Path(root) if root is not None else None
    files, notes = find_specs(given, exclude, where, None, configs)
    results: list[FileResult] = []
    documents: list[Document] = []
    compiled: list[Path] = []
    sheets: list[LoadSheet] = []
    used: list[Settings] = []
    for path in files:
        settings = configs.settings_for(path)
        try:
            compilation = compile_file(path, where, limits=settings.limits)
        except (OSError, ValueError, RuntimeError, MemoryError) as error:  # RecursionError included
            results.append(_failed(path, error, settings))
            continue
        if rules:
            results.append(_finish(path, compilation, settings, True))
        else:
            shown = compilation.path
            results.append(FileResult(shown, compilation.diagnostics, compilation.sources, settings.fail_on))
        if compilation.document is not None:
            documents.append(compilation.document)
            compiled.append(path)
            used.append(settings)
            loads = results[-1].loads
            if loads is not None:
                sheets.append(loads)
    found = [*notes, *(d for result in results for d in result.diagnostics)]
    if rules:
        found += _project(results, lambda shown: configs.settings_for(Path(shown)), True)
    sources = {name: text for result in results for name, text in result.sources.items()}
    fail_on = min((r.fail_on for r in results), default=Severity.ERROR)
    inputs = sorted({real for result in results for real in result.inputs})
    site = configs.settings_for(files[0]).docs_url if files else None
    report = Report([r.shown for r in results], sorted_unique(found), sources, fail_on, inputs, docs_url=site)
    refused = len(compiled) < len(files) or (report.exit_code() != 0 and not force)
    return Project(
        report=report,
        files=files,
        documents=documents,
        compiled=compiled,
        refused=refused,
        sheets=tuple(sheets),
        settings=tuple(used),
    )


def _sheet(document: Document, figures: Analysis | None = None) -> LoadSheet:
    """The load sheet of a document that was not checked by the rules: from its flow analysis."""
    from wmdsl.flow.analysis import analyze

    found = figures if figures is not None else analyze(document)
    by_workflow = dict(zip(map(id, document.workflows), found.workflows, strict=True))
    return sheet(document, lambda workflow: by_workflow[id(workflow)])


def analysis(
    paths: Iterable[str | Path] | str | Path,
    *,
    root: str | Path | None = None,
    exclude: Sequence[str] = (),
) -> tuple[Project, list[Analysis]]:
    """The flow analysis of every workflow of the specs ``paths`` name (found as :func:`check` finds them).

    Only language errors refuse (``Project.refused``; no analysis then);
    ``Project.pool()`` gives the load of all the workflows together.
    """
    from wmdsl.flow.analysis import analyze

    built = project(paths, root=root, exclude=exclude, rules=False)
    if built.refused:
        return built, []
    analyses = [analyze(document) for document in built.documents]
    sheets = tuple(_sheet(d, a) for d, a in zip(built.documents, analyses, strict=True))
    return replace(built, sheets=sheets), analyses


def render(
    path: str | Path,
    formats: Sequence[str],
    *,
    force: bool = False,
    root: str | Path | None = None,
    view: str = "flow",
    theme: str = "light",
) -> Rendering:
    """Check ``path``, then render it in each of ``formats`` (names from ``RENDERERS``).

    Rendering is refused when the spec has errors: language errors always,
    rule errors unless ``force`` is set. Unknown format names raise
    :class:`UsageError`, and so does a format that draws workflows asked of
    a file that holds none; a renderer that cannot run raises ``RenderError``.
    ``view`` and ``theme`` choose what the diagram formats (svg, png, pdf)
    draw: an unknown view is a :class:`UsageError` that lists the views.
    """
    from wmdsl.render import render as render_format

    _known(formats, view, theme)
    rendering, document = _checked(path, force, root)
    if document is not None:
        _drawable(document, formats, str(path))
        _viewable(document, formats, view)
        rendering.outputs.update((name, render_format(document, name, view, theme)) for name in formats)
    return rendering


def _known(formats: Sequence[str], view: str = "flow", theme: str = "light") -> None:
    from wmdsl.render import RENDERERS
    from wmdsl.views import THEMES

    unknown = [name for name in formats if name not in RENDERERS]
    if unknown:
        raise UsageError(f"unknown format {unknown[0]!r}; choose from {', '.join(RENDERERS)}")
    drawers = [name for name, renderer in RENDERERS.items() if renderer.draws_views]
    if (view != "flow" or theme != "light") and not any(RENDERERS[name].draws_views for name in formats):
        raise UsageError(f"--view and --theme are for the formats that draw views: {', '.join(drawers)}")
    if theme not in THEMES:
        raise UsageError(f"unknown theme {theme!r}; choose from {', '.join(THEMES)}")


def _drawable(document: Document, formats: Sequence[str], shown: str) -> None:
    """A usage error when a format that draws workflows is asked of a file that holds none."""
    from wmdsl.render import RENDERERS

    drawn = [name for name in formats if RENDERERS[name].draws_workflows]
    if drawn and not document.workflows:
        others = ", ".join(name for name, r in RENDERERS.items() if not r.draws_workflows)
        raise NothingToDraw(
            f"{shown} holds no workflow, so there is nothing to draw as {drawn[0]}; "
            f"render a file that declares `workflow NAME {{ … }}` (or the folder of those that import "
            f"this one), or use a format that lists declarations: {others}"
        )


def _viewable(document: Document, formats: Sequence[str], view: str) -> None:
    """A usage error when ``view`` is not a view of ``document`` (and a format draws views)."""
    from wmdsl.render import RENDERERS
    from wmdsl.views import ViewError, shows

    if any(RENDERERS[name].draws_views for name in formats):
        try:
            found = shows(document, view)
        except ViewError as error:
            raise UsageError(str(error)) from error
        if not found:
            raise NothingToDraw(f"{document.file} has nothing to show in the {view!r} view")


def render_project(
    paths: Iterable[str | Path],
    formats: Sequence[str],
    *,
    force: bool = False,
    root: str | Path | None = None,
    exclude: Sequence[str] = (),
    view: str = "flow",
    theme: str = "light",
) -> tuple[Rendering, list[str]]:
    """Check the specs ``paths`` name (as :func:`check` finds them), then render each in each format.

    Outputs are keyed by where they go inside the output folder: each file's
    path below the folder the specs have in common, its ``.wm`` replaced by
    the format's extension (``org/hiring.wm`` → ``org/hiring.svg``), so two
    files of the same name in different folders never clash. A format that
    draws workflows skips the files that hold none (files of shared people
    and lanes, which the others import); the second value names them. It is a
    :class:`UsageError` when that leaves nothing to draw.
    """
    from wmdsl.render import RENDERERS
    from wmdsl.render import render as render_format

    _known(formats, view, theme)
    built = project(paths, force=force, root=root, exclude=exclude)
    rendering = Rendering(built.report, {}, built.refused)
    if built.refused:
        return rendering, []
    base = _common_folder(built.files)
    compiled = list(zip(built.compiled, built.documents, strict=True))
    names = {id(document): _output_stem(path, base) for path, document in compiled}
    skipped = [path.as_posix() for path, document in compiled if not document.workflows]
    drawn = [name for name in formats if RENDERERS[name].draws_workflows]
    if drawn and len(skipped) == len(built.documents):
        raise NothingToDraw(
            f"none of the {len(built.documents)} specs holds a workflow, so there is nothing to draw as "
            f"{drawn[0]}; name the files or folders that declare `workflow NAME {{ … }}`"
        )
    if any(RENDERERS[name].draws_views for name in formats) and not any(
        _has_view(document, view) for document in built.documents
    ):
        _viewable(built.documents[0], formats, view)  # says why: no such view, or nothing in it
    for document in built.documents:
        for name in formats:
            if RENDERERS[name].draws_workflows and not document.workflows:
                continue
            if RENDERERS[name].draws_views and not _has_view(document, view):
                continue
            rendering.outputs[f"{names[id(document)]}.{RENDERERS[name].extension}"] = render_format(
                document, name, view, theme
            )
    return rendering, skipped if drawn else []


def _has_view(document: Document, view: str) -> bool:
    """True when ``view`` shows something of ``document`` (a lane's view: when it has the lane)."""
    from wmdsl.views import ViewError, shows

    try:
        return shows(document, view)
    except ViewError:
        return False


def _common_folder(files: Sequence[Path]) -> Path:
    """The deepest folder that holds every one of ``files``."""
    folders = [os.path.dirname(os.path.abspath(path)) for path in files]
    return Path(os.path.commonpath(folders)) if folders else Path.cwd()


def _output_stem(path: Path, base: Path) -> str:
    """``path`` below ``base``, without ``.wm``: where its outputs go inside an output folder."""
    relative = Path(os.path.abspath(path)).relative_to(base).as_posix()
    return relative[: -len(".wm")] if relative.endswith(".wm") else relative


def _checked(path: str | Path, force: bool, root: str | Path | None) -> tuple[Rendering, Document | None]:
    """``path`` checked, and its model when it may be rendered (None when refused)."""
    settings = settings_for(Path(path))
    compilation = compile_path(path, root=root, limits=settings.limits)
    result = _finish(Path(path), compilation, settings, True)
    report = _alone(result, settings)
    has_errors = report.exit_code() != 0
    if compilation.document is None or (has_errors and not force):
        return Rendering(report, {}, refused=True), None
    return Rendering(report, {}, refused=False), compilation.document


def handbook(
    path: str | Path | Sequence[str | Path],
    *,
    force: bool = False,
    root: str | Path | None = None,
    exclude: Sequence[str] = (),
    simulate: bool = False,
) -> tuple[Rendering, str | None]:
    """Check the specs ``path`` names (a file, a folder, or several) and build their onboarding handbook.

    The outputs are ``{relative path: bytes}``. Refused like :func:`render`.
    Every workflow of every file gets its pages; people and lanes that
    several files share are one each, and the lane pages and the capacity
    page show what every workflow asks of them. The diagrams are views drawn
    by wmdsl's own layout (no Graphviz). A workflow of more stages than its
    file's ``diagram-stages`` setting is not drawn whole: its page shows the
    handoffs between its lanes, and each lane page the lane's part; the
    second value says which workflows (``None`` when none).
    With ``simulate``, a simulation of the workflows (``wmdsl simulate``
    with its defaults) adds a page.
    """
    from wmdsl.handbook import build_handbook
    from wmdsl.handbook.diagrams import too_large

    built = project(path, force=force, root=root, exclude=exclude)
    rendering = Rendering(built.report, {}, built.refused)
    if built.refused:
        return rendering, None
    limits = [settings.diagram_stages for settings in built.settings]
    large = [
        f"`{workflow.name}` has {len(workflow.stages):,} stages, more than `diagram-stages` ({limit})"
        for document, limit in zip(built.documents, limits, strict=True)
        for workflow in document.workflows
        if too_large(workflow, limit)
    ]
    note = None
    if large:
        whose = "its page shows" if len(large) == 1 else "each one's page shows"
        note = (
            f"{'; '.join(large)}: {whose} the handoffs between its lanes instead of the whole flow, "
            "and each lane page shows the lane's part of the flow"
        )
    simulated = None
    if simulate:
        from wmdsl.simulate import simulate as run_simulation

        simulated = run_simulation(built.documents)
    outputs = build_handbook(
        built.documents, rendering.report, built.pool(), diagram_stages=limits, simulation=simulated
    )
    rendering.outputs.update(outputs)
    return rendering, note


def merged(documents: Sequence[Document]) -> Document:
    """One document of every workflow of ``documents``, with each shared declaration once.

    A declaration that several files import is one (it is known by where it
    is written, not by its name). A single document is itself.
    """
    if len(documents) == 1:
        return documents[0]
    from wmdsl.model import Declarations

    def once(kind: str) -> tuple[Any, ...]:
        seen: dict[Any, Any] = {}
        for document in documents:
            for element in getattr(document.shared, kind):
                seen.setdefault(element.span, element)
        return tuple(seen.values())

    kinds = ("people", "lanes", "work", "decisions", "calendars")
    return Document(
        file=", ".join(d.file for d in documents),
        imports=tuple(dict.fromkeys(i for d in documents for i in d.imports)),
        shared=Declarations(**{kind: once(kind) for kind in kinds}),
        allows=tuple(a for d in documents for a in d.allows),
        workflows=tuple(w for d in documents for w in d.workflows),
    )


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
        overrides = replace(overrides, select=tuple(select))
    settings = settings_for(Path(path), overrides)
    compilation = compile_text(text, path, limits=settings.limits)
    return _alone(_finish(Path(path), compilation, settings, True), settings)


@dataclass(frozen=True, slots=True)
class Checked:
    """What :func:`check_unsaved` found: the report, and the compilation it came from."""

    report: Report
    compilation: Compilation


def check_unsaved(
    path: str | Path,
    text: str | None = None,
    *,
    unsaved: Mapping[Path, str] | None = None,
    root: str | Path | None = None,
    overrides: Overrides | None = None,
) -> Checked:
    """Check one file as ``wmdsl check`` would, with an editor's text of it and of the files it imports.

    ``text`` is the file's text (None: read it); ``unsaved`` the text of
    other files by real path, read instead of what is on disk when imported.
    The settings are those that apply to ``path``; the rules of the whole
    project see this file alone, as when it is checked on its own.
    """
    settings = settings_for(Path(path), overrides or Overrides())
    where = Path(root) if root is not None else None
    try:
        compilation = compile_file(Path(path), where, text, settings.limits, unsaved=unsaved)
    except (OSError, ValueError, RuntimeError, MemoryError) as error:  # RecursionError included
        result = _failed(Path(path), error, settings)
        shown = result.shown
        return Checked(_alone(result, settings), Compilation(shown, None, result.diagnostics))
    report = _alone(_finish(Path(path), compilation, settings, True), settings)
    return Checked(report, compilation)
