"""A radar chart of one workflow's scores, as SVG written by hand.

One spoke per component, clockwise from the top; rings at 25, 50, 75 and 100;
the scores joined into one shape (a component with no score sits at the
centre and its label says ``n/a``). Labels are measured with the widths of
:mod:`wmdsl.views.metrics` and placed outside the rings, anchored away from
the centre; should two of them still touch, every label moves outwards until
none does. The picture's size follows from where everything landed. Every
text is escaped, and the document finished by :func:`wmdsl.output.safe.for_xml`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from wmdsl.output.safe import for_xml
from wmdsl.score.records import Scorecard
from wmdsl.views.metrics import width, wrap

RADIUS = 130.0
GAP = 14.0  # between the outer ring and a label
SIZE = 12.0  # label font size
LINE = 15.0  # label line height
MARGIN = 16.0
FONT = "Liberation Sans, Arial, Helvetica, sans-serif"
TITLE_WIDTH = 420.0


@dataclass(frozen=True, slots=True)
class Box:
    """A label's lines and the box they fill."""

    lines: tuple[str, ...]
    anchor: str
    x: float  # the anchor point
    y: float  # baseline of the first line
    left: float
    top: float
    right: float
    bottom: float

    def touches(self, other: Box) -> bool:
        return not (
            self.right <= other.left
            or other.right <= self.left
            or self.bottom <= other.top
            or other.bottom <= self.top
        )


def _angle(index: int, count: int) -> float:
    return -math.pi / 2 + 2 * math.pi * index / count


def _label(lines: tuple[str, ...], angle: float, distance: float) -> Box:
    x, y = distance * math.cos(angle), distance * math.sin(angle)
    widest = max(width(line, SIZE, bold=n == 0) for n, line in enumerate(lines))
    height = LINE * len(lines)
    cos = math.cos(angle)
    anchor = "middle" if abs(cos) < 0.2 else "start" if cos > 0 else "end"
    left = x - widest / 2 if anchor == "middle" else x if anchor == "start" else x - widest
    sin = math.sin(angle)
    # Above the centre a label grows upwards from its point, below it downwards, beside it centred.
    top = y - height if sin < -0.2 else y if sin > 0.2 else y - height / 2
    baseline = top + SIZE
    return Box(lines, anchor, x, baseline, left, top, left + widest, top + height)


def _labels(texts: Sequence[tuple[str, ...]]) -> list[Box]:
    count = len(texts)
    distance = RADIUS + GAP
    for _ in range(40):  # bounded: each round moves every label 6px outwards
        boxes = [_label(lines, _angle(n, count), distance) for n, lines in enumerate(texts)]
        if not any(a.touches(b) for n, a in enumerate(boxes) for b in boxes[n + 1 :]):
            return boxes
        distance += 6
    return boxes


def _f(value: float) -> str:
    # One decimal, and never "-0.0": the same picture is the same bytes.
    return f"{value:.1f}".replace("-0.0", "0.0") if abs(value) < 0.05 else f"{value:.1f}"


def _point(distance: float, index: int, count: int) -> str:
    angle = _angle(index, count)
    return f"{_f(distance * math.cos(angle))},{_f(distance * math.sin(angle))}"


def render_radar(card: Scorecard) -> str:
    """The radar chart of ``card`` as an SVG document."""
    components = card.components
    count = len(components)
    texts = [(c.title, "n/a" if c.score is None else str(c.score)) for c in components]
    boxes = _labels(texts)
    title = card.title or card.workflow
    heading = wrap(f"{title} ({card.workflow})", TITLE_WIDTH, 14, bold=True) or [card.workflow]
    place = wrap(card.where, TITLE_WIDTH, 11) or [""]
    head_height = 18.0 * len(heading) + 14.0 * len(place) + 10
    left = min(min(b.left for b in boxes), -RADIUS) - MARGIN
    right = max(max(b.right for b in boxes), RADIUS) + MARGIN
    top = min(min(b.top for b in boxes), -RADIUS) - MARGIN - head_height
    bottom = max(max(b.bottom for b in boxes), RADIUS) + MARGIN
    heading_width = max(width(line, 14, bold=True) for line in heading) + 2 * MARGIN
    if right - left < heading_width:
        grow = (heading_width - (right - left)) / 2
        left, right = left - grow, right + grow
    view = f"{_f(left)} {_f(top)} {_f(right - left)} {_f(bottom - top)}"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{view}" width="{_f(right - left)}" '
        f'height="{_f(bottom - top)}" font-family="{FONT}" role="img">',
        f"<title>{escape(f'Scorecard of {title}')}</title>",
        f'<rect class="background" x="{_f(left)}" y="{_f(top)}" width="{_f(right - left)}" '
        f'height="{_f(bottom - top)}" fill="#ffffff"/>',
    ]
    y = top + MARGIN + 12
    x = _f(left + MARGIN)
    for line in heading:
        bold = 'font-size="14" font-weight="bold" fill="#1a1a1a"'
        out.append(f'<text class="heading" x="{x}" y="{_f(y)}" {bold}>{escape(line)}</text>')
        y += 18
    for line in place:
        out.append(
            f'<text class="place" x="{x}" y="{_f(y)}" font-size="11" fill="#555555">{escape(line)}</text>'
        )
        y += 14
    for ring in (0.25, 0.5, 0.75, 1.0):
        points = " ".join(_point(RADIUS * ring, n, count) for n in range(count))
        out.append(f'<polygon class="ring" points="{points}" fill="none" stroke="#c8c8c8" stroke-width="1"/>')
    for n in range(count):
        end = _point(RADIUS, n, count).split(",")
        grey = 'stroke="#c8c8c8" stroke-width="1"'
        out.append(f'<line class="spoke" x1="0" y1="0" x2="{end[0]}" y2="{end[1]}" {grey}/>')
    shape = [_point(RADIUS * (c.score or 0) / 100, n, count) for n, c in enumerate(components)]
    # Okabe and Ito's blue: the views' palette, safe for colour-blind readers.
    out.append(
        f'<polygon class="scores" points="{" ".join(shape)}" fill="#0072b2" fill-opacity="0.25" '
        'stroke="#0072b2" stroke-width="2" stroke-linejoin="round"/>'
    )
    for box in boxes:
        for number, line in enumerate(box.lines):
            weight = ' font-weight="bold"' if number == 0 else ""
            out.append(
                f'<text class="label" x="{_f(box.x)}" y="{_f(box.y + number * LINE)}" font-size="{_f(SIZE)}"'
                f'{weight} text-anchor="{box.anchor}" fill="#1a1a1a">{escape(line)}</text>'
            )
    out.append("</svg>")
    return for_xml("\n".join(out) + "\n")
