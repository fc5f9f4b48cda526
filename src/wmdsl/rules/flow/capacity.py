"""Flow over Friction, capacity: stages have limits and the people to meet their load.

The WIP check (FLW005) reads the stages and their lanes; the utilisation checks
(FLW006, FLW007) read the analytic flow model of :mod:`wmdsl.flow.analysis`
(traffic equations, utilisation, Erlang C waits), which the
:class:`~wmdsl.rules.registry.RuleContext` of a check computes once per workflow.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING

from wmdsl.diagnostics import codes
from wmdsl.flow.results import StageFlow, format_hours
from wmdsl.model import Stage, Workflow
from wmdsl.rules.registry import Finding, Group, Option, Options, RuleContext, rule, subjects

if TYPE_CHECKING:
    from wmdsl.simulate.summary import StageResult

BASE = """
workflow delivery "Delivery" {{
  person @ana "Ana Lima"
  lane eng "Engineering" {{ owner @ana; members @ana }}
  intake requests "Requests" {{ owner @ana; arrivals {arrivals} per week }}
  stage build "Build" in eng {{ {build} }}
  exit shipped "Shipped"
  exit declined "Declined" {{ kind rejected }}
  requests -> build
  build -> shipped
  build -> declined
}}
"""


@rule(
    codes.MISSING_WIP_LIMIT,
    "A WIP limit is the speed limit of a stage. Without one, work is started faster "
    "than it is finished and waits, half done, where nobody sees it. By Little's law "
    "the time an item spends in a stage is its work in progress divided by its "
    "throughput, so unbounded WIP means unbounded lead time; a limit turns the queue "
    "into a visible signal to stop starting and start finishing.",
    bad=BASE.format(arrivals=3, build="effort 1d"),
    fix=(("effort 1d", "wip 2; effort 1d"),),
    group=Group(
        "stages have no WIP limit",
        "give each a `wip` limit of about one item per person in its lane (each note below says who)",
    ),
)
def missing_wip_limit(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for workflow, stage in ctx.stages():
        if stage.wip is not None:
            continue
        lane = ctx.lane_table(workflow).get(stage.lane.name) if stage.lane else None
        if lane is not None and lane.members:
            size, why = len(lane.members), f"one item per person in lane `{lane.name}`"
        else:
            size, why = 1, "one item at a time"
        yield Finding(
            stage.span,
            f"stage `{stage.name}` has no WIP limit: work can pile up in it unseen",
            f"add `wip {size}` to stage `{stage.name}` ({why})",
            subjects("stage", stage, workflow),
        )


def _fte(figures: StageFlow, servers: float) -> float:
    """The FTE that give a stage ``servers`` over its workflow's hours (a 24x7 seat takes 4.2)."""
    return servers / figures.per_fte if figures.per_fte > 0 else servers


def _remedy(stage: Stage, figures: StageFlow, servers: float) -> str:
    """What gives a stage the people ``servers`` stand for, in people's terms.

    Never a higher WIP limit: it lets more work start, not more get done.
    """
    need = _fte(figures, servers)
    have = figures.capacity or 0.0
    if figures.wip_bound and stage.wip is not None and need <= have:
        # The people are there; the limit keeps all but `wip` of them off this stage.
        items = "one item" if stage.wip == 1 else f"{stage.wip} items"
        enough = max(stage.wip + 1, math.ceil(servers + 1e-9))
        return (
            f"its people could do it ({have:g} FTE for about {need:.1f} needed), but `wip {stage.wip}` lets "
            f"only {items} be worked on at once: let in as many as its people can work on "
            f"(`wip {enough}`), or cut the effort each item takes"
        )
    if stage.lane is not None:
        who = f"lane `{stage.lane.name}` needs about {need:.1f} FTE for it (it has {have:g})"
        add = f"add people to lane `{stage.lane.name}`"
    else:
        who = f"it needs about {need:.1f} FTE (its owner gives {have:g})"
        add = "put it in a lane with enough people"
    return f"{who}: {add}, cut the effort each item takes, or send less work to it (decline more at intake)"


def _bound(figures: StageFlow) -> str:
    """Why a lower bound is one: `; intake `x` has no `arrivals`` (empty for a known figure)."""
    if not figures.lower_bound:
        return ""
    return f" from the known intakes; intake `{figures.unknown_intake}` has no `arrivals`"


def _simulated(ctx: RuleContext) -> Iterator[tuple[Workflow, Stage, StageFlow, StageResult]]:
    """Under ``check --simulate``: every stage the simulation measured, with the analysis's figures too."""
    for workflow in ctx.workflows:
        result = ctx.simulated(workflow)
        if result is None:
            continue
        analysis = ctx.analysis(workflow)
        for stage in workflow.stages:
            found = result.stage(stage.name)
            if found is not None:
                yield workflow, stage, analysis.stage(stage.name), found


def _utilised(ctx: RuleContext) -> Iterator[tuple[Workflow, Stage, StageFlow]]:
    """Every stage whose utilisation is known, or has a lower bound, with its figures."""
    for workflow in ctx.workflows:
        result = ctx.analysis(workflow)
        for stage in workflow.stages:
            figures = result.stage(stage.name)
            if figures.utilisation is not None:
                yield workflow, stage, figures


