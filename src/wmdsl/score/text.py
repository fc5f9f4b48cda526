"""The scorecards as text for a terminal: one table of every workflow, then each workflow's card.

Every line fits 100 columns: names are shortened with an ellipsis where a
column is narrower, and explanations wrap. The table is finished by
:func:`wmdsl.output.safe.for_terminal`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence

from wmdsl.output.safe import for_terminal
from wmdsl.score.criteria import COMPONENTS
from wmdsl.score.records import Change, Comparison, Component, Criterion, Scorecard, Scores, Status

WIDTH = 100
NAME = 28  # the workflow column of the overview


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, the last one an ellipsis when cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


def number(score: int | None) -> str:
    """A score, or ``n/a``."""
    return "n/a" if score is None else str(score)


def delta(change: Change | None) -> str:
    """``+5``, ``-3``, ``=`` or ``new`` for a score against the revision."""
    if change is None or change.before is None:
        return "new"
    if change.after is None:
        return "n/a"
    moved = change.after - change.before
    return "=" if moved == 0 else f"{moved:+d}"


def overview(scores: Scores) -> list[str]:
    """The table of every workflow's scores and the project's, with the change against a revision."""
    compared = scores.comparison
    cell = 9 if compared else 5
    head = "workflow".ljust(NAME) + "".join(c.short.rjust(cell) for c in COMPONENTS)
    lines = [head]
    for card in scores.workflows:
        changes = changes_of(compared, card)
        row = fit(card.workflow, NAME - 1).ljust(NAME)
        for component in card.components:
            row += _cell(
                component.score, changes.get(component.id) if compared else None, cell, bool(compared)
            )
        lines.append(row)
    if len(scores.workflows) > 1 or compared:
        before = {c.id: c for c in compared.project} if compared else {}
        row = "project".ljust(NAME)
        for total in scores.project:
            row += _cell(total.score, before.get(total.id), cell, bool(compared))
        lines.append(row)
    return lines


def _cell(score: int | None, change: Change | None, width: int, compared: bool) -> str:
    if not compared:
        return number(score).rjust(width)
    return f"{number(score)} {delta(change)}".rjust(width)


def changes_of(compared: Comparison | None, card: Scorecard) -> dict[str, Change]:
    if compared is None:
        return {}
    for moved in compared.workflows:
        if moved.file == card.file and moved.workflow == card.workflow:
            return {change.id: change for change in moved.changes}
    return {}


def card_lines(card: Scorecard, explain: bool = False) -> list[str]:
    """One workflow's card: each component's marks and what lowered it, the stack, the levels."""
    title = f' "{card.title}"' if card.title else ""
    lines = [fit(f"{card.workflow}{title}  {card.where}", WIDTH)]
    for component in card.components:
        marks = "".join(c.status.mark for c in component.criteria)
        lines.append(f"  {fit(component.title, 22).ljust(22)} {number(component.score).rjust(3)}  {marks}")
        for criterion in component.criteria:
            if explain or criterion.status not in (Status.PRESENT, Status.NOT_APPLICABLE):
                lines += _criterion(criterion, explain)
    lines += _stack(card)
    pyramid = card.pyramid
    levels = f"{pyramid.activity} activity, {pyramid.progress} progress, {pyramid.outcome} outcome"
    unlevelled = f", {pyramid.unlevelled} without a level" if pyramid.unlevelled else ""
    lines.append(f"  Value Pyramid: {pyramid.balance} ({levels}{unlevelled})")
    return lines


def _criterion(criterion: Criterion, explain: bool) -> list[str]:
    findings = sum(1 for e in criterion.evidence if e.code)
    said = [f"{criterion.met} of {criterion.of}"] if criterion.of else []
    said += [f"{findings} finding{'s' if findings != 1 else ''}"] if findings else []
    counts = f" ({'; '.join(said)})" if said else ""
    lines = _wrapped(
        f"{criterion.status.mark} {criterion.question} {criterion.status.value}{counts}", "    ", "      "
    )
    for evidence in criterion.evidence:
        if evidence.effect == "lowers" or explain:
            sign = "+" if evidence.effect == "raises" else "-"
            code = f"{evidence.code} " if evidence.code else ""
            lines += _wrapped(f"{sign} {code}{evidence.text} ({evidence.where})", "      ", "        ")
    return lines


def _wrapped(text: str, first: str, rest: str) -> list[str]:
    return textwrap.wrap(
        text,
        WIDTH,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=True,
        break_on_hyphens=False,
    )


def _stack(card: Scorecard) -> list[str]:
    if not card.stack:
        return ["  Coordination Stack: no intake"]
    questions = "".join(q.rjust(6) for q in ("who", "what", "when", "how", "why"))
    lines = ["  Stack of each intake / work".ljust(40) + questions]
    for row in card.stack:
        name = f"{row.intake} / {row.work}" if row.work else row.intake
        lines.append("    " + fit(name, 35).ljust(36) + "".join(c.status.mark.rjust(6) for c in row.cells))
    return lines


def render_text(scores: Scores, *, explain: bool = False) -> str:
    """The whole text report: the overview, each card, and the legend."""
    if not scores.workflows:
        return for_terminal("No workflow to score.\n")
    lines = [*_heading(scores), *overview(scores)]
    for card in scores.workflows:
        lines += ["", *card_lines(card, explain)]
    if scores.comparison is not None and scores.comparison.removed:
        lines += ["", *_wrapped("No longer there: " + ", ".join(scores.comparison.removed), "", "  ")]
    lines += ["", "● present  ◐ partial  ○ missing  – not applicable; scores are the share of criteria met."]
    return for_terminal("\n".join(lines) + "\n")


def _heading(scores: Scores) -> Iterable[str]:
    count = len(scores.workflows)
    said = f"Scorecards of {count} workflow{'s' if count != 1 else ''}"
    compared = scores.comparison
    if compared is not None:
        said += f", against {compared.revision} ({compared.commit[:12]})"
    return [fit(said, WIDTH), ""]


def components_line(components: Sequence[Component]) -> str:
    """``Clarity 100 · Coordination 88 · …`` on one line (for messages)."""
    return " · ".join(f"{c.title} {number(c.score)}" for c in components)
