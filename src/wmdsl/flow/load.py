"""Load pooled across a project: what every workflow asks of each lane and each person.

The flow analysis (:mod:`wmdsl.flow.analysis`) looks at one workflow at a
time, and each of its stages counts its lane's whole capacity. People and
lanes are shared, though: the stages of one lane draw on the same people, in
every workflow of every file that uses the lane, and a person's week is one,
whichever lanes ask for it. This module adds the work up.

It works in two steps, so that a run can check its files separately (in
worker processes, or from the result cache) and still pool what they ask:

:func:`sheet`
    reads one compiled document into a :class:`LoadSheet`: the people and
    lanes in its scope, each by its declaration, and the offered load of each
    stage of its workflows (λ·effort from the workflow's analysis, in FTE:
    the servers' worth of work an open hour of the workflow, over the servers
    one FTE gives that hour, so workflows on different calendars add up),
    with the lane (or, for a stage in no lane that a person owns, the person)
    whose time it takes. A sheet is small, plain data.
:func:`pool`
    merges the sheets of a run into a :class:`Pool`. Each declaration counts
    once, however many documents import it, and two declarations are never
    merged because they use the same name: a person or lane *is* its
    declaration, known by its span (the file as this run shows it, line and
    column). The FTE each person gives each lane follow the convention of
    :mod:`wmdsl.flow.capacity`, over every lane membership of the project, so
    a person in a lane of one file and a lane of another gives each half of
    their time unless shares say otherwise. A lane's load is the sum over its
    stages; a person's is their part of each of their lanes' load, pro rata to
    the FTE they give it, plus the stages they own outside any lane.

Both steps visit each stage, membership and declaration a constant number of
times; :func:`pool` sorts the declarations once, so it is O(n log n) in the
size of the sheets, and linear apart from that sort.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from wmdsl.flow.capacity import shares
from wmdsl.model import Allow, Document, Lane, Person, Workflow
from wmdsl.model.span import Span

if TYPE_CHECKING:
    from wmdsl.flow.results import WorkflowAnalysis

__all__ = [
    "AllowEntry",
    "LaneEntry",
    "LoadSheet",
    "MemberEntry",
    "PersonEntry",
    "PersonPart",
    "Pool",
    "PooledLane",
    "PooledPerson",
    "StageEntry",
    "pool",
    "sheet",
]


@dataclass(frozen=True, slots=True)
class AllowEntry:
    """An ``allow`` that covers a declaration, and whether an unused one is reported.

    Allows on shared declarations are never judged (they may be there for a
    file that imports them and is not checked in this run), as in
    :mod:`wmdsl.rules.checker`.
    """

    code: str
    span: Span
    judged: bool


@dataclass(frozen=True, slots=True)
class PersonEntry:
    """A person as declared."""

    span: Span
    handle: str
    capacity: float
    allows: tuple[AllowEntry, ...] = ()


@dataclass(frozen=True, slots=True)
class MemberEntry:
    """A membership of a lane: who (their declaration; None for an undeclared handle) and what share."""

    person: Span | None
    handle: str
    share: float | None  # the written fraction of their capacity; None: an equal part of what is left
    span: Span


@dataclass(frozen=True, slots=True)
class LaneEntry:
    """A lane as declared, with its members."""

    span: Span
    name: str
    members: tuple[MemberEntry, ...]
    allows: tuple[AllowEntry, ...] = ()


@dataclass(frozen=True, slots=True)
class StageEntry:
    """One stage's offered load and whose time it takes.

    ``target`` is the declaration of the lane the stage is in (or that owns
    it), or, when ``direct``, of the person who owns it outside any lane.
    ``utilisation`` is the stage's own ρ in its workflow's analysis, so that
    a lane whose whole load is one stage already reported overloaded is not
    reported again.
    """

    target: Span
    direct: bool
    workflow: str
    workflow_span: Span
    stage: str
    span: Span
    load: float | None  # λ·effort / per_fte, in FTE; None when arrivals or effort are missing
    utilisation: float | None
    lower_bound: bool = False  # λ counts the intakes with known arrivals only


@dataclass(frozen=True, slots=True)
class LoadSheet:
    """What one compiled document adds to the project's load (see :func:`sheet`)."""

    people: tuple[PersonEntry, ...] = ()
    lanes: tuple[LaneEntry, ...] = ()
    stages: tuple[StageEntry, ...] = ()
    allows: tuple[AllowEntry, ...] = ()  # every judged allow of the codes asked for, used or not


