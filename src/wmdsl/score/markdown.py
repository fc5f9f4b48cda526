"""The scorecards as Markdown: the overview table, then each workflow's criteria with their evidence.

Every text from the specs is escaped (:func:`wmdsl.render.raci.escape_markdown`)
and the page is finished by :func:`wmdsl.output.safe.for_markdown`.
"""

from __future__ import annotations

from wmdsl.output.safe import for_markdown
from wmdsl.render.raci import escape_markdown, markdown_ident
from wmdsl.score.criteria import COMPONENTS
from wmdsl.score.records import Criterion, Scorecard, Scores
from wmdsl.score.text import changes_of, delta, number

LEGEND = "● present · ◐ partial · ○ missing · – not applicable"


def _code(text: str) -> str:
    """A place (``file:line:col``) as a code span, or as escaped text if a code span could not hold it."""
    return f"`{text}`" if text.isprintable() and "`" not in text else escape_markdown(text)


def _inline(text: str) -> str:
    """Evidence text with its `names` as code spans and everything else escaped.

    A part between backticks becomes a code span only when it is a plain name
    (:func:`markdown_ident`); anything else, and all the text around, is
    escaped, so a backtick in a spec's own text cannot open a span.
    """
    parts = text.split("`")
    return "".join(markdown_ident(part) if n % 2 else escape_markdown(part) for n, part in enumerate(parts))


def overview(scores: Scores) -> list[str]:
    """The table of every workflow's scores (and the project's), with changes against a revision."""
    compared = scores.comparison
    lines = [
        "| workflow | " + " | ".join(c.title for c in COMPONENTS) + " |",
        "|---|" + "---:|" * len(COMPONENTS),
    ]
    for card in scores.workflows:
        changes = changes_of(compared, card)
        cells = []
        for component in card.components:
            moved = f" ({delta(changes.get(component.id))})" if compared else ""
            cells.append(number(component.score) + moved)
        name = f"{markdown_ident(card.workflow)} {_code(card.where)}"
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    if len(scores.workflows) > 1 or compared:
        before = {c.id: c for c in compared.project} if compared else {}
        cells = [
            number(t.score) + (f" ({delta(before.get(t.id))})" if compared else "") for t in scores.project
        ]
        lines.append("| **project** | " + " | ".join(cells) + " |")
    return lines


def card(scorecard: Scorecard, level: int = 2) -> list[str]:
    """One workflow's card: a table per component, the Coordination Stack, the Value Pyramid, the evidence."""
    mark = "#" * level
    title = f": {escape_markdown(scorecard.title)}" if scorecard.title else ""
    lines = [f"{mark} {markdown_ident(scorecard.workflow)}{title}", "", _code(scorecard.where), ""]
    lines += ["| component | score | criterion | status | met |", "|---|---:|---|---|---:|"]
    for component in scorecard.components:
        for number_, criterion in enumerate(component.criteria):
            head = f"{component.title} | {number(component.score)}" if number_ == 0 else " | "
            met = f"{criterion.met} of {criterion.of}" if criterion.of else ""
            status = f"{criterion.status.mark} {criterion.status.value}"
            lines.append(f"| {head} | {escape_markdown(criterion.question)} | {status} | {met} |")
    lines += ["", f"{mark}# Coordination Stack", ""]
    if scorecard.stack:
        lines += ["| intake | work | who | what | by when | how | why |", "|---|---|---|---|---|---|---|"]
        for row in scorecard.stack:
            work = markdown_ident(row.work) if row.work else "–"
            cells = " | ".join(
                f"{c.status.mark} {_inline(c.answer)}" if c.answer else c.status.mark for c in row.cells
            )
            lines.append(f"| {markdown_ident(row.intake)} | {work} | {cells} |")
    else:
        lines.append("No intake: nothing answers who, what, by when, how or why.")
    pyramid = scorecard.pyramid
    lines += ["", f"{mark}# Value Pyramid: {escape_markdown(pyramid.balance)}", ""]
    if pyramid.metrics:
        lines += ["| metric | level | where |", "|---|---|---|"]
        for metric in pyramid.metrics:
            lines.append(
                f"| {markdown_ident(metric.metric)} | {metric.level or '–'} | {_code(metric.where)} |"
            )
    else:
        lines.append("No metric.")
    lines += ["", "<details><summary>Why each score is what it is</summary>", ""]
    for component in scorecard.components:
        for criterion in component.criteria:
            lines += _evidence(component.title, criterion)
    lines += ["</details>", ""]
    return lines


def _evidence(component: str, criterion: Criterion) -> list[str]:
    status = f"{criterion.status.mark} {criterion.status.value}"
    lines = [f"- **{component}**: {escape_markdown(criterion.question)} {status}"]
    for item in criterion.evidence:
        sign = "raises" if item.effect == "raises" else "lowers"
        code = f"{item.code} " if item.code else ""
        lines.append(f"  - {sign}: {code}{_inline(item.text)} ({_code(item.where)})")
    return lines


def render_markdown(scores: Scores) -> str:
    """The whole Markdown report."""
    lines = ["# Scorecards", ""]
    compared = scores.comparison
    if compared is not None:
        lines += [f"Compared with {_code(compared.revision)} ({_code(compared.commit[:12])}).", ""]
    if not scores.workflows:
        lines.append("No workflow to score.")
        return for_markdown("\n".join(lines) + "\n")
    lines += [*overview(scores), "", LEGEND + ". A score is the share of its criteria met.", ""]
    for scorecard in scores.workflows:
        lines += card(scorecard)
    if compared is not None and compared.removed:
        lines += ["No longer there: " + ", ".join(_code(r) for r in compared.removed), ""]
    return for_markdown("\n".join(lines).rstrip("\n") + "\n")
