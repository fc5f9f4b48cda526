"""Writes ``wmdsl/_generated/keywords.py``: the keyword reference of docs/language.md as data.

The language server's hovers show what docs/language.md says of each
keyword (§3): its summary, where it may be written, its header, and the
table of its attributes. The reference stays the one source; this module
reads its sections into plain dicts at generation time, so the installed
package needs neither the docs nor a Markdown parser.
"""

from __future__ import annotations

import pprint
import re
from typing import Any

_SECTION = re.compile(r"^### 3\.\d+ (.+)$", re.M)
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


def _cells(line: str) -> list[str]:
    return [_LINK.sub(r"\1", cell.strip()) for cell in line.strip().strip("|").split("|")]


def _keys(heading: str) -> list[str]:
    """The keywords a section heading names (``Handoffs: `source -> target` `` is ``handoff``)."""
    if "->" in heading:
        return ["handoff"]
    return re.findall(r"`([a-z]+)`", heading)


def sections(text: str) -> dict[str, dict[str, Any]]:
    """Every keyword of §3 with its summary, facts (``Where``, ``Header``…) and attributes."""
    chapter = text.split("\n## 3.", 1)[1].split("\n## 4.", 1)[0]
    found: dict[str, dict[str, Any]] = {}
    starts = list(_SECTION.finditer(chapter))
    for number, match in enumerate(starts):
        end = starts[number + 1].start() if number + 1 < len(starts) else len(chapter)
        body = chapter[match.end() : end].strip("\n")
        paragraphs = body.split("\n\n")
        summary = " ".join(_LINK.sub(r"\1", paragraphs[0]).split()) if paragraphs else ""
        facts: list[tuple[str, str]] = []
        attributes: dict[str, tuple[str, str, str]] = {}
        for paragraph in paragraphs:
            lines = [line for line in paragraph.splitlines() if line.startswith("|")]
            if len(lines) < 3 or lines != paragraph.splitlines():
                continue
            header = _cells(lines[0])
            if header == ["", ""]:
                facts.extend((cells[0], cells[1]) for cells in map(_cells, lines[2:]) if len(cells) == 2)
            elif header[:2] == ["attribute", "value"]:
                for cells in map(_cells, lines[2:]):
                    name = cells[0].strip("`")
                    attributes[name] = (cells[1], cells[2], cells[3] if len(cells) > 3 else "")
        for key in _keys(match.group(1)):
            found[key] = {"summary": summary, "facts": tuple(facts), "attributes": attributes}
    return dict(sorted(found.items()))


def keywords_source(header: str) -> str:
    """The text of ``wmdsl/_generated/keywords.py``, after ``header``."""
    from wmdsl.generate import _source

    table = sections(_source("docs/language.md"))
    return (
        f"{header}"
        "from typing import Any\n"
        "\n"
        "#: Each keyword of docs/language.md §3: `summary` (its first paragraph), `facts` (the rows\n"
        "#: of its two-column table: Where, Header, Form…) and `attributes` (name -> value, meaning,\n"
        "#: repeatable).\n"
        f"SECTIONS: dict[str, dict[str, Any]] = {pprint.pformat(table, width=110, sort_dicts=True)}\n"
    )
