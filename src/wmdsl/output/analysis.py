"""A flow analysis (:class:`wmdsl.flow.results.Analysis`) as text or JSON.

::

    workflow `delivery` — Product delivery
      hours: 9-17 mon-fri (8 h a day, 40 h a week); times in these open hours
      arrivals: 8 items a week

      stage   lane     λ/week  servers     ρ  wait   time
      triage  product     8.0        3  0.13    1m  2.01h
      build   eng        10.4        6  0.52   29m   1.6d

      bottleneck: `build` (ρ 0.52)
      expected lead time: 3.2d in stages per item
      assumptions:
        - working hours: 9-17 mon-fri (8 h a day, 40 h a week), for `delivery` — no `hours` given: …

A figure that counts only the intakes with ``arrivals`` (a lower bound, see
:mod:`wmdsl.flow.analysis`) reads ``≥ 0.52``, and its ``lower_bound`` is true in JSON.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from wmdsl.flow.load import Pool
from wmdsl.flow.results import (
    Analysis,
    Assumption,
    JoinFlow,
    LaneLoad,
    MainPath,
    Route,
    StageFlow,
    WorkflowAnalysis,
    format_hours,
    listed,
)
from wmdsl.output.safe import for_json, for_terminal

NONE = "—"


def _number(value: float | None, digits: int = 2) -> str:
    if value is None:
        return NONE
    text = f"{value:.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _hours(value: float | None, per_day: float) -> str:
    return NONE if value is None else format_hours(value, per_day)


def _at_least(text: str, bound: bool) -> str:
    """``≥ text`` for a lower bound (a missing figure stays as it is)."""
    return f"≥ {text}" if bound and text != NONE else text


def _table(header: Sequence[str], rows: list[list[str]], numeric_from: int) -> list[str]:
    """Aligned columns: text on the left, numbers (from ``numeric_from``) on the right."""
    widths = [max(len(row[i]) for row in [list(header), *rows]) for i in range(len(header))]
    lines = []
    for row in [list(header), *rows]:
        pairs = enumerate(zip(row, widths, strict=True))
        cells = [cell.rjust(w) if i >= numeric_from else cell.ljust(w) for i, (cell, w) in pairs]
        lines.append("  " + "  ".join(cells).rstrip())
    return lines


def _stage_row(stage: StageFlow, per_day: float) -> list[str]:
    bound = stage.lower_bound
    wait = "unbounded" if stage.unstable else _at_least(_hours(stage.wait, per_day), bound)
    return [
        stage.name,
        stage.lane or NONE,
        _at_least(_number(stage.per_week, 1), bound),
        _number(stage.servers, 2),
        _at_least(_number(stage.utilisation, 2), bound),
        wait,
        _at_least(_hours(stage.time, per_day), bound),
    ]


def _lane_row(lane: LaneLoad) -> list[str]:
    bound = lane.lower_bound
    return [
        lane.name,
        _number(lane.fte, 2),
        _at_least(_number(lane.demand, 2), bound),
        _at_least(_number(lane.utilisation, 2), bound),
    ]


def _intakes(names: Sequence[str]) -> str:
    if len(names) == 1:
        return f"intake `{names[0]}` has no `arrivals`"
    return f"intakes {listed(names)} have no `arrivals`"


def _assumption_line(assumption: Assumption) -> str:
    where = f", for {assumption.where}" if assumption.subjects else ""
    return f"    - {assumption.what}: {assumption.value}{where} — {assumption.why}"


def _path_line(path: MainPath) -> str:
    shown = " → ".join(f"`{n}`" for n in path.nodes[1:])
    lacking = ", ".join(f"`{n}`" for n in path.missing_effort)
    missing = f"; no effort on {lacking}" if lacking else ""
    return (
        f"  main path from `{path.intake}`: {shown} "
        f"({path.probability * 100:.3g}% of its items, {format_hours(path.process_time)} hands-on{missing})"
    )


def _join_line(join: JoinFlow, day: float) -> str:
    wait = (
        ""
        if join.wait is None
        else f", the last branch about {format_hours(join.wait, day)} after the slowest's mean"
    )
    rate = _at_least(_number(join.per_week, 1), join.lower_bound)
    return f"  join `{join.name}`: {rate} items a week go on{wait}"


@dataclass(frozen=True, slots=True)
class Table:
    """A table of the analysis: header and rows of formatted cells (numbers from column ``numeric_from``)."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric_from: int


