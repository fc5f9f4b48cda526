"""A diff as text, as a Markdown pull-request comment, or as JSON.

Every line is first made of pieces, each either text or a name (an
element, a person, a file), so that each format can show names its own way:
in backticks in text, as code spans in Markdown (where every other piece of
text from a spec is escaped for Markdown and HTML). Each format is finished
by :mod:`wmdsl.output.safe`.

Markdown is one summary line, then a collapsible ``<details>`` section per
kind of change, the findings introduced and fixed, and the analysis; the
``<summary>`` of each holds only wmdsl's own words and counts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from typing import Any

from wmdsl.diff.compare import NAMES, TEXT
from wmdsl.diff.records import SECTIONS, Change, Delta, Diff, Finding
from wmdsl.output.safe import for_json, for_markdown, for_terminal
from wmdsl.render.raci import escape_markdown

Piece = tuple[str, bool]  # (text, is a name)
CODE_FIELDS = NAMES | {"from", "to", "in"}
QUOTED_FIELDS = TEXT | {"when"}
_CODE_SPAN = re.compile(r"[^`\s|](?:[^`|]*[^`\s|])?")


def _name(text: str) -> Piece:
    return (text, True)


def _text(text: str) -> Piece:
    return (text, False)


def _value(field: str, value: str | None) -> Piece:
    if value is None:
        return _text("none")
    if field in CODE_FIELDS:
        return _name(value)
    return _text(json.dumps(value, ensure_ascii=False) if field in QUOTED_FIELDS else value)


def _prefix(workflow: str | None) -> list[Piece]:
    return [_text("workflow "), _name(workflow), _text(": ")] if workflow is not None else []


def _subject(change: Change) -> str:
    return change.subject.replace("->", " -> ") if change.kind == "handoff" else change.subject


def _field(change: Change) -> list[Piece]:
    field = change.field or ""
    pieces = [_text(f"{field} ")]
    if change.gained or change.lost:
        items = [("+", item) for item in change.gained] + [("−", item) for item in change.lost]
        for number, (sign, item) in enumerate(items):
            pieces += [_text((" " if number else "") + sign), _value(field, item)]
        return pieces
    return [*pieces, _value(field, change.old), _text(" → "), _value(field, change.new)]


def change_pieces(change: Change) -> list[Piece]:
    """One change as pieces of a line."""
    pieces = [*_prefix(change.workflow), _text(f"{change.kind} "), _name(_subject(change))]
    before = (change.before or "").replace("->", " -> ") if change.kind == "handoff" else change.before
    if change.action in ("added", "removed"):
        return [*pieces, _text(f" {change.action}")]
    if change.action == "renamed":
        return [
            *_prefix(change.workflow),
            _text(f"{change.kind} "),
            _name(before or ""),
            _text(" renamed to "),
            _name(change.subject),
        ]
    if change.action == "rerouted":
        return [
            *_prefix(change.workflow),
            _text("handoff "),
            _name(before or ""),
            _text(" rerouted to "),
            _name(_subject(change)),
        ]
    return [*pieces, _text(": "), *_field(change)]


def delta_pieces(delta: Delta) -> list[Piece]:
    """One figure of the analysis that moved, as pieces of a line."""
    pieces = _prefix(delta.workflow)
    if delta.subject is not None:
        kind = delta.measure.split()[0]
        pieces += [_text(f"{kind} "), _name(delta.subject), _text(f" {delta.measure.split()[-1]} ")]
    else:
        pieces.append(_text(f"{delta.measure} "))
    named = delta.measure == "bottleneck"

    def figure(value: object, text: str) -> Piece:
        return _name(text) if named and value is not None else _text(text)

    pieces += [figure(delta.old, delta.shown_old), _text(" → "), figure(delta.new, delta.shown_new)]
    if delta.change is not None:
        pieces.append(_text(f" ({delta.change})"))
    return pieces


def message_pieces(message: str) -> list[Piece]:
    """A finding's message: what it puts in backticks is a name."""
    parts = message.split("`")
    if len(parts) % 2 == 0:  # an odd number of backticks: no names to tell apart
        return [_text(message)]
    return [(part, number % 2 == 1) for number, part in enumerate(parts) if part]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def summary_pieces(diff: Diff) -> list[Piece]:
    """The summary line (after the two sides' names): counts, and the change in lead time."""
    if diff.empty:
        return [_text("no change")]
    pieces = [_text(_plural(len(diff.changes), "change") if diff.changes else "no change to the design")]
    pieces.append(_text(f"; {_plural(len(diff.introduced), 'finding')} introduced, {len(diff.fixed)} fixed"))
    leads = [delta for delta in diff.deltas if delta.measure == "lead time"]
    if len(leads) > 2:
        pieces.append(_text(f"; lead time changed in {len(leads)} workflows"))
    for delta in leads if len(leads) <= 2 else ():
        change = f" ({delta.change})" if delta.change is not None else ""
        pieces += [_text("; lead time of "), _name(delta.workflow)]
        pieces.append(_text(f" {delta.shown_old} → {delta.shown_new}{change}"))
    return pieces


# -- text ---------------------------------------------------------------------------------------------


def _plain(pieces: Sequence[Piece]) -> str:
    return "".join(f"`{text}`" if name and "`" not in text else text for text, name in pieces)


def _finding_line(finding: Finding) -> str:
    return f"{finding.where}: {finding.code} [{finding.severity.label}] {finding.message}"


