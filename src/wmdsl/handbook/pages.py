"""The overview pages of the handbook: a workflow's index, the hub of a multi-workflow site, findings."""

from __future__ import annotations

from collections.abc import Sequence

from wmdsl.diagnostics import Diagnostic, Severity
from wmdsl.flow.calendar import schedule_of
from wmdsl.handbook.blocks import (
    Block,
    Code,
    Facts,
    Heading,
    Line,
    Link,
    Page,
    Paragraph,
    Prose,
    Table,
    Text,
    line,
)
from wmdsl.handbook.blocks import join as join_lines
from wmdsl.handbook.context import View
from wmdsl.handbook.diagrams import Diagrams
from wmdsl.model import Board, Cadence, Handoff, Hours, Intake, Lane, Ref, Target
from wmdsl.render.raci import ROLES
from wmdsl.render.scope import DEFAULT_HOURS

SEVERITY_TITLES = ((Severity.ERROR, "Errors"), (Severity.WARNING, "Warnings"), (Severity.INFO, "Information"))


def target_text(target: Target | None) -> str:
    """``10d at 85%`` (or a dash)."""
    return f"{target.within.text} at {target.percentile.text}" if target is not None else "—"


def text_or_dash(value: str | None) -> Line:
    """``value`` as a line, or a dash when it is missing."""
    return line(value if value else "—")


def quoted(message: str) -> Line:
    """A diagnostic message with its `backquoted` parts as code."""
    parts = message.split("`")
    if len(parts) % 2 == 0:  # an unpaired backquote: show the text as it is
        return line(message)
    return tuple(Code(part) if index % 2 else Text(part) for index, part in enumerate(parts) if part)


def findings_summary(diagnostics: Sequence[Diagnostic]) -> str:
    """``2 errors, 1 warning`` or ``No findings``."""
    parts = []
    for severity, word in ((Severity.ERROR, "error"), (Severity.WARNING, "warning"), (Severity.INFO, "info")):
        count = sum(1 for d in diagnostics if d.severity is severity)
        if count:
            parts.append(f"{count} {word}{'s' if count != 1 and word != 'info' else ''}")
    return ", ".join(parts) if parts else "No findings"


def hours_line(view: View, hours: Hours | None, calendar: Ref | None) -> Line | None:
    """``9-17 mon-fri``, or ``9-17 mon-fri (Office hours `office`)`` for a calendar; None for neither."""
    schedule = schedule_of(hours, calendar, view.calendars)
    if schedule is None:
        return None
    if schedule.calendar is None:
        return line(schedule.text)
    found = view.calendars.get(schedule.calendar)
    title = f"{found.title} " if found is not None and found.title else None
    return line(schedule.text, " (", title, Code(schedule.calendar), ")")


def workflow_hours(view: View) -> Line:
    """When the view's workflow works: its hours or calendar, else the default ones."""
    workflow = view.workflow
    found = hours_line(view, workflow.hours, workflow.calendar) if workflow is not None else None
    return found or line(DEFAULT_HOURS, " (default)")


def handoff_row(view: View, handoffs: Sequence[Handoff], notes: Sequence[str] = ()) -> tuple[Line, ...]:
    """One handoff, or the branches of one fork (which share their attributes), as a table row."""
    handoff = handoffs[0]
    gate = view.decision(handoff.gate.name) if handoff.gate else None
    gate_text = (
        line(gate.label if gate else handoff.gate.name, " ", Code(handoff.gate.name))
        if handoff.gate
        else None
    )
    notes = [*(["rework"] if handoff.rework else []), *notes]
    return (
        view.node_text(handoff.source.name),
        join_lines([view.node_text(h.target.name) for h in handoffs], " and "),
        text_or_dash(handoff.label),
        text_or_dash(handoff.condition),
        gate_text or line("—"),
        line(handoff.sla.text if handoff.sla else "—"),
        line(", ".join([*([handoff.chance.text] if handoff.chance else []), *notes]) or "—"),
    )


HANDOFF_HEADER = ("From", "To", "Label", "When", "Gate", "SLA", "Chance")


def _handoffs_table(view: View) -> Table:
    """Every handoff in declaration order, a fork's branches on one row."""
    rows = []
    for handoff in view.handoffs:
        if handoff.fork is None:
            rows.append(handoff_row(view, [handoff]))
        elif view.forks[handoff.fork][0] is handoff:
            rows.append(handoff_row(view, view.forks[handoff.fork], ["all at once"]))
    return Table(HANDOFF_HEADER, tuple(rows), "No handoffs.")


