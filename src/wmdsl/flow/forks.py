"""Forks and the joins that close them.

A fork (``review -> security, legal``) sends one item down every branch at
once; a ``join`` lets it go on once every handoff into the join has
delivered. A workflow is *sound* in van der Aalst's sense when every item can
finish, finishes once, and leaves nothing behind: a join that a branch can
miss waits forever (a deadlock), and branches that never meet at a join
finish the item more than once (a lack of synchronisation).

:func:`find_forks` matches each fork to its join. The branches are walked
together over the forward handoffs (:func:`wmdsl.flow.graph.skeleton`, so a
rework loop is not followed round), in topological order, each node keeping
the set of branches that reach it (a bit mask); the walk never enters the
fork's source again. The first join every branch reaches is the fork's join:
in topological order it comes before every other join they all reach, so it
is the nearest, and a fork nested in one branch is matched to its own join
before the walk of the outer fork reaches the outer one. The walk stops
there, so it covers what lies between the fork and its join (and what the
branches reach on the way that is ordered before it), not the workflow
after it: a chain of fork-join diamonds costs its length once, nested forks
their nesting depth times. Each walk costs O((V + E) log V) at most (a heap
keeps the topological order), O(F × (V + E) log V) for F forks.

:func:`leaks` then walks one fork's branches over *every* handoff (rework
included), not entering the fork's source and stopping at its join, to find
where a branch leaves before the join: an exit it can reach, or a node from
which neither the join nor the fork's source (a rework round) can be
reached. One walk forward and one back over what the branches reach:
O(V + E) per fork.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from wmdsl.flow.digraph import Adjacency
from wmdsl.model import Exit, Handoff

if TYPE_CHECKING:
    from wmdsl.flow.graph import FlowGraph


@dataclass(frozen=True, slots=True, kw_only=True)
class Fork:
    """One fork, ``source -> a, b``, and the join its branches meet at.

    ``region`` holds the nodes the branches reach over the forward handoffs
    before the join (the join itself left out), in topological order, each
    with the bit mask of the branches that reach it (bit ``i`` for
    ``handoffs[i]``). When no join is reached by every branch, ``join`` is
    ``None`` and ``closest`` names the join most of them reach (at least two;
    the first in topological order of equals), with ``meeting`` the mask of
    those branches.
    """

    key: str
    source: str
    handoffs: tuple[Handoff, ...]
    join: str | None
    region: tuple[tuple[str, int], ...]
    closest: str | None = None
    meeting: int = 0

    @property
    def branches(self) -> tuple[str, ...]:
        """The first node of each branch, in the order written."""
        return tuple(handoff.target.name for handoff in self.handoffs)

    @property
    def written(self) -> str:
        """The fork as it is written: ``review -> security, legal``."""
        return f"{self.source} -> {', '.join(self.branches)}"


@dataclass(frozen=True, slots=True)
class Forks:
    """The forks of a workflow in the order written, and the joins some fork feeds in parallel.

    ``parallel`` holds every join at least two branches of one fork reach
    before that fork's own join (or anywhere, for a fork without one).
    """

    forks: tuple[Fork, ...]
    parallel: frozenset[str]

    def __iter__(self) -> Iterator[Fork]:
        return iter(self.forks)

    def __len__(self) -> int:
        return len(self.forks)


def find_forks(flow: FlowGraph) -> Forks:
    """Every fork of ``flow``'s workflow, matched to its join (see the module docstring)."""
    groups: dict[str, list[Handoff]] = {}
    for handoff in flow.workflow.handoffs:
        if handoff.fork is not None:
            groups.setdefault(handoff.fork, []).append(handoff)
    if not groups:
        return Forks((), frozenset())
    graph = flow.graph
    shape = flow.skeleton
    rank = [0] * len(graph)
    for place, a in enumerate(shape.numbered_order):
        rank[a] = place
    joins = bytearray(len(graph))
    for a in flow.join_numbers:
        joins[a] = 1
    parallel: set[int] = set()
    forks = []
    for key, handoffs in groups.items():
        source = graph.number(handoffs[0].source.name)
        starts = [graph.number(h.target.name) for h in handoffs]
        join, region, closest, meeting = _match(source, starts, shape.numbered_forward, rank, joins, parallel)
        names = graph.names
        forks.append(
            Fork(
                key=key,
                source=names[source],
                handoffs=tuple(handoffs),
                join=None if join < 0 else names[join],
                region=tuple((names[a], mask) for a, mask in region),
                closest=None if closest < 0 else names[closest],
                meeting=meeting,
            )
        )
    return Forks(tuple(forks), frozenset(graph.names[a] for a in parallel))


