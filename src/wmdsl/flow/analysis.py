"""The analytic flow model: traffic equations and queueing approximations.

:func:`analyze` turns a compiled document into numbers — how much work reaches
each stage, how busy the stage is, how long work waits there, and how long an
item takes end to end. Everything here is a pure function; nothing prints.

The model (all times in the workflow's open hours, rates in items per open hour):

Calendar
    A workflow runs by its ``hours`` (or the named calendar they name, from
    the document's shared calendars and the workflow's own), by default 9-17
    Monday to Friday: 8 open hours a day, 40 a week. :mod:`wmdsl.flow.calendar`
    converts to open hours: ``N per day`` is N / per_day an hour, ``per week``
    N / per_week, ``per month`` N / (4·per_week), ``per hour`` as written; an
    elapsed duration (SLA, SLE, a metric's target, an escalation's delay, a
    cadence) takes ``1d`` as per_day open hours and ``1w`` as per_week.
    Effort is a person's work and keeps 8 hours a day whatever the calendar.
    Lead times and waits are in open hours, and in days of per_day of them.
Routing
    Branching is exclusive, so a node's handoffs form a probability
    distribution P. A handoff's ``chance`` is its probability; handoffs without
    one share equally whatever the others leave. When every handoff has a
    chance and they add up to less than 100%, the remainder is *lost* (it
    leaves the model through no exit) and a note says so. The branches of a
    fork (``a -> b, c``) are one alternative together, and every branch
    receives the whole of its share: an item takes them all.
Joins
    A join lets an item go on once every handoff into it has delivered it,
    so its rate is its inflow divided by its number of incoming handoffs (the
    routes into it are divided by that number in the traffic equations). It
    is exact when each input delivers every item once, as the branches of the
    fork it closes do, and an approximation otherwise.
Arrivals
    An intake's ``arrivals`` is its external arrival rate γ. The rates of the
    nodes an intake without ``arrivals`` reaches are unknown when no intake
    with arrivals reaches them too, and otherwise *lower bounds*: λ is
    monotone in γ, so what the known intakes alone send is at least a floor.
    Their figures (λ, ρ, wait, time) are flagged as lower bounds; an overload
    a lower bound already shows is certain.
Traffic equations
    λ = γ + Pᵀλ, solved one strongly connected component at a time in
    topological order of the condensation: a node outside any loop costs one
    addition per incoming handoff; a loop of up to 64 nodes is a small dense
    system solved by Gaussian elimination with partial pivoting; a larger one
    is solved by eliminating its nodes on the graph, exactly, while that
    stays cheap, and otherwise by at most 100 Gauss–Seidel sweeps in the
    forward order of the handoffs (see :mod:`wmdsl.flow.linear`): to within
    10⁻¹² when they settle, and when they do not, with the last sweep's
    rates, which are lower bounds, and a note saying so. A loop work can
    never leave makes its system singular; its nodes are then marked
    unstable, with a reason, instead of being given numbers.
Servers
    A stage's lane's full-time equivalents (:func:`wmdsl.flow.capacity.lane_fte`);
    for a stage in no lane, its owner's (a person's ``capacity``, so 1 FTE
    by default, or an owning lane's FTE). A full-time equivalent works 40
    hours a week; the lane works by its own hours if it has them, else the
    workflow's, so each FTE gives min(40, the lane's open hours a week) /
    the workflow's open hours a week servers for each open hour of the
    workflow (:func:`wmdsl.flow.calendar.servers_per_fte`): one on office
    hours, 40/168 around the clock. A ``wip`` limit caps the servers. As in
    DESIGN §7 each stage of a lane counts the lane's whole capacity; the
    lane loads (:class:`LaneLoad`) show when the stages together ask for more.
Utilisation
    ρ = λ·effort / servers; ρ ≥ 1 is an unstable queue.
Waiting
    Each stage is an M/M/c queue (a Jackson network: Poisson arrivals,
    exponential touch times, first come first served) with c = ⌊servers⌋
    (at least 1) servers, each working servers/c times the nominal pace so the
    queue's utilisation is exactly ρ. The expected wait is Erlang C:
    W = C(c, cρ) · effort / (servers − λ·effort); exact for whole servers, and
    M/M/1's W = ρ/(μ − λ) when there is one.
Time in stage
    wait + effort (effort is touch time: the elapsed service time of a part-time
    person is longer, which this ignores).
Lead time
    Σ visits_i · time_i over stages, with visits_i = λ_i / Σγ: the expected time
    an item spends in stages between its intake and its exit, averaged over all
    items (those declined early included). Handoff delays are not modelled.
    Through a fork and its join an item takes as long as its slowest branch
    plus the wait at the join, not the sum of its branches: each branch's
    time t_i (its stages' visits per item through the fork times their time
    in stage) is taken as an exponential time, independent of the others, and
    the item leaves the join after E[max t_i] = Σ_S (−1)^(|S|+1) / Σ_{i∈S} 1/t_i
    (S the non-empty sets of branches); the wait at the join is E[max t_i] −
    max t_i. An approximation: branches share no people, and a branch made of
    several stages is not exponential. Forks are matched to joins as
    :mod:`wmdsl.flow.forks` says, and nested ones are taken innermost first.
Main path
    Per intake, the *most likely* path to a ``done`` exit over the forward
    handoffs (those that are neither ``rework`` nor close a loop, see
    :func:`wmdsl.flow.graph.skeleton`): the product of its routing probabilities is largest,
    ties going to the handoff declared first. Its raw process time is the sum
    of its stages' effort — the hands-on time of a typical item that needs no
    rework, which no amount of queue management can shorten. It goes through
    joins; at a fork it follows the branch with the most effort (of those as
    likely to reach a done exit), the one that sets the pace.

Assumptions
    Every default taken where the spec says nothing (the hours, a person's
    1.0 FTE, the 40-hour FTE, equal shares of handoffs without ``chance``,
    rework among them, stages without effort, the M/M/c model, lower bounds)
    is stated in :attr:`WorkflowAnalysis.assumptions`, with what it applies to.

Each part of the model has a module of its own: the calendar in
:mod:`wmdsl.flow.calendar`, routing and the traffic equations in
:mod:`wmdsl.flow.traffic`, servers and waits in :mod:`wmdsl.flow.queueing`,
main paths in :mod:`wmdsl.flow.paths`, the assumptions in
:mod:`wmdsl.flow.assumptions` and the records handed back in
:mod:`wmdsl.flow.results`. This one puts them
together, stage by stage, into the figures of a workflow.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from wmdsl.flow.assumptions import assumptions
from wmdsl.flow.calendar import (
    Schedule,
    calendars,
    lane_schedule,
    per_open_hour,
    servers_per_fte,
    workflow_schedule,
)
from wmdsl.flow.capacity import all_people, lane_fte
from wmdsl.flow.digraph import reach
from wmdsl.flow.graph import FlowGraph, build_graph
from wmdsl.flow.paths import main_paths
from wmdsl.flow.queueing import queue_wait, stage_capacity
from wmdsl.flow.results import (
    Analysis,
    ExitFlow,
    JoinFlow,
    LaneLoad,
    Note,
    Route,
    StageFlow,
    WorkflowAnalysis,
)
from wmdsl.flow.traffic import Routes, routing, solve_traffic, through_joins
from wmdsl.model import Document, Lane, Person, Stage, Workflow

__all__ = ["analyze", "analyze_workflow"]

EXACT, BOUND, UNKNOWN = 0, 1, 2  # how well a node's rate is known


@dataclass(frozen=True, slots=True, kw_only=True)
class Arrivals:
    """What the intakes say: γ, how well each node's rate is known, and Σγ."""

    gamma: list[float]  # by node number, from the intakes that have arrivals
    known: bytearray  # EXACT, BOUND or UNKNOWN by node number
    origin: list[int]  # the first intake without arrivals (its place among them) reaching a node, or -1
    missing: tuple[str, ...]  # the intakes without arrivals, in declaration order
    total: float | None  # Σγ when every intake has arrivals
    partial: float | None  # Σγ of the known intakes when some have none

    def source(self, a: int) -> str | None:
        """The intake without arrivals whose work reaches node ``a`` (the first declared)."""
        return self.missing[self.origin[a]] if self.origin[a] >= 0 else None


