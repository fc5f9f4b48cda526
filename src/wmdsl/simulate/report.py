"""A simulation as text or JSON, and several side by side (``--compare``).

Times are in each workflow's open hours, shown in its days as the analysis
shows them (``format_hours``); each estimate reads ``mean ±half`` of its
confidence interval. An unstable stage or intake shows ``unstable`` where a
number would be, and why. Floats in JSON are rounded to
:data:`DIGITS` significant digits, so that the output of one seed is the
same on every interpreter the package supports.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from wmdsl.flow.results import format_hours
from wmdsl.output.safe import for_json, for_terminal
from wmdsl.simulate.stats import Estimate
from wmdsl.simulate.summary import (
    LaneResult,
    LeadResult,
    Simulation,
    StageResult,
    TargetResult,
    WorkflowResult,
)

__all__ = ["est_hours", "est_number", "est_share", "format_compare", "format_json", "format_text"]

NONE = "—"
DIGITS = 6
UNSTABLE = "unstable"


def _hours(value: float | None, day: float) -> str:
    return NONE if value is None else format_hours(value, day)


def est_hours(value: Estimate | None, day: float) -> str:
    """``9.6d ±0.79d``: the mean as ``format_hours`` shows it, the half-width in the same unit."""
    if value is None:
        return NONE
    text = format_hours(value.mean, day)
    if value.half is None:
        return text
    if text.endswith("d"):
        half = f"{_short(value.half / day)}d"
    elif text.endswith("h"):
        half = f"{_short(value.half)}h"
    else:
        half = f"{value.half * 60:.0f}m"
    return f"{text} ±{half}"


def _short(value: float) -> str:
    """Two significant digits, without an exponent."""
    return f"{value:.0f}" if value >= 10 else f"{value:.2g}"


def est_number(value: Estimate | None, digits: int = 2) -> str:
    """``0.53 ±0.01``: the mean and the half-width of its interval."""
    if value is None:
        return NONE
    text = f"{value.mean:.{digits}f}"
    return text if value.half is None else f"{text} ±{value.half:.{digits}f}"


def est_share(value: Estimate | None) -> str:
    """``97% ±1%``."""
    if value is None:
        return NONE
    text = f"{value.mean * 100:.0f}%"
    return text if value.half is None else f"{text} ±{value.half * 100:.0f}%"


def _table(header: Sequence[str], rows: list[list[str]], numeric_from: int) -> list[str]:
    """Aligned columns: text on the left, figures (from ``numeric_from``) on the right."""
    widths = [max(len(row[i]) for row in [list(header), *rows]) for i in range(len(header))]
    lines = []
    for row in [list(header), *rows]:
        cells = [
            cell.rjust(w) if i >= numeric_from else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  " + "  ".join(cells).rstrip())
    return lines


def _analytic(value: float | None) -> str:
    return NONE if value is None else f"{value:.2f}"


def _stage_row(stage: StageResult, day: float) -> list[str]:
    gone = UNSTABLE if stage.unstable else None
    return [
        stage.name,
        stage.lane or NONE,
        est_number(stage.rate, 1),
        est_number(stage.utilisation),
        _analytic(stage.analytic_utilisation),
        gone or est_hours(stage.wait, day),
        gone or est_number(stage.queue),
        est_number(stage.wip),
        gone or est_hours(stage.blocked, day),
    ]


def _lane_row(lane: LaneResult) -> list[str]:
    return [
        lane.name,
        f"{lane.fte:g}",
        f"{lane.people:.3g}",
        est_number(lane.utilisation),
        UNSTABLE if lane.unstable else "",
    ]


def _lead_row(lead: LeadResult, day: float) -> list[str]:
    figures = [UNSTABLE] * 3 if lead.unstable else [est_hours(q, day) for q in lead.quantiles]
    return [f"{lead.kind} `{lead.name}`", str(lead.delivered), *figures, est_number(lead.throughput, 1)]


def _target_line(target: TargetResult, day: float) -> str:
    what = f"SLE of `{target.name}`" if target.kind == "sle" else f"metric `{target.name}`"
    if target.unstable:
        return f"{what}, {target.text}: missed, the items' lead time grows without bound ({target.unstable})"
    if target.attainment is None:
        return f"{what}, {target.text}: no item measured"
    verdict = "met" if target.met else "missed"
    quantile = f"p{target.share * 100:g}"
    return (
        f"{what}, {target.text}: {verdict}: {est_share(target.attainment)} of {target.measured} items "
        f"within {_hours(target.within, day)}; {quantile} {est_hours(target.at_share, day)}"
    )


def _workflow_text(flow: WorkflowResult) -> list[str]:
    day = flow.per_day
    title = f" — {flow.title}" if flow.title else ""
    lines = [f"workflow `{flow.name}`{title}  ({flow.file})"]
    lines.append(
        f"  hours: {flow.hours} ({day:g} h a day, {flow.per_week:g} h a week); times in these open hours"
    )
    lines.append(f"  arrivals: {est_number(flow.arrivals, 1)} items a week")
    lines.append("")
    header = ["stage", "lane", "λ/week", "ρ", "analyze ρ", "wait", "queue", "in stage", "blocked"]
    lines += _table(header, [_stage_row(s, day) for s in flow.stages], 2)
    lines.append("")
    if flow.intakes or flow.kinds:
        header = ["lead time of delivered items", "items", "p50", "p85", "p95", "a week"]
        lines += _table(header, [_lead_row(lead, day) for lead in (*flow.intakes, *flow.kinds)], 1)
        lines.append("")
    if flow.targets:
        lines.append("  targets:")
        lines += [f"    - {_target_line(t, day)}" for t in flow.targets]
    exits = ", ".join(f"`{name}` {est_number(rate, 1)}" for name, _, rate in flow.exits)
    lines.append(f"  throughput a week: {exits}")
    mean = (
        UNSTABLE
        if flow.lead_time is None and any(i.unstable for i in flow.intakes)
        else est_hours(flow.lead_time, day)
    )
    analytic = _hours(flow.analytic_lead_time, day)
    lines.append(f"  mean lead time: {mean} per item that ended at an exit (analyze: {analytic} in stages)")
    if flow.bottleneck:
        lines.append(f"  bottleneck: `{flow.bottleneck}`")
    unstable = [s for s in flow.stages if s.unstable]
    if unstable:
        lines.append("  unstable:")
        lines += [f"    - `{s.name}`: {s.unstable}" for s in unstable]
    if flow.lost:
        lines.append(
            f"  lost: {flow.lost} items left through no exit "
            "(at a node with no way on, or past chances that add up to less than 100%)"
        )
    if flow.unfinished:
        lines.append(
            f"  unfinished: {flow.unfinished} items of the window were still in the flow "
            "when the runs stopped"
        )
    return lines


def _settings_line(result: Simulation) -> str:
    runs = f"{result.replications} replication{'s' if result.replications != 1 else ''}"
    if result.items is not None:
        length = f"{result.items} items each (about {result.until:.3g} weeks)"
    else:
        length = f"{result.until:g} weeks"
    return (
        f"simulated: {runs} of {length} after a {result.warmup:g}-week warm-up, seed {result.seed}; "
        f"± is the {result.confidence * 100:g}% confidence interval over the replications"
    )


def format_text(result: Simulation) -> str:
    """The simulation as text for a terminal."""
    lines = [_settings_line(result)]
    if result.labels:
        lines.append("changes: " + ", ".join(f"{k}={v}" for k, v in result.labels.items()))
    lines.append("")
    for flow in result.workflows:
        lines += _workflow_text(flow)
        lines.append("")
    if result.lanes:
        lines.append("people")
        lines += _table(
            ["lane or person", "FTE", "at work", "ρ", ""], [_lane_row(lane) for lane in result.lanes], 1
        )
        lines.append("")
    if result.notes:
        lines.append("notes:")
        lines += [f"  - {note}" for note in result.notes]
    lines.append("assumptions:")
    lines += [f"  - {assumption}" for assumption in result.assumptions]
    return for_terminal("\n".join(lines).rstrip() + "\n")


# -- JSON -------------------------------------------------------------------


def _round(value: float | None) -> float | None:
    if value is None:
        return None
    return float(f"{value:.{DIGITS}g}")


def _est(value: Estimate | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {"mean": _round(value.mean), "low": _round(value.low), "high": _round(value.high)}


def _lead_json(lead: LeadResult) -> dict[str, Any]:
    p50, p85, p95 = lead.quantiles
    return {
        "name": lead.name,
        "delivered": lead.delivered,
        "lead_time_hours": {"p50": _est(p50), "p85": _est(p85), "p95": _est(p95), "mean": _est(lead.mean)},
        "throughput_per_week": _est(lead.throughput),
        "unstable": lead.unstable,
    }


def _workflow_json(flow: WorkflowResult) -> dict[str, Any]:
    return {
        "name": flow.name,
        "title": flow.title,
        "file": flow.file,
        "hours": flow.hours,
        "open_hours_per_day": flow.per_day,
        "open_hours_per_week": flow.per_week,
        "arrivals_per_week": _est(flow.arrivals),
        "stages": [
            {
                "name": s.name,
                "lane": s.lane,
                "arrivals_per_week": _est(s.rate),
                "servers": _round(s.servers),
                "utilisation": _est(s.utilisation),
                "analytic_utilisation": _round(s.analytic_utilisation),
                "wait_hours": _est(s.wait),
                "analytic_wait_hours": _round(s.analytic_wait),
                "time_hours": _est(s.time),
                "queue": _est(s.queue),
                "wip": _est(s.wip),
                "blocked_hours": _est(s.blocked),
                "unstable": s.unstable,
            }
            for s in flow.stages
        ],
        "intakes": [_lead_json(lead) for lead in flow.intakes],
        "work_types": [_lead_json(lead) for lead in flow.kinds],
        "targets": [
            {
                "name": t.name,
                "kind": t.kind,
                "target": t.text,
                "within_hours": _round(t.within),
                "share": _round(t.share),
                "attainment": _est(t.attainment),
                "at_share_hours": _est(t.at_share),
                "measured": t.measured,
                "met": t.met,
                "unstable": t.unstable,
            }
            for t in flow.targets
        ],
        "exits": [{"name": name, "kind": kind, "per_week": _est(rate)} for name, kind, rate in flow.exits],
        "lead_time_hours": _est(flow.lead_time),
        "analytic_lead_time_hours": _round(flow.analytic_lead_time),
        "bottleneck": flow.bottleneck,
        "lost": flow.lost,
        "unfinished": flow.unfinished,
    }


def _shapes_json(result: Simulation, workflow: int) -> list[dict[str, Any]]:
    """What each stage's touch times and each intake's gaps were drawn from, and where that came from."""
    return [
        {
            "kind": shape.kind,
            "name": shape.name,
            "distribution": shape.distribution,
            "cv": _round(shape.cv),
            "from": shape.source,
        }
        for shape in result.shapes
        if shape.workflow == workflow
    ]


def _document(result: Simulation) -> dict[str, Any]:
    return {
        "simulation": {
            "seed": result.seed,
            "replications": result.replications,
            "confidence": result.confidence,
            "warmup_weeks": result.warmup,
            "until_weeks": _round(result.until),
            "items": result.items,
            "changes": dict(result.labels),
        },
        "workflows": [
            {**_workflow_json(flow), "distributions": _shapes_json(result, n)}
            for n, flow in enumerate(result.workflows)
        ],
        "lanes": [
            {
                "name": lane.name,
                "fte": _round(lane.fte),
                "people_at_work": _round(lane.people),
                "utilisation": _est(lane.utilisation),
                "stages": list(lane.stages),
                "workflows": list(lane.workflows),
                "unstable": lane.unstable,
            }
            for lane in result.lanes
        ],
        "notes": list(result.notes),
        "assumptions": list(result.assumptions),
    }


def format_json(result: Simulation) -> str:
    """The simulation as a JSON document (times in open hours of each workflow, rates per week)."""
    return for_json(json.dumps({"version": 1, **_document(result)}, indent=2, ensure_ascii=False)) + "\n"


# -- side by side -------------------------------------------------------------


def _delta_hours(base: Estimate | None, other: Estimate | None, day: float) -> str:
    if base is None or other is None:
        return ""
    change = other.mean - base.mean
    sign = "+" if change >= 0 else "−"
    relative = f" ({sign}{abs(change) / base.mean * 100:.0f}%)" if base.mean > 0 else ""
    return f"{sign}{format_hours(abs(change), day)}{relative}"


def _delta_number(base: Estimate | None, other: Estimate | None, share: bool = False) -> str:
    if base is None or other is None:
        return ""
    change = other.mean - base.mean
    sign = "+" if change >= 0 else "−"
    return f"{sign}{abs(change) * 100:.0f} pts" if share else f"{sign}{abs(change):.2f}"


def _rows(flows: Sequence[WorkflowResult]) -> list[list[str]]:
    """The figures compared, one row each: a label, then each column's value and, after the first, Δ."""
    base, day = flows[0], flows[0].per_day
    rows: list[list[str]] = []

    def add(label: str, values: list[str], deltas: list[str]) -> None:
        row = [label, values[0]]
        for value, delta in zip(values[1:], deltas, strict=True):
            row += [value, delta]
        rows.append(row)

    add(
        "throughput a week",
        [est_number(_total(f), 1) for f in flows],
        [_delta_number(_total(base), _total(f)) for f in flows[1:]],
    )
    add(
        "mean lead time",
        [est_hours(f.lead_time, day) if f.lead_time else UNSTABLE for f in flows],
        [_delta_hours(base.lead_time, f.lead_time, day) for f in flows[1:]],
    )
    for n, lead in enumerate((*base.intakes, *base.kinds)):
        for q, name in enumerate(("p50", "p85", "p95")):
            found = [(*f.intakes, *f.kinds)[n] for f in flows]
            add(
                f"{name} {lead.kind} `{lead.name}`",
                [UNSTABLE if x.unstable else est_hours(x.quantiles[q], day) for x in found],
                [_delta_hours(lead.quantiles[q], x.quantiles[q], day) for x in found[1:]],
            )
    for n, target in enumerate(base.targets):
        found_targets = [f.targets[n] for f in flows]
        add(
            f"within {target.text} `{target.name}`",
            [UNSTABLE if t.unstable else est_share(t.attainment) for t in found_targets],
            [_delta_number(target.attainment, t.attainment, share=True) for t in found_targets[1:]],
        )
    for n, stage in enumerate(base.stages):
        stages = [f.stages[n] for f in flows]
        add(
            f"ρ `{stage.name}`",
            [est_number(s.utilisation) for s in stages],
            [_delta_number(stage.utilisation, s.utilisation) for s in stages[1:]],
        )
        add(
            f"wait `{stage.name}`",
            [UNSTABLE if s.unstable else est_hours(s.wait, day) for s in stages],
            [_delta_hours(stage.wait, s.wait, day) for s in stages[1:]],
        )
    add("bottleneck", [f"`{f.bottleneck}`" if f.bottleneck else NONE for f in flows], ["" for _ in flows[1:]])
    return rows


