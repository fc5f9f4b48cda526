"""What every workflow asks of the lanes and people: the capacity page and each lane page's summary.

The figures are the project's pooled load (:mod:`wmdsl.flow.load`): a lane's
work is that of its stages in every workflow the handbook covers, a person's
their part of each of their lanes' work and of the stages they own. The
capacity page lists every lane and person once; a lane page, which exists
in each workflow that uses the lane, sums it up in a few lines and points
there, so a lane shared by many workflows costs its pages no more than one.
"""

from __future__ import annotations

from wmdsl.flow.load import Pool, PooledLane
from wmdsl.handbook.blocks import Block, Code, Facts, Heading, Line, Link, Page, Paragraph, Table, line
from wmdsl.handbook.pages import section

CAPACITY = "capacity"


def _fte(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def _share(load: float, capacity: float) -> str:
    return f"{load / capacity * 100:.0f}%" if capacity > 0 else "—"


def _names(names: tuple[str, ...], most: int = 5) -> Line:
    shown = [Code(name) for name in names[:most]]
    parts: list[Code | str] = []
    for index, name in enumerate(shown):
        parts += [", " if index else "", name]
    if len(names) > most:
        parts.append(f", … ({len(names)} in all)")
    return line(*parts) if names else line("—")


def capacity_page(pool: Pool, nav: tuple[Link, ...], source: str) -> Page:
    """Every lane and person with the work all the workflows ask of them."""
    lanes = tuple(
        (
            line(Code(lane.lane.name)),
            line(_fte(lane.fte)),
            line(("at least " if lane.lower_bound else "") + _fte(lane.load)),
            line(_share(lane.load, lane.fte)),
            _names(lane.workflows),
        )
        for lane in pool.lanes
    )
    people = tuple(
        (
            line(Code(person.person.handle)),
            line(_fte(person.person.capacity)),
            line(("at least " if person.unknown else "") + _fte(person.load)),
            line(_share(person.load, person.person.capacity)),
            _names(tuple(part.lane.lane.name for part in person.parts if part.lane is not None)),
            _names(person.workflows),
        )
        for person in pool.people
        if person.parts
    )
    blocks: list[Block] = [
        Heading(1, line("Capacity across workflows")),
        Paragraph(
            line(
                "The work every stage asks of its lane (arrivals × effort, in full-time equivalents), "
                "added up over every workflow of this handbook; a person carries their part of each "
                "of their lanes' work, in proportion to the time they give it, and the stages they own."
            )
        ),
        *section(
            "Lanes", Table(("Lane", "FTE", "Work asked (FTE)", "Load", "Workflows"), lanes, "No lanes.")
        ),
        *section(
            "People",
            Table(
                ("Person", "Capacity (FTE)", "Work asked (FTE)", "Load", "Lanes", "Workflows"),
                people,
                "No one has work with known arrivals and effort.",
            ),
        ),
    ]
    return Page(CAPACITY, "Capacity", tuple(blocks), nav, source)


def lane_load(lane: PooledLane) -> tuple[Block, ...]:
    """A lane page's summary of what every workflow asks of the lane."""
    least = "at least " if lane.lower_bound else ""
    facts = (
        ("FTE", line(_fte(lane.fte))),
        ("Work asked", line(f"{least}{_fte(lane.load)} FTE ({_share(lane.load, lane.fte)})")),
        ("Workflows", _names(lane.workflows)),
        ("Details", line(Link("Capacity across workflows", CAPACITY))),
    )
    return (Heading(2, line("Load across workflows")), Facts(facts))
