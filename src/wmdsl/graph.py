"""The flow graph of a workflow.

Nodes are the names of intakes, stages and exits (strings; the model objects
live in a side dict). A virtual source ``⊤`` feeds every intake and every
exit drains to a virtual sink ``⊥``, so soundness questions become
reachability from ``⊤`` and to ``⊥``, each computed once.
"""

from __future__ import annotations

import functools

from wmdsl.digraph import DiGraph, ancestors, descendants, reaching
from wmdsl.model import Exit, Handoff, Intake, Stage, Workflow

SOURCE = "⊤"
SINK = "⊥"
Node = Intake | Stage | Exit


class FlowGraph:
    """A workflow's handoffs as a directed graph with source and sink.

    Equal only to itself (a graph is built once per workflow and looked up by identity).
    """

    # A plain class rather than a dataclass, for the start-up of `wmdsl check`.
    def __init__(
        self,
        workflow: Workflow,
        graph: DiGraph,
        nodes: dict[str, Node],
        handoffs: dict[tuple[str, str], Handoff],
    ) -> None:
        self.workflow = workflow
        self.graph = graph
        self.nodes = nodes
        self.handoffs = handoffs

    def __repr__(self) -> str:
        return f"FlowGraph(workflow={self.workflow!r}, nodes={self.nodes!r}, handoffs={self.handoffs!r})"

    @functools.cached_property
    def reachable(self) -> set[str]:
        """Nodes some intake leads to."""
        return descendants(self.graph, SOURCE)

    @functools.cached_property
    def finishing(self) -> set[str]:
        """Nodes from which some exit can be reached."""
        return ancestors(self.graph, SINK)

    def reaching(self, targets: list[str]) -> set[str]:
        """Nodes from which any of ``targets`` can be reached (targets included)."""
        return reaching(self.graph, targets)

    def successors(self, name: str) -> list[str]:
        """Real (non-virtual) successors of ``name``, in declaration order."""
        return [n for n in self.graph.successors(name) if n != SINK]

    def real(self, names: set[str] | list[str]) -> list[str]:
        """``names`` without the virtual nodes, in declaration order."""
        wanted = set(names)
        return [n for n in self.nodes if n in wanted]


def build_graph(workflow: Workflow) -> FlowGraph:
    """The flow graph of ``workflow`` (which must have resolved cleanly)."""
    graph = DiGraph()
    graph.add_node(SOURCE)
    nodes: dict[str, Node] = {}
    for intake in workflow.intakes:
        nodes[intake.name] = intake
        graph.add_edge(SOURCE, intake.name)
    for stage in workflow.stages:
        nodes[stage.name] = stage
        graph.add_node(stage.name)
    for exit_ in workflow.exits:
        nodes[exit_.name] = exit_
        graph.add_edge(exit_.name, SINK)
    graph.add_node(SINK)
    handoffs: dict[tuple[str, str], Handoff] = {}
    for handoff in workflow.handoffs:
        pair = (handoff.source.name, handoff.target.name)
        handoffs[pair] = handoff
        graph.add_edge(*pair)
    return FlowGraph(workflow, graph, nodes, handoffs)
