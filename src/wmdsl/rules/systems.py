"""Systems over Silos: a workflow is one connected system, lanes hand off to each other."""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx

from wmdsl.diagnostics import Related, Severity
from wmdsl.graph import SINK, SOURCE
from wmdsl.model import Stage
from wmdsl.rules.registry import Finding, Options, RuleContext, rule, subjects


@rule(
    "SYS001",
    "disconnected-workflow",
    Severity.ERROR,
    "A workflow is made of several flows that never meet.",
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
    good="""
# Split the two flows into workflows of their own.
workflow support "Support" {
  person @ana "Ana Lima"
  intake tickets "Tickets" { owner @ana }
  stage answer "Answer" { owner @ana }
  exit answered "Answered"
  tickets -> answer
  answer -> answered
}
""",
)
def disconnected_workflow(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for workflow in ctx.workflows:
        flow = ctx.graph(workflow)
        real = flow.graph.subgraph(n for n in flow.graph if n not in (SOURCE, SINK))
        intakes = {intake.name for intake in workflow.intakes}
        parts = [
            flow.real(component) for component in nx.weakly_connected_components(real) if intakes & component
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
    "SYS002",
    "silo-lane",
    Severity.WARNING,
    "A lane neither receives work from nor hands work to another lane.",
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
    good="""
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
  shape -> write
  write -> done
}
""",
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
