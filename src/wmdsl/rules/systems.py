"""Systems over Silos: a workflow is one connected system, lanes hand off to each other."""

from __future__ import annotations

from collections.abc import Iterator

from wmdsl.diagnostics import Related, codes
from wmdsl.flow.digraph import weakly_connected_components
from wmdsl.flow.graph import SINK, SOURCE
from wmdsl.model import Decision, Handoff, Lane, Ref, Stage, Workflow
from wmdsl.rules.registry import (
    Finding,
    Options,
    RuleContext,
    handoff_keys,
    rule,
    subjects,
    workflow_key,
)


@rule(
    codes.DISCONNECTED_WORKFLOW,
    "Flows that share nothing are separate work systems pretending to be one: "
    "their capacity, metrics and reviews mix things that do not interact. "
    "Only flows that start at an intake count; stray nodes are FLW001's business.",
    bad="""
workflow ops "Operations" {
  person @ana "Ana Lima"
  intake tickets "Tickets" { owner @ana }
  intake ideas "Ideas" { owner @ana }
  stage answer "Answer" { owner @ana }
  stage explore "Explore" { owner @ana }
  exit answered "Answered"
  exit explored "Explored"
  tickets -> answer
  answer -> answered
  ideas -> explore
  explore -> explored
}
""",
    fix=(
        (
            'workflow ops "Operations" {',
            '# Split the two flows into workflows of their own.\nworkflow support "Support" {',
        ),
        ('  intake ideas "Ideas" { owner @ana }\n', ""),
        ('  stage explore "Explore" { owner @ana }\n', ""),
        ('  exit explored "Explored"\n', ""),
        ("  ideas -> explore\n  explore -> explored\n", ""),
    ),
)
def disconnected_workflow(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for workflow in ctx.workflows:
        flow = ctx.graph(workflow)
        intakes = {intake.name for intake in workflow.intakes}
        parts = [
            flow.real(component)
            for component in weakly_connected_components(flow.graph, without=(SOURCE, SINK))
            if intakes & set(component)
        ]
        if len(parts) < 2:
            continue
        order = {name: index for index, name in enumerate(flow.nodes)}
        parts.sort(key=lambda names: order[names[0]])
        described = "; ".join(_first_names(part) for part in parts)
        yield Finding(
            workflow.span,
            f"workflow `{workflow.name}` is {len(parts)} separate flows that never meet: {described}",
            "connect them with a handoff, or split them into separate workflows",
            subjects("workflow", None, workflow),
            tuple(Related(flow.nodes[part[0]].span, "a flow starts here") for part in parts),
        )


def _first_names(names: list[str], shown: int = 3) -> str:
    listed = ", ".join(f"`{n}`" for n in names[:shown])
    return listed + (", …" if len(names) > shown else "")


@rule(
    codes.SILO_LANE,
    "A lane that exchanges no work with the others is a silo: its queue and "
    "priorities are invisible to the rest of the system. Either it belongs to "
    "another workflow, or the handoffs that connect it are missing.",
    bad="""
workflow delivery "Delivery" {
  person @ana "Ana Lima"
  person @bo "Bo Berg"
  lane product "Product" { owner @ana; members @ana }
  lane docs "Documentation" { owner @bo; members @bo }
  intake requests "Requests" { owner @ana }
  stage shape "Shape" in product
  stage write "Write docs" in docs
  exit done "Done"
  requests -> shape
  requests -> write
  shape -> done
  write -> done
}
""",
    fix=(("  requests -> write\n  shape -> done\n", "  shape -> write\n"),),
)
def silo_lane(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for workflow in ctx.workflows:
        lane_of = {s.name: s.lane.name for s in workflow.stages if s.lane is not None}
        first_stage: dict[str, Stage] = {}
        for stage in workflow.stages:
            if stage.lane is not None:
                first_stage.setdefault(stage.lane.name, stage)
        if len(first_stage) < 2:
            continue
        connected: set[str] = set()
        for handoff in workflow.handoffs:
            source, target = lane_of.get(handoff.source.name), lane_of.get(handoff.target.name)
            if source and target and source != target:
                connected.update((source, target))
        if workflow.joins:
            connected.update(_through_joins(workflow, lane_of))
        own = {lane.name: lane for lane in workflow.lanes}
        for name, stage in first_stage.items():
            if name in connected:
                continue
            lane = ctx.lane_table(workflow)[name]
            where = lane.span if name in own else stage.span
            yield Finding(
                where,
                f"lane `{name}` works in a silo: no handoff connects it to another lane",
                f"add the handoffs that bring work into or out of `{name}`, "
                "or move its stages to a workflow of their own",
                subjects("lane", lane, workflow),
            )


def _through_joins(workflow: Workflow, lane_of: dict[str, str]) -> set[str]:
    """Lanes that hand work to another lane through a join (which belongs to no lane).

    A join passes on what its branches deliver, so the lanes of the stages
    before it hand work to the lanes of the stages after it; a join that
    feeds another join is looked through as well. Each join's lanes are
    worked out once (joins in a loop of joins only are left alone).
    """
    joins = {join.name for join in workflow.joins}
    before: dict[str, set[str]] = {name: set() for name in joins}
    after: dict[str, set[str]] = {name: set() for name in joins}
    feeds: dict[str, list[str]] = {name: [] for name in joins}  # joins handing straight to a join
    for handoff in workflow.handoffs:
        source, target = handoff.source.name, handoff.target.name
        if target in joins:
            if source in joins:
                feeds[target].append(source)
            elif source in lane_of:
                before[target].add(lane_of[source])
        if source in joins and target in lane_of:
            after[source].add(lane_of[target])
    connected: set[str] = set()
    for name in sorted(joins):
        into = set(before[name])
        seen, pending = {name}, list(feeds[name])
        while pending:  # the joins before this one, each once
            earlier = pending.pop()
            if earlier not in seen:
                seen.add(earlier)
                into |= before[earlier]
                pending.extend(feeds[earlier])
        out = after[name]
        connected.update(lane for lane in into if out - {lane})
        connected.update(lane for lane in out if into - {lane})
    return connected


def _people(lane: Lane) -> set[str]:
    """The lane itself and everyone in it: its name, owner, delegate and members."""
    names = {lane.name, *(member.person.name for member in lane.members)}
    names.update(ref.name for ref in (lane.owner, lane.delegate) if ref is not None)
    return names


def _roles(decision: Decision) -> tuple[Ref, ...]:
    """Everyone with a part in ``decision``: deciders, recommenders, approvers, consulted, informed."""
    return (
        *decision.decides,
        *decision.recommends,
        *decision.approves,
        *decision.consults,
        *decision.informs,
    )


def _decision_table(ctx: RuleContext, workflow: Workflow) -> dict[str, Decision]:
    table = {decision.name: decision for decision in ctx.document.shared.decisions}
    table.update((decision.name, decision) for decision in workflow.decisions)
    return table


def _handoff_subjects(handoff: Handoff, workflow: Workflow, decision: Decision) -> tuple[str, ...]:
    """The handoff first, then its gate's decision, then the workflow."""
    decision_keys = subjects("decision", decision, workflow)[:-1]
    return (*handoff_keys(workflow, handoff), *decision_keys, workflow_key(workflow))


def _gated_lane_changes(
    ctx: RuleContext, workflow: Workflow
) -> Iterator[tuple[Handoff, Decision, Stage, Lane]]:
    """Gated handoffs between stages of two lanes: the gate's decision, the receiving stage and lane."""
    stages = {stage.name: stage for stage in workflow.stages}
    lanes, decisions = ctx.lane_table(workflow), _decision_table(ctx, workflow)
    for handoff in workflow.handoffs:
        source, target = stages.get(handoff.source.name), stages.get(handoff.target.name)
        if handoff.gate is None or source is None or target is None:
            continue
        if source.lane is None or target.lane is None or source.lane.name == target.lane.name:
            continue
        decision = decisions.get(handoff.gate.name)
        if decision is not None:
            yield handoff, decision, target, lanes[target.lane.name]


@rule(
    codes.UNINFORMED_HANDOFF,
    "When a decision moves work into another lane, the receiving lane must at least "
    "hear about it, or work lands on a team that had no say in it and no warning of "
    "it: a silo boundary with a traffic signal nobody on the other side can see. "
    "The receiving lane counts as in the loop when the lane itself, its owner, its "
    "delegate, one of its members or the owner of the receiving stage holds any role "
    "in the gate's decision (decides, recommends, approves, consults or informs): "
    "taking part in a decision implies knowing about it. It is in the recommended "
    "preset: the fix is one `informs` line, and the failure it prevents is the "
    "classic silo handoff.",
    bad="""
workflow delivery "Delivery" {
  person @ana "Ana Lima"
  person @bo "Bo Berg"
  lane product "Product" { owner @ana; members @ana }
  lane eng "Engineering" { owner @bo; members @bo }
  intake requests "Requests" { owner @ana }
  stage shape "Shape" in product
  stage build "Build" in eng
  exit shipped "Shipped"
  requests -> shape
  shape -> build { gate scope }
  build -> shipped
  decision scope "Approve scope" { decides @ana }
}
""",
    fix=(("{ decides @ana }", "{ decides @ana; consults eng }"),),
)
def uninformed_handoff(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for workflow in ctx.workflows:
        for handoff, decision, target, receiving in _gated_lane_changes(ctx, workflow):
            insiders = _people(receiving)
            if target.owner is not None:
                insiders.add(target.owner.name)
            if any(ref.name in insiders for ref in _roles(decision)):
                continue
            yield Finding(
                handoff.span,
                f"handoff `{handoff.key}` moves work into lane `{receiving.name}` through gate "
                f"`{decision.name}`, but the decision neither consults nor informs `{receiving.name}`",
                f"add `informs {receiving.name}` (or `consults {receiving.name}`) "
                f"to decision `{decision.name}`",
                _handoff_subjects(handoff, workflow, decision),
                (Related(decision.span, f"decision `{decision.name}` is declared here"),),
            )


@rule(
    codes.SINGLE_LANE_DECISION,
    "A decision whose gated handoffs touch several lanes shapes the work of all of "
    "them; when every role in it (decides, recommends, approves, consults, informs) "
    "is held by one lane or its people, the other lanes live with a decision they "
    "never see being made. The lanes touched are those of both ends of every handoff "
    "the decision gates. A person counts as inside a lane when they are its owner, "
    "delegate or a member; someone who belongs to two of the lanes touched speaks for "
    "both, so the rule stays quiet. It is information and not in the recommended preset: the "
    "receiving side is already covered by SYS003, and a team may legitimately own a "
    "decision that only its upstream waits on.",
    bad="""
workflow delivery "Delivery" {
  person @ana "Ana Lima"
  person @bo "Bo Berg"
  person @cy "Cy Diaz"
  lane product "Product" { owner @ana; members @ana, @cy }
  lane eng "Engineering" { owner @bo; members @bo }
  intake requests "Requests" { owner @ana }
  stage shape "Shape" in product
  stage build "Build" in eng
  exit shipped "Shipped"
  requests -> shape
  shape -> build { gate scope }
  build -> shipped
  decision scope "Approve scope" { decides @ana; consults @cy; informs product }
}
""",
    fix=(("consults @cy;", "consults @cy, eng;"),),
    recommended=False,
)
def single_lane_decision(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    reported: set[int] = set()
    for workflow in ctx.workflows:
        lanes = ctx.lane_table(workflow)
        people = {name: _people(lane) for name, lane in lanes.items()}
        # Which lanes each person (or lane) is in, so that the lane holding a
        # decision is found from its holders, not by testing every lane.
        lanes_of: dict[str, list[str]] = {}
        for name, inside in people.items():
            for person in inside:
                lanes_of.setdefault(person, []).append(name)
        for decision, touched, handoffs in _gates(ctx, workflow):
            if id(decision) in reported or len(touched) < 2:
                continue
            holders = {ref.name for ref in _roles(decision)}
            represented = [name for name in touched if holders & people[name]]
            holder = _holding_lane(holders, represented, lanes_of)
            if holder is None or len(represented) > 1:
                continue
            reported.add(id(decision))
            others = [lane for lane in touched if lane != holder and lane not in represented]
            listed = ", ".join(f"`{lane}`" for lane in touched)
            yield Finding(
                decision.span,
                f"decision `{decision.name}` gates work across lanes {listed}, "
                f"but every role in it is held inside lane `{holder}`",
                f"give the other lanes a part in it, e.g. `consults {', '.join(others)}`",
                subjects("decision", decision, workflow),
                tuple(Related(h.span, f"gates handoff `{h.key}`") for h in handoffs),
            )


def _gates(ctx: RuleContext, workflow: Workflow) -> Iterator[tuple[Decision, list[str], list[Handoff]]]:
    """Each decision used as a gate: the lanes its handoffs touch and the handoffs."""
    lane_of = {s.name: s.lane.name for s in workflow.stages if s.lane is not None}
    decisions = _decision_table(ctx, workflow)
    uses: dict[str, list[Handoff]] = {}
    for handoff in workflow.handoffs:
        if handoff.gate is not None and handoff.gate.name in decisions:
            uses.setdefault(handoff.gate.name, []).append(handoff)
    for name, handoffs in uses.items():
        ends = (lane_of.get(end.name) for h in handoffs for end in (h.source, h.target))
        touched = list(dict.fromkeys(lane for lane in ends if lane is not None))
        yield decisions[name], touched, handoffs


def _holding_lane(holders: set[str], represented: list[str], lanes_of: dict[str, list[str]]) -> str | None:
    """The lane every one of ``holders`` belongs to (or is): one of ``represented`` if any, else the first.

    ``lanes_of`` lists, for each person or lane name, the lanes it is in, in
    the order the lanes are declared.
    """
    if not holders:
        return None
    shared = set.intersection(*(set(lanes_of.get(name, ())) for name in holders))
    if not shared:
        return None
    first = next((name for name in represented if name in shared), None)
    if first is not None:
        return first
    some = next(iter(holders))
    return next(name for name in lanes_of[some] if name in shared)
