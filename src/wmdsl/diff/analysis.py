"""How the flow analysis of a workflow moved: lead time, bottleneck, utilisation of stages and lanes.

Figures are compared as a reader sees them (utilisation to two decimals,
times as :func:`wmdsl.flow.results.format_hours` writes them), so that a
change too small to show is not reported. Stages and lanes of the old side
are known by their new names when renamed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from wmdsl.diff.records import Delta
from wmdsl.flow.results import WorkflowAnalysis, format_hours

NONE = "—"


def _number(value: float | None, bound: bool = False) -> str:
    if value is None or not math.isfinite(value):
        return NONE
    return ("≥ " if bound else "") + f"{value:.2f}"


def _signed(change: float, text: str) -> str:
    return ("+" if change > 0 else "−") + text


def _lead(figures: WorkflowAnalysis, day: float) -> str:
    """The lead time for a reader: unbounded when a stage's queue grows without bound."""
    if figures.lead_time is not None:
        return format_hours(figures.lead_time, day)
    return "unbounded" if any(stage.unstable for stage in figures.stages) else NONE


def _lead_time(workflow: str, old: WorkflowAnalysis, new: WorkflowAnalysis) -> list[Delta]:
    before, after = old.lead_time, new.lead_time
    shown_old, shown_new = _lead(old, old.schedule.per_day), _lead(new, new.schedule.per_day)
    if shown_old == shown_new:  # a change too small to show is no change to a reader
        return []
    change = None
    if before is not None and after is not None:
        change = _signed(after - before, format_hours(abs(after - before), new.schedule.per_day))
    return [
        Delta(
            workflow=workflow,
            measure="lead time",
            subject=None,
            old=None if before is None else round(before, 6),
            new=None if after is None else round(after, 6),
            shown_old=shown_old,
            shown_new=shown_new,
            change=change,
        )
    ]


def _utilisation(
    workflow: str,
    measure: str,
    old: Mapping[str, tuple[float | None, bool]],
    new: Mapping[str, tuple[float | None, bool]],
) -> list[Delta]:
    found = []
    for name in sorted(set(old) | set(new)):
        before, old_bound = old.get(name, (None, False))
        after, new_bound = new.get(name, (None, False))
        shown_old, shown_new = _number(before, old_bound), _number(after, new_bound)
        if shown_old == shown_new:
            continue
        change = None
        if before is not None and after is not None and math.isfinite(before) and math.isfinite(after):
            change = _signed(after - before, f"{abs(after - before):.2f}")
        found.append(
            Delta(
                workflow=workflow,
                measure=measure,
                subject=name,
                old=None if before is None or not math.isfinite(before) else round(before, 6),
                new=None if after is None or not math.isfinite(after) else round(after, 6),
                shown_old=shown_old,
                shown_new=shown_new,
                change=change,
            )
        )
    return found


def deltas(
    workflow: str, old: WorkflowAnalysis, new: WorkflowAnalysis, names: Mapping[str, str]
) -> list[Delta]:
    """How the analysis of one workflow moved: lead time, bottleneck, utilisation of stages and lanes."""
    found = _lead_time(workflow, old, new)
    before = names.get(old.bottleneck, old.bottleneck) if old.bottleneck is not None else None
    if before != new.bottleneck:
        found.append(
            Delta(
                workflow=workflow,
                measure="bottleneck",
                subject=None,
                old=before,
                new=new.bottleneck,
                shown_old=NONE if before is None else before,
                shown_new=NONE if new.bottleneck is None else new.bottleneck,
            )
        )
    stages = (
        {names.get(s.name, s.name): (s.utilisation, s.lower_bound) for s in old.stages},
        {s.name: (s.utilisation, s.lower_bound) for s in new.stages},
    )
    found += _utilisation(workflow, "stage utilisation", *stages)
    lanes = (
        {names.get(x.name, x.name): (x.utilisation, x.lower_bound) for x in old.lanes},
        {x.name: (x.utilisation, x.lower_bound) for x in new.lanes},
    )
    found += _utilisation(workflow, "lane utilisation", *lanes)
    return found
