"""Main paths: the most likely forward path from each intake to a done exit.

:func:`main_paths` finds them for every intake at once, from the exits back,
into one :class:`~wmdsl.flow.results.PathTable`; each
:class:`~wmdsl.flow.results.MainPath` is that table seen from one intake.
The analysis's docstring (:mod:`wmdsl.flow.analysis`) says what a main path
is.
"""

from __future__ import annotations

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
    forward = shape.numbered_forward
    for a in reversed(shape.numbered_order):
        here = best[a]
        out = routes[a]
        for b in forward[a]:
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
