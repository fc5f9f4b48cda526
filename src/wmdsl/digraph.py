"""Directed graphs of names and the linear-time algorithms the checks use.

The rules ask a handful of questions of small-to-huge graphs: what can be
reached from a node, what reaches it, the strongly and weakly connected
components, the components in topological order, one cycle or one shortest
path inside a component. Each is one pass over the edges (O(V + E)) here.

Why not networkx for this? ``import networkx`` loads about 280 modules and
took 0.2-0.3 s, more than everything else ``wmdsl check`` does for a small
file. networkx stays the graph of the public API (:meth:`DiGraph.to_networkx`,
``wmdsl.api.graph(...).graph.to_networkx()``), and the tests check every
algorithm here against networkx's on random graphs.

Everything is deterministic: nodes, successors and predecessors keep
insertion order, and every result lists nodes in that order.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from wmdsl.record import Frozen, set_field

if TYPE_CHECKING:
    import networkx as nx


class DiGraph:
    """A directed graph on string nodes; adjacency kept in insertion order."""

    __slots__ = ("_pred", "_succ")

    def __init__(self, nodes: Iterable[str] = (), edges: Iterable[tuple[str, str]] = ()) -> None:
        self._succ: dict[str, dict[str, None]] = {}
        self._pred: dict[str, dict[str, None]] = {}
        for node in nodes:
            self.add_node(node)
        for source, target in edges:
            self.add_edge(source, target)

    def add_node(self, node: str) -> None:
        if node not in self._succ:
            self._succ[node] = {}
            self._pred[node] = {}

    def add_edge(self, source: str, target: str) -> None:
        # add_node written out: the rules build graphs of every workflow, and
        # two calls per edge were a tenth of building one.
        succ, pred = self._succ, self._pred
        if source not in succ:
            succ[source] = {}
            pred[source] = {}
        if target not in succ:
            succ[target] = {}
            pred[target] = {}
        succ[source][target] = None
        pred[target][source] = None

    def __contains__(self, node: object) -> bool:
        return node in self._succ

    def __iter__(self) -> Iterator[str]:
        return iter(self._succ)

    def __len__(self) -> int:
        return len(self._succ)

    def successors(self, node: str) -> Iterator[str]:
        return iter(self._succ[node])

    def predecessors(self, node: str) -> Iterator[str]:
        return iter(self._pred[node])

    def has_edge(self, source: str, target: str) -> bool:
        return target in self._succ.get(source, ())

    def edges(self) -> Iterator[tuple[str, str]]:
        for source, targets in self._succ.items():
            for target in targets:
                yield source, target

    def subgraph(self, nodes: Iterable[str]) -> DiGraph:
        """The graph induced by ``nodes`` (a copy, in this graph's node order)."""
        wanted = set(nodes)
        sub = DiGraph(node for node in self._succ if node in wanted)
        for node in sub:
            for target in self._succ[node]:
                if target in wanted:
                    sub.add_edge(node, target)
        return sub

    def to_networkx(self) -> nx.DiGraph:
        """The same graph as a ``networkx.DiGraph`` (imports networkx)."""
        import networkx as nx

        graph: nx.DiGraph = nx.DiGraph()
        graph.add_nodes_from(self._succ)
        graph.add_edges_from(self.edges())
        return graph


def _reach(adjacency: dict[str, dict[str, None]], starts: Iterable[str]) -> set[str]:
    """Every node a walk along ``adjacency`` from any of ``starts`` meets (starts only if met again)."""
    found: set[str] = set()
    frontier = list(starts)
    while frontier:
        for after in adjacency[frontier.pop()]:
            if after not in found:
                found.add(after)
                frontier.append(after)
    return found


def descendants(graph: DiGraph, node: str) -> set[str]:
    """Nodes reachable from ``node`` (without ``node`` itself, as in networkx)."""
    return _reach(graph._succ, [node]) - {node}


def ancestors(graph: DiGraph, node: str) -> set[str]:
    """Nodes from which ``node`` is reachable (without ``node`` itself)."""
    return _reach(graph._pred, [node]) - {node}


def reaching(graph: DiGraph, targets: Iterable[str]) -> set[str]:
    """Nodes from which any of ``targets`` can be reached, the targets included."""
    targets = list(targets)
    return _reach(graph._pred, targets) | set(targets)


def strongly_connected_components(graph: DiGraph) -> list[list[str]]:
    """The strongly connected components, sinks first (Tarjan, without recursion).

    Each component lists its nodes in the graph's node order.
    """
    succ = graph._succ
    position = {node: number for number, node in enumerate(succ)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for root in succ:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work: list[tuple[str, Iterator[str]]] = [(root, iter(succ[root]))]
        while work:
            node, pending = work[-1]
            for after in pending:
                if after not in index:
                    index[after] = low[after] = len(index)
                    stack.append(after)
                    on_stack.add(after)
                    work.append((after, iter(succ[after])))
                    break
                if after in on_stack and index[after] < low[node]:
                    low[node] = index[after]
            else:
                work.pop()
                reached = low[node]
                if work and reached < low[work[-1][0]]:
                    low[work[-1][0]] = reached
                if reached == index[node]:
                    member = stack.pop()
                    on_stack.discard(member)
                    component = [member]
                    while member != node:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                    if len(component) > 1:  # most components are one node: nothing to sort
                        component.sort(key=position.__getitem__)
                    components.append(component)
    return components


class Condensation(Frozen):
    """The DAG of strongly connected components, in topological order."""

    __slots__ = ("component_of", "components", "predecessors", "successors")
    components: list[list[str]]
    component_of: dict[str, int]
    successors: list[set[int]]
    predecessors: list[set[int]]

    def __init__(
        self,
        components: list[list[str]],
        component_of: dict[str, int],
        successors: list[set[int]],
        predecessors: list[set[int]],
    ) -> None:
        set_field(self, "components", components)
        set_field(self, "component_of", component_of)
        set_field(self, "successors", successors)
        set_field(self, "predecessors", predecessors)

    def in_degree(self, component: int) -> int:
        return len(self.predecessors[component])

    def out_degree(self, component: int) -> int:
        return len(self.successors[component])


def condensation(graph: DiGraph) -> Condensation:
    """Components of ``graph`` in topological order (every edge goes forward)."""
    components = strongly_connected_components(graph)[::-1]
    component_of = {node: number for number, members in enumerate(components) for node in members}
    successors: list[set[int]] = [set() for _ in components]
    predecessors: list[set[int]] = [set() for _ in components]
    for source, target in graph.edges():
        a, b = component_of[source], component_of[target]
        if a != b:
            successors[a].add(b)
            predecessors[b].add(a)
    return Condensation(components, component_of, successors, predecessors)


def weakly_connected_components(graph: DiGraph, without: Iterable[str] = ()) -> list[list[str]]:
    """Components when edge direction is ignored, each in the graph's node order.

    The nodes ``without`` count as removed, with their edges (no copy of the graph is made).
    """
    position = {node: index for index, node in enumerate(graph)}
    seen: set[str] = set(without)
    components: list[list[str]] = []
    for root in graph:
        if root in seen:
            continue
        seen.add(root)
        component, frontier = [root], [root]
        while frontier:
            node = frontier.pop()
            for other in (*graph._succ[node], *graph._pred[node]):
                if other not in seen:
                    seen.add(other)
                    component.append(other)
                    frontier.append(other)
        components.append(sorted(component, key=position.__getitem__))
    return components


def shortest_path(graph: DiGraph, source: str, target: str) -> list[str] | None:
    """A shortest path from ``source`` to ``target`` (breadth first), or None."""
    if source == target:
        return [source]
    came_from: dict[str, str] = {source: source}
    queue = deque([source])
    while queue:
        node = queue.popleft()
        for after in graph.successors(node):
            if after in came_from:
                continue
            came_from[after] = node
            if after == target:
                path = [target]
                while path[-1] != source:
                    path.append(came_from[path[-1]])
                return path[::-1]
            queue.append(after)
    return None


def find_cycle(graph: DiGraph, start: str) -> list[str] | None:
    """The nodes of a cycle met by a depth-first walk from ``start``, or None."""
    on_path: dict[str, int] = {start: 0}
    path = [start]
    done: set[str] = set()
    work: list[Iterator[str]] = [graph.successors(start)]
    while work:
        for after in work[-1]:
            if after in on_path:
                return path[on_path[after] :]
            if after not in done:
                on_path[after] = len(path)
                path.append(after)
                work.append(graph.successors(after))
                break
        else:
            work.pop()
            finished = path.pop()
            del on_path[finished]
            done.add(finished)
    return None
