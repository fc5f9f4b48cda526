"""The analytic flow model: traffic equations and queueing approximations.

:func:`analyze` turns a compiled document into numbers — how much work reaches
each stage, how busy the stage is, how long work waits there, and how long an
item takes end to end. Everything here is a pure function; nothing prints.

The model (all times in working hours, rates in items per working hour):

Routing
    Branching is exclusive, so a node's handoffs form a probability
    distribution P. A handoff's ``chance`` is its probability; handoffs without
    one share equally whatever the others leave. When every handoff has a
    chance and they add up to less than 100%, the remainder is *lost* (it
    leaves the model through no exit) and a note says so.
Arrivals
    An intake's ``arrivals`` is its external arrival rate γ. An intake without
    ``arrivals`` makes the rates of every node it can reach unknown.
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
    for a stage in no lane, its owner's (a person's ``capacity``, so 1 server
    by default, or an owning lane's FTE). A ``wip`` limit caps them. As in
    DESIGN §7 each stage of a lane counts the lane's whole capacity; the lane
    loads (:class:`LaneLoad`) show when the stages together ask for more.
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
Main path
    Per intake, the *most likely* path to a ``done`` exit over the forward
    handoffs (those that are neither ``rework`` nor close a loop, see
    :func:`wmdsl.flow.graph.skeleton`): the product of its routing probabilities is largest,
    ties going to the handoff declared first. Its raw process time is the sum
    of its stages' effort — the hands-on time of a typical item that needs no
    rework, which no amount of queue management can shorten.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from wmdsl.flow.capacity import all_people, lane_fte
from wmdsl.flow.digraph import Adjacency, reach
from wmdsl.flow.graph import FlowGraph, Skeleton, build_graph
from wmdsl.flow.linear import Solution, solve_linear, solve_sparse
from wmdsl.model import Document, ExitKind, Lane, Person, Stage, Workflow

HOURS_PER_WEEK = 40.0
#: Components up to this size are solved on their dense matrix, larger ones
#: on the graph (see :mod:`wmdsl.flow.linear`).
DENSE_UP_TO = 64
_NAMED = 8  # stages of a loop a note names at most
TIE = 1e-9  # relative difference below which two path probabilities are equal

#: ``routes[a][b]``: the share of node ``a``'s work that goes to node ``b`` (by number).
Routes = list[Mapping[int, float]]
_NOWHERE: Mapping[int, float] = {}  # the routes of a node without handoffs


@dataclass(frozen=True, slots=True)
class Note:
    """Something the reader of an analysis should know, about a node or the workflow."""

    message: str
    subject: str | None = None


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
    rate: float | None  # λ, items per working hour
    effort: float | None  # mean touch time, hours
    capacity: float | None  # FTE the stage can draw on, before its `wip` limit
    servers: float | None  # min(capacity, wip)
    utilisation: float | None  # ρ
    wait: float | None  # expected hours in the queue (None when unknown or unbounded)
    time: float | None  # wait + effort
    visits: float | None  # λ / total arrivals: how often an average item passes here
    unstable: str | None = None  # why the queue grows without bound

    @property
    def per_week(self) -> float | None:
        """λ in items per working week."""
        return None if self.rate is None else self.rate * HOURS_PER_WEEK

    @property
    def wip_bound(self) -> bool:
        """True when the ``wip`` limit, not the people, caps the servers."""
        return self.servers is not None and self.capacity is not None and self.servers < self.capacity

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


@dataclass(frozen=True, slots=True)
class LaneLoad:
    """The work all of a lane's stages ask of it, against its capacity."""

    name: str
    fte: float
    demand: float | None  # Σ λ·effort over its stages (FTE of work)
    stages: tuple[str, ...]

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
    arrivals: float | None  # Σγ, items per hour (None unless every intake has arrivals)
    routes: tuple[Route, ...]
    stages: tuple[StageFlow, ...]
    exits: tuple[ExitFlow, ...]
    lanes: tuple[LaneLoad, ...]
    bottleneck: str | None
    lead_time: float | None
    main_paths: tuple[MainPath, ...]
    notes: tuple[Note, ...]

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


def _pct(fraction: float) -> str:
    return f"{fraction * 100:.4g}%"


def format_hours(hours: float) -> str:
    """Working time for people: ``45m``, ``3.5h``, ``2.3d`` (1d = 8h)."""
    if 0 < hours < 1 / 120:
        return "<1m"
    if hours < 1:
        return f"{hours * 60:.0f}m"
    if hours < 8:
        return f"{hours:.3g}h"
    days = hours / 8
    return f"{days:.3g}d" if days < 100 else f"{days:.0f}d"


