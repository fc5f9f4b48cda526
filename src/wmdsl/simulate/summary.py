"""From the counts of each replication to the figures a report shows, with confidence intervals.

Every figure is worked out per replication first (a stage's mean wait, an
intake's 85th percentile, the share of items within an SLE) and then
estimated over the replications (:func:`wmdsl.simulate.stats.estimate`), so
its interval says how much the figure itself varies from run to run.

Times are open hours of the item's workflow, as in the analysis; rates are
per week of the workflow's hours. A stage is *unstable* when the analysis
finds its work, or its pool's, at or beyond capacity (ρ ≥ 1), or when its
queue grew over the window in the replications (a mean growth of at least
:data:`GROWTH` of its arrivals, with the interval above zero): its queue
has no steady state, so it has no wait to report, and neither do the lead
times of the intakes whose work reaches it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from wmdsl.flow.calendar import FTE_HOURS_PER_WEEK
from wmdsl.flow.results import WorkflowAnalysis
from wmdsl.simulate.engine import Replication
from wmdsl.simulate.plan import EXIT, Built, Plan, Target
from wmdsl.simulate.stats import Estimate, estimate, percentile

__all__ = [
    "GROWTH",
    "LaneResult",
    "LeadResult",
    "ShapeResult",
    "Simulation",
    "StageResult",
    "TargetResult",
    "summarise",
]

GROWTH = 0.02  # a queue growing by this share of its arrivals is growing without bound
QUANTILES = (0.5, 0.85, 0.95)


@dataclass(frozen=True, slots=True)
class StageResult:
    """One stage's figures over the replications."""

    name: str
    lane: str | None
    rate: Estimate | None  # items a week ready for it
    utilisation: Estimate | None  # work done / (servers × open hours)
    wait: Estimate | None  # mean open hours from ready to being worked on (None when unstable)
    time: Estimate | None  # wait + touch time
    queue: Estimate | None  # mean items waiting for it (None when unstable)
    wip: Estimate | None  # mean items in it (worked on, waiting for a person, or done and blocked)
    blocked: Estimate | None  # mean open hours an item, done, waits for a place further on
    servers: float
    unstable: str | None = None
    analytic_utilisation: float | None = None
    analytic_wait: float | None = None


@dataclass(frozen=True, slots=True)
class LaneResult:
    """A pool of people (a lane, or the owner of stages in no lane) over the replications."""

    name: str
    fte: float
    people: float  # at work while it is open
    utilisation: Estimate | None
    stages: tuple[str, ...]
    workflows: tuple[str, ...]
    unstable: str | None = None


@dataclass(frozen=True, slots=True)
class LeadResult:
    """Lead times of one intake's items, or of one work type's, delivered (ended at a done exit)."""

    name: str
    kind: str  # "intake" or "work"
    delivered: int  # items over all replications
    quantiles: tuple[Estimate | None, ...]  # p50, p85, p95 (open hours)
    mean: Estimate | None
    throughput: Estimate | None  # delivered a week
    unstable: str | None = None


@dataclass(frozen=True, slots=True)
class TargetResult:
    """A service-level expectation or a metric's target against the simulated times."""

    name: str
    kind: str  # "sle" or "metric"
    text: str
    within: float  # open hours
    share: float
    attainment: Estimate | None  # share of the items measured within the time
    at_share: Estimate | None  # the time that share of items is within (the p85 of `… at 85%`)
    measured: int
    unstable: str | None = None

    @property
    def met(self) -> bool | None:
        """Whether the share within the time reaches the promise (None when unknown)."""
        if self.unstable is not None or self.attainment is None:
            return None if self.unstable is None else False
        return self.attainment.mean >= self.share


@dataclass(frozen=True, slots=True)
class WorkflowResult:
    """One workflow's figures."""

    name: str
    title: str | None
    file: str
    hours: str
    per_day: float
    per_week: float
    arrivals: Estimate | None  # items a week that arrived in the window
    stages: tuple[StageResult, ...]
    intakes: tuple[LeadResult, ...]
    kinds: tuple[LeadResult, ...]
    targets: tuple[TargetResult, ...]
    exits: tuple[tuple[str, str, Estimate | None], ...]  # (exit, kind, items a week)
    lead_time: Estimate | None  # mean over every item that ended at an exit
    analytic_lead_time: float | None
    bottleneck: str | None
    lost: int
    unfinished: int
    cfd: tuple[tuple[float, ...], ...] = ()  # the first replication's samples (see engine.sample)
    delivered: tuple[float, ...] = ()  # every delivered item's lead time, all replications, sorted

    def stage(self, name: str) -> StageResult | None:
        """The figures of stage ``name``."""
        return next((s for s in self.stages if s.name == name), None)

    def target(self, kind: str, name: str) -> TargetResult | None:
        """The figures of the SLE (``kind`` "sle") or metric target named ``name``."""
        return next((t for t in self.targets if t.kind == kind and t.name == name), None)


