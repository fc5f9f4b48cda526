"""Flow over Friction, paths: the way work goes has no needless waits or bounces.

These checks (FLW008–FLW010) read the forward skeleton of the flow graph: the
handoffs without the ``rework`` ones and those that close a loop, a DAG walked
once in topological order. FLW010 also reads the share of work the flow
analysis has to assume for a loop, from the
:class:`~wmdsl.rules.registry.RuleContext` of the check.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from wmdsl.diagnostics import codes
from wmdsl.flow.graph import FlowGraph
from wmdsl.model import Stage, Workflow
from wmdsl.rules.registry import Finding, Option, Options, RuleContext, handoff_finding, rule
from wmdsl.rules.wording import Chains, arrows, ends, written


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
    bad="""
workflow purchasing "Purchasing" {
  person @ana "Ana Lima"; person @bo "Bo Berg"
  intake requests "Requests" { owner @ana }
  stage review "Review" { owner @ana; wip 2 }
  stage order "Order" { owner @bo; wip 2 }
  exit ordered "Ordered"
  exit declined "Declined" { kind rejected }
  decision budget "Approve budget" { decides @ana }
  decision vendor "Approve vendor" { decides @bo; consults @ana }
  requests -> review
  review -> order { gate budget }
  review -> declined
  order -> ordered { gate vendor }
}
""",
    fix=(("order -> ordered { gate vendor }", "order -> ordered"),),
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
        forks: set[str] = set()  # a gated fork is one wait, however many branches it has: reported once
        for (source, target), handoff in flow.handoffs.items():
            if handoff.gate is None or not shape.is_forward(source, target) or source in gated_into:
                continue
            if handoff.fork in forks:
                continue
            if 1 + longest.get(target, 0) >= limit:
                if handoff.fork is not None:
                    forks.add(handoff.fork)
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
        hint = f"{drop}, or decide once: fold `{gates[-1]}` into `{gates[0]}` (consulting its decider)"
    return handoff_finding(
        workflow,
        steps[0],
        f"work waits for {length - 1} approvals in a row on {arrows(named, length=length)} "
        f"({arrows(gates, joint=', then ', length=length - 1)})",
        hint,
    )


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
    bad="""
workflow delivery "Delivery" {
  person @ana "Ana Lima"; person @bo "Bo Berg"
  lane dev "Development" { owner @ana; members @ana }
  lane qa "Quality" { owner @bo; members @bo }
  intake requests "Requests" { owner @ana }
  stage build "Build" in dev { wip 2 }
  stage test "Test" in qa { wip 2 }
  stage fix "Fix" in dev { wip 2 }
  stage retest "Retest" in qa { wip 2 }
  exit shipped "Shipped"
  exit declined "Declined" { kind rejected }
  requests -> build
  requests -> declined
  build -> test
  test -> fix
  fix -> retest
  retest -> shipped
}
""",
    fix=(
        ('  stage fix "Fix" in dev { wip 2 }\n  stage retest "Retest" in qa { wip 2 }\n', ""),
        (
            "  test -> fix\n  fix -> retest\n  retest -> shipped\n",
            "  test -> shipped\n  test -> build { rework; chance 20% }\n",
        ),
    ),
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
        _ping_pong_hint(flow, path, limit),
    )


def _ping_pong_hint(flow: FlowGraph, path: list[str], limit: int) -> str:
    """Fold the repeated steps into rework of the first ones; never move a stage to another team.

    The first node on ``path`` whose lane the path already visited repeats
    that lane's earlier step: work can go back to that step as rework instead.
    """
    first_in: dict[str | None, str] = {}
    for before, node in itertools.pairwise(path):
        first_in.setdefault(_lane_of(flow.nodes[before]), before)
        lane = _lane_of(flow.nodes[node])
        earlier = first_in.get(lane)
        if lane is not None and earlier is not None and earlier != before:
            return (
                f"send work back to the step that did it first instead of through a repeat of it: "
                f"`{before} -> {earlier} {{ rework; chance 20% }}` in place of `{before} -> {node}`; "
                f"and agree what `{earlier}` must deliver (its `done`) so that less comes back"
            )
    return (
        f"agree what each lane must deliver before it hands work on (a `done` on each stage), "
        f"so that work crosses between the two lanes at most {limit} times"
    )


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
    bad="""
workflow delivery "Delivery" {
  person @ana "Ana Lima"
  intake requests "Requests" { owner @ana }
  stage build "Build" { owner @ana; wip 2 }
  stage review "Review" { owner @ana; wip 2 }
  exit shipped "Shipped"
  exit declined "Declined" { kind rejected }
  requests -> build
  requests -> declined
  build -> review
  review -> build "changes requested" { rework }
  review -> shipped
}
""",
    fix=(("{ rework }", "{ rework; chance 20% }"),),
)
def unbounded_rework(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for workflow in ctx.workflows:
        flow = ctx.graph(workflow)
        shape = flow.skeleton
        unsized: dict[str, int] = {}  # the alternatives without a chance out of each node
        forks: set[str] = set()
        for handoff in workflow.handoffs:
            if handoff.chance is None and (handoff.fork is None or handoff.fork not in forks):
                unsized[handoff.source.name] = unsized.get(handoff.source.name, 0) + 1
                if handoff.fork is not None:
                    forks.add(handoff.fork)  # a fork's branches are taken together: one alternative
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
