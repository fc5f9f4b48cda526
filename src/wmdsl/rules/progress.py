"""Progress over Perfection: paths are short enough to meet their promises.

Both checks walk the forward handoffs of a workflow (rework and loop-closing
handoffs set apart, see :func:`wmdsl.flow.graph.skeleton`), so they look at the
way work normally goes, once, in linear time.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from wmdsl.diagnostics import codes
from wmdsl.flow.calendar import Schedule, open_hours
from wmdsl.flow.results import MainPath, format_hours
from wmdsl.model import Intake, MetricLevel, Stage, Workflow, WorkType
from wmdsl.rules.examples import TICKETS
from wmdsl.rules.registry import Finding, Options, RuleContext, element_key, rule, subjects
from wmdsl.rules.wording import Chains, arrows, ends, written

if TYPE_CHECKING:
    from wmdsl.simulate.summary import TargetResult


@rule(
    codes.SLE_UNREACHABLE,
    "A service-level expectation is a promise about elapsed time, and elapsed time is "
    "hands-on work plus waiting. When the effort of the stages on the main path — the "
    "most likely way from the intake to a done exit, without rework — already exceeds "
    "the SLE, no queue discipline can keep the promise: with waiting, a typical item "
    "misses it every time. Ship smaller slices, take steps off the path, or promise "
    "what the system can deliver. Stages without effort count as zero, so the check "
    "never overstates; work types without an SLE are not checked. The SLE is elapsed "
    "time on the workflow's calendar (`3d` of a `24x7` workflow is 72 hours), the "
    "effort a person's working time. With `wmdsl check --simulate` the promise itself "
    "is checked, waits included: a work type is reported when fewer of its simulated "
    "items are delivered within the SLE than it promises (docs/simulation.md).",
    bad="""
workflow delivery "Delivery" {
  person @ana "Ana Lima"
  work feature "Feature" { kind request; sle 3d at 85% }
  intake requests "Requests" { owner @ana; accepts feature }
  stage build "Build" { owner @ana; wip 2; effort 3d }
  stage test "Test" { owner @ana; wip 2; effort 1d }
  exit shipped "Shipped"
  exit declined "Declined" { kind rejected }
  requests -> build { chance 90% }
  requests -> declined { chance 10% }
  build -> test
  test -> shipped
}
""",
    fix=(("sle 3d", "sle 10d"),),
)
def sle_unreachable(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    if ctx.simulate:
        yield from _sle_simulated(ctx)
        return
    for workflow in ctx.workflows:
        work = {w.name: w for w in (*ctx.document.shared.work, *workflow.work)}
        result = ctx.analysis(workflow)
        for intake in workflow.intakes:
            path = result.main_path(intake.name)
            if path is None:
                continue
            for ref in intake.accepts:
                kind = work.get(ref.name)
                if kind is None or kind.sle is None:
                    continue
                if path.process_time <= open_hours(kind.sle.within, result.schedule):
                    continue
                yield _sle_finding(ctx, workflow, intake, kind, path, result.schedule)


def _sle_finding(
    ctx: RuleContext, workflow: Workflow, intake: Intake, kind: WorkType, path: MainPath, schedule: Schedule
) -> Finding:
    assert kind.sle is not None
    flow = ctx.graph(workflow)
    largest = path.largest
    biggest = flow.nodes[largest] if largest is not None else None
    effort = biggest.effort if isinstance(biggest, Stage) else None
    keys = (*subjects("intake", intake, workflow), element_key("work", kind.name, workflow))
    return Finding(
        intake.span,
        f"the main path from intake `{intake.name}` ({arrows(path.ends(*ends()), length=path.length)}) takes "
        f"{format_hours(path.process_time)} of hands-on work, more than the {kind.sle.within.text} SLE "
        f"of work type `{kind.name}`: its items miss the SLE even when nothing waits",
        f"shorten the path or its effort (the largest is `{largest}`, "
        f"{effort.text if effort else '?'}), or set `sle` of `{kind.name}` to at least "
        f"{format_hours(path.process_time, schedule.per_day)}",
        keys,
    )


def _sle_simulated(ctx: RuleContext) -> Iterator[Finding]:
    """PRG001 under ``check --simulate``: a work type's simulated items miss its SLE, at its first intake."""
    for workflow in ctx.workflows:
        result = ctx.simulated(workflow)
        if result is None:
            continue
        work = {w.name: w for w in (*ctx.document.shared.work, *workflow.work)}
        reported: set[str] = set()
        for intake in workflow.intakes:
            for ref in intake.accepts:
                kind = work.get(ref.name)
                found = result.target("sle", ref.name)
                if (
                    kind is None
                    or kind.sle is None
                    or found is None
                    or ref.name in reported
                    or found.met is not False
                ):
                    continue
                reported.add(ref.name)
                yield _simulated_finding(workflow, intake, kind, found, result.bottleneck, result.per_day)


