"""The traffic equations of a component, solved on the dense matrix and on the graph.

:func:`wmdsl.flow.linear.eliminate` must give what Gaussian elimination of
``I − Qᵀ`` gives, on components of every shape, and do work that follows the
routes rather than the square of the component.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.tracing import lines_run
from wmdsl.flow import linear
from wmdsl.flow.linear import SWEEPS, TOLERANCE, eliminate, solve_linear, solve_sparse

Routes = dict[str, dict[str, float]]


def _dense(members: list[str], routes: Routes, inflow: list[float]) -> list[float] | None:
    matrix = [
        [float(i == j) - routes.get(source, {}).get(target, 0.0) for j, source in enumerate(members)]
        for i, target in enumerate(members)
    ]
    return solve_linear(matrix, inflow)


@st.composite
def components(draw: st.DrawFn) -> tuple[list[str], Routes, list[float]]:
    """A strongly connected component (a ring and more routes) that work may leave, or not."""
    size = draw(st.integers(1, 10))
    members = [f"n{i}" for i in range(size)]
    closed = draw(st.booleans())
    routes: Routes = {}
    for i, name in enumerate(members):
        extra = draw(st.lists(st.integers(0, size - 1), max_size=3, unique=True))
        targets = sorted({(i + 1) % size, *extra})
        weights = [draw(st.floats(0.1, 1.0)) for _ in targets]
        leaving = 0.0 if closed else draw(st.floats(0.05, 0.9))
        total = sum(weights)
        routes[name] = {members[t]: w / total * (1 - leaving) for t, w in zip(targets, weights, strict=True)}
    inflow = [draw(st.floats(0.0, 5.0)) for _ in members]
    return members, routes, inflow


@given(components())
def test_elimination_on_the_graph_agrees_with_the_dense_matrix(
    case: tuple[list[str], Routes, list[float]],
) -> None:
    members, routes, inflow = case
    sparse, dense = eliminate(members, routes, inflow), _dense(members, routes, inflow)
    if dense is None:
        assert sparse is None
    else:
        assert sparse == pytest.approx(dense, rel=1e-6, abs=1e-9)


def test_a_loop_with_no_way_out_has_no_rates() -> None:
    assert eliminate(["a", "b"], {"a": {"b": 1.0}, "b": {"a": 1.0}}, [1.0, 0.0]) is None


def test_rework_doubles_what_a_stage_sees() -> None:
    # Half of what leaves `b` goes back to `a`: each item passes twice.
    rates = eliminate(["a", "b"], {"a": {"b": 1.0}, "b": {"a": 0.5}}, [1.0, 0.0])
    assert rates == pytest.approx([2.0, 2.0])


def _arrow(size: int) -> tuple[list[str], Routes, list[float]]:
    """A chain whose every stage may send work back to the first: one component of ``size``."""
    members = [f"s{i}" for i in range(size)]
    routes: Routes = {name: {} for name in members}
    for i in range(size - 1):
        routes[members[i]][members[i + 1]] = 0.9
        routes[members[i]][members[0]] = routes[members[i]].get(members[0], 0.0) + 0.05
    return members, routes, [1.0] + [0.0] * (size - 1)


def test_elimination_work_grows_linearly_with_the_routes() -> None:
    small, large = (lines_run(lambda n=n: eliminate(*_arrow(n))) for n in (100, 800))
    assert large < 10 * small, f"{small} lines for 100 stages, {large} for 800"
    rates = eliminate(*_arrow(800))
    assert rates is not None
    assert rates == pytest.approx(_dense(*_arrow(800)) or [], rel=1e-6)


def _grid(side: int, back: float = 0.04) -> tuple[list[str], Routes, list[float]]:
    """A cube of stages handing work on along x, y and z, and back along them with ``back`` each.

    The last stage hands work out of the component; work enters at the first.
    """
    members = [f"g{x}_{y}_{z}" for z in range(side) for y in range(side) for x in range(side)]
    routes: Routes = {}
    for z in range(side):
        for y in range(side):
            for x in range(side):
                ahead = [(x + 1, y, z), (x, y + 1, z), (x, y, z + 1)]
                behind = [(x - 1, y, z), (x, y - 1, z), (x, y, z - 1)]
                on = [f"g{a}_{b}_{c}" for a, b, c in ahead if max(a, b, c) < side]
                off = [f"g{a}_{b}_{c}" for a, b, c in behind if min(a, b, c) >= 0]
                share = (1 - back * len(off)) / len(on) if on else 0.0
                routes[f"g{x}_{y}_{z}"] = {**dict.fromkeys(on, share), **dict.fromkeys(off, back)}
    return members, routes, [1.0] + [0.0] * (len(members) - 1)


def test_a_grid_is_solved_by_sweeps_to_what_elimination_gives() -> None:
    members, routes, inflow = _grid(8)
    solution = solve_sparse(members, routes, inflow)
    assert solution is not None
    assert solution.sweeps > 0  # eliminating its nodes would fill in too many routes
    assert solution.settled
    exact = eliminate(members, routes, inflow)
    assert exact is not None
    assert list(solution.rates) == pytest.approx(exact, rel=1e-9, abs=1e-12)


def test_a_chain_with_rework_is_still_solved_exactly() -> None:
    solution = solve_sparse(*_arrow(800))
    assert solution is not None
    assert (solution.sweeps, solution.change) == (0, 0.0)
    assert list(solution.rates) == eliminate(*_arrow(800))


def test_sweeping_work_grows_linearly_with_the_routes() -> None:
    small, large = (lines_run(lambda n=n: solve_sparse(*_grid(n))) for n in (5, 10))
    assert large < 1.5 * 8 * small, f"{small} lines for 125 stages, {large} for 1000"


@given(components())
def test_sweeps_agree_with_the_dense_matrix_or_say_they_have_not_settled(
    case: tuple[list[str], Routes, list[float]],
) -> None:
    members, routes, inflow = case
    dense = _dense(members, routes, inflow)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(linear, "FILL", 0)  # no elimination at all
        solution = solve_sparse(members, routes, inflow)
    if dense is None:
        assert solution is None
        return
    assert solution is not None
    assert solution.sweeps > 0
    if solution.settled:
        assert list(solution.rates) == pytest.approx(dense, rel=1e-9, abs=1e-9)
    else:
        assert solution.sweeps == SWEEPS
        assert solution.change > TOLERANCE
        assert all(rate <= exact + 1e-9 for rate, exact in zip(solution.rates, dense, strict=True))


def test_a_grid_work_barely_leaves_does_not_settle_and_gives_lower_bounds() -> None:
    members, routes, inflow = _grid(5, back=0.2)
    solution = solve_sparse(members, routes, inflow)
    exact = eliminate(members, routes, inflow)
    assert solution is not None
    assert exact is not None
    assert not solution.settled
    assert (solution.sweeps, solution.change > 0.001) == (SWEEPS, True)
    assert all(rate < value for rate, value in zip(solution.rates, exact, strict=True))
    assert solve_sparse(members, routes, inflow) == solution  # the same, every time
