"""Drawings as PNG and PDF: the same picture, painted by Graphviz from drawing operations.

Graphviz can paint a graph's ``_background``: a list of drawing operations in
its xdot language (https://graphviz.org/docs/outputs/canon/#xdot), in graph
coordinates. The whole drawing goes there: nothing is left for Graphviz to lay
out (the graph holds two invisible points at opposite corners, which fix its
size, and ``neato -n2`` keeps them where they are), so a spec of any size is
painted in time linear in its size, and PNG and PDF show what the SVG shows.

Text goes in as a run of bytes whose length the operation states, so it needs
no escaping of its own; inside the DOT string only ``"`` is escaped. Graphviz's
coordinates grow upwards, so every y is flipped.
"""

from __future__ import annotations

from collections.abc import Sequence

from wmdsl.render.graphviz_run import run_graphviz
from wmdsl.render.labels import clean
from wmdsl.views import paint
from wmdsl.views.layout import Drawing

Number = float | int
PIECE = 8000  # characters of one quoted piece of the drawing operations


def _bytes(text: str) -> str:
    """``text`` as an xdot string: its length in UTF-8 bytes, a dash, the text."""
    return f"{len(text.encode('utf-8'))} -{text}"


class _Painter:
    def __init__(self, height: int) -> None:
        self.height = height
        self.ops: list[str] = []
        self.offset = 0

    def _xy(self, points: Sequence[tuple[Number, Number]]) -> str:
        return " ".join(f"{x:g} {self.height - (y + self.offset):g}" for x, y in points)

    def pen(self, colour: str, width: float = 1.0, dash: str = "") -> None:
        style = "dotted" if dash.startswith("1.5") else "dashed" if dash else "solid"
        self.ops += [f"c {_bytes(colour)}", f"S {_bytes(style)}", f"S {_bytes(f'setlinewidth({width:g})')}"]

    def polygon(self, points: Sequence[tuple[Number, Number]], fill: str | None) -> None:
        if fill is not None:
            self.ops += [f"C {_bytes(fill)}", f"P {len(points)} {self._xy(points)}"]
        else:
            self.ops.append(f"p {len(points)} {self._xy(points)}")

    def line(self, points: Sequence[tuple[Number, Number]]) -> None:
        self.ops.append(f"L {len(points)} {self._xy(points)}")

    def text(self, run: paint.Run) -> None:
        self.ops += [
            f"F {run.size} {_bytes('Liberation Sans')}",
            f"t {1 if run.bold else 0}",
            f"c {_bytes(run.colour)}",
            f"T {self._xy([(run.x, run.y)])} {0 if run.centred else -1} 0 {_bytes(clean(run.text))}",
        ]


def source(drawings: Sequence[Drawing], theme_name: str = "light") -> str:
    """The DOT text that paints ``drawings`` (stacked from top to bottom) when drawn by ``neato -n2``."""
    theme = paint.THEMES[theme_name]
    width = max((drawing.width for drawing in drawings), default=200)
    height = sum(drawing.height for drawing in drawings) or 60
    painter = _Painter(height)
    for drawing in drawings:
        _paint(painter, drawing, theme)
        painter.offset += drawing.height
    return (
        "digraph wmdsl {\n"
        f'  graph [bb="0,0,{width},{height}", pad="0", bgcolor="{theme.background}",'
        f" _background={_quoted(painter.ops)}];\n"
        '  node [shape=point, style=invis, width=0, height=0, label=""];\n'
        f'  corner0 [pos="0,0"];\n  corner1 [pos="{width},{height}"];\n'
        "}\n"
    )


def _quoted(ops: list[str]) -> str:
    """``ops`` as one DOT string, made of pieces joined by ``+``.

    Graphviz reads a quoted string of at most 16 384 characters, so the
    operations go in pieces of a few thousand characters, each ending with
    the space between two operations (never with a backslash of the text,
    which would escape the closing quote).
    """
    pieces: list[str] = []
    piece: list[str] = []
    size = 0
    for op in ops:
        escaped = op.replace('"', '\\"') + " "
        if piece and size + len(escaped) > PIECE:
            pieces.append("".join(piece))
            piece, size = [], 0
        piece.append(escaped)
        size += len(escaped)
    pieces.append("".join(piece))
    return " + ".join(f'"{text}"' for text in pieces)


def _paint(painter: _Painter, drawing: Drawing, theme: paint.Theme) -> None:
    for run in paint.heading_text(drawing, theme):
        painter.text(run)
    for band in drawing.bands:
        box, colour = band.box, paint.tone(band.band.tone)
        painter.pen(colour)
        corners = [(box.x, box.y), (box.right, box.y), (box.right, box.bottom), (box.x, box.bottom)]
        painter.polygon(corners, paint.mix(colour, theme.background, theme.band_mix))
        header = box.x + band.header
        corners = [(box.x, box.y), (header, box.y), (header, box.bottom), (box.x, box.bottom)]
        painter.polygon(corners, paint.mix(colour, theme.background, theme.band_mix - 0.1))
        for run in paint.band_text(band, theme):
            painter.text(run)
    for route in drawing.routes:
        dash, width = paint.STROKES[route.arrow.style]
        colour = paint.arrow_colour(route.arrow.style, theme)
        painter.pen(colour, width, dash)
        painter.line(route.points)
        if route.head:
            painter.pen(colour)
            painter.polygon(paint.arrowhead(route.points), colour)
    for placed in drawing.shapes:
        line = paint.outline(placed, theme)
        box = placed.box
        painter.pen(line.stroke, line.width, "5 3" if line.dashed else "")
        points = line.points or paint.rounded(box.x, box.y, box.width, box.height, line.radius)
        painter.polygon(points, line.fill)
        if line.inner:
            painter.pen(line.stroke)
            inner = paint.rounded(
                box.x + 3, box.y + 3, box.width - 6, box.height - 6, max(line.radius - 3, 0)
            )
            painter.polygon(inner, None)
        for run in paint.shape_text(placed, theme):
            painter.text(run)
    for style, sample, run in paint.legend(drawing, theme):
        dash, width = paint.STROKES[style]
        colour = paint.arrow_colour(style, theme)
        painter.pen(colour, width, dash)
        painter.line(sample)
        painter.pen(colour)
        painter.polygon(paint.arrowhead(sample), colour)
        painter.text(run)


def draw(drawings: Sequence[Drawing], fmt: str, theme_name: str = "light") -> bytes:
    """``drawings`` painted as ``fmt`` (``png`` or ``pdf``) by Graphviz."""
    return run_graphviz(source(drawings, theme_name), fmt, "neato", "-n2")
