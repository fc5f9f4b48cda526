"""The flow graph of a workflow.

Nodes are the names of intakes, stages and exits (strings; the model objects
live in a side dict). A virtual source ``⊤`` feeds every intake and every
exit drains to a virtual sink ``⊥``, so soundness questions become
reachability from ``⊤`` and to ``⊥``, each computed once. So are the other
structures several checks and the flow analysis ask for (the condensation,
the forward skeleton): a graph computes each on first use and keeps it.
"""

from __future__ import annotations

import functools

from wmdsl.digraph import Condensation, DiGraph, ancestors, condensation, descendants, reaching
from wmdsl.model import Exit, Handoff, Intake, Stage, Workflow
from wmdsl.record import Frozen, set_field

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

    @functools.cached_property
    def condensation(self) -> Condensation:
        """The strongly connected components in topological order (``⊤`` and ``⊥`` on their own)."""
        return condensation(self.graph)

    @functools.cached_property
    def skeleton(self) -> Skeleton:
        """The forward DAG of the handoffs and the ones that close loops (see :func:`skeleton`)."""
        return skeleton(self)

    def reaching(self, targets: list[str]) -> set[str]:
        """Nodes from which any of ``targets`` can be reached (targets included)."""
        return reaching(self.graph, targets)

    def successors(self, name: str) -> list[str]:
        """Real (non-virtual) successors of ``name``, in declaration order."""
        return [n for n in self.graph.successors(name) if n != SINK]

    def real(self, names: set[str] | list[str]) -> list[str]:
        """``names`` without the virtual nodes, in declaration order.

        Costs the size of ``names``, not of the graph: the rules ask it once per
        component they report, and a spec can have thousands of them.
        """
        nodes = self.nodes
        # The graph numbers intakes, stages and exits in the order of ``nodes``.
        return sorted({n for n in names if n in nodes}, key=self.graph.number)


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


class Skeleton(Frozen):
    """The handoffs split into a forward DAG and the ones that close loops.

    ``closing`` holds the ``rework`` handoffs and, for loops not broken by
    one, the back edges of a depth-first search from the intakes (declaration
    order), so each loop is cut once, at the handoff that returns to a node
    already on the way. ``order`` is a topological order of ``forward``.
    """

    __slots__ = ("__dict__", "closing", "forward", "order")
    order: tuple[str, ...]
    forward: dict[str, tuple[str, ...]]
    closing: tuple[tuple[str, str], ...]

    def __init__(
        self,
        order: tuple[str, ...],
        forward: dict[str, tuple[str, ...]],
        closing: tuple[tuple[str, str], ...],
    ) -> None:
        set_field(self, "order", order)
        set_field(self, "forward", forward)
        set_field(self, "closing", closing)

    @functools.cached_property
    def _closes(self) -> frozenset[tuple[str, str]]:
        return frozenset(self.closing)

    def is_forward(self, source: str, target: str) -> bool:
        """Whether the handoff ``source -> target`` is in the forward DAG (O(1), whatever the degree)."""
        return (source, target) not in self._closes


def skeleton(flow: FlowGraph) -> Skeleton:
    """The forward DAG of ``flow`` (one depth-first search, linear time)."""
    rework = {pair for pair, handoff in flow.handoffs.items() if handoff.rework}
    reworked = {source for source, _ in rework}  # most nodes send no rework: nothing to test
    succ = {
        name: [w for w in flow.successors(name) if (name, w) not in rework]
        if name in reworked
        else flow.successors(name)
        for name in flow.nodes
    }
    state: dict[str, bool] = {}  # False while on the stack, True when finished
    post: list[str] = []
    back: set[tuple[str, str]] = set()
    for root in [intake.name for intake in flow.workflow.intakes] + list(flow.nodes):
        if root in state:
            continue
        state[root] = False
        stack = [(root, iter(succ[root]))]
        while stack:
            node, pending = stack[-1]
            after = next(pending, None)
            if after is None:
                stack.pop()
                state[node] = True
                post.append(node)
            elif after not in state:
                state[after] = False
                stack.append((after, iter(succ[after])))
            elif not state[after]:
                back.add((node, after))
    cut = {source for source, _ in back}
    forward = {
        name: tuple(w for w in succ[name] if (name, w) not in back) if name in cut else tuple(succ[name])
        for name in flow.nodes
    }
    closing = tuple(pair for pair in flow.handoffs if pair in rework or pair in back)
    return Skeleton(tuple(reversed(post)), forward, closing)
