"""Drawings as SVG: shapes, bands and arrows in a theme, every text escaped.

The document is plain SVG 1.1 with a small style sheet and no script, so it
opens in a browser, inlines in HTML and converts with any SVG tool. Each
shape is a ``<g class="node">`` and each arrow a ``<g class="edge">``, both
carrying ``data-element="<workflow>.<name>"`` when they draw an element of
the model (the live preview highlights a finding's element by it); a shape
with a link is wrapped in ``<a href>``. Text is never trusted: it is cleaned
of control characters (:func:`wmdsl.render.labels.clean`) and escaped for
XML here, and the whole document finished by :func:`wmdsl.output.safe.for_xml`.

The palette is Okabe and Ito's, chosen to stay distinct for the common forms
of colour blindness; arrows differ by dash pattern and width as well as by
colour, so no meaning rests on colour alone.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from wmdsl.output.safe import for_xml
from wmdsl.render.labels import clean
from wmdsl.views import layout as lay
from wmdsl.views.layout import Drawing, Placed, PlacedBand, Route
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

#: Dash pattern and width of each arrow style (colour comes from the theme).
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


def _colour(style: ArrowStyle, theme: Theme) -> str:
    return {
        "gate": theme.gate,
        "rework": theme.rework,
        "parallel": theme.parallel,
        "approves": theme.gate,
        "escalates": theme.rework,
        "decides": theme.text,
    }.get(style, theme.line)


def _mix(colour: str, background: str, share: float) -> str:
    """``colour`` blended with ``background``, ``share`` of the result being the background."""
    parts = [
        round(int(colour[i : i + 2], 16) * (1 - share) + int(background[i : i + 2], 16) * share)
        for i in (1, 3, 5)
    ]
    return "#" + "".join(f"{part:02x}" for part in parts)


def _text(value: str) -> str:
    return escape(clean(value), quote=True)


def _attr(value: str) -> str:
    return escape(clean(value).replace("\n", " "), quote=True)


def svg(drawings: Sequence[Drawing], theme_name: str = "light") -> str:
    """One SVG document of ``drawings`` stacked from top to bottom."""
    theme = THEMES[theme_name]
    width = max((drawing.width for drawing in drawings), default=200)
    height = sum(drawing.height for drawing in drawings) or 60
    view = drawings[0].picture.view if drawings else "flow"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="wmdsl-diagram" data-view="{_attr(view)}"'
        f' data-theme="{theme.name}" width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        f' font-family="{FONT_FAMILY}">',
        _style(theme),
        _markers(theme),
        f'<rect class="background" x="0" y="0" width="{width}" height="{height}" fill="{theme.background}"/>',
    ]
    top = 0
    for drawing in drawings:
        out.append(f'<g class="picture" transform="translate(0,{top})">')
        out.extend(_drawing(drawing, theme))
        out.append("</g>")
        top += drawing.height
    out.append("</svg>")
    return for_xml("\n".join(out) + "\n")


def _style(theme: Theme) -> str:
    return (
        "<style>"
        f".node.highlight .shape{{stroke:{theme.highlight};stroke-width:4px}}"
        f".edge.highlight path{{stroke:{theme.highlight};stroke-width:3px}}"
        ".node a, .band a{cursor:pointer}"
        "</style>"
    )


def _markers(theme: Theme) -> str:
    out = ["<defs>"]
    for style in STROKES:
        colour = _colour(style, theme)
        out.append(
            f'<marker id="head-{style}" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse"'
            ' markerWidth="10" markerHeight="10"'
            f' orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
        )
    out.append("</defs>")
    return "".join(out)


def _drawing(drawing: Drawing, theme: Theme) -> list[str]:
    out: list[str] = []
    y = lay.EDGE
    for line in drawing.title:
        y += math.ceil(lay.TITLE_SIZE * lay.LINE)
        out.append(
            f'<text class="title" x="{lay.EDGE}" y="{y - 5}" font-size="{lay.TITLE_SIZE}" font-weight="bold"'
            f' fill="{theme.text}">{_text(line)}</text>'
        )
    for line in drawing.picture.notes:
        y += math.ceil(lay.SMALL * lay.LINE)
        out.append(
            f'<text class="note" x="{lay.EDGE}" y="{y - 3}" font-size="{lay.SMALL}" fill="{theme.muted}">'
            f"{_text(line)}</text>"
        )
    out.extend(_band(band, theme) for band in drawing.bands)
    out.extend(_route(route, theme) for route in drawing.routes)
    out.extend(_shape(placed, theme) for placed in drawing.shapes)
    out.extend(_legend(drawing, theme))
    return out


def _band(placed: PlacedBand, theme: Theme) -> str:
    band, box = placed.band, placed.box
    tone = PALETTE[band.tone % len(PALETTE)]
    fill = _mix(tone, theme.background, theme.band_mix)
    head = _mix(tone, theme.background, theme.band_mix - 0.1)
    parts = [
        f'<g class="band" data-band="{_attr(band.id)}">',
        f'<rect x="{box.x}" y="{box.y}" width="{box.width}" height="{box.height}" fill="{fill}"'
        f' stroke="{tone}" stroke-width="1"/>',
        f'<rect x="{box.x}" y="{box.y}" width="{placed.header}" height="{box.height}" fill="{head}"'
        f' stroke="{tone}" stroke-width="1"/>',
    ]
    texts = []
    y = box.y + lay.PAD_Y
    for line in placed.title:
        y += math.ceil((lay.SMALL + 1) * lay.LINE)
        texts.append(
            f'<text x="{box.x + lay.PAD_X}" y="{y - 4}" font-size="{lay.SMALL + 1}" font-weight="bold"'
            f' fill="{theme.text}">{_text(line)}</text>'
        )
    for line in band.details:
        y += math.ceil(lay.SMALL * lay.LINE)
        texts.append(
            f'<text x="{box.x + lay.PAD_X}" y="{y - 3}" font-size="{lay.SMALL}" fill="{theme.muted}">'
            f"{_text(line)}</text>"
        )
    if band.href:
        parts.append(f'<a href="{_attr(band.href)}">{"".join(texts)}</a>')
    else:
        parts.extend(texts)
    parts.append("</g>")
    return "".join(parts)


def _route(route: Route, theme: Theme) -> str:
    arrow = route.arrow
    dash, stroke_width = STROKES[arrow.style]
    colour = _colour(arrow.style, theme)
    d = "M" + " L".join(f"{x},{y}" for x, y in route.points)
    attributes = f'd="{d}" fill="none" stroke="{colour}" stroke-width="{stroke_width}"'
    if dash:
        attributes += f' stroke-dasharray="{dash}"'
    if route.head:
        attributes += f' marker-end="url(#head-{arrow.style})"'
    element = f' data-element="{_attr(arrow.element)}"' if arrow.element else ""
    return f'<g class="edge" data-arrow="{_attr(arrow.id)}"{element}><path {attributes}/></g>'


def _outline(placed: Placed, theme: Theme) -> tuple[str, str]:
    """The shape's SVG element (without closing) and its stroke colour."""
    shape, box = placed.shape, placed.box
    tone = PALETTE[shape.tone % len(PALETTE)]
    x, y, w, h, r, b, m = box.x, box.y, box.width, box.height, box.right, box.bottom, box.middle
    kind = shape.kind
    fill = theme.shape
    if kind == "intake":
        points = f"{x},{y} {r - 12},{y} {r},{m} {r - 12},{b} {x},{b}"
        return f'<polygon class="shape" points="{points}" fill="{_mix(tone, fill, 0.8)}"', tone
    if kind == "decision":
        points = f"{x + 12},{y} {r - 12},{y} {r},{m} {r - 12},{b} {x + 12},{b} {x},{m}"
        return f'<polygon class="shape" points="{points}" fill="{fill}"', theme.gate
    if kind == "rejected":
        c = 8
        points = (
            f"{x + c},{y} {r - c},{y} {r},{y + c} {r},{b - c} {r - c},{b} {x + c},{b} {x},{b - c} {x},{y + c}"
        )
        return (
            f'<polygon class="shape" points="{points}" fill="{_mix(theme.rejected, fill, 0.85)}"',
            theme.rejected,
        )
    if kind == "fork":
        points = f"{x + w // 2},{y} {r},{m} {x + w // 2},{b} {x},{m}"
        return (
            f'<polygon class="shape" points="{points}" fill="{_mix(theme.parallel, fill, 0.8)}"',
            theme.parallel,
        )
    radius = {"done": h // 2, "cancelled": h // 2, "join": h // 2, "person": h // 2, "label": 3}.get(kind, 8)
    colour = {
        "done": theme.done,
        "cancelled": theme.cancelled,
        "join": theme.parallel,
        "label": theme.background,
    }.get(kind, tone)
    back = {
        "done": _mix(theme.done, fill, 0.85),
        "cancelled": _mix(theme.cancelled, fill, 0.85),
        "label": theme.background,
        "lane": _mix(tone, fill, 0.85),
    }.get(kind, fill)
    extra = ' stroke-dasharray="5 3"' if kind == "cancelled" else ""
    element = (
        f'<rect class="shape" x="{x}" y="{y}" width="{w}" height="{h}" rx="{radius}" fill="{back}"{extra}'
    )
    return element, colour


def _shape(placed: Placed, theme: Theme) -> str:
    shape, box = placed.shape, placed.box
    outline, colour = _outline(placed, theme)
    width = "2.4" if shape.kind in ("join", "done") else "1.5"
    parts = [outline + f' stroke="{colour}" stroke-width="{width}"/>']
    if shape.kind == "done":  # a double outline, as BPMN draws an end event's thick border
        parts.append(
            f'<rect x="{box.x + 3}" y="{box.y + 3}" width="{box.width - 6}" height="{box.height - 6}"'
            f' rx="{(box.height - 6) // 2}" fill="none" stroke="{colour}" stroke-width="1"/>'
        )
    small = shape.kind == "label"
    size = lay.SMALL if small else lay.FONT
    text_colour = theme.muted if small else theme.text
    pad_y = 2 if small else lay.PAD_Y
    y = box.y + pad_y
    centre = box.x + box.width / 2
    if shape.kind == "fork":
        parts.append(
            f'<text x="{centre:g}" y="{box.middle + 5}" font-size="{lay.FONT}" font-weight="bold"'
            f' text-anchor="middle" fill="{theme.parallel}">+</text>'
        )
    for line in placed.title:
        height = math.ceil(size * lay.LINE)
        weight = "" if small else ' font-weight="bold"'
        parts.append(
            f'<text x="{centre:g}" y="{y + height - math.ceil(size * 0.3)}" font-size="{size}"{weight}'
            f' text-anchor="middle" fill="{text_colour}">{_text(line)}</text>'
        )
        y += height
    for line in placed.details:
        height = math.ceil(lay.SMALL * lay.LINE)
        parts.append(
            f'<text x="{centre:g}" y="{y + height - math.ceil(lay.SMALL * 0.3)}" font-size="{lay.SMALL}"'
            f' text-anchor="middle" fill="{theme.muted}">{_text(line)}</text>'
        )
        y += height
    body = "".join(parts)
    if shape.tooltip:
        body = f"<title>{_text(shape.tooltip)}</title>" + body
    if shape.href:
        body = f'<a href="{_attr(shape.href)}">{body}</a>'
    classes = "node faded" if shape.faded else "node"
    opacity = ' opacity="0.5"' if shape.faded else ""
    element = f' data-element="{_attr(shape.element)}"' if shape.element else ""
    return f'<g class="{classes}" data-kind="{shape.kind}"{element}{opacity}>{body}</g>'


def _legend(drawing: Drawing, theme: Theme) -> list[str]:
    out = []
    y = drawing.legend_y
    for style, text in drawing.picture.legend:
        height = math.ceil(lay.SMALL * lay.LINE)
        middle = y + height // 2
        dash, stroke_width = STROKES[style]
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<g class="legend"><path d="M{lay.EDGE},{middle} L{lay.EDGE + 36},{middle}"'
            f' stroke="{_colour(style, theme)}" stroke-width="{stroke_width}"{dashed}'
            f' marker-end="url(#head-{style})"/>'
            f'<text x="{lay.EDGE + lay.LEGEND_SAMPLE}" y="{y + height - 3}" font-size="{lay.SMALL}"'
            f' fill="{theme.text}">{_text(text)}</text></g>'
        )
        y += height
    return out
