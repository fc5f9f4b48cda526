"""Graphviz: DOT source, and SVG, PNG and PDF drawn by the ``dot`` binary.

The diagram reads left to right. Each lane is a shaded cluster titled with
the lane, its owner and its working hours when it has its own; its stages
sit inside it as rounded boxes (title, then ``WIP n`` and the stage owner
when set). Intakes are arrow-shaped (``cds``) and sit outside the lanes, as
do stages without a lane. Exits are drawn by kind: *done* a green double
circle, *rejected* a red octagon, *cancelled* a grey dashed circle. Handoffs
are edges labelled with their label, their ``when`` condition in brackets
(``[amount over 50k]``), chance and SLA; a gated handoff is drawn in purple
with ``◆ gate: <decision title>``; rework goes back along a dashed orange
edge. Parallel work is drawn as BPMN draws it, in teal: a fork is one edge
(with the fork's label) into a small ``+`` diamond, the fork point, and a
bold edge from there to each branch; a join is a ``+`` diamond titled beside
it, which every handoff into it enters.

A document with one workflow is one graph titled with the workflow. With
several workflows, each becomes a cluster of its own (titled with the
workflow) holding its lanes, all in one ``digraph``; Graphviz stacks them.

Node ids are ``<workflow>.<name>`` (a fork point's is
``<workflow>.fork.<source>-><targets>``) and cluster ids are derived from names
too, and everything is emitted in model order, so the output is the same on
every run. User text reaches DOT only through :mod:`wmdsl.render.labels` and
``graphviz.nohtml``: it is never an HTML-like label and its backslashes are
never escapes. The DOT text and the SVG are finished by
:func:`wmdsl.output.safe.for_xml` (Graphviz decodes the character references
it writes in labels, as XML does). The binary formats pipe the DOT text into
``dot`` on stdin; nothing the user wrote is ever on a command line.

The DOT source is for people who want Graphviz's own layout (or to edit the
graph); SVG, PNG and PDF are drawn by wmdsl's swimlane layout
(:mod:`wmdsl.views`), whose cost is linear in the size of the spec.
"""

from __future__ import annotations

from collections import defaultdict

import graphviz

from wmdsl.model import Document, Exit, ExitKind, Handoff, Intake, Join, Lane, Stage, Workflow
from wmdsl.output.safe import for_xml
from wmdsl.render.labels import dot_lines, dot_tooltip, wrap
from wmdsl.render.scope import Names

FONT = "Helvetica,Arial,sans-serif"
TITLE_WIDTH = 22  # characters per line of a node title
EDGE_WIDTH = 26  # characters per line of an edge label
EXIT_WIDTH = 14  # exits are circles: keep them narrow

# Lane backgrounds and the matching stage outlines, used in turn.
LANE_COLOURS = (
    ("#eef4fb", "#4a78b0"),
    ("#eef8f0", "#3f8a55"),
    ("#fbf3e8", "#b07a2e"),
    ("#f4effa", "#7a5aa8"),
    ("#eaf7f7", "#2f8585"),
    ("#fbeef2", "#a84a6a"),
)
EXIT_STYLES: dict[ExitKind, dict[str, str]] = {
    ExitKind.DONE: {"shape": "doublecircle", "fillcolor": "#e3f4e6", "color": "#2e7d32", "style": "filled"},
    ExitKind.REJECTED: {"shape": "octagon", "fillcolor": "#fde4e1", "color": "#c62828", "style": "filled"},
    ExitKind.CANCELLED: {
        "shape": "circle",
        "fillcolor": "#f0f0f0",
        "color": "#757575",
        "style": "filled,dashed",
    },
}
INTAKE_STYLE = {
    "shape": "cds",
    "style": "filled",
    "fillcolor": "#e0ecfa",
    "color": "#2f5f9e",
    "margin": "0.2,0.08",
}
EDGE_COLOUR = "#4b5563"
GATE_COLOUR = "#6a3fb5"
REWORK_COLOUR = "#c65a11"
PARALLEL_COLOUR = "#0f766e"
PARALLEL_STYLE = {
    "shape": "diamond",
    "label": "+",
    "style": "filled",
    "fillcolor": "#ccfbf1",
    "color": PARALLEL_COLOUR,
    "fontcolor": PARALLEL_COLOUR,
    "fontsize": "12",
    "fixedsize": "true",
    "width": "0.32",
    "height": "0.32",
}


