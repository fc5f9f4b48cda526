"""Drawings as SVG: shapes, bands and arrows in a theme, every text escaped.

The document is plain SVG 1.1 with a small style sheet and no script, so it
opens in a browser, inlines in HTML and converts with any SVG tool. Each
shape is a ``<g class="node">`` (its outline the element of class ``shape``)
and each arrow a ``<g class="edge">``, both carrying
``data-element="<workflow>.<name>"`` when they draw an element of the model
(the live preview highlights a finding's element by it); a shape or band
with a link is wrapped in ``<a href>``, unless the link would run script
(``javascript:``, ``vbscript:`` or ``data:``), which is left out. Text is
never trusted: it is cleaned of control characters
(:func:`wmdsl.render.labels.clean`) and escaped for XML here, and the whole
document finished by :func:`wmdsl.output.safe.for_xml`.
Colours, outlines and text positions come from :mod:`wmdsl.views.paint`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from wmdsl.output.safe import for_xml
from wmdsl.render.labels import clean
from wmdsl.views import paint
from wmdsl.views.layout import Drawing, Placed, PlacedBand, Route
from wmdsl.views.paint import Run, Theme

# Links that would run script when followed, and what URL parsers skip before a scheme.
_SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:")
_URL_IGNORED = re.compile(r"[\x00-\x20]+")


def _text(value: str) -> str:
    return escape(clean(value), quote=True)


def _attr(value: str) -> str:
    return escape(clean(value).replace("\n", " "), quote=True)


def _link(url: str | None) -> str | None:
    """``url``, or None when following it would run script (a ``javascript:`` link, however spelt)."""
    if url is None or _URL_IGNORED.sub("", url).lower().startswith(_SCRIPT_SCHEMES):
        return None
    return url


def svg(drawings: Sequence[Drawing], theme_name: str = "light") -> str:
    """One SVG document of ``drawings`` stacked from top to bottom."""
    theme = paint.THEMES[theme_name]
    width = max((drawing.width for drawing in drawings), default=200)
    height = sum(drawing.height for drawing in drawings) or 60
    view = drawings[0].picture.view if drawings else "flow"
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" class="wmdsl-diagram" data-view="{_attr(view)}"'
        f' data-theme="{theme.name}" width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        f' font-family="{paint.FONT_FAMILY}">',
        "<style>"
        f".node.highlight .shape{{stroke:{theme.highlight};stroke-width:4px}}"
        f".edge.highlight path{{stroke:{theme.highlight};stroke-width:3px}}"
        "</style>",
        f'<rect class="background" x="0" y="0" width="{width}" height="{height}" fill="{theme.background}"/>',
    ]
    top = 0
    for drawing in drawings:
        out.append(f'<g class="picture" transform="translate(0,{top})">')
        out.extend(_run(run, "title") for run in paint.heading_text(drawing, theme))
        out.extend(_band(band, theme) for band in drawing.bands)
        out.extend(_route(route, theme) for route in drawing.routes)
        out.extend(_shape(placed, theme) for placed in drawing.shapes)
        for style, (start, end), run in paint.legend(drawing, theme):
            dash, width_ = paint.STROKES[style]
            dashed = f' stroke-dasharray="{dash}"' if dash else ""
            colour = paint.arrow_colour(style, theme)
            out.append(
                f'<g class="legend"><path d="M{start[0]},{start[1]} L{end[0]},{end[1]}" stroke="{colour}"'
                f' stroke-width="{width_}"{dashed}/>{_head((start, end), colour)}{_run(run)}</g>'
            )
        out.append("</g>")
        top += drawing.height
    out.append("</svg>")
    return for_xml("\n".join(out) + "\n")


def _run(run: Run, kind: str = "") -> str:
    anchor = ' text-anchor="middle"' if run.centred else ""
    weight = ' font-weight="bold"' if run.bold else ""
    css = f' class="{kind}"' if kind else ""
    return (
        f'<text{css} x="{run.x:g}" y="{run.y}" font-size="{run.size}"{weight}{anchor} fill="{run.colour}">'
        f"{_text(run.text)}</text>"
    )


def _head(points: tuple[tuple[int, int], ...], colour: str) -> str:
    corners = " ".join(f"{x},{y}" for x, y in paint.arrowhead(points))
    return f'<polygon points="{corners}" fill="{colour}"/>'


def _band(placed: PlacedBand, theme: Theme) -> str:
    band, box = placed.band, placed.box
    colour = paint.tone(band.tone)
    fill = paint.mix(colour, theme.background, theme.band_mix)
    head = paint.mix(colour, theme.background, theme.band_mix - 0.1)
    texts = "".join(_run(run) for run in paint.band_text(placed, theme))
    href = _link(band.href)
    if href:
        texts = f'<a href="{_attr(href)}">{texts}</a>'
    return (
        f'<g class="band" data-band="{_attr(band.id)}">'
        f'<rect x="{box.x}" y="{box.y}" width="{box.width}" height="{box.height}" fill="{fill}"'
        f' stroke="{colour}" stroke-width="1"/>'
        f'<rect x="{box.x}" y="{box.y}" width="{placed.header}" height="{box.height}" fill="{head}"'
        f' stroke="{colour}" stroke-width="1"/>{texts}</g>'
    )


def _route(route: Route, theme: Theme) -> str:
    arrow = route.arrow
    dash, width = paint.STROKES[arrow.style]
    colour = paint.arrow_colour(arrow.style, theme)
    d = "M" + " L".join(f"{x},{y}" for x, y in route.points)
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    head = _head(route.points, colour) if route.head else ""
    element = f' data-element="{_attr(arrow.element)}"' if arrow.element else ""
    return (
        f'<g class="edge" data-arrow="{_attr(arrow.id)}"{element}>'
        f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="{width}"{dashed}/>{head}</g>'
    )


def _shape(placed: Placed, theme: Theme) -> str:
    shape, box = placed.shape, placed.box
    line = paint.outline(placed, theme)
    stroke = f' fill="{line.fill}" stroke="{line.stroke}" stroke-width="{line.width}"'
    if line.dashed:
        stroke += ' stroke-dasharray="5 3"'
    if line.points:
        corners = " ".join(f"{x},{y}" for x, y in line.points)
        parts = [f'<polygon class="shape" points="{corners}"{stroke}/>']
    else:
        parts = [
            f'<rect class="shape" x="{box.x}" y="{box.y}" width="{box.width}" height="{box.height}"'
            f' rx="{line.radius}"{stroke}/>'
        ]
    if line.inner:  # a double outline, as BPMN draws an end event's thick border
        parts.append(
            f'<rect x="{box.x + 3}" y="{box.y + 3}" width="{box.width - 6}" height="{box.height - 6}"'
            f' rx="{max(line.radius - 3, 0)}" fill="none" stroke="{line.stroke}" stroke-width="1"/>'
        )
    parts.extend(_run(run) for run in paint.shape_text(placed, theme))
    body = "".join(parts)
    if shape.tooltip:
        body = f"<title>{_text(shape.tooltip)}</title>" + body
    href = _link(shape.href)
    if href:
        body = f'<a href="{_attr(href)}">{body}</a>'
    classes = "node faded" if shape.faded else "node"
    opacity = ' opacity="0.5"' if shape.faded else ""
    element = f' data-element="{_attr(shape.element)}"' if shape.element else ""
    return f'<g class="{classes}" data-kind="{shape.kind}"{element}{opacity}>{body}</g>'
