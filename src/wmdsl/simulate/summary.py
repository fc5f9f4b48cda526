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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from wmdsl.flow.calendar import FTE_HOURS_PER_WEEK
from wmdsl.flow.results import WorkflowAnalysis
from wmdsl.simulate.engine import Replication
from wmdsl.simulate.plan import Built, Plan
from wmdsl.simulate.stats import Estimate, estimate, percentile

__all__ = ["GROWTH", "LaneResult", "LeadResult", "Simulation", "StageResult", "TargetResult", "summarise"]

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


def _per_rep(
    reps: Sequence[Replication],
    figure: Callable[[Replication], float | None],
    confidence: float,
    floor: float | None = 0.0,
) -> Estimate | None:
    values = [v for v in (figure(r) for r in reps) if v is not None]
    return estimate(values, confidence, floor) if values else None


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
    return [
        None if unknown[p] or pool.fte <= 0 else work[p] / (pool.fte * min(FTE_HOURS_PER_WEEK, plan.weeks[pool.week].per_week))
        for p, pool in enumerate(plan.pools)
    ]


def _unstable_stages(
    built: Built, reps: Sequence[Replication], confidence: float, offered: Sequence[float | None]
) -> list[str | None]:
    plan = built.plan
    found: list[str | None] = []
    for s, stage in enumerate(plan.stages):
        flow = plan.workflows[stage.workflow]
        figures = built.analyses[stage.workflow].stage(stage.name)
        reason: str | None = None
        if figures.unstable is not None:
            reason = figures.unstable
        elif stage.pool >= 0 and (offered[stage.pool] or 0.0) >= 1.0:
            pool = plan.pools[stage.pool]
            reason = (
                f"its people, {pool.name}, are asked for {offered[stage.pool] or 0:.0%} of their time by every "
                "stage they work on: the queue grows without bound"
            )
        else:
            growth = _per_rep(reps, lambda r, s=s, w=flow.week: _growth(r, s, w, flow.per_week), 0.99, None)
            rate = _per_rep(reps, lambda r, s=s, w=flow.week: r.entries[s] / max(r.open[w], 1e-9) * flow.per_week, 0.99)
            if (
                growth is not None
                and growth.low is not None
                and growth.low > 0
                and growth.mean >= GROWTH * max(rate.mean if rate else 0.0, 1e-9)
            ):
                reason = f"its queue grew by {growth.mean:.3g} items a week over the window: it grows without bound"
        found.append(reason)
    return found


def _growth(rep: Replication, s: int, week: int, per_week: float) -> float | None:
    weeks = rep.open[week] / per_week
    return (rep.queue_end[s] - rep.queue_start[s]) / weeks if weeks > 0 else None


def _reaches(plan: Plan, start: int) -> set[int]:
    """The stages work from node ``start`` can reach."""
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
    return stages


def _leads(
    name: str,
    kind: str,
    samples: Sequence[Sequence[float]],
    reps: Sequence[Replication],
    week: int,
    per_week: float,
    confidence: float,
    unstable: str | None,
) -> LeadResult:
    ordered = [sorted(s) for s in samples]
    quantiles = tuple(
        None if unstable else estimate([percentile(o, q) for o in ordered if o], confidence) if any(ordered) else None
        for q in QUANTILES
    )
    means = [math.fsum(o) / len(o) for o in ordered if o]
    throughput = estimate(
        [len(o) / (r.open[week] / per_week) for o, r in zip(ordered, reps, strict=True) if r.open[week] > 0],
        confidence,
    )
    mean = None if unstable or not means else estimate(means, confidence)
    return LeadResult(name, kind, sum(len(o) for o in ordered), quantiles, mean, throughput, unstable)


