"""The swimlane layout: bands stacked top to bottom, ranks as columns, folded into tiers.

1. Text. Each shape's text is wrapped to a width and measured
   (:mod:`wmdsl.views.sizing`); the shape is as large as its text needs.
   An arrow with text gets a *label shape* of its own, placed like any other
   shape one column after the arrow's source, so no text is ever drawn on a
   line where another could cross it.
2. Ranks. Back edges (rework, and whatever closes another cycle) are found by
   a depth-first search; every other arrow goes strictly left to right, its
   target's column being its longest-path distance from a source
   (:mod:`wmdsl.render.layers`). Intakes therefore sit on the left and each
   exit one column after the last stage that leads to it.
3. Tiers. A long process would make a picture far wider than high. The
   columns are cut into tiers of consecutive columns, stacked from top to
   bottom like the lines of a page, as few as keep the picture's width
   within :data:`MAX_ASPECT` times its height. Each cut is made where the
   fewest arrows cross, near where an even split would put it. Each tier
   draws the bands that have shapes in it, each with its header.
4. Cells. Shapes sharing a band and a column are stacked in depth-first
   order; a row is as tall as its tallest shape, a column as wide as its
   widest, so no two shapes can overlap.
5. Routes. An arrow inside a tier leaves its source's right side and enters
   its target's left side, turning only in the gaps between columns (and
   along the free line between two rows when a shape is in the way); a back
   edge inside a tier runs back along a channel at the bottom of the lower
   of its two bands; an arrow between tiers runs through the gutters between
   tiers (and along the left margin when it skips a tier). Each vertical run
   in a gap and each line in a channel, gutter or margin has a slot of its
   own, so parallel arrows do not draw over each other.

Every step takes time about linear in the number of shapes and arrows (the
shapes in the way of a run are found in a spatial index), and the result
depends only on the order of the input.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from wmdsl.render.layers import Box, Point, ShapeIndex, back_edges, ranks
from wmdsl.views import metrics
from wmdsl.views.picture import Arrow, Band, Picture, Shape
from wmdsl.views.sizing import HEADER_WIDTH, PAD_X, PAD_Y, SMALL, Link, Sized, line_height, sized
from wmdsl.views.tiers import crossing, cuts, gutter_pair

COLUMN_GAP = 64  # between two columns at least: room for the vertical runs of arrows
ROW_GAP = 24
BAND_MARGIN = 16  # above the first row and below the last row of a band
STEP = 8  # between two parallel lines in a gap, channel, gutter or margin
GUTTER = 28  # between two tiers, before their lines
EDGE = 16  # round the whole picture
TITLE_SIZE = 18
LEGEND_SAMPLE = 48  # px of line drawn before a legend entry's text
MAX_ASPECT = 3.0  # width over height past which a picture is folded into tiers
FOLDED_ASPECT = 2.0  # what folding aims at
# The vertical runs in a gap, STEP apart from its middle: the runs out of the shapes on its left
# take its left half, the runs into the shapes on its right its right half, so a line leaving
# one shape never runs over a line entering another. A gap is as wide as its runs need.
RUN_START = 4  # px from the middle of a gap to its first run on either side
# Where the lines along a street (the free line between two rows) go, from its middle.
STREET_OFFSETS = (0, -4, 4, -8, 8)


@dataclass(frozen=True, slots=True)
class Placed:
    """A shape where it is drawn, with its text in lines."""

    shape: Shape
    box: Box
    title: tuple[str, ...]
    details: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Route:
    """One line of an arrow: to its label shape (no head) or to its target."""

    arrow: Arrow
    points: tuple[Point, ...]
    head: bool


@dataclass(frozen=True, slots=True)
class PlacedBand:
    """A band in one tier, with its header text in lines."""

    band: Band
    box: Box
    header: int  # width of the header on the left of the box
    title: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Drawing:
    """Everything placed: the picture's size, its title lines, bands, shapes and routes."""

    picture: Picture
    width: int
    height: int
    title: tuple[str, ...]
    bands: tuple[PlacedBand, ...]
    shapes: tuple[Placed, ...]
    routes: tuple[Route, ...]
    legend_y: int


