"""One replication: a discrete-event run of a :class:`~wmdsl.simulate.plan.Plan` on SimPy.

SimPy gives the clock, the event queue and the processes; each item is a
process (a *token*; a fork gives it one per branch) that walks the flow:

1. **Ready for a stage**: it waits for a place in the stage, holding its
   place in the stage it comes from. A stage with a ``wip`` limit has that
   many places; an item that finds them full stays where it is, done but
   not passed on, and keeps its place there: a full stage *blocks* the one
   before it, and that one the one before, back to the intake, where items
   wait without limit. Work sent back round a loop (a ``rework`` handoff,
   or one that closes a loop) enters even a full stage, so that two full
   stages can never wait for each other for ever.
2. **In the stage**: it waits for one of the people of its pool (its lane,
   or the person who owns it), first come first served across every stage
   and workflow that draws on the pool, then takes its touch time: its
   work (``effort`` drawn from its shape) at the pool's pace, on the pool's
   hours (paused while the pool is closed).
3. **On**: it takes one of the stage's handoffs at random, by the routing
   probabilities; a gated one first waits for the decision (a uniform time
   up to the gate's longest wait), still in its stage. A fork sends a token
   down every branch; a join passes an item on when every handoff into it
   has delivered it; an exit ends the token, and the item ends with its last.

The places and the people are counted here rather than with SimPy's
``Resource``: a free place or person is taken without an event (most are
free, and each event is a step of the scheduler), and a place can be taken
over its limit by work sent back.

Everything a report needs is counted while it happens, in the window from
the warm-up to ``until``: time averages of the number of items waiting,
in each stage and worked on (areas under the counts, in the workflow's open
hours or, for people, their pool's), and each visit's wait, touch time and
time blocked, for the visits that became ready in the window. Items that
arrived in the window are followed to their end; the run stops when they
have all ended (or at twice the window, when some never will).
"""

from __future__ import annotations

import hashlib
import math
import random
from array import array
from collections import deque
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any

import simpy

from wmdsl.simulate.distributions import Sampler
from wmdsl.simulate.plan import EXIT, JOIN, STAGE, Alternative, Plan

__all__ = ["Replication", "Window", "replicate", "stream_seed"]

CFD_SAMPLES = 240  # points of the cumulative flow diagram over the run


def stream_seed(seed: int, *parts: object) -> int:
    """A seed for one stream of random numbers, from the run's seed and what the stream is for.

    Each replication, and in it each intake, stage and branching node, draws
    from a stream of its own, so that changing one stage (a what-if) leaves
    the arrivals and the other stages' times as they were.
    """
    text = "/".join(str(p) for p in (seed, *parts)).encode()
    return int.from_bytes(hashlib.sha256(text).digest()[:8], "big")


@dataclass(frozen=True, slots=True)
class Window:
    """How long to run, in clock hours: the warm-up, the end of the window, and the items to send."""

    warmup: float
    until: float
    items: int | None = None  # stop arrivals after this many items (then the window ends at the last)


@dataclass(frozen=True, slots=True)
class Replication:
    """What one replication counted (plain data, sent back from a worker)."""

    index: int
    seed: int
    start: float  # the window, clock hours
    end: float
    open: list[float]  # by week index: open hours of the window
    entries: list[int]  # by stage: visits ready in the window
    wait: list[float]  # Σ waits of those visits (open hours of the workflow)
    touch: list[float]  # Σ touch times (open hours of the workflow)
    blocked: list[float]  # Σ time done but not passed on
    queue_area: list[float]  # ∫ items waiting for the stage, over the workflow's open hours
    wip_area: list[float]  # ∫ items in the stage
    busy_area: list[float]  # ∫ people working on it, over the pool's open hours
    queue_start: list[int]  # items waiting at the start and the end of the window
    queue_end: list[int]
    arrived: list[int]  # by intake: items that arrived in the window
    leads: list[array[float]]  # by intake: lead times (open hours) of its window items that ended
    delivered: list[array[float]]  # by intake: those that ended at a done exit
    kinds: list[list[str]]  # by intake: the work type of each delivered item, in the order of delivered
    measured: list[list[array[float]]]  # by workflow, by target: the times measured
    exits: list[int]  # by node: items that ended there in the window
    lost: list[int]  # by workflow: window items that left through no exit
    unfinished: list[int]  # by workflow: window items still in the flow when the run stopped
    cfd: list[list[tuple[float, ...]]] = field(default_factory=list)  # by workflow: samples (see _sample)
    items: int = 0  # items that arrived in the whole run
    visits: int = 0  # stage visits in the whole run


