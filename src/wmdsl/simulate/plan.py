"""From compiled specs to what the simulation runs: a :class:`Plan` of plain, picklable records.

Everything the analysis already works out is taken from it, not derived
again: the routing probabilities and the forks' shares
(:func:`wmdsl.flow.traffic.routing`), the handoffs that close loops
(:attr:`wmdsl.flow.graph.FlowGraph.skeleton`), the hours of workflows and
lanes and the rates and elapsed times read in them
(:mod:`wmdsl.flow.calendar`), the FTE of lanes across a project
(:mod:`wmdsl.flow.load`) and the capacity a stage draws on
(:func:`wmdsl.flow.queueing.stage_capacity`). The analysis of each workflow,
made with the same FTE, is kept beside the plan for comparison.

People are *pools*: a lane (known by its declaration, so a lane that
several workflows or files share is one pool) or, for a stage in no lane,
its owner. A pool of F FTE working L open hours a week has F·min(40, L)/L
people at work while it is open (a full-time equivalent works 40 hours a
week), modelled as c = ⌊that⌋ people (at least one), each working at
that/c times the nominal pace, as the analysis does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from wmdsl.flow.analysis import analyze_workflow
from wmdsl.flow.calendar import (
    FTE_HOURS_PER_WEEK,
    Schedule,
    calendars,
    open_hours,
    per_open_hour,
    workflow_schedule,
)
from wmdsl.flow.capacity import all_people, lane_fte
from wmdsl.flow.graph import FlowGraph, build_graph
from wmdsl.flow.queueing import stage_capacity
from wmdsl.flow.results import WorkflowAnalysis
from wmdsl.flow.traffic import routing
from wmdsl.model import (
    Calendar,
    Decision,
    Document,
    Duration,
    Exit,
    Handoff,
    Hours,
    Intake,
    Join,
    Lane,
    Person,
    Ref,
    Stage,
    Workflow,
)
from wmdsl.model.span import Span
from wmdsl.simulate.clock import WEEK, Week, clock_weeks, week_of
from wmdsl.simulate.distributions import DEFAULTED, Override, Shape, shaped

__all__ = ["Alternative", "Node", "Plan", "PoolPlan", "StagePlan", "WorkflowPlan", "build_plan"]

INTAKE, STAGE, JOIN, EXIT = 0, 1, 2, 3


@dataclass(frozen=True, slots=True)
class PoolPlan:
    """The people one or more stages draw on: a lane, or the person who owns a stage in no lane."""

    name: str  # the lane's name, or the person's @handle
    fte: float
    week: int  # index into Plan.weeks: when they work
    present: float  # people at work while it is open: fte · min(40, L) / L
    servers: int  # c = ⌊present⌋, at least 1
    speed: float  # present / c: the pace of each


@dataclass(frozen=True, slots=True)
class StagePlan:
    """One stage: who works on it, its limit, and the work each item takes."""

    workflow: int
    name: str
    lane: str | None
    node: int
    pool: int  # index into Plan.pools; -1: nobody (the stage is a delay of its effort)
    wip: int | None
    effort: float  # mean hours of work an item takes (0 when the spec gives none)
    shape: Shape
    servers: float  # min(people at work, wip): what the analysis calls its servers
    source: str = DEFAULTED  # where the shape comes from: declared, set or default


@dataclass(frozen=True, slots=True)
class Alternative:
    """One way on from a node: the handoff taken (several targets for a fork) and its chance."""

    probability: float
    targets: tuple[int, ...]  # node numbers
    overflow: tuple[bool, ...]  # per target: enters over its WIP limit (the handoff closes a loop)
    delay: float  # a gate's longest wait for its decision, open hours of the workflow (0: none)


@dataclass(frozen=True, slots=True)
class Node:
    """An intake, stage, join or exit of one workflow, numbered across the plan."""

    kind: int  # INTAKE, STAGE, JOIN or EXIT
    name: str
    workflow: int
    stage: int = -1  # index into Plan.stages, for a stage
    inputs: int = 0  # handoffs into a join
    exit_kind: str = ""
    alternatives: tuple[Alternative, ...] = ()


@dataclass(frozen=True, slots=True)
class IntakePlan:
    """An intake's arrivals: items per open hour of its workflow, their shape and their work types."""

    workflow: int
    name: str
    node: int
    rate: float  # 0: no arrivals given
    shape: Shape
    kinds: tuple[str, ...]  # the work types it accepts (an item is one of them, each as likely)
    source: str = DEFAULTED  # where the shape comes from: declared, set or default


