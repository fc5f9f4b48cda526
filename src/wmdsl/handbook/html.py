"""Write a handbook page as a self-contained HTML file.

Everything taken from the spec goes through :func:`html.escape`, and the page
through :func:`wmdsl.output.safe.for_xml` (no character XML cannot hold, no
line a CI log would run); the only markup not built here is the diagrams,
each inlined after :func:`~wmdsl.handbook.svg.sanitize_svg`. The page has its
CSS inline, loads nothing from anywhere, and says so in a
Content-Security-Policy that allows one script: :data:`ZOOM_SCRIPT`, inline
on the pages that show a diagram and named by its hash.

A diagram is drawn at its natural size (1:1, its text as readable as the
page's) in a frame that scrolls both ways, with buttons to zoom out, fit the
frame, go back to 1:1 and zoom in. The buttons are hidden until the script
shows them, so without scripts the frame still scrolls, and the link under it
opens the diagram on its own. The layout is one fluid column that tables and
diagrams scroll inside, so it reads on a phone.
"""

from __future__ import annotations

import base64
import hashlib
import re
from html import escape

from wmdsl.handbook.blocks import (
    Block,
    Code,
    Diagram,
    Facts,
    Heading,
    Inline,
    Line,
    Link,
    Page,
    Paragraph,
    Prose,
    Table,
)
from wmdsl.handbook.svg import sanitize_svg
from wmdsl.output.safe import for_xml

# Zooms each diagram frame of the page: natural size times a scale, kept centred.
ZOOM_SCRIPT = """
(function () {
  var frames = document.querySelectorAll("figure.diagram");
  Array.prototype.forEach.call(frames, function (figure) {
    var bar = figure.querySelector(".zoom-bar");
    var frame = figure.querySelector(".zoom-frame");
    var svg = frame && frame.querySelector("svg");
    if (!bar || !svg) return;
    var width = parseFloat(svg.getAttribute("width"));
    var height = parseFloat(svg.getAttribute("height"));
    if (!(width > 0 && height > 0)) return;
    var shown = bar.querySelector("output");
    var scale = 1;
    function zoom(next) {
      next = Math.min(4, Math.max(0.02, next));
      var x = (frame.scrollLeft + frame.clientWidth / 2) / scale;
      var y = (frame.scrollTop + frame.clientHeight / 2) / scale;
      scale = next;
      svg.style.width = width * scale + "px";
      svg.style.height = height * scale + "px";
      frame.scrollLeft = x * scale - frame.clientWidth / 2;
      frame.scrollTop = y * scale - frame.clientHeight / 2;
      if (shown) shown.textContent = Math.round(scale * 100) + "%";
    }
    function fit() {
      var tallest = parseFloat(getComputedStyle(frame).maxHeight) || window.innerHeight * 0.75;
      return Math.min(1, frame.clientWidth / width, tallest / height);
    }
    bar.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest("button") : null;
      var how = button && button.getAttribute("data-zoom");
      if (how === "in") zoom(scale * 1.25);
      else if (how === "out") zoom(scale / 1.25);
      else if (how === "fit") zoom(fit());
      else if (how === "actual") zoom(1);
    });
    bar.hidden = false;
  });
})();
"""
_ZOOM_HASH = base64.b64encode(hashlib.sha256(ZOOM_SCRIPT.encode("utf-8")).digest()).decode("ascii")
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; "
    f"form-action 'none'; script-src 'sha256-{_ZOOM_HASH}'"
)
CSS = """\
:root {
  color-scheme: light dark;
  --fg: #1d232b; --bg: #fff; --muted: #5b6570; --line: #d9dee3; --accent: #0b5cad; --head: #f3f5f7;
}
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6e9ec; --bg: #14181c; --muted: #9aa4ae; --line: #323a42; --accent: #7ab8ff;
          --head: #1c2227; }
}
* { box-sizing: border-box; }
body {
  margin: 0; color: var(--fg); background: var(--bg); overflow-wrap: anywhere;
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
header, main, footer { max-width: 72rem; margin: 0 auto; padding: 0 1rem; }
header { padding-top: .75rem; padding-bottom: .75rem; border-bottom: 1px solid var(--line); }
nav a { display: inline-block; margin: 0 1rem .25rem 0; }
a { color: var(--accent); }
h1 { font-size: 1.7rem; line-height: 1.25; margin: 1.25rem 0 1rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .75rem; padding-bottom: .25rem; border-bottom: 1px solid var(--line);}
h3 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; margin: 0 0 1rem; }
dt { font-weight: 600; color: var(--muted); }
dd { margin: 0; }
.table { overflow-x: auto; margin: 0 0 1rem; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
th, td { border: 1px solid var(--line); padding: .35rem .55rem; text-align: left; vertical-align: top; }
th, td { min-width: 5.5rem; overflow-wrap: normal; }
td:last-child { min-width: 12rem; }
th { background: var(--head); }
.diagram { margin: 0 0 1rem; }
.zoom-bar { display: flex; flex-wrap: wrap; gap: .4rem; align-items: center; margin: 0 0 .4rem; }
.zoom-bar[hidden] { display: none; }
.zoom-bar button {
  min-width: 2.75rem; min-height: 2.25rem; padding: 0 .6rem; font: inherit; color: var(--fg);
  background: var(--head); border: 1px solid var(--line); border-radius: .3rem; cursor: pointer;
}
.zoom-bar output { color: var(--muted); font-size: .9rem; }
.zoom-frame { overflow: auto; max-height: 75vh; border: 1px solid var(--line); background: #fff; }
.zoom-frame svg { display: block; max-width: none; }
.diagram figcaption { margin-top: .35rem; }
.empty, footer { color: var(--muted); }
footer { margin-top: 2.5rem; padding-top: .75rem; padding-bottom: 1.5rem; border-top: 1px solid var(--line); }
@media (max-width: 40rem) {
  body { font-size: 15px; }
  h1 { font-size: 1.4rem; }
  dl { grid-template-columns: 1fr; }
  dd { margin-bottom: .4rem; }
}
"""