def _simulated_finding(
    workflow: Workflow,
    intake: Intake,
    kind: WorkType,
    found: TargetResult,
    bottleneck: str | None,
    day: float,
) -> Finding:
    assert kind.sle is not None
    keys = (*subjects("intake", intake, workflow), element_key("work", kind.name, workflow))
    sle = kind.sle.within.text
    if found.unstable is not None or found.attainment is None:
        message = (
            f"in the simulation the lead time of work type `{kind.name}` (from intake `{intake.name}`) grows "
            f"without bound ({found.unstable}): its items miss the {sle} SLE"
        )
        return Finding(intake.span, message, "relieve the unstable stage first: see FLW006", keys)
    share = found.attainment.mean * 100
    quantile = f"p{found.share * 100:g}"
    at_share = format_hours(found.at_share.mean if found.at_share else 0.0, day)
    message = (
        f"in the simulation {share:.0f}% of work type `{kind.name}` (from intake `{intake.name}`) is "
        f"delivered within its {sle} SLE, short of the {kind.sle.percentile.text} it promises "
        f"({quantile} {at_share})"
    )
    where = f" at the bottleneck `{bottleneck}`" if bottleneck else ""
    hint = f"cut the waits{where} or the effort on the way, or set `sle` of `{kind.name}` to about {at_share}"
    return Finding(intake.span, message, hint, keys)


Best = tuple[int, int, int, str | None]  # (approvals − stages, approvals, stages, next node)


