"""Diagram geometry for the BPMN renderer: lanes stacked as bands, ranks as columns.

The input is the process as BPMN sees it (events, tasks, gateways and the
sequence flows between them, each node in one lane); the output is the
bounds of the pool, the lanes and every node, and the waypoints of every
flow. The algorithm:

1. Back edges. Flows marked as rework are back edges by definition; a
   depth-first search from the nodes without incoming flows (then from any
   node left over) finds the other cycles' back edges. What remains is
   acyclic.
2. Ranks. Each node's column is its longest-path distance from a source over
   the forward flows, so every forward flow goes strictly left to right.
3. Rows. Nodes sharing a lane and a column are stacked in depth-first
   discovery order (the first branch taken stays on the top row); a lane is
   as tall as its fullest column, plus a channel for the back edges that
   run along its bottom.
4. Edges. A forward flow leaves its source's right side and enters its
   target's left side, turning only in the gaps between columns; when a
   horizontal run would cross a shape it runs along the free line between
   rows instead. A back edge drops into the channel of the lower of its two
   lanes and runs back left there. The shapes in the way of a run are looked
   up in an index of the shapes by row and x, so routing every flow takes
   time about linear in the number of flows.

Everything is an integer and depends only on the order of the input, so the
output is deterministic.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal

from wmdsl.render.layers import Box, Point, ShapeIndex, back_edges, ranks

Kind = Literal["event", "task", "gateway"]

SIZES: dict[str, tuple[int, int]] = {"event": (36, 36), "task": (100, 80), "gateway": (50, 50)}
POOL_X = 160
POOL_Y = 80
HEADER = 30  # the band on the left of a pool or lane where its name is written
MARGIN = 10  # between a lane's edge and the columns or rows inside it
COLUMN_GAP = 50  # between the widest shapes of two neighbouring columns
ROW = 120  # height of one row of shapes inside a lane
CHANNEL_STEP = 10  # between two back edges running along the same lane bottom
# Where vertical runs go inside a gap between columns (at most 16 from its middle, so
# clear of the shapes): the flows out of one node share a run, as do the flows into one.
OFFSETS = (0, -8, 8, -16, 16)


@dataclass(frozen=True)
class Node:
    """A flow node to place: its id, its size class and the id of its lane."""

    id: str
    kind: Kind
    lane: str


@dataclass(frozen=True)
class Flow:
    """A sequence flow to route; ``rework`` flows are always back edges."""

    id: str
    source: str
    target: str
    rework: bool = False


@dataclass
class Layout:
    """Where everything goes: bounds by element id, waypoints by flow id."""

    pool: Box
    lanes: dict[str, Box]
    shapes: dict[str, Box]
    edges: dict[str, list[Point]] = field(default_factory=dict)


@dataclass
class _Grid:
    """The intermediate results: back edges, lanes, ranks, rows, columns and runs in the gaps."""

    back: set[str]
    lane_of: dict[str, str]
    rank: dict[str, int]
    row: dict[str, int]
    columns: list[int]  # x of each column's left boundary, plus the right end
    runs: dict[int, dict[str, int]] = field(default_factory=dict)

    def gap(self, column: int, owner: str) -> int:
        """The x of ``owner``'s vertical run in the gap on the left of ``column``."""
        runs = self.runs.setdefault(column, {})
        slot = runs.setdefault(owner, len(runs))
        return self.columns[column] + OFFSETS[slot % len(OFFSETS)]


def layout(lanes: list[str], nodes: list[Node], flows: list[Flow]) -> Layout:
    """Place ``nodes`` in the bands of ``lanes`` (top to bottom) and route ``flows``."""
    ids = [node.id for node in nodes]
    back, order = back_edges(ids, flows)
    rank = ranks(ids, flows, back)
    row, rows = _rows(nodes, rank, order)
    grid = _Grid(back, {node.id: node.lane for node in nodes}, rank, row, _columns(nodes, rank))
    channels = _channels(lanes, nodes, flows, back)
    lane_boxes = _lane_boxes(lanes, rows, channels, grid.columns[-1] + MARGIN)
    pool_box = Box(POOL_X, POOL_Y, grid.columns[-1] + MARGIN - POOL_X, _bottom(lane_boxes) - POOL_Y)
    shapes = {node.id: _shape(node, grid, lane_boxes[node.lane]) for node in nodes}
    result = Layout(pool_box, lane_boxes, shapes)
    index = ShapeIndex(shapes)
    slots: dict[str, int] = defaultdict(int)
    for flow in flows:
        if flow.id in back:
            lane = channels.owner[flow.id]
            result.edges[flow.id] = _back_route(flow, grid, shapes, lane_boxes[lane], slots[lane])
            slots[lane] += 1
        else:
            result.edges[flow.id] = _forward_route(flow, grid, shapes, lane_boxes, index)
    return result