STAGE_HEADER = ("stage", "lane", "λ/week", "servers", "ρ", "wait", "time")
LANE_HEADER = ("lane", "FTE", "demand", "load")


def stage_table(result: WorkflowAnalysis) -> Table:
    """Each stage's arrivals, servers, utilisation, wait and time, as the text table shows them."""
    day = result.schedule.per_day
    return Table(STAGE_HEADER, tuple(tuple(_stage_row(s, day)) for s in result.stages), 2)


def lane_table(result: WorkflowAnalysis) -> Table:
    """Each lane's people, the work its stages ask and its load (no rows when no lane has stages)."""
    return Table(LANE_HEADER, tuple(tuple(_lane_row(x)) for x in result.lanes), 1)


def workflow_heading(result: WorkflowAnalysis) -> list[str]:
    """The lines above the tables: the workflow, its hours and its arrivals."""
    title = f" — {result.title}" if result.title else ""
    schedule = result.schedule
    week = schedule.per_week
    if result.arrivals is not None:
        arrivals = f"{_number(result.arrivals * week, 1)} items a week"
    elif result.known_arrivals is not None:
        known = _number(result.known_arrivals * week, 1)
        arrivals = f"≥ {known} items a week ({_intakes(result.unknown_intakes)})"
    else:
        arrivals = NONE
    return [
        f"workflow `{result.name}`{title}",
        f"  hours: {schedule.described}; times in these open hours",
        f"  arrivals: {arrivals}",
    ]


def workflow_summary(result: WorkflowAnalysis) -> list[str]:
    """The lines below the tables: bottleneck, lead time, joins, main paths, notes and assumptions."""
    day = result.schedule.per_day
    lines = []
    if result.bottleneck is not None:
        stage = result.stage(result.bottleneck)
        rho = _at_least(_number(stage.utilisation, 2), stage.lower_bound)
        among = any(s.lower_bound for s in result.stages if s.utilisation is not None)
        chosen = "; chosen among known figures and lower bounds" if among else ""
        lines.append(f"  bottleneck: `{result.bottleneck}` (ρ {rho}{chosen})")
    else:
        lines.append(f"  bottleneck: {NONE}")
    lead = result.lead_time
    lines.append(
        f"  expected lead time: {NONE if lead is None else format_hours(lead, day) + ' in stages per item'}"
    )
    lines += [_join_line(join, day) for join in result.joins]
    lines += [_path_line(path) for path in result.main_paths]
    if result.notes:
        lines += ["  notes:", *(f"    - {note.message}" for note in result.notes)]
    if result.assumptions:
        lines += ["  assumptions:", *(_assumption_line(a) for a in result.assumptions)]
    return lines


def _workflow_text(result: WorkflowAnalysis) -> list[str]:
    lines = [*workflow_heading(result), ""]
    stages = stage_table(result)
    lines += _table(stages.header, [list(row) for row in stages.rows], stages.numeric_from)
    if result.lanes:
        lanes = lane_table(result)
        lines += ["", *_table(lanes.header, [list(row) for row in lanes.rows], lanes.numeric_from)]
    lines.append("")
    return lines + workflow_summary(result)