def _joins_table(view: View) -> Table:
    into, out = view.around
    rows = [
        (
            line(join.label, " ", Code(join.name)),
            join_lines([view.node_text(h.source.name) for h in into.get(join.name, [])], " and ")
            or line("—"),
            join_lines([view.node_text(h.target.name) for h in out.get(join.name, [])]) or line("—"),
        )
        for join in view.joins
    ]
    return Table(("Join (flow order)", "Waits for all of", "Then"), tuple(rows), "No joins.")


def _lanes_table(view: View) -> Table:
    rows = []
    for name in view.lane_pages:
        lane = view.lanes[name]
        members = join_lines([view.who(m.person) for m in lane.members])
        stages = join_lines([line(s.label) for s in view.stages_by_lane.get(name, ())])
        rows.append((view.lane_link(name), view.who(lane.owner), members or line("—"), stages or line("—")))
    return Table(("Lane", "Owner", "Members", "Stages"), tuple(rows), "No lanes.")


def _stages_table(view: View) -> Table:
    rows = [
        (
            line(stage.label, " ", Code(stage.name)),
            view.lane_link(stage.lane.name) if stage.lane else line("—"),
            line(str(stage.wip) if stage.wip is not None else "none"),
            line(stage.effort.text if stage.effort else "—"),
            text_or_dash(stage.done),
        )
        for stage in view.stages
    ]
    return Table(
        ("Stage (flow order)", "Lane", "WIP limit", "Effort", "Definition of done"), tuple(rows), "No stages."
    )


def intakes_table(view: View, intakes: Sequence[Intake] | None = None) -> Table:
    """The intakes (all of the view's, or those given, in their order) with their entry rules."""
    rows = [
        (
            line(intake.label, " ", Code(intake.name)),
            view.who(intake.owner),
            text_or_dash(intake.channel),
            line(", ".join(ref.name for ref in intake.accepts) or "—"),
            line(intake.arrivals.text if intake.arrivals else "—"),
            text_or_dash(intake.criteria),
        )
        for intake in (view.intakes if intakes is None else intakes)
    ]
    header = ("Intake", "Owner", "Channel", "Accepts", "Arrivals", "Entry criteria")
    return Table(header, tuple(rows), "No intakes.")


def _exits_table(view: View) -> Table:
    rows = [(line(e.label, " ", Code(e.name)), line(e.kind.value)) for e in view.exits]
    return Table(("Exit", "Kind"), tuple(rows), "No exits.")


def _decisions_table(view: View) -> Table:
    rows = []
    for row in view.decisions:
        decision = row.decision
        parts = [
            line(f"{word} ", *join_lines([view.who(ref) for ref in getattr(decision, word)]))
            for _, word, _ in ROLES[:5]
            if getattr(decision, word)
        ]
        escalations = [
            line(*view.element_text(e.to), f" after {e.after.text}" if e.after else None)
            for e in decision.escalates
        ]
        name = line(decision.label, " ", Code(decision.name), " (shared)" if row.shared else None)
        rows.append((name, join_lines(parts, "; ") or line("—"), join_lines(escalations, "; ") or line("—")))
    return Table(("Decision", "Roles", "Escalates to"), tuple(rows), "No decisions.")


def boards_table(view: View, boards: Sequence[Board] | None = None) -> Table:
    """The boards (all of the view's, or those given, in their order): what they show, for whom."""
    rows = [
        (
            line(board.label, " ", Code(board.name)),
            view.who(board.owner) if board.owner else line("—"),
            join_lines([view.node_text(ref.name) for ref in board.shows]) or line("—"),
            join_lines([view.who(ref) for ref in board.audience]) or line("—"),
        )
        for board in (view.boards if boards is None else boards)
    ]
    return Table(("Board", "Owner", "Shows", "Audience"), tuple(rows), "No boards.")


def _metrics_table(view: View) -> Table:
    rows = [
        (
            line(metric.label, " ", Code(metric.name)),
            view.who(metric.owner) if metric.owner else line("—"),
            view.node_text(metric.start.name) if metric.start else line("—"),
            view.node_text(metric.end.name) if metric.end else line("—"),
            line(metric.throughput.text if metric.throughput else target_text(metric.target)),
        )
        for metric in view.metrics
    ]
    return Table(("Metric", "Owner", "From", "To", "Target"), tuple(rows), "No metrics.")


def cadences_table(view: View, cadences: Sequence[Cadence] | None = None) -> Table:
    """The cadences (all of the view's, or those given, in order): owner, frequency, what each reviews."""
    rows = [
        (
            line(cadence.label, " ", Code(cadence.name)),
            view.who(cadence.owner) if cadence.owner else line("—"),
            line(cadence.every.text if cadence.every else "—"),
            join_lines([view.element_text(ref) for ref in cadence.reviews]) or line("—"),
        )
        for cadence in (view.cadences if cadences is None else cadences)
    ]
    return Table(("Cadence", "Owner", "Every", "Reviews"), tuple(rows), "No cadences.")


