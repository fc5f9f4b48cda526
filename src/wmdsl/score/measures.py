"""The facts the Work Value Pyramid and the Work Visibility Framework ask about: metrics and boards.

Registered in :data:`wmdsl.score.facts.FACTS` when imported, as the facts of
the C4 Flywheel are.
"""

from __future__ import annotations

from collections.abc import Iterator

from wmdsl.flow.digraph import descendants
from wmdsl.model import MetricLevel
from wmdsl.score.facts import FACTS, Facts, Item, Scope, counted, fact, where
from wmdsl.score.records import Evidence, Status


@fact("outcome_measured", "the workflow has no metric")
def _outcome(scope: Scope) -> Iterator[Item]:
    outcomes = [m for m in scope.workflow.metrics if m.level is MetricLevel.OUTCOME]
    if outcomes:
        yield from (Item(True, f"metric `{m.name}` measures an outcome", m.span) for m in outcomes)
    elif scope.workflow.metrics:
        yield Item(
            False,
            f"none of the {len(scope.workflow.metrics)} metrics measures an outcome",
            scope.workflow.metrics[0].span,
        )


@fact("levels", "the workflow has no metric")
def _levels(scope: Scope) -> Iterator[Item]:
    for metric in scope.workflow.metrics:
        ok = metric.level is not None
        text = f"metric `{metric.name}` " + (
            f"measures {metric.level.value}" if metric.level else "has no level"
        )
        yield Item(ok, text, metric.span)


def progress_measured(scope: Scope, empty: Status) -> Facts:
    """Present with a progress metric; partial when only a flow metric without a level could be one."""
    metrics = scope.workflow.metrics
    progress = [m for m in metrics if m.level is MetricLevel.PROGRESS]
    if progress:
        return counted(
            [Item(True, f"metric `{m.name}` measures progress", m.span) for m in progress],
            empty,
            "",
            scope.workflow.span,
        )
    flow = [m for m in metrics if m.level is None and ((m.start and m.end) or m.throughput)]
    if flow:
        said = tuple(
            Evidence(
                effect="lowers",
                text=f"metric `{m.name}` measures flow but says no level",
                where=where(m.span),
            )
            for m in flow
        )
        return Facts(Status.PARTIAL, 0, len(metrics), said)
    return counted([], Status.MISSING, "no metric measures progress", scope.workflow.span)


FACTS["progress_measured"] = progress_measured


@fact("on_boards", "the workflow has no stage")
def _on_boards(scope: Scope) -> Iterator[Item]:
    shown = {ref.name for board in scope.workflow.boards for ref in board.shows}
    for stage in scope.workflow.stages:
        ok = stage.name in shown
        yield Item(ok, f"stage `{stage.name}` " + ("is on a board" if ok else "is on no board"), stage.span)


@fact("slas_measured", "no handoff promises an SLA")
def _slas(scope: Scope) -> Iterator[Item]:
    workflow, flow = scope.workflow, scope.graph
    ranges = [
        ({m.start.name, *descendants(flow.graph, m.start.name)}, flow.reaching([m.end.name]))
        for m in workflow.metrics
        if m.start is not None and m.end is not None
    ]
    boards = [{ref.name for ref in board.shows} for board in workflow.boards]
    for handoff in workflow.handoffs:
        if handoff.sla is None:
            continue
        source, target = handoff.source.name, handoff.target.name
        ok = any(source in after and target in before for after, before in ranges) or any(
            source in shown and target in shown for shown in boards
        )
        said = "is measured" if ok else "is measured by no metric or board"
        yield Item(ok, f"the {handoff.sla.text} SLA of `{handoff.key}` {said}", handoff.span)


@fact("sles_measured", "no kind of work taken in has an SLE")
def _sles(scope: Scope) -> Iterator[Item]:
    timed = {m.start.name for m in scope.workflow.metrics if m.start is not None and m.target is not None}
    for kind in scope.accepted:
        if kind.sle is None:
            continue
        intakes = [i.name for i in scope.workflow.intakes if any(r.name == kind.name for r in i.accepts)]
        ok = any(name in timed for name in intakes)
        said = (
            "is measured by a lead-time metric with a target"
            if ok
            else "is measured by no metric from its intake"
        )
        yield Item(ok, f"the SLE of `{kind.name}` {said}", kind.span)


@fact("decisions_visible", "no decision informs anyone")
def _decisions_visible(scope: Scope) -> Iterator[Item]:
    audience: set[str] = set()
    for ref in (ref for board in scope.workflow.boards for ref in board.audience):
        audience.add(ref.name)
        lane = scope.lanes.get(ref.name)
        if lane is not None:  # a lane in the audience: its members and owner see the board
            audience |= {member.person.name for member in lane.members}
            audience |= {lane.owner.name} if lane.owner is not None else set()
    for decision in scope.decisions:
        if not decision.informs:
            continue
        unseen = [ref.name for ref in decision.informs if ref.name not in audience]
        text = f"decision `{decision.name}` " + (
            "informs only people who see a board of the work"
            if not unseen
            else f"informs {', '.join(f'`{n}`' for n in unseen)}, in no board's audience"
        )
        yield Item(not unseen, text, decision.span)


@fact("flow_measured", "the workflow has no metric")
def _flow(scope: Scope) -> Iterator[Item]:
    flow = [m for m in scope.workflow.metrics if (m.start and m.end) or m.throughput]
    if flow:
        yield from (Item(True, f"metric `{m.name}` measures flow", m.span) for m in flow)
    elif scope.workflow.metrics:
        yield Item(False, "no metric measures lead time or throughput", scope.workflow.metrics[0].span)
