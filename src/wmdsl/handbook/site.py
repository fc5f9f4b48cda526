"""Lay the handbook out as files: which pages exist and where they live."""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from wmdsl.handbook.blocks import Block, Diagram, Link, Page
from wmdsl.handbook.capacity import CAPACITY, capacity_page, lane_load
from wmdsl.handbook.context import View, safe_file_name
from wmdsl.handbook.diagrams import Diagrams
from wmdsl.handbook.diagrams import diagrams as drawn_views
from wmdsl.handbook.html import write_html
from wmdsl.handbook.lanes import LaneIndex, lane_page
from wmdsl.handbook.markdown import write_markdown
from wmdsl.handbook.pages import findings_page, findings_summary, hub_index, workflow_index
from wmdsl.handbook.scorecard import SCORECARD, scorecard_page
from wmdsl.handbook.simulation import SIMULATION, simulation_page
from wmdsl.handbook.svg import rebase_links, sanitize_svg
from wmdsl.model import Document
from wmdsl.output.safe import for_xml
from wmdsl.project.settings import DIAGRAM_STAGES

if TYPE_CHECKING:
    from wmdsl.diagnostics.report import Report
    from wmdsl.flow.load import Pool
    from wmdsl.flow.results import Analysis
    from wmdsl.model.span import Span
    from wmdsl.simulate.summary import Simulation

HOME = Link("Home", "index")
FINDINGS = Link("Findings", "findings")
CAPACITY_LINK = Link("Capacity", CAPACITY)
SCORECARD_LINK = Link("Scorecards", SCORECARD)


def views(documents: Sequence[Document]) -> list[View]:
    """One view per workflow of every document (in a folder of its own when there are several).

    With no workflow at all, one view of the shared declarations.
    """
    workflows = [(document, w) for document in documents for w in document.workflows]
    if len(workflows) <= 1:
        document, workflow = workflows[0] if workflows else (documents[0], None)
        return [View(document, workflow, "")]
    taken = {"index", "findings", "diagram", CAPACITY, SCORECARD, SIMULATION}
    return [View(document, w, safe_file_name(w.name, taken) + "/") for document, w in workflows]


def pages(
    documents: Sequence[Document],
    report: Report | None,
    load: Pool | None = None,
    draw: Callable[[View], Diagrams] | None = None,
    simulation: Simulation | None = None,
) -> list[Page]:
    """Every page of the handbook, in a stable order (``draw``: the diagrams of a view's pages)."""
    diagnostics = report.diagnostics if report is not None else []
    summary = findings_summary(diagnostics)
    all_views = views(documents)
    several = len(all_views) > 1
    source = ", ".join(document.file for document in documents)
    top = (HOME, FINDINGS, CAPACITY_LINK) if load is not None else (HOME, FINDINGS)
    top = (*top, SCORECARD_LINK)
    if simulation is not None:
        top = (*top, Link("Simulation", SIMULATION))
    lanes = {lane.lane.span: lane for lane in load.lanes} if load is not None else {}
    found: list[Page] = []
    if several:
        found.append(hub_index(source, all_views, top, summary))
    summaries: dict[Span, tuple[Block, ...]] = {}  # a shared lane's summary, made once for all its pages
    for view in all_views:
        home = Link(view.title, f"{view.prefix}index")
        nav = (top[0], home, *top[1:]) if several else top
        pictures = draw(view) if draw is not None else None
        found.append(workflow_index(view, f"{view.prefix}index", nav, summary, pictures))
        index = LaneIndex(view)
        for name in view.lane_pages:
            lane = view.lanes[name]
            pooled = lanes.get(lane.span)
            if pooled is not None and lane.span not in summaries:
                summaries[lane.span] = lane_load(pooled)
            diagram = pictures.lanes.get(name, ()) if pictures is not None else ()
            found.append(lane_page(view, lane, nav, index, summaries.get(lane.span, ()), diagram))
    found.append(findings_page(diagnostics, top, source))
    if load is not None:
        found.append(capacity_page(load, top, source))
    found.append(scorecard_page(documents, top, source))
    if simulation is not None:
        found.append(simulation_page(simulation, top, source))
    return found


def build_handbook(
    documents: Document | Sequence[Document],
    report: Report | None,
    load: Pool | None = None,
    *,
    diagrams: bool = True,
    diagram_stages: int | Sequence[int] = DIAGRAM_STAGES,
    analyses: Sequence[Analysis] | None = None,
    simulation: Simulation | None = None,
) -> dict[str, bytes]:
    """The onboarding handbook of ``documents`` (one or several): relative file path → contents (UTF-8).

    Every workflow of every document gets its pages. ``report`` gives the
    findings page (``None``: no findings); ``load``, when given, the pooled
    load of the documents, for the capacity page and the lane pages. With
    ``diagrams`` the pages show views of their workflow
    (:mod:`wmdsl.handbook.diagrams`), each also written as an SVG file:
    ``diagram_stages`` is the most stages a workflow's whole flow is drawn
    for (one number, or one per document), and ``analyses`` the documents'
    flow analyses when known (else they are made here); ``simulation``,
    when given, the figures of the simulation page (``wmdsl docs
    --simulate``). No file is read or written here.
    """
    given = [documents] if isinstance(documents, Document) else list(documents)
    limits = [diagram_stages] * len(given) if isinstance(diagram_stages, int) else list(diagram_stages)
    known = dict(zip(map(id, given), analyses, strict=True)) if analyses is not None else {}
    limit = dict(zip(map(id, given), limits, strict=True))

    def draw(view: View) -> Diagrams:
        document = view.document
        if view.workflow is not None and id(document) not in known:
            from wmdsl.flow.analysis import analyze

            known[id(document)] = analyze(document)
        return drawn_views(view, known.get(id(document)), limit[id(document)])

    files: dict[str, bytes] = {}
    for page in pages(given, report, load, draw if diagrams else None, simulation):
        files[f"{page.key}.html"] = write_html(page).encode("utf-8")
        files[f"{page.key}.md"] = write_markdown(page).encode("utf-8")
        for block in page.blocks:
            if isinstance(block, Diagram):
                files[block.file] = diagram_file(block, page.key).encode("utf-8")
    return dict(sorted(files.items()))


def diagram_file(diagram: Diagram, page: str) -> str:
    """The SVG file of a diagram a page shows: the inlined SVG, its links made relative to the file."""
    here = posixpath.dirname(diagram.file) or "."
    up = posixpath.relpath(posixpath.dirname(page) or ".", here)
    return for_xml(rebase_links(sanitize_svg(diagram.svg), "" if up == "." else up + "/")) + "\n"