class _Item:
    __slots__ = ("intake", "joins", "kind", "live", "lost", "marks", "start", "window", "workflow")

    def __init__(self, workflow: int, intake: int, kind: str, start: float, window: bool) -> None:
        self.workflow = workflow
        self.intake = intake
        self.kind = kind
        self.start = start  # arrival, clock hours
        self.window = window
        self.live = 1  # tokens still going
        self.joins: dict[int, int] = {}
        self.marks: dict[int, float] = {}
        self.lost = False


class _Run:
    """The state of one replication."""

    def __init__(self, plan: Plan, window: Window, index: int, seed: int) -> None:
        self.plan = plan
        self.window = window
        self.collapsed = plan.collapsed
        self.env = simpy.Environment()
        self.seed = stream_seed(seed, "replication", index)
        stages, pools = plan.stages, plan.pools
        count = len(stages)
        self.cap = [s.wip if s.wip is not None else 1 << 60 for s in stages]
        self.held = [0] * count  # places taken
        self.place_waiting: list[deque[simpy.Event]] = [deque() for _ in stages]
        self.free = [p.servers for p in pools]
        self.person_waiting: list[deque[simpy.Event]] = [deque() for _ in pools]
        self.pool = [s.pool for s in stages]
        self.speed = [pools[s.pool].speed if s.pool >= 0 else 1.0 for s in stages]
        weeks = plan.weeks
        wf_weeks = [weeks[w.week] for w in plan.workflows]
        self.wf_week = [wf_weeks[s.workflow] for s in stages]
        self.pool_week = [weeks[pools[s.pool].week] if s.pool >= 0 else wf_weeks[s.workflow] for s in stages]
        self.node_week = [wf_weeks[n.workflow] for n in plan.nodes]
        self.service = [
            Sampler(s.shape, s.effort, random.Random(stream_seed(self.seed, "stage", i)))
            for i, s in enumerate(stages)
        ]
        self.route = [random.Random(stream_seed(self.seed, "route", i)) for i in range(len(plan.nodes))]
        # counts and areas
        self.waiting = [0] * count
        self.busy = [0] * count
        self.q_area = [0.0] * count
        self.q_last = [0.0] * count
        self.w_area = [0.0] * count
        self.w_last = [0.0] * count
        self.b_area = [0.0] * count
        self.b_last = [0.0] * count
        self.entries = [0] * count
        self.wait = [0.0] * count
        self.touch = [0.0] * count
        self.blocked = [0.0] * count
        self.visits = 0
        nodes = len(plan.nodes)
        intakes = len(plan.intakes)
        flows = len(plan.workflows)
        self.arrived = [0] * intakes
        self.leads: list[array[float]] = [array("d") for _ in range(intakes)]
        self.delivered: list[array[float]] = [array("d") for _ in range(intakes)]
        self.kinds: list[list[str]] = [[] for _ in range(intakes)]
        self.measured: list[list[array[float]]] = [[array("d") for _ in w.targets] for w in plan.workflows]
        self.exits = [0] * nodes
        self.lost = [0] * flows
        self.outstanding = [0] * flows  # window items not yet ended
        self.items = 0
        self.start = window.warmup
        self.end = window.until if window.items is None else math.inf
        self.arriving = True
        self.finish = self.env.event()
        self.cfd: list[list[tuple[float, ...]]] = [[] for _ in plan.workflows]
        self.arrivals_so_far = [0] * flows
        self.ended_so_far = [0] * flows
        self.snapshots: list[list[list[float]]] = []
        self.queue_marks: list[list[int]] = []

    # -- areas ----------------------------------------------------------------
    def _move_queue(self, s: int, by: int, now: float) -> None:
        at = now if self.collapsed else self.wf_week[s].position(now)
        self.q_area[s] += self.waiting[s] * (at - self.q_last[s])
        self.q_last[s] = at
        self.waiting[s] += by

    def _move_wip(self, s: int, by: int, now: float) -> None:
        at = now if self.collapsed else self.wf_week[s].position(now)
        self.w_area[s] += self.held[s] * (at - self.w_last[s])
        self.w_last[s] = at
        self.held[s] += by

    def _move_busy(self, s: int, by: int, now: float) -> None:
        at = now if self.collapsed else self.pool_week[s].position(now)
        self.b_area[s] += self.busy[s] * (at - self.b_last[s])
        self.b_last[s] = at
        self.busy[s] += by

    def _snapshot(self) -> None:
        """Bring every area up to now and keep a copy (at the start and the end of the window)."""
        now = self.env.now
        for s in range(len(self.plan.stages)):
            self._move_queue(s, 0, now)
            self._move_wip(s, 0, now)
            self._move_busy(s, 0, now)
        self.snapshots.append([list(self.q_area), list(self.w_area), list(self.b_area)])
        self.queue_marks.append(list(self.waiting))

    # -- places and people ----------------------------------------------------
    def _release_place(self, s: int) -> None:
        if s < 0:
            return
        self._move_wip(s, -1, self.env.now)
        waiting = self.place_waiting[s]
        if waiting and self.held[s] < self.cap[s]:
            self._move_wip(s, 1, self.env.now)
            waiting.popleft().succeed()

    def _release_person(self, p: int) -> None:
        waiting = self.person_waiting[p]
        if waiting:
            waiting.popleft().succeed()
        else:
            self.free[p] += 1

    # -- processes ------------------------------------------------------------
    def arrivals(self, i: int) -> Generator[simpy.Event, Any, None]:
        plan = self.plan
        intake = plan.intakes[i]
        if intake.rate <= 0:
            return
        env = self.env
        week = self.node_week[intake.node]
        rng = random.Random(stream_seed(self.seed, "arrivals", i))
        gaps = Sampler(intake.shape, 1.0 / intake.rate, rng)
        kinds = intake.kinds
        pick = random.Random(stream_seed(self.seed, "kind", i))
        flow = intake.workflow
        limit = self.window.items
        while self.arriving:
            at = week.advance(env.now, gaps.draw())
            yield env.timeout(at - env.now)
            if not self.arriving:
                return
            self.items += 1
            kind = kinds[int(pick.random() * len(kinds))] if len(kinds) > 1 else (kinds[0] if kinds else "")
            inside = self.start <= at < self.end or (limit is not None and self.items >= limit)
            item = _Item(flow, i, kind, at, inside)
            self.arrivals_so_far[flow] += 1
            if inside:
                self.arrived[i] += 1
                self.outstanding[flow] += 1
            env.process(self.token(item, intake.node, -1, False))
            if limit is not None and self.items >= limit:
                # The window closes with the last arrival (just after it, so that it is inside).
                self.arriving = False
                self.end = math.nextafter(at, math.inf)
                if self.snapshots:
                    self._snapshot()
                return

    def token(self, item: _Item, node: int, held: int, over: bool) -> Generator[simpy.Event, Any, None]:
        env = self.env
        plan = self.plan
        nodes = plan.nodes
        watched = plan.watched
        while True:
            here = nodes[node]
            if node in watched:
                item.marks.setdefault(node, env.now)
            kind = here.kind
            if kind == EXIT:
                self._release_place(held)
                self._end(item, node)
                return
            if kind == JOIN:
                self._release_place(held)
                held = -1
                count = item.joins.get(node, 0) + 1
                if count < here.inputs:
                    item.joins[node] = count
                    item.live -= 1
                    return
                item.joins.pop(node, None)
            elif kind == STAGE:
                s = here.stage
                ready = env.now
                self._move_queue(s, 1, ready)
                if over or self.held[s] < self.cap[s]:
                    self._move_wip(s, 1, ready)
                else:
                    place = env.event()
                    self.place_waiting[s].append(place)
                    yield place
                if held >= 0:
                    if self.start <= ready < self.end:
                        self.blocked[held] += env.now - ready
                    self._release_place(held)
                held = s
                p = self.pool[s]
                if p >= 0:
                    if self.free[p] > 0:
                        self.free[p] -= 1
                    else:
                        person = env.event()
                        self.person_waiting[p].append(person)
                        yield person
                begin = env.now
                self._move_queue(s, -1, begin)
                self._move_busy(s, 1, begin)
                work = self.service[s].draw() / self.speed[s]
                done = self.pool_week[s].advance(begin, work) if p >= 0 else begin + work
                if done > begin:
                    yield env.timeout(done - begin)
                self._move_busy(s, -1, done)
                if p >= 0:
                    self._release_person(p)
                self.visits += 1
                if self.start <= ready < self.end:
                    week = self.wf_week[s]
                    self.entries[s] += 1
                    self.wait[s] += week.position(begin) - week.position(ready)
                    self.touch[s] += week.position(done) - week.position(begin)
            way = self._choose(node, here.alternatives)
            if way is None:
                item.lost = True
                self._release_place(held)
                self._end(item, -1)
                return
            if way.delay > 0:
                wait = self.route[node].random() * way.delay
                at = self.node_week[node].advance(env.now, wait)
                yield env.timeout(at - env.now)
            targets = way.targets
            if len(targets) > 1:
                item.live += len(targets) - 1
                for target, flag in zip(targets[1:], way.overflow[1:], strict=True):
                    env.process(self.token(item, target, -1, flag))
            node, over = targets[0], way.overflow[0]

    def _choose(self, node: int, alternatives: tuple[Alternative, ...]) -> Alternative | None:
        if len(alternatives) == 1 and alternatives[0].probability >= 1.0:
            return alternatives[0]
        draw = self.route[node].random()
        for way in alternatives:
            draw -= way.probability
            if draw < 0:
                return way
        return None  # the chances leave some work to go nowhere: it is lost

    def _end(self, item: _Item, node: int) -> None:
        """One token ended (at exit ``node``, or lost with -1); the item ends with its last."""
        item.live -= 1
        if node >= 0 and self.start <= self.env.now < self.end:
            self.exits[node] += 1
        if item.live > 0:
            return
        flow = item.workflow
        self.ended_so_far[flow] += 1
        if not item.window:
            return
        self.outstanding[flow] -= 1
        if item.lost:
            self.lost[flow] += 1
        elif node >= 0:
            plan = self.plan
            week = self.node_week[node]
            lead = week.position(self.env.now) - week.position(item.start)
            self.leads[item.intake].append(lead)
            if plan.nodes[node].exit_kind == "done":
                self.delivered[item.intake].append(lead)
                self.kinds[item.intake].append(item.kind)
            self._measure(item, node, lead)
        if not self.arriving or self.env.now >= self.end:
            self._maybe_finish()

    def _measure(self, item: _Item, node: int, lead: float) -> None:
        """The times of the item against its workflow's targets (SLEs and metrics)."""
        plan = self.plan
        flow = plan.workflows[item.workflow]
        done = plan.nodes[node].exit_kind == "done"
        week = self.node_week[node]
        for t, target in enumerate(flow.targets):
            if target.kind == "sle":
                if done and item.kind == target.name:
                    self.measured[item.workflow][t].append(lead)
                continue
            begin = item.start if target.start < 0 else item.marks.get(target.start)
            finish = self.env.now if target.end < 0 else item.marks.get(target.end)
            if target.end < 0 and not done:
                continue
            if begin is not None and finish is not None and finish >= begin:
                self.measured[item.workflow][t].append(week.position(finish) - week.position(begin))

    def _maybe_finish(self) -> None:
        if not any(self.outstanding) and not self.finish.triggered:
            self.finish.succeed()

    def watch(self) -> Generator[simpy.Event, Any, None]:
        """Snapshots at the start and the end of the window (with --items, the last arrival takes the end)."""
        env = self.env
        yield env.timeout(self.start)
        self._snapshot()
        if self.window.items is None:
            yield env.timeout(self.end - env.now)
            self._snapshot()
            self._maybe_finish()

    def sample(self, step: float) -> Generator[simpy.Event, Any, None]:
        """The cumulative flow diagram's points: per workflow, arrived, in each stage, ended."""
        plan = self.plan
        while self.arriving and self.env.now <= self.window.until:
            for f, flow in enumerate(plan.workflows):
                row = (
                    self.env.now,
                    float(self.arrivals_so_far[f]),
                    float(self.ended_so_far[f]),
                    *(float(self.held[s]) for s in flow.stages),
                )
                self.cfd[f].append(row)
            yield self.env.timeout(step)