@dataclass(frozen=True, slots=True)
class ShapeResult:
    """The distribution one stage's touch times or one intake's gaps between arrivals were drawn from."""

    workflow: int  # index into Simulation.workflows
    kind: str  # "stage" or "intake"
    name: str
    distribution: str
    cv: float
    source: str  # "declared" (the spec's `variability`), "set" (a scenario) or "default"


@dataclass(frozen=True, slots=True)
class Simulation:
    """The figures of a simulation, and how it was run."""

    seed: int
    replications: int
    confidence: float
    warmup: float  # weeks
    until: float  # weeks (with `items`: the window's mean length)
    items: int | None
    workflows: tuple[WorkflowResult, ...]
    lanes: tuple[LaneResult, ...]
    notes: tuple[str, ...]
    assumptions: tuple[str, ...] = ()
    arrived: int = 0  # items that arrived in all the runs together
    visits: int = 0  # stage visits in all the runs together
    labels: dict[str, str] = field(default_factory=dict)  # what a scenario changed, by key
    week_hours: float = 40.0  # clock hours in a week (see wmdsl.simulate.clock)
    shapes: tuple[ShapeResult, ...] = ()  # every stage's, then every intake's with arrivals


def _over(values: Iterable[float | None], confidence: float, floor: float | None = 0.0) -> Estimate | None:
    """The estimate of a figure from its value in each replication (``None``: not measured in that one)."""
    known = [v for v in values if v is not None]
    return estimate(known, confidence, floor) if known else None


def _weeks(rep: Replication, week: int, per_week: float) -> float:
    """The window of ``rep`` in weeks of a workflow (its open hours over its open hours a week)."""
    return rep.open[week] / per_week


def _rate(count: float, rep: Replication, week: int, per_week: float) -> float | None:
    """``count`` a week of the window (``None`` for an empty window)."""
    weeks = _weeks(rep, week, per_week)
    return count / weeks if weeks > 0 else None


def _offered(plan: Plan, analyses: Sequence[WorkflowAnalysis]) -> list[float | None]:
    """Each pool's offered load as a share of its people's hours, from the analysis's rates."""
    work = [0.0] * len(plan.pools)
    unknown = [False] * len(plan.pools)
    for stage in plan.stages:
        if stage.pool < 0:
            continue
        flow = plan.workflows[stage.workflow]
        rate = analyses[stage.workflow].stage(stage.name).rate
        if rate is None:
            unknown[stage.pool] = True
            continue
        work[stage.pool] += rate * flow.per_week * stage.effort  # hours of work a week
    found: list[float | None] = []
    for p, pool in enumerate(plan.pools):
        hours = pool.fte * min(FTE_HOURS_PER_WEEK, plan.weeks[pool.week].per_week)
        found.append(None if unknown[p] or hours <= 0 else work[p] / hours)
    return found


def _unstable_stages(
    built: Built, reps: Sequence[Replication], offered: Sequence[float | None]
) -> list[str | None]:
    """Why each stage has no steady state, or ``None`` (see the module docstring)."""
    plan = built.plan
    found: list[str | None] = []
    for s, stage in enumerate(plan.stages):
        flow = plan.workflows[stage.workflow]
        figures = built.analyses[stage.workflow].stage(stage.name)
        load = offered[stage.pool] if stage.pool >= 0 else None
        reason: str | None = None
        if figures.unstable is not None:
            reason = figures.unstable
        elif load is not None and load >= 1.0:
            reason = (
                f"its people, `{plan.pools[stage.pool].name}`, are asked for {load:.0%} of their time by all "
                "the stages they work on: its queue grows without bound"
            )
        else:
            growth = _over(
                (_rate(r.queue_end[s] - r.queue_start[s], r, flow.week, flow.per_week) for r in reps),
                0.99,
                None,
            )
            rate = _over((_rate(r.entries[s], r, flow.week, flow.per_week) for r in reps), 0.99)
            arrivals = rate.mean if rate is not None else 0.0
            if (
                growth is not None
                and growth.low is not None
                and growth.low > 0
                and growth.mean >= GROWTH * arrivals
            ):
                grew = f"its queue grew by {growth.mean:.3g} items a week over the window"
                reason = f"{grew}: it grows without bound"
        found.append(reason)
    return found


