"""The defaults a flow analysis takes where a spec says nothing, stated for the reader.

:func:`assumptions` lists them in a fixed order (hours, people, routing,
effort, the queueing model, declared variability, lower bounds), each
naming the elements it applies to in declaration order, so the same spec
always reads the same.
One pass over the stages, lanes, members and handoffs of the workflow.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from wmdsl.flow.calendar import FTE_HOURS_PER_WEEK, OFFICE_HOURS, Schedule, lane_schedule
from wmdsl.flow.graph import FlowGraph
from wmdsl.flow.results import Assumption, StageFlow, listed
from wmdsl.flow.traffic import Routes
from wmdsl.model import Calendar, Distribution, Handoff, Lane, Person, Stage, Workflow

__all__ = ["assumptions"]


def _pct(fraction: float) -> str:
    return f"{fraction * 100:.3g}%"


def _unique(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


def assumptions(
    workflow: Workflow,
    flow: FlowGraph,
    routes: Routes,
    stages: Sequence[StageFlow],
    schedule: Schedule,
    lanes: Mapping[str, Lane],
    people: Mapping[str, Person],
    known: Mapping[str, Calendar],
) -> tuple[Assumption, ...]:
    """Every default the analysis of ``workflow`` took, in a fixed order."""
    found: list[Assumption] = []
    if schedule.defaulted:
        unsaid = f"calendar `{schedule.calendar}` has no `hours`" if schedule.calendar else "no `hours` given"
        found.append(
            Assumption(
                what="working hours",
                value=f"{OFFICE_HOURS.text} (8 h a day, 40 h a week)",
                why=f"{unsaid}: every time and rate is counted in these open hours",
                subjects=(workflow.name,),
            )
        )
    serving, owners = _servers(workflow.stages, lanes)
    found += _lane_hours(serving, lanes, schedule, known)
    found += _people(serving, owners, lanes, people)
    if serving or owners:
        found.append(
            Assumption(
                what="a full-time equivalent",
                value=f"{FTE_HOURS_PER_WEEK:g} hours of work a week",
                why=(
                    f"each FTE gives min({FTE_HOURS_PER_WEEK:g}, its lane's open hours a week) / "
                    f"{schedule.per_week:g} servers for each of the workflow's open hours"
                ),
                subjects=(*serving, *owners),
            )
        )
    found += _shares(workflow.handoffs, flow, routes)
    lacking = tuple(s.name for s in workflow.stages if s.effort is None)
    if lacking:
        found.append(
            Assumption(
                what="a stage without `effort`",
                value="no utilisation, wait or time in stage; 0 hours on a main path",
                why="no `effort` given, so nothing is known of its touch time",
                subjects=lacking,
            )
        )
    queued = tuple(s.name for s in stages if s.utilisation is not None)
    if queued:
        found.append(
            Assumption(
                what="the queueing model",
                value="M/M/c, waits by Erlang C",
                why=(
                    "Poisson arrivals, exponential touch times, first come first served, a steady "
                    "state, and each stage a queue of its own with ⌊servers⌋ servers, at least one, "
                    "working at the pace that keeps its utilisation"
                ),
                subjects=queued,
            )
        )
    spreads = [(i.name, i.variability) for i in workflow.intakes] + [
        (s.name, s.variability) for s in workflow.stages
    ]
    shaped = tuple(
        name for name, spread in spreads if spread and spread.distribution is not Distribution.EXPONENTIAL
    )
    if shaped:
        found.append(
            Assumption(
                what="a declared `variability`",
                value="waits as if every time were exponential",
                why="Erlang C knows means only; `wmdsl simulate` draws the times from the distribution",
                subjects=shaped,
            )
        )
    bounded = tuple(s.name for s in stages if s.lower_bound)
    if bounded:
        missing = _unique(s.unknown_intake for s in stages if s.lower_bound and s.unknown_intake)
        are = "has" if len(missing) == 1 else "have"
        intakes = "intake" if len(missing) == 1 else "intakes"
        found.append(
            Assumption(
                what="lower bounds",
                value="rates from the intakes with `arrivals` only",
                why=f"{intakes} {listed(missing)} {are} no `arrivals`: the true figures are at least these",
                subjects=bounded,
            )
        )
    return tuple(found)


def _servers(stages: Iterable[Stage], lanes: Mapping[str, Lane]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The lanes whose people serve the stages, and the people who own lane-less stages."""
    serving: dict[str, None] = {}
    owners: dict[str, None] = {}
    for stage in stages:
        if stage.lane is not None:
            serving[stage.lane.name] = None
        elif stage.owner is not None and stage.owner.is_person:
            owners[stage.owner.name] = None
        elif stage.owner is not None and stage.owner.name in lanes:
            serving[stage.owner.name] = None
    return tuple(serving), tuple(owners)