def _blocks(diff: Diff) -> list[tuple[str, list[tuple[list[Piece], str | None]]]]:
    """The sections shown: a heading and its lines (pieces, and the place they are about)."""
    blocks: list[tuple[str, list[tuple[list[Piece], str | None]]]] = []
    for section, heading in SECTIONS:
        mine = [(change_pieces(c), c.where) for c in diff.changes if c.section == section]
        if mine:
            blocks.append((heading, mine))
    return blocks


def format_text(diff: Diff) -> str:
    """The diff as plain text for a terminal or a log."""
    lines = [f"wmdsl diff {diff.old} → {diff.new}: {_plain(summary_pieces(diff))}"]
    for heading, rows in _blocks(diff):
        lines += ["", heading]
        lines += [f"  {_plain(pieces)}" + (f"  ({where})" if where else "") for pieces, where in rows]
    for heading, listed in (("Findings introduced", diff.introduced), ("Findings fixed", diff.fixed)):
        if listed:
            lines += ["", heading, *(f"  {_finding_line(f)}" for f in listed)]
    if diff.deltas:
        lines += ["", "Analysis", *(f"  {_plain(delta_pieces(d))}" for d in diff.deltas)]
    if diff.notes:
        lines += ["", "Notes", *(f"  {note}" for note in diff.notes)]
    return for_terminal("\n".join(lines) + "\n")


# -- Markdown -----------------------------------------------------------------------------------------


def _code(text: str) -> str:
    """A name as a code span, or as escaped text when it cannot be one."""
    if _CODE_SPAN.fullmatch(text) and text.isprintable():
        return f"`{text}`"
    return escape_markdown(text, " ")


def _markdown(pieces: Sequence[Piece]) -> str:
    return "".join(_code(text) if name else escape_markdown(text, " ") for text, name in pieces)


def _details(heading: str, count: int, items: list[str]) -> list[str]:
    return ["", "<details>", f"<summary>{heading} ({count})</summary>", "", *items, "", "</details>"]


def _finding_item(finding: Finding) -> str:
    message = _markdown(message_pieces(finding.message))
    return f"- **{finding.severity.label}** {_code(finding.code)} {message} ({_code(finding.where)})"


def format_markdown(diff: Diff) -> str:
    """The diff as a pull-request comment: a summary line, then collapsible sections."""
    sides = f"{_code(diff.old)} → {_code(diff.new)}"
    lines = [f"**wmdsl diff** {sides}: {_markdown(summary_pieces(diff))}"]
    for heading, rows in _blocks(diff):
        items = [f"- {_markdown(pieces)}" + (f" ({_code(where)})" if where else "") for pieces, where in rows]
        lines += _details(heading, len(rows), items)
    for heading, listed in (("Findings introduced", diff.introduced), ("Findings fixed", diff.fixed)):
        if listed:
            lines += _details(heading, len(listed), [_finding_item(f) for f in listed])
    if diff.deltas:
        lines += _details(
            "Analysis", len(diff.deltas), [f"- {_markdown(delta_pieces(d))}" for d in diff.deltas]
        )
    if diff.notes:
        lines += _details(
            "Notes", len(diff.notes), [f"- {escape_markdown(note, ' ')}" for note in diff.notes]
        )
    return for_markdown("\n".join(lines) + "\n")


# -- JSON ---------------------------------------------------------------------------------------------


def _change_json(change: Change) -> dict[str, Any]:
    return {
        "section": change.section,
        "action": change.action,
        "workflow": change.workflow,
        "kind": change.kind,
        "name": change.subject,
        "before": change.before,
        "field": change.field,
        "old": change.old,
        "new": change.new,
        "gained": list(change.gained),
        "lost": list(change.lost),
        "where": change.where,
        "text": _plain(change_pieces(change)),
    }


def _finding_json(finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.code,
        "severity": finding.severity.label,
        "message": finding.message,
        "where": finding.where,
        "fingerprint": finding.fingerprint,
    }


def _delta_json(delta: Delta) -> dict[str, Any]:
    return {
        "workflow": delta.workflow,
        "measure": delta.measure,
        "name": delta.subject,
        "old": delta.old,
        "new": delta.new,
        "shown_old": delta.shown_old,
        "shown_new": delta.shown_new,
        "change": delta.change,
        "text": _plain(delta_pieces(delta)),
    }


def format_json(diff: Diff) -> str:
    """The diff as a JSON document (``version`` 1); lead times in open hours, utilisation as fractions."""
    counts = {section: sum(c.section == section for c in diff.changes) for section, _ in SECTIONS}
    document = {
        "version": 1,
        "old": diff.old,
        "new": diff.new,
        "summary": {
            "text": _plain(summary_pieces(diff)),
            "changes": len(diff.changes),
            "by_section": counts,
            "introduced": len(diff.introduced),
            "fixed": len(diff.fixed),
        },
        "changes": [_change_json(c) for c in diff.changes],
        "findings": {
            "introduced": [_finding_json(f) for f in diff.introduced],
            "fixed": [_finding_json(f) for f in diff.fixed],
        },
        "analysis": [_delta_json(d) for d in diff.deltas],
        "notes": list(diff.notes),
    }
    return for_json(json.dumps(document, indent=2, ensure_ascii=False)) + "\n"


FORMATS: dict[str, Callable[[Diff], str]] = {
    "text": format_text,
    "markdown": format_markdown,
    "json": format_json,
}