def summarise(built: Built, reps: Sequence[Replication], confidence: float) -> tuple[list[WorkflowResult], list[LaneResult]]:
    """The figures of every workflow and pool of ``built`` from replications ``reps`` (in order)."""
    plan = built.plan
    offered = _offered(plan, built.analyses)
    unstable = _unstable_stages(built, reps, confidence, offered)
    workflows = []
    for w, flow in enumerate(plan.workflows):
        week, per_week = flow.week, flow.per_week
        stages = [_stage(built, reps, s, unstable[s], confidence) for s in flow.stages]
        analysis = built.analyses[w]
        intakes, kinds_seen = [], {}
        for i in flow.intakes:
            intake = plan.intakes[i]
            bad = next((unstable[s] and plan.stages[s].name for s in sorted(_reaches(plan, intake.node)) if unstable[s]), None)
            reason = f"its work goes through `{bad}`, which is unstable" if bad else None
            intakes.append(
                _leads(intake.name, "intake", [r.delivered[i] for r in reps], reps, week, per_week, confidence, reason)
            )
            for kind in intake.kinds:
                if reason or kind not in kinds_seen:
                    kinds_seen[kind] = reason if reason else kinds_seen.get(kind)
        kinds = [
            _leads(
                kind,
                "work",
                [[lead for i in flow.intakes for lead, k in zip(r.delivered[i], r.kinds[i], strict=True) if k == kind] for r in reps],
                reps,
                week,
                per_week,
                confidence,
                why,
            )
            for kind, why in kinds_seen.items()
        ]
        targets = [_target(t, reps, w, n, confidence, kinds_seen, intakes) for n, t in enumerate(flow.targets)]
        exits = tuple(
            (node.name, node.exit_kind, _per_rep(reps, lambda r, a=a: r.exits[a] / (r.open[week] / per_week), confidence))
            for a, node in enumerate(plan.nodes)
            if node.workflow == w and node.kind == 3
        )
        every = [[lead for i in flow.intakes for lead in r.leads[i]] for r in reps]
        lead_time = None if any(i.unstable for i in intakes) else estimate([math.fsum(e) / len(e) for e in every if e], confidence) if any(every) else None
        ranked = [s for s in stages if s.utilisation is not None]
        worst = [s for s in stages if s.unstable] or ranked
        bottleneck = max(worst, key=lambda s: s.utilisation.mean if s.utilisation else 0.0).name if worst else None
        workflows.append(
            WorkflowResult(
                name=flow.name,
                title=flow.title,
                file=flow.file,
                hours=flow.hours,
                per_day=flow.per_day,
                per_week=per_week,
                arrivals=_per_rep(reps, lambda r, f=flow: sum(r.arrived[i] for i in f.intakes) / (r.open[f.week] / f.per_week), confidence),
                stages=tuple(stages),
                intakes=tuple(intakes),
                kinds=tuple(kinds),
                targets=tuple(targets),
                exits=exits,
                lead_time=lead_time,
                analytic_lead_time=analysis.lead_time,
                bottleneck=bottleneck,
                lost=sum(r.lost[w] for r in reps),
                unfinished=sum(r.unfinished[w] for r in reps),
                cfd=tuple(reps[0].cfd[w]) if reps and reps[0].cfd else (),
                delivered=tuple(sorted(lead for r in reps for i in flow.intakes for lead in r.delivered[i])),
            )
        )
    return workflows, _lanes(built, reps, unstable, offered, confidence)


def _stage(built: Built, reps: Sequence[Replication], s: int, unstable: str | None, confidence: float) -> StageResult:
    plan = built.plan
    stage = plan.stages[s]
    flow = plan.workflows[stage.workflow]
    week, per_week = flow.week, flow.per_week
    figures = built.analyses[stage.workflow].stage(stage.name)

    def per_visit(values: Callable[[Replication], float]) -> Estimate | None:
        return _per_rep(reps, lambda r: values(r) / r.entries[s] if r.entries[s] else None, confidence)

    def average(area: Callable[[Replication], float]) -> Estimate | None:
        return _per_rep(reps, lambda r: area(r) / r.open[week] if r.open[week] > 0 else None, confidence)

    utilisation = None
    if stage.pool >= 0 and stage.servers > 0:
        pool = plan.pools[stage.pool]
        utilisation = _per_rep(
            reps,
            lambda r: r.busy_area[s] * pool.speed / (stage.servers * r.open[pool.week]) if r.open[pool.week] > 0 else None,
            confidence,
        )
    wait = per_visit(lambda r: r.wait[s])
    time = per_visit(lambda r: r.wait[s] + r.touch[s])
    return StageResult(
        name=stage.name,
        lane=stage.lane,
        rate=_per_rep(reps, lambda r: r.entries[s] / (r.open[week] / per_week) if r.open[week] > 0 else None, confidence),
        utilisation=utilisation,
        wait=None if unstable else wait,
        time=None if unstable else time,
        queue=None if unstable else average(lambda r: r.queue_area[s]),
        wip=average(lambda r: r.wip_area[s]),
        blocked=None if unstable else per_visit(lambda r: r.blocked[s]),
        servers=stage.servers,
        unstable=unstable,
        analytic_utilisation=figures.utilisation,
        analytic_wait=figures.wait,
    )


def _target(target, reps, w, n, confidence, kinds_seen, intakes) -> TargetResult:  # type: ignore[no-untyped-def]
    samples = [sorted(r.measured[w][n]) for r in reps]
    reason = kinds_seen.get(target.name) if target.kind == "sle" else next((i.unstable for i in intakes if i.unstable), None)
    attainment = estimate(
        [sum(1 for v in s if v <= target.within) / len(s) for s in samples if s], confidence
    ) if any(samples) else None
    at_share = None if reason else estimate([percentile(s, target.share) for s in samples if s], confidence) if any(samples) else None
    return TargetResult(
        target.name,
        target.kind,
        target.text,
        target.within,
        target.share,
        None if reason else attainment,
        at_share,
        sum(len(s) for s in samples),
        reason,
    )


def _lanes(
    built: Built, reps: Sequence[Replication], unstable: Sequence[str | None], offered: Sequence[float | None], confidence: float
) -> list[LaneResult]:
    plan = built.plan
    lanes = []
    for p, pool in enumerate(plan.pools):
        members = [s for s, stage in enumerate(plan.stages) if stage.pool == p]
        utilisation = _per_rep(
            reps,
            lambda r, m=members, pool=pool: math.fsum(r.busy_area[s] for s in m) / (pool.servers * r.open[pool.week])
            if r.open[pool.week] > 0
            else None,
            confidence,
        )
        reason = None
        if (offered[p] or 0.0) >= 1.0:
            reason = f"its stages ask for {offered[p] or 0:.0%} of its people's time: work piles up without bound"
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
