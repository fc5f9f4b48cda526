"""Views of one model: several diagrams of the same spec, laid out and drawn by wmdsl itself.

``render_view(document, "flow")`` gives the SVG of a view; :func:`view_names`
lists the views a document has. A view is built as a
:class:`~wmdsl.views.picture.Picture` (:mod:`wmdsl.views.build`), placed by the
swimlane layout (:mod:`wmdsl.views.layout`, linear in the size of the
picture, so a spec of any size gets a diagram) and drawn as SVG
(:mod:`wmdsl.views.svg`).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from wmdsl.flow.results import Analysis
from wmdsl.model import Document
from wmdsl.views import build
from wmdsl.views.layout import Drawing, place
from wmdsl.views.paint import THEMES
from wmdsl.views.picture import Picture
from wmdsl.views.svg import svg

#: The views every document has (besides one ``lane:NAME`` per lane that holds stages).
VIEWS = ("flow", "handoffs", "decisions", "value-stream")
__all__ = ["THEMES", "VIEWS", "ViewError", "pictures", "render_view", "shows", "view_names"]


class ViewError(ValueError):
    """A view that does not exist (the message lists those that do)."""


def lanes(document: Document) -> list[str]:
    """The names of the lanes that hold stages in some workflow of ``document``, first use first."""
    found: dict[str, None] = {}
    for workflow in document.workflows:
        for stage in workflow.stages:
            if stage.lane:
                found.setdefault(stage.lane.name, None)
    return list(found)


def view_names(document: Document) -> list[str]:
    """Every view of ``document``: :data:`VIEWS`, then ``lane:NAME`` for each lane in use."""
    return [*VIEWS, *(f"lane:{name}" for name in lanes(document))]


def shows(document: Document, view: str) -> bool:
    """True when ``view`` has something to draw of ``document``; :class:`ViewError` for no such view."""
    if view.startswith("lane:") and view[5:] in lanes(document):
        return True
    if view not in VIEWS:
        raise ViewError(_unknown(document, view))
    if view == "decisions":
        return bool(document.shared.decisions) or any(workflow.decisions for workflow in document.workflows)
    return bool(document.workflows)


def pictures(
    document: Document,
    view: str = "flow",
    *,
    links: Mapping[str, str] | None = None,
    analysis: Analysis | None = None,
) -> list[Picture]:
    """The pictures of ``view`` of ``document``: one per workflow, or one for the document.

    ``links`` maps element keys (``workflow.name``, or a shared name) to the
    URL a shape links to; ``analysis`` saves computing the flow analysis
    again for the views that show its figures.
    """
    links = links or {}
    known = view[5:] in lanes(document) if view.startswith("lane:") else view in VIEWS
    if not known:
        raise ViewError(_unknown(document, view))
    if view == "decisions":
        picture = build.decisions(document, links)
        return [picture] if picture else []
    if view.startswith("lane:"):
        found = (build.lane(document, workflow, view[5:], links) for workflow in document.workflows)
        return [picture for picture in found if picture]
    if view == "flow":
        return [build.flow(document, workflow, links) for workflow in document.workflows]
    if analysis is None:
        from wmdsl.flow.analysis import analyze

        analysis = analyze(document)
    figures = dict(zip(map(id, document.workflows), analysis.workflows, strict=True))
    make = build.handoffs if view == "handoffs" else build.value_stream
    return [make(document, workflow, figures.get(id(workflow)), links) for workflow in document.workflows]


def drawings(pictures_: list[Picture]) -> list[Drawing]:
    """Each picture placed."""
    return [place(picture) for picture in pictures_]


def render_view(
    document: Document,
    view: str = "flow",
    *,
    theme: str = "light",
    links: Mapping[str, str] | None = None,
    analysis: Analysis | None = None,
) -> str:
    """The SVG of ``view`` of ``document`` in ``theme`` (``light`` or ``dark``)."""
    if theme not in THEMES:
        raise ViewError(f"unknown theme {theme!r}: use {' or '.join(THEMES)}")
    return svg(drawings(pictures(document, view, links=links, analysis=analysis)), theme)


def _unknown(document: Document, view: str) -> str:
    names = view_names(document)
    message = f"unknown view {view!r}"
    close = difflib.get_close_matches(view, names, n=1)
    if close:
        message += f" (did you mean {close[0]!r}?)"
    return f"{message}; views of this spec: {', '.join(names)}"
