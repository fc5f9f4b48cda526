"""The facts of the compiled model that answer each criterion.

Each function of :data:`FACTS` looks at one workflow (a :class:`Scope`) and
says, element by element, what meets the criterion and what does not, with
where each is written. Counting them gives the status (:func:`counted`):
every element meets it, some do, or none does. The Coordination Stack's facts
are its cells (:mod:`wmdsl.score.stack`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property

from wmdsl.flow.calendar import open_hours
from wmdsl.flow.graph import FlowGraph
from wmdsl.model import (
    Decision,
    Document,
    Exit,
    ExitKind,
    Intake,
    Lane,
    Person,
    Stage,
    Workflow,
    WorkType,
)
from wmdsl.model.span import Span
from wmdsl.rules.registry import RuleContext
from wmdsl.score.records import Evidence, Status


@dataclass(frozen=True, slots=True)
class Item:
    """One element asked about, and whether it meets the criterion."""

    ok: bool
    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class Facts:
    """What the facts say of a criterion: a status, the counts, and the evidence."""

    status: Status
    met: int | None
    of: int | None
    evidence: tuple[Evidence, ...]


def where(span: Span) -> str:
    """``file:line:col``."""
    return f"{span.file}:{span.line}:{span.col}"


def counted(items: list[Item], empty: Status, nothing: str, at: Span) -> Facts:
    """The status of ``items``: present if all meet it, missing if none does, else partial.

    With no item at all the status is ``empty``, explained by ``nothing``.
    """
    if not items:
        said = (
            ()
            if empty is Status.NOT_APPLICABLE
            else (Evidence(effect="lowers", text=nothing, where=where(at)),)
        )
        return Facts(empty, 0, 0, said)
    met = sum(item.ok for item in items)
    status = Status.PRESENT if met == len(items) else Status.MISSING if met == 0 else Status.PARTIAL
    evidence = tuple(
        Evidence(effect="raises" if item.ok else "lowers", text=item.text, where=where(item.span))
        for item in items
    )
    return Facts(status, met, len(items), evidence)


class Scope:
    """One workflow of a document, with what its facts look up: its names, graph and analysis."""

    def __init__(self, context: RuleContext, workflow: Workflow) -> None:
        self.context = context
        self.document: Document = context.document
        self.workflow = workflow
        # What several facts derive from the same workflow, worked out once (the stack's rows).
        self.memo: dict[str, object] = {}

    @cached_property
    def stages(self) -> dict[str, Stage]:
        return {stage.name: stage for stage in self.workflow.stages}

    @cached_property
    def finishing(self) -> set[str]:
        """The nodes from which work can reach a done exit."""
        done = [e.name for e in self.workflow.exits if e.kind is ExitKind.DONE]
        return self.graph.reaching(done) if done else set()

    @cached_property
    def declining(self) -> set[str]:
        """The nodes from which work can reach a rejected exit."""
        rejected = [e.name for e in self.workflow.exits if e.kind is ExitKind.REJECTED]
        return self.graph.reaching(rejected) if rejected else set()

    @property
    def graph(self) -> FlowGraph:
        return self.context.graph(self.workflow)

    @cached_property
    def lanes(self) -> dict[str, Lane]:
        return self.context.lane_table(self.workflow)

    @cached_property
    def people(self) -> dict[str, Person]:
        return self.context.people_table(self.workflow)

    @cached_property
    def work(self) -> dict[str, WorkType]:
        found = {kind.name: kind for kind in self.document.shared.work}
        found.update((kind.name, kind) for kind in self.workflow.work)
        return found

    @cached_property
    def decision_table(self) -> dict[str, Decision]:
        found = {decision.name: decision for decision in self.document.shared.decisions}
        found.update((decision.name, decision) for decision in self.workflow.decisions)
        return found

    @cached_property
    def accepted(self) -> list[WorkType]:
        """The work types the workflow's intakes accept, each once, in order."""
        found: dict[str, WorkType] = {}
        for intake in self.workflow.intakes:
            for ref in intake.accepts:
                if ref.name in self.work:
                    found.setdefault(ref.name, self.work[ref.name])
        return list(found.values())

    @cached_property
    def decisions(self) -> list[Decision]:
        """The workflow's own decisions and the shared ones its handoffs are gated by, each once."""
        found = {decision.name: decision for decision in self.workflow.decisions}
        for handoff in self.workflow.handoffs:
            if handoff.gate is not None and handoff.gate.name in self.decision_table:
                found.setdefault(handoff.gate.name, self.decision_table[handoff.gate.name])
        return list(found.values())

    def lane_of(self, stage: Stage) -> Lane | None:
        return self.lanes.get(stage.lane.name) if stage.lane is not None else None

    @cached_property
    def used_lanes(self) -> list[Lane]:
        """The workflow's own lanes and the shared lanes its stages are in, each once."""
        found = {lane.name: lane for lane in self.workflow.lanes}
        for stage in self.workflow.stages:
            lane = self.lane_of(stage)
            if lane is not None:
                found.setdefault(lane.name, lane)
        return list(found.values())

    @cached_property
    def places(self) -> frozenset[tuple[str, int, int]]:
        """Where every declaration the workflow uses is written: findings placed there are about it."""
        spans: list[Span] = [self.workflow.span, *(lane.span for lane in self.used_lanes)]
        spans += [decision.span for decision in self.decisions]
        spans += [kind.span for kind in self.accepted]
        handles = {member.person.name for lane in self.used_lanes for member in lane.members}
        handles |= {lane.owner.name for lane in self.used_lanes if lane.owner is not None}
        spans += [self.people[handle].span for handle in sorted(handles) if handle in self.people]
        spans += [person.span for person in self.workflow.people]
        return frozenset(span.sort_key for span in spans)