@rule(
    codes.OVERLOADED_STAGE,
    "Utilisation ρ = λ·effort / servers is the share of a stage's capacity its "
    "arrivals use, with λ from the traffic equations λ = γ + Pᵀλ (intake arrivals "
    "plus what handoffs route there, rework included). At ρ ≥ 1 work arrives faster "
    "than it can be done: in queueing theory the queue has no steady state and grows "
    "without bound, so lead times grow week after week whatever the team does. "
    "When some intakes have no arrivals, λ counts the others only, a lower bound: "
    "a stage overloaded by it is overloaded whatever the rest bring. "
    "Silent when arrivals or effort are not given (see VIS003). With `wmdsl check "
    "--simulate` a stage is judged by a simulation instead (docs/simulation.md): it is "
    "reported when its queue grows without bound there, which WIP limits that block, "
    "people shared with other stages and working hours can cause below ρ = 1.",
    bad=BASE.format(arrivals=6, build="wip 2; effort 1d"),
    fix=(("arrivals 6", "arrivals 3"),),
)
def overloaded_stage(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    if ctx.simulate:
        for workflow, stage, figures, simulated in _simulated(ctx):
            if simulated.unstable is None:
                continue
            rho = figures.utilisation
            if rho is not None and rho < 1:
                # Its own people could do the work: what holds it up is after it or beside it.
                hint = (
                    f"its people could do its work ({rho * 100:.0f}% busy by the analysis), but the stages "
                    "after it do not take the work in time (a full WIP limit blocks it) or its people are "
                    "busy on other stages: relieve the stage that holds it up first"
                )
            else:
                hint = _remedy(stage, figures, figures.load or 0.0)
            yield Finding(
                stage.span,
                f"stage `{stage.name}` cannot keep up in the simulation: {simulated.unstable}",
                hint,
                subjects("stage", stage, workflow),
            )
        return
    for workflow, stage, figures in _utilised(ctx):
        rho, load = figures.utilisation or 0.0, figures.load or 0.0
        if rho < 1:
            continue
        effort = stage.effort.text if stage.effort else "?"
        least = "at least " if figures.lower_bound else ""
        yield Finding(
            stage.span,
            f"stage `{stage.name}` gets more work than its people can do: {least}{figures.per_week or 0:.3g} "
            f"items a week at {effort} each keep it {rho * 100:.0f}% busy{_bound(figures)}, "
            "so work piles up in it week after week",
            _remedy(stage, figures, load),
            subjects("stage", stage, workflow),
        )


@rule(
    codes.NEAR_CAPACITY_STAGE,
    "Waiting time does not grow in step with utilisation: in an M/M/1 queue the "
    "expected wait is ρ/(1 − ρ) service times, so going from 50% to 90% busy multiplies "
    "it by nine, and any variation in arrivals turns into long queues. Flow needs "
    "slack; a stage kept nearly full is a bottleneck in waiting. Waits are estimated "
    "with the Erlang C formula (M/M/c) for the stage's servers. A lower bound (some "
    "intakes without arrivals) is reported only when even it reaches the threshold. "
    "With `wmdsl check --simulate` the simulated utilisation and wait are used instead.",
    options=(Option("threshold", float, 0.85, "Utilisation from which a stage is reported (below 1)."),),
    bad=BASE.format(arrivals=4.5, build="wip 2; effort 1d"),
    fix=(("arrivals 4.5", "arrivals 3"),),
)
def near_capacity_stage(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    threshold = float(options["threshold"])
    if ctx.simulate:
        yield from _near_capacity_simulated(ctx, threshold)
        return
    for workflow, stage, figures in _utilised(ctx):
        rho, load = figures.utilisation or 0.0, figures.load or 0.0
        if not threshold <= rho < 1:
            continue
        wait = format_hours(figures.wait or 0.0, ctx.analysis(workflow).schedule.per_day)
        target = load / threshold if threshold > 0 else load
        least, about = ("at least ", "at least") if figures.lower_bound else ("", "about")
        yield Finding(
            stage.span,
            f"stage `{stage.name}` runs near capacity: {least}{rho * 100:.0f}% busy{_bound(figures)} "
            f"(threshold {threshold * 100:g}%), so work waits {about} {wait} before anyone starts it",
            f"to keep it under {threshold * 100:g}% busy, " + _remedy(stage, figures, target),
            subjects("stage", stage, workflow),
        )


def _near_capacity_simulated(ctx: RuleContext, threshold: float) -> Iterator[Finding]:
    """FLW007 under ``check --simulate``: the simulated utilisation reaches the threshold."""
    for workflow, stage, figures, simulated in _simulated(ctx):
        busy = simulated.utilisation
        if simulated.unstable is not None or busy is None or busy.mean < threshold:
            continue
        day = ctx.analysis(workflow).schedule.per_day
        wait = format_hours(simulated.wait.mean if simulated.wait else 0.0, day)
        load = figures.load or 0.0
        yield Finding(
            stage.span,
            f"stage `{stage.name}` runs near capacity in the simulation: {busy.mean * 100:.0f}% busy "
            f"(threshold {threshold * 100:g}%), so work waits {wait} on average before anyone starts it",
            f"to keep it under {threshold * 100:g}% busy, " + _remedy(stage, figures, load / threshold),
            subjects("stage", stage, workflow),
        )
