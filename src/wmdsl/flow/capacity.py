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
from collections.abc import Iterable
from dataclasses import dataclass

from wmdsl.model import Document, Lane, Person


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
    lanes = list(lanes)
    explicit_total: dict[str, float] = defaultdict(float)
    implicit_count: dict[str, int] = defaultdict(int)
    for lane in lanes:
        for member in lane.members:
            if member.allocation is not None:
                explicit_total[member.person.name] += member.allocation.fraction
            else:
                implicit_count[member.person.name] += 1
    result = []
    for lane in lanes:
        for member in lane.members:
            handle = member.person.name
            capacity = people[handle].capacity if handle in people else 1.0
            if member.allocation is not None:
                share, explicit = member.allocation.fraction, True
            else:
                share, explicit = max(0.0, 1.0 - explicit_total[handle]) / implicit_count[handle], False
            result.append(Allocation(handle, lane.name, share, share * capacity, explicit))
    return result


def lane_fte(document: Document, found: list[Allocation] | None = None) -> dict[str, float]:
    """The full-time equivalents each lane has, by lane name (from ``found``, the document's allocations)."""
    totals: dict[str, float] = defaultdict(float)
    for allocation in allocations(document) if found is None else found:
        totals[allocation.lane] += allocation.fte
    return dict(totals)
