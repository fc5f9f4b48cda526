"""Make a diagram safe to inline: drop scripts and script-like attributes, nothing else.

The SVG comes from our own renderer, so its text is already escaped; it is not
re-serialised (which could change it). What is removed is what could run
code when the page or the SVG file is opened: ``<script>``, ``<foreignObject>``,
``<iframe>``, ``<object>`` and ``<embed>`` elements, ``on…`` event attributes,
``javascript:`` links — and the XML prolog and doctype, which mean nothing
inside HTML.
"""

from __future__ import annotations

import re

_ACTIVE = r"(?:script|foreignObject|iframe|object|embed)"
_ELEMENT = re.compile(rf"<{_ACTIVE}\b(?:\"[^\"]*\"|'[^']*'|[^'\">])*?(?:/>|>.*?</{_ACTIVE}\s*>)", re.I | re.S)
_LEFTOVER = re.compile(rf"</?{_ACTIVE}\b(?:\"[^\"]*\"|'[^']*'|[^'\">])*>?", re.I)
_PROLOG = re.compile(r"<\?xml.*?\?>|<!DOCTYPE(?:[^>\[]|\[.*?\])*>", re.I | re.S)
_TAG = re.compile(r"<[A-Za-z][^\s/>]*(?:\"[^\"]*\"|'[^']*'|[^'\">])*>")
_EVENT = re.compile(r"""\s+on[\w:.-]*\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)""", re.I)
_SCRIPT_URL = re.compile(
    r"""\s+(?:xlink:)?href\s*=\s*(?:"\s*(?:javascript|vbscript|data):[^"]*"|'\s*(?:javascript|vbscript|data):[^']*'|(?:javascript|vbscript|data):[^\s>]*)""",
    re.I,
)


def _clean_tag(match: re.Match[str]) -> str:
    return _SCRIPT_URL.sub("", _EVENT.sub("", match.group(0)))


def sanitize_svg(svg: str) -> str:
    """``svg`` without anything that could run a script, ready to inline in HTML."""
    text = _PROLOG.sub("", svg)
    previous = None
    while previous != text:  # removing one element can join the halves of another
        previous = text
        text = _LEFTOVER.sub("", _ELEMENT.sub("", text))
    return _TAG.sub(_clean_tag, text).strip()
