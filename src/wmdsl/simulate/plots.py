"""A simulation's charts, drawn with matplotlib: lead times, cumulative flow and utilisation.

Three charts per workflow, as SVG or PNG:

``WORKFLOW-lead-time``
    a histogram of the lead times of delivered items (every replication),
    with the simulated p50, p85 and p95 and each SLE and metric target;
``WORKFLOW-flow``
    the cumulative flow diagram of the first replication: from the bottom,
    the items ended, the items in each stage (in flow order, the last stage
    lowest), and the items waiting to start a stage; its top edge is the
    items arrived. A workflow of more than :data:`BANDS` stages has a band
    per lane instead, in order of first appearance;
``WORKFLOW-utilisation``
    a bar per stage of its simulated utilisation with its confidence
    interval, the analysis's figure as a mark, and the 85% and 100% lines.

Drawing is deterministic: the Agg and SVG backends (no display), no
timestamps in the metadata, a fixed hash salt for the SVG's ids, and text
kept as text (``svg.fonttype: none``) in Liberation Sans when the machine
has it, else DejaVu Sans (which comes with matplotlib), so a browser lays
it out as matplotlib measured it; mathtext is off, so a ``$`` in a title
stays a ``$``. Legends sit outside the axes, never on the data.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from wmdsl.output.safe import for_xml
from wmdsl.simulate.summary import Simulation, WorkflowResult

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["BANDS", "charts"]

BANDS = 8  # bands a cumulative flow diagram shows (one colour each); beyond, lanes, then the rest together
# Okabe and Ito's colour-blind safe palette, as the views use it.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
STYLE: dict[str, Any] = {
    "svg.hashsalt": "wmdsl",
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": ["Liberation Sans", "DejaVu Sans"],
    "font.size": 10,
    "text.parse_math": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.dpi": 100,
    "savefig.dpi": 100,
}


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9_]+", "-", name.lower()).strip("-") or "workflow"


def charts(result: Simulation, formats: Sequence[str] = ("svg",)) -> dict[str, bytes]:
    """Every chart of every workflow of ``result``, by file name (``WORKFLOW-lead-time.svg``…)."""
    # Figures are made without pyplot, so no window system is asked for and no
    # backend is chosen for the process: savefig picks the Agg or SVG canvas by format.
    import matplotlib

    names = [flow.name for flow in result.workflows]
    found: dict[str, bytes] = {}
    with matplotlib.rc_context(cast(Any, STYLE)), warnings.catch_warnings():
        # A character the font lacks (an emoji in a title) is drawn by the browser's fallback
        # font when the SVG is shown; matplotlib's warning about it would only be noise here.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font", category=UserWarning)
        for flow in result.workflows:
            stem = _slug(flow.name)
            if names.count(flow.name) > 1:  # the same name in two files: the file tells them apart
                stem = f"{_slug(flow.file.rsplit('/', 1)[-1].removesuffix('.wm'))}-{stem}"
            for kind, draw in (
                ("lead-time", lead_times),
                ("flow", cumulative_flow),
                ("utilisation", utilisation),
            ):
                figure = draw(flow, result)
                for form in formats:
                    found[f"{stem}-{kind}.{form}"] = _save(figure, form)
    return found


def _save(figure: Figure, form: str) -> bytes:
    buffer = io.BytesIO()
    if form == "svg":
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "wmdsl"}, bbox_inches="tight")
        return for_xml(buffer.getvalue().decode()).encode()
    figure.savefig(buffer, format="png", metadata={"Software": None}, bbox_inches="tight")
    return buffer.getvalue()


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _title(flow: WorkflowResult, what: str) -> str:
    return f"{what}: {flow.title or flow.name}"


def lead_times(flow: WorkflowResult, result: Simulation) -> Figure:
    """A histogram of delivered items' lead times in open days, with percentiles and targets."""
    figure = _figure(8, 4.5)
    axes = figure.add_subplot()
    days = [lead / flow.per_day for lead in flow.delivered]
    if days:
        axes.hist(
            days, bins=min(60, max(10, len(days) // 40)), color=PALETTE[4], edgecolor="white", linewidth=0.4
        )
    pooled = sorted(days)
    if pooled:
        from wmdsl.simulate.stats import percentile

        for q, style in ((0.5, ":"), (0.85, "--"), (0.95, "-.")):
            value = percentile(pooled, q)
            axes.axvline(value, color=PALETTE[0], linestyle=style, label=f"p{q * 100:g}: {value:.3g} days")
    for n, target in enumerate(flow.targets):
        within = target.within / flow.per_day
        kind = "SLE" if target.kind == "sle" else "target"
        label = f"{kind} `{target.name}`: {target.text}"
        axes.axvline(within, color=PALETTE[5 if n % 2 == 0 else 1], linestyle="-", linewidth=1.5, label=label)
    axes.set_xlabel(f"lead time of delivered items, open days ({flow.per_day:g} h)")
    axes.set_ylabel("items")
    axes.set_title(_title(flow, "Lead time"), loc="left")
    if not days:
        axes.text(0.5, 0.5, "no item delivered", transform=axes.transAxes, ha="center", va="center")
    if axes.get_legend_handles_labels()[0]:
        figure.legend(loc="outside lower center", ncols=2, frameon=False)
    return figure


def _bands(flow: WorkflowResult) -> tuple[list[str], list[list[int]]]:
    """The bands of the flow diagram: a label and the stage columns it adds up, in flow order."""
    if len(flow.stages) <= BANDS:
        return [f"in `{s.name}`" for s in flow.stages], [[i] for i in range(len(flow.stages))]
    lanes: dict[str, list[int]] = {}
    for i, stage in enumerate(flow.stages):
        lanes.setdefault(stage.lane or "(no lane)", []).append(i)
    labels = [f"in lane `{lane}`" for lane in lanes]
    groups = list(lanes.values())
    if len(groups) > BANDS:
        rest = [i for group in groups[BANDS - 1 :] for i in group]
        labels, groups = (
            [*labels[: BANDS - 1], f"in {len(groups) - BANDS + 1} other lanes"],
            [*groups[: BANDS - 1], rest],
        )
    return labels, groups


def cumulative_flow(flow: WorkflowResult, result: Simulation) -> Figure:
    """The cumulative flow diagram of the first replication (see the module docstring)."""
    figure = _figure(9, 4.8)
    axes = figure.add_subplot()
    samples = flow.cfd
    if samples:
        week_hours = _week_hours(flow, result)
        times = [row[0] / week_hours for row in samples]
        labels, groups = _bands(flow)
        ended = [row[2] for row in samples]
        stages = [[sum(row[3 + i] for i in group) for row in samples] for group in groups]
        waiting = [max(0.0, row[1] - row[2] - sum(row[3:])) for row in samples]
        layers = [ended, *reversed(stages), waiting]
        names = ["ended", *reversed(labels), "waiting to start a stage"]
        colours = ["#999999", *[PALETTE[i % len(PALETTE)] for i in reversed(range(len(stages)))], "#DDDDDD"]
        axes.stackplot(times, layers, labels=names, colors=colours, linewidth=0)
        axes.axvspan(0, result.warmup, color="#000000", alpha=0.06, label="warm-up (not measured)")
        axes.set_xlim(0, times[-1])
    else:
        axes.text(0.5, 0.5, "no items", transform=axes.transAxes, ha="center", va="center")
    axes.set_xlabel("weeks from the start of the first replication")
    axes.set_ylabel("items")
    axes.set_title(_title(flow, "Cumulative flow"), loc="left")
    if axes.get_legend_handles_labels()[0]:
        handles, names = axes.get_legend_handles_labels()
        figure.legend(handles[::-1], names[::-1], loc="outside right upper", frameon=False)
    return figure


def _week_hours(flow: WorkflowResult, result: Simulation) -> float:
    """Clock hours in a week (the open hours of the one week, when every week is the same)."""
    return result.week_hours


def utilisation(flow: WorkflowResult, result: Simulation) -> Figure:
    """A bar per stage: simulated utilisation with its interval, and the analysis's figure."""
    count = max(1, len(flow.stages))
    figure = _figure(8, 1.4 + 0.32 * count)
    axes = figure.add_subplot()
    names = [s.name for s in flow.stages]
    places = list(range(len(names)))
    means = [s.utilisation.mean if s.utilisation else 0.0 for s in flow.stages]
    lows = [
        max(0.0, m - (s.utilisation.low if s.utilisation and s.utilisation.low is not None else m))
        for m, s in zip(means, flow.stages, strict=True)
    ]
    highs = [
        (s.utilisation.high if s.utilisation and s.utilisation.high is not None else m) - m
        for m, s in zip(means, flow.stages, strict=True)
    ]
    colours = [PALETTE[5] if s.unstable else PALETTE[0] for s in flow.stages]
    axes.barh(places, means, xerr=[lows, highs], color=colours, height=0.6, error_kw={"linewidth": 0.8})
    analytic = [
        (i, s.analytic_utilisation) for i, s in enumerate(flow.stages) if s.analytic_utilisation is not None
    ]
    if analytic:
        axes.plot(
            [v for _, v in analytic],
            [i for i, _ in analytic],
            linestyle="none",
            marker="D",
            markersize=5,
            color=PALETTE[1],
            label="analyze (M/M/c)",
        )
    axes.axvline(0.85, color="#666666", linestyle="--", linewidth=0.8, label="85%: near capacity")
    axes.axvline(1.0, color="#000000", linewidth=0.8, label="100%: capacity")
    handles, labels = axes.get_legend_handles_labels()
    if any(s.unstable for s in flow.stages):
        from matplotlib.patches import Patch

        handles.append(Patch(color=PALETTE[5], label="unstable"))
        labels.append("unstable")
    axes.set_yticks(places, names)
    axes.set_ylim(len(names) - 0.5, -0.5)  # the first stage on top, no margin above or below
    # Up to a little past the busiest mean; a wide interval of a few runs is cut at the edge.
    axes.set_xlim(0, max(1.1, max(means, default=0.0) + 0.1))
    axes.set_xlabel("utilisation: work done / (servers × open hours)")
    axes.set_title(_title(flow, "Utilisation"), loc="left")
    figure.legend(handles, labels, loc="outside lower center", ncols=2, frameon=False)
    return figure
