"""The records a flow analysis hands back, and how its times read.

:func:`wmdsl.flow.analysis.analyze` fills them; the reports
(:mod:`wmdsl.output.analysis`) and the flow rules read them. They hold the
figures, ``None`` where an input is missing, and compute nothing but what
follows from their own fields: a :class:`MainPath` reads its nodes off the
:class:`PathTable` that :func:`wmdsl.flow.paths.main_paths` builds.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

from wmdsl.flow.calendar import OFFICE_HOURS, Schedule

HOURS_PER_WEEK = 40.0  # open hours of the default office week


@dataclass(frozen=True, slots=True)
class Note:
    """Something the reader of an analysis should know, about a node or the workflow."""

    message: str
    subject: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Assumption:
    """A default the analysis took where the spec says nothing, and what it applies to."""

    what: str  # what was assumed, in a few words
    value: str  # the value assumed
    why: str  # why: what the spec leaves unsaid
    subjects: tuple[str, ...] = ()  # the elements it applies to, in declaration order (none: the workflow)
    details: tuple[str, ...] = ()  # the value for each subject where it differs between them

    @property
    def where(self) -> str:
        """The elements it applies to for a reader: all of them, or the first few and how many."""
        return listed(self.subjects, self.details)


def listed(names: Iterable[str], details: Iterable[str] = (), most: int = 6) -> str:
    """Names for a message, each with its detail if given: all, or the first few and how many."""
    items = list(names)
    extra = [f" ({d})" for d in details] or [""] * len(items)
    shown = ", ".join(f"`{n}`{e}" for n, e in zip(items[:most], extra, strict=False))
    return shown if len(items) <= most else f"{shown}, … ({len(items)} in all)"


@dataclass(frozen=True, slots=True)
class Route:
    """The probability that work leaving ``source`` takes the handoff to ``target``."""

    source: str
    target: str
    probability: float
    explicit: bool  # written as a `chance`, not inferred


@dataclass(frozen=True, slots=True)
class StageFlow:
    """The flow figures of one stage; ``None`` where an input is missing."""

    name: str
    lane: str | None
    rate: float | None  # λ, items per open hour of the workflow
    effort: float | None  # mean touch time, hours
    capacity: float | None  # FTE the stage can draw on, before its `wip` limit
    servers: float | None  # min(capacity × per_fte, wip)
    utilisation: float | None  # ρ
    wait: float | None  # expected open hours in the queue (None when unknown or unbounded)
    time: float | None  # wait + effort
    visits: float | None  # λ / total arrivals: how often an average item passes here
    unstable: str | None = None  # why the queue grows without bound
    per_fte: float = 1.0  # servers one FTE gives an open hour (see wmdsl.flow.calendar.servers_per_fte)
    week: float = HOURS_PER_WEEK  # the workflow's open hours a week
    lower_bound: bool = False  # λ and what follows from it count the known intakes only
    unknown_intake: str | None = None  # an intake without `arrivals` whose work reaches the stage

    @property
    def per_week(self) -> float | None:
        """λ in items per week."""
        return None if self.rate is None else self.rate * self.week

    @property
    def wip_bound(self) -> bool:
        """True when the ``wip`` limit, not the people, caps the servers."""
        if self.servers is None or self.capacity is None:
            return False
        return self.servers < self.capacity * self.per_fte

    @property
    def load(self) -> float | None:
        """λ·effort: how many servers' worth of work the stage receives."""
        return None if self.rate is None or self.effort is None else self.rate * self.effort


@dataclass(frozen=True, slots=True)
class ExitFlow:
    """How much work leaves through one exit."""

    name: str
    kind: str
    rate: float | None
    lower_bound: bool = False  # counts the known intakes only


@dataclass(frozen=True, slots=True)
class JoinFlow:
    """How much work passes a join, and how long the first branches to arrive wait there."""

    name: str
    rate: float | None  # items per open hour it lets through: its inflow over its handoffs in
    wait: float | None = None  # expected open hours from the slowest branch's mean to the last arrival
    week: float = HOURS_PER_WEEK  # the workflow's open hours a week
    lower_bound: bool = False  # counts the known intakes only

    @property
    def per_week(self) -> float | None:
        """The rate in items per week."""
        return None if self.rate is None else self.rate * self.week


@dataclass(frozen=True, slots=True)
class LaneLoad:
    """The work all of a lane's stages ask of it, against its capacity."""

    name: str
    fte: float
    demand: float | None  # Σ λ·effort / per_fte over its stages (FTE of work)
    stages: tuple[str, ...]
    lower_bound: bool = False  # some of its stages' rates count the known intakes only

    @property
    def utilisation(self) -> float | None:
        """demand / FTE."""
        if self.demand is None or self.fte <= 0:
            return None
        return self.demand / self.fte


