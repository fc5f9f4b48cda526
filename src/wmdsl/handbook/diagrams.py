"""The handbook's diagrams: views of each workflow (:mod:`wmdsl.views`), linked to the lane pages.

A workflow's home page shows its ``flow`` view, then its ``handoffs`` and
``value-stream`` views; each lane page shows the lane's ``lane:NAME`` view;
the Decisions section shows the ``decisions`` view of the decisions the page
lists. Everything is drawn by wmdsl's own swimlane layout, whose time is
linear in the picture: no Graphviz, whatever the size of the spec.

Each view is drawn from a document of the one workflow (its own declarations
and the shared ones, with the shared decisions it uses), so a picture is one
workflow's. Every intake, stage, join and exit links to the page of the lane
it is drawn in, and every band header (and each lane of the handoffs and
decisions views) to the lane's page. Links are relative, and made for the
page the SVG is inlined in: the home page and the lane pages each get their
own.

A workflow of more stages than ``diagram-stages`` (:data:`DIAGRAM_STAGES` by
default) is not drawn whole: its home page shows the handoffs between its
lanes instead of the flow and the value stream (which draws the flow too),
and each lane page shows the lane's part, as for any workflow.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from wmdsl.flow.results import Analysis
from wmdsl.handbook.blocks import Block, Code, Diagram, Heading, Paragraph, line
from wmdsl.handbook.context import View
from wmdsl.handbook.html import relative
from wmdsl.handbook.svg import sanitize_svg
from wmdsl.model import Document, Workflow
from wmdsl.project.settings import DIAGRAM_STAGES
from wmdsl.views import build, drawings, pictures
from wmdsl.views.picture import Picture
from wmdsl.views.svg import svg

THEME = "light"
FOLDER = "diagrams"  # beside the page that shows them


def too_large(workflow: Workflow, limit: int = DIAGRAM_STAGES) -> bool:
    """True when ``workflow`` has more stages than a whole-flow diagram is drawn for."""
    return len(workflow.stages) > limit


@dataclass(frozen=True)
class Diagrams:
    """The diagrams of one workflow's pages, as blocks to put on them."""

    home: tuple[Block, ...] = ()  # near the top of the workflow's home page
    decisions: tuple[Block, ...] = ()  # in its Decisions section, before the table
    lanes: Mapping[str, tuple[Block, ...]] = field(default_factory=dict)  # lane name: its page's


def diagrams(view: View, analysis: Analysis | None = None, limit: int = DIAGRAM_STAGES) -> Diagrams:
    """The diagrams of ``view``'s pages (``analysis``: its document's, for the figures of two views)."""
    document = _alone(view)
    decisions = _decisions(view, document)
    workflow = view.workflow
    if workflow is None:
        return Diagrams(decisions=decisions)
    if analysis is not None:
        figures = dict(zip(map(id, view.document.workflows), analysis.workflows, strict=True))
        found = figures.get(id(workflow))
        analysis = Analysis(analysis.file, (found,)) if found is not None else None
    home = view.prefix + "index"
    bands = {shape.element: shape.band for picture in pictures(document, "flow") for shape in picture.shapes}
    links = _links(view, home, bands)
    title = view.title
    if too_large(workflow, limit):
        handoffs = pictures(document, "handoffs", links=links, analysis=analysis)
        said = (
            f"This workflow has {len(workflow.stages):,} stages, more than the {limit:,} a diagram of "
            "the whole flow is drawn for (the setting ",
            Code("diagram-stages"),
            "). This diagram shows its lanes and the handoffs between them; each lane's page shows "
            "the lane's part of the flow.",
        )
        shown: tuple[Block, ...] = (
            Heading(2, line("Diagram")),
            Paragraph(line(*said)),
            _diagram(handoffs, view, "handoffs", f"Handoffs between the lanes of {title}"),
        )
    else:
        shown = (
            Heading(2, line("Diagram")),
            _diagram(pictures(document, "flow", links=links), view, "flow", f"Diagram of {title}"),
            Heading(2, line("Handoffs between lanes")),
            _diagram(
                pictures(document, "handoffs", links=links, analysis=analysis),
                view,
                "handoffs",
                f"Handoffs between the lanes of {title}",
            ),
            Heading(2, line("Value stream")),
            _diagram(
                pictures(document, "value-stream", links=links, analysis=analysis),
                view,
                "value-stream",
                f"Value stream of {title}",
            ),
        )
    return Diagrams(home=shown, decisions=decisions, lanes=_lanes(view, document, workflow, bands))


def _alone(view: View) -> Document:
    """A document of the view's workflow alone, with the shared decisions the view lists."""
    document = view.document
    shared = tuple(row.decision for row in view.decisions if row.shared)
    workflows = (view.workflow,) if view.workflow is not None else ()
    return replace(document, shared=replace(document.shared, decisions=shared), workflows=workflows)


def _links(view: View, page: str, bands: Mapping[str | None, str]) -> dict[str, str]:
    """Element key: the lane page (relative to ``page``) of the lane it is drawn in.

    The keys are the lanes (``workflow.lane``, and the bare name, as the
    decisions view knows them) and the nodes drawn in a lane's band.
    """
    prefix = f"{view.workflow.name}." if view.workflow is not None else ""
    lane = {name: relative(page, key + ".html") for name, key in view.lane_pages.items()}
    links = {f"{prefix}{name}": url for name, url in lane.items()}
    links.update(lane)
    links.update((element, lane[band]) for element, band in bands.items() if element and band in lane)
    return links


def _lanes(
    view: View, document: Document, workflow: Workflow, bands: Mapping[str | None, str]
) -> dict[str, tuple[Block, ...]]:
    """Each lane page's lane view (every lane page of a view is in one folder, so one set of links)."""
    keys = view.lane_pages
    if not keys:
        return {}
    links = _links(view, next(iter(keys.values())), bands)
    found: dict[str, tuple[Block, ...]] = {}
    for name, picture in build.lanes(document, workflow, links).items():
        key = keys.get(name)
        if key is None:
            continue
        alt = f"{picture.title}: the lane's stages and the work that reaches and leaves them"
        file = f"{posixpath.dirname(key)}/{FOLDER}/{posixpath.basename(key)}.svg"
        found[name] = (Heading(2, line("Diagram")), Diagram(_svg([picture]), file, alt))
    return found


def _decisions(view: View, document: Document) -> tuple[Block, ...]:
    found = pictures(document, "decisions", links=_links(view, view.prefix + "index", {}))
    return (_diagram(found, view, "decisions", f"Decision rights of {view.title}"),) if found else ()


def _diagram(found: list[Picture], view: View, name: str, alt: str) -> Diagram:
    return Diagram(_svg(found), f"{view.prefix}{FOLDER}/{name}.svg", alt)


def _svg(found: list[Picture]) -> str:
    # Cleaned once here: the page and the file each clean it again, which is then free.
    return sanitize_svg(svg(drawings(found), THEME))
