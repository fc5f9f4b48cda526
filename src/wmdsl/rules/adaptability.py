"""Adaptability over Rigidity: decisions can escalate, the system reviews and changes itself.

Escalations between decisions form a directed graph (one node per decision
of the document, shared ones once); it is built once, its strongly
connected components once, and each loop is reported once, with one example
cycle; each decision's link back to the decision escalating to it is found
once, and the chain a dead end names is read from those links by its ends,
so the check stays linear in the number of escalations.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from wmdsl.diagnostics import Related, codes
from wmdsl.flow.digraph import DiGraph, shortest_path, strongly_connected_components
from wmdsl.model import Decision, Escalation, Workflow
from wmdsl.rules.registry import Finding, Group, Option, Options, RuleContext, element_key, rule, subjects
from wmdsl.rules.wording import Chains, arrows, ends


@rule(
    codes.DECISION_WITHOUT_ESCALATION,
    """
    A decision that cannot escalate stalls silently when its decider is
    stuck, unsure or away: the work behind the signal just waits. Saying in
    advance where a decision goes when it is not made in time (`escalates
    @someone after 2d`) lets the system bend instead of block, without
    anyone having to improvise who to ask.
    """,
    bad="""
person @lee "Lee Chen"
person @dana "Dana Ruiz"
decision scope "Approve scope" { decides @lee; delegate @dana }
""",
    fix=(("{ decides @lee; delegate @dana }", "{ decides @lee; delegate @dana; escalates @dana after 2d }"),),
    group=Group(
        "decisions have no escalation path",
        "add `escalates @someone after 2d` to each: who decides when its decider does not in time",
    ),
)
def decision_without_escalation(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for workflow, decision in ctx.decisions():
        if decision.escalates:
            continue
        decider = decision.decides[0].name if len(decision.decides) == 1 else None
        to = ctx.someone(
            workflow,
            prefer=[decision.delegate.name] if decision.delegate else (),
            besides=[r.name for r in decision.decides],
        )
        by = f"`{decider}`" if decider is not None else "its decider"
        yield Finding(
            decision.span,
            f"decision `{decision.name}` has no escalation path",
            f"add `escalates {to} after 2d` to decision `{decision.name}`: "
            f"who decides when {by} does not in time",
            subjects("decision", decision, workflow),
        )


@dataclass(frozen=True)  # not slotted: the cached property keeps its value in __dict__
class _Escalations:
    """Decisions escalating to decisions: a graph on element keys, with a side table."""

    graph: DiGraph
    decisions: dict[str, tuple[Workflow | None, Decision]]
    edges: dict[tuple[str, str], Escalation]

    def name(self, key: str) -> str:
        return self.decisions[key][1].name

    @functools.cached_property
    def order(self) -> dict[str, int]:
        """Declaration order of the decisions (shared ones first)."""
        return {key: index for index, key in enumerate(self.decisions)}

    def finding_subjects(self, keys: list[str]) -> tuple[str, ...]:
        found: dict[str, None] = {}
        for key in keys:
            workflow, decision = self.decisions[key]
            found.update(dict.fromkeys(subjects("decision", decision, workflow)))
        return tuple(found)


def _escalations(ctx: RuleContext) -> _Escalations:
    decisions = {element_key("decision", d.name, w): (w, d) for w, d in ctx.decisions()}
    graph = DiGraph(decisions)
    edges: dict[tuple[str, str], Escalation] = {}
    for key, (workflow, decision) in decisions.items():
        for escalation in decision.escalates:
            target = _decision_key(decisions, workflow, escalation.to.name)
            if target is not None and not escalation.to.is_person:
                edges.setdefault((key, target), escalation)
                graph.add_edge(key, target)
    return _Escalations(graph, decisions, edges)


def _decision_key(decisions: Collection[str], workflow: Workflow | None, name: str) -> str | None:
    """The key of the decision ``name`` names in ``workflow``'s scope (None: not a decision)."""
    for scope in (workflow, None) if workflow is not None else (None,):
        key = element_key("decision", name, scope)
        if key in decisions:
            return key
    return None