def _match(
    source: int,
    starts: list[int],
    forward: list[tuple[int, ...]],
    rank: list[int],
    joins: bytearray,
    parallel: set[int],
) -> tuple[int, list[tuple[int, int]], int, int]:
    """The join every branch reaches first in topological order, the region before it, and the closest miss.

    A node is taken off the heap after every node before it in topological
    order that the branches reach, so its mask is complete when it is taken.
    """
    full = (1 << len(starts)) - 1
    masks: dict[int, int] = {}
    heap: list[tuple[int, int]] = []
    for bit, start in enumerate(starts):
        if start not in masks:
            masks[start] = 0
            heapq.heappush(heap, (rank[start], start))
        masks[start] |= 1 << bit
    region: list[tuple[int, int]] = []
    closest, meeting, most = -1, 0, 1
    while heap:
        _, a = heapq.heappop(heap)
        mask = masks[a]
        if joins[a]:
            if mask == full:
                parallel.add(a)
                return a, region, -1, 0
            count = mask.bit_count()
            if count >= 2:
                parallel.add(a)
                if count > most:
                    closest, meeting, most = a, mask, count
        if a == source:
            continue  # a branch that comes back to the fork goes round it again: not followed
        region.append((a, mask))
        for b in forward[a]:
            if b == source:
                continue
            if b not in masks:
                masks[b] = 0
                heapq.heappush(heap, (rank[b], b))
            masks[b] |= mask
    return -1, region, closest, meeting


@dataclass(frozen=True, slots=True)
class Leaks:
    """Where the branches of one fork can miss its join.

    ``escapes``: (the fork's handoff of the branch, the handoff into an exit
    it can take before the join); ``stuck``: the same with the handoff into a
    node from which work can reach neither the join nor the fork's source
    again; ``unfed``: handoffs into the join from nodes no branch leads to.
    Each list is in the order the walk meets them (nearest first).
    """

    escapes: tuple[tuple[Handoff, Handoff], ...]
    stuck: tuple[tuple[Handoff, Handoff], ...]
    unfed: tuple[Handoff, ...]
    reached: frozenset[str]


def leaks(flow: FlowGraph, fork: Fork) -> Leaks:
    """Where the branches of ``fork`` can miss its join (which it must have)."""
    assert fork.join is not None
    graph = flow.graph
    out, names = graph.outgoing, graph.names
    source, join, sink = graph.number(fork.source), graph.number(fork.join), flow.sink
    origin: dict[int, int] = {}  # the branch that reached a node first
    came: dict[int, Handoff] = {}  # the handoff it came by
    parent: dict[int, int] = {}
    queue: deque[int] = deque()
    for bit, handoff in enumerate(fork.handoffs):
        b = graph.number(handoff.target.name)
        if b not in origin:
            origin[b], came[b], parent[b] = bit, handoff, source
            queue.append(b)
    while queue:
        a = queue.popleft()
        if a == join:
            continue
        for b in out[a]:
            if b in origin or b in (source, sink):
                continue
            origin[b], came[b], parent[b] = origin[a], flow.handoffs[(names[a], names[b])], a
            queue.append(b)
    exits = [a for a in origin if isinstance(flow.nodes[names[a]], Exit)]
    # What can still go on: to the join, or back to the fork's source (another
    # round of rework through the fork); and what can at least leave.
    onward = _back(graph.incoming, origin, [a for a in origin if a == join or source in out[a]], join)
    leaving = _back(graph.incoming, origin, exits, join)
    stuck = [
        (fork.handoffs[origin[a]], came[a])
        for a in origin
        if a not in onward
        and a not in leaving
        and (parent[a] == source or parent[a] in onward or parent[a] in leaving)
    ]
    covered = set(origin)
    if fork.join in fork.branches:
        covered.add(source)  # ``a -> b, join``: the fork's own handoff feeds the join
    unfed = tuple(flow.handoffs[(names[a], fork.join)] for a in graph.incoming[join] if a not in covered)
    return Leaks(
        tuple((fork.handoffs[origin[a]], came[a]) for a in exits),
        tuple(stuck),
        unfed,
        frozenset(names[a] for a in origin),
    )


def _back(incoming: Adjacency, inside: dict[int, int], starts: list[int], join: int) -> set[int]:
    """The nodes of ``inside`` that lead to one of ``starts`` inside it (not through ``join``)."""
    found = set(starts)
    queue = deque(starts)
    while queue:
        b = queue.popleft()
        for a in incoming[b]:
            if a in inside and a not in found and a != join:
                found.add(a)
                queue.append(a)
    return found