def section(title: str, table: Table) -> tuple[Block, ...]:
    """A level-2 heading and its table."""
    return (Heading(2, line(title)), table)


def workflow_index(
    view: View, key: str, nav: tuple[Link, ...], findings: str, drawn: Diagrams | None = None
) -> Page:
    """The home page of one workflow: purpose, owner, diagrams, and every list."""
    workflow = view.workflow
    facts: list[tuple[str, Line]] = []
    if workflow is not None:
        facts.append(("Workflow", line(Code(workflow.name))))
        facts.append(("Owner", view.who(workflow.owner)))
        facts.append(("Hours", workflow_hours(view)))
    facts += [("Source", line(Code(view.document.file))), ("Findings", line(Link(findings, "findings")))]
    blocks: list[Block] = [Heading(1, line(view.title)), Facts(tuple(facts))]
    if workflow is not None and workflow.purpose:
        blocks += [Heading(2, line("Purpose")), Prose(workflow.purpose)]
    if workflow is not None and workflow.description:
        blocks += [Prose(workflow.description)]
    drawn = drawn or Diagrams()
    blocks += drawn.home
    blocks += [*section("Lanes", _lanes_table(view)), *section("Stages", _stages_table(view))]
    if view.joins:
        blocks += section("Joins", _joins_table(view))
    blocks += [*section("Intakes", intakes_table(view)), *section("Exits", _exits_table(view))]
    blocks += section("Handoffs", _handoffs_table(view))
    blocks += [Heading(2, line("Decisions")), *drawn.decisions, _decisions_table(view)]
    blocks += section("Boards", boards_table(view))
    blocks += [*section("Metrics", _metrics_table(view)), *section("Cadences", cadences_table(view))]
    return Page(key, view.title, tuple(blocks), nav, view.document.file)


def hub_index(source: str, views: list[View], nav: tuple[Link, ...], findings: str) -> Page:
    """The home page of a handbook of several workflows (of one spec or several): one row per workflow."""
    rows = [
        (
            line(Link(view.title, f"{view.prefix}index")),
            view.who(view.workflow.owner if view.workflow else None),
            text_or_dash(view.workflow.purpose if view.workflow else None),
            line(str(len(view.lane_pages))),
        )
        for view in views
    ]
    title = f"Handbook: {source}"
    blocks: list[Block] = [
        Heading(1, line(title)),
        Facts((("Source", line(Code(source))), ("Findings", line(Link(findings, "findings"))))),
    ]
    table = Table(("Workflow", "Owner", "Purpose", "Lanes"), tuple(rows), "No workflows.")
    return Page("index", title, (*blocks, *section("Workflows", table)), nav, source)


def findings_page(diagnostics: Sequence[Diagnostic], nav: tuple[Link, ...], source: str) -> Page:
    """Every diagnostic of the report, grouped by severity."""
    blocks: list[Block] = [Heading(1, line("Findings"))]
    if not diagnostics:
        blocks.append(Paragraph(line("No findings: the spec checks clean.")))
    for severity, title in SEVERITY_TITLES:
        found = [d for d in diagnostics if d.severity is severity]
        if not found:
            continue
        rows = tuple(
            (
                line(Code(str(d.span))),
                line(Code(d.code)),
                quoted(d.message),
                quoted(d.hint) if d.hint else line("—"),
            )
            for d in found
        )
        blocks += [
            Heading(2, line(f"{title} ({len(found)})")),
            Table(("Location", "Code", "Message", "Hint"), rows),
        ]
    return Page("findings", "Findings", tuple(blocks), nav, source)


def lane_summary(view: View, lane: Lane) -> Facts:
    """Owner, delegate, working hours and where the lane is declared."""
    shared = lane.name in view.shared_lane_names
    hours = hours_line(view, lane.hours, lane.calendar)
    if hours is None:
        hours = line("as the workflow: ", *workflow_hours(view)) if view.workflow else workflow_hours(view)
    return Facts(
        (
            ("Lane", line(Code(lane.name))),
            ("Workflow", line(Link(view.title, f"{view.prefix}index"))),
            ("Owner", view.who(lane.owner)),
            ("Delegate", view.who(lane.delegate) if lane.delegate else line("—")),
            ("Hours", hours),
            ("Declared", line("shared (imported or top level)" if shared else "in this workflow")),
        )
    )