def replicate(plan: Plan, window: Window, index: int, seed: int, cfd: bool = False) -> Replication:
    """Run replication ``index`` of ``plan`` (its random numbers derived from ``seed`` and ``index``)."""
    run = _Run(plan, window, index, seed)
    env = run.env
    for i in range(len(plan.intakes)):
        env.process(run.arrivals(i))
    env.process(run.watch())
    if cfd:
        env.process(run.sample(max(window.until, 1.0) / CFD_SAMPLES))
    if window.items is None:
        cap = env.timeout(2 * window.until)
        cap.callbacks.append(lambda _: _stop(run))
    try:
        env.run(until=run.finish)
    except RuntimeError:
        if env.peek() != math.inf:
            raise
        # Nothing is left to happen: the items still in the flow wait for ever (at a join).
    run.arriving = False
    while len(run.snapshots) < 2:
        run._snapshot()
    return _result(run, index)


def _stop(run: _Run) -> None:
    """End the run at its cap, when the window's items have not all ended by then."""
    if not run.finish.triggered:
        run.finish.succeed()


def _result(run: _Run, index: int) -> Replication:
    plan = run.plan
    first, last = run.snapshots[0], run.snapshots[-1]

    def between(k: int) -> list[float]:
        return [b - a for a, b in zip(first[k], last[k], strict=True)]

    opened = [week.position(run.end) - week.position(run.start) for week in plan.weeks]
    unfinished = [max(0, n) for n in run.outstanding]
    return Replication(
        index=index,
        seed=run.seed,
        start=run.start,
        end=run.end,
        open=opened,
        entries=run.entries,
        wait=run.wait,
        touch=run.touch,
        blocked=run.blocked,
        queue_area=between(0),
        wip_area=between(1),
        busy_area=between(2),
        queue_start=run.queue_marks[0],
        queue_end=run.queue_marks[-1],
        arrived=run.arrived,
        leads=run.leads,
        delivered=run.delivered,
        kinds=run.kinds,
        measured=run.measured,
        exits=run.exits,
        lost=run.lost,
        unfinished=unfinished,
        cfd=run.cfd,
        items=run.items,
        visits=run.visits,
    )