def sheet(
    document: Document,
    analysis: Callable[[Workflow], WorkflowAnalysis],
    codes: frozenset[str] = frozenset(),
) -> LoadSheet:
    """The load sheet of ``document``; ``analysis`` gives each workflow's flow analysis.

    ``codes`` are the codes whose ``allow`` statements the sheet keeps (on
    the declarations, their workflows and their files), for the checks that
    read the pooled load to honour.
    """
    reader = _Reader(document, codes)
    people: list[PersonEntry] = []
    lanes: list[LaneEntry] = []
    shared_people = {p.name: p for p in document.shared.people}
    people.extend(reader.person(p, None) for p in document.shared.people)
    lanes.extend(reader.lane(lane, None, shared_people, {}) for lane in document.shared.lanes)
    stages: list[StageEntry] = []
    for workflow in document.workflows:
        reader.workflow(workflow)
        own = {p.name: p for p in workflow.people}
        people.extend(reader.person(p, workflow) for p in workflow.people)
        lanes.extend(reader.lane(lane, workflow, shared_people, own) for lane in workflow.lanes)
        stages.extend(_stages(workflow, document, analysis(workflow), shared_people, own))
    return LoadSheet(tuple(people), tuple(lanes), tuple(stages), tuple(reader.judged))


class _Reader:
    """Reads declarations with the allows that cover them."""

    def __init__(self, document: Document, codes: frozenset[str]) -> None:
        self.codes = codes
        self.entry = document.file
        self.files: dict[str, list[AllowEntry]] = defaultdict(list)
        self.workflows: dict[int, list[AllowEntry]] = {}
        self.judged: list[AllowEntry] = []
        for allow in document.allows:
            if allow.code in codes:
                self.files[allow.span.file].append(self.entry_of(allow, allow.span.file == self.entry))

    def entry_of(self, allow: Allow, judged: bool) -> AllowEntry:
        entry = AllowEntry(allow.code, allow.span, judged)
        if judged:
            self.judged.append(entry)
        return entry

    def covering(
        self, allows: tuple[Allow, ...], workflow: Workflow | None, file: str
    ) -> tuple[AllowEntry, ...]:
        """The allows that cover a declaration: its own, its workflow's and its file's."""
        found = [self.entry_of(a, workflow is not None) for a in allows if a.code in self.codes]
        if workflow is not None:
            found.extend(self.workflow(workflow))
        found.extend(self.files.get(file, ()))
        return tuple(found)

    def workflow(self, workflow: Workflow) -> list[AllowEntry]:
        """The allows of a workflow block, read once (each is judged, used or not)."""
        if id(workflow) not in self.workflows:
            self.workflows[id(workflow)] = [
                self.entry_of(a, True) for a in workflow.allows if a.code in self.codes
            ]
        return self.workflows[id(workflow)]

    def person(self, person: Person, workflow: Workflow | None) -> PersonEntry:
        allows = self.covering(person.allows, workflow, person.span.file)
        return PersonEntry(person.span, person.name, person.capacity, allows)

    def lane(
        self, lane: Lane, workflow: Workflow | None, shared: Mapping[str, Person], own: Mapping[str, Person]
    ) -> LaneEntry:
        members = []
        for member in lane.members:
            handle = member.person.name
            person = own.get(handle) or shared.get(handle)
            share = member.allocation.fraction if member.allocation is not None else None
            members.append(MemberEntry(person.span if person else None, handle, share, member.span))
        allows = self.covering(lane.allows, workflow, lane.span.file)
        return LaneEntry(lane.span, lane.name, tuple(members), allows)


