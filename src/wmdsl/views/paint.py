"""What a drawing looks like, said once for every output: colours, outlines, strokes and text runs.

The SVG writer (:mod:`wmdsl.views.svg`) and the Graphviz writer behind PNG and
PDF (:mod:`wmdsl.views.xdot`) both draw from what this module computes, so
the formats show the same picture.

The palette is Okabe and Ito's, chosen to stay distinct for the common forms
of colour blindness; arrows differ by dash pattern and width as well as by
colour, so no meaning rests on colour alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from wmdsl.render.layers import Point
from wmdsl.views import layout as lay
from wmdsl.views import sizing
from wmdsl.views.layout import Drawing, Placed, PlacedBand
from wmdsl.views.picture import ArrowStyle

FONT_FAMILY = "Liberation Sans, Arial, Helvetica, sans-serif"
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999933")


@dataclass(frozen=True, slots=True)
class Theme:
    """The colours of a drawing."""

    name: str
    background: str
    text: str
    muted: str
    shape: str  # a shape's fill
    line: str  # a plain arrow
    band_mix: float  # how much of the background a band's fill is (the rest its palette colour)
    done: str
    rejected: str
    cancelled: str
    gate: str
    rework: str
    parallel: str
    highlight: str


THEMES = {
    "light": Theme(
        "light", "#ffffff", "#1f2937", "#4b5563", "#ffffff", "#4b5563", 0.9,
        "#009E73", "#D55E00", "#8a8a8a", "#0072B2", "#D55E00", "#009E73", "#CC0066",
    ),
    "dark": Theme(
        "dark", "#111827", "#e5e7eb", "#9ca3af", "#1f2937", "#9ca3af", 0.88,
        "#33c49a", "#ff7a33", "#9ca3af", "#56B4E9", "#ff7a33", "#33c49a", "#ff66b3",
    ),
}  # fmt: skip

#: Dash pattern (SVG ``stroke-dasharray``; empty: solid) and width of each arrow style.
STROKES: dict[ArrowStyle, tuple[str, float]] = {
    "plain": ("", 1.4),
    "gate": ("", 2.2),
    "rework": ("6 4", 1.6),
    "parallel": ("", 2.4),
    "decides": ("", 2.6),
    "recommends": ("10 3 2 3", 1.6),
    "approves": ("", 1.6),
    "consults": ("6 3", 1.4),
    "informs": ("1.5 4", 1.6),
    "escalates": ("9 3", 2.0),
}
HEAD = 10  # length and width of an arrowhead


def arrow_colour(style: ArrowStyle, theme: Theme) -> str:
    """The colour of an arrow of ``style``."""
    return {
        "gate": theme.gate,
        "rework": theme.rework,
        "parallel": theme.parallel,
        "approves": theme.gate,
        "escalates": theme.rework,
        "decides": theme.text,
    }.get(style, theme.line)


def mix(colour: str, background: str, share: float) -> str:
    """``colour`` blended with ``background``, ``share`` of the result being the background."""
    parts = [
        round(int(colour[i : i + 2], 16) * (1 - share) + int(background[i : i + 2], 16) * share)
        for i in (1, 3, 5)
    ]
    return "#" + "".join(f"{part:02x}" for part in parts)


def tone(index: int) -> str:
    """The palette colour of tone ``index``."""
    return PALETTE[index % len(PALETTE)]


@dataclass(frozen=True, slots=True)
class Outline:
    """A shape's outline: a polygon, or a rectangle with rounded corners (``points`` empty)."""

    points: tuple[Point, ...]
    radius: int
    fill: str
    stroke: str
    width: float
    dashed: bool = False
    inner: bool = False  # a second, inner outline (an exit that is done)


@dataclass(frozen=True, slots=True)
class Run:
    """One line of text: centred on ``x`` (or starting there), its baseline at ``y``."""

    x: float
    y: int
    size: int
    bold: bool
    colour: str
    text: str
    centred: bool = True


