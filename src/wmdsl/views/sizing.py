"""Sizing a picture's shapes: their text wrapped and measured, and a label shape for each arrow's text.

The first step of the layout (:mod:`wmdsl.views.layout`): a shape is as large
as its text needs, measured with :mod:`wmdsl.views.metrics`, and an arrow
with text gets a shape of its own (``<arrow>#label``) between its source and
its target, so its text is placed like any other shape's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from wmdsl.views import metrics
from wmdsl.views.picture import Arrow, Picture, Shape

FONT = 13  # px, a shape's title
SMALL = 11  # px, details, labels and band headers' details
LINE = 1.3  # line height, in font sizes
PAD_X = 10
PAD_Y = 7
TITLE_WIDTH = 170  # px a title line may take before it wraps
LABEL_WIDTH = 150
HEADER_WIDTH = 130
SIZES = {"fork": (26, 26)}  # shapes of a fixed size


@dataclass(frozen=True, slots=True)
class Link:
    """An edge the layout places: an arrow without text, or one of the two halves of one with text."""

    id: str
    source: str
    target: str
    rework: bool
    arrow: Arrow
    head: bool


@dataclass(frozen=True, slots=True)
class Sized:
    """The shapes with their text wrapped and their sizes, and the links between them."""

    shapes: list[Shape]
    text: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]
    size: dict[str, tuple[int, int]]
    links: list[Link]


def line_height(height: float) -> int:
    return math.ceil(height * LINE)


def measure(shape: Shape) -> tuple[tuple[str, ...], tuple[str, ...], tuple[int, int]]:
    if shape.kind in SIZES:
        return (), (), SIZES[shape.kind]
    small = shape.kind == "label"
    limit = LABEL_WIDTH if small else TITLE_WIDTH
    size = SMALL if small else FONT
    title = tuple(metrics.wrap(shape.title, limit, size, bold=not small))
    details = tuple(line for text in shape.details for line in metrics.wrap(text, limit, SMALL))
    widest = max(
        [metrics.width(line, size, bold=not small) for line in title]
        + [metrics.width(line, SMALL) for line in details]
        + [0.0]
    )
    pad_x, pad_y = (4, 2) if small else (PAD_X, PAD_Y)
    if shape.kind in ("intake", "rejected", "decision"):
        pad_x += 12  # the pointed or cut ends take room from the text
    elif shape.kind in ("done", "cancelled", "join"):
        pad_x += 8  # round ends
    width = math.ceil(widest) + 2 * pad_x
    height = len(title) * line_height(size) + len(details) * line_height(SMALL) + 2 * pad_y
    minimum = (24, 16) if small else (80, 36)
    return title, details, (max(width, minimum[0]), max(height, minimum[1]))


def sized(picture: Picture) -> Sized:
    """Measure every shape and give each arrow with text a label shape of its own."""
    result = Sized([], {}, {}, [])
    band_of: dict[str, str] = {}
    for shape in picture.shapes:
        result.shapes.append(shape)
        band_of[shape.id] = shape.band
    for arrow in picture.arrows:
        if not arrow.text:
            result.links.append(Link(arrow.id, arrow.source, arrow.target, arrow.rework, arrow, True))
            continue
        label = Shape(
            id=f"{arrow.id}#label",
            kind="label",
            band=band_of[arrow.source],
            title="\n".join(arrow.text),
            element=arrow.element,
        )
        result.shapes.append(label)
        result.links.append(Link(f"{arrow.id}#1", arrow.source, label.id, False, arrow, False))
        result.links.append(Link(f"{arrow.id}#2", label.id, arrow.target, arrow.rework, arrow, True))
    for shape in result.shapes:
        title, details, size = measure(shape)
        result.text[shape.id] = (title, details)
        result.size[shape.id] = size
    return result