@dataclass(frozen=True, slots=True)
class Target:
    """A promise about elapsed time: ``within`` open hours for ``share`` of the items measured."""

    name: str  # the work type or metric
    kind: str  # "sle" or "metric"
    within: float
    share: float
    start: int = -1  # a metric's `from` node (-1: the item's intake)
    end: int = -1  # a metric's `to` node (-1: the item's exit)
    text: str = ""  # as written: `10d at 85%`


@dataclass(frozen=True, slots=True)
class WorkflowPlan:
    """One workflow: its hours and what it promises."""

    name: str
    title: str | None
    file: str
    week: int
    per_day: float  # open hours in an open day of its hours
    per_week: float
    hours: str
    stages: tuple[int, ...]
    intakes: tuple[int, ...]
    targets: tuple[Target, ...]


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything a replication needs, and nothing it does not (it is sent to each worker once)."""

    workflows: tuple[WorkflowPlan, ...]
    nodes: tuple[Node, ...]
    stages: tuple[StagePlan, ...]
    pools: tuple[PoolPlan, ...]
    intakes: tuple[IntakePlan, ...]
    weeks: tuple[Week, ...]
    collapsed: bool  # every week the same: the clock is their open hours
    week_hours: float  # clock hours in a week: 168, or the open hours of the one week when collapsed
    notes: tuple[str, ...] = ()
    watched: frozenset[int] = field(default_factory=frozenset)  # nodes a metric starts or ends at


@dataclass(frozen=True, slots=True)
class Tuning:
    """What a scenario changes beyond the spec: FTE of lanes, shapes of times, gate delays (by name).

    A shape set here wins over the ``variability`` the spec declares
    (:func:`wmdsl.simulate.distributions.shaped`).
    """

    fte: Mapping[tuple[str, str], float] = field(default_factory=dict)  # (workflow or "", lane) -> FTE
    service: Mapping[tuple[str, str], Override] = field(default_factory=dict)  # (workflow, stage)
    arrival: Mapping[tuple[str, str], Override] = field(default_factory=dict)  # (workflow, intake)
    delay: Mapping[tuple[str, str, str], Duration] = field(default_factory=dict)  # (workflow, a, b)


def _hours(given: Hours | None, ref: Ref | None, known: Mapping[str, Calendar]) -> tuple[bool, Hours | None]:
    """Whether hours are written or named, and which (``None``: the default office hours)."""
    if given is not None:
        return True, given
    if ref is None:
        return False, None
    calendar = known.get(ref.name)
    return True, calendar.hours if calendar is not None else None


class _Builder:
    """Numbers nodes, pools and weeks across every workflow of the run."""

    def __init__(self, pooled_fte: Mapping[Span, float], tuning: Tuning) -> None:
        self.pooled_fte = pooled_fte
        self.tuning = tuning
        self.nodes: list[Node] = []
        self.stages: list[StagePlan] = []
        self.pools: list[PoolPlan] = []
        self.pool_of: dict[Span, int] = {}
        self.intakes: list[IntakePlan] = []
        self.workflows: list[WorkflowPlan] = []
        self.weeks: list[Week] = []
        self.week_of: dict[tuple[tuple[float, ...], tuple[float, ...]], int] = {}
        self.notes: list[str] = []
        self.watched: set[int] = set()
        self.analyses: list[WorkflowAnalysis] = []

    def week(self, hours: Hours | None) -> int:
        week = week_of(hours)
        key = (week.starts, week.ends)
        if key not in self.week_of:
            self.week_of[key] = len(self.weeks)
            self.weeks.append(week)
        return self.week_of[key]

    def fte(self, document: Document, workflow: Workflow) -> dict[str, float]:
        """The FTE of each lane the workflow sees, by name: a scenario's, the project's, or the file's."""
        own = lane_fte(document)
        lanes = [*document.shared.lanes, *workflow.lanes]
        found: dict[str, float] = {}
        for lane in lanes:
            fte = self.pooled_fte.get(lane.span, own.get(lane.name, 0.0))
            for key in ((workflow.name, lane.name), ("", lane.name)):
                if key in self.tuning.fte:
                    fte = self.tuning.fte[key]
                    break
            found[lane.name] = fte
        return found

    def pool(self, name: str, span: Span, fte: float, week: int) -> int:
        """The pool of the lane or person declared at ``span`` (made on first use)."""
        if span in self.pool_of:
            return self.pool_of[span]
        open_hours_a_week = self.weeks[week].per_week
        present = fte * min(FTE_HOURS_PER_WEEK, open_hours_a_week) / open_hours_a_week
        servers = max(1, int(present))
        self.pool_of[span] = len(self.pools)
        self.pools.append(PoolPlan(name, fte, week, present, servers, present / servers if present else 0.0))
        return self.pool_of[span]

    def workflow(self, document: Document, workflow: Workflow) -> None:
        index = len(self.workflows)
        flow = build_graph(workflow)
        known = calendars(document, workflow)
        schedule = workflow_schedule(workflow, known)
        own_week = self.week(_hours(workflow.hours, workflow.calendar, known)[1])
        fte = self.fte(document, workflow)
        people = all_people(document)
        lanes = {lane.name: lane for lane in (*document.shared.lanes, *workflow.lanes)}
        self.analyses.append(analyze_workflow(workflow, document, flow=flow, fte=fte, people=people))

        # Node numbers: the flow graph's order of nodes, after the workflows before.
        first = len(self.nodes)
        number = {name: first + i for i, name in enumerate(flow.nodes)}
        ways = self._alternatives(document, workflow, flow, schedule, number)
        stage_indices, intake_indices = [], []
        for name, element in flow.nodes.items():
            own = tuple(ways.get(name, ()))
            if isinstance(element, Intake):
                self.nodes.append(Node(INTAKE, name, index, alternatives=own))
                intake_indices.append(len(self.intakes))
                self.intakes.append(self._intake(index, workflow, element, number[name], schedule, document))
            elif isinstance(element, Stage):
                stage_indices.append(len(self.stages))
                self.nodes.append(Node(STAGE, name, index, stage=len(self.stages), alternatives=own))
                self.stages.append(
                    self._stage(index, workflow, element, number[name], own_week, lanes, fte, people, known)
                )
            elif isinstance(element, Join):
                inputs = len(flow.graph.incoming[flow.graph.number(name)])
                self.nodes.append(Node(JOIN, name, index, inputs=inputs, alternatives=own))
            else:
                assert isinstance(element, Exit)
                self.nodes.append(Node(EXIT, name, index, exit_kind=element.kind.value))
        self.workflows.append(
            WorkflowPlan(
                name=workflow.name,
                title=workflow.title,
                file=document.file,
                week=own_week,
                per_day=schedule.per_day,
                per_week=schedule.per_week,
                hours=schedule.text,
                stages=tuple(stage_indices),
                intakes=tuple(intake_indices),
                targets=self._targets(document, workflow, schedule, number),
            )
        )

    def _alternatives(
        self,
        document: Document,
        workflow: Workflow,
        flow: FlowGraph,
        schedule: Schedule,
        number: Mapping[str, int],
    ) -> dict[str, list[Alternative]]:
        """The ways on from each node: a handoff, or a fork's branches together, with its chance.

        The chances are the analysis's routing probabilities (a fork's
        branches each carry the fork's whole share, so its first branch's
        is the fork's); a handoff that closes a loop enters over the target's
        WIP limit, so that work sent back can never deadlock the loop.
        """
        routes, _ = routing(flow)
        closing = set(flow.skeleton.closing)
        decisions = {d.name: d for d in (*document.shared.decisions, *workflow.decisions)}
        groups: dict[tuple[int, str], list[tuple[Handoff, int]]] = {}
        for (source, target), handoff in zip(flow.edges, workflow.handoffs, strict=True):
            groups.setdefault((source, handoff.fork or handoff.key), []).append((handoff, target))
        found: dict[str, list[Alternative]] = {}
        for (source, _), members in groups.items():
            first, target = members[0]
            probability = routes[source].get(target, 0.0)
            found.setdefault(first.source.name, []).append(
                Alternative(
                    probability,
                    tuple(number[h.target.name] for h, _ in members),
                    tuple((h.source.name, h.target.name) in closing for h, _ in members),
                    self._delay(workflow, first, decisions, schedule),
                )
            )
        return found

    def _delay(
        self, workflow: Workflow, handoff: Handoff, decisions: Mapping[str, Decision], schedule: Schedule
    ) -> float:
        """The longest a gated handoff waits for its decision, in open hours (0: no wait modelled).

        The decision is taken some time within the handoff's ``sla`` (the
        time the handoff may take), else within the first ``escalates …
        after`` of the decision (when it is not taken by then, it goes up);
        a scenario may set it. Each item waits a uniform time up to it.
        """
        key = (workflow.name, handoff.source.name, handoff.target.name)
        if key in self.tuning.delay:
            return open_hours(self.tuning.delay[key], schedule)
        if handoff.gate is None:
            return 0.0
        if handoff.sla is not None:
            return open_hours(handoff.sla, schedule)
        decision = decisions.get(handoff.gate.name)
        for escalation in decision.escalates if decision is not None else ():
            if escalation.after is not None:
                return open_hours(escalation.after, schedule)
        return 0.0

    def _intake(
        self,
        index: int,
        workflow: Workflow,
        intake: Intake,
        node: int,
        schedule: Schedule,
        document: Document,
    ) -> IntakePlan:
        rate = per_open_hour(intake.arrivals, schedule) if intake.arrivals is not None else 0.0
        if intake.arrivals is None:
            self.notes.append(
                f"intake `{intake.name}` of `{workflow.name}` has no `arrivals`: nothing arrives there "
                f'(give it some with --set {intake.name}.arrivals="N per week")'
            )
        shape, source = shaped(intake.variability, self.tuning.arrival.get((workflow.name, intake.name)))
        kinds = tuple(ref.name for ref in intake.accepts)
        return IntakePlan(index, intake.name, node, rate, shape, kinds, source)

    def _stage(
        self,
        index: int,
        workflow: Workflow,
        stage: Stage,
        node: int,
        own_week: int,
        lanes: Mapping[str, Lane],
        fte: Mapping[str, float],
        people: Mapping[str, Person],
        known: Mapping[str, Calendar],
    ) -> StagePlan:
        capacity, _ = stage_capacity(stage, lanes, fte, people)
        pool = -1
        lane = lanes.get(stage.lane.name) if stage.lane is not None else None
        if lane is None and stage.owner is not None and not stage.owner.is_person:
            lane = lanes.get(stage.owner.name)
        if capacity is not None and lane is not None:
            written, hours = _hours(lane.hours, lane.calendar, known)
            week = self.week(hours) if written else own_week
            pool = self.pool(lane.name, lane.span, capacity, week)
            if self.pools[pool].week != week:
                self.notes.append(
                    f"lane `{lane.name}` has no hours of its own and serves workflows with different "
                    f"hours: it works those of the first ({self.weeks[self.pools[pool].week].text})"
                )
        elif capacity is not None and stage.owner is not None:
            person = people.get(stage.owner.name)
            span = person.span if person is not None else stage.owner.span
            pool = self.pool(stage.owner.name, span, capacity, own_week)
        if pool < 0:
            self.notes.append(
                f"stage `{stage.name}` of `{workflow.name}` has nobody to work on it: "
                "each item spends its effort there without waiting for anyone"
            )
        if stage.effort is None:
            self.notes.append(f"stage `{stage.name}` of `{workflow.name}` has no `effort`: it takes no time")
        effort = stage.effort.hours if stage.effort is not None else 0.0
        present = self.pools[pool].present if pool >= 0 else 0.0
        servers = min(present, float(stage.wip)) if stage.wip is not None else present
        shape, source = shaped(stage.variability, self.tuning.service.get((workflow.name, stage.name)))
        lane_name = stage.lane.name if stage.lane is not None else None
        return StagePlan(index, stage.name, lane_name, node, pool, stage.wip, effort, shape, servers, source)

    def _targets(
        self, document: Document, workflow: Workflow, schedule: Schedule, number: Mapping[str, int]
    ) -> tuple[Target, ...]:
        """The SLEs of the work types the intakes accept, and the metrics' lead-time targets."""
        work = {w.name: w for w in (*document.shared.work, *workflow.work)}
        found: list[Target] = []
        accepted = dict.fromkeys(ref.name for intake in workflow.intakes for ref in intake.accepts)
        for name in accepted:
            kind = work.get(name)
            if kind is not None and kind.sle is not None:
                sle = kind.sle
                text = f"{sle.within.text} at {sle.percentile.text}"
                found.append(
                    Target(name, "sle", open_hours(sle.within, schedule), sle.percentile.fraction, text=text)
                )
        for metric in workflow.metrics:
            if metric.target is None:
                continue
            start = number[metric.start.name] if metric.start is not None else -1
            end = number[metric.end.name] if metric.end is not None else -1
            self.watched.update(n for n in (start, end) if n >= 0)
            target = metric.target
            text = f"{target.within.text} at {target.percentile.text}"
            within = open_hours(target.within, schedule)
            found.append(Target(metric.name, "metric", within, target.percentile.fraction, start, end, text))
        return tuple(found)