# -- routing and traffic equations -------------------------------------------


def routing(flow: FlowGraph) -> tuple[Routes, list[Note]]:
    """Routing probabilities by source and target node number, and notes on lost work."""
    names = flow.graph.names
    grouped: list[list[tuple[int, float | None]]] = [[] for _ in names]
    sources: list[int] = []  # in the order of their first handoff
    for (source, target), handoff in zip(flow.edges, flow.workflow.handoffs, strict=True):
        targets = grouped[source]
        if not targets:
            sources.append(source)
        targets.append((target, handoff.chance.fraction if handoff.chance is not None else None))
    routes: Routes = [_NOWHERE] * len(names)
    notes: list[Note] = []
    for source in sources:
        targets = grouped[source]
        if len(targets) == 1 and targets[0][1] is None:  # the commonest: one handoff, all the work
            routes[source] = {targets[0][0]: 1.0}
            continue
        given = sum(chance for _, chance in targets if chance is not None)
        free = sum(1 for _, chance in targets if chance is None)
        left = max(0.0, 1.0 - given)
        share = left / free if free else 0.0
        routes[source] = {target: share if chance is None else chance for target, chance in targets}
        if not free and left > TIE:
            notes.append(
                Note(
                    f"the chances out of `{names[source]}` add up to {_pct(given)}: "
                    f"{_pct(left)} of its work goes nowhere (counted as lost)",
                    names[source],
                )
            )
    return routes, notes


def solve_traffic(
    flow: FlowGraph, routes: Routes, arrivals: list[float], notes: list[Note] | None = None
) -> tuple[list[float | None], dict[int, str]]:
    """λ by node number (``None`` where unbounded) and why unstable nodes are, by number.

    ``arrivals`` is γ by node number; the components come from the flow
    graph's condensation, in its topological order. A large component whose
    rates are only approximate (see :func:`wmdsl.flow.linear.solve_sparse`) is
    noted in ``notes``.
    """
    graph = flow.graph
    incoming, source, sink = graph.incoming, flow.source, flow.sink
    rates: list[float | None] = [None] * len(graph)
    unstable: dict[int, str] = {}
    rank: list[int] = []  # each node's place in the forward order, the order of sweeps
    for members in flow.condensation.numbers:
        if members[0] in (source, sink):
            continue  # ⊤ or ⊥, each a component of its own
        inflow = _inflow(incoming, source, members, routes, rates, arrivals)
        if len(members) > DENSE_UP_TO and inflow is not None and any(inflow):
            if not rank:
                rank = [0] * len(graph)
                for place, a in enumerate(flow.skeleton.numbered_order):
                    rank[a] = place
            order = sorted(range(len(members)), key=lambda i: rank[members[i]])
            solution = solve_sparse(members, {a: routes[a] for a in members}, inflow, order)
            solved = None if solution is None else list(solution.rates)
            if solution is not None and not solution.settled and notes is not None:
                notes.append(Note(_unsettled_reason([graph.names[a] for a in members], solution)))
        else:
            solved = _solve_component(members, routes, inflow)
        if solved is None:
            reason = _trap_reason([graph.names[a] for a in members])
            unstable.update((a, reason) for a in members)
        else:
            for a, rate in zip(members, solved, strict=True):
                rates[a] = rate
    return rates, unstable


def _inflow(
    incoming: Adjacency,
    source: int,
    members: list[int],
    routes: Routes,
    rates: list[float | None],
    arrivals: list[float],
) -> list[float] | None:
    """γ plus what enters each member from outside its component (None if unbounded)."""
    inside = set(members)
    inflow = []
    for node in members:
        total = arrivals[node]
        for before in incoming[node]:
            if before in inside or before == source:
                continue
            share = routes[before][node]
            rate = rates[before]
            if rate is None and share > 0:
                return None
            total += (rate or 0.0) * share
        inflow.append(total)
    return inflow


def _solve_component(members: list[int], routes: Routes, inflow: list[float] | None) -> list[float] | None:
    """The rates of a component of at most :data:`DENSE_UP_TO` members (or of one without inflow)."""
    if inflow is None:
        return None
    if not any(inflow):
        return [0.0] * len(members)
    if len(members) == 1 and members[0] not in routes[members[0]]:
        return inflow
    # (I − Qᵀ) λ = inflow, Q the routing inside the component.
    matrix = [
        [float(i == j) - routes[source].get(target, 0.0) for j, source in enumerate(members)]
        for i, target in enumerate(members)
    ]
    return solve_linear(matrix, inflow)


