"""Mermaid: a ``flowchart LR`` that GitHub draws from a fenced ``mermaid`` block.

Each lane is a ``subgraph`` titled with the lane, its owner and its working
hours when it has its own, holding its stages (title, then ``WIP n`` and the
stage owner when set). Intakes are stadiums, exits are circles: *done* a
green double circle, *rejected* a red circle, *cancelled* a grey dashed one.
Handoffs are arrows labelled with their label, ``when`` condition in
brackets (``[amount over 50k]``), gate (``◆ gate: <decision title>``), chance
and SLA; rework is dotted (``-.->``). Parallel work is teal: a join is a
``+`` diamond with its title, and a fork one arrow (with the fork's label)
into a small ``+`` diamond, the fork point, with a thick arrow (``==>``) from
there to each branch. With several workflows, each is a subgraph of its own.

Ids are generated, never user text: ``in_<name>``, ``st_<name>``,
``jn_<name>``, ``ex_<name>``, ``lane_<name>`` and ``fk_<n>`` for the *n*-th
fork (names are ``[a-z0-9_]``, so the ids are valid and distinct, and the
prefixes keep them clear of Mermaid keywords such as ``end``, ``graph``,
``style`` or ``class``, of ids that start with ``o``/``x`` and of each
other). With several workflows, the ids of the workflow in position *n*
start ``w<n>_``. Every label is quoted and escaped by
:func:`wmdsl.render.labels.mermaid_text`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from wmdsl.model import Document, ExitKind, Handoff, Stage, Workflow
from wmdsl.output.safe import no_commands
from wmdsl.render.labels import mermaid_code, mermaid_lines, mermaid_text, one_line
from wmdsl.render.scope import Names

GATE_MARK = "◆"
INDENT = "    "
CLASSES = (
    "classDef intake fill:#e0ecfa,stroke:#2f5f9e,color:#1f2937",
    "classDef stage fill:#ffffff,stroke:#4b5563,color:#111827",
    "classDef done fill:#e3f4e6,stroke:#2e7d32,color:#1b4d20",
    "classDef rejected fill:#fde4e1,stroke:#c62828,color:#7f1d1d",
    "classDef cancelled fill:#f0f0f0,stroke:#757575,color:#374151,stroke-dasharray:4 3",
    "classDef parallel fill:#ccfbf1,stroke:#0f766e,color:#0f766e",
)
EXIT_SHAPES = {
    ExitKind.DONE: ("(((", ")))"),  # double circle
    ExitKind.REJECTED: ("((", "))"),
    ExitKind.CANCELLED: ("((", "))"),
}
LANE_STYLES = (
    "fill:#eef4fb,stroke:#4a78b0",
    "fill:#eef8f0,stroke:#3f8a55",
    "fill:#fbf3e8,stroke:#b07a2e",
    "fill:#f4effa,stroke:#7a5aa8",
    "fill:#eaf7f7,stroke:#2f8585",
    "fill:#fbeef2,stroke:#a84a6a",
)
GATE_STYLE = "stroke:#6a3fb5,stroke-width:2px"
REWORK_STYLE = "stroke:#c65a11"
PARALLEL_STYLE = "stroke:#0f766e,stroke-width:2px"

# Mermaid's entity encoder drops the last ``;`` of any line matching these
# (meant for its own ``style``/``classDef`` lines), which would spoil an
# entity code in a label; such labels get their colons encoded too.
_STYLE_LINE = re.compile(r"(style|classDef).*:\S*#.*;")
_QUOTED = re.compile(r'"[^"]*"')


@dataclass
class _Chart:
    """The lines being written, and which edges get a special style."""

    lines: list[str] = field(default_factory=list)
    edges: int = 0
    gated: list[int] = field(default_factory=list)
    rework: list[int] = field(default_factory=list)
    parallel: list[int] = field(default_factory=list)
    lane_styles: list[str] = field(default_factory=list)

    def add(self, depth: int, line: str) -> None:
        if _STYLE_LINE.search(line):
            line = _QUOTED.sub(lambda match: match.group(0).replace(":", "#58;"), line)
        self.lines.append(INDENT * depth + line)


@dataclass(frozen=True)
class _Scope(Names):
    """A workflow's names, with the id prefix of its chart and the id kind of each node."""

    prefix: str
    kinds: dict[str, str]  # node name -> id prefix

    @classmethod
    def of(cls, document: Document, workflow: Workflow, prefix: str) -> _Scope:
        kinds = {n.name: "in" for n in workflow.intakes}
        kinds.update({n.name: "st" for n in workflow.stages})
        kinds.update({n.name: "jn" for n in workflow.joins})
        kinds.update({n.name: "ex" for n in workflow.exits})
        return cls(workflow, *Names.lookups(document, workflow), prefix, kinds)

    def node_id(self, name: str) -> str:
        return f"{self.prefix}{self.kinds.get(name, 'st')}_{name}"


