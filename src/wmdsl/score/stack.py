"""The Coordination Stack: who, what, by when, how and why, for every intake and kind of work it takes.

Each answer is the element that gives it, present when the spec says it
outright, partial when only something broader says it (the lane's owner
for the intake's, the workflow's purpose for the work type's), missing when
nothing does. A stack criterion counts over the rows: present when every row
answers it, missing when none does even in part, partial otherwise.
"""

from __future__ import annotations

from collections.abc import Callable

from wmdsl.model import Intake, WorkType
from wmdsl.score.facts import FACTS, Facts, Scope, where
from wmdsl.score.records import Evidence, StackCell, StackRow, Status

QUESTIONS = ("who", "what", "when", "how", "why")
Cell = tuple[Status, str | None, str | None]  # status, answer, where


def _who(scope: Scope, intake: Intake, kind: WorkType | None) -> Cell:
    if intake.owner is not None:
        return (
            Status.PRESENT,
            f"intake `{intake.name}` is owned by `{intake.owner}`",
            where(intake.owner.span),
        )
    for name in scope.graph.successors(intake.name):
        stage = scope.stages.get(name)
        lane = scope.lane_of(stage) if stage is not None else None
        if lane is not None and lane.owner is not None:
            return Status.PARTIAL, f"only lane `{lane.name}`, owned by `{lane.owner}`", where(lane.span)
    return Status.MISSING, None, None


def _what(scope: Scope, intake: Intake, kind: WorkType | None) -> Cell:
    if kind is not None and kind.outcome and kind.outcome.strip():
        return Status.PRESENT, f"work type `{kind.name}` delivers: {kind.outcome.strip()}", where(kind.span)
    if kind is not None:
        return Status.PARTIAL, f"work type `{kind.name}`, with no outcome", where(kind.span)
    if intake.criteria and intake.criteria.strip():
        return Status.PARTIAL, f"only the criteria of intake `{intake.name}`", where(intake.span)
    return Status.MISSING, None, None


def _when(scope: Scope, intake: Intake, kind: WorkType | None) -> Cell:
    if kind is not None and kind.sle is not None:
        return (
            Status.PRESENT,
            f"work type `{kind.name}`: SLE {kind.sle.within.text} at {kind.sle.percentile.text}",
            where(kind.sle.span),
        )
    timed = [
        m for m in scope.workflow.metrics if m.start is not None and m.start.name == intake.name and m.target
    ]
    if timed:
        return Status.PARTIAL, f"only metric `{timed[0].name}`'s target", where(timed[0].span)
    return Status.MISSING, None, None


def _how(scope: Scope, intake: Intake, kind: WorkType | None) -> Cell:
    finishing, declining = scope.finishing, scope.declining
    if intake.name in finishing and intake.name in declining:
        return (
            Status.PRESENT,
            f"intake `{intake.name}` leads to a done exit and can decline",
            where(intake.span),
        )
    if intake.name in finishing:
        return (
            Status.PARTIAL,
            f"intake `{intake.name}` leads to a done exit, never to a rejected one",
            where(intake.span),
        )
    return Status.MISSING, None, None


def _why(scope: Scope, intake: Intake, kind: WorkType | None) -> Cell:
    if kind is not None and kind.purpose and kind.purpose.strip():
        return Status.PRESENT, f"work type `{kind.name}`: {kind.purpose.strip()}", where(kind.span)
    purpose = scope.workflow.purpose
    if purpose and purpose.strip():
        return (
            Status.PARTIAL,
            f"only the purpose of workflow `{scope.workflow.name}`",
            where(scope.workflow.span),
        )
    return Status.MISSING, None, None


ANSWERS: dict[str, Callable[[Scope, Intake, WorkType | None], Cell]] = {
    "who": _who,
    "what": _what,
    "when": _when,
    "how": _how,
    "why": _why,
}


def rows(scope: Scope) -> tuple[StackRow, ...]:
    """A row for every intake and work type it accepts (an intake that names none: one row, no work type)."""
    if "stack" in scope.memo:
        return scope.memo["stack"]  # type: ignore[return-value]
    found: list[StackRow] = []
    for intake in scope.workflow.intakes:
        kinds: list[WorkType | None] = [scope.work[r.name] for r in intake.accepts if r.name in scope.work]
        for kind in kinds or [None]:
            cells = []
            for question in QUESTIONS:
                status, answer, at = ANSWERS[question](scope, intake, kind)
                cells.append(StackCell(question=question, status=status, answer=answer, where=at))  # type: ignore[arg-type]
            found.append(
                StackRow(
                    intake=intake.name,
                    work=kind.name if kind else None,
                    where=where(intake.span),
                    cells=tuple(cells),
                )
            )
    scope.memo["stack"] = tuple(found)
    return tuple(found)


def _facts(question: str) -> Callable[[Scope, Status], Facts]:
    def facts(scope: Scope, empty: Status) -> Facts:
        found = rows(scope)
        if not found:
            said = Evidence(
                effect="lowers", text="the workflow has no intake", where=where(scope.workflow.span)
            )
            return Facts(Status.MISSING, 0, 0, (said,))
        evidence: list[Evidence] = []
        statuses = []
        for row in found:
            cell = next(c for c in row.cells if c.question == question)
            statuses.append(cell.status)
            subject = f"`{row.intake}`" + (f" / `{row.work}`" if row.work else "")
            if cell.status is Status.PRESENT:
                evidence.append(
                    Evidence(effect="raises", text=f"{subject}: {cell.answer}", where=cell.where or row.where)
                )
            elif cell.status is Status.PARTIAL:
                evidence.append(
                    Evidence(effect="lowers", text=f"{subject}: {cell.answer}", where=cell.where or row.where)
                )
            else:
                evidence.append(
                    Evidence(effect="lowers", text=f"{subject}: nothing says {question}", where=row.where)
                )
        met = sum(s is Status.PRESENT for s in statuses)
        if met == len(statuses):
            status = Status.PRESENT
        elif all(s is Status.MISSING for s in statuses):
            status = Status.MISSING
        else:
            status = Status.PARTIAL
        return Facts(status, met, len(statuses), tuple(evidence))

    return facts


for _question in QUESTIONS:
    FACTS[f"stack_{_question}"] = _facts(_question)