def _loop(members: list[str]) -> str:
    """The stages of a loop for a message: all of them, or the first few and how many."""
    if len(members) <= _NAMED:
        return ", ".join(f"`{name}`" for name in members)
    shown = ", ".join(f"`{name}`" for name in members[: _NAMED - 2])
    return f"{shown}, … ({len(members)} in all)"


def _trap_reason(members: list[str]) -> str:
    return f"work that enters the loop through {_loop(members)} never leaves it, so it piles up without bound"


def _unsettled_reason(members: list[str], solution: Solution) -> str:
    return (
        f"the traffic equations of the loop through {_loop(members)} did not settle in "
        f"{solution.sweeps} sweeps (the last moved a rate by {_pct(solution.change)} of the largest): "
        "its rates, and the figures from them, are lower bounds"
    )


# -- queueing ---------------------------------------------------------------------


def erlang_c(servers: int, offered: float) -> float:
    """The probability that an arrival waits in an M/M/c queue (Erlang C).

    ``offered`` is the load a = λ/μ in servers; needs ``offered < servers``.
    Computed through the Erlang B recursion, which is numerically stable.
    """
    if servers > EXACT_SERVERS:
        return _halfin_whitt(servers, offered)
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = offered * blocking / (k + offered * blocking)
    return servers * blocking / (servers - offered * (1.0 - blocking))


#: Above this many servers the exact recursion (one step per server) gives way
#: to the Halfin–Whitt approximation, so that a capacity of 10^15 people costs
#: no more than one of 10: a spec cannot make the checks run for hours.
EXACT_SERVERS = 10_000


def _halfin_whitt(servers: int, offered: float) -> float:
    """Erlang C for many servers: 1 / (1 + β·Φ(β)/φ(β)), β = (c − a)/√a.

    From c = 10,000 on it is within 0.002 of the exact value (tested).
    """
    beta = (servers - offered) / math.sqrt(offered)
    if beta > 35:  # φ(β) underflows; the wait probability is 0 to double precision
        return 0.0
    density = math.exp(-beta * beta / 2) / math.sqrt(2 * math.pi)
    cumulative = 0.5 * (1 + math.erf(beta / math.sqrt(2)))
    return 1 / (1 + beta * cumulative / density)


def queue_wait(rate: float, effort: float, servers: float) -> float | None:
    """Expected wait in hours (M/M/c, see the module docstring); ``None`` when ρ ≥ 1."""
    load = rate * effort
    if load >= servers:
        return None
    if load == 0:
        return 0.0
    whole = max(1, math.floor(servers))
    return erlang_c(whole, whole * load / servers) * effort / (servers - load)


def stage_capacity(
    stage: Stage, lanes: Mapping[str, Lane], fte: Mapping[str, float], people: Mapping[str, Person]
) -> tuple[float | None, str | None]:
    """The FTE a stage can draw on (before its ``wip`` limit), or ``None`` and why not."""
    capacity: float | None
    lane: str | None = None  # the lane whose members are the servers
    if stage.lane is not None:
        lane = stage.lane.name
        capacity = fte.get(lane)
    elif stage.owner is not None and stage.owner.is_person:
        person = people.get(stage.owner.name)
        capacity = person.capacity if person is not None else 1.0
    elif stage.owner is not None and stage.owner.name in lanes:
        lane = stage.owner.name
        capacity = fte.get(lane)
    else:
        return None, f"stage `{stage.name}` has no capacity: it is in no lane and has no owner"
    if not capacity:
        why = f"lane `{lane}` has no members" if lane is not None else ""
        return None, f"stage `{stage.name}` has no capacity: {why}"
    return capacity, None


# -- the forward skeleton and main paths ----------------------------------------------


def main_paths(flow: FlowGraph, shape: Skeleton, routes: Routes) -> tuple[MainPath, ...]:
    """The most likely forward path from each intake to a done exit."""
    names = flow.graph.names
    size = len(names)
    best = [0.0] * size  # the probability of the best path on to a done exit
    choice = [-1] * size  # the node it goes to next
    length = [0] * size
    time: list[float] = [0] * size  # a path without effort takes 0, as the sum of no efforts is
    effort: list[float | None] = [0.0] * size
    stages = bytearray(size)
    largest = [-1] * size
    penultimate = [-1] * size
    for a, stage in zip(flow.stage_numbers, flow.workflow.stages, strict=True):
        effort[a] = stage.effort.hours if stage.effort is not None else None
        stages[a] = 1
    for a, exit_ in zip(flow.exit_numbers, flow.workflow.exits, strict=True):
        if exit_.kind is ExitKind.DONE:
            best[a], length[a] = 1.0, 1  # exits have no forward handoffs: it stays so
    forward = shape.numbered_forward
    for a in reversed(shape.numbered_order):
        here = best[a]
        out = routes[a]
        for b in forward[a]:
            chance = out.get(b, 0.0) * best[b]
            if chance > 0 and chance > here * (1 + TIE):
                here, choice[a] = chance, b
        best[a] = here
        b = choice[a]
        if b < 0:
            continue
        # What the path from ``a`` adds to the one from ``b``, its next node.
        own = effort[a]
        length[a] = length[b] + 1
        time[a] = time[b] + own if stages[a] and own is not None else time[b]
        after = largest[b]
        if stages[a] and own is not None and (after < 0 or (effort[after] or 0.0) <= own):
            after = a  # the first of equals: this one comes before
        largest[a] = after
        penultimate[a] = a if length[b] == 1 else penultimate[b]
    table = PathTable(
        tuple(names),
        tuple(choice),
        tuple(length),
        tuple(time),
        tuple(effort),
        tuple(largest),
        tuple(penultimate),
    )
    return tuple(
        MainPath(intake.name, best[a], time[a], a, table)
        for a, intake in zip(flow.intake_numbers, flow.workflow.intakes, strict=True)
        if best[a]
    )