@dataclass(frozen=True, slots=True, kw_only=True)
class _Setting:
    """What every stage of one workflow is measured against."""

    lanes: Mapping[str, Lane]
    fte: Mapping[str, float]
    people: Mapping[str, Person]
    schedule: Schedule
    per_fte: Mapping[str, float]  # by lane name: servers one FTE of it gives an open hour
    notes: list[Note]


def analyze(document: Document) -> Analysis:
    """The flow analysis of every workflow in ``document``."""
    fte = lane_fte(document)
    people = all_people(document)
    return Analysis(
        document.file,
        tuple(analyze_workflow(w, document, fte=fte, people=people) for w in document.workflows),
    )


def analyze_workflow(
    workflow: Workflow,
    document: Document,
    *,
    flow: FlowGraph | None = None,
    fte: Mapping[str, float] | None = None,
    people: Mapping[str, Person] | None = None,
) -> WorkflowAnalysis:
    """The flow analysis of one workflow of ``document`` (shared lanes and people come from it)."""
    flow = flow or build_graph(workflow)
    fte = lane_fte(document) if fte is None else fte
    people = all_people(document) if people is None else people
    lanes = {lane.name: lane for lane in (*document.shared.lanes, *workflow.lanes)}
    known = calendars(document, workflow)
    schedule = workflow_schedule(workflow, known)
    routes, notes = routing(flow)
    given = _arrivals(flow, schedule, notes)
    rates, unstable = solve_traffic(flow, through_joins(flow, routes), given.gamma, notes)
    setting = _Setting(
        lanes=lanes,
        fte=fte,
        people=people,
        schedule=schedule,
        per_fte={n: servers_per_fte(schedule, lane_schedule(x, known)) for n, x in lanes.items()},
        notes=notes,
    )
    stages = [
        _stage_flow(stage, a, rates, unstable.get(a), given, setting)
        for stage, a in zip(workflow.stages, flow.stage_numbers, strict=True)
    ]
    lead_time = _lead_time(stages, given.total, notes)
    overlap, waits = _parallel(flow, routes, rates, stages, given.total)
    if lead_time is not None:
        lead_time = None if overlap is None else max(0.0, lead_time - overlap)
    joins = tuple(
        JoinFlow(
            join.name,
            None if given.known[a] == UNKNOWN else rates[a],
            waits.get(join.name),
            week=schedule.per_week,
            lower_bound=given.known[a] == BOUND,
        )
        for join, a in zip(workflow.joins, flow.join_numbers, strict=True)
    )
    exits = tuple(
        ExitFlow(
            e.name, e.kind.value, None if given.known[a] == UNKNOWN else rates[a], given.known[a] == BOUND
        )
        for e, a in zip(workflow.exits, flow.exit_numbers, strict=True)
    )
    loads = _lane_loads(stages, fte, setting.per_fte, notes)
    ranked = [s for s in stages if s.utilisation is not None]
    bottleneck = max(ranked, key=lambda s: s.utilisation or 0.0).name if ranked else None
    return WorkflowAnalysis(
        workflow.name,
        workflow.title,
        given.total,
        tuple(
            Route(handoff.source.name, handoff.target.name, routes[a][b], handoff.chance is not None)
            for (a, b), handoff in zip(flow.edges, workflow.handoffs, strict=True)
        ),
        tuple(stages),
        exits,
        loads,
        bottleneck,
        lead_time,
        main_paths(flow, flow.skeleton, routes),
        _unique(notes),
        schedule=schedule,
        known_arrivals=given.partial,
        unknown_intakes=given.missing,
        assumptions=assumptions(workflow, flow, routes, stages, schedule, lanes, people, known),
        joins=joins,
    )