def place(picture: Picture) -> Drawing:
    """Place ``picture``: folded into tiers when it is more than :data:`MAX_ASPECT` times wider than high."""
    measured = sized(picture)
    ids = [shape.id for shape in measured.shapes]
    back, order = back_edges(ids, measured.links)
    rank = ranks(ids, measured.links, back)
    columns = max(rank.values(), default=0) + 1
    crossings = crossing(measured.links, rank, columns)
    tiers = 1
    drawing = _Grid(picture, measured, back, order, rank, cuts(crossings, tiers)).draw()
    while drawing.width > MAX_ASPECT * drawing.height and tiers < columns:
        # Folding into T tiers divides the width by about T and multiplies the height by T.
        wanted = math.ceil(math.sqrt(drawing.width / (FOLDED_ASPECT * drawing.height)) * tiers)
        tiers = min(columns, max(tiers + 1, wanted))
        drawing = _Grid(picture, measured, back, order, rank, cuts(crossings, tiers)).draw()
    return drawing


class _Grid:
    """One placing of a picture in a given number of tiers (a working object: built up as it goes)."""

    def __init__(
        self,
        picture: Picture,
        sized: Sized,
        back: set[str],
        order: dict[str, int],
        rank: dict[str, int],
        tier_of: list[int],
    ) -> None:
        self.picture, self.sized, self.back, self.order, self.rank = picture, sized, back, order, rank
        self.tier_of = tier_of  # the tier of each column
        self.columns, self.tiers = len(tier_of), (tier_of[-1] + 1 if tier_of else 1)
        self.column_x: list[int] = []  # left x of each column (by rank), in its tier
        self.column_width: list[int] = []
        self.gap_left: list[int] = []  # the gap on the left of each column
        self.gap_right: list[int] = []  # the gap on the right of each column
        self.boxes: dict[str, Box] = {}
        self.row_top: dict[str, int] = {}  # top of the row each shape is in
        self.out_runs: dict[int, dict[str, int]] = {}  # by column: the slot of each shape's run out
        self.in_runs: dict[int, dict[str, int]] = {}  # by column: the slot of each shape's run in
        self.streets: dict[int, int] = {}  # lines drawn along each street so far
        self.exits: list[dict[int, str]] = []
        self.entries: list[dict[int, str]] = []

    def tier(self, shape: str) -> int:
        return self.tier_of[self.rank[shape]]

    def gap_before(self, column: int, owner: str) -> int:
        """The x of ``owner``'s vertical run into ``column``, in the gap on its left."""
        middle = self.column_x[column] - self.gap_left[column] // 2
        return middle + RUN_START + STEP * self._slot(self.in_runs, column, owner)

    def gap_after(self, column: int, owner: str) -> int:
        """The x of ``owner``'s vertical run out of ``column``, in the gap on its right (in its tier)."""
        middle = self.column_x[column] + self.column_width[column] + self.gap_right[column] // 2
        return middle - RUN_START - STEP * self._slot(self.out_runs, column, owner)

    def street(self, target: str) -> int:
        """The y of a line along the free line above ``target``'s row: each line a slot of its own."""
        middle = self.row_top[target] - ROW_GAP // 2
        lines = self.streets.setdefault(middle, 0)
        self.streets[middle] = lines + 1
        return middle + STREET_OFFSETS[lines % len(STREET_OFFSETS)]

    @staticmethod
    def _slot(runs: dict[int, dict[str, int]], column: int, owner: str) -> int:
        slots = runs.setdefault(column, {})
        return slots.setdefault(owner, len(slots))

    def _gaps(self) -> None:
        """How wide the gaps on the left and right of each column are: as wide as their runs need."""
        outs: list[set[str]] = [set() for _ in range(self.columns)]
        ins: list[set[str]] = [set() for _ in range(self.columns)]
        for link in self.sized.links:
            outs[self.rank[link.source]].add(link.source)
            ins[self.rank[link.target]].add(link.target)

        def width(runs: int) -> int:
            return max(COLUMN_GAP, 2 * (RUN_START + STEP * runs + STEP))

        self.gap_left = [0] * self.columns
        self.gap_right = [0] * self.columns
        for column in range(self.columns):
            first = column == 0 or self.tier_of[column] != self.tier_of[column - 1]
            last = column + 1 == self.columns or self.tier_of[column + 1] != self.tier_of[column]
            if first:
                self.gap_left[column] = width(len(ins[column]))
            if last:
                self.gap_right[column] = width(len(outs[column]))
            else:
                shared = width(max(len(outs[column]), len(ins[column + 1])))
                self.gap_right[column] = self.gap_left[column + 1] = shared

    def draw(self) -> Drawing:
        sized, picture = self.sized, self.picture
        title = tuple(metrics.wrap(picture.title, 1_000_000, TITLE_SIZE, bold=True))
        notes = tuple(picture.notes)
        header_lines = {
            band.id: tuple(metrics.wrap(band.title, HEADER_WIDTH, SMALL + 1, bold=True))
            for band in picture.bands
        }
        header_width = (
            math.ceil(
                max(
                    [
                        metrics.width(line, SMALL + 1, bold=True)
                        for lines in header_lines.values()
                        for line in lines
                    ]
                    + [metrics.width(line, SMALL) for band in picture.bands for line in band.details]
                    + [40.0]
                )
            )
            + 2 * PAD_X
        )
        cross = self._cross_tier()
        skips = sum(1 for source, target, _ in cross if abs(target - source) > 1)
        margin = EDGE + (skips + 1) * STEP if skips else EDGE
        left = margin
        # Columns: each as wide as its widest shape; each tier starts again at the left.
        self.column_width = [0] * self.columns
        for shape in sized.shapes:
            column = self.rank[shape.id]
            self.column_width[column] = max(self.column_width[column], sized.size[shape.id][0])
        self.column_x = [0] * self.columns
        self._gaps()
        band_left = left
        content_left = band_left + header_width
        right = content_left
        for column in range(self.columns):
            if column == 0 or self.tier_of[column] != self.tier_of[column - 1]:
                # Every other tier starts half a step further right, so that the runs of two
                # neighbouring tiers, which may meet in the gutter between them, never share an x.
                x = content_left + self.gap_left[column] + (STEP // 2 if self.tier_of[column] % 2 else 0)
            self.column_x[column] = x
            x += self.column_width[column] + self.gap_right[column]
            right = max(right, x)
        # Cells: shapes by tier, band and column, in depth-first order.
        cells: dict[tuple[int, str, int], list[str]] = defaultdict(list)
        for shape in sorted(sized.shapes, key=lambda s: self.order[s.id]):
            cells[(self.tier(shape.id), shape.band, self.rank[shape.id])].append(shape.id)
        row_heights: dict[tuple[int, str], list[int]] = defaultdict(list)
        row_of: dict[str, int] = {}
        by_band: dict[tuple[int, str], list[tuple[int, list[str]]]] = defaultdict(list)
        for (tier, band_id, column), members in cells.items():
            by_band[(tier, band_id)].append((column, members))
            heights = row_heights[(tier, band_id)]
            for index, name in enumerate(members):
                row_of[name] = index
                if index == len(heights):
                    heights.append(0)
                heights[index] = max(heights[index], sized.size[name][1])
        channels = self._channels()
        gutters: dict[int, int] = defaultdict(int)
        for source_tier, target_tier, _ in cross:
            out, into = gutter_pair(source_tier, target_tier)
            gutters[out] += 1
            if into != out:
                gutters[into] += 1
        y = EDGE + line_height(TITLE_SIZE) * len(title) + line_height(SMALL) * len(notes) + 8
        bands: list[PlacedBand] = []
        band_box: dict[tuple[int, str], Box] = {}
        gutter_top: dict[int, int] = {}
        for tier in range(self.tiers):
            gutter_top[tier] = y
            y += GUTTER + gutters[tier] * STEP
            for band in picture.bands:
                if (tier, band.id) not in row_heights:
                    continue
                heights = row_heights[(tier, band.id)]
                lines = channels.get((tier, band.id), 0)
                height = 2 * BAND_MARGIN + sum(heights) + ROW_GAP * (len(heights) - 1)
                height = max(height + (lines * STEP + 4 if lines else 0), _header_height(band, header_lines))
                box = Box(band_left, y, right - band_left, height)
                band_box[(tier, band.id)] = box
                bands.append(PlacedBand(band, box, header_width, header_lines[band.id]))
                row_y, top = [], y + BAND_MARGIN
                for row_height in heights:
                    row_y.append(top)
                    top += row_height + ROW_GAP
                for column, members in by_band[(tier, band.id)]:
                    for name in members:
                        width, shape_height = sized.size[name]
                        row = row_of[name]
                        cell_x = self.column_x[column] + (self.column_width[column] - width) // 2
                        cell_y = row_y[row] + (heights[row] - shape_height) // 2
                        self.boxes[name] = Box(cell_x, cell_y, width, shape_height)
                        self.row_top[name] = row_y[row]
                y += height
        gutter_top[self.tiers] = y
        y += GUTTER + gutters[self.tiers] * STEP
        legend_y = y
        if picture.legend:
            y += line_height(SMALL) * len(picture.legend) + 8
        routes = self._routes(band_box, gutter_top, gutters, margin)
        placed = tuple(Placed(shape, self.boxes[shape.id], *sized.text[shape.id]) for shape in sized.shapes)
        texts = [metrics.width(line, TITLE_SIZE, True) for line in title]
        texts += [metrics.width(line, SMALL) for line in notes]
        texts += [LEGEND_SAMPLE + metrics.width(text, SMALL) for _, text in picture.legend]
        width = max(right + EDGE, EDGE + math.ceil(max(texts, default=0.0)) + EDGE)
        return Drawing(picture, width, y + EDGE, title, tuple(bands), placed, routes, legend_y)

    def _cross_tier(self) -> list[tuple[int, int, str]]:
        """The links between tiers: (source tier, target tier, link id), in input order."""
        result = []
        for link in self.sized.links:
            source, target = self.tier(link.source), self.tier(link.target)
            if source != target:
                result.append((source, target, link.id))
        return result

    def _channels(self) -> dict[tuple[int, str], int]:
        """How many back edges inside a tier run along the bottom of each band of it."""
        index = {band.id: i for i, band in enumerate(self.picture.bands)}
        band_of = {shape.id: shape.band for shape in self.sized.shapes}
        count: dict[tuple[int, str], int] = defaultdict(int)
        for link in self.sized.links:
            if link.id in self.back and self.tier(link.source) == self.tier(link.target):
                band = max(band_of[link.source], band_of[link.target], key=index.__getitem__)
                count[(self.tier(link.source), band)] += 1
        return count

    def _routes(
        self,
        band_box: dict[tuple[int, str], Box],
        gutter_top: dict[int, int],
        gutters: dict[int, int],
        margin: int,
    ) -> tuple[Route, ...]:
        index = ShapeIndex(self.boxes)
        # By column, the heights at which lines leave its shapes and enter them, and whose they are.
        self.exits = [dict[int, str]() for _ in range(self.columns)]
        self.entries = [dict[int, str]() for _ in range(self.columns)]
        for link in self.sized.links:
            self.exits[self.rank[link.source]][self.boxes[link.source].middle] = link.source
            self.entries[self.rank[link.target]][self.boxes[link.target].middle] = link.target
        bands = {band.id: i for i, band in enumerate(self.picture.bands)}
        band_of = {shape.id: shape.band for shape in self.sized.shapes}
        channel_slots: dict[tuple[int, str], int] = defaultdict(int)
        gutter_slots: dict[int, int] = defaultdict(int)
        margin_slot = 0
        routes = []
        for link in self.sized.links:
            source, target = self.boxes[link.source], self.boxes[link.target]
            start, end = (source.right, source.middle), (target.x, target.middle)
            out_x = self.gap_after(self.rank[link.source], link.source)
            in_x = self.gap_before(self.rank[link.target], link.target)
            source_tier, target_tier = self.tier(link.source), self.tier(link.target)
            points: list[Point]
            if source_tier != target_tier:
                out, into = gutter_pair(source_tier, target_tier)
                drop = gutter_top[out] + GUTTER // 2 + gutter_slots[out] * STEP
                gutter_slots[out] += 1
                if into == out:
                    points = [start, (out_x, start[1]), (out_x, drop), (in_x, drop), (in_x, end[1]), end]
                else:
                    side = margin - STEP * (margin_slot + 1)
                    margin_slot += 1
                    rise = gutter_top[into] + GUTTER // 2 + gutter_slots[into] * STEP
                    gutter_slots[into] += 1
                    points = [
                        start, (out_x, start[1]), (out_x, drop), (side, drop),
                        (side, rise), (in_x, rise), (in_x, end[1]), end,
                    ]  # fmt: skip
            elif link.id in self.back:
                band = max(band_of[link.source], band_of[link.target], key=bands.__getitem__)
                box = band_box[(source_tier, band)]
                slot = channel_slots[(source_tier, band)]
                channel_slots[(source_tier, band)] += 1
                channel = box.bottom - 6 - slot * STEP
                points = [start, (out_x, start[1]), (out_x, channel), (in_x, channel), (in_x, end[1]), end]
            else:
                points = self._forward(link, start, end, out_x, in_x, index)
            routes.append(Route(link.arrow, tuple(_simplify(points)), link.head))
        return tuple(routes)

    def _forward(
        self, link: Link, start: Point, end: Point, out_x: int, in_x: int, index: ShapeIndex
    ) -> list[Point]:
        def clear(*segments: tuple[int, int, int]) -> bool:
            return index.clear((link.source, link.target), *segments)

        # A line that crosses the middle of a gap at the height where another shape's line
        # leaves (or enters) would run over it: the turn is made where none does.
        leaving = self.exits[self.rank[link.source]]
        entering = self.entries[self.rank[link.target]]
        if start[1] == end[1] and clear((start[1], start[0], end[0])):
            return [start, end]
        if leaving.get(end[1], link.source) == link.source and clear(
            (start[1], start[0], out_x), (end[1], out_x, end[0])
        ):
            return [start, (out_x, start[1]), (out_x, end[1]), end]
        if entering.get(start[1], link.target) == link.target and clear(
            (start[1], start[0], in_x), (end[1], in_x, end[0])
        ):
            return [start, (in_x, start[1]), (in_x, end[1]), end]
        street = self.street(link.target)
        return [start, (out_x, start[1]), (out_x, street), (in_x, street), (in_x, end[1]), end]


def _header_height(band: Band, header_lines: dict[str, tuple[str, ...]]) -> int:
    return (
        2 * PAD_Y
        + len(header_lines[band.id]) * line_height(SMALL + 1)
        + len(band.details) * line_height(SMALL)
    )


def _simplify(points: list[Point]) -> list[Point]:
    """``points`` without repeats and without points in the middle of a straight run."""
    kept: list[Point] = []
    for point in points:
        if kept and kept[-1] == point:
            continue
        if len(kept) >= 2:
            (x1, y1), (x2, y2) = kept[-2], kept[-1]
            if (x1 == x2 == point[0]) or (y1 == y2 == point[1]):
                kept[-1] = point
                continue
        kept.append(point)
    return kept