@dataclass(frozen=True, slots=True)
class Built:
    """A plan and the analysis of each of its workflows (made with the same FTE), in order."""

    plan: Plan
    analyses: tuple[WorkflowAnalysis, ...]


def build_plan(
    documents: Sequence[Document],
    pooled_fte: Mapping[Span, float] | None = None,
    tuning: Tuning | None = None,
) -> Built:
    """The plan of every workflow of ``documents`` (``pooled_fte``: lanes' FTE across the project)."""
    builder = _Builder(pooled_fte or {}, tuning or Tuning())
    for document in documents:
        for workflow in document.workflows:
            builder.workflow(document, workflow)
    collapsed, weeks = clock_weeks(builder.weeks)
    if not collapsed:
        builder.notes.append(
            "the workflows and lanes keep different hours: the simulation runs on a clock of "
            "whole weeks, each lane working its own hours"
        )
    plan = Plan(
        workflows=tuple(builder.workflows),
        nodes=tuple(builder.nodes),
        stages=tuple(builder.stages),
        pools=tuple(builder.pools),
        intakes=tuple(builder.intakes),
        weeks=tuple(weeks),
        collapsed=collapsed,
        week_hours=(builder.weeks[0].per_week if builder.weeks else 40.0) if collapsed else WEEK,
        notes=tuple(dict.fromkeys(builder.notes)),
        watched=frozenset(builder.watched),
    )
    return Built(plan, tuple(builder.analyses))
