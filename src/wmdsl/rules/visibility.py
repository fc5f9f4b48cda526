"""Visibility over Assumption: work, limits and outcomes are visible to the people who need them.

A stage is visible when a board shows it; a workflow is measured when it has a
lead-time or throughput metric; an SLA is tracked when a metric's range covers
its handoff or a board shows both its ends. A metric's range covers a handoff
when work can go from the metric's ``from`` to the handoff's source, and from
its target on to the metric's ``to`` (reachability in the flow graph).
"""

from __future__ import annotations

from collections.abc import Iterator

from wmdsl.diagnostics import codes
from wmdsl.flow.digraph import descendants
from wmdsl.flow.graph import FlowGraph
from wmdsl.model import ExitKind, Metric, Workflow
from wmdsl.rules.examples import TICKETS
from wmdsl.rules.registry import Finding, Group, Options, RuleContext, handoff_finding, rule, subjects


@rule(
    codes.INVISIBLE_STAGE,
    "Work in a stage no board shows is invisible: nobody sees it queue, age or "
    "block, so the team manages it by assumption and status meetings. A workflow "
    "with no board at all is reported once, on the workflow, rather than once per "
    "stage. It is in the recommended preset: a board is the cheapest visibility there is.",
    bad="""
workflow tickets "Tickets" {
  person @ana "Ana Lima"
  intake inbox "Inbox" { owner @ana }
  stage triage "Triage" { owner @ana }
  stage answer "Answer" { owner @ana }
  exit done "Done"
  inbox -> triage
  triage -> answer
  answer -> done
  board work "Work" { shows triage }
}
""",
    fix=(("{ shows triage }", "{ shows triage, answer }"),),
)
def invisible_stage(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for workflow in ctx.workflows:
        if not workflow.stages:
            continue
        if not workflow.boards:
            stages = workflow.stages
            # A hint of forty thousand names helps nobody: a long list ends with the count of the rest.
            names = ", ".join(stage.name for stage in stages[: 5 if len(stages) > 8 else 8])
            rest = f" and its {len(stages) - 5} other stages" if len(stages) > 8 else ""
            yield Finding(
                workflow.span,
                f"workflow `{workflow.name}` has no board: none of its {_stages(len(stages))} is visible",
                f'add a board that shows them: `board work "Work" {{ shows {names} }}`{rest}',
                subjects("workflow", None, workflow),
            )
            continue
        shown = {ref.name for board in workflow.boards for ref in board.shows}
        first = workflow.boards[0].name
        for stage in workflow.stages:
            if stage.name not in shown:
                yield Finding(
                    stage.span,
                    f"stage `{stage.name}` is shown on no board",
                    f"add `{stage.name}` to the `shows` of board `{first}`",
                    subjects("stage", stage, workflow),
                )


def _stages(count: int) -> str:
    return f"{count} stage" if count == 1 else f"{count} stages"


def _is_lead_time(metric: Metric) -> bool:
    return metric.start is not None and metric.end is not None


@rule(
    codes.NO_FLOW_METRIC,
    "Without a flow metric, whether the work system is getting faster or slower, "
    "keeping its promises or not, is a matter of opinion. A lead-time metric "
    "(`from … to …`) or a throughput metric (`target N per week`) turns it into "
    "a number the team can review. It is in the recommended preset: without one, "
    "no review of the workflow has evidence to work from.",
    bad=TICKETS,
    fix=(
        (
            "  answer -> done\n",
            '  answer -> done\n  metric lead_time "Lead time" { from inbox to done; target 2d at 85% }\n',
        ),
    ),
)
def no_flow_metric(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for workflow in ctx.workflows:
        if any(_is_lead_time(m) or m.throughput is not None for m in workflow.metrics):
            continue
        start = workflow.intakes[0].name if workflow.intakes else "INTAKE"
        end = _done_exit(workflow)
        yield Finding(
            workflow.span,
            f"workflow `{workflow.name}` has no lead-time or throughput metric",
            f'add `metric lead_time "Lead time" {{ from {start} to {end} }}` '
            f'or `metric throughput "Throughput" {{ to {end}; target 5 per week }}`',
            subjects("workflow", None, workflow),
        )


def _done_exit(workflow: Workflow) -> str:
    done = [e.name for e in workflow.exits if e.kind is ExitKind.DONE]
    return (done or [e.name for e in workflow.exits] or ["EXIT"])[0]


@rule(
    codes.INTAKE_WITHOUT_RATE,
    "Capacity and utilisation (FLW006, FLW007) are computed from how much work "
    "arrives; an intake without `arrivals` silently switches them off for every "
    "stage it feeds, and a silent check reads like a passed one. It is information "
    "(the spec is not wrong, only unmeasured) and in the recommended preset, because "
    "an estimate is one line and makes the capacity checks work.",
    bad=TICKETS,
    fix=(('"Inbox" { owner @ana }', '"Inbox" { owner @ana; arrivals 12 per week }'),),
    group=Group(
        "intakes say nothing of how much work arrives",
        "add `arrivals N per week` to each, even a rough figure",
    ),
)
def intake_without_rate(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for workflow, intake in ctx.intakes():
        if intake.arrivals is None:
            yield Finding(
                intake.span,
                f"intake `{intake.name}` has no arrival rate: "
                "flow and capacity checks cannot run for the work it feeds",
                f"add `arrivals N per week` to intake `{intake.name}` (an estimate is fine)",
                subjects("intake", intake, workflow),
            )


@rule(
    codes.UNTRACKED_SLA,
    "An SLA nobody measures is a promise kept by assumption: breaches are noticed "
    "by the customer first. The SLA of a handoff counts as tracked when a metric "
    "measures a range that covers it (work can go from the metric's `from` to the "
    "handoff's source, and from its target on to the metric's `to`), or when a board "
    "shows both of its ends, so items waiting on it can be seen ageing. It is "
    "information, in the recommended preset: it only fires where the spec itself "
    "makes a promise.",
    bad="""
workflow tickets "Tickets" {
  person @ana "Ana Lima"
  person @bo "Bo Berg"
  intake inbox "Inbox" { owner @ana }
  stage triage "Triage" { owner @ana }
  stage answer "Answer" { owner @bo }
  exit done "Done"
  inbox -> triage
  triage -> answer { sla 4h }
  answer -> done
  board work "Work" { shows answer }
}
""",
    fix=(("{ shows answer }", "{ shows triage, answer }"),),
)
def untracked_sla(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for workflow in ctx.workflows:
        flow = ctx.graph(workflow)
        ranges = [_range(flow, m.start.name, m.end.name) for m in workflow.metrics if m.start and m.end]
        on_boards: dict[str, set[int]] = {}  # node -> the boards showing it (one pass over the boards)
        for number, board in enumerate(workflow.boards):
            for ref in board.shows:
                on_boards.setdefault(ref.name, set()).add(number)
        for handoff in workflow.handoffs:
            if handoff.sla is None:
                continue
            ends = (handoff.source.name, handoff.target.name)
            if any(ends[0] in after and ends[1] in before for after, before in ranges):
                continue
            if on_boards.get(ends[0], set()) & on_boards.get(ends[1], set()):
                continue
            yield handoff_finding(
                workflow,
                handoff,
                f"handoff `{handoff.key}` promises an SLA of {handoff.sla.text} "
                "that no metric or board tracks",
                f'measure it: `metric {ends[0]}_sla "{ends[0]} to {ends[1]}" '
                f"{{ from {ends[0]} to {ends[1]} }}`, "
                f"or show both ends on a board (`shows {ends[0]}, {ends[1]}`)",
            )


def _range(flow: FlowGraph, start: str, end: str) -> tuple[set[str], set[str]]:
    """Nodes work can reach from ``start``, and nodes from which ``end`` can be reached."""
    return {start, *descendants(flow.graph, start)}, flow.reaching([end])