@dataclass(frozen=True, slots=True)
class PathTable:
    """The most likely forward path on to a done exit from every node of a workflow, as one table.

    Each node keeps the node its path goes to next, so the paths of intakes
    that join share their common part, and the figures a check reads of a
    path (its length, its hands-on time, its last two nodes, its stage with
    the most effort) are summed once per node, from the exits back: many
    intakes feeding one long chain cost the chain once, not once per intake.
    By node number; ``-1`` where there is no such node.
    """

    names: tuple[str, ...]  # the flow graph's node names
    onward: tuple[int, ...]  # the next node of the path
    length: tuple[int, ...]  # the nodes of the path from here, this one included (0: no path)
    process_time: tuple[float, ...]  # Σ effort of its stages from here on
    effort: tuple[float | None, ...]  # a stage's effort in hours (None without one); 0.0 for other nodes
    largest: tuple[int, ...]  # the stage with the most effort from here on, the first on ties
    penultimate: tuple[int, ...]  # the node before the path's last

    def walk(self, start: int) -> Iterable[int]:
        """The node numbers of the path from ``start``."""
        onward = self.onward
        while start >= 0:
            yield start
            start = onward[start]


@dataclass(frozen=True)  # not slotted: the cached properties keep their values in __dict__
class MainPath:
    """The most likely path from an intake to a done exit, and its hands-on time.

    A view of the workflow's :class:`PathTable` from the intake's node: the
    nodes are listed when first asked; the length, the ends and the stage
    with the most effort cost nothing more.
    """

    intake: str
    probability: float
    process_time: float  # Σ effort of the stages that have one
    start: int  # the intake's node number in the table
    table: PathTable = field(repr=False)

    @functools.cached_property
    def nodes(self) -> tuple[str, ...]:
        """Intake, stages, exit."""
        names = self.table.names
        return tuple([names[a] for a in self.table.walk(self.start)])

    @functools.cached_property
    def missing_effort(self) -> tuple[str, ...]:
        """The stages on the path without effort."""
        names, effort = self.table.names, self.table.effort
        return tuple([names[a] for a in self.table.walk(self.start) if effort[a] is None])

    @property
    def length(self) -> int:
        """How many nodes the path has."""
        return self.table.length[self.start]

    def ends(self, first: int, last: int) -> list[str]:
        """The path's first ``first`` and last ``last`` (at most 2) nodes, or all of them if no more.

        Costs ``first`` steps, whatever the length of the path.
        """
        table = self.table
        if self.length <= first + last:
            return list(self.nodes)
        head = [table.names[a] for a, _ in zip(table.walk(self.start), range(first), strict=False)]
        before = table.penultimate[self.start]
        tail = [table.names[before], table.names[table.onward[before]]]
        return head + tail[2 - last :] if last else head

    @property
    def largest(self) -> str | None:
        """The stage on the path with the most effort (the first of equals), if any has effort."""
        stage = self.table.largest[self.start]
        return self.table.names[stage] if stage >= 0 else None


@dataclass(frozen=True)  # not slotted: the cached properties keep their values in __dict__
class WorkflowAnalysis:
    """Everything computed about one workflow."""

    name: str
    title: str | None
    arrivals: float | None  # Σγ, items per open hour (None unless every intake has arrivals)
    routes: tuple[Route, ...]
    stages: tuple[StageFlow, ...]
    exits: tuple[ExitFlow, ...]
    lanes: tuple[LaneLoad, ...]
    bottleneck: str | None
    lead_time: float | None
    main_paths: tuple[MainPath, ...]
    notes: tuple[Note, ...]
    schedule: Schedule = OFFICE_HOURS  # the hours every time and rate above is counted in
    known_arrivals: float | None = None  # Σγ of the intakes that have arrivals, when some have none
    unknown_intakes: tuple[str, ...] = ()  # the intakes without `arrivals`
    assumptions: tuple[Assumption, ...] = ()
    joins: tuple[JoinFlow, ...] = ()

    @functools.cached_property
    def _stages(self) -> dict[str, StageFlow]:
        return {stage.name: stage for stage in self.stages}

    @functools.cached_property
    def _routes(self) -> dict[tuple[str, str], float]:
        return {(r.source, r.target): r.probability for r in self.routes}

    def stage(self, name: str) -> StageFlow:
        """The figures of stage ``name``."""
        return self._stages[name]

    def route(self, source: str, target: str) -> float:
        """The probability that work leaving ``source`` goes to ``target``."""
        return self._routes[(source, target)]

    @functools.cached_property
    def _main_paths(self) -> dict[str, MainPath]:
        return {path.intake: path for path in reversed(self.main_paths)}

    def main_path(self, intake: str) -> MainPath | None:
        """The main path from ``intake``, if it reaches a done exit."""
        return self._main_paths.get(intake)


@dataclass(frozen=True, slots=True)
class Analysis:
    """The analysis of every workflow of a document."""

    file: str
    workflows: tuple[WorkflowAnalysis, ...]


def format_hours(hours: float, per_day: float = 8.0) -> str:
    """Time for people: ``45m``, ``3.5h``, ``2.3d``, a day being ``per_day`` hours.

    Effort counts a person's 8-hour day; elapsed time (waits, lead times)
    counts the open hours of a day of the workflow's calendar.
    """
    if 0 < hours < 1 / 120:
        return "<1m"
    if hours < 1:
        return f"{hours * 60:.0f}m"
    if hours < per_day:
        return f"{hours:.3g}h"
    days = hours / per_day
    return f"{days:.3g}d" if days < 100 else f"{days:.0f}d"