# -- putting it together ---------------------------------------------------------------


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
    routes, notes = routing(flow)
    gamma, unknown, total = _arrivals(flow, notes)
    rates, unstable = solve_traffic(flow, routes, gamma, notes)
    stages = [
        _stage_flow(
            stage, None if unknown[a] else rates[a], unstable.get(a), total, lanes, fte, people, notes
        )
        for stage, a in zip(workflow.stages, flow.stage_numbers, strict=True)
    ]
    lead_time = _lead_time(stages, total, notes)
    exits = tuple(
        ExitFlow(e.name, e.kind.value, None if unknown[a] else rates[a])
        for e, a in zip(workflow.exits, flow.exit_numbers, strict=True)
    )
    loads = _lane_loads(stages, fte, notes)
    ranked = [s for s in stages if s.utilisation is not None]
    bottleneck = max(ranked, key=lambda s: s.utilisation or 0.0).name if ranked else None
    return WorkflowAnalysis(
        workflow.name,
        workflow.title,
        total,
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
    )


def _arrivals(flow: FlowGraph, notes: list[Note]) -> tuple[list[float], bytearray, float | None]:
    """γ by node number, marks of the nodes whose rate is unknown, and Σγ (None unless all known)."""
    gamma = [0.0] * len(flow.graph)
    given: list[float] = []
    missing: list[int] = []
    for a, intake in zip(flow.intake_numbers, flow.workflow.intakes, strict=True):
        if intake.arrivals is None:
            missing.append(a)
            notes.append(
                Note(f"no arrivals on intake `{intake.name}`: flow figures unavailable", intake.name)
            )
        else:
            gamma[a] = intake.arrivals.per_hour
            given.append(gamma[a])
    unknown = reach(flow.graph.outgoing, missing)  # one search from all of them
    for a in missing:
        unknown[a] = 1
    total = sum(given) if given and not missing else None
    return gamma, unknown, total


def _stage_flow(
    stage: Stage,
    rate: float | None,
    unstable: str | None,
    total: float | None,
    lanes: Mapping[str, Lane],
    fte: Mapping[str, float],
    people: Mapping[str, Person],
    notes: list[Note],
) -> StageFlow:
    capacity, why = stage_capacity(stage, lanes, fte, people)
    servers = capacity if capacity is None or stage.wip is None else min(capacity, float(stage.wip))
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
            unstable = f"utilisation {rho:.2f} ≥ 1: its queue grows without bound"
            notes.append(Note(f"stage `{stage.name}` is overloaded: {unstable}", stage.name))
        else:
            time = wait + effort
    visits = rate / total if rate is not None and total else None
    lane = stage.lane.name if stage.lane is not None else None
    return StageFlow(stage.name, lane, rate, effort, capacity, servers, rho, wait, time, visits, unstable)


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


def _lane_loads(stages: list[StageFlow], fte: Mapping[str, float], notes: list[Note]) -> tuple[LaneLoad, ...]:
    members: dict[str, list[StageFlow]] = {}
    for stage in stages:
        if stage.lane is not None:
            members.setdefault(stage.lane, []).append(stage)
    loads = []
    for lane, own in members.items():
        demands = [s.load for s in own]
        demand = None if any(d is None for d in demands) else sum(d or 0.0 for d in demands)
        load = LaneLoad(lane, fte.get(lane, 0.0), demand, tuple(s.name for s in own))
        if demand is not None and load.fte > 0 and demand >= load.fte and len(own) > 1:
            notes.append(
                Note(
                    f"lane `{lane}` is asked for {demand:.2f} FTE of work by its stages together "
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
