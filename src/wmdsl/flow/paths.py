"""Main paths: the most likely forward path from each intake to a done exit.

A path goes through joins like any node; at a fork it follows the branch
with the most hands-on time of those it is as likely to finish by (every
branch is taken, so the slowest one sets the pace).

:func:`main_paths` finds them for every intake at once, from the exits back,
into one :class:`~wmdsl.flow.results.PathTable`; each
:class:`~wmdsl.flow.results.MainPath` is that table seen from one intake.
The analysis's docstring (:mod:`wmdsl.flow.analysis`) says what a main path
is.
"""

from __future__ import annotations

from collections.abc import Mapping

from wmdsl.flow.graph import FlowGraph, Skeleton
from wmdsl.flow.results import MainPath, PathTable
from wmdsl.flow.traffic import TIE, Routes
from wmdsl.model import ExitKind


def main_paths(flow: FlowGraph, shape: Skeleton, routes: Routes) -> tuple[MainPath, ...]:
    """The most likely forward path from each intake to a done exit."""
    names = flow.graph.names
    size = len(names)
    best = [0.0] * size  # the probability of the best path on to a done exit
    choice = [-1] * size  # the node it goes to next
    length = [0] * size
    time: list[float] = [0] * size  # a path without effort takes 0, as the sum of no efforts is
    effort: list[float | None] = [0.0] * size
    stages = bytearray(size)
    largest = [-1] * size
    penultimate = [-1] * size
    for a, stage in zip(flow.stage_numbers, flow.workflow.stages, strict=True):
        effort[a] = stage.effort.hours if stage.effort is not None else None
        stages[a] = 1
    for a, exit_ in zip(flow.exit_numbers, flow.workflow.exits, strict=True):
        if exit_.kind is ExitKind.DONE:
            best[a], length[a] = 1.0, 1  # exits have no forward handoffs: it stays so
    # The branches of a fork are all taken: the path follows the one with the
    # most hands-on time of those that reach a done exit (the critical path).
    fork_of = {
        edge: handoff.fork
        for edge, handoff in zip(flow.edges, flow.workflow.handoffs, strict=True)
        if handoff.fork is not None
    }
    forward = shape.numbered_forward
    for a in reversed(shape.numbered_order):
        here = best[a]
        out = routes[a]
        for b in _ways(a, forward[a], fork_of, best, time) if fork_of else forward[a]:
            chance = out.get(b, 0.0) * best[b]
            if chance > 0 and chance > here * (1 + TIE):
                here, choice[a] = chance, b
        best[a] = here
        b = choice[a]
        if b < 0:
            continue
        # What the path from ``a`` adds to the one from ``b``, its next node.
        own = effort[a]
        length[a] = length[b] + 1
        time[a] = time[b] + own if stages[a] and own is not None else time[b]
        after = largest[b]
        if stages[a] and own is not None and (after < 0 or (effort[after] or 0.0) <= own):
            after = a  # the first of equals: this one comes before
        largest[a] = after
        penultimate[a] = a if length[b] == 1 else penultimate[b]
    table = PathTable(
        tuple(names),
        tuple(choice),
        tuple(length),
        tuple(time),
        tuple(effort),
        tuple(largest),
        tuple(penultimate),
    )
    return tuple(
        MainPath(intake.name, best[a], time[a], a, table)
        for a, intake in zip(flow.intake_numbers, flow.workflow.intakes, strict=True)
        if best[a]
    )


def _ways(
    a: int,
    after: tuple[int, ...],
    fork_of: Mapping[tuple[int, int], str],
    best: list[float],
    time: list[float],
) -> list[int]:
    """The nodes after ``a`` a path may go on to: of each fork's branches, only its slowest.

    The slowest branch that reaches a done exit at all (the first of equals),
    in the place of the fork's first branch.
    """
    ways: list[int] = []
    slowest: dict[str, int] = {}  # by fork: the index in ``ways`` of its branch
    for b in after:
        fork = fork_of.get((a, b))
        if fork is None:
            ways.append(b)
        elif fork not in slowest:
            slowest[fork] = len(ways)
            ways.append(b)
        else:
            kept = ways[slowest[fork]]
            if best[b] > 0 and (best[kept] <= 0 or time[b] > time[kept]):
                ways[slowest[fork]] = b
    return ways