def _rows(
    nodes: list[Node], rank: dict[str, int], order: dict[str, int]
) -> tuple[dict[str, int], dict[str, int]]:
    """Each node's row inside its lane, and how many rows each lane needs."""
    cells: dict[tuple[str, int], list[str]] = defaultdict(list)
    for node in sorted(nodes, key=lambda n: order[n.id]):
        cells[(node.lane, rank[node.id])].append(node.id)
    row: dict[str, int] = {}
    rows: dict[str, int] = defaultdict(lambda: 1)
    for (lane, _), members in cells.items():
        rows[lane] = max(rows[lane], len(members))
        for index, name in enumerate(members):
            row[name] = index
    return row, rows


def _columns(nodes: list[Node], rank: dict[str, int]) -> list[int]:
    """The left boundary x of every column (and the right end), each as wide as its widest shape."""
    count = max(rank.values(), default=0) + 1
    widths = [0] * count
    for node in nodes:
        widths[rank[node.id]] = max(widths[rank[node.id]], SIZES[node.kind][0])
    columns = [POOL_X + 2 * HEADER + MARGIN]
    for width in widths:
        columns.append(columns[-1] + (width or SIZES["event"][0]) + COLUMN_GAP)
    return columns


@dataclass
class _Channels:
    """Which lane's bottom channel carries each back edge, and how many per lane."""

    owner: dict[str, str]
    count: dict[str, int]


def _channels(lanes: list[str], nodes: list[Node], flows: list[Flow], back: set[str]) -> _Channels:
    lane_of = {node.id: node.lane for node in nodes}
    index = {lane: i for i, lane in enumerate(lanes)}
    channels = _Channels({}, defaultdict(int))
    for flow in flows:
        if flow.id in back:
            lane = max(lane_of[flow.source], lane_of[flow.target], key=index.__getitem__)
            channels.owner[flow.id] = lane
            channels.count[lane] += 1
    return channels


def _lane_boxes(lanes: list[str], rows: dict[str, int], channels: _Channels, right: int) -> dict[str, Box]:
    """The lane bands, stacked from the top of the pool."""
    boxes: dict[str, Box] = {}
    y = POOL_Y
    for lane in lanes:
        count = channels.count[lane]
        height = 2 * MARGIN + rows[lane] * ROW + (count * CHANNEL_STEP + MARGIN if count else 0)
        boxes[lane] = Box(POOL_X + HEADER, y, right - POOL_X - HEADER, height)
        y += height
    return boxes


def _bottom(boxes: dict[str, Box]) -> int:
    return max((box.bottom for box in boxes.values()), default=POOL_Y + 2 * MARGIN + ROW)


def _shape(node: Node, grid: _Grid, lane: Box) -> Box:
    """The bounds of ``node``: centred in its column and in its row."""
    width, height = SIZES[node.kind]
    left, right = grid.columns[grid.rank[node.id]], grid.columns[grid.rank[node.id] + 1]
    top = lane.y + MARGIN + grid.row[node.id] * ROW
    return Box(left + (right - left - width) // 2, top + (ROW - height) // 2, width, height)


def _street(box: Box, lane: Box) -> int:
    """The free line between the rows, just above the row of ``box``."""
    return lane.y + MARGIN + (box.y - lane.y - MARGIN) // ROW * ROW


def _forward_route(
    flow: Flow, grid: _Grid, shapes: dict[str, Box], lanes: dict[str, Box], index: ShapeIndex
) -> list[Point]:
    """Right side to left side, turning in a gap between columns, around any shape in the way."""
    source, target = shapes[flow.source], shapes[flow.target]
    start, end = (source.right, source.middle), (target.x, target.middle)

    def clear(*segments: tuple[int, int, int]) -> bool:
        return index.clear((flow.source, flow.target), *segments)

    if start[1] == end[1] and clear((start[1], start[0], end[0])):
        return [start, end]
    after_source = grid.gap(grid.rank[flow.source] + 1, flow.source)
    if clear((start[1], start[0], after_source), (end[1], after_source, end[0])):
        return [start, (after_source, start[1]), (after_source, end[1]), end]
    before_target = grid.gap(grid.rank[flow.target], flow.target)
    if clear((start[1], start[0], before_target), (end[1], before_target, end[0])):
        return [start, (before_target, start[1]), (before_target, end[1]), end]
    street = _street(target, lanes[grid.lane_of[flow.target]])
    return [
        start,
        (after_source, start[1]),
        (after_source, street),
        (before_target, street),
        (before_target, end[1]),
        end,
    ]


def _back_route(flow: Flow, grid: _Grid, shapes: dict[str, Box], lane: Box, slot: int) -> list[Point]:
    """Out of the source's right side, back along the channel of ``lane``, into the target's left side."""
    source, target = shapes[flow.source], shapes[flow.target]
    out_x = grid.gap(grid.rank[flow.source] + 1, flow.source)
    in_x = grid.gap(grid.rank[flow.target], flow.target)
    channel = lane.bottom - MARGIN - slot * CHANNEL_STEP
    return [
        (source.right, source.middle),
        (out_x, source.middle),
        (out_x, channel),
        (in_x, channel),
        (in_x, target.middle),
        (target.x, target.middle),
    ]