def _pooled_text(pool: Pool) -> list[str]:
    """The lanes and people with the work every workflow asks of them."""
    lanes = [
        [
            lane.lane.name,
            ", ".join(lane.workflows),
            _number(lane.fte, 2),
            ("≥" if lane.lower_bound else "") + _number(lane.load, 2),
            _number(lane.utilisation, 2),
        ]
        for lane in pool.lanes
        if lane.stages
    ]
    people = [
        [
            person.person.handle,
            ", ".join(part.lane.lane.name if part.lane else "(own stages)" for part in person.parts),
            ", ".join(person.workflows),
            _number(person.person.capacity, 2),
            ("≥" if person.unknown else "") + _number(person.load, 2),
            _number(person.utilisation, 2),
        ]
        for person in pool.people
        if person.parts
    ]
    lines = ["across workflows: the load of every workflow together (FTE)", ""]
    header = ["lane", "workflows", "FTE", "demand", "load"]
    lines += _table(header, lanes, 2) if lanes else ["  no lane has stages with known load"]
    if people:
        lines += ["", *_table(["person", "lanes", "workflows", "FTE", "demand", "load"], people, 3)]
    return lines


def _several(results: Sequence[Analysis]) -> bool:
    return len(results) > 1


def format_analysis_text(result: Analysis | Sequence[Analysis], pool: Pool | None = None) -> str:
    """The analysis as aligned tables, one block per workflow (of one file or several).

    With ``pool`` and more than one workflow, a last block gives the load
    every workflow puts on each lane and person together.
    """
    results = [result] if isinstance(result, Analysis) else list(result)
    workflows = [(r.file, w) for r in results for w in r.workflows]
    if not workflows:
        files = ", ".join(r.file for r in results)
        return for_terminal(f"{files}: no workflows to analyse\n")
    blocks = []
    for file, workflow in workflows:
        lines = _workflow_text(workflow)
        if _several(results):
            lines[0] += f"  ({file})"
        blocks.append("\n".join(lines))
    if pool is not None and len(workflows) > 1:
        blocks.append("\n".join(_pooled_text(pool)))
    return for_terminal("\n\n".join(blocks) + "\n")


