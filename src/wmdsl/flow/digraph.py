"""Directed graphs of names and the linear-time algorithms the checks use.

The rules ask a handful of questions of small-to-huge graphs: what can be
reached from a node, what reaches it, the strongly and weakly connected
components, the components in topological order, one cycle or one shortest
path inside a component. Each is one pass over the edges (O(V + E)) here.

Inside, a node is its number (the order it was added in): adjacency is a list
indexed by number, and the algorithms keep their marks in lists and byte
arrays rather than in dicts and sets keyed by name. Names go in and come out
at the edges of each call. On a workflow of 50 000 stages this made the
algorithms four to six times faster: a hash table of 50 000 names is read
at random and does not stay in the processor's caches; a list read by number
mostly does.

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
from dataclasses import dataclass
from itertools import compress
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx

#: Successors or predecessors by node number, each in insertion order (a dict for O(1) dedup).
Adjacency = list[dict[int, None]]


class DiGraph:
    """A directed graph on string nodes; adjacency kept in insertion order."""

    __slots__ = ("_in", "_names", "_number", "_out")

    def __init__(self, nodes: Iterable[str] = (), edges: Iterable[tuple[str, str]] = ()) -> None:
        self._names: list[str] = []
        self._number: dict[str, int] = {}
        self._out: Adjacency = []
        self._in: Adjacency = []
        for node in nodes:
            self.add_node(node)
        for source, target in edges:
            self.add_edge(source, target)

    def add_node(self, node: str) -> int:
        """Add ``node`` if new; its number either way."""
        number = self._number.get(node)
        if number is None:
            number = self._number[node] = len(self._names)
            self._names.append(node)
            self._out.append({})
            self._in.append({})
        return number

    def add_edge(self, source: str, target: str) -> tuple[int, int]:
        """Add the edge ``source -> target`` (and either node if new); the numbers of the two."""
        # add_node written out for known nodes: the rules build graphs of every
        # workflow, and two calls per edge were a tenth of building one.
        number = self._number
        a = number.get(source)
        if a is None:
            a = self.add_node(source)
        b = number.get(target)
        if b is None:
            b = self.add_node(target)
        self._out[a][b] = None
        self._in[b][a] = None
        return a, b

    def number(self, node: str) -> int:
        """The number of ``node`` (its position in :meth:`__iter__`); KeyError if absent."""
        return self._number[node]

    def numbers(self, nodes: Iterable[str]) -> list[int]:
        number = self._number
        return [number[node] for node in nodes]

    @property
    def names(self) -> list[str]:
        """The nodes by number (the graph's own list: read it, never change it)."""
        return self._names

    @property
    def outgoing(self) -> Adjacency:
        """Successor numbers by node number (the graph's own lists: read only)."""
        return self._out

    @property
    def incoming(self) -> Adjacency:
        """Predecessor numbers by node number (the graph's own lists: read only)."""
        return self._in

    def __contains__(self, node: object) -> bool:
        return node in self._number

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def successors(self, node: str) -> Iterator[str]:
        names = self._names
        return (names[b] for b in self._out[self._number[node]])

    def predecessors(self, node: str) -> Iterator[str]:
        names = self._names
        return (names[a] for a in self._in[self._number[node]])

    def has_edge(self, source: str, target: str) -> bool:
        a, b = self._number.get(source), self._number.get(target)
        return a is not None and b is not None and b in self._out[a]

    def edges(self) -> Iterator[tuple[str, str]]:
        names = self._names
        for a, targets in enumerate(self._out):
            source = names[a]
            for b in targets:
                yield source, names[b]

    def subgraph(self, nodes: Iterable[str]) -> DiGraph:
        """The graph induced by ``nodes`` (a copy, in this graph's node order).

        Costs the size of the subgraph, not of this graph: the rules take one per loop they report.
        """
        number = self._number
        kept = sorted({number[node] for node in nodes if node in number})
        renumber = {a: new for new, a in enumerate(kept)}
        sub = DiGraph(self._names[a] for a in kept)
        for new, a in enumerate(kept):
            for b in self._out[a]:
                there = renumber.get(b)
                if there is not None:
                    sub._out[new][there] = None
                    sub._in[there][new] = None
        return sub

    def to_networkx(self) -> nx.DiGraph:
        """The same graph as a ``networkx.DiGraph`` (imports networkx)."""
        import networkx as nx

        graph: nx.DiGraph = nx.DiGraph()
        graph.add_nodes_from(self._names)
        graph.add_edges_from(self.edges())
        return graph


def reach(adjacency: Adjacency, starts: Iterable[int]) -> bytearray:
    """Marks (1) of the nodes a walk along ``adjacency`` from any of ``starts`` meets.

    A start is marked only if the walk meets it again.
    """
    found = bytearray(len(adjacency))
    frontier = list(starts)
    while frontier:
        for after in adjacency[frontier.pop()]:
            if not found[after]:
                found[after] = 1
                frontier.append(after)
    return found


def _named(graph: DiGraph, marks: bytearray) -> set[str]:
    return set(compress(graph._names, marks))


def descendants(graph: DiGraph, node: str) -> set[str]:
    """Nodes reachable from ``node`` (without ``node`` itself, as in networkx)."""
    start = graph.number(node)
    found = reach(graph._out, [start])
    found[start] = 0
    return _named(graph, found)


def ancestors(graph: DiGraph, node: str) -> set[str]:
    """Nodes from which ``node`` is reachable (without ``node`` itself)."""
    start = graph.number(node)
    found = reach(graph._in, [start])
    found[start] = 0
    return _named(graph, found)


def reaching(graph: DiGraph, targets: Iterable[str]) -> set[str]:
    """Nodes from which any of ``targets`` can be reached, the targets included."""
    starts = graph.numbers(targets)
    found = reach(graph._in, starts)
    for start in starts:
        found[start] = 1
    return _named(graph, found)


def component_numbers(successors: Adjacency) -> list[list[int]]:
    """The strongly connected components, sinks first (Tarjan, without recursion).

    Each component lists its node numbers in increasing order.
    """
    size = len(successors)
    index = [-1] * size
    low = [0] * size
    on_stack = bytearray(size)
    stack: list[int] = []
    components: list[list[int]] = []
    counter = 0
    for root in range(size):
        if index[root] >= 0:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = 1
        work: list[tuple[int, Iterator[int]]] = [(root, iter(successors[root]))]
        while work:
            node, pending = work[-1]
            for after in pending:
                if index[after] < 0:
                    index[after] = low[after] = counter
                    counter += 1
                    stack.append(after)
                    on_stack[after] = 1
                    work.append((after, iter(successors[after])))
                    break
                if on_stack[after] and index[after] < low[node]:
                    low[node] = index[after]
            else:
                work.pop()
                reached = low[node]
                if work and reached < low[work[-1][0]]:
                    low[work[-1][0]] = reached
                if reached == index[node]:
                    member = stack.pop()
                    on_stack[member] = 0
                    component = [member]
                    while member != node:
                        member = stack.pop()
                        on_stack[member] = 0
                        component.append(member)
                    if len(component) > 1:  # most components are one node: nothing to sort
                        component.sort()
                    components.append(component)
    return components


def strongly_connected_components(graph: DiGraph) -> list[list[str]]:
    """The strongly connected components, sinks first, each in the graph's node order."""
    names = graph._names
    return [[names[a] for a in component] for component in component_numbers(graph._out)]


@dataclass(frozen=True, slots=True)
class Condensation:
    """The DAG of strongly connected components, in topological order."""

    components: list[list[str]]
    numbers: list[list[int]]  # the same components, as node numbers
    successors: list[set[int]]
    predecessors: list[set[int]]
    _of: list[int]
    _graph: DiGraph

    def component_of(self, node: str) -> int:
        """The position of ``node``'s component in :attr:`components`."""
        return self._of[self._graph.number(node)]

    def in_degree(self, component: int) -> int:
        return len(self.predecessors[component])

    def out_degree(self, component: int) -> int:
        return len(self.successors[component])


def condensation(graph: DiGraph) -> Condensation:
    """Components of ``graph`` in topological order (every edge goes forward)."""
    numbers = component_numbers(graph._out)[::-1]
    of = [0] * len(graph._names)
    for position, members in enumerate(numbers):
        for a in members:
            of[a] = position
    successors: list[set[int]] = [set() for _ in numbers]
    predecessors: list[set[int]] = [set() for _ in numbers]
    for a, targets in enumerate(graph._out):
        here = of[a]
        for b in targets:
            there = of[b]
            if here != there:
                successors[here].add(there)
                predecessors[there].add(here)
    components = [[graph._names[a] for a in members] for members in numbers]
    return Condensation(components, numbers, successors, predecessors, of, graph)


def weakly_connected_components(graph: DiGraph, without: Iterable[str] = ()) -> list[list[str]]:
    """Components when edge direction is ignored, each in the graph's node order.

    The nodes ``without`` count as removed, with their edges (no copy of the graph is made).
    """
    out, into, names = graph._out, graph._in, graph._names
    seen = bytearray(len(names))
    for node in without:
        number = graph._number.get(node)
        if number is not None:
            seen[number] = 1
    components: list[list[str]] = []
    for root in range(len(names)):
        if seen[root]:
            continue
        seen[root] = 1
        component, frontier = [root], [root]
        while frontier:
            at = frontier.pop()
            for other in (*out[at], *into[at]):
                if not seen[other]:
                    seen[other] = 1
                    component.append(other)
                    frontier.append(other)
        component.sort()
        components.append([names[a] for a in component])
    return components


def shortest_path(graph: DiGraph, source: str, target: str) -> list[str] | None:
    """A shortest path from ``source`` to ``target`` (breadth first), or None."""
    if source == target:
        return [source]
    start, goal = graph.number(source), graph.number(target)
    out, names = graph._out, graph._names
    came_from: dict[int, int] = {start: start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for after in out[node]:
            if after in came_from:
                continue
            came_from[after] = node
            if after == goal:
                path = [goal]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return [names[a] for a in reversed(path)]
            queue.append(after)
    return None


def find_cycle(graph: DiGraph, start: str) -> list[str] | None:
    """The nodes of a cycle met by a depth-first walk from ``start``, or None."""
    out, names = graph._out, graph._names
    first = graph.number(start)
    on_path: dict[int, int] = {first: 0}
    path = [first]
    done = bytearray(len(names))
    work: list[Iterator[int]] = [iter(out[first])]
    while work:
        for after in work[-1]:
            if after in on_path:
                return [names[a] for a in path[on_path[after] :]]
            if not done[after]:
                on_path[after] = len(path)
                path.append(after)
                work.append(iter(out[after]))
                break
        else:
            work.pop()
            finished = path.pop()
            del on_path[finished]
            done[finished] = 1
    return None
