"""Flow over Friction, parallel work: every fork is closed by a join that is sure to fire.

A workflow net is sound (van der Aalst) when every item can finish, finishes
once, and leaves no work behind. Forks and joins are where that can break:
a join waits for every handoff into it, so a branch that can end or get
stuck before reaching the join leaves it waiting forever (FLW011); branches
that never meet at a join finish the same item several times, some of them
while work on it is still open (FLW012); a join fed only by alternatives
never gets more than one of its inputs (FLW013); and a join with one input
waits for nothing (FLW014).

The forks and their joins come from :attr:`wmdsl.flow.graph.FlowGraph.forks`
(each fork's branches walked together to their nearest common join, see
:mod:`wmdsl.flow.forks`); FLW011 then walks each matched fork's branches up
to the join once more (:func:`wmdsl.flow.forks.leaks`): O(V + E) per fork.
"""

from __future__ import annotations

from collections.abc import Iterator

from wmdsl.diagnostics import Related, codes
from wmdsl.flow.forks import Fork, Leaks, leaks
from wmdsl.flow.graph import FlowGraph
from wmdsl.model import Exit, Handoff, Join, Workflow
from wmdsl.rules.registry import Finding, Options, RuleContext, handoff_keys, rule, subjects, workflow_key
from wmdsl.rules.wording import listed, written

# Security and legal review a change in parallel; the release waits for both.
REVIEWS = """
workflow release "Release" {
  person @ana "Ana Lima"; person @bo "Bo Berg"
  intake changes "Changes" { owner @ana }
  stage security "Security review" { owner @bo; wip 2 }
  stage legal "Legal review" { owner @ana; wip 2 }
  join reviewed "Both reviews done"
  stage release "Release" { owner @ana; wip 2 }
  exit shipped "Shipped"
  exit rejected "Rejected" { kind rejected }
  changes -> security, legal "change"
  security -> reviewed
  legal -> reviewed
  reviewed -> release
  release -> shipped
  release -> rejected
}
"""


def _join_finding(workflow: Workflow, join: Join, message: str, hint: str, related: list[Related]) -> Finding:
    return Finding(join.span, message, hint, subjects("join", join, workflow), tuple(related))


def _fork_finding(workflow: Workflow, fork: Fork, message: str, hint: str, related: list[Related]) -> Finding:
    """A finding about a fork: at the whole statement; an ``allow`` in its block covers it."""
    keys = (*handoff_keys(workflow, fork.handoffs[0]), workflow_key(workflow))
    return Finding(fork.handoffs[-1].span, message, hint, keys, tuple(related))


def _after(flow: FlowGraph, join: str) -> str:
    """What comes after ``join``, for a hint (its first successor, or an exit)."""
    after = flow.successors(join)
    return after[0] if after else next((e.name for e in flow.workflow.exits), "done")