def _float(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(value, 6)


def _per_week(value: float | None, week: float) -> float | None:
    return None if value is None else _float(value * week)


def _stage_json(stage: StageFlow) -> dict[str, Any]:
    return {
        "name": stage.name,
        "lane": stage.lane,
        "arrivals_per_hour": _float(stage.rate),
        "arrivals_per_week": _per_week(stage.rate, stage.week),
        "lower_bound": stage.lower_bound,
        "intake_without_arrivals": stage.unknown_intake,
        "effort_hours": _float(stage.effort),
        "capacity_fte": _float(stage.capacity),
        "servers_per_fte": _float(stage.per_fte),
        "servers": _float(stage.servers),
        "utilisation": _float(stage.utilisation),
        "wait_hours": _float(stage.wait),
        "time_hours": _float(stage.time),
        "visits": _float(stage.visits),
        "unstable": stage.unstable,
    }


def _route_json(route: Route) -> dict[str, Any]:
    return {
        "source": route.source,
        "target": route.target,
        "probability": _float(route.probability),
        "explicit": route.explicit,
    }


def _assumption_json(assumption: Assumption) -> dict[str, Any]:
    return {
        "what": assumption.what,
        "value": assumption.value,
        "why": assumption.why,
        "where": list(assumption.subjects),
        "values": list(assumption.details),
        "count": len(assumption.subjects),
    }


def _workflow_json(result: WorkflowAnalysis) -> dict[str, Any]:
    schedule = result.schedule
    week = schedule.per_week
    bottleneck = result.stage(result.bottleneck) if result.bottleneck is not None else None
    return {
        "name": result.name,
        "title": result.title,
        "hours": {
            "text": schedule.text,
            "calendar": schedule.calendar,
            "per_day": _float(schedule.per_day),
            "per_week": _float(week),
            "defaulted": schedule.defaulted,
        },
        "arrivals_per_hour": _float(result.arrivals),
        "arrivals_per_week": _per_week(result.arrivals, week),
        "known_arrivals_per_hour": _float(result.known_arrivals),
        "known_arrivals_per_week": _per_week(result.known_arrivals, week),
        "intakes_without_arrivals": list(result.unknown_intakes),
        "bottleneck": result.bottleneck,
        "bottleneck_lower_bound": bottleneck is not None and bottleneck.lower_bound,
        "bottleneck_among_lower_bounds": any(
            s.lower_bound for s in result.stages if s.utilisation is not None
        ),
        "lead_time_hours": _float(result.lead_time),
        "lead_time_days": _float(None if result.lead_time is None else schedule.days(result.lead_time)),
        "stages": [_stage_json(s) for s in result.stages],
        "exits": [
            {
                "name": e.name,
                "kind": e.kind,
                "per_hour": _float(e.rate),
                "per_week": _per_week(e.rate, week),
                "lower_bound": e.lower_bound,
            }
            for e in result.exits
        ],
        "lanes": [
            {
                "name": lane.name,
                "fte": _float(lane.fte),
                "demand_fte": _float(lane.demand),
                "utilisation": _float(lane.utilisation),
                "lower_bound": lane.lower_bound,
                "stages": list(lane.stages),
            }
            for lane in result.lanes
        ],
        "joins": [
            {
                "name": join.name,
                "per_hour": _float(join.rate),
                "per_week": _per_week(join.rate, week),
                "wait_hours": _float(join.wait),
                "lower_bound": join.lower_bound,
            }
            for join in result.joins
        ],
        "routes": [_route_json(r) for r in result.routes],
        "main_paths": [
            {
                "intake": p.intake,
                "nodes": list(p.nodes),
                "probability": _float(p.probability),
                "process_time_hours": _float(p.process_time),
                "missing_effort": list(p.missing_effort),
            }
            for p in result.main_paths
        ],
        "notes": [{"message": n.message, "subject": n.subject} for n in result.notes],
        "assumptions": [_assumption_json(a) for a in result.assumptions],
    }


def _pooled_json(pool: Pool) -> dict[str, Any]:
    return {
        "lanes": [
            {
                "name": lane.lane.name,
                "declared": str(lane.lane.span),
                "fte": _float(lane.fte),
                "demand_fte": _float(lane.load),
                "utilisation": _float(lane.utilisation),
                "stages_without_load": lane.unknown,
                "lower_bound": lane.lower_bound,
                "workflows": list(lane.workflows),
                "stages": [
                    {"workflow": s.workflow, "stage": s.stage, "demand_fte": _float(s.load)}
                    for s in lane.stages
                ],
            }
            for lane in pool.lanes
        ],
        "people": [
            {
                "handle": person.person.handle,
                "declared": str(person.person.span),
                "capacity_fte": _float(person.person.capacity),
                "demand_fte": _float(person.load),
                "utilisation": _float(person.utilisation),
                "workflows": list(person.workflows),
                "lanes": [
                    {
                        "lane": part.lane.lane.name if part.lane else None,
                        "fte": _float(part.fte),
                        "demand_fte": _float(part.load),
                    }
                    for part in person.parts
                ],
            }
            for person in pool.people
        ],
    }


def format_analysis_json(result: Analysis | Sequence[Analysis], pool: Pool | None = None) -> str:
    """The analysis as a JSON document (times in each workflow's open hours, rates per open hour and week).

    One file gives ``file``; several give ``files``, and each workflow says
    its ``file``. With ``pool``, ``lanes`` and ``people`` give the load of
    every workflow together (in FTE).
    """
    results = [result] if isinstance(result, Analysis) else list(result)
    document: dict[str, Any] = {"version": 1}
    if _several(results):
        document["files"] = [r.file for r in results]
    else:
        document["file"] = results[0].file if results else None
    document["workflows"] = [{**_workflow_json(w), "file": r.file} for r in results for w in r.workflows]
    if pool is not None:
        document.update(_pooled_json(pool))
    return for_json(json.dumps(document, indent=2, ensure_ascii=False)) + "\n"