def outline(placed: Placed, theme: Theme) -> Outline:
    """How ``placed`` is outlined and filled."""
    shape, box = placed.shape, placed.box
    colour = tone(shape.tone)
    x, y, w, r, b, m = box.x, box.y, box.width, box.right, box.bottom, box.middle
    fill = theme.shape
    kind = shape.kind
    points: tuple[Point, ...]
    if kind == "intake":
        points = ((x, y), (r - 12, y), (r, m), (r - 12, b), (x, b))
        return Outline(points, 0, mix(colour, fill, 0.8), colour, 1.5)
    if kind == "decision":
        points = ((x + 12, y), (r - 12, y), (r, m), (r - 12, b), (x + 12, b), (x, m))
        return Outline(points, 0, fill, theme.gate, 1.5)
    if kind == "rejected":
        c = 8
        points = (
            (x + c, y),
            (r - c, y),
            (r, y + c),
            (r, b - c),
            (r - c, b),
            (x + c, b),
            (x, b - c),
            (x, y + c),
        )
        return Outline(points, 0, mix(theme.rejected, fill, 0.85), theme.rejected, 1.5)
    if kind == "fork":
        points = ((x + w // 2, y), (r, m), (x + w // 2, b), (x, m))
        return Outline(points, 0, mix(theme.parallel, fill, 0.8), theme.parallel, 1.5)
    round_ends = box.height // 2
    if kind == "done":
        return Outline((), round_ends, mix(theme.done, fill, 0.85), theme.done, 2.4, inner=True)
    if kind == "cancelled":
        return Outline((), round_ends, mix(theme.cancelled, fill, 0.85), theme.cancelled, 1.5, dashed=True)
    if kind == "join":
        return Outline((), round_ends, fill, theme.parallel, 2.4)
    if kind == "person":
        return Outline((), round_ends, fill, colour, 1.5)
    if kind == "label":
        return Outline((), 3, theme.background, theme.background, 1.0)
    if kind == "lane":
        return Outline((), 8, mix(colour, fill, 0.85), colour, 1.5)
    return Outline((), 8, fill, colour, 1.5)


def shape_text(placed: Placed, theme: Theme) -> list[Run]:
    """The lines of text of ``placed``, centred in its box."""
    shape, box = placed.shape, placed.box
    small = shape.kind == "label"
    size = sizing.SMALL if small else sizing.FONT
    centre = box.x + box.width / 2
    runs = []
    if shape.kind == "fork":
        runs.append(Run(centre, box.middle + 5, sizing.FONT, True, theme.parallel, "+"))
    y = box.y + (2 if small else sizing.PAD_Y)
    for line in placed.title:
        height = math.ceil(size * sizing.LINE)
        runs.append(
            Run(
                centre,
                y + height - math.ceil(size * 0.3),
                size,
                not small,
                theme.muted if small else theme.text,
                line,
            )
        )
        y += height
    for line in placed.details:
        height = math.ceil(sizing.SMALL * sizing.LINE)
        runs.append(
            Run(centre, y + height - math.ceil(sizing.SMALL * 0.3), sizing.SMALL, False, theme.muted, line)
        )
        y += height
    return runs


def band_text(placed: PlacedBand, theme: Theme) -> list[Run]:
    """The header of a band: its title in bold, then its details, from the top left."""
    box = placed.box
    x = box.x + sizing.PAD_X
    y = box.y + sizing.PAD_Y
    runs = []
    for line in placed.title:
        y += math.ceil((sizing.SMALL + 1) * sizing.LINE)
        runs.append(Run(x, y - 4, sizing.SMALL + 1, True, theme.text, line, centred=False))
    for line in placed.band.details:
        y += math.ceil(sizing.SMALL * sizing.LINE)
        runs.append(Run(x, y - 3, sizing.SMALL, False, theme.muted, line, centred=False))
    return runs


def heading_text(drawing: Drawing, theme: Theme) -> list[Run]:
    """The drawing's title and notes, from the top left."""
    y = lay.EDGE
    runs = []
    for line in drawing.title:
        y += math.ceil(lay.TITLE_SIZE * sizing.LINE)
        runs.append(Run(lay.EDGE, y - 5, lay.TITLE_SIZE, True, theme.text, line, centred=False))
    for line in drawing.picture.notes:
        y += math.ceil(sizing.SMALL * sizing.LINE)
        runs.append(Run(lay.EDGE, y - 3, sizing.SMALL, False, theme.muted, line, centred=False))
    return runs


def legend(drawing: Drawing, theme: Theme) -> list[tuple[ArrowStyle, tuple[Point, Point], Run]]:
    """Each legend entry: its arrow style, a sample line, and its text."""
    entries = []
    y = drawing.legend_y
    for style, text in drawing.picture.legend:
        height = math.ceil(sizing.SMALL * sizing.LINE)
        middle = y + height // 2
        line = ((lay.EDGE, middle), (lay.EDGE + 36, middle))
        run = Run(
            lay.EDGE + lay.LEGEND_SAMPLE, y + height - 3, sizing.SMALL, False, theme.text, text, centred=False
        )
        entries.append((style, line, run))
        y += height
    return entries


def arrowhead(points: tuple[Point, ...]) -> tuple[Point, Point, Point]:
    """The triangle at the end of ``points``: its tip on the last point, along the last segment."""
    (x1, y1), (x2, y2) = points[-2], points[-1]
    length = math.hypot(x2 - x1, y2 - y1) or 1.0
    dx, dy = (x2 - x1) / length, (y2 - y1) / length
    bx, by = x2 - dx * HEAD, y2 - dy * HEAD
    half = HEAD / 2
    return (
        (x2, y2),
        (round(bx - dy * half), round(by + dx * half)),
        (round(bx + dy * half), round(by - dx * half)),
    )


def rounded(box_x: int, box_y: int, width: int, height: int, radius: int) -> list[tuple[float, float]]:
    """A rectangle with rounded corners as a polygon (three segments a corner)."""
    radius = min(radius, width // 2, height // 2)
    corners = (
        (box_x + width - radius, box_y + radius, -90),
        (box_x + width - radius, box_y + height - radius, 0),
        (box_x + radius, box_y + height - radius, 90),
        (box_x + radius, box_y + radius, 180),
    )
    points = []
    for cx, cy, start in corners:
        for step in range(4):
            angle = math.radians(start + step * 30)
            points.append((round(cx + radius * math.cos(angle), 2), round(cy + radius * math.sin(angle), 2)))
    return points
