"""What a view shows, before it is placed: bands, shapes and the arrows between them.

A view (:mod:`wmdsl.views.build`) turns a model into a :class:`Picture`; the
layout (:mod:`wmdsl.views.layout`) places it and the SVG writer
(:mod:`wmdsl.views.svg`) draws it. Text is kept as written here: measuring
and wrapping it is the layout's business.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: How a shape is drawn.
ShapeKind = Literal[
    "stage", "intake", "done", "rejected", "cancelled", "fork", "join", "label", "lane", "person", "decision"
]
#: How an arrow is drawn (and what the legend says of it).
ArrowStyle = Literal[
    "plain",
    "gate",
    "rework",
    "parallel",
    "decides",
    "recommends",
    "approves",
    "consults",
    "informs",
    "escalates",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Band:
    """A horizontal band (a lane): title and details written in its header on the left."""

    id: str
    title: str
    details: tuple[str, ...] = ()
    tone: int = 0  # index into the theme's palette
    href: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Shape:
    """A box, a pill, an arrow-shaped intake or a diamond, with its text inside."""

    id: str
    kind: ShapeKind
    band: str
    title: str
    details: tuple[str, ...] = ()
    element: str | None = None  # ``workflow.name`` of the model element drawn, for links and highlights
    href: str | None = None
    tooltip: str | None = None
    tone: int = 0
    faded: bool = False  # drawn for context only (a neighbour in a lane's view)


@dataclass(frozen=True, slots=True, kw_only=True)
class Arrow:
    """An arrow from one shape to another; its text is drawn in a box of its own on the way."""

    id: str
    source: str
    target: str
    text: tuple[str, ...] = ()
    style: ArrowStyle = "plain"
    rework: bool = False  # goes back: drawn along the bottom of a band, never ranks its target
    element: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Picture:
    """One diagram of one view."""

    view: str
    title: str
    bands: tuple[Band, ...]
    shapes: tuple[Shape, ...]
    arrows: tuple[Arrow, ...]
    notes: tuple[str, ...] = ()  # lines under the title
    legend: tuple[tuple[ArrowStyle, str], ...] = ()