def _stages(
    workflow: Workflow,
    document: Document,
    figures: WorkflowAnalysis,
    shared: Mapping[str, Person],
    own: Mapping[str, Person],
) -> Iterable[StageEntry]:
    """The load of each stage of ``workflow`` on the lane or person whose time it takes."""
    visible = {lane.name: lane for lane in document.shared.lanes}
    visible.update((lane.name, lane) for lane in workflow.lanes)
    for stage in workflow.stages:
        target: Lane | Person | None = None
        if stage.lane is not None:
            target = visible.get(stage.lane.name)
        elif stage.owner is not None and stage.owner.is_person:
            target = own.get(stage.owner.name) or shared.get(stage.owner.name)
        elif stage.owner is not None:
            target = visible.get(stage.owner.name)
        if target is None:
            continue
        flow = figures.stage(stage.name)
        yield StageEntry(
            target.span,
            isinstance(target, Person),
            workflow.name,
            workflow.span,
            stage.name,
            stage.span,
            None if flow.load is None or flow.per_fte <= 0 else flow.load / flow.per_fte,
            flow.utilisation,
            flow.lower_bound,
        )


#: How many of the stages behind a load are singled out as its busiest.
BUSIEST = 10


def _busiest(stages: Iterable[StageEntry]) -> tuple[StageEntry, ...]:
    """The stages with the most load, most first (in their order on ties): O(n log BUSIEST)."""
    return tuple(heapq.nsmallest(BUSIEST, stages, key=lambda s: -(s.load or 0.0)))


@dataclass(frozen=True, slots=True)
class PooledLane:
    """The work every stage of a lane asks of it, across the project, against its FTE."""

    lane: LaneEntry
    fte: float
    load: float  # Σ λ·effort over its stages whose load is known
    stages: tuple[StageEntry, ...]  # its stages whose load is known, by workflow and order
    unknown: int  # its stages whose load is unknown (load is then a lower bound)
    busiest: tuple[StageEntry, ...]  # its stages with the most load, at most BUSIEST, most first

    @property
    def lower_bound(self) -> bool:
        """True when ``load`` is a lower bound: a stage's load is unknown, or counts some intakes only."""
        return self.unknown > 0 or any(s.lower_bound for s in self.stages)

    @property
    def utilisation(self) -> float | None:
        """load / FTE (None for a lane without members)."""
        return self.load / self.fte if self.fte > 0 else None

    @property
    def workflows(self) -> tuple[str, ...]:
        """The workflows of its stages, in order, each once."""
        return tuple(dict.fromkeys(s.workflow for s in self.stages))


@dataclass(frozen=True, slots=True)
class PersonPart:
    """A person's part of one lane's load (``lane`` None: the stages they own outside any lane)."""

    lane: PooledLane | None
    fte: float  # the FTE they give the lane (their capacity for their own stages)
    load: float  # their part of its load, pro rata to ``fte``
    member: Span | None  # where the membership is written
    stages: tuple[StageEntry, ...]  # the stages behind it
    busiest: tuple[StageEntry, ...]  # those with the most load, at most BUSIEST, most first


@dataclass(frozen=True, slots=True)
class PooledPerson:
    """The work all of a person's lanes and stages ask of them, against their capacity."""

    person: PersonEntry
    load: float
    parts: tuple[PersonPart, ...]
    unknown: bool  # some stage behind it has no known load, or a lower bound (so is ``load``)

    @property
    def utilisation(self) -> float | None:
        """load / capacity (None for a person of no capacity)."""
        return self.load / self.person.capacity if self.person.capacity > 0 else None

    @property
    def workflows(self) -> tuple[str, ...]:
        """The workflows behind their load, in order, each once."""
        return tuple(dict.fromkeys(s.workflow for part in self.parts for s in part.stages))


