"""Routing and the traffic equations: how much work reaches each node.

A node's handoffs share its work out as probabilities (:func:`routing`);
λ = γ + Pᵀλ is then solved one strongly connected component at a time
(:func:`solve_traffic`), as the analysis's docstring
(:mod:`wmdsl.flow.analysis`) lays out.
"""

from __future__ import annotations

from collections.abc import Mapping

from wmdsl.flow.digraph import Adjacency
from wmdsl.flow.graph import FlowGraph
from wmdsl.flow.linear import Solution, solve_linear, solve_sparse
from wmdsl.flow.results import Note

#: Components up to this size are solved on their dense matrix, larger ones
#: on the graph (see :mod:`wmdsl.flow.linear`).
DENSE_UP_TO = 64
_NAMED = 8  # stages of a loop a note names at most
TIE = 1e-9  # relative difference below which two path probabilities are equal

#: ``routes[a][b]``: the share of node ``a``'s work that goes to node ``b`` (by number).
Routes = list[Mapping[int, float]]
_NOWHERE: Mapping[int, float] = {}  # the routes of a node without handoffs


def _pct(fraction: float) -> str:
    return f"{fraction * 100:.4g}%"


def routing(flow: FlowGraph) -> tuple[Routes, list[Note]]:
    """Routing probabilities by source and target node number, and notes on lost work.

    The handoffs out of a node are its alternatives, except that the branches
    of one fork are one alternative together: its ``chance`` (or, without
    one, an equal part of what the chances leave, like any handoff without a
    chance) is counted once, and every branch receives all of it, since an
    item takes them all. So the routes out of a node with a fork can add up
    to more than 1.
    """
    names = flow.graph.names
    # Each node's alternatives: (its targets, its chance); a fork is one with several targets.
    grouped: list[list[tuple[list[int], float | None]]] = [[] for _ in names]
    forks: dict[str, list[int]] = {}
    sources: list[int] = []  # in the order of their first handoff
    for (source, target), handoff in zip(flow.edges, flow.workflow.handoffs, strict=True):
        alternatives = grouped[source]
        if not alternatives:
            sources.append(source)
        if handoff.fork is not None and handoff.fork in forks:
            forks[handoff.fork].append(target)
            continue
        targets = [target]
        if handoff.fork is not None:
            forks[handoff.fork] = targets
        alternatives.append((targets, handoff.chance.fraction if handoff.chance is not None else None))
    routes: Routes = [_NOWHERE] * len(names)
    notes: list[Note] = []
    for source in sources:
        alternatives = grouped[source]
        if len(alternatives) == 1 and alternatives[0][1] is None:  # the commonest: one way on, all the work
            routes[source] = dict.fromkeys(alternatives[0][0], 1.0)
            continue
        given = sum(chance for _, chance in alternatives if chance is not None)
        free = sum(1 for _, chance in alternatives if chance is None)
        left = max(0.0, 1.0 - given)
        share = left / free if free else 0.0
        routes[source] = {
            target: share if chance is None else chance
            for targets, chance in alternatives
            for target in targets
        }
        if not free and left > TIE:
            notes.append(
                Note(
                    f"the chances out of `{names[source]}` add up to {_pct(given)}: "
                    f"{_pct(left)} of its work goes nowhere (counted as lost)",
                    names[source],
                )
            )
    return routes, notes


def through_joins(flow: FlowGraph, routes: Routes) -> Routes:
    """``routes`` as the traffic equations use them: what enters a join counted once per item.

    A join passes an item on once every handoff into it has delivered it, so
    its rate is its inflow divided by its number of incoming handoffs: the
    routes into a join of k handoffs are divided by k. (Exact when each of
    its inputs delivers every item once, as the branches of a fork it
    closes do; an approximation otherwise.)
    """
    if not flow.join_numbers:
        return routes
    incoming = flow.graph.incoming
    scaled = list(routes)
    for join in flow.join_numbers:
        inputs = len(incoming[join])
        if inputs < 2:
            continue
        for before in incoming[join]:
            out = dict(scaled[before])
            out[join] = out.get(join, 0.0) / inputs
            scaled[before] = out
    return scaled


