"""The handbook's Scorecards page: each workflow scored against the frameworks, as ``wmdsl score`` does."""

from __future__ import annotations

from collections.abc import Sequence

from wmdsl.handbook.blocks import Block, Code, Heading, Inline, Line, Link, Page, Paragraph, Table, Text, line
from wmdsl.model import Document
from wmdsl.score.records import Evidence

SCORECARD = "scorecard"


def _score(value: int | None) -> Line:
    return line("n/a" if value is None else str(value))


def _names(text: str) -> Line:
    """Evidence text with its `names` as code: the writers escape both."""
    return tuple(Code(part) if n % 2 else Text(part) for n, part in enumerate(text.split("`")) if part)


def _lowered(evidence: Sequence[Evidence]) -> Line:
    parts: list[Inline] = []
    for item in (e for e in evidence if e.effect == "lowers"):
        if parts:
            parts.append(Text("; "))
        parts += [*((Code(item.code), Text(" ")) if item.code else ()), *_names(item.text)]
        parts += [Text(" ("), Code(item.where), Text(")")]
    return tuple(parts) or line("—")


def scorecard_page(documents: Sequence[Document], nav: tuple[Link, ...], source: str) -> Page:
    """A table of every workflow's scores, then each criterion that is not met and what lowered it."""
    from wmdsl.score.criteria import COMPONENTS
    from wmdsl.score.evaluate import of_documents
    from wmdsl.score.records import Status

    scores = of_documents(documents)
    header = ("Workflow", *(c.title for c in COMPONENTS))
    rows = tuple(
        (line(Code(card.workflow)), *(_score(c.score) for c in card.components)) for card in scores.workflows
    )
    if len(scores.workflows) > 1:
        rows += ((line("the whole project"), *(_score(t.score) for t in scores.project)),)
    blocks: list[Block] = [
        Heading(1, line("Scorecards")),
        Paragraph(
            line(
                "Each workflow against the C4 Flywheel (Clarity, Coordination, Completion, Collaboration, "
                "Workflow Architecture), the Coordination Stack, the Work Value Pyramid and the Work "
                "Visibility Framework. A score is the share of its criteria met (present 1, partial ½, "
                "missing 0), counted from the spec and every rule's findings, as ",
                Code("wmdsl score"),
                " does.",
            )
        ),
        Table(header, rows, "No workflow to score."),
    ]
    for card in scores.workflows:
        gaps = tuple(
            (
                line(component.title),
                line(criterion.question),
                line(criterion.status.value),
                _lowered(criterion.evidence),
            )
            for component in card.components
            for criterion in component.criteria
            if criterion.status not in (Status.PRESENT, Status.NOT_APPLICABLE)
        )
        blocks += [
            Heading(2, line(Code(card.workflow), f" ({card.title})" if card.title else None)),
            Table(("Component", "Criterion", "Status", "What lowers it"), gaps, "Every criterion is met."),
        ]
    return Page(SCORECARD, "Scorecards", tuple(blocks), nav, source)