def _ownership(scope: Scope) -> Iterator[Item]:
    for lane in scope.used_lanes:
        yield Item(lane.owner is not None, f"lane `{lane.name}` " + _owner(lane.owner), lane.span)
    for stage in scope.workflow.stages:
        home = scope.lane_of(stage)
        owner = stage.owner or (home.owner if home is not None else None)
        yield Item(owner is not None, f"stage `{stage.name}` " + _owner(owner), stage.span)
    for intake in scope.workflow.intakes:
        yield Item(intake.owner is not None, f"intake `{intake.name}` " + _owner(intake.owner), intake.span)


def _owner(owner: object) -> str:
    return f"is owned by `{owner}`" if owner is not None else "has no owner"


def _said(text: str | None) -> bool:
    return text is not None and bool(text.strip())


def _has(ok: bool, name: str, yes: str, no: str) -> str:
    return f"{name} {yes if ok else no}"


Fact = Callable[[Scope, Status], Facts]
FACTS: dict[str, Fact] = {}


def fact(
    name: str, nothing: str
) -> Callable[[Callable[[Scope], Iterator[Item]]], Callable[[Scope], Iterator[Item]]]:
    """Register a fact that lists items; ``nothing`` says what is missing when it finds none."""

    def register(items: Callable[[Scope], Iterator[Item]]) -> Callable[[Scope], Iterator[Item]]:
        def facts(scope: Scope, empty: Status) -> Facts:
            return counted(list(items(scope)), empty, nothing, scope.workflow.span)

        FACTS[name] = facts
        return items

    return register


@fact("goal", "the workflow says neither owner nor purpose")
def _goal(scope: Scope) -> Iterator[Item]:
    workflow = scope.workflow
    yield Item(
        workflow.owner is not None, f"workflow `{workflow.name}` " + _owner(workflow.owner), workflow.span
    )
    has = _said(workflow.purpose)
    yield Item(
        has, _has(has, f"workflow `{workflow.name}`", "states its purpose", "has no purpose"), workflow.span
    )


fact("ownership", "the workflow has no lane, stage or intake to own")(_ownership)


@fact("expectations", "no intake says which work it accepts, so no SLE applies")
def _expectations(scope: Scope) -> Iterator[Item]:
    for kind in scope.accepted:
        text = f"work type `{kind.name}` " + (
            f"has an SLE of {kind.sle.within.text}" if kind.sle else "has no SLE"
        )
        yield Item(kind.sle is not None, text, kind.span)


@fact("done", "the workflow has no stage")
def _done(scope: Scope) -> Iterator[Item]:
    for stage in scope.workflow.stages:
        has = _said(stage.done)
        yield Item(
            has,
            _has(has, f"stage `{stage.name}`", "has a definition of done", "has no definition of done"),
            stage.span,
        )


