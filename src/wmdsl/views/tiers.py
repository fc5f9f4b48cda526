"""Folding a picture into tiers: where to cut its columns, and which gutters a line between tiers takes."""

from __future__ import annotations

from wmdsl.views.sizing import Link


def crossing(links: list[Link], rank: dict[str, int], columns: int) -> list[int]:
    """How many links cross the boundary on the left of each column (a difference array, summed)."""
    change = [0] * (columns + 1)
    for link in links:
        low, high = sorted((rank[link.source], rank[link.target]))
        change[low + 1] += 1
        change[high + 1] -= 1
    crossing, running = [], 0
    for column in range(columns):
        running += change[column]
        crossing.append(running)
    return crossing


def cuts(crossing: list[int], tiers: int) -> list[int]:
    """The tier of each column: ``tiers`` runs of columns, each cut where the fewest links cross.

    Cut ``i`` goes near ``i / tiers`` of the way (within a quarter of a tier's
    width), at the column boundary with the fewest crossings, the nearest to
    the even split on ties; cuts stay in order and leave no tier empty.
    """
    columns = len(crossing)
    tiers = max(1, min(tiers, columns))
    width = columns / tiers
    reach = max(0, int(width // 4))
    cuts, previous = [], 0
    for index in range(1, tiers):
        ideal = round(index * width)
        low = max(previous + 1, ideal - reach)
        high = min(columns - (tiers - index), ideal + reach)
        best = min(range(low, high + 1), key=lambda at: (crossing[at], abs(at - ideal)))
        cuts.append(best)
        previous = best
    tier_of, tier = [], 0
    bounds = iter([*cuts, columns])
    bound = next(bounds)
    for column in range(columns):
        if column == bound:
            tier += 1
            bound = next(bounds)
        tier_of.append(tier)
    return tier_of


def gutter_pair(source: int, target: int) -> tuple[int, int]:
    """The gutters an arrow from tier ``source`` to tier ``target`` leaves and enters by.

    Gutter ``i`` is the one above tier ``i``. Forwards, an arrow leaves below
    its tier and enters above its target's; backwards, above and below: so an
    arrow between neighbouring tiers uses the one gutter between them.
    """
    if target > source:
        return source + 1, target
    return source, target + 1
