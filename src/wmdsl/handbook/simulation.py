"""The handbook's simulation page (``wmdsl docs --simulate``): what a run of the workflows predicts.

One page for the whole handbook, built from a
:class:`wmdsl.simulate.summary.Simulation` (the figures and the words of
``wmdsl simulate``'s text report): per workflow, each stage's utilisation
beside the analysis's, its wait and queue; the lead times of delivered items
with their confidence intervals; each SLE and target, met or missed; and the
people's utilisation. It reads the simulation's records only, so the
handbook does not import SimPy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wmdsl.handbook.blocks import Block, Code, Facts, Heading, Link, Page, Paragraph, Table, line
from wmdsl.handbook.pages import quoted, section

if TYPE_CHECKING:
    from wmdsl.simulate.summary import Simulation, WorkflowResult

SIMULATION = "simulation"
UNSTABLE = "unstable"


def simulation_page(result: Simulation, nav: tuple[Link, ...], source: str) -> Page:
    """The simulation page (see the module docstring)."""
    from wmdsl.simulate.report import est_number

    runs = (
        f"{result.replications} replications of {result.until:g} weeks after a {result.warmup:g}-week warm-up"
    )
    blocks: list[Block] = [
        Heading(1, line("Simulation")),
        Paragraph(
            line(
                f"What a discrete-event simulation of the workflows predicts: {runs}, seed {result.seed}. "
                f"Each figure is the mean over the replications ± the half-width of its "
                f"{result.confidence * 100:g}% confidence interval; times are in each workflow's open hours. "
                "A stage whose queue grows without bound is unstable: it has no wait to show, and neither "
                "do the lead times of the work that goes through it."
            )
        ),
    ]
    for flow in result.workflows:
        blocks += _workflow(flow)
    people = tuple(
        (
            line(Code(lane.name)),
            line(f"{lane.fte:g}"),
            line(UNSTABLE if lane.unstable else est_number(lane.utilisation)),
        )
        for lane in result.lanes
    )
    blocks += section(
        "People", Table(("Lane or person", "FTE", "Utilisation"), people, "No one works on a stage.")
    )
    if result.assumptions:
        blocks.append(Heading(2, line("Assumptions")))
        blocks += [Paragraph(quoted(text)) for text in result.assumptions]
    return Page(SIMULATION, "Simulation", tuple(blocks), nav, source)


def _workflow(flow: WorkflowResult) -> list[Block]:
    from wmdsl.simulate.report import est_hours, est_number, est_share

    day = flow.per_day
    stages = tuple(
        (
            line(Code(stage.name)),
            line(Code(stage.lane) if stage.lane else "—"),
            line(est_number(stage.utilisation)),
            line("—" if stage.analytic_utilisation is None else f"{stage.analytic_utilisation:.2f}"),
            line(UNSTABLE if stage.unstable else est_hours(stage.wait, day)),
            line(UNSTABLE if stage.unstable else est_number(stage.queue)),
        )
        for stage in flow.stages
    )
    leads = tuple(
        (
            line(f"{lead.kind} ", Code(lead.name)),
            line(str(lead.delivered)),
            *(line(UNSTABLE if lead.unstable else est_hours(q, day)) for q in lead.quantiles),
        )
        for lead in (*flow.intakes, *flow.kinds)
    )
    targets = tuple(
        (
            line(f"{'SLE of' if t.kind == 'sle' else 'metric'} ", Code(t.name)),
            line(t.text),
            line(UNSTABLE if t.unstable else est_share(t.attainment)),
            line("missed" if t.met is False else "met" if t.met else "—"),
        )
        for t in flow.targets
    )
    facts = [
        ("Hours", line(f"{flow.hours} ({day:g} h a day)")),
        ("Arrivals", line(f"{est_number(flow.arrivals, 1)} a week")),
    ]
    if flow.bottleneck:
        facts.append(("Bottleneck", line(Code(flow.bottleneck))))
    return [
        Heading(2, line("Workflow ", Code(flow.name), f" — {flow.title}" if flow.title else None)),
        Facts(tuple(facts)),
        Table(("Stage", "Lane", "Utilisation", "Analysis", "Wait", "Queue"), stages, "No stages."),
        Table(("Lead time of delivered items", "Items", "p50", "p85", "p95"), leads, "No intakes."),
        Table(("Promise", "Target", "Within it", "Verdict"), targets, "No SLE or target."),
    ]