@fact("explained", "no intake says which work it accepts")
def _explained(scope: Scope) -> Iterator[Item]:
    for kind in scope.accepted:
        for attribute in ("purpose", "outcome"):
            has = _said(getattr(kind, attribute))
            yield Item(
                has,
                _has(has, f"work type `{kind.name}`", f"says its {attribute}", f"has no {attribute}"),
                kind.span,
            )


@fact("decision_rights", "no decision rights are declared")
def _decision_rights(scope: Scope) -> Iterator[Item]:
    for decision in scope.decisions:
        count = len(decision.decides)
        text = f"decision `{decision.name}` " + (
            f"is decided by `{decision.decides[0]}`" if count == 1 else f"has {count} deciders"
        )
        yield Item(count == 1, text, decision.span)


@fact("escalation", "no decision rights are declared")
def _escalation(scope: Scope) -> Iterator[Item]:
    for decision in scope.decisions:
        ok = bool(decision.escalates)
        text = f"decision `{decision.name}` " + (
            f"escalates to `{decision.escalates[0].to}`" if ok else "has no escalation path"
        )
        yield Item(ok, text, decision.span)


@fact("lane_handoffs", "the workflow has one lane or none")
def _lane_handoffs(scope: Scope) -> Iterator[Item]:
    lane_of = {stage.name: stage.lane.name for stage in scope.workflow.stages if stage.lane is not None}
    lanes = [lane for lane in scope.used_lanes if lane.name in lane_of.values()]
    if len(lanes) < 2:
        return
    crossing: set[str] = set()
    for handoff in scope.workflow.handoffs:
        source, target = lane_of.get(handoff.source.name), lane_of.get(handoff.target.name)
        if source is not None and target is not None and source != target:
            crossing |= {source, target}
    for lane in lanes:
        ok = lane.name in crossing
        yield Item(
            ok, _has(ok, f"lane `{lane.name}`", "exchanges work with another lane", "works alone"), lane.span
        )


@fact("informed", "no decision rights are declared")
def _informed(scope: Scope) -> Iterator[Item]:
    for decision in scope.decisions:
        ok = bool(decision.consults or decision.informs)
        yield Item(
            ok,
            _has(ok, f"decision `{decision.name}`", "consults or informs others", "involves nobody else"),
            decision.span,
        )


@fact("exits", "the workflow has no exit")
def _exits(scope: Scope) -> Iterator[Item]:
    workflow = scope.workflow
    done = [e for e in workflow.exits if e.kind is ExitKind.DONE]
    declined = [e for e in workflow.exits if e.kind is ExitKind.REJECTED]
    if not workflow.exits:
        return
    yield Item(bool(done), _exit_text("done", done), done[0].span if done else workflow.span)
    yield Item(
        bool(declined),
        _exit_text("rejected", declined),
        declined[0].span if declined else workflow.span,
    )
    finishing = scope.finishing
    for intake in workflow.intakes:
        ok = intake.name in finishing
        yield Item(
            ok,
            _has(ok, f"intake `{intake.name}`", "leads to a done exit", "never reaches a done exit"),
            intake.span,
        )


def _exit_text(kind: str, exits: list[Exit]) -> str:
    return f"a {kind} exit, `{exits[0].name}`" if exits else f"no {kind} exit"


@fact("wip", "the workflow has no stage")
def _wip(scope: Scope) -> Iterator[Item]:
    for stage in scope.workflow.stages:
        ok = stage.wip is not None
        yield Item(
            ok,
            f"stage `{stage.name}` " + (f"has a WIP limit of {stage.wip}" if ok else "has no WIP limit"),
            stage.span,
        )


@fact("capacity", "the workflow has no intake or stage")
def _capacity(scope: Scope) -> Iterator[Item]:
    for intake in scope.workflow.intakes:
        ok = intake.arrivals is not None
        text = f"intake `{intake.name}` " + (
            f"receives {intake.arrivals.text}" if intake.arrivals else "has no arrival rate"
        )
        yield Item(ok, text, intake.span)
    for stage in scope.workflow.stages:
        text = f"stage `{stage.name}` " + (
            f"takes {stage.effort.text} an item" if stage.effort else "has no effort"
        )
        yield Item(stage.effort is not None, text, stage.span)


