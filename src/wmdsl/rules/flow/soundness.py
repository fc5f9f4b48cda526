"""Flow over Friction, soundness: work can enter, move and leave; nothing gets stuck.

These checks (FLW001–FLW004) read the flow graph (see :mod:`wmdsl.flow.graph`).
Reachability is computed once from the virtual source and once to the virtual
sink, and the strongly connected components once, so every check is linear in
the graph. Each root cause is reported once: where work gets stuck, not every
node upstream of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from wmdsl.diagnostics import codes
from wmdsl.flow.digraph import condensation, find_cycle
from wmdsl.flow.graph import SINK, SOURCE, FlowGraph
from wmdsl.model import Exit, ExitKind, Intake, Join, Stage, Workflow
from wmdsl.rules.examples import TICKETS
from wmdsl.rules.registry import Finding, Options, RuleContext, rule, subjects
from wmdsl.rules.wording import arrows

KIND = {Intake: "intake", Stage: "stage", Join: "join", Exit: "exit"}


def _kind(flow: FlowGraph, name: str) -> str:
    return KIND[type(flow.nodes[name])]


def _finding(flow: FlowGraph, name: str, message: str, hint: str) -> Finding:
    node = flow.nodes[name]
    return Finding(node.span, message, hint, subjects(_kind(flow, name), node, flow.workflow))


def _entry_points(flow: FlowGraph, region: set[str]) -> list[str]:
    """One node per top strongly connected component of ``region`` (its way in)."""
    condensed = condensation(flow.graph.subgraph(region))
    entries = []
    for number, members in enumerate(condensed.components):
        if condensed.in_degree(number) == 0:
            entries.append(flow.real(members)[0])
    return flow.real(entries)


@rule(
    codes.UNREACHABLE_NODE,
    "A stage or exit no intake leads to is dead design: it promises a path that "
    "work cannot take. Usually a handoff into it is missing or misnamed.",
    bad="""
workflow tickets "Tickets" {
  person @ana "Ana Lima"
  intake inbox "Inbox" { owner @ana }
  stage answer "Answer" { owner @ana }
  stage follow_up "Follow up" { owner @ana }
  exit done "Done"
  inbox -> answer
  answer -> done
  follow_up -> done
}
""",
    fix=(("answer -> done", "answer -> follow_up"),),
)
def unreachable_node(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for workflow in ctx.workflows:
        flow = ctx.graph(workflow)
        if not workflow.intakes:
            yield Finding(
                workflow.span,
                f"workflow `{workflow.name}` has no intake: no work can enter it",
                'add `intake requests "Requests" { owner @someone }` and a handoff from it',
                subjects("workflow", None, workflow),
            )
            continue
        unreachable = set(flow.nodes) - flow.reachable
        entries = _entry_points(flow, unreachable)
        after = len(unreachable) - 1 if len(entries) == 1 else 0
        more = f" (nor {after} node{'s' * (after != 1)} after it)" if after else ""
        for name in entries:
            yield _finding(
                flow,
                name,
                f"{_kind(flow, name)} `{name}` is unreachable: no intake leads to it{more}",
                f"add a handoff into `{name}`, e.g. `{_a_source(flow, name)} -> {name}`",
            )


def _a_source(flow: FlowGraph, target: str) -> str:
    """A node work does reach, to suggest a handoff from (a stage if there is one)."""
    reached = [n for n in flow.real(flow.reachable) if n != target and _kind(flow, n) != "exit"]
    stages = [n for n in reached if _kind(flow, n) == "stage"]
    return (stages or reached or [flow.workflow.intakes[0].name])[0]


def _an_exit(workflow: Workflow, kind: ExitKind) -> str | None:
    return next((e.name for e in workflow.exits if e.kind is kind), None)


@rule(
    codes.MISSING_OFF_RAMP,
    "Every item must be able to finish: done, rejected or cancelled. A node with "
    "no way to an exit collects work forever (in workflow-net terms, the net is "
    "not sound). Reported where work gets stuck, not at every node before it.",
    bad="""