def _attrs(**values: str) -> dict[str, str]:
    """Attribute values marked so Graphviz never reads them as HTML-like labels."""
    return {key: graphviz.nohtml(value) for key, value in values.items()}


class _Scope(Names):
    """A workflow's names, with node ids qualified by the workflow."""

    @classmethod
    def of(cls, document: Document, workflow: Workflow) -> _Scope:
        return cls(workflow, *Names.lookups(document, workflow))

    def node_id(self, name: str) -> str:
        return f"{self.workflow.name}.{name}"


def render_dot(document: Document) -> str:
    """``document`` as Graphviz DOT source (lanes as clusters)."""
    graph = graphviz.Digraph(
        "wmdsl",
        graph_attr={
            "rankdir": "LR",
            "fontname": FONT,
            "fontsize": "12",
            "nodesep": "0.35",
            "ranksep": "0.55",
            "pad": "0.3",
            "newrank": "true",
            "labelloc": "t",
            "labeljust": "l",
        },
        node_attr={"fontname": FONT, "fontsize": "11", "penwidth": "1.2"},
        edge_attr={
            "fontname": FONT,
            "fontsize": "9",
            "color": EDGE_COLOUR,
            "fontcolor": "#374151",
            "arrowsize": "0.7",
        },
    )
    if len(document.workflows) == 1:
        workflow = document.workflows[0]
        graph.attr(label=graphviz.nohtml(dot_lines([workflow.label])), fontsize="18")
        _add_workflow(graph, _Scope.of(document, workflow))
    else:
        for workflow in document.workflows:
            with graph.subgraph(name=f"cluster_workflow_{workflow.name}") as cluster:
                title = graphviz.nohtml(dot_lines([workflow.label]))
                cluster.attr(label=title, fontsize="16", style="rounded")
                _add_workflow(cluster, _Scope.of(document, workflow))
    source: str = graph.source
    return for_xml(source)


def _add_workflow(graph: graphviz.Digraph, scope: _Scope) -> None:
    workflow = scope.workflow
    for intake in workflow.intakes:
        graph.node(scope.node_id(intake.name), **_intake_attrs(intake))
    for index, (lane, stages) in enumerate(scope.lanes_with_stages()):
        fill, border = LANE_COLOURS[index % len(LANE_COLOURS)]
        with graph.subgraph(name=f"cluster_lane_{workflow.name}.{lane.name}") as cluster:
            cluster.attr(**_lane_attrs(lane, scope, fill, border))
            for stage in stages:
                cluster.node(scope.node_id(stage.name), **_stage_attrs(stage, scope, border))
    for stage in workflow.stages:
        if stage.lane is None:
            graph.node(scope.node_id(stage.name), **_stage_attrs(stage, scope, "#555555"))
    for join in workflow.joins:
        graph.node(scope.node_id(join.name), **_join_attrs(join))
    for exit_ in workflow.exits:
        graph.node(scope.node_id(exit_.name), **_exit_attrs(exit_))
    titles = {node.name: node.label for node in (*workflow.stages, *workflow.joins, *workflow.exits)}
    branches: dict[str, list[str]] = defaultdict(list)  # the titles of each fork's targets
    for handoff in workflow.handoffs:
        if handoff.fork is not None:
            branches[handoff.fork].append(titles.get(handoff.target.name, handoff.target.name))
    forks: set[str] = set()
    for handoff in workflow.handoffs:
        source, target = scope.node_id(handoff.source.name), scope.node_id(handoff.target.name)
        if handoff.fork is None:
            graph.edge(source, target, **_edge_attrs(handoff, scope))
            continue
        point = scope.node_id(f"fork.{handoff.fork}")
        if handoff.fork not in forks:  # the first branch: the fork point, and the one edge into it
            forks.add(handoff.fork)
            graph.node(point, **_fork_attrs(branches[handoff.fork]))
            graph.edge(source, point, **_edge_attrs(handoff, scope))
        graph.edge(point, target, color=PARALLEL_COLOUR, penwidth="1.8")