@fact("predictability", "no SLE or rework to judge")
def _predictability(scope: Scope) -> Iterator[Item]:
    result = scope.context.analysis(scope.workflow)
    for intake in scope.workflow.intakes:
        path = result.main_path(intake.name)
        for kind in (scope.work[r.name] for r in intake.accepts if r.name in scope.work):
            if kind.sle is None:
                continue
            fits = path is not None and path.process_time <= open_hours(kind.sle.within, result.schedule)
            said = "fits" if fits else "does not fit"
            yield Item(
                fits,
                f"the main path from `{intake.name}` {said} the {kind.sle.within.text} SLE of `{kind.name}`",
                intake.span,
            )
    for handoff in scope.workflow.handoffs:
        if handoff.rework:
            ok = handoff.chance is not None
            yield Item(
                ok, _has(ok, f"rework `{handoff.key}`", "says how often", "says not how often"), handoff.span
            )


@fact("teams", "the workflow has no lane")
def _teams(scope: Scope) -> Iterator[Item]:
    for lane in scope.used_lanes:
        count = len(lane.members)
        yield Item(count >= 2, f"lane `{lane.name}` has {count} member{'' if count == 1 else 's'}", lane.span)


@fact("cover", "the workflow has no lane or decision")
def _cover(scope: Scope) -> Iterator[Item]:
    for lane in scope.used_lanes:
        ok = lane.delegate is not None or len(lane.members) >= 2
        yield Item(
            ok,
            _has(ok, f"lane `{lane.name}`", "has a delegate or a second member", "rests on one person"),
            lane.span,
        )
    for decision in scope.decisions:
        ok = decision.delegate is not None
        yield Item(
            ok,
            _has(
                ok, f"decision `{decision.name}`", f"has a delegate, `{decision.delegate}`", "has no delegate"
            ),
            decision.span,
        )


@fact("feedback", "no cadence reviews the workflow")
def _feedback(scope: Scope) -> Iterator[Item]:
    for cadence in scope.workflow.cadences:
        count = len(cadence.reviews)
        if cadence.every is not None and count:
            elements = f"{count} element{'s' if count != 1 else ''}"
            text = f"cadence `{cadence.name}` reviews {elements} every {cadence.every.text}"
            yield Item(True, text, cadence.span)
        else:
            yield Item(False, f"cadence `{cadence.name}` says not how often or what it reviews", cadence.span)


@fact("intake_design", "the workflow has no intake")
def _intake_design(scope: Scope) -> Iterator[Item]:
    for intake in scope.workflow.intakes:
        yield _attribute(intake, "channel", _said(intake.channel))
        yield _attribute(intake, "criteria", _said(intake.criteria))
        yield Item(
            bool(intake.accepts),
            _has(
                bool(intake.accepts),
                f"intake `{intake.name}`",
                "says which work it accepts",
                "accepts no named work",
            ),
            intake.span,
        )


def _attribute(intake: Intake, name: str, ok: bool) -> Item:
    return Item(ok, _has(ok, f"intake `{intake.name}`", f"states its {name}", f"has no {name}"), intake.span)


@fact("structure", "the workflow has no stage")
def _structure(scope: Scope) -> Iterator[Item]:
    reachable = scope.graph.reachable
    for stage in scope.workflow.stages:
        placed = scope.lane_of(stage) is not None or stage.owner is not None
        ok = placed and stage.name in reachable
        text = f"stage `{stage.name}` " + (
            "is in a lane or has an owner, on the flow"
            if ok
            else "is in no lane and has no owner"
            if not placed
            else "is reached by no intake"
        )
        yield Item(ok, text, stage.span)


@fact("tools", "the workflow has no board")
def _tools(scope: Scope) -> Iterator[Item]:
    for board in scope.workflow.boards:
        yield Item(board.owner is not None, f"board `{board.name}` " + _owner(board.owner), board.span)
        ok = bool(board.audience)
        yield Item(
            ok, _has(ok, f"board `{board.name}`", "names its audience", "names no audience"), board.span
        )