@rule(
    codes.GATE_HEAVY_PATH,
    "Approvals protect quality, but each one is a wait that adds no work. When a "
    "path asks for more sign-offs than it has steps that do something, the system "
    "optimises for permission rather than progress: decisions belong inside the "
    "work (a definition of done, a decision right held by the people doing it), "
    "not stacked on top of it. The path with the most approvals over stages is "
    "found by dynamic programming over the forward handoffs (a DAG: rework and "
    "loop-closing handoffs are left out), once per workflow.",
    bad="""
workflow purchasing "Purchasing" {
  person @ana "Ana Lima"; person @bo "Bo Berg"
  intake requests "Requests" { owner @ana }
  stage order "Order" { owner @bo; wip 2 }
  exit ordered "Ordered"
  exit declined "Declined" { kind rejected }
  decision budget "Approve budget" { decides @ana }
  decision vendor "Approve vendor" { decides @bo; consults @ana }
  requests -> order { gate budget }
  requests -> declined
  order -> ordered { gate vendor }
}
""",
    fix=(("order -> ordered { gate vendor }", "order -> ordered"),),
)
def gate_heavy_path(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for workflow in ctx.workflows:
        flow = ctx.graph(workflow)
        shape = flow.skeleton
        exits = {e.name for e in workflow.exits}
        best: dict[str, Best] = {}
        last_gate: dict[str, tuple[str, str]] = {}  # the last gated handoff of the best path on
        for name in reversed(shape.order):
            if name in exits:
                best[name] = (0, 0, 0, None)
                continue
            own = int(isinstance(flow.nodes[name], Stage))
            for after in shape.forward[name]:
                if after not in best:
                    continue
                gate = int(flow.handoffs[(name, after)].gate is not None)
                score, gates, stages, _ = best[after]
                candidate = (score + gate - own, gates + gate, stages + own, after)
                if name not in best or candidate[0] > best[name][0]:
                    best[name] = candidate
            chosen = best[name][3] if name in best else None
            if chosen is not None:
                gated = flow.handoffs[(name, chosen)].gate is not None
                later = last_gate.get(chosen, (name, chosen) if gated else None)
                if later is not None:
                    last_gate[name] = later
        chains = Chains({name: after for name, (_, _, _, after) in best.items() if after is not None})
        for intake in workflow.intakes:
            if intake.name in best and best[intake.name][0] > 0:
                yield _gate_heavy_finding(ctx, workflow, intake, best[intake.name], chains, last_gate)


def _gate_heavy_finding(
    ctx: RuleContext,
    workflow: Workflow,
    intake: Intake,
    best: Best,
    chains: Chains[str],
    last_gate: dict[str, tuple[str, str]],
) -> Finding:
    """The finding on the best path from ``intake``, named by its ends (intakes' paths can share a chain)."""
    flow = ctx.graph(workflow)
    length = chains.length(intake.name)
    first, last = ends()
    path = chains.first(intake.name, first) + (
        chains.last(intake.name, last) if length > first + last else []
    )
    _, gates, stages, _ = best
    gated = flow.handoffs[last_gate[intake.name]]
    return Finding(
        intake.span,
        f"the path {arrows(path, length=length)} passes {gates} approval{'s' * (gates != 1)} "
        f"but only {stages} stage{'s' * (stages != 1)} of work",
        f"drop or merge approvals on it (e.g. remove `gate {gated.gate}` from `{written(gated)}`), "
        "or let the people doing the work decide as part of a stage's definition of done",
        subjects("intake", intake, workflow),
    )


_ACTIVITY_ONLY = '  metric handled "Tickets answered" { to done; target 60 per week; level activity }\n'


@rule(
    codes.NO_OUTCOME_METRIC,
    "The Work Value Pyramid frames work at three levels: activity (effort spent), "
    "progress (movement towards a result) and outcomes (the result itself). A team "
    "that measures only activity feels busy but ineffective: every number can go up "
    "while nothing gets better for the people the work is for. The rule looks at the "
    "`level` of each metric of a workflow that has metrics, and fires when none of "
    "them is `level outcome` (a metric without a level is not counted as one: say "
    "what it measures). A workflow without any metric is left to VIS002.",
    bad=TICKETS.replace("  answer -> done\n", "  answer -> done\n" + _ACTIVITY_ONLY),
    fix=(
        (
            _ACTIVITY_ONLY,
            _ACTIVITY_ONLY + '  metric solved "Solved on first answer" {\n    level outcome\n'
            '    description "Share of tickets not reopened within a week"\n  }\n',
        ),
    ),
)
def no_outcome_metric(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for workflow in ctx.workflows:
        metrics = workflow.metrics
        if not metrics or any(m.level is MetricLevel.OUTCOME for m in metrics):
            continue
        count = f"{len(metrics)} metric" if len(metrics) == 1 else f"{len(metrics)} metrics"
        if all(m.level is MetricLevel.ACTIVITY for m in metrics):
            message = (
                f"workflow `{workflow.name}` measures only activity ({count}): "
                "it can look busy while nothing gets better"
            )
        else:
            unlevelled = sum(m.level is None for m in metrics)
            note = f", {unlevelled} without a `level`" if unlevelled else ""
            which = "its one metric is not" if len(metrics) == 1 else f"none of its {count} is"
            message = f"workflow `{workflow.name}` measures no outcome: {which} `level outcome`{note}"
        yield Finding(
            workflow.span,
            message,
            'measure the result the work is for: `metric results "Results" '
            '{ level outcome; description "how it is measured" }`',
            subjects("workflow", None, workflow),
        )
