"""Replications, in parallel, with seeds derived from one: the same seed gives the same figures.

Replication ``i`` draws all its random numbers from streams seeded by the
run's ``seed`` and ``i`` (:func:`wmdsl.simulate.engine.stream_seed`), so it
is the same whichever process runs it and whenever; the results are put
back in order before anything is summed, so the output is byte for byte the
same for the same seed, on one core or many. Replications run in worker
processes (``concurrent.futures``) when there are several and more than one
core; the plan is sent to each worker once, when it starts.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass

from wmdsl.simulate.distributions import DECLARED, DEFAULTED, SET
from wmdsl.simulate.engine import Replication, Window, replicate
from wmdsl.simulate.plan import Built, Plan
from wmdsl.simulate.summary import ShapeResult, Simulation, summarise

__all__ = ["Settings", "run_replications", "simulate_built"]


@dataclass(frozen=True, slots=True)
class Settings:
    """How to run: the seed, how many replications, the window (in weeks) and the confidence level."""

    seed: int = 1
    replications: int = 10
    until: float = 52.0  # weeks of the clock
    warmup: float = 4.0
    items: int | None = None  # send this many items, then stop arrivals (the window ends at the last)
    confidence: float = 0.95
    jobs: int | None = None  # worker processes (None: one per core)


_PLAN: Plan | None = None  # the plan of a worker process, set once when it starts


def _start_worker(plan: Plan) -> None:
    global _PLAN
    _PLAN = plan


def _replicate_in_worker(index: int, window: Window, seed: int) -> Replication:
    assert _PLAN is not None
    return replicate(_PLAN, window, index, seed, cfd=index == 0)


def window_of(plan: Plan, settings: Settings) -> Window:
    """The settings' weeks in hours of the plan's clock."""
    return Window(settings.warmup * plan.week_hours, settings.until * plan.week_hours, settings.items)


def run_replications(
    plan: Plan, settings: Settings, progress: Callable[[int], None] | None = None
) -> list[Replication]:
    """Every replication of ``plan``, in order; ``progress`` is called with the number done so far."""
    window = window_of(plan, settings)
    count = settings.replications
    workers = min(count, settings.jobs if settings.jobs is not None else (os.cpu_count() or 1))
    done: dict[int, Replication] = {}
    if workers <= 1:
        for index in range(count):
            done[index] = replicate(plan, window, index, settings.seed, cfd=index == 0)
            if progress is not None:
                progress(len(done))
    else:
        # Leaving the block waits for the workers, and an interrupted run ends them.
        with ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(plan,)) as pool:
            futures = {pool.submit(_replicate_in_worker, i, window, settings.seed): i for i in range(count)}
            for future in as_completed(futures):
                done[futures[future]] = future.result()
                if progress is not None:
                    progress(len(done))
    return [done[i] for i in range(count)]


def simulate_built(
    built: Built,
    settings: Settings,
    progress: Callable[[int], None] | None = None,
    labels: dict[str, str] | None = None,
) -> Simulation:
    """Run ``built``'s plan and sum its replications up."""
    reps = run_replications(built.plan, settings, progress)
    workflows, lanes = summarise(built, reps, settings.confidence)
    until = settings.until
    if settings.items is not None and reps:
        until = sum(r.end for r in reps) / len(reps) / built.plan.week_hours
    return Simulation(
        seed=settings.seed,
        replications=settings.replications,
        confidence=settings.confidence,
        warmup=settings.warmup,
        until=until,
        items=settings.items,
        workflows=tuple(workflows),
        lanes=tuple(lanes),
        notes=built.plan.notes,
        assumptions=assumptions(built.plan),
        arrived=sum(r.items for r in reps),
        visits=sum(r.visits for r in reps),
        labels=dict(labels or {}),
        week_hours=built.plan.week_hours,
        shapes=shapes(built.plan),
    )


def shapes(plan: Plan) -> tuple[ShapeResult, ...]:
    """Where the random times of each stage and each intake with arrivals come from."""
    found = [
        ShapeResult(s.workflow, "stage", s.name, s.shape.family, s.shape.cv, s.source) for s in plan.stages
    ]
    found += [
        ShapeResult(i.workflow, "intake", i.name, i.shape.family, i.shape.cv, i.source)
        for i in plan.intakes
        if i.rate > 0
    ]
    return tuple(found)


#: How the report says where a shape comes from.
SOURCES = {DECLARED: "as declared", SET: "as set for this run", DEFAULTED: "by default"}


def assumptions(plan: Plan) -> tuple[str, ...]:
    """What the simulation takes for granted, and where from, in a fixed order.

    Each shape of random times says whether the spec declared it, a scenario
    set it for this run, or it is the default.
    """
    service: dict[tuple[str, str], list[str]] = {}
    for stage in plan.stages:
        service.setdefault((stage.shape.described, stage.source), []).append(stage.name)
    arrivals: dict[tuple[str, str], list[str]] = {}
    for intake in plan.intakes:
        if intake.rate > 0:
            arrivals.setdefault((intake.shape.described, intake.source), []).append(intake.name)
    found = []
    for (shape, source), names in arrivals.items():
        found.append(f"times between arrivals: {shape} {SOURCES[source]}, for {_listed(names)}")
    for (shape, source), names in service.items():
        found.append(f"touch times around `effort`: {shape} {SOURCES[source]}, for {_listed(names)}")
    found.append(
        "a `wip` limit counts the items in a stage, worked on or waiting or done and not yet taken on; "
        "a full stage blocks the one before it, and work sent back round a loop enters it anyway"
    )
    found.append("people take the work of all their stages first come, first served")
    mixed = [i.name for i in plan.intakes if len(i.kinds) > 1]
    if mixed:
        found.append(
            f"an item of an intake that accepts several work types is each as likely, for {_listed(mixed)}"
        )
    gated = any(way.delay > 0 for node in plan.nodes for way in node.alternatives)
    if gated:
        found.append(
            "a gated handoff waits for its decision a uniform time up to its `sla` (or the decision's "
            "first escalation), the item keeping its place in the stage it leaves"
        )
    return tuple(found)


def _listed(names: Sequence[str], most: int = 6) -> str:
    shown = ", ".join(f"`{n}`" for n in names[:most])
    return shown if len(names) <= most else f"{shown}, … ({len(names)} in all)"