@rule(
    codes.JOIN_DEADLOCK,
    "A join lets work go on only once every handoff into it has delivered. When one "
    "branch of the fork that feeds it can leave the workflow first (a review that "
    "rejects the item straight to an exit) or get stuck, the other branches' work "
    "waits at the join forever: the item never finishes, and in workflow-net terms "
    "the net is not sound (a deadlock). The same happens when the join also waits for "
    "a handoff no branch of the fork leads to. Each fork is matched to the nearest "
    "join all its branches reach; its branches are then followed over every handoff "
    "(rework included) up to that join, never back into the fork's source, since "
    "going round the fork again is rework, not an escape. Each fork is reported once, "
    "at its join.",
    bad=REVIEWS.replace("  security -> reviewed\n", "  security -> reviewed\n  security -> rejected\n"),
    fix=(
        ("  security -> rejected\n", ""),
        ("  release -> rejected\n", '  release -> rejected "a review said no"\n'),
    ),
)
def join_deadlock(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for workflow in ctx.workflows:
        flow = ctx.graph(workflow)
        forks = flow.forks
        if not forks:
            continue
        matched = [fork for fork in forks if fork.join is not None]
        found = {fork.key: leaks(flow, fork) for fork in matched}
        closing: dict[str, list[Fork]] = {}  # the forks each join closes
        for fork in matched:
            closing.setdefault(fork.join or "", []).append(fork)
        for fork in matched:
            assert fork.join is not None
            join = flow.nodes[fork.join]
            assert isinstance(join, Join)
            leak = found[fork.key]
            opened = Related(fork.handoffs[-1].span, f"fork `{fork.written}` opens the branches")
            if leak.escapes:
                branch, handoff = leak.escapes[0]
                exit_ = handoff.target.name
                more = len(leak.escapes) - 1
                others = f" (and {more} other way{'s' * (more != 1)} out)" if more else ""
                yield _join_finding(
                    workflow,
                    join,
                    f"join `{join.name}` can wait forever: branch `{branch.target.name}` of fork "
                    f"`{fork.written}` can end at exit `{exit_}` by `{written(handoff)}`{others} "
                    f"without reaching the join, and the other branches' work waits there for it",
                    _escape_hint(fork, join.name, handoff, (handoff.source.name, join.name) in flow.handoffs),
                    [opened, Related(handoff.span, f"branch `{branch.target.name}` escapes here")],
                )
            elif leak.unfed and not _nested(fork, closing[join.name], found):
                handoff = leak.unfed[0]
                yield _join_finding(
                    workflow,
                    join,
                    f"join `{join.name}` can wait forever: it also waits for `{written(handoff)}`, which no "
                    f"branch of fork `{fork.written}` leads to, so work from the fork never gets past it",
                    f"hand `{handoff.source.name}` on past the join instead (e.g. "
                    f"`{handoff.source.name} -> {_after(flow, join.name)}`), or make it a branch of the fork",
                    [opened, Related(handoff.span, "no branch of the fork leads here")],
                )
            elif leak.stuck:
                branch, handoff = leak.stuck[0]
                yield _join_finding(
                    workflow,
                    join,
                    f"join `{join.name}` can wait forever: branch `{branch.target.name}` of fork "
                    f"`{fork.written}` can get stuck at `{handoff.target.name}`, "
                    "which has no way on to the join",
                    f"add a handoff from `{handoff.target.name}` on to the join: "
                    f"`{handoff.target.name} -> {join.name}`",
                    [opened, Related(handoff.span, f"branch `{branch.target.name}` turns off here")],
                )


def _escape_hint(fork: Fork, join: str, handoff: Handoff, joins_already: bool) -> str:
    source, exit_ = handoff.source.name, handoff.target.name
    if source == fork.source:  # a branch of the fork is the exit itself
        return (
            f"take `{exit_}` out of fork `{fork.written}` and hand work to it after the join "
            f"(`{join} -> {exit_}`)"
        )
    # A branch that already hands work to the join only needs its way out moved after it.
    reroute = (
        f"drop `{written(handoff)}`"
        if joins_already
        else f"replace `{written(handoff)}` by `{source} -> {join}`"
    )
    return (
        f"route the outcome through the join and decide after it: {reroute} and add "
        f'`{join} -> {exit_} {{ when "{source} turned it down" }}`; '
        f"or, if `{source}` must "
        "end the item at once, make the other branches end there too, out of the fork"
    )


def _nested(fork: Fork, closed: list[Fork], found: dict[str, Leaks]) -> bool:
    """Whether ``fork`` lies in a branch of another fork of ``closed`` (those its join closes).

    Its join then also waits for the outer fork's other branches, which is right.
    Forks closed by one join are few: the scan is over them only.
    """
    for other in closed:
        if other is fork:
            continue
        if fork.source in found[other.key].reached:
            return True
    return False


def _ends(flow: FlowGraph, fork: Fork) -> list[Related]:
    """The exits the branches of ``fork`` reach, each with the branches that reach it (the first few)."""
    related: list[Related] = []
    for name, mask in fork.region:
        node = flow.nodes[name]
        if isinstance(node, Exit) and len(related) < 4:
            branches = [b for bit, b in enumerate(fork.branches) if mask >> bit & 1]
            many = "es" * (len(branches) != 1)
            related.append(Related(node.span, f"branch{many} {listed(branches)} can finish here"))
    return related


@rule(
    codes.UNSYNCHRONISED_FORK,
    "A fork starts parallel work on one item; a join is where that work comes back "
    "together. Branches that never meet at a join each carry the item on alone: it "
    "reaches an exit once per branch (counted as finished twice, or finished while "
    "another branch is still working on it, or both shipped and rejected). In "
    "workflow-net terms the net lacks synchronisation and does not complete properly. "
    "A fork's branches are followed over the forward handoffs (not round rework "
    "loops, nor back into the fork) to find a join every one of them reaches.",
    bad=REVIEWS.replace(
        "  security -> reviewed\n  legal -> reviewed\n", "  security -> release\n  legal -> release\n"
    )
    .replace('  join reviewed "Both reviews done"\n', "")
    .replace("  reviewed -> release\n", ""),
    fix=(
        ('  stage release "Release"', '  join reviewed "Both reviews done"\n  stage release "Release"'),
        (
            "  security -> release\n  legal -> release\n",
            "  security -> reviewed\n  legal -> reviewed\n  reviewed -> release\n",
        ),
    ),
)
def unsynchronised_fork(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for workflow in ctx.workflows:
        flow = ctx.graph(workflow)
        for fork in flow.forks:
            if fork.join is not None:
                continue
            opened = _ends(flow, fork)
            if fork.closest is not None:
                missing = [b for bit, b in enumerate(fork.branches) if not fork.meeting >> bit & 1]
                message = (
                    f"fork `{fork.written}` is never closed: branch{'es' * (len(missing) != 1)} "
                    f"{listed(missing)} never reach{'es' * (len(missing) == 1)} join `{fork.closest}`, "
                    "where the others meet, so the item goes on there and along "
                    f"{'them' if len(missing) != 1 else 'it'} separately and finishes more than once"
                )
                hint = (
                    f"hand {listed(missing)} on to join `{fork.closest}` too (e.g. "
                    f"`{missing[0]} -> {fork.closest}`), or take {'them' if len(missing) != 1 else 'it'} "
                    "out of the fork"
                )
            else:
                message = (
                    f"fork `{fork.written}` is never closed: its branches never meet at a join, so "
                    "the item goes on along each of them separately and finishes once per branch, "
                    "maybe while another branch is still working on it"
                )
                hint = (
                    f'add `join {fork.source}_done "Parallel work done"`, hand the end of each branch to it '
                    f"(e.g. `{fork.branches[0]} -> {fork.source}_done`), and go on from the join once"
                )
            yield _fork_finding(workflow, fork, message, hint, opened)


@rule(
    codes.EXCLUSIVE_JOIN,
    "A join waits until every handoff into it has delivered, so its inputs must come "
    "from parallel branches of a fork. When they are alternatives (an item takes one "
    "handoff or the other, never both), every item waits at the join for an input "
    "that never comes: a deadlock on every path. Where alternative paths only come "
    "back together, no join is needed: hand them straight to the next stage. A join "
    "counts as fed in parallel when two branches of one fork reach it over the "
    "forward handoffs.",
    bad="""
workflow tickets "Tickets" {
  person @ana "Ana Lima"
  intake inbox "Inbox" { owner @ana }
  stage triage "Triage" { owner @ana; wip 2 }
  stage quick "Quick answer" { owner @ana; wip 2 }
  stage research "Research" { owner @ana; wip 2 }
  join answered "Answered"
  exit done "Done"
  exit declined "Declined" { kind rejected }
  inbox -> triage
  triage -> quick { chance 70% }
  triage -> research { chance 20% }
  triage -> declined { chance 10% }
  quick -> answered
  research -> answered
  answered -> done
}
""",
    fix=(
        ('  join answered "Answered"\n', ""),
        (
            "  quick -> answered\n  research -> answered\n  answered -> done\n",
            "  quick -> done\n  research -> done\n",
        ),
    ),
)
def exclusive_join(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for workflow in ctx.workflows:
        if not workflow.joins:
            continue
        flow = ctx.graph(workflow)
        parallel = flow.forks.parallel
        for join in workflow.joins:
            inputs = list(flow.graph.predecessors(join.name))
            if len(inputs) < 2 or join.name in parallel:
                continue
            related = [
                Related(flow.handoffs[(name, join.name)].span, "an alternative") for name in inputs[:2]
            ]
            after = _after(flow, join.name)
            yield _join_finding(
                workflow,
                join,
                f"join `{join.name}` waits for all of {listed(inputs)}, but no fork runs them in "
                "parallel: an item comes by one of them only, so it waits at the join forever",
                f"if they are alternatives, drop the join and hand each straight on (e.g. "
                f"`{inputs[0]} -> {after}`); if they should run in parallel, start them with a fork "
                f"(`SOURCE -> {', '.join(inputs[:2])}`)",
                related,
            )


@rule(
    codes.SINGLE_INPUT_JOIN,
    "A join synchronises parallel branches: it waits for each of its inputs. A join "
    "with one handoff into it waits for nothing, so it only adds a box to the picture; "
    "often it is a sign that the parallel branches were merged into one stage before "
    "it, which finishes the same item once per branch.",
    bad=REVIEWS.replace(
        '  exit shipped "Shipped"\n', '  join released "Released"\n  exit shipped "Shipped"\n'
    ).replace("  release -> shipped\n", "  release -> released\n  released -> shipped\n"),
    fix=(
        ('  join released "Released"\n', ""),
        ("  release -> released\n  released -> shipped\n", "  release -> shipped\n"),
    ),
)
def single_input_join(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for workflow in ctx.workflows:
        if not workflow.joins:
            continue
        flow = ctx.graph(workflow)
        for join in workflow.joins:
            inputs = list(flow.graph.predecessors(join.name))
            if len(inputs) != 1:
                continue  # none: FLW001 says it is unreachable
            after = _after(flow, join.name)
            yield _join_finding(
                workflow,
                join,
                f"join `{join.name}` has one handoff into it, from `{inputs[0]}`: it waits for nothing",
                f"hand each parallel branch to `{join.name}`, or drop the join (`{inputs[0]} -> {after}`)",
                [Related(flow.handoffs[(inputs[0], join.name)].span, "its only input")],
            )
