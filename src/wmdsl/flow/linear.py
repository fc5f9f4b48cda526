"""Solving the traffic equations of one strongly connected part of a workflow.

Inside a component the arrival rates satisfy ``λ = γ + Qᵀλ``: what enters a
node is what arrives from outside the component plus what the other members
route to it. Three ways to solve that:

:func:`solve_linear`
    Gaussian elimination with partial pivoting on the dense matrix
    ``I − Qᵀ``: exact and simple, but its matrix has k² entries and its
    elimination k³ steps, which is nothing for the handful of stages of a
    rework loop and hopeless for a thousand stages that can all send work
    back to the start.
:func:`eliminate`
    The same elimination done on the graph: a node is taken out by routing
    what reaches it straight on to where it goes (``i → v → w`` becomes
    ``i → w``, its loop on itself folded into the shares), cheapest node
    first (fewest new routes), and the rates are read back in the reverse
    order. Work and memory follow the routes there are and the ones added,
    not the square of the component. Exact, and for chains and loops of
    rework a few steps per route; but taking out a node joins all its
    sources to all its targets, and on a component with no small separator
    (a grid of stages handing work on and back in three directions) the
    routes added multiply: k² work and more on a component of k stages.
:func:`solve_sparse`
    Elimination on the graph while its work stays within :data:`FILL`
    steps per member and route; past that, Gauss–Seidel sweeps over the
    component's routes, in the order given (the forward order of the
    handoffs, so that one sweep carries work all the way along them and
    only rework lags a sweep behind), at most :data:`SWEEPS` of them. Each
    sweep costs the routes once. Starting from nothing, the rates only grow
    sweep by sweep towards the exact ones (every term is a share of work,
    never negative); the sweeps stop when the last one moved no rate by more
    than :data:`TOLERANCE` of the largest and the shrinking of the steps
    says what is left is no more than that either. A component that has not
    settled after :data:`SWEEPS` sweeps keeps the rates of the last one,
    which are below the exact ones, and says by how much the last sweep
    moved them: the same spec always gives the same figures, and the
    analysis notes that they are lower bounds.

All return ``None`` when the component keeps work forever (no way out, so no
finite rate): a pivot, or the share of work that leaves a node (or the
component), below :data:`SINGULAR`.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

SINGULAR = 1e-9  # a pivot smaller than this means the loop has no way out
#: Elimination steps (routes made or updated) allowed per member and route of
#: a component before :func:`solve_sparse` turns to sweeps. Chains and rework
#: loops take one or two; a 3-D grid of 100 stages 25, of 800 stages 300.
FILL = 4
SWEEPS = 100  # the most Gauss–Seidel sweeps over one component
TOLERANCE = 1e-12  # what a sweep may still move a rate by, relative to the largest, once settled


@dataclass(frozen=True, slots=True)
class Solution:
    """The rates of a component's members, and how they were found."""

    rates: tuple[float, ...]
    sweeps: int  # Gauss–Seidel sweeps taken; 0 when solved exactly by elimination
    change: float  # what the last sweep moved a rate by, relative to the largest (0.0 when exact)

    @property
    def settled(self) -> bool:
        """Whether the rates are exact, or within :data:`TOLERANCE` of it."""
        return self.change <= TOLERANCE


class _TooDense(Exception):
    """Elimination would add more routes than its budget allows."""


def solve_linear(matrix: list[list[float]], rhs: list[float]) -> list[float] | None:
    """Solve ``matrix · x = rhs`` by Gaussian elimination with partial pivoting.

    Returns ``None`` when the matrix is singular (a pivot below :data:`SINGULAR`).
    """
    size = len(rhs)
    rows = [[*row, value] for row, value in zip(matrix, rhs, strict=True)]
    for col in range(size):
        pivot = max(range(col, size), key=lambda r: abs(rows[r][col]))
        if abs(rows[pivot][col]) < SINGULAR:
            return None
        rows[col], rows[pivot] = rows[pivot], rows[col]
        for r in range(col + 1, size):
            factor = rows[r][col] / rows[col][col]
            if factor:
                for k in range(col, size + 1):
                    rows[r][k] -= factor * rows[col][k]
    solution = [0.0] * size
    for r in reversed(range(size)):
        known = sum(rows[r][k] * solution[k] for k in range(r + 1, size))
        solution[r] = (rows[r][size] - known) / rows[r][r]
    return solution


def eliminate(
    members: Sequence[K], routes: Mapping[K, Mapping[K, float]], inflow: list[float]
) -> list[float] | None:
    """``λ`` (in the order of ``members``) with ``λ = inflow + Qᵀλ``, ``Q`` the routes among ``members``.

    Members are any hashable keys (names, node numbers); ``routes[a][b]`` is
    the share of ``a``'s work that goes to ``b``. Exact, at any cost.
    """
    return _eliminate(members, routes, inflow, math.inf)


def solve_sparse(
    members: Sequence[K],
    routes: Mapping[K, Mapping[K, float]],
    inflow: list[float],
    order: Sequence[int] | None = None,
) -> Solution | None:
    """``λ`` as :func:`eliminate` gives it, at a cost linear in the routes (see the module docstring).

    ``order`` lists the positions in ``members`` in the order sweeps visit
    them (the order of ``members`` if not given).
    """
    known = set(members)
    inside = sum(1 for name in members for other in routes.get(name, {}) if other in known)
    try:
        exact = _eliminate(members, routes, inflow, FILL * (len(members) + inside))
    except _TooDense:
        return _sweep(members, routes, inflow, range(len(members)) if order is None else order)
    return None if exact is None else Solution(tuple(exact), 0, 0.0)


