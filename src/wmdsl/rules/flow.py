"""Flow over Friction: work can enter, move and leave; nothing gets stuck.

The soundness checks (FLW001–FLW004) read the flow graph (see
:mod:`wmdsl.flow.graph`). Reachability is computed once from the virtual source and
once to the virtual sink, and the strongly connected components once, so every
check is linear in the graph. Each root cause is reported once: where work gets
stuck, not every node upstream of it.

The capacity checks (FLW005–FLW007) read the analytic flow model of
:mod:`wmdsl.flow.analysis` (traffic equations, utilisation, Erlang C waits), and the
path checks (FLW008–FLW010) its forward skeleton: the handoffs without the
``rework`` ones and those that close a loop, a DAG walked once in topological
order. The :class:`~wmdsl.rules.registry.RuleContext` of a check computes both
once per workflow and shares them with the Progress rules.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from wmdsl.diagnostics import codes
from wmdsl.flow.analysis import StageFlow, format_hours
from wmdsl.flow.digraph import condensation, find_cycle
from wmdsl.flow.graph import SINK, SOURCE, FlowGraph
from wmdsl.model import Exit, ExitKind, Handoff, Intake, Stage, Workflow
from wmdsl.rules.registry import (
    Finding,
    Option,
    Options,
    RuleContext,
    element_key,
    rule,
    subjects,
    workflow_key,
)
from wmdsl.rules.wording import Chains, arrows, ends

KIND = {Intake: "intake", Stage: "stage", Exit: "exit"}


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
    good="""
workflow tickets "Tickets" {
  person @ana "Ana Lima"
  intake inbox "Inbox" { owner @ana }
  stage answer "Answer" { owner @ana }
  stage follow_up "Follow up" { owner @ana }
  exit done "Done"
  inbox -> answer
  answer -> follow_up
  follow_up -> done
}
""",
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
    good="""
workflow tickets "Tickets" {
  person @ana "Ana Lima"
  intake inbox "Inbox" { owner @ana }
  stage answer "Answer" { owner @ana }
  stage escalate "Escalate" { owner @ana }
  exit done "Done"
  inbox -> answer
  answer -> done
  answer -> escalate
  escalate -> done
}
""",
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
                    f"add a handoff from `{name}` to an exit, e.g. `{name} -> {done}`",
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
    good="""
workflow delivery "Delivery" {
  person @ana "Ana Lima"
  intake requests "Requests" { owner @ana }
  stage build "Build" { owner @ana }
  stage review "Review" { owner @ana }
  exit shipped "Shipped"
  requests -> build
  build -> review
  review -> build "changes requested" { rework; chance 20% }
  review -> shipped
}
""",
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
    bad="""
workflow tickets "Tickets" {
  person @ana "Ana Lima"
  intake inbox "Inbox" { owner @ana }
  stage answer "Answer" { owner @ana }
  exit done "Done"
  inbox -> answer
  answer -> done
}
""",
    good="""
