"""Turning user text into labels that diagram languages show literally.

Titles, handoff labels and done texts come from the spec and may hold any
character a string literal can spell (``\\u{…}`` escapes included). Each
diagram language gives some characters a meaning of its own; the functions
here make them plain text again. They know nothing of the model, so any
renderer may use them.

Where the rules come from:

* Graphviz: the ``escString`` attribute type
  (https://graphviz.org/docs/attr-types/escString/) gives ``\\N``, ``\\G``,
  ``\\E``, ``\\T``, ``\\H``, ``\\L``, ``\\n``, ``\\l`` and ``\\r`` a meaning and
  says ``\\\\`` is a backslash; Graphviz also decodes HTML entities (``&amp;``)
  in every label, so ``&`` is written ``&amp;``. Quoting ``"`` and refusing
  ``<…>`` HTML-like labels is left to the ``graphviz`` package
  (``graphviz.nohtml``), which the DOT renderer applies to every value.
* Mermaid: "Entity codes to escape characters" in the flowchart syntax
  reference (https://mermaid.js.org/syntax/flowchart.html): ``#quot;``, named
  HTML entities or decimal codes such as ``#35;``; ``<br/>`` breaks a line in
  a quoted label.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable

from wmdsl.output.safe import BIDI

REPLACEMENT = "\ufffd"
# Line breaks other than ``\n``: CR LF, CR, and the Unicode line and paragraph
# separators, which are not controls but end a line for JavaScript (Mermaid)
# and for ``str.splitlines``.
_LINE_BREAK = re.compile("\r\n?|[\u2028\u2029]")
# Characters XML 1.0 cannot carry (SVG is XML) and that no diagram shows
# usefully: C0 controls other than tab and newline, DEL, C1 controls and the
# two non-characters U+FFFE/U+FFFF. This takes the other characters that
# ``str.splitlines`` breaks at (VT, FF, the separators U+001C to U+001E and
# NEL U+0085), so after :func:`clean` only ``\n`` ends a line.
_UNSHOWABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")


def newlines(text: str) -> str:
    """``text`` with every CR LF, CR, U+2028 and U+2029 written as ``\\n``."""
    return _LINE_BREAK.sub("\n", text)


def clean(text: str) -> str:
    """``text`` with one kind of newline, tabs as spaces and no control characters.

    Line breaks (:func:`newlines`) become ``\\n``; other controls become U+FFFD.
    """
    return _UNSHOWABLE.sub(REPLACEMENT, newlines(text).replace("\t", " "))


def wrap(text: str, width: int) -> list[str]:
    """``text`` as lines of at most ``width`` characters, keeping its own line breaks.

    Words longer than ``width`` (a URL, say) are kept whole.
    """
    lines: list[str] = []
    for paragraph in clean(text).split("\n"):
        lines.extend(textwrap.wrap(paragraph, width, break_long_words=False, break_on_hyphens=False) or [""])
    return lines


def one_line(text: str) -> str:
    """``text`` on a single line, runs of whitespace collapsed."""
    return " ".join(clean(text).split())


# -- Graphviz -------------------------------------------------------------


def dot_text(text: str) -> str:
    """``text`` as a Graphviz label (``escString``) that shows it literally.

    Newlines become centred line breaks (``\\n``). The result still needs DOT
    quoting (``"`` → ``\\"``), which the ``graphviz`` package does, and must be
    marked ``nohtml`` so that ``<…>`` is not read as an HTML-like label.
    """
    escaped = clean(text).replace("\\", "\\\\").replace("&", "&amp;")
    return escaped.replace("\n", "\\n")


def dot_lines(lines: Iterable[str], *, left: bool = False) -> str:
    """Lines of user text as one Graphviz label, centred or (``left``) left-aligned."""
    if left:
        return "".join(dot_text(line) + "\\l" for line in lines)
    return "\\n".join(dot_text(line) for line in lines)


def dot_tooltip(text: str) -> str:
    """``text`` as a Graphviz ``tooltip`` on one line.

    Graphviz (2.43 at least) expands escapes in tooltips twice, so a doubled
    backslash still reaches ``\\N`` substitution; the only spelling that shows
    the same on every version is none at all, so backslashes become the
    look-alike U+FF3C.
    """
    return one_line(text).replace("\\", "\uff3c").replace("&", "&amp;")


# -- Mermaid ----------------------------------------------------------------

_MERMAID_CODES = {
    '"': "#quot;",  # ends the quoted label
    "#": "#35;",  # starts an entity code
    "&": "#amp;",  # starts an HTML entity once the codes are decoded
    "<": "#lt;",  # HTML labels: tags
    ">": "#gt;",
    "`": "#96;",  # "`…`" turns a label into a Markdown string
    "|": "#124;",  # ends an edge label written -->|…|
    "%": "#37;",  # %% starts comments and %%{…}%% directives (a lone % is left alone)
    "\\": "#92;",  # kept from ever reading as an escape
    "\n": "<br/>",
}
_MERMAID_SPECIAL = re.compile(
    "%(?=%)|" + "|".join(re.escape(code) for code in _MERMAID_CODES if code != "%") + f"|[{BIDI}]"
)


def mermaid_code(char: str) -> str:
    """``char`` as a Mermaid label shows it: its entity code, or the decimal one (``#58;``).

    Bidirectional controls are written so too: shown as they are, never raw in the file.
    """
    return _MERMAID_CODES.get(char) or f"#{ord(char)};"


def mermaid_text(text: str) -> str:
    """``text`` for the inside of a quoted Mermaid label (``["…"]``, ``|"…"|``)."""
    return _MERMAID_SPECIAL.sub(lambda match: mermaid_code(match.group(0)), clean(text))


def mermaid_lines(lines: Iterable[str]) -> str:
    """Lines of user text as one Mermaid label, joined with ``<br/>``."""
    return "<br/>".join(mermaid_text(line) for line in lines)