def solve_traffic(
    flow: FlowGraph, routes: Routes, arrivals: list[float], notes: list[Note] | None = None
) -> tuple[list[float | None], dict[int, str]]:
    """λ by node number (``None`` where unbounded) and why unstable nodes are, by number.

    ``arrivals`` is γ by node number; the components come from the flow
    graph's condensation, in its topological order. A large component whose
    rates are only approximate (see :func:`wmdsl.flow.linear.solve_sparse`) is
    noted in ``notes``.
    """
    graph = flow.graph
    incoming, source, sink = graph.incoming, flow.source, flow.sink
    rates: list[float | None] = [None] * len(graph)
    unstable: dict[int, str] = {}
    rank: list[int] = []  # each node's place in the forward order, the order of sweeps
    for members in flow.condensation.numbers:
        if members[0] in (source, sink):
            continue  # ⊤ or ⊥, each a component of its own
        inflow = _inflow(incoming, source, members, routes, rates, arrivals)
        if len(members) > DENSE_UP_TO and inflow is not None and any(inflow):
            if not rank:
                rank = [0] * len(graph)
                for place, a in enumerate(flow.skeleton.numbered_order):
                    rank[a] = place
            order = sorted(range(len(members)), key=lambda i: rank[members[i]])
            solution = solve_sparse(members, {a: routes[a] for a in members}, inflow, order)
            solved = None if solution is None else list(solution.rates)
            if solution is not None and not solution.settled and notes is not None:
                notes.append(Note(_unsettled_reason([graph.names[a] for a in members], solution)))
        else:
            solved = _solve_component(members, routes, inflow)
        if solved is None:
            reason = _trap_reason([graph.names[a] for a in members])
            unstable.update((a, reason) for a in members)
        else:
            for a, rate in zip(members, solved, strict=True):
                rates[a] = rate
    return rates, unstable


def _inflow(
    incoming: Adjacency,
    source: int,
    members: list[int],
    routes: Routes,
    rates: list[float | None],
    arrivals: list[float],
) -> list[float] | None:
    """γ plus what enters each member from outside its component (None if unbounded)."""
    inside = set(members)
    inflow = []
    for node in members:
        total = arrivals[node]
        for before in incoming[node]:
            if before in inside or before == source:
                continue
            share = routes[before][node]
            rate = rates[before]
            if rate is None and share > 0:
                return None
            total += (rate or 0.0) * share
        inflow.append(total)
    return inflow


def _solve_component(members: list[int], routes: Routes, inflow: list[float] | None) -> list[float] | None:
    """The rates of a component of at most :data:`DENSE_UP_TO` members (or of one without inflow)."""
    if inflow is None:
        return None
    if not any(inflow):
        return [0.0] * len(members)
    if len(members) == 1 and members[0] not in routes[members[0]]:
        return inflow
    # (I − Qᵀ) λ = inflow, Q the routing inside the component.
    matrix = [
        [float(i == j) - routes[source].get(target, 0.0) for j, source in enumerate(members)]
        for i, target in enumerate(members)
    ]
    return solve_linear(matrix, inflow)


def _loop(members: list[str]) -> str:
    """The stages of a loop for a message: all of them, or the first few and how many."""
    if len(members) <= _NAMED:
        return ", ".join(f"`{name}`" for name in members)
    shown = ", ".join(f"`{name}`" for name in members[: _NAMED - 2])
    return f"{shown}, … ({len(members)} in all)"


def _trap_reason(members: list[str]) -> str:
    return f"work that enters the loop through {_loop(members)} never leaves it, so it piles up without bound"


def _unsettled_reason(members: list[str], solution: Solution) -> str:
    return (
        f"the traffic equations of the loop through {_loop(members)} did not settle in "
        f"{solution.sweeps} sweeps (the last moved a rate by {_pct(solution.change)} of the largest): "
        "its rates, and the figures from them, are lower bounds"
    )