def _arrivals(flow: FlowGraph, schedule: Schedule, notes: list[Note]) -> Arrivals:
    """γ from the intakes that have arrivals, and which nodes the others make unknown or lower bounds.

    A node reached from an intake without arrivals has a rate of at least
    what the known intakes send it (the traffic equations are monotone in γ);
    it is a lower bound when a known intake reaches it too, and unknown when
    none does. Each node gets the first declared intake without arrivals that
    reaches it: the searches run in declaration order and stop at nodes an
    earlier one marked (whatever those reach, the earlier intake reaches
    too), so all of them together visit each handoff once.
    """
    size = len(flow.graph)
    outgoing = flow.graph.outgoing
    gamma = [0.0] * size
    origin = [-1] * size
    missing: list[str] = []
    present: list[int] = []
    for a, intake in zip(flow.intake_numbers, flow.workflow.intakes, strict=True):
        if intake.arrivals is not None:
            gamma[a] = per_open_hour(intake.arrivals, schedule)
            present.append(a)
            continue
        place = len(missing)
        missing.append(intake.name)
        origin[a] = place
        frontier = [a]
        while frontier:
            for b in outgoing[frontier.pop()]:
                if origin[b] < 0:
                    origin[b] = place
                    frontier.append(b)
    fed = reach(outgoing, present)
    for a in present:
        fed[a] = 1
    known = bytearray(size)
    for a in range(size):
        if origin[a] >= 0:
            known[a] = BOUND if fed[a] else UNKNOWN
    for name in missing:
        notes.append(
            Note(
                f"no arrivals on intake `{name}`: the figures of the work it feeds are unknown, "
                "or lower bounds where other intakes feed it too",
                name,
            )
        )
    total = sum(gamma[a] for a in present) if present else None
    return Arrivals(
        gamma=gamma,
        known=known,
        origin=origin,
        missing=tuple(missing),
        total=None if missing else total,
        partial=total if missing else None,
    )


