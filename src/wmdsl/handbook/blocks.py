"""The handbook's page model: blocks of text that both writers (HTML, Markdown) render.

Pages are built once, as data, and written twice; neither writer knows the
workflow model, and the page builders know nothing of escaping. Links name
pages by *key* — a site-relative path without extension (``lanes/eng``) — and
each writer adds its extension and makes the path relative to the page.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    """Plain text."""

    text: str


@dataclass(frozen=True)
class Code:
    """A name, handle or location, shown in a monospace font."""

    text: str


@dataclass(frozen=True)
class Link:
    """A link to another page of the handbook (by key)."""

    text: str
    page: str


Inline = Text | Code | Link
Line = tuple[Inline, ...]


def line(*parts: Inline | str | None) -> Line:
    """A line of inline content; strings become :class:`Text`, ``None`` is skipped."""
    return tuple(Text(part) if isinstance(part, str) else part for part in parts if part is not None)


def join(lines: list[Line], separator: str = ", ") -> Line:
    """``lines`` run together with ``separator`` between them."""
    out: list[Inline] = []
    for index, item in enumerate(lines):
        if index:
            out.append(Text(separator))
        out.extend(item)
    return tuple(out)


@dataclass(frozen=True)
class Heading:
    """A section heading (level 1 is the page title)."""

    level: int
    text: Line


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of inline content."""

    text: Line


@dataclass(frozen=True)
class Prose:
    """Free text from the spec (a purpose, a description): paragraphs split at blank lines."""

    text: str


@dataclass(frozen=True)
class Facts:
    """Label → value pairs (a definition list)."""

    items: tuple[tuple[str, Line], ...]


@dataclass(frozen=True)
class Table:
    """A table with a header row; ``empty`` is shown instead when there are no rows."""

    header: tuple[str, ...]
    rows: tuple[tuple[Line, ...], ...]
    empty: str = "None."


@dataclass(frozen=True)
class Diagram:
    """A diagram: inline SVG in HTML, an image of ``file`` in Markdown.

    ``svg`` links relative to the page that shows it; ``file`` is the
    site-relative path the SVG is also written to.
    """

    svg: str
    file: str
    alt: str


Block = Heading | Paragraph | Prose | Facts | Table | Diagram


@dataclass(frozen=True)
class Page:
    """One page of the handbook, written as ``key.html`` and ``key.md``."""

    key: str
    title: str
    blocks: tuple[Block, ...]
    nav: tuple[Link, ...] = ()
    source: str = ""