def _reaches(plan: Plan, start: int) -> list[int]:
    """The stages work from node ``start`` can reach, in order."""
    seen, stack, stages = {start}, [start], set()
    while stack:
        node = plan.nodes[stack.pop()]
        if node.stage >= 0:
            stages.add(node.stage)
        for way in node.alternatives:
            for target in way.targets:
                if target not in seen:
                    seen.add(target)
                    stack.append(target)
    return sorted(stages)


def _leads(
    name: str,
    kind: str,
    samples: Sequence[Sequence[float]],
    reps: Sequence[Replication],
    where: tuple[int, float],
    confidence: float,
    unstable: str | None,
) -> LeadResult:
    """The lead-time figures of one intake's or work type's delivered items (``samples``: per replication)."""
    ordered = [sorted(sample) for sample in samples]
    measured = [o for o in ordered if o]
    quantiles = tuple(
        None if unstable else _over((percentile(o, q) for o in measured), confidence) for q in QUANTILES
    )
    mean = None if unstable else _over((math.fsum(o) / len(o) for o in measured), confidence)
    throughput = _over((_rate(len(o), r, *where) for o, r in zip(ordered, reps, strict=True)), confidence)
    return LeadResult(name, kind, sum(len(o) for o in ordered), quantiles, mean, throughput, unstable)


def summarise(
    built: Built, reps: Sequence[Replication], confidence: float
) -> tuple[list[WorkflowResult], list[LaneResult]]:
    """The figures of every workflow and pool of ``built`` from replications ``reps`` (in order)."""
    plan = built.plan
    offered = _offered(plan, built.analyses)
    unstable = _unstable_stages(built, reps, offered)
    workflows = [_workflow(built, reps, w, unstable, confidence) for w in range(len(plan.workflows))]
    return workflows, _lanes(built, reps, offered, confidence)


def _workflow(
    built: Built, reps: Sequence[Replication], w: int, unstable: Sequence[str | None], confidence: float
) -> WorkflowResult:
    plan = built.plan
    flow = plan.workflows[w]
    where = (flow.week, flow.per_week)
    stages = [_stage(built, reps, s, unstable[s], confidence) for s in flow.stages]
    intakes: list[LeadResult] = []
    kinds: dict[str, str | None] = {}  # the work types, and why their lead time grows without bound
    for i in flow.intakes:
        intake = plan.intakes[i]
        bad = next((plan.stages[s].name for s in _reaches(plan, intake.node) if unstable[s]), None)
        reason = f"its work goes through `{bad}`, which is unstable" if bad else None
        samples = [r.delivered[i] for r in reps]
        intakes.append(_leads(intake.name, "intake", samples, reps, where, confidence, reason))
        for kind in intake.kinds:
            kinds[kind] = kinds.get(kind) or reason
    by_kind = [
        _leads(kind, "work", [_of_kind(r, flow.intakes, kind) for r in reps], reps, where, confidence, reason)
        for kind, reason in kinds.items()
    ]
    targets = [
        _target(t, [r.measured[w][n] for r in reps], confidence, kinds, intakes)
        for n, t in enumerate(flow.targets)
    ]
    exits = tuple(
        (node.name, node.exit_kind, _over((_rate(r.exits[a], r, *where) for r in reps), confidence))
        for a, node in enumerate(plan.nodes)
        if node.workflow == w and node.kind == EXIT
    )
    every = [[lead for i in flow.intakes for lead in r.leads[i]] for r in reps]
    stuck = any(i.unstable for i in intakes)
    lead_time = None if stuck else _over((math.fsum(e) / len(e) for e in every if e), confidence)
    worst = [s for s in stages if s.unstable] or [s for s in stages if s.utilisation is not None]
    bottleneck = (
        max(worst, key=lambda s: s.utilisation.mean if s.utilisation else 0.0).name if worst else None
    )
    arrived = _over((_rate(sum(r.arrived[i] for i in flow.intakes), r, *where) for r in reps), confidence)
    return WorkflowResult(
        name=flow.name,
        title=flow.title,
        file=flow.file,
        hours=flow.hours,
        per_day=flow.per_day,
        per_week=flow.per_week,
        arrivals=arrived,
        stages=tuple(stages),
        intakes=tuple(intakes),
        kinds=tuple(by_kind),
        targets=tuple(targets),
        exits=exits,
        lead_time=lead_time,
        analytic_lead_time=built.analyses[w].lead_time,
        bottleneck=bottleneck,
        lost=sum(r.lost[w] for r in reps),
        unfinished=sum(r.unfinished[w] for r in reps),
        cfd=tuple(reps[0].cfd[w]) if reps and reps[0].cfd else (),
        delivered=tuple(sorted(lead for r in reps for i in flow.intakes for lead in r.delivered[i])),
    )


