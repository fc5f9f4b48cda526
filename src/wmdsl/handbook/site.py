"""Lay the handbook out as files: which pages exist and where they live."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wmdsl.handbook.blocks import Link, Page
from wmdsl.handbook.context import View, safe_file_name
from wmdsl.handbook.html import write_html
from wmdsl.handbook.lanes import LaneIndex, lane_page
from wmdsl.handbook.markdown import write_markdown
from wmdsl.handbook.pages import DIAGRAM, findings_page, findings_summary, hub_index, workflow_index
from wmdsl.handbook.svg import sanitize_svg
from wmdsl.model import Document
from wmdsl.output.safe import for_xml

if TYPE_CHECKING:
    from wmdsl.diagnostics.report import Report

HOME = Link("Home", "index")
FINDINGS = Link("Findings", "findings")


def views(document: Document) -> list[View]:
    """One view per workflow (in a folder of its own when there are several), or of the shared scope."""
    if len(document.workflows) <= 1:
        return [View(document, document.workflows[0] if document.workflows else None, "")]
    taken = {"index", "findings", "diagram"}
    return [View(document, w, safe_file_name(w.name, taken) + "/") for w in document.workflows]


def pages(document: Document, report: Report | None, svg: str | None) -> list[Page]:
    """Every page of the handbook, in a stable order."""
    diagnostics = report.diagnostics if report is not None else []
    summary = findings_summary(diagnostics)
    all_views = views(document)
    several = len(document.workflows) > 1
    found: list[Page] = []
    if several:
        found.append(hub_index(document, all_views, (HOME, FINDINGS), summary, svg))
    for view in all_views:
        home = Link(view.title, f"{view.prefix}index")
        nav = (HOME, home, FINDINGS) if several else (HOME, FINDINGS)
        found.append(workflow_index(view, f"{view.prefix}index", nav, summary, None if several else svg))
        index = LaneIndex(view)
        found += [lane_page(view, view.lanes[name], nav, index) for name in view.lane_pages]
    found.append(findings_page(diagnostics, (HOME, FINDINGS), document.file))
    return found


def build_handbook(document: Document, report: Report | None, svg: str | None) -> dict[str, bytes]:
    """The onboarding handbook of ``document``: relative file path → contents (UTF-8).

    ``report`` gives the findings page (``None``: no findings); ``svg``, when
    given, is the diagram to embed (scripts are stripped from it first). No
    file is read or written here.
    """
    files: dict[str, bytes] = {}
    for page in pages(document, report, svg):
        files[f"{page.key}.html"] = write_html(page).encode("utf-8")
        files[f"{page.key}.md"] = write_markdown(page).encode("utf-8")
    if svg is not None:
        files[DIAGRAM] = (for_xml(sanitize_svg(svg)) + "\n").encode("utf-8")
    return dict(sorted(files.items()))
