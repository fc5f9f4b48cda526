"""The flow graph of a workflow.

Nodes are the names of intakes, stages, joins and exits (strings; the model objects
live in a side dict). A virtual source ``⊤`` feeds every intake and every
exit drains to a virtual sink ``⊥``, so soundness questions become
reachability from ``⊤`` and to ``⊥``, each computed once. So are the other
structures several checks and the flow analysis ask for (the condensation,
the forward skeleton): a graph computes each on first use and keeps it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from wmdsl.flow.digraph import Condensation, DiGraph, ancestors, condensation, descendants, reaching
from wmdsl.model import Exit, Handoff, Intake, Join, Stage, Workflow

if TYPE_CHECKING:
    from wmdsl.flow.forks import Forks

SOURCE = "⊤"
SINK = "⊥"
Node = Intake | Stage | Join | Exit
#: The numbers in a flow graph of its intakes, stages, joins and exits, and of the two ends of each handoff.
Numbers = tuple[list[int], list[int], list[int], list[int], list[tuple[int, int]]]


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
        numbers: Numbers,
    ) -> None:
        self.workflow = workflow
        self.graph = graph
        self.nodes = nodes
        self.handoffs = handoffs
        # The same as numbers of ``graph``, for the checks that walk all of it:
        # a list read by number stays in the processor's caches, a table of
        # 50 000 names does not.
        self.intake_numbers, self.stage_numbers, self.join_numbers, self.exit_numbers, self.edges = numbers
        self.source = graph.number(SOURCE)
        self.sink = graph.number(SINK)

    @property
    def node_numbers(self) -> list[int]:
        """The number of each of :attr:`nodes` (intakes, stages, joins, exits), in its order."""
        return [*self.intake_numbers, *self.stage_numbers, *self.join_numbers, *self.exit_numbers]

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

    @functools.cached_property
    def forks(self) -> Forks:
        """The forks and the joins that close them (see :mod:`wmdsl.flow.forks`)."""
        from wmdsl.flow.forks import find_forks  # it reads the skeleton: imported where used

        return find_forks(self)

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
    intakes, stages, joins, exits = [], [], [], []
    for intake in workflow.intakes:
        nodes[intake.name] = intake
        intakes.append(graph.add_edge(SOURCE, intake.name)[1])
    for stage in workflow.stages:
        nodes[stage.name] = stage
        stages.append(graph.add_node(stage.name))
    for join in workflow.joins:
        nodes[join.name] = join
        joins.append(graph.add_node(join.name))
    for exit_ in workflow.exits:
        nodes[exit_.name] = exit_
        exits.append(graph.add_edge(exit_.name, SINK)[0])
    graph.add_node(SINK)
    handoffs: dict[tuple[str, str], Handoff] = {}
    edges = []
    for handoff in workflow.handoffs:
        pair = (handoff.source.name, handoff.target.name)
        handoffs[pair] = handoff
        edges.append(graph.add_edge(*pair))
    return FlowGraph(workflow, graph, nodes, handoffs, (intakes, stages, joins, exits, edges))


@dataclass(frozen=True)  # not slotted: the cached properties keep their values in __dict__
class Skeleton:
    """The handoffs split into a forward DAG and the ones that close loops.

    ``closing`` holds the ``rework`` handoffs and, for loops not broken by
    one, the back edges of a depth-first search from the intakes (declaration
    order), so each loop is cut once, at the handoff that returns to a node
    already on the way. ``order`` is a topological order of ``forward``.

    The search works on the graph's node numbers: ``numbered_order`` and
    ``numbered_forward`` (successors by node number) are what it finds, and
    ``order`` and ``forward`` the same by name, made on first use.
    """

    numbered_order: list[int]
    numbered_forward: list[tuple[int, ...]]
    closing: tuple[tuple[str, str], ...]
    _names: tuple[list[str], list[int]]  # the graph's names, and the numbers of the workflow's nodes

    @functools.cached_property
    def order(self) -> tuple[str, ...]:
        """The workflow's nodes in a topological order of :attr:`forward`."""
        names = self._names[0]
        return tuple([names[a] for a in self.numbered_order])

    @functools.cached_property
    def forward(self) -> dict[str, tuple[str, ...]]:
        """The forward successors of each of the workflow's nodes, in declaration order."""
        names, nodes = self._names
        forward = self.numbered_forward
        return {names[a]: tuple([names[b] for b in forward[a]]) for a in nodes}

    @functools.cached_property
    def _closes(self) -> frozenset[tuple[str, str]]:
        return frozenset(self.closing)

    def is_forward(self, source: str, target: str) -> bool:
        """Whether the handoff ``source -> target`` is in the forward DAG (O(1), whatever the degree)."""
        return (source, target) not in self._closes


def skeleton(flow: FlowGraph) -> Skeleton:
    """The forward DAG of ``flow`` (one depth-first search, linear time)."""
    graph = flow.graph
    names, out = graph.names, graph.outgoing
    rework = {
        edge for edge, handoff in zip(flow.edges, flow.workflow.handoffs, strict=True) if handoff.rework
    }
    succ: list[Iterable[int]] = list(out)  # only exits lead to ⊥, and most nodes send no rework
    for a in flow.exit_numbers:
        succ[a] = ()
    for a in {source for source, _ in rework}:
        succ[a] = [b for b in out[a] if (a, b) not in rework]
    state = bytearray(len(names))  # 0 unseen, 1 on the stack, 2 finished
    post: list[int] = []
    back: set[tuple[int, int]] = set()
    nodes = flow.node_numbers
    for root in [*flow.intake_numbers, *nodes]:
        if state[root]:
            continue
        state[root] = 1
        stack = [(root, iter(succ[root]))]
        while stack:
            node, pending = stack[-1]
            after = next(pending, None)
            if after is None:
                stack.pop()
                state[node] = 2
                post.append(node)
            elif not state[after]:
                state[after] = 1
                stack.append((after, iter(succ[after])))
            elif state[after] == 1:
                back.add((node, after))
    forward = [tuple(b) for b in succ]
    for a in {source for source, _ in back}:
        forward[a] = tuple([b for b in succ[a] if (a, b) not in back])
    closing = tuple((names[a], names[b]) for a, b in flow.edges if (a, b) in rework or (a, b) in back)
    post.reverse()
    return Skeleton(post, forward, closing, (names, nodes))