def _lane_hours(
    serving: Sequence[str], lanes: Mapping[str, Lane], schedule: Schedule, known: Mapping[str, Calendar]
) -> list[Assumption]:
    following: list[str] = []
    defaulted: dict[str, list[str]] = {}  # calendar without hours -> the lanes that name it
    for name in serving:
        lane = lanes.get(name)
        if lane is None:
            continue
        own = lane_schedule(lane, known)
        if own is None:
            following.append(name)
        elif own.defaulted:
            defaulted.setdefault(own.calendar or "", []).append(name)
    found = []
    if following and not schedule.defaulted:
        found.append(
            Assumption(
                what="a lane's hours",
                value=f"the workflow's, {schedule.text}",
                why="no `hours` given on the lane",
                subjects=tuple(following),
            )
        )
    for calendar, names in defaulted.items():
        found.append(
            Assumption(
                what="a lane's hours",
                value=f"{OFFICE_HOURS.text} (8 h a day, 40 h a week)",
                why=f"calendar `{calendar}` has no `hours`",
                subjects=tuple(names),
            )
        )
    return found


def _people(
    serving: Sequence[str], owners: Sequence[str], lanes: Mapping[str, Lane], people: Mapping[str, Person]
) -> list[Assumption]:
    handles: dict[str, None] = {}
    for name in serving:
        lane = lanes.get(name)
        for member in lane.members if lane is not None else ():
            handles[member.person.name] = None
    handles.update(dict.fromkeys(owners))
    # The model keeps 1.0 whether it was written or not: a person at 1.0 FTE is listed either way.
    full = tuple(h for h in handles if h not in people or people[h].capacity == 1.0)
    if not full:
        return []
    return [
        Assumption(
            what="a person's capacity",
            value="1.0 FTE",
            why="the default when a person has no other `capacity`",
            subjects=full,
        )
    ]


def _shares(handoffs: Sequence[Handoff], flow: FlowGraph, routes: Routes) -> list[Assumption]:
    """Handoffs without ``chance`` out of sources with a choice, with the share each was given.

    A fork counts as one alternative of its source, named as written (``a->b,c``).
    """
    alternatives: dict[str, set[str]] = {}
    for handoff in handoffs:
        alternatives.setdefault(handoff.source.name, set()).add(handoff.fork or handoff.key)
    groups: tuple[dict[str, str], dict[str, str]] = ({}, {})  # forward, rework: handoff -> share
    for (a, b), handoff in zip(flow.edges, handoffs, strict=True):
        if handoff.chance is not None or len(alternatives[handoff.source.name]) < 2:
            continue
        groups[handoff.rework].setdefault(handoff.fork or handoff.key, _pct(routes[a].get(b, 0.0)))
    found = []
    for rework, shares in zip((False, True), groups, strict=True):
        if not shares:
            continue
        found.append(
            Assumption(
                what="a rework handoff without `chance`" if rework else "a handoff without `chance`",
                value=(
                    "an equal share of what its source's other chances leave"
                    + (" goes back" if rework else "")
                ),
                why="no `chance` given",
                subjects=tuple(shares),
                details=tuple(shares.values()),
            )
        )
    return found
