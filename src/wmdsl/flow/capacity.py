"""Who gives how much time to which lane.

Convention (documented in docs/language.md): ``members @ana 50%`` gives half
of Ana's capacity (``person @ana { capacity 0.8 }``, in FTE, default 1.0) to
the lane. A member listed without a share gets an equal part of what the
person's explicit shares leave over. So a person in two lanes without shares
gives half to each, and nobody is over-allocated unless their explicit shares
add up past 100%.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from wmdsl.model import Document, Lane, Person

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Allocation:
    """One person's time in one lane."""

    person: str
    lane: str
    share: float  # fraction of the person's capacity
    fte: float  # share × capacity
    explicit: bool


def all_lanes(document: Document) -> list[Lane]:
    """Every lane of the document once: shared ones, then each workflow's own."""
    lanes = list(document.shared.lanes)
    for workflow in document.workflows:
        lanes.extend(workflow.lanes)
    return lanes


def all_people(document: Document) -> dict[str, Person]:
    """Every declared person by handle."""
    people = {p.name: p for p in document.shared.people}
    for workflow in document.workflows:
        people.update((p.name, p) for p in workflow.people)
    return people


def allocations(document: Document) -> list[Allocation]:
    """Every member of every lane with the share and FTE they give it."""
    return compute(all_lanes(document), all_people(document))


def compute(lanes: Iterable[Lane], people: dict[str, Person]) -> list[Allocation]:
    """Allocations for ``lanes`` (see the module docstring for the convention)."""
    placed = [(lane, member) for lane in lanes for member in lane.members]
    written = [(m.person.name, m.allocation.fraction if m.allocation else None) for _, m in placed]
    result = []
    for (lane, member), (share, explicit) in zip(placed, shares(written), strict=True):
        handle = member.person.name
        capacity = people[handle].capacity if handle in people else 1.0
        result.append(Allocation(handle, lane.name, share, share * capacity, explicit))
    return result


def shares(memberships: Sequence[tuple[K, float | None]]) -> list[tuple[float, bool]]:
    """The share of their capacity each membership gives, and whether it is written.

    ``memberships`` are (person, explicit fraction or None) pairs, one per
    lane membership, the person told apart by any key (a handle within one
    document, a declaration across a project). An explicit fraction is the
    share; the memberships of a person without one split equally what the
    person's explicit fractions leave over (the convention of this module).
    Two passes over the list: linear.
    """
    explicit_total: dict[K, float] = defaultdict(float)
    implicit_count: dict[K, int] = defaultdict(int)
    for person, fraction in memberships:
        if fraction is not None:
            explicit_total[person] += fraction
        else:
            implicit_count[person] += 1
    return [
        (fraction, True)
        if fraction is not None
        else (max(0.0, 1.0 - explicit_total[person]) / implicit_count[person], False)
        for person, fraction in memberships
    ]


def lane_fte(document: Document, found: list[Allocation] | None = None) -> dict[str, float]:
    """The full-time equivalents each lane has, by lane name (from ``found``, the document's allocations)."""
    totals: dict[str, float] = defaultdict(float)
    for allocation in allocations(document) if found is None else found:
        totals[allocation.lane] += allocation.fte
    return dict(totals)