def _eliminate(
    members: Sequence[K], routes: Mapping[K, Mapping[K, float]], inflow: list[float], budget: float
) -> list[float] | None:
    import heapq  # here: only big components come this way, and a check of a small spec need not load it

    index = {name: i for i, name in enumerate(members)}
    size = len(members)
    out: list[dict[int, float]] = [{} for _ in range(size)]  # out[i][j]: the share of i's work going to j
    into: list[dict[int, float]] = [{} for _ in range(size)]  # into[j][i]: the same, seen from j
    for i, name in enumerate(members):
        for other, part in routes.get(name, {}).items():
            j = index.get(other)
            if j is not None and part:
                out[i][j] = into[j][i] = part
    given = list(inflow)
    taken: list[tuple[int, float, dict[int, float]]] = []  # (node, 1 / share leaving it, its sources then)
    alive = [True] * size
    work = 0

    def cost(node: int) -> int:
        return len(into[node]) * len(out[node])

    heap = [(cost(node), node) for node in range(size)]
    heapq.heapify(heap)
    while heap:
        seen_cost, node = heapq.heappop(heap)
        if not alive[node]:
            continue
        now = cost(node)
        if now != seen_cost:  # its routes changed since it was queued
            heapq.heappush(heap, (now, node))
            continue
        work += now + len(into[node]) + len(out[node])
        if work > budget:
            raise _TooDense
        alive[node] = False
        into[node].pop(node, None)
        keep = 1.0 - out[node].pop(node, 0.0)  # the share that does not come straight back
        if keep < SINGULAR:
            return None
        scale = 1.0 / keep
        sources, targets = into[node], out[node]
        for target, share in targets.items():
            onward = share * scale
            given[target] += given[node] * onward
            del into[target][node]
            for source, before in sources.items():
                routed = out[source].get(target, 0.0) + before * onward
                out[source][target] = into[target][source] = routed
        for source in sources:
            del out[source][node]
        for neighbour in {*sources, *targets}:
            heapq.heappush(heap, (cost(neighbour), neighbour))
        taken.append((node, scale, sources))
    rates = [0.0] * size
    for node, scale, sources in reversed(taken):
        rates[node] = (given[node] + sum(rates[source] * share for source, share in sources.items())) * scale
    return rates


def _sweep(
    members: Sequence[K], routes: Mapping[K, Mapping[K, float]], inflow: list[float], order: Sequence[int]
) -> Solution | None:
    """Gauss–Seidel sweeps in ``order``, from no work anywhere (see the module docstring)."""
    from array import array  # here: only components too tangled to eliminate come this way

    size = len(members)
    place = [0] * size  # each member's place in the sweep
    for at, i in enumerate(order):
        place[i] = at
    index = {name: place[i] for i, name in enumerate(members)}
    into: list[list[tuple[int, float]]] = [[] for _ in range(size)]  # (source, share) by place
    stays = [0.0] * size  # the share of a member's work that comes straight back to it
    leaves = [1.0] * size  # the share of a member's work that leaves the component
    for i, name in enumerate(members):
        at = place[i]
        for other, part in routes.get(name, {}).items():
            j = index.get(other)
            if j is None or not part:
                continue
            leaves[at] -= part
            if j == at:
                stays[at] += part
            else:
                into[j].append((at, part))
    if max(leaves) < SINGULAR or min(1.0 - share for share in stays) < SINGULAR:
        return None  # no way out, or a member that keeps its work
    # The routes in flat arrays, by place, and the rates in one: a sweep reads
    # them front to back, and a source's rate from a block of plain numbers,
    # not from objects spread over the heap (which on a large component made
    # each step several times slower than on a small one).
    sources, shares, ends = array("q"), array("d"), array("q")
    for pairs in into:
        for source, share in pairs:
            sources.append(source)
            shares.append(share)
        ends.append(len(sources))
    scale = array("d", [1.0 / (1.0 - share) for share in stays])
    given = array("d", [inflow[i] for i in order])
    rates = array("d", bytes(8 * size))
    before = math.inf  # what the sweep before moved a rate by
    change = math.inf
    sweep = 0
    while sweep < SWEEPS:
        sweep += 1
        moved = 0.0
        start = 0
        for j in range(size):
            end = ends[j]
            rate = given[j]
            for at in range(start, end):
                rate += rates[sources[at]] * shares[at]
            rate *= scale[j]
            step = rate - rates[j]
            if step > moved or -step > moved:
                moved = abs(step)
            rates[j] = rate
            start = end
        largest = max(rates) or 1.0
        change = moved / largest
        # The steps shrink by about ``ratio`` a sweep: what is left is their sum.
        ratio = moved / before if before > 0 else 0.0
        left = change * ratio / (1.0 - ratio) if ratio < 1.0 else math.inf
        if change <= TOLERANCE and left <= TOLERANCE:
            change = max(change, left)
            break
        before = moved
    return Solution(tuple([rates[at] for at in place]), sweep, change)