@dataclass(frozen=True, slots=True)
class Pool:
    """The pooled load of a project: every lane and person once, in order of declaration."""

    lanes: tuple[PooledLane, ...]
    people: tuple[PooledPerson, ...]
    allows: tuple[AllowEntry, ...]  # every judged allow, each once


def pool(sheets: Iterable[LoadSheet]) -> Pool:
    """The load of the project whose documents gave ``sheets`` (see the module docstring)."""
    people: dict[Span, PersonEntry] = {}
    lanes: dict[Span, LaneEntry] = {}
    allows: dict[Span, AllowEntry] = {}
    by_file: dict[str, tuple[StageEntry, ...]] = {}
    for found in sheets:
        for person in found.people:
            people.setdefault(person.span, person)
        for lane in found.lanes:
            lanes.setdefault(lane.span, lane)
        for allow in found.allows:
            allows.setdefault(allow.span, allow)
        # Stages are never shared: a workflow is in one file and is checked
        # with it alone, so a sheet's stages are taken whole, in file order.
        if found.stages:
            by_file.setdefault(found.stages[0].span.file, found.stages)
    ordered = sorted(lanes.values(), key=lambda lane: lane.span.sort_key)
    ordered_stages = [stage for file in sorted(by_file) for stage in by_file[file]]

    # The FTE each member gives each lane, over every membership of the project.
    placed = [(lane, member) for lane in ordered for member in lane.members]
    # An undeclared handle is one person per file (its lanes still get the FTE the analysis gives them).
    written = [(member.person or (lane.span.file, member.handle), member.share) for lane, member in placed]
    given: dict[Span, float] = defaultdict(float)
    memberships: dict[Span, list[tuple[Span, float, Span]]] = defaultdict(list)
    for (lane, member), (share, _) in zip(placed, shares(written), strict=True):
        declared = people.get(member.person) if member.person is not None else None
        fte = share * (declared.capacity if declared is not None else 1.0)
        given[lane.span] += fte
        if declared is not None:
            memberships[declared.span].append((lane.span, fte, member.span))

    on_lane: dict[Span, list[StageEntry]] = defaultdict(list)
    direct: dict[Span, list[StageEntry]] = defaultdict(list)
    for stage in ordered_stages:
        (direct if stage.direct else on_lane)[stage.target].append(stage)
    loads: dict[Span, PooledLane] = {}
    for lane in ordered:
        own = on_lane.get(lane.span, [])
        known = tuple(s for s in own if s.load is not None)
        total = sum(s.load or 0.0 for s in known)
        fte = given.get(lane.span, 0.0)
        loads[lane.span] = PooledLane(lane, fte, total, known, len(own) - len(known), _busiest(known))

    result: list[PooledPerson] = []
    for person in sorted(people.values(), key=lambda p: p.span.sort_key):
        parts: list[PersonPart] = []
        unknown = False
        for lane_span, fte, where in memberships.get(person.span, ()):
            lane_load = loads[lane_span]
            unknown = unknown or lane_load.lower_bound
            if lane_load.load > 0 and lane_load.fte > 0:
                part = lane_load.load * fte / lane_load.fte
                parts.append(PersonPart(lane_load, fte, part, where, lane_load.stages, lane_load.busiest))
        own = direct.get(person.span, [])
        known = tuple(s for s in own if s.load is not None)
        unknown = unknown or len(known) < len(own) or any(s.lower_bound for s in known)
        mine = sum(s.load or 0.0 for s in known)
        if mine > 0:
            parts.append(PersonPart(None, person.capacity, mine, None, known, _busiest(known)))
        result.append(PooledPerson(person, sum((p.load for p in parts), 0.0), tuple(parts), unknown))
    ordered_allows = sorted(allows.values(), key=lambda a: a.span.sort_key)
    return Pool(tuple(loads[lane.span] for lane in ordered), tuple(result), tuple(ordered_allows))
