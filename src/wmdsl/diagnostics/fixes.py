"""The fixes that are mechanical and safe: what ``wmdsl check --fix`` and editors apply.

A fix never changes what a design means: it puts the word a did-you-mean
names in place of a misspelt name or keyword (``SYN002``, ``SYN007``), or
removes an ``allow`` that suppresses nothing (``SYN013``: a repeated one, or
one left behind). Every rule finding needs a decision by the people whose
work it describes, so no rule has a fix. A file is only written when the
fixed text parses and resolves with fewer findings than before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from wmdsl.diagnostics import Diagnostic
from wmdsl.model.span import Span

#: The codes whose findings can carry a fix.
FIXABLE = frozenset({"SYN002", "SYN007", "SYN013"})
_DID_YOU_MEAN = re.compile(r"^did you mean `([^`]+)`\?$")


@dataclass(frozen=True, slots=True)
class Edit:
    """Put ``text`` in place of what ``span`` covers (1-based lines and columns, end exclusive)."""

    span: Span
    text: str
    what: str  # how the change is reported


def fix_of(diagnostic: Diagnostic, source: str) -> Edit | None:
    """The fix of ``diagnostic`` in the text ``source`` of its file, if it has one."""
    if diagnostic.code in ("SYN002", "SYN007"):
        found = _DID_YOU_MEAN.match(diagnostic.hint or "")
        written = _covered(source, diagnostic.span)
        if found is None or written is None or " " in written:
            return None
        return Edit(diagnostic.span, found.group(1), f"`{written}` → `{found.group(1)}`")
    if diagnostic.code == "SYN013":
        return _unused_allow(diagnostic.span, source)
    return None


def apply(source: str, edits: list[Edit]) -> tuple[str, list[Edit]]:
    """``source`` with ``edits`` made (overlapping ones skipped), and the edits made, in order."""
    lines = source.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)

    def offset(line: int, col: int) -> int:
        return starts[line - 1] + col - 1

    placed = sorted(
        ((offset(e.span.line, e.span.col), offset(e.span.end_line, e.span.end_col), e) for e in edits),
        key=lambda item: (item[0], item[1]),
    )
    made: list[tuple[int, int, Edit]] = []
    for start, end, edit in placed:
        if made and start < made[-1][1]:
            continue  # overlaps the one before: left for the next run
        made.append((start, end, edit))
    text = source
    for start, end, edit in reversed(made):
        text = text[:start] + edit.text + text[end:]
    return text, [edit for _, _, edit in made]


def _covered(source: str, span: Span) -> str | None:
    lines = source.split("\n")
    if span.line != span.end_line or span.line > len(lines):
        return None
    return lines[span.line - 1][span.col - 1 : span.end_col - 1]


def _unused_allow(span: Span, source: str) -> Edit | None:
    """Remove the ``allow`` statement at ``span``: its whole line when it is alone on it."""
    lines = source.split("\n")
    if span.line > len(lines):
        return None
    line = lines[span.line - 1]
    statement = re.match(r'allow\s+\S+\s+"(?:[^"\\]|\\.)*"\s*;?\s*', line[span.col - 1 :])
    if statement is None:
        return None
    end = span.col - 1 + statement.end()
    if not line[: span.col - 1].strip() and not line[end:].strip():
        # The line holds nothing else: it goes, with its line end.
        whole = Span(span.file, span.line, 1, span.line + 1, 1)
        return Edit(whole, "", f"removed `{line.strip()}`")
    start = span.col
    rest = line[end:]
    if not rest.strip() or rest.lstrip().startswith("}"):
        # The last statement of a one-line block: take the `;` before it too.
        before = line[: span.col - 1].rstrip()
        if before.endswith(";"):
            start = len(before)
            end = span.col - 1 + len(statement.group(0).rstrip())  # the space before `}` stays
    return Edit(
        Span(span.file, span.line, start, span.line, end + 1), "", f"removed `{statement.group(0).strip()}`"
    )