def _serving_lane(stage: Stage, lanes: Mapping[str, Lane]) -> str | None:
    """The lane whose people serve ``stage`` (its own, or the lane that owns it), if any."""
    if stage.lane is not None:
        return stage.lane.name
    if stage.owner is not None and not stage.owner.is_person and stage.owner.name in lanes:
        return stage.owner.name
    return None


def _stage_flow(
    stage: Stage,
    a: int,
    rates: list[float | None],
    unstable: str | None,
    given: Arrivals,
    setting: _Setting,
) -> StageFlow:
    notes = setting.notes
    known = given.known[a]
    rate = None if known == UNKNOWN else rates[a]
    bound = known == BOUND
    capacity, why = stage_capacity(stage, setting.lanes, setting.fte, setting.people)
    serving = _serving_lane(stage, setting.lanes)
    per_fte = setting.per_fte.get(serving, 1.0) if serving is not None else servers_per_fte(setting.schedule)
    servers = None if capacity is None else capacity * per_fte
    if servers is not None and stage.wip is not None:
        servers = min(servers, float(stage.wip))
    effort = stage.effort.hours if stage.effort is not None else None
    if why is not None:
        notes.append(Note(f"{why}: its utilisation is unknown", stage.name))
    if unstable is not None:
        notes.append(Note(unstable, stage.name))
    if rate is not None and effort is None:
        notes.append(Note(f"stage `{stage.name}` has no `effort`: its utilisation is unknown", stage.name))
    rho = wait = time = None
    if rate is not None and effort is not None and servers is not None:
        rho = rate * effort / servers
        wait = queue_wait(rate, effort, servers)
        if wait is None:
            if bound:
                unstable = (
                    f"utilisation at least {rho:.2f} ≥ 1 from the known intakes alone "
                    f"(intake `{given.source(a)}` has no `arrivals`): its queue grows without bound"
                )
            else:
                unstable = f"utilisation {rho:.2f} ≥ 1: its queue grows without bound"
            notes.append(Note(f"stage `{stage.name}` is overloaded: {unstable}", stage.name))
        else:
            time = wait + effort
    visits = rate / given.total if rate is not None and given.total else None
    lane = stage.lane.name if stage.lane is not None else None
    return StageFlow(
        stage.name,
        lane,
        rate,
        effort,
        capacity,
        servers,
        rho,
        wait,
        time,
        visits,
        unstable,
        per_fte=per_fte,
        week=setting.schedule.per_week,
        lower_bound=bound,
        unknown_intake=given.source(a),
    )


def _lead_time(stages: list[StageFlow], total: float | None, notes: list[Note]) -> float | None:
    if total is None:
        return None
    visited = [s for s in stages if s.rate is None or s.rate > 0]
    lacking = [s.name for s in visited if s.time is None or s.visits is None]
    if lacking:
        names = ", ".join(f"`{n}`" for n in lacking)
        notes.append(Note(f"expected lead time unavailable: no time in stage for {names}"))
        return None
    return sum((s.visits or 0.0) * (s.time or 0.0) for s in visited)