workflow tickets "Tickets" {
  person @ana "Ana Lima"
  intake inbox "Inbox" { owner @ana }
  stage answer "Answer" { owner @ana }
  stage escalate "Escalate" { owner @ana }
  exit done "Done"
  inbox -> answer
  answer -> done
  answer -> escalate
}
""",
    fix=(("  answer -> escalate\n", "  answer -> escalate\n  escalate -> done\n"),),
)
def missing_off_ramp(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for workflow in ctx.workflows:
        flow = ctx.graph(workflow)
        if not workflow.exits:
            yield Finding(
                workflow.span,
                f"workflow `{workflow.name}` has no exit: work can never leave it",
                'add off-ramps such as `exit shipped "Shipped" { kind done }` and handoffs to them',
                subjects("workflow", None, workflow),
            )
            continue
        done = _an_exit(workflow, ExitKind.DONE) or workflow.exits[0].name
        for name in flow.nodes:
            if name not in flow.finishing and not flow.successors(name):
                yield _finding(
                    flow,
                    name,
                    f"{_kind(flow, name)} `{name}` is a dead end: work that reaches it can never leave",
                    _dead_end_hint(flow, name, done),
                )


#: Words that name a place where work waits rather than a step that finishes it.
WAITING_WORDS = frozenset(
    {
        "backlog",
        "block",
        "blocked",
        "hold",
        "icebox",
        "park",
        "parked",
        "parking",
        "paused",
        "pending",
        "wait",
        "waiting",
    }
)


def _dead_end_hint(flow: FlowGraph, name: str, done: str) -> str:
    """Ways out chosen by what the node is: work that waits needs a way back and an off-ramp.

    A parking stage (`blocked`, `on hold`) must not be handed to the finishing
    exit: that would ship what is still blocked. It goes back to where it came
    from once unblocked, and to a cancelled or rejected exit when it never is.
    """
    workflow = flow.workflow
    node = flow.nodes[name]
    stop = _an_exit(workflow, ExitKind.CANCELLED) or _an_exit(workflow, ExitKind.REJECTED)
    declare = "" if stop else ', declaring `exit cancelled "Cancelled" { kind cancelled }`'
    stop = stop or "cancelled"
    words = {w for w in re.split(r"[^a-z]+", f"{name} {getattr(node, 'title', '') or ''}".lower()) if w}
    came_from = next((n for n in flow.graph.predecessors(name) if n in flow.nodes and n != name), None)
    if words & WAITING_WORDS and came_from is not None:
        return (
            f"work waits in `{name}`: send it back once it is free to go on (`{name} -> {came_from}`), "
            f"and to an off-ramp when it never is (`{name} -> {stop}`{declare})"
        )
    return (
        f"hand finished work on to an exit (`{name} -> {done}`), and if work can also be "
        f"given up here, to an off-ramp (`{name} -> {stop}`{declare})"
    )


@rule(
    codes.TRAP_LOOP,
    "A loop whose nodes lead only to each other (a bottom strongly connected "
    "component without an exit) traps work in endless rework: a livelock.",
    bad="""
workflow delivery "Delivery" {
  person @ana "Ana Lima"
  intake requests "Requests" { owner @ana }
  stage build "Build" { owner @ana }
  stage review "Review" { owner @ana }
  exit shipped "Shipped"
  requests -> build
  build -> review
  review -> build "changes requested"
}
""",
    fix=(
        (
            '  review -> build "changes requested"\n',
            '  review -> build "changes requested" { rework; chance 20% }\n  review -> shipped\n',
        ),
    ),
)
def trap_loop(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for workflow in ctx.workflows:
        flow = ctx.graph(workflow)
        condensed = flow.condensation
        for number, members in enumerate(condensed.components):
            if condensed.out_degree(number) or SINK in members or SOURCE in members:
                continue
            names = flow.real(members)
            if len(names) == 1 and not flow.graph.has_edge(names[0], names[0]):
                continue  # a plain dead end: FLW002
            cycle = find_cycle(flow.graph.subgraph(names), names[0])
            assert cycle is not None  # a strongly connected component with an edge has one
            shown = arrows([*cycle, cycle[0]])
            done = _an_exit(workflow, ExitKind.DONE) or (workflow.exits[0].name if workflow.exits else "done")
            yield _finding(
                flow,
                names[0],
                f"work can loop forever in {shown}: no handoff leaves this loop",
                f"add a way out of the loop, e.g. `{cycle[-1]} -> {done}`",
            )


@rule(
    codes.INTAKE_WITHOUT_DECLINE,
    "An on-ramp with no path to a `rejected` exit forces every request through "
    "the whole system, or leaves refusals undocumented. Saying no is part of the design.",
    bad=TICKETS,
    fix=(
        ('  exit done "Done"\n', '  exit done "Done"\n  exit declined "Declined" { kind rejected }\n'),
        ("  answer -> done\n", '  answer -> done\n  answer -> declined "out of scope"\n'),
    ),
)
def intake_without_decline(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for workflow in ctx.workflows:
        flow = ctx.graph(workflow)
        rejecting = [e.name for e in workflow.exits if e.kind is ExitKind.REJECTED]
        can_decline = flow.reaching(rejecting)
        for intake in workflow.intakes:
            if intake.name in can_decline:
                continue
            stages = [n for n in flow.successors(intake.name) if _kind(flow, n) == "stage"]
            first = (stages or [intake.name])[0]
            if rejecting:
                hint = f"add a handoff to a rejected exit, e.g. `{first} -> {rejecting[0]}`"
            else:
                hint = f'add `exit declined "Declined" {{ kind rejected }}` and `{first} -> declined`'
            yield _finding(
                flow,
                intake.name,
                f"intake `{intake.name}` has no path to a rejected exit: nothing it lets in can be declined",
                hint,
            )
