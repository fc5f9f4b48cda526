"""What every layered drawing needs: boxes, back edges, ranks and a spatial index of shapes.

Shared by the BPMN layout (:mod:`wmdsl.render.bpmn_layout`) and the swimlane
layout of the views (:mod:`wmdsl.views.layout`). Everything here takes time
about linear in the size of the graph and depends only on the order of its
input, so a drawing made with it is deterministic.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

Point = tuple[int, int]


@dataclass(frozen=True)
class Box:
    """A rectangle in diagram coordinates (y grows downwards)."""

    x: int
    y: int
    width: int
    height: int

    @property
    def right(self) -> int:
        """The x of the right side."""
        return self.x + self.width

    @property
    def bottom(self) -> int:
        """The y of the bottom side."""
        return self.y + self.height

    @property
    def middle(self) -> int:
        """The y of the horizontal centre line."""
        return self.y + self.height // 2

    def crosses(self, y: int, x1: int, x2: int) -> bool:
        """True when the horizontal segment at ``y`` from ``x1`` to ``x2`` touches this box."""
        low, high = min(x1, x2), max(x1, x2)
        return self.y <= y <= self.bottom and low <= self.right and self.x <= high


class Link(Protocol):
    """An edge to lay out: ``rework`` edges are back edges whatever the order."""

    @property
    def id(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def target(self) -> str: ...
    @property
    def rework(self) -> bool: ...


def back_edges(nodes: Sequence[str], links: Sequence[Link]) -> tuple[set[str], dict[str, int]]:
    """The links to ignore when ranking, and the depth-first discovery order of ``nodes``.

    Rework links are back edges by definition; a depth-first search from the
    nodes without incoming links (then from any node left over) finds the
    other cycles' back edges. What remains is acyclic.
    """
    back = {link.id for link in links if link.rework}
    out: dict[str, list[Link]] = {node: [] for node in nodes}
    entered: set[str] = set()
    for link in links:
        if link.id not in back:
            out[link.source].append(link)
            entered.add(link.target)
    roots = [node for node in nodes if node not in entered] + list(nodes)
    order: dict[str, int] = {}
    on_stack: set[str] = set()
    for root in roots:
        if root in order:
            continue
        order[root] = len(order)
        on_stack.add(root)
        stack = [(root, iter(out[root]))]
        while stack:
            current, pending = stack[-1]
            for link in pending:
                if link.target in on_stack:
                    back.add(link.id)
                elif link.target not in order:
                    order[link.target] = len(order)
                    on_stack.add(link.target)
                    stack.append((link.target, iter(out[link.target])))
                    break
            else:
                on_stack.discard(current)
                stack.pop()
    return back, order


def ranks(nodes: Sequence[str], links: Iterable[Link], back: set[str]) -> dict[str, int]:
    """Longest-path distance of each node from a source over the links that are not ``back``."""
    waiting = dict.fromkeys(nodes, 0)
    out: dict[str, list[str]] = {node: [] for node in nodes}
    for link in links:
        if link.id not in back:
            waiting[link.target] += 1
            out[link.source].append(link.target)
    rank = dict.fromkeys(waiting, 0)
    ready = deque(name for name, count in waiting.items() if count == 0)
    while ready:
        current = ready.popleft()
        for target in out[current]:
            rank[target] = max(rank[target], rank[current] + 1)
            waiting[target] -= 1
            if waiting[target] == 0:
                ready.append(target)
    return rank


class ShapeIndex:
    """The shapes grouped by top, height and width, each group sorted by x.

    A shape touches the horizontal segment at ``y`` from ``low`` to ``high``
    when ``top <= y <= top + height`` and ``low - width <= x <= high``: the
    groups that can hold such shapes are found by bisecting their tops (no
    shape is taller than the tallest), and the shapes inside a group by
    bisecting their x. Finding the shapes in the way of a segment takes
    logarithmic time instead of a look at every shape.
    """

    def __init__(self, shapes: dict[str, Box]) -> None:
        groups: dict[tuple[int, int, int], list[tuple[int, str, Box]]] = defaultdict(list)
        for name, box in shapes.items():
            groups[(box.y, box.height, box.width)].append((box.x, name, box))
        self.tallest = max((box.height for box in shapes.values()), default=0)
        self.keys = sorted(groups)
        self.tops = [top for top, _, _ in self.keys]
        self.members = [sorted(groups[key], key=lambda member: member[0]) for key in self.keys]
        self.xs = [[x for x, _, _ in members] for members in self.members]

    def clear(self, ignore: tuple[str, str], *segments: tuple[int, int, int]) -> bool:
        """True when no shape but those named in ``ignore`` touches any of ``segments`` (y, x1, x2)."""
        for y, x1, x2 in segments:
            low, high = min(x1, x2), max(x1, x2)
            for group in range(bisect_left(self.tops, y - self.tallest), bisect_right(self.tops, y)):
                top, height, width = self.keys[group]
                if top + height < y:
                    continue
                xs, members = self.xs[group], self.members[group]
                for member in range(bisect_left(xs, low - width), bisect_right(xs, high)):
                    _, name, box = members[member]
                    if name not in ignore and box.crosses(y, x1, x2):
                        return False
        return True
