"""Solving the traffic equations of one strongly connected part of a workflow.

Inside a component the arrival rates satisfy ``λ = γ + Qᵀλ``: what enters a
node is what arrives from outside the component plus what the other members
route to it. Two ways to solve that:

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
    order. Work and memory follow the routes there are and the few added,
    not the square of the component.

Both return ``None`` when the component keeps work forever (no way out, so no
finite rate): a pivot, or the share of work that leaves a node, below
:data:`SINGULAR`.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

SINGULAR = 1e-9  # a pivot smaller than this means the loop has no way out


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
    the share of ``a``'s work that goes to ``b``.
    """
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