workflow tickets "Tickets" {
  person @ana "Ana Lima"
  intake inbox "Inbox" { owner @ana }
  stage answer "Answer" { owner @ana }
  exit done "Done"
  exit declined "Declined" { kind rejected }
  inbox -> answer
  answer -> done
  answer -> declined "out of scope"
}
""",
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


# -- capacity and queues (the analytic flow model, see wmdsl.flow.analysis) -------------------


def handoff_finding(workflow: Workflow, handoff: Handoff, message: str, hint: str) -> Finding:
    """A finding about a handoff (``allow`` in its block, or the workflow's, covers it)."""
    keys = (element_key("handoff", handoff.key, workflow), workflow_key(workflow))
    return Finding(handoff.span, message, hint, keys)


def written(handoff: Handoff) -> str:
    """A handoff as it is written: ``build -> review``."""
    return f"{handoff.source.name} -> {handoff.target.name}"


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
    good=BASE.format(arrivals=3, build="wip 2; effort 1d"),
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


def _lever(stage: Stage, figures: StageFlow, needed: float) -> str:
    """What to raise to give a stage ``needed`` servers."""
    if figures.wip_bound:
        return f"its `wip` (now {stage.wip}), if its people can take more"
    whose = f"lane `{stage.lane.name}`" if stage.lane is not None else "its owner"
    lever = f"the capacity of {whose} (now {figures.capacity or 0:g} FTE)"
    if stage.wip is not None and stage.wip < needed:
        lever += f" and its `wip` (now {stage.wip})"
    return lever


def _utilised(ctx: RuleContext) -> Iterator[tuple[Workflow, Stage, StageFlow]]:
    """Every stage whose utilisation is known, with its figures."""
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
    "Silent when arrivals or effort are not given (see VIS003).",
    bad=BASE.format(arrivals=6, build="wip 2; effort 1d"),
    good=BASE.format(arrivals=3, build="wip 2; effort 1d"),
)
def overloaded_stage(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for workflow, stage, figures in _utilised(ctx):
        rho, load = figures.utilisation or 0.0, figures.load or 0.0
        if rho < 1:
            continue
        effort = stage.effort.text if stage.effort else "?"
        yield Finding(
            stage.span,
            f"stage `{stage.name}` is overloaded: ρ = {rho:.2f} — {figures.per_week or 0:.3g} items a week "
            f"at {effort} each need {load:.2f} servers and it has {figures.servers or 0:g}, "
            "so its queue grows without bound",
            f"stage `{stage.name}` needs {load:.1f} servers for its load: raise "
            f"{_lever(stage, figures, load)}, cut its effort, or route less work to it",
            subjects("stage", stage, workflow),
        )


@rule(
    codes.NEAR_CAPACITY_STAGE,
    "Waiting time does not grow in step with utilisation: in an M/M/1 queue the "
    "expected wait is ρ/(1 − ρ) service times, so going from 50% to 90% busy multiplies "
    "it by nine, and any variation in arrivals turns into long queues. Flow needs "
    "slack; a stage kept nearly full is a bottleneck in waiting. Waits are estimated "
    "with the Erlang C formula (M/M/c) for the stage's servers.",
    options=(Option("threshold", float, 0.85, "Utilisation from which a stage is reported (below 1)."),),
    bad=BASE.format(arrivals=4.5, build="wip 2; effort 1d"),
    good=BASE.format(arrivals=3, build="wip 2; effort 1d"),
)
def near_capacity_stage(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    threshold = float(options["threshold"])
    for workflow, stage, figures in _utilised(ctx):
        rho, load = figures.utilisation or 0.0, figures.load or 0.0
        if not threshold <= rho < 1:
            continue
        wait = format_hours(figures.wait or 0.0)
        target = load / threshold if threshold > 0 else load
        yield Finding(
            stage.span,
            f"stage `{stage.name}` runs near capacity: ρ = {rho:.2f} (threshold {threshold:g}), "
            f"so work waits about {wait} before anyone starts it",
            f"give stage `{stage.name}` at least {target:.1f} servers to bring ρ under {threshold:g}: "
            f"raise {_lever(stage, figures, target)}, or cut its effort",
            subjects("stage", stage, workflow),
        )


# -- the shape of paths: approvals, ping-pong, rework --------------------------------------


GATES = """
workflow purchasing "Purchasing" {{
  person @ana "Ana Lima"; person @bo "Bo Berg"
  intake requests "Requests" {{ owner @ana }}
  stage review "Review" {{ owner @ana; wip 2 }}
  stage order "Order" {{ owner @bo; wip 2 }}
  exit ordered "Ordered"
  exit declined "Declined" {{ kind rejected }}
  decision budget "Approve budget" {{ decides @ana }}
  decision vendor "Approve vendor" {{ decides @bo; consults @ana }}
  requests -> review
  review -> order {{ gate budget }}
  review -> declined
  order -> ordered{ordered}
}}
"""


def _gated(flow: FlowGraph, source: str, target: str) -> bool:
    return flow.handoffs[(source, target)].gate is not None


@rule(
    codes.SERIAL_APPROVALS,
    "Each gated handoff is a traffic signal: work stops until someone decides. Signals "
    "in a row add their waits (and each decider's absences) without adding any work, and "
    "every approval after the first mostly re-checks what the first one saw. One "
    "decision that consults the others flows better. Chains are followed along the "
    "forward handoffs (rework and loop-closing handoffs are left out, so a loop counts "
    "once) and each is reported once, at its first handoff.",
    options=(
        Option("max", int, 2, "Report chains of this many gated handoffs in a row, or more (at least 2)."),
    ),
    bad=GATES.format(ordered=" { gate vendor }"),
    good=GATES.format(ordered=""),
)
def serial_approvals(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    limit = max(2, int(options["max"]))  # one gate alone is no chain
    for workflow in ctx.workflows:
        flow = ctx.graph(workflow)
        shape = flow.skeleton
        longest: dict[str, int] = {}  # the longest gated chain starting at a node
        follow: dict[str, str] = {}
        for name in reversed(shape.order):
            for after in shape.forward[name]:
                length = 1 + longest.get(after, 0)
                if _gated(flow, name, after) and length > longest.get(name, 0):
                    longest[name], follow[name] = length, after
        gated_into = {w for n in flow.nodes for w in shape.forward[n] if _gated(flow, n, w)}
        chains = Chains(follow)
        for (source, target), handoff in flow.handoffs.items():
            if handoff.gate is None or not shape.is_forward(source, target) or source in gated_into:
                continue
            if 1 + longest.get(target, 0) >= limit:
                yield _serial_finding(workflow, flow, source, target, chains)


def _serial_finding(
    workflow: Workflow, flow: FlowGraph, source: str, target: str, chains: Chains[str]
) -> Finding:
    """The finding on the chain of approvals from ``source`` on through ``target``.

    Chains from many sources can run into one long chain; each is named by its
    ends, read from ``chains``, so a finding costs what its message shows.
    """
    length = 1 + chains.length(target)  # nodes on the chain, ``source`` first
    first, last = ends()
    if length <= first + last + 1:  # short enough to name every handoff
        named = [source, *chains.walk(target)]
        steps = [flow.handoffs[pair] for pair in itertools.pairwise(named)]
    else:  # its first handoffs and its last ones
        head, tail = [source, *chains.first(target, first)], chains.last(target, last + 1)
        named = head[:first] + tail[-last:]
        steps = [flow.handoffs[pair] for pair in (*itertools.pairwise(head), *itertools.pairwise(tail))]
    gates = [str(step.gate) for step in steps]
    drop = f"drop `gate {gates[-1]}` from `{written(steps[-1])}`"
    if gates[0] == gates[-1]:
        hint = f"one `{gates[0]}` approval is enough: {drop}"
    else:
        hint = f"decide once: fold `{gates[-1]}` into `{gates[0]}` (consulting its decider), or {drop}"
    return handoff_finding(
        workflow,
        steps[0],
        f"work waits for {length - 1} approvals in a row on {arrows(named, length=length)} "
        f"({arrows(gates, joint=', then ', length=length - 1)})",
        hint,
    )


PINGPONG = """
workflow delivery "Delivery" {{
  person @ana "Ana Lima"; person @bo "Bo Berg"
  lane dev "Development" {{ owner @ana; members @ana }}
  lane qa "Quality" {{ owner @bo; members @bo }}
  intake requests "Requests" {{ owner @ana }}
  stage build "Build" in dev {{ wip 2 }}
  stage test "Test" in qa {{ wip 2 }}
{fix}  exit shipped "Shipped"
  exit declined "Declined" {{ kind rejected }}
  requests -> build
  requests -> declined
  build -> test
{handoffs}
}}
"""

Lanes = tuple[str | None, str | None]  # (the lane work is in, the lane it came from)
State = tuple[int, tuple[str, Lanes] | None]  # (handoffs back and forth, where it came from)


def _lane_of(node: object) -> str | None:
    if not isinstance(node, Stage):
        return None
    if node.lane is not None:
        return node.lane.name
    return node.owner.name if node.owner is not None and not node.owner.is_person else None


def _cross(lanes: Lanes, count: int, into: str | None) -> tuple[Lanes, int]:
    """The lanes and count after moving into a node of lane ``into``."""
    current, partner = lanes
    if into is None or into == current:
        return lanes, count
    if current is None:
        return (into, None), 0
    return (into, current), (count + 1 if into == partner else 1)


@rule(
    codes.HANDOFF_PING_PONG,
    "Every handoff between lanes is a queue, a context switch and a chance to lose "
    "information. Work that goes from one team to another and back again, and again, "
    "pays that price each time and belongs to neither team. A path here is a walk "
    "along the forward handoffs (rework and loop-closing handoffs are left out: they "
    "are FLW010's business); handoffs inside a lane, and intakes, exits and stages "
    "without a lane, do not interrupt a run between two lanes, a third lane does. "
    "Dynamic programming over the handoffs in topological order keeps, per node, the "
    "longest run for each pair of lanes, so the check is linear in the handoffs times "
    "the pairs of lanes met. Each pair of lanes is reported once.",
    options=(Option("max", int, 2, "Most handoffs back and forth between two lanes allowed on a path."),),
    bad=PINGPONG.format(
        fix='  stage fix "Fix" in dev { wip 2 }\n  stage retest "Retest" in qa { wip 2 }\n',
        handoffs="  test -> fix\n  fix -> retest\n  retest -> shipped",
    ),
    good=PINGPONG.format(fix="", handoffs="  test -> shipped\n  test -> build { rework; chance 20% }"),
)
def handoff_ping_pong(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    limit = max(1, int(options["max"]))
    for workflow in ctx.workflows:
        flow = ctx.graph(workflow)
        shape = flow.skeleton
        states: dict[str, dict[Lanes, State]] = {}
        reported: set[frozenset[str | None]] = set()
        for name in shape.order:
            here = states.setdefault(name, {((_lane_of(flow.nodes[name])), None): (0, None)})
            for after in shape.forward[name]:
                into = _lane_of(flow.nodes[after])
                there = states.setdefault(after, {})
                for lanes, (count, _) in list(here.items()):
                    moved, total = _cross(lanes, count, into)
                    if moved not in there or total > there[moved][0]:
                        there[moved] = (total, (name, lanes))
                    pair = frozenset(moved)
                    if total > limit and pair not in reported:
                        reported.add(pair)
                        yield _ping_pong_finding(workflow, flow, states, after, moved, limit)


def _ping_pong_finding(
    workflow: Workflow,
    flow: FlowGraph,
    states: dict[str, dict[Lanes, State]],
    name: str,
    lanes: Lanes,
    limit: int,
) -> Finding:
    count, pair = states[name][lanes][0], set(lanes)
    path = [name]
    node, key = name, lanes
    while True:
        step = states[node][key]
        if step[1] is None:
            break
        node, key = step[1]
        path.append(node)
        if set(key) != pair or states[node][key][0] == 0:
            break
    path.reverse()
    handoff = flow.handoffs[(path[-2], path[-1])]
    into, back_from = lanes
    return handoff_finding(
        workflow,
        handoff,
        f"work is handed between lanes `{back_from}` and `{into}` {count} times on one path: {arrows(path)}",
        f"keep the work in one lane: e.g. put stage `{name}` in lane `{back_from}`, or merge the steps "
        f"each lane repeats (at most {limit} handoffs back and forth on a path)",
    )


REWORK = """
workflow delivery "Delivery" {{
  person @ana "Ana Lima"
  intake requests "Requests" {{ owner @ana }}
  stage build "Build" {{ owner @ana; wip 2 }}
  stage review "Review" {{ owner @ana; wip 2 }}
  exit shipped "Shipped"
  exit declined "Declined" {{ kind rejected }}
  requests -> build
  requests -> declined
  build -> review
  review -> build "changes requested" {{ rework{chance} }}
  review -> shipped
}}
"""


@rule(
    codes.UNBOUNDED_REWORK,
    "Rework is normal; rework nobody has sized is not. The share of work a loop sends "
    "back multiplies the load on every stage in it — with a return chance p an item "
    "visits the loop 1/(1 − p) times on average (the traffic equations λ = γ + Pᵀλ) — "
    "so a loop without a `chance` leaves utilisation, waits and lead time resting on a "
    "guess (an equal split with the other handoffs), and hides whether the loop is "
    "being driven down. Checked on handoffs marked `rework` and, for loops with none, "
    "on the handoff that closes the loop (back to a node already on the way from an "
    "intake). A handoff without a `chance` whose siblings all have one is fine: it "
    "takes exactly what they leave.",
    bad=REWORK.format(chance=""),
    good=REWORK.format(chance="; chance 20%"),
)
def unbounded_rework(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for workflow in ctx.workflows:
        flow = ctx.graph(workflow)
        shape = flow.skeleton
        unsized: dict[str, int] = {}
        for handoff in workflow.handoffs:
            if handoff.chance is None:
                unsized[handoff.source.name] = unsized.get(handoff.source.name, 0) + 1
        for pair in shape.closing:
            handoff = flow.handoffs[pair]
            if handoff.chance is not None or unsized[pair[0]] < 2:
                continue
            share = f"{ctx.analysis(workflow).route(*pair) * 100:.3g}%"
            if handoff.rework:
                what, fix = f"rework handoff `{written(handoff)}`", "add `chance 20%`"
            else:
                what = f"handoff `{written(handoff)}` closes a loop but"
                fix = "mark it `{ rework; chance 20% }`"
            yield handoff_finding(
                workflow,
                handoff,
                f"{what} has no `chance`: how much work comes back is unknown "
                f"(the flow analysis has to assume {share})",
                f"{fix} (your estimate of how often work returns) on `{written(handoff)}`",
            )