def _of_kind(rep: Replication, intakes: Sequence[int], kind: str) -> list[float]:
    """The lead times of the delivered items of work type ``kind`` in ``rep``."""
    return [
        lead for i in intakes for lead, k in zip(rep.delivered[i], rep.kinds[i], strict=True) if k == kind
    ]


def _stage(
    built: Built, reps: Sequence[Replication], s: int, unstable: str | None, confidence: float
) -> StageResult:
    plan = built.plan
    stage = plan.stages[s]
    flow = plan.workflows[stage.workflow]
    week = flow.week
    figures = built.analyses[stage.workflow].stage(stage.name)

    def per_visit(total: Sequence[float]) -> Estimate | None:
        return _over(
            (t / r.entries[s] if r.entries[s] else None for t, r in zip(total, reps, strict=True)), confidence
        )

    def average(area: Sequence[float]) -> Estimate | None:
        return _over(
            (a / r.open[week] if r.open[week] > 0 else None for a, r in zip(area, reps, strict=True)),
            confidence,
        )

    utilisation = None
    if stage.pool >= 0 and stage.servers > 0:
        pool = plan.pools[stage.pool]
        utilisation = _over(
            (
                r.busy_area[s] * pool.speed / (stage.servers * r.open[pool.week])
                if r.open[pool.week] > 0
                else None
                for r in reps
            ),
            confidence,
        )
    wait = per_visit([r.wait[s] for r in reps])
    time = per_visit([r.wait[s] + r.touch[s] for r in reps])
    return StageResult(
        name=stage.name,
        lane=stage.lane,
        rate=_over((_rate(r.entries[s], r, week, flow.per_week) for r in reps), confidence),
        utilisation=utilisation,
        wait=None if unstable else wait,
        time=None if unstable else time,
        queue=None if unstable else average([r.queue_area[s] for r in reps]),
        wip=average([r.wip_area[s] for r in reps]),
        blocked=None if unstable else per_visit([r.blocked[s] for r in reps]),
        servers=stage.servers,
        unstable=unstable,
        analytic_utilisation=figures.utilisation,
        analytic_wait=figures.wait,
    )


def _target(
    target: Target,
    samples: Sequence[Sequence[float]],
    confidence: float,
    kinds: Mapping[str, str | None],
    intakes: Sequence[LeadResult],
) -> TargetResult:
    ordered = [sorted(sample) for sample in samples if sample]
    if target.kind == "sle":
        reason = kinds.get(target.name)
    else:
        reason = next((i.unstable for i in intakes if i.unstable), None)
    attainment = _over((sum(1 for v in o if v <= target.within) / len(o) for o in ordered), confidence)
    at_share = _over((percentile(o, target.share) for o in ordered), confidence)
    return TargetResult(
        target.name,
        target.kind,
        target.text,
        target.within,
        target.share,
        None if reason else attainment,
        None if reason else at_share,
        sum(len(o) for o in ordered),
        reason,
    )


def _lanes(
    built: Built, reps: Sequence[Replication], offered: Sequence[float | None], confidence: float
) -> list[LaneResult]:
    plan = built.plan
    lanes = []
    for p, pool in enumerate(plan.pools):
        members = [s for s, stage in enumerate(plan.stages) if stage.pool == p]
        utilisation = _over(
            (
                math.fsum(r.busy_area[s] for s in members) / (pool.servers * r.open[pool.week])
                if r.open[pool.week] > 0
                else None
                for r in reps
            ),
            confidence,
        )
        load = offered[p]
        reason = None
        if load is not None and load >= 1.0:
            reason = f"its stages ask for {load:.0%} of its people's time: work piles up without bound"
        lanes.append(
            LaneResult(
                pool.name,
                pool.fte,
                pool.present,
                utilisation,
                tuple(plan.stages[s].name for s in members),
                tuple(dict.fromkeys(plan.workflows[plan.stages[s].workflow].name for s in members)),
                reason,
            )
        )
    return lanes