def render_mermaid(document: Document) -> str:
    """``document`` as a Mermaid flowchart (lanes as subgraphs)."""
    chart = _Chart()
    chart.add(0, "flowchart LR")
    for line in CLASSES:
        chart.add(1, line)
    several = len(document.workflows) > 1
    for index, workflow in enumerate(document.workflows, start=1):
        scope = _Scope.of(document, workflow, f"w{index}_" if several else "")
        if several:
            chart.add(1, f'subgraph {scope.prefix}workflow["{mermaid_text(one_line(workflow.label))}"]')
        _add_workflow(chart, scope, 2 if several else 1)
        if several:
            chart.add(1, "end")
    for line in chart.lane_styles:
        chart.add(1, line)
    if chart.gated:
        chart.add(1, f"linkStyle {','.join(map(str, chart.gated))} {GATE_STYLE}")
    if chart.rework:
        chart.add(1, f"linkStyle {','.join(map(str, chart.rework))} {REWORK_STYLE}")
    if chart.parallel:
        chart.add(1, f"linkStyle {','.join(map(str, chart.parallel))} {PARALLEL_STYLE}")
    # Labels hold no line break and no "#" of their own, so this changes nothing; it is
    # here so that no later change can print a CI command.
    return no_commands("\n".join(chart.lines) + "\n", mermaid_code)


def _add_workflow(chart: _Chart, scope: _Scope, depth: int) -> None:
    workflow = scope.workflow
    for intake in workflow.intakes:
        lines = [one_line(intake.label)] + ([intake.arrivals.text] if intake.arrivals else [])
        chart.add(depth, f'{scope.node_id(intake.name)}(["{mermaid_lines(lines)}"]):::intake')
    for number, (lane, stages) in enumerate(scope.lanes_with_stages()):
        lane_id = f"{scope.prefix}lane_{lane.name}"
        chart.lane_styles.append(f"style {lane_id} {LANE_STYLES[number % len(LANE_STYLES)]}")
        title = [one_line(lane.label)] + ([f"owner: {scope.person(lane.owner.name)}"] if lane.owner else [])
        hours = scope.lane_hours(lane)
        title += [f"hours: {hours}"] if hours else []
        chart.add(depth, f'subgraph {lane_id}["{mermaid_lines(title)}"]')
        for stage in stages:
            chart.add(depth + 1, _stage(stage, scope))
        chart.add(depth, "end")
    for stage in workflow.stages:
        if stage.lane is None:
            chart.add(depth, _stage(stage, scope))
    for join in workflow.joins:
        label = mermaid_text(f"+ {one_line(join.label)}")
        chart.add(depth, f'{scope.node_id(join.name)}{{"{label}"}}:::parallel')
    for exit_ in workflow.exits:
        opening, closing = EXIT_SHAPES[exit_.kind]
        label = mermaid_text(one_line(exit_.label))
        chart.add(depth, f'{scope.node_id(exit_.name)}{opening}"{label}"{closing}:::{exit_.kind.value}')
    forks: dict[str, str] = {}  # the id of each fork's point
    for handoff in workflow.handoffs:
        if handoff.fork is None:
            chart.add(depth, _edge(chart, handoff, scope, scope.node_id(handoff.target.name)))
            continue
        point = forks.get(handoff.fork)
        if point is None:  # the first branch: the fork point, and the one arrow into it
            point = forks[handoff.fork] = f"{scope.prefix}fk_{len(forks) + 1}"
            chart.add(depth, f'{point}{{"+"}}:::parallel')
            chart.add(depth, _edge(chart, handoff, scope, point))
        chart.parallel.append(chart.edges)
        chart.edges += 1
        chart.add(depth, f"{point} ==> {scope.node_id(handoff.target.name)}")


def _stage(stage: Stage, scope: _Scope) -> str:
    details = ([f"WIP {stage.wip}"] if stage.wip is not None else []) + (
        [scope.person(stage.owner.name)] if stage.owner else []
    )
    lines = [stage.label] + ([" · ".join(details)] if details else [])
    return f'{scope.node_id(stage.name)}["{mermaid_lines(lines)}"]:::stage'


def _edge(chart: _Chart, handoff: Handoff, scope: _Scope, target: str) -> str:
    lines = [handoff.label] if handoff.label else []
    if handoff.condition:
        lines.append(f"[{one_line(handoff.condition)}]")
    if handoff.gate:
        decision = scope.decisions.get(handoff.gate.name)
        lines.append(f"{GATE_MARK} gate: {one_line(decision.label if decision else handoff.gate.name)}")
    figures = ([handoff.chance.text] if handoff.chance else []) + (
        [f"SLA {handoff.sla.text}"] if handoff.sla else []
    )
    if figures:
        lines.append(" · ".join(figures))
    if handoff.gate:
        chart.gated.append(chart.edges)
    if handoff.rework:
        chart.rework.append(chart.edges)
    chart.edges += 1
    arrow = "-.->" if handoff.rework else "-->"
    label = f'|"{mermaid_lines(lines)}"|' if lines else ""
    return f"{scope.node_id(handoff.source.name)} {arrow}{label} {target}"
