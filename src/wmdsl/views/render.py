"""The ``svg``, ``png`` and ``pdf`` formats: a view of a document, drawn by wmdsl's own layout."""

from __future__ import annotations

from wmdsl.model import Document
from wmdsl.views import drawings, pictures, xdot
from wmdsl.views.svg import svg


def render_svg(document: Document, view: str = "flow", theme: str = "light") -> str:
    """``view`` of ``document`` as SVG."""
    return svg(drawings(pictures(document, view)), theme)


def render_png(document: Document, view: str = "flow", theme: str = "light") -> bytes:
    """``view`` of ``document`` as PNG (painted by Graphviz)."""
    return xdot.draw(drawings(pictures(document, view)), "png", theme)


def render_pdf(document: Document, view: str = "flow", theme: str = "light") -> bytes:
    """``view`` of ``document`` as PDF (painted by Graphviz)."""
    return xdot.draw(drawings(pictures(document, view)), "pdf", theme)