def _total(flow: WorkflowResult) -> Estimate | None:
    known = [rate for _, _, rate in flow.exits if rate is not None]
    if not known:
        return None
    return Estimate(sum(r.mean for r in known))


def format_compare(results: Sequence[Simulation], names: Sequence[str]) -> str:
    """Several simulations of the same specs side by side, with each one's change from the first."""
    lines = [_settings_line(results[0])]
    for name, result in zip(names, results, strict=True):
        changed = ", ".join(f"{k}={v}" for k, v in result.labels.items()) or "the specs as written"
        lines.append(f"  {name}: {changed}")
    lines.append("")
    header = ["", names[0]]
    for name in names[1:]:
        header += [name, "Δ"]
    for n, flow in enumerate(results[0].workflows):
        title = f" — {flow.title}" if flow.title else ""
        lines.append(f"workflow `{flow.name}`{title}  ({flow.file})")
        lines += _table(header, _rows([r.workflows[n] for r in results]), 1)
        lines.append("")
    return for_terminal("\n".join(lines).rstrip() + "\n")


def format_compare_json(results: Sequence[Simulation], names: Sequence[str]) -> str:
    """Several simulations as one JSON document: ``scenarios``, each named, in order."""
    document = {
        "version": 1,
        "scenarios": [
            {"name": name, **_document(result)} for name, result in zip(names, results, strict=True)
        ],
    }
    return for_json(json.dumps(document, indent=2, ensure_ascii=False)) + "\n"