def _lane_attrs(lane: Lane, scope: _Scope, fill: str, border: str) -> dict[str, str]:
    lines = wrap(lane.label, 40)
    if lane.owner:
        lines.append(f"owner: {scope.person(lane.owner.name)}")
    hours = scope.lane_hours(lane)
    if hours:
        lines.append(f"hours: {hours}")
    attrs = _attrs(label=dot_lines(lines, left=True), style="rounded,filled", fillcolor=fill, color=border)
    attrs.update(fontsize="12", fontcolor=border, penwidth="1.2", margin="14")
    if lane.purpose or lane.description:
        attrs["tooltip"] = graphviz.nohtml(dot_tooltip(lane.purpose or lane.description or ""))
    return attrs


def _stage_attrs(stage: Stage, scope: _Scope, border: str) -> dict[str, str]:
    lines = wrap(stage.label, TITLE_WIDTH)
    details = scope.stage_details(stage)
    if details:
        lines.append(details)
    attrs = _attrs(
        label=dot_lines(lines), shape="box", style="rounded,filled", fillcolor="white", color=border
    )
    attrs["margin"] = "0.16,0.08"
    tooltip = f"Done when: {stage.done}" if stage.done else stage.description
    if tooltip:
        attrs["tooltip"] = graphviz.nohtml(dot_tooltip(tooltip))
    return attrs


def _intake_attrs(intake: Intake) -> dict[str, str]:
    lines = wrap(intake.label, TITLE_WIDTH)
    if intake.arrivals:
        lines.append(intake.arrivals.text)
    attrs = _attrs(label=dot_lines(lines), **INTAKE_STYLE)
    about = [text for text in (intake.channel, intake.criteria, intake.description) if text]
    if about:
        attrs["tooltip"] = graphviz.nohtml(dot_tooltip(" | ".join(about)))
    return attrs


def _join_attrs(join: Join) -> dict[str, str]:
    attrs = _attrs(xlabel=dot_lines(wrap(join.label, TITLE_WIDTH)), **PARALLEL_STYLE)
    about = f"Join: work goes on once every handoff into it has arrived. {join.description or ''}"
    attrs["tooltip"] = graphviz.nohtml(dot_tooltip(about.strip()))
    return attrs


def _fork_attrs(titles: list[str]) -> dict[str, str]:
    attrs = _attrs(**PARALLEL_STYLE)
    attrs["tooltip"] = graphviz.nohtml(dot_tooltip(f"Fork: all at once to {', '.join(titles)}"))
    return attrs


def _exit_attrs(exit_: Exit) -> dict[str, str]:
    attrs = _attrs(label=dot_lines(wrap(exit_.label, EXIT_WIDTH)), **EXIT_STYLES[exit_.kind])
    attrs.update(fontsize="10", margin="0.04")
    if exit_.description:
        attrs["tooltip"] = graphviz.nohtml(dot_tooltip(exit_.description))
    return attrs


def _edge_attrs(handoff: Handoff, scope: _Scope) -> dict[str, str]:
    text = scope.handoff_text(handoff)
    figures = text.pop() if handoff.chance or handoff.sla else None
    lines = [line for part in text for line in wrap(part, EDGE_WIDTH)]
    if figures:
        lines.append(figures)
    attrs = _attrs(label=dot_lines(lines)) if lines else {}
    if handoff.gate:
        attrs.update(color=GATE_COLOUR, fontcolor=GATE_COLOUR, penwidth="1.8")
    if handoff.rework:
        attrs.update(style="dashed", color=REWORK_COLOUR, fontcolor=REWORK_COLOUR)
    return attrs
