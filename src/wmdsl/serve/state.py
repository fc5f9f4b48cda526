"""What the live preview shows: the project read again after every change, and its last good picture.

:class:`Preview` finds, compiles and checks the specs its paths name exactly
as ``wmdsl check`` does (through :func:`wmdsl.api.project`). Each reading is
one *generation*. A reading in which every spec compiles becomes the
*picture*: the model the diagram, its views and the analysis are drawn from.
A reading in which a spec does not compile keeps the picture it had and says
so, with the findings, until the specs compile again.

Everything a page receives is built here as data (JSON, and SVG drawn by
:mod:`wmdsl.views`); the text a spec wrote reaches the page only as JSON
strings and SVG text, which the page inserts as text, never as markup.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from wmdsl.output.safe import for_json, visible
from wmdsl.serve.elements import ElementIndex

if TYPE_CHECKING:
    from wmdsl import api
    from wmdsl.diagnostics import Diagnostic
    from wmdsl.flow.results import Analysis, WorkflowAnalysis
    from wmdsl.model import Document
    from wmdsl.output.analysis import Table


@dataclass(frozen=True, slots=True)
class Picture:
    """A reading in which every spec compiled: what the diagram and the analysis are drawn from."""

    generation: int
    document: Document
    views: tuple[str, ...]
    index: ElementIndex
    analysis: dict[str, Any]
    made: float  # when it was read (seconds since the epoch)
    figures: Analysis | None = None  # the flow analysis of ``document``, when it is one spec's


@dataclass(slots=True)
class _Reading:
    """The latest reading: its findings, whether it compiled, and what to watch."""

    generation: int = 0
    compiled: bool = False
    problem: str | None = None  # why the project could not be read at all
    findings: list[dict[str, Any]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)
    configs: list[str] = field(default_factory=list)
    seconds: float = 0.0


def editor_link(file: str, line: int, col: int) -> str:
    """A link that opens ``file`` at ``line``:``col`` in VS Code (``vscode://file/<abs path>:L:C``)."""
    path = Path(os.path.abspath(file)).as_posix()
    if not path.startswith("/"):  # C:/specs/a.wm
        path = "/" + path
    return f"vscode://file{quote(path, safe='/:')}:{line}:{col}"


def _finding(diagnostic: Diagnostic, index: ElementIndex | None) -> dict[str, Any]:
    span = diagnostic.span
    places = [span, *(related.span for related in diagnostic.related)]
    return {
        "severity": diagnostic.severity.label,
        "code": diagnostic.code,
        "message": visible(diagnostic.message),
        "hint": visible(diagnostic.hint) if diagnostic.hint else None,
        "file": visible(span.file, multiline=False),
        "line": span.line,
        "col": span.col,
        "link": editor_link(span.file, span.line, span.col),
        "related": [
            {
                "file": visible(r.span.file, multiline=False),
                "line": r.span.line,
                "col": r.span.col,
                "message": visible(r.message),
            }
            for r in diagnostic.related
        ],
        "elements": index.elements(places) if index is not None else [],
    }


def _table(table: Table) -> dict[str, Any]:
    return {
        "header": list(table.header),
        "rows": [list(row) for row in table.rows],
        "numeric_from": table.numeric_from,
    }


def _workflow(result: WorkflowAnalysis, file: str) -> dict[str, Any]:
    from wmdsl.output.analysis import lane_table, stage_table, workflow_heading, workflow_summary

    lanes = lane_table(result)
    return {
        "name": result.name,
        "title": result.title,
        "file": file,
        "heading": [visible(line.strip()) for line in workflow_heading(result)],
        "stages": _table(stage_table(result)),
        "stage_elements": [f"{result.name}.{stage.name}" for stage in result.stages],
        "bottleneck": result.bottleneck,
        "lanes": _table(lanes) if lanes.rows else None,
        "summary": [visible(line.strip()) for line in workflow_summary(result)],
    }


def _analysis(analyses: Sequence[Analysis], built: api.Project) -> dict[str, Any]:
    """The flow analysis of every workflow of the project: tables per workflow, and the whole text."""
    from wmdsl.output.analysis import format_analysis_text

    workflows = [_workflow(w, a.file) for a in analyses for w in a.workflows]
    return {"workflows": workflows, "text": format_analysis_text(analyses, built.pool())}


class Preview:
    """The specs ``paths`` name (found as ``check`` finds them), read again on :meth:`refresh`.

    Thread-safe: the watcher refreshes it while the server's threads read
    it; :meth:`wait` blocks until the next generation (or :meth:`close`).
    """

    def __init__(
        self, paths: Sequence[str | Path], *, root: str | Path | None = None, exclude: Sequence[str] = ()
    ) -> None:
        self.paths = [Path(path) for path in paths]
        self.root = Path(root) if root is not None else None
        self.exclude = tuple(exclude)
        self._changed = threading.Condition()
        self._reading = _Reading()
        self._picture: Picture | None = None
        self._drawn: dict[tuple[int, str, str], tuple[int, bytes]] = {}
        self._drawing = threading.Lock()
        self._refreshing = threading.Lock()
        self._closed = False

    # -- reading the project ------------------------------------------------------------------------------

    def refresh(self) -> int:
        """Read, compile and check the project again; the number of the new generation."""
        with self._refreshing:
            return self._refresh()

    def _refresh(self) -> int:
        from wmdsl import api

        started = time.monotonic()
        reading = _Reading(generation=self._reading.generation + 1)
        picture = self._picture
        try:
            built = api.project(self.paths, force=True, root=self.root, exclude=self.exclude)
        except (api.UsageError, api.ConfigError) as error:
            reading.problem = str(error)
        except Exception as error:  # a bug: the preview says so and keeps running
            reading.problem = f"internal error: {type(error).__name__}: {error}"
        else:
            reading.compiled = not built.refused
            reading.files = list(built.report.files)
            reading.inputs = list(built.report.inputs)
            reading.configs = _configs(built.files)
            index = picture.index if picture is not None else None
            if reading.compiled:
                try:
                    picture = self._draw(reading.generation, built)
                    index = picture.index
                except Exception as error:  # a bug in a view or the analysis: keep the last picture
                    reading.compiled = False
                    reading.problem = f"internal error: {type(error).__name__}: {error}"
            reading.findings = [_finding(d, index) for d in built.report.diagnostics]
        reading.seconds = time.monotonic() - started
        with self._changed:
            self._reading = reading
            if picture is not self._picture:
                self._picture = picture
                self._drawn.clear()
            self._changed.notify_all()
        return reading.generation

    def _draw(self, generation: int, built: api.Project) -> Picture:
        from wmdsl import api
        from wmdsl.flow.analysis import analyze
        from wmdsl.views import shows, view_names

        document = api.merged(built.documents)
        analyses = [analyze(each) for each in built.documents]
        # The views that have something to draw (no `decisions` without a decision).
        views = tuple(view for view in view_names(document) if shows(document, view))
        return Picture(
            generation=generation,
            document=document,
            views=views,
            index=ElementIndex(built.documents),
            analysis=_analysis(analyses, built),
            made=time.time(),
            figures=analyses[0] if len(analyses) == 1 else None,
        )

    # -- what the page reads ------------------------------------------------------------------------------

    @property
    def generation(self) -> int:
        return self._reading.generation

    def state(self) -> dict[str, Any]:
        """Everything the page shows but the diagram, as JSON data."""
        with self._changed:
            reading, picture = self._reading, self._picture
        counts = dict.fromkeys(("error", "warning", "info"), 0)
        for finding in reading.findings:
            counts[finding["severity"]] += 1
        return {
            "generation": reading.generation,
            "compiled": reading.compiled and reading.problem is None,
            "problem": visible(reading.problem) if reading.problem else None,
            "seconds": round(reading.seconds, 3),
            "files": [visible(name, multiline=False) for name in reading.files],
            "findings": reading.findings,
            "counts": counts,
            "picture": picture.generation if picture is not None else None,
            "picture_made": picture.made if picture is not None else None,
            "views": list(picture.views) if picture is not None else [],
            "analysis": picture.analysis if picture is not None else None,
        }

    def state_json(self) -> str:
        """:meth:`state` as JSON, with every character that could end a script or a string escaped."""
        return json_for_html(self.state())

    def view(self, name: str, theme: str = "light") -> tuple[int, bytes] | None:
        """The SVG of view ``name`` of the picture in ``theme``: (HTTP status, body).

        None for a view or theme that is not there; a view that cannot be
        drawn (an internal error) is (503, the reason as text).
        """
        from wmdsl.views import THEMES

        picture = self._picture
        if picture is None or name not in picture.views or theme not in THEMES:
            return None
        key = (picture.generation, name, theme)
        with self._drawing:
            if key not in self._drawn:
                self._drawn[key] = _render(picture, name, theme)
            return self._drawn[key]

    # -- watching -------------------------------------------------------------------------------------------

    def watched(self) -> tuple[list[Path], list[Path]]:
        """What a change of must refresh the preview: folders (watched whole) and configuration files."""
        from wmdsl.serve.watch import folders

        reading = self._reading
        return folders(self.paths, reading.inputs), [Path(c) for c in reading.configs]

    def wait(self, seen: int, timeout: float) -> int | None:
        """The generation once it is past ``seen`` (at most ``timeout`` s later); None once closed."""
        with self._changed:
            self._changed.wait_for(lambda: self._closed or self._reading.generation != seen, timeout)
            return None if self._closed else self._reading.generation

    def close(self) -> None:
        """Wake every :meth:`wait` for good (the server is stopping)."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()


def _configs(files: Sequence[Path]) -> list[str]:
    """The configuration files that apply to ``files``."""
    from wmdsl.project.settings import ConfigError, settings_for

    found: set[str] = set()
    for path in files:
        try:
            source = settings_for(path).source
        except ConfigError:
            continue
        if source is not None:
            found.add(os.path.abspath(source))
    return sorted(found)


def _render(picture: Picture, name: str, theme: str) -> tuple[int, bytes]:
    from wmdsl.render import RenderError
    from wmdsl.views import ViewError, render_view

    try:
        drawn = render_view(picture.document, name, theme=theme, analysis=picture.figures)
        return 200, drawn.encode("utf-8")
    except (ViewError, RenderError) as error:
        return 503, f"cannot draw the view {name}: {error}".encode()
    except Exception as error:  # a bug in a view: the page says so, the server goes on
        return 503, f"cannot draw the view {name}: internal error: {type(error).__name__}: {error}".encode()


def json_for_html(data: object) -> str:
    """``data`` as JSON that may stand inside a ``<script>`` element and be sent as is.

    ``<``, ``>`` and ``&`` are written as ``\\u003c`` and so on, so no ``</script>``
    or ``<!--`` can appear; the line and paragraph separators and every
    other character JSON leaves raw but a page or a log could act on are
    escaped by :func:`wmdsl.output.safe.for_json`.
    """
    text = for_json(json.dumps(data, ensure_ascii=False, sort_keys=True))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