def _parallel(
    flow: FlowGraph,
    routes: Routes,
    rates: list[float | None],
    stages: list[StageFlow],
    total: float | None,
) -> tuple[float | None, dict[str, float]]:
    """What summing every branch of each fork counts too much in the lead time, and each join's wait.

    Per item through a fork, branch i takes t_i hours in its stages (their
    visits per item through the fork times their time in stage, less what
    the forks nested in it count too much); the item goes on from the join
    after E[max t_i] (:func:`expected_last`), where the sum of the visits
    counted Σ t_i. Forks are taken innermost first (latest source in the
    forward order), so an outer branch's t_i is already corrected for the
    forks inside it. ``None`` when a rate needed is unknown.
    """
    forks = [fork for fork in flow.forks if fork.join is not None]
    if not forks or not total:
        return 0.0, {}
    number = flow.graph.number
    rank = [0] * len(flow.graph)
    for place, a in enumerate(flow.skeleton.numbered_order):
        rank[a] = place
    spent = {stage.name: (stage.visits or 0.0) * (stage.time or 0.0) for stage in stages}
    overlap: dict[str, float] = {}  # by fork
    by_source: dict[str, list[str]] = {}
    waits: dict[str, float] = {}
    for fork in sorted(forks, key=lambda f: rank[number(f.source)], reverse=True):
        source, first = number(fork.source), number(fork.branches[0])
        rate = rates[source]
        if rate is None:
            return None, {}
        visits = rate * routes[source].get(first, 0.0) / total
        if visits <= 0:
            continue
        sums = [0.0] * len(fork.handoffs)
        for name, mask in fork.region:
            own = spent.get(name, 0.0) - sum(overlap.get(key, 0.0) for key in by_source.get(name, ()))
            for bit in range(len(sums)):
                if mask >> bit & 1:
                    sums[bit] += own
        times = [max(0.0, part / visits) for part in sums]
        last = expected_last(times)
        overlap[fork.key] = visits * (sum(times) - last)
        by_source.setdefault(fork.source, []).append(fork.key)
        assert fork.join is not None
        waits.setdefault(fork.join, last - max(times))
    return sum(overlap.values()), waits


_BRANCHES_COUNTED = 12  # branches of one fork E[max] is summed over (2^12 terms): the slowest ones


def expected_last(times: list[float]) -> float:
    """E[max] of independent exponential times with means ``times``: when the last branch arrives.

    By inclusion and exclusion, Σ over non-empty sets S of the branches of
    (−1)^(|S|+1) / Σ_{i∈S} 1/t_i; branches taking no time are left out, and
    of a fork wider than twelve branches only the slowest twelve are counted.
    """
    rates = sorted(1 / t for t in times if t > 0)[:_BRANCHES_COUNTED]
    expected = 0.0
    for size in range(1, len(rates) + 1):
        sign = 1.0 if size % 2 else -1.0
        expected += sign * sum(1 / sum(chosen) for chosen in itertools.combinations(rates, size))
    return expected


def _lane_loads(
    stages: list[StageFlow], fte: Mapping[str, float], per_fte: Mapping[str, float], notes: list[Note]
) -> tuple[LaneLoad, ...]:
    members: dict[str, list[StageFlow]] = {}
    for stage in stages:
        if stage.lane is not None:
            members.setdefault(stage.lane, []).append(stage)
    loads = []
    for lane, own in members.items():
        demands = [s.load for s in own]
        # λ·effort is servers' worth of work an open hour; one FTE gives per_fte of them.
        scale = per_fte.get(lane, 1.0) or 1.0
        demand = None if any(d is None for d in demands) else sum(d or 0.0 for d in demands) / scale
        bound = any(s.lower_bound for s in own)
        load = LaneLoad(lane, fte.get(lane, 0.0), demand, tuple(s.name for s in own), bound)
        if demand is not None and load.fte > 0 and demand >= load.fte and len(own) > 1:
            asked = "at least " if bound else ""
            notes.append(
                Note(
                    f"lane `{lane}` is asked for {asked}{demand:.2f} FTE of work by its stages together "
                    f"but has {load.fte:.2f}: its stages share the same people",
                )
            )
        loads.append(load)
    return tuple(loads)


def _unique(notes: Iterable[Note]) -> tuple[Note, ...]:
    """The notes without repeated messages (a loop is noted once, not per stage)."""
    first: dict[str, Note] = {}
    for note in notes:
        first.setdefault(note.message, note)
    return tuple(first.values())
