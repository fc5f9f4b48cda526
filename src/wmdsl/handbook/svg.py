"""Make a diagram safe to inline: drop scripts and script-like attributes, keep the rest as written.

The SVG comes from our own renderer (Graphviz), so its text is already
escaped. It is checked to be well-formed XML and then walked token by token
(tags, text, comments, CDATA sections, processing instructions), which is
exact for well-formed XML: an attribute value is one token, whatever it holds,
so text such as ``"ready when online = true"`` in a tooltip is never mistaken
for an attribute. What is kept is copied byte for byte, not re-serialised.

Removed:

* what could run code when the page or the SVG file is opened: ``<script>``,
  ``<foreignObject>``, ``<iframe>``, ``<object>``, ``<embed>``, and the
  animation elements ``<animate>`` and ``<set>`` (which can set a link to a
  ``javascript:`` URL), each with everything inside it; ``on…`` event
  attributes; ``href``/``xlink:href`` values with a ``javascript:``,
  ``vbscript:`` or ``data:`` scheme (also when spelt with character
  references or whitespace);
* what HTML reads differently from XML, so that a browser inlining the SVG
  sees the same tags as an XML parser: comments and processing instructions
  are dropped and CDATA sections become escaped text;
* the XML declaration and the doctype, which mean nothing inside HTML. The
  doctype goes before parsing, so no entity it could declare is ever expanded
  (and an external DTD is never fetched).

An SVG that is not well-formed XML (or holds a doctype the pattern for it
missed) cannot be cleaned with certainty and gives an empty string: nothing is
inlined rather than something unchecked. Graphviz always writes well-formed
XML.
"""

from __future__ import annotations

import re
from html import escape, unescape
from xml.parsers import expat

_ACTIVE = frozenset({"script", "foreignobject", "iframe", "object", "embed", "animate", "set"})
_SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:")
_PROLOG = re.compile(r"<\?xml.*?\?>|<!DOCTYPE(?:[^>\[]|\[.*?\])*>", re.I | re.S)
# The markup of a well-formed XML document without a doctype, in document order.
_MARKUP = re.compile(
    r"<!--.*?-->"
    r"|<!\[CDATA\[(?P<cdata>.*?)\]\]>"
    r"|<\?.*?\?>"
    r"|</(?P<end>[^\s>]+)\s*>"
    r"|<(?P<start>[^\s/>]+)(?P<attributes>(?:\s+[^\s=]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*(?P<empty>/?)>",
    re.S,
)
_ATTRIBUTE = re.compile(r"""\s+(?P<name>[^\s=]+)\s*=\s*(?P<value>"[^"]*"|'[^']*')""")
_URL_IGNORED = re.compile(r"[\x00-\x20]+")  # what URL parsers strip or skip before the scheme
# Where an attribute that may be active could start (``on…``, ``href``, with or without a prefix):
# a tag without a match keeps its attributes as they are, unread.
_SUSPECT = re.compile(r"\s(?:[^\s=]*:)?(?:on|href)", re.I)


def _local(name: str) -> str:
    """An element or attribute name without its namespace prefix, lower case."""
    return name.rpartition(":")[2].lower()


def _is_active(attribute: re.Match[str]) -> bool:
    name = _local(attribute["name"])
    if name.startswith("on") or attribute["name"].lower().startswith("on"):
        return True
    if name != "href":
        return False
    url = _URL_IGNORED.sub("", unescape(attribute["value"][1:-1])).lower()
    return url.startswith(_SCRIPT_SCHEMES)


def _clean_attributes(attributes: str) -> str:
    return _ATTRIBUTE.sub(lambda match: "" if _is_active(match) else match.group(0), attributes)


def _well_formed(text: str) -> bool:
    """Whether ``text`` is well-formed XML without a doctype.

    Namespaces are not processed (an unbound prefix is fine); a doctype the
    prolog pattern left behind counts as not well-formed, so no entity is
    ever declared.
    """
    parser = expat.ParserCreate()
    doctypes: list[str] = []
    parser.StartDoctypeDeclHandler = lambda name, *_: doctypes.append(name)
    try:
        parser.Parse(text, True)
    except expat.ExpatError:
        return False
    return not doctypes


class Sanitized(str):
    """What :func:`sanitize_svg` returns: cleaning it again gives it back as it is, at no cost.

    A page's diagram is inlined in its HTML and written as a file, each
    through :func:`sanitize_svg`; the second pass over a large drawing
    would cost as much as the first and change nothing.
    """

    __slots__ = ()


def sanitize_svg(svg: str) -> Sanitized:
    """``svg`` without anything that could run a script, ready to inline in HTML."""
    if isinstance(svg, Sanitized):
        return svg
    text = _PROLOG.sub("", svg)
    if not _well_formed(text):
        return Sanitized()
    out: list[str] = []
    position = 0
    skipped = 0  # depth inside an element that is removed
    for match in _MARKUP.finditer(text):
        if "<" in text[position : match.start()]:
            return Sanitized()  # markup the pattern does not know: cannot happen in well-formed XML
        if not skipped:
            out.append(text[position : match.start()])
        position = match.end()
        if match["start"] is not None:
            if skipped or _local(match["start"]) in _ACTIVE:
                skipped += 0 if match["empty"] else 1
            elif not _SUSPECT.search(match["attributes"]):
                out.append(match.group(0))
            else:
                start, end = match.span("attributes")
                cleaned = _clean_attributes(match["attributes"])
                out.append(text[match.start() : start] + cleaned + text[end : match.end()])
        elif match["end"] is not None:
            if skipped:
                skipped -= 1
            else:
                out.append(match.group(0))
        elif match["cdata"] is not None and not skipped:
            out.append(escape(match["cdata"], quote=False))
    if "<" in text[position:]:
        return Sanitized()
    if not skipped:
        out.append(text[position:])
    return Sanitized("".join(out).strip())


# A link of a drawing (wmdsl's SVG writes links as ``<a href="...">``) to a relative address.
_RELATIVE_LINK = re.compile(r"""(<a\s+href=")(?![A-Za-z][A-Za-z0-9+.-]*:|[/#?])""")


def rebase_links(svg: str, prefix: str) -> str:
    """``svg`` with ``prefix`` before every relative link's address (the SVG moved to another folder).

    Only the start tags of links are touched: in sanitised SVG (no comment,
    no CDATA section), text and attribute values cannot hold ``<a href="``,
    their ``<`` being escaped.
    """
    return _RELATIVE_LINK.sub(lambda match: match.group(1) + prefix, svg) if prefix else svg