@rule(
    codes.ESCALATION_CYCLE,
    """
    Escalation is how a stuck decision reaches someone who can unstick it.
    When decisions escalate to each other in a loop, a stuck decision
    travels round it for ever; when the chain leads to a decision that has
    no decider, it ends nowhere. Either way the escalation path written in
    the spec does not exist in practice. Only escalations to decisions form
    chains: escalating to a person or a lane ends the chain there.
    """,
    bad="""
person @lee "Lee Chen"
person @dana "Dana Ruiz"
decision scope "Approve scope" { decides @lee; escalates budget after 2d }
decision budget "Approve budget" { decides @dana; escalates scope after 2d }
""",
    fix=(
        ('person @dana "Dana Ruiz"\n', 'person @dana "Dana Ruiz"\nperson @maya "Maya Okafor"\n'),
        ("escalates scope", "escalates @maya"),
    ),
)
def escalation_cycle(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    escalations = _escalations(ctx)
    yield from _loops(escalations)
    yield from _dead_ends(escalations)


def _loops(escalations: _Escalations) -> Iterator[Finding]:
    """One finding per strongly connected component that loops, at its first decision."""
    graph, order = escalations.graph, escalations.order
    components = [sorted(c, key=order.__getitem__) for c in strongly_connected_components(graph)]
    for component in sorted(components, key=lambda c: order[c[0]]):
        first = component[0]
        if len(component) == 1 and not graph.has_edge(first, first):
            continue
        inside = graph.subgraph(component)
        step = min(inside.successors(first), key=order.__getitem__)
        back = shortest_path(inside, step, first)
        assert back is not None  # the component is strongly connected
        cycle = [first, *back]  # [first, first] for a self-loop
        names = [escalations.name(key) for key in cycle]
        steps = list(itertools.pairwise(cycle))
        yield Finding(
            escalations.edges[steps[0]].span,
            f"decisions escalate in a loop: {arrows(names)}",
            f"end the chain at a person or a lane: make decision `{names[-2]}` escalate to "
            f"`@someone` above its decider instead of to `{names[-1]}`",
            escalations.finding_subjects(cycle[:-1]),
            tuple(
                Related(
                    escalations.edges[(a, b)].span,
                    f"`{escalations.name(a)}` escalates to `{escalations.name(b)}`",
                )
                for a, b in steps[1:10]
            ),
        )


def _dead_ends(escalations: _Escalations) -> Iterator[Finding]:
    """One finding per escalation to a decision without a decider, with the chain leading to it."""
    chains = Chains(_leading(escalations))
    first, last = ends()
    for (source, target), escalation in escalations.edges.items():
        decision = escalations.decisions[target][1]
        if decision.decides:
            continue
        # The chain runs from where it starts to ``source``, the links back from ``source`` reversed.
        links = chains.length(source)
        if links + 1 <= first + last:
            chain = [*chains.last(source, links)[::-1], target]
        else:  # its ends only: where it starts, and the escalation into ``target``
            chain = [*chains.last(source, first)[::-1], source, target]
        names = [escalations.name(key) for key in chain]
        yield Finding(
            escalation.span,
            f"escalation chain {arrows(names, length=links + 1)} ends nowhere: "
            f"decision `{decision.name}` has no decider",
            f"give decision `{decision.name}` a decider (`decides @someone`), or make decision "
            f"`{escalations.name(source)}` escalate to a person or a lane",
            escalations.finding_subjects([source]),
            (Related(decision.span, f"decision `{decision.name}` is declared here"),),
        )


def _leading(escalations: _Escalations) -> dict[str, str]:
    """Each decision's link back in the chain leading to it: the first decision escalating to it.

    First in declaration order; where these links go round a loop, the loop's
    first decision starts the chain (the loop itself is reported on its own,
    and a chain that comes back to the decision with no decider names it
    twice, as the loop it is). One pass over the escalations, so every dead
    end's chain is read from the same links instead of walked back from
    scratch.
    """
    graph, order = escalations.graph, escalations.order
    back: dict[str, str] = {}
    for key in escalations.decisions:
        before = min(graph.predecessors(key), key=order.__getitem__, default=None)
        if before is not None:
            back[key] = before
    state: dict[str, int] = {}  # 1: on the links being followed, 2: done
    for key in escalations.decisions:
        followed = []
        link: str | None = key
        while link is not None and link not in state:
            state[link] = 1
            followed.append(link)
            link = back.get(link)
        if link is not None and state[link] == 1:  # round a loop: cut it before its first decision
            loop = followed[followed.index(link) :]
            del back[min(loop, key=order.__getitem__)]
        for link in followed:
            state[link] = 2
    return back


def _reviewing(workflow: Workflow) -> list[str]:
    """The cadences of ``workflow`` that review a part of it (anything but a person)."""
    return [c.name for c in workflow.cadences if any(not ref.is_person for ref in c.reviews)]


def _example_subject(workflow: Workflow) -> str:
    for elements in (workflow.boards, workflow.metrics, workflow.stages, workflow.intakes):
        if elements:
            return elements[0].name
    return "a_stage"


@rule(
    codes.NO_FEEDBACK_LOOP,
    """
    A work system nobody regularly looks at can only drift: WIP limits,
    stages and decision rights stay as first written while the work
    changes. A cadence (a replenishment, a review, a retrospective) that
    `reviews` parts of the workflow is the feedback loop that lets it adapt.
    A cadence of the workflow counts when it reviews any element other than
    a person (a stage, board, metric, lane, decision…): reviewing people is
    not reviewing the system.
    """,
    bad="""
person @ana "Ana Lima"
workflow support "Support" {
  owner @ana
  intake inbox "Inbox" { owner @ana }
  stage answer "Answer" { owner @ana; wip 3 }
  exit answered "Answered"
  exit spam "Spam" { kind rejected }
  inbox -> answer
  answer -> answered
  answer -> spam
}
""",
    fix=(
        (
            "  answer -> spam\n",
            '  answer -> spam\n  cadence review "Weekly review" { every 1w; owner @ana; reviews answer }\n',
        ),
    ),
)
def no_feedback_loop(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for workflow in ctx.workflows:
        if _reviewing(workflow):
            continue
        subject = _example_subject(workflow)
        if workflow.cadences:
            names = ", ".join(f"`{c.name}`" for c in workflow.cadences)
            message = f"workflow `{workflow.name}` has cadences ({names}), but none reviews a part of it"
            hint = f"add `reviews {subject}` to cadence `{workflow.cadences[0].name}`"
        else:
            owner = workflow.owner.name if workflow.owner is not None else "@someone"
            message = f"workflow `{workflow.name}` has no cadence: nothing reviews how it works"
            hint = f'add `cadence review "Review" {{ every 2w; owner {owner}; reviews {subject} }}`'
        yield Finding(workflow.span, message, hint, subjects("workflow", None, workflow))


# The bad example's stages and handoffs, made rather than written out (the fix
# replaces them whole): past the default limit, in a row, a few to a line.
_STEPS = [f"s{number}" for number in range(1, 51)]
_MANY_STAGES = "\n".join(
    "  " + "; ".join(f"stage {step} in ops" for step in _STEPS[start : start + 5])
    for start in range(0, len(_STEPS), 5)
)
_HANDOFFS = [f"{a} -> {b}" for a, b in itertools.pairwise(["inbox", *_STEPS, "done"])]
_MANY_HANDOFFS = "\n".join("  " + "; ".join(_HANDOFFS[i : i + 8]) for i in range(0, len(_HANDOFFS), 8))


@rule(
    codes.OVERSIZED_VIEW,
    """
    A workflow too big to see at once is too big to change at once: nobody
    holds the whole picture, so every change is local and the system grows
    instead of adapting. Past about fifty intakes, stages and exits, split
    it into workflows that each one team can reason about — per work type,
    or per group of lanes that hand off mostly among themselves.
    """,
    options=(Option("max_nodes", int, 50, "Most intakes, stages and exits one workflow may have."),),
    bad=f"""
person @ana "Ana Lima"
lane ops "Operations" {{ owner @ana; members @ana }}
workflow everything "Everything we do" {{
  owner @ana
  intake inbox "Inbox" {{ owner @ana }}
{_MANY_STAGES}
  exit done "Done"
{_MANY_HANDOFFS}
}}
""",
    fix=(
        (
            'person @ana "Ana Lima"\nlane ops "Operations" { owner @ana; members @ana }\n'
            'workflow everything "Everything we do" {',
            "# One workflow per kind of work, each small enough to see at once.\n"
            'person @ana "Ana Lima"\nworkflow small "One team\'s work" {',
        ),
        (_MANY_STAGES, '  stage s1 "Step 1" { owner @ana }\n  stage s2 "Step 2" { owner @ana }'),
        (_MANY_HANDOFFS, "  inbox -> s1\n  s1 -> s2\n  s2 -> done"),
    ),
)
def oversized_view(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    most = int(options["max_nodes"])
    for workflow in ctx.workflows:
        counts = {"intake": workflow.intakes, "stage": workflow.stages, "exit": workflow.exits}
        total = sum(len(elements) for elements in counts.values())
        if total <= most:
            continue
        parts = ", ".join(_count(len(elements), kind) for kind, elements in counts.items())
        yield Finding(
            workflow.span,
            f"workflow `{workflow.name}` has {total} nodes ({parts}); "
            f"more than {most} is too many to see and change at once",
            "split it into smaller workflows, one per work type or per group of lanes that hand off "
            "mostly among themselves",
            subjects("workflow", None, workflow),
        )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


@rule(
    codes.SELF_ESCALATION,
    """
    An escalation is where a decision goes when its decider does not make it
    in time. Escalating to the person who already decides sends it back to
    the one who is stuck, busy or away: on paper there is a path, in practice
    the work still waits. The path has to lead to someone else, usually the
    decider's manager or the owner of the workflow.
    """,
    bad="""
person @lee "Lee Chen"
person @dana "Dana Ruiz"
decision scope "Approve scope" { decides @lee; escalates @lee after 2d; delegate @dana }
""",
    fix=(("escalates @lee after 2d", "escalates @dana after 2d"),),
)
def self_escalation(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for workflow, decision in ctx.decisions():
        deciders = {ref.name for ref in decision.decides}
        for escalation in decision.escalates:
            if escalation.to.name not in deciders:
                continue
            prefer = [decision.delegate.name] if decision.delegate is not None else []
            prefer += [r.name for r in (*decision.recommends, *decision.approves)]
            to = ctx.someone(workflow, prefer=prefer, besides=deciders)
            after = f" after {escalation.after.text}" if escalation.after is not None else ""
            yield Finding(
                escalation.span,
                f"decision `{decision.name}` escalates to `{escalation.to.name}`, who already decides it",
                f"escalate to someone who can decide in their place: `escalates {to}{after}` in place of "
                f"`escalates {escalation.to.name}{after}`",
                subjects("decision", decision, workflow),
            )
