"""A flow analysis (:class:`wmdsl.flow.results.Analysis`) as text or JSON.

::

    workflow `delivery` — Product delivery
      arrivals: 8 items a week

      stage   lane     λ/week  servers     ρ  wait   time
      triage  product     8.0        3  0.13    1m  2.01h
      build   eng        10.4        6  0.52   29m   1.6d

      bottleneck: `build` (ρ 0.52)
      expected lead time: 3.2d in stages per item
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

from wmdsl.flow.results import (
    HOURS_PER_WEEK,
    Analysis,
    LaneLoad,
    MainPath,
    Route,
    StageFlow,
    WorkflowAnalysis,
    format_hours,
)
from wmdsl.output.safe import for_json, for_terminal

NONE = "—"


def _number(value: float | None, digits: int = 2) -> str:
    if value is None:
        return NONE
    text = f"{value:.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _hours(value: float | None) -> str:
    return NONE if value is None else format_hours(value)


def _table(header: Sequence[str], rows: list[list[str]], numeric_from: int) -> list[str]:
    """Aligned columns: text on the left, numbers (from ``numeric_from``) on the right."""
    widths = [max(len(row[i]) for row in [list(header), *rows]) for i in range(len(header))]
    lines = []
    for row in [list(header), *rows]:
        pairs = enumerate(zip(row, widths, strict=True))
        cells = [cell.rjust(w) if i >= numeric_from else cell.ljust(w) for i, (cell, w) in pairs]
        lines.append("  " + "  ".join(cells).rstrip())
    return lines


def _stage_row(stage: StageFlow) -> list[str]:
    wait = "unbounded" if stage.unstable else _hours(stage.wait)
    return [
        stage.name,
        stage.lane or NONE,
        _number(stage.per_week, 1),
        _number(stage.servers, 2),
        _number(stage.utilisation, 2),
        wait,
        _hours(stage.time),
    ]


def _lane_row(lane: LaneLoad) -> list[str]:
    return [lane.name, _number(lane.fte, 2), _number(lane.demand, 2), _number(lane.utilisation, 2)]


def _path_line(path: MainPath) -> str:
    shown = " → ".join(f"`{n}`" for n in path.nodes[1:])
    lacking = ", ".join(f"`{n}`" for n in path.missing_effort)
    missing = f"; no effort on {lacking}" if lacking else ""
    return (
        f"  main path from `{path.intake}`: {shown} "
        f"({path.probability * 100:.3g}% of its items, {format_hours(path.process_time)} hands-on{missing})"
    )


def _workflow_text(result: WorkflowAnalysis) -> list[str]:
    title = f" — {result.title}" if result.title else ""
    weekly = _number(None if result.arrivals is None else result.arrivals * HOURS_PER_WEEK, 1)
    arrivals = NONE if result.arrivals is None else f"{weekly} items a week"
    lines = [f"workflow `{result.name}`{title}", f"  arrivals: {arrivals}", ""]
    header = ["stage", "lane", "λ/week", "servers", "ρ", "wait", "time"]
    lines += _table(header, [_stage_row(s) for s in result.stages], 2)
    if result.lanes:
        lines += ["", *_table(["lane", "FTE", "demand", "load"], [_lane_row(x) for x in result.lanes], 1)]
    lines.append("")
    if result.bottleneck is not None:
        rho = result.stage(result.bottleneck).utilisation
        lines.append(f"  bottleneck: `{result.bottleneck}` (ρ {_number(rho, 2)})")
    else:
        lines.append(f"  bottleneck: {NONE}")
    lead = f"{format_hours(result.lead_time)} in stages per item" if result.lead_time is not None else NONE
    lines.append(f"  expected lead time: {lead}")
    lines += [_path_line(path) for path in result.main_paths]
    if result.notes:
        lines += ["  notes:", *(f"    - {note.message}" for note in result.notes)]
    return lines


def format_analysis_text(result: Analysis) -> str:
    """The analysis as aligned tables, one block per workflow."""
    if not result.workflows:
        return for_terminal(f"{result.file}: no workflows to analyse\n")
    blocks = ["\n".join(_workflow_text(w)) for w in result.workflows]
    return for_terminal("\n\n".join(blocks) + "\n")


def _float(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(value, 6)


def _per_week(value: float | None) -> float | None:
    return None if value is None else _float(value * HOURS_PER_WEEK)


def _stage_json(stage: StageFlow) -> dict[str, Any]:
    return {
        "name": stage.name,
        "lane": stage.lane,
        "arrivals_per_hour": _float(stage.rate),
        "arrivals_per_week": _per_week(stage.rate),
        "effort_hours": _float(stage.effort),
        "capacity_fte": _float(stage.capacity),
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


def _workflow_json(result: WorkflowAnalysis) -> dict[str, Any]:
    return {
        "name": result.name,
        "title": result.title,
        "arrivals_per_hour": _float(result.arrivals),
        "arrivals_per_week": _per_week(result.arrivals),
        "bottleneck": result.bottleneck,
        "lead_time_hours": _float(result.lead_time),
        "stages": [_stage_json(s) for s in result.stages],
        "exits": [
            {"name": e.name, "kind": e.kind, "per_hour": _float(e.rate), "per_week": _per_week(e.rate)}
            for e in result.exits
        ],
        "lanes": [
            {
                "name": lane.name,
                "fte": _float(lane.fte),
                "demand_fte": _float(lane.demand),
                "utilisation": _float(lane.utilisation),
                "stages": list(lane.stages),
            }
            for lane in result.lanes
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
    }


def format_analysis_json(result: Analysis) -> str:
    """The analysis as a JSON document (times in working hours, rates per hour and per week)."""
    document = {"version": 1, "file": result.file, "workflows": [_workflow_json(w) for w in result.workflows]}
    return for_json(json.dumps(document, indent=2, ensure_ascii=False)) + "\n"