def relative(page: str, target: str) -> str:
    """The path of ``target`` (site-relative) as seen from the page with key ``page``.

    Both are plain site paths (``a/b``, no ``.``, ``..`` or empty part), so
    this is :func:`posixpath.relpath` without its look at the working folder,
    which a handbook of a few hundred thousand links paid for in seconds.
    """
    folder = page.split("/")[:-1]
    parts = target.split("/")
    common = 0
    while common < min(len(folder), len(parts)) and folder[common] == parts[common]:
        common += 1
    return "/".join([*([".."] * (len(folder) - common)), *parts[common:]]) or "."


def _inline(item: Inline, page: str) -> str:
    if isinstance(item, Code):
        return f"<code>{escape(item.text)}</code>"
    if isinstance(item, Link):
        href = escape(relative(page, item.page + ".html"))
        return f'<a href="{href}">{escape(item.text)}</a>'
    return escape(item.text)


def _line(text: Line, page: str) -> str:
    return "".join(_inline(item, page) for item in text)


def _prose(text: str) -> list[str]:
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]
    return [f"<p>{escape(p)}</p>" for p in paragraphs]


def _table(table: Table, page: str) -> list[str]:
    if not table.rows:
        return [f'<p class="empty">{escape(table.empty)}</p>']
    head = "".join(f'<th scope="col">{escape(cell)}</th>' for cell in table.header)
    out = ['<div class="table"><table>', f"<thead><tr>{head}</tr></thead>", "<tbody>"]
    out += ["<tr>" + "".join(f"<td>{_line(cell, page)}</td>" for cell in row) + "</tr>" for row in table.rows]
    return [*out, "</tbody>", "</table></div>"]


def _block(block: Block, page: str) -> list[str]:
    if isinstance(block, Heading):
        level = min(max(block.level, 1), 6)
        return [f"<h{level}>{_line(block.text, page)}</h{level}>"]
    if isinstance(block, Paragraph):
        return [f"<p>{_line(block.text, page)}</p>"]
    if isinstance(block, Prose):
        return _prose(block.text)
    if isinstance(block, Facts):
        items = [f"<dt>{escape(label)}</dt><dd>{_line(value, page)}</dd>" for label, value in block.items]
        return ["<dl>", *items, "</dl>"]
    if isinstance(block, Table):
        return _table(block, page)
    return _diagram(block, page)


ZOOM_BAR = (
    '<div class="zoom-bar" hidden>'
    '<button type="button" data-zoom="out" aria-label="Zoom out">\u2212</button>'
    '<button type="button" data-zoom="fit" aria-label="Fit the diagram in its frame">fit</button>'
    '<button type="button" data-zoom="actual" aria-label="Actual size">1:1</button>'
    '<button type="button" data-zoom="in" aria-label="Zoom in">+</button>'
    '<output aria-live="polite">100%</output></div>'
)


def _diagram(diagram: Diagram, page: str) -> list[str]:
    link = escape(relative(page, diagram.file))
    return [
        '<figure class="diagram">',
        ZOOM_BAR,
        f'<div class="zoom-frame" tabindex="0" role="group" aria-label="{escape(diagram.alt)}">',
        sanitize_svg(diagram.svg),
        "</div>",
        f'<figcaption><a href="{link}">Open the full-size diagram</a></figcaption>',
        "</figure>",
    ]


def write_html(page: Page) -> str:
    """``page`` as a complete HTML document."""
    nav = " ".join(_inline(link, page.key) for link in page.nav)
    body = [line for block in page.blocks for line in _block(block, page.key)]
    script = [f"<script>{ZOOM_SCRIPT}</script>"] if any(isinstance(b, Diagram) for b in page.blocks) else []
    footer = (
        f"Generated by wmdsl from <code>{escape(page.source)}</code>."
        if page.source
        else "Generated by wmdsl."
    )
    page_text = "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
            '<meta name="generator" content="wmdsl">',
            f"<title>{escape(page.title)}</title>",
            f"<style>\n{CSS}</style>",
            "</head>",
            "<body>",
            f'<header><nav aria-label="Handbook">{nav}</nav></header>',
            "<main>",
            *body,
            "</main>",
            f"<footer>{footer}</footer>",
            *script,
            "</body>",
            "</html>",
            "",
        ]
    )
    return for_xml(page_text)
