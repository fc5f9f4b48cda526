"""What a workflow's diagram can name: shared by the DOT and Mermaid renderers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from wmdsl.flow.calendar import OFFICE_HOURS, calendars, schedule_of
from wmdsl.model import Calendar, Decision, Document, Handoff, Hours, Lane, Person, Ref, Stage, Workflow

GATE_MARK = "◆"

#: The hours of a workflow that says none (a person's working week).
DEFAULT_HOURS = OFFICE_HOURS.text


def hours_text(hours: Hours | None, calendar: Ref | None, named: Mapping[str, Calendar]) -> str | None:
    """``9-17 mon-fri``, or ``9-17 mon-fri (office)`` for a named calendar; None when neither is set.

    A calendar that gives no hours keeps the default ones.
    """
    schedule = schedule_of(hours, calendar, named)
    if schedule is None:
        return None
    return f"{schedule.text} ({schedule.calendar})" if schedule.calendar else schedule.text


def workflow_hours(document: Document, workflow: Workflow) -> str:
    """When ``workflow`` works, as written (:data:`DEFAULT_HOURS` when it does not say)."""
    return hours_text(workflow.hours, workflow.calendar, calendars(document, workflow)) or DEFAULT_HOURS


@dataclass(frozen=True)
class Names:
    """A workflow and what it can refer to: its own declarations, then the shared ones."""

    workflow: Workflow
    people: dict[str, Person]
    lanes: dict[str, Lane]
    decisions: dict[str, Decision]
    calendars: dict[str, Calendar]

    @staticmethod
    def lookups(
        document: Document, workflow: Workflow
    ) -> tuple[dict[str, Person], dict[str, Lane], dict[str, Decision], dict[str, Calendar]]:
        """People, lanes, decisions and calendars by name; the workflow's own win over shared ones."""
        shared = document.shared
        return (
            {p.name: p for p in (*shared.people, *workflow.people)},
            {lane.name: lane for lane in (*shared.lanes, *workflow.lanes)},
            {d.name: d for d in (*shared.decisions, *workflow.decisions)},
            calendars(document, workflow),
        )

    def lane_hours(self, lane: Lane) -> str | None:
        """When ``lane`` works, when it says (``9-17 mon-thu``, ``8-16 mon-fri (office)``)."""
        return hours_text(lane.hours, lane.calendar, self.calendars)

    def person(self, handle: str) -> str:
        """A person's full name, or the handle when it names no one."""
        person = self.people.get(handle)
        return person.label if person else handle

    def lanes_with_stages(self) -> list[tuple[Lane, list[Stage]]]:
        """Lanes that hold stages, in declaration order (the workflow's first), each with
        its stages in declaration order: one pass over the stages, not one per lane."""
        in_lane: dict[str, list[Stage]] = defaultdict(list)
        for stage in self.workflow.stages:
            if stage.lane:
                in_lane[stage.lane.name].append(stage)
        lanes: dict[str, Lane] = {}
        for lane in (*self.workflow.lanes, *self.lanes.values()):
            if lane.name in in_lane:
                lanes.setdefault(lane.name, lane)
        return [(lane, in_lane[name]) for name, lane in lanes.items()]

    def stage_details(self, stage: Stage) -> str | None:
        """``WIP 3 · Pat Lee``: a stage's limit and owner, when it has them."""
        details = []
        if stage.wip is not None:
            details.append(f"WIP {stage.wip}")
        if stage.owner:
            details.append(self.person(stage.owner.name))
        return " · ".join(details) or None

    def handoff_text(self, handoff: Handoff) -> list[str]:
        """What a diagram writes on a handoff: label, ``[condition]``, gate, then chance and SLA."""
        lines = [handoff.label] if handoff.label else []
        if handoff.condition:
            lines.append(f"[{handoff.condition}]")
        if handoff.gate:
            decision = self.decisions.get(handoff.gate.name)
            lines.append(f"{GATE_MARK} gate: {decision.label if decision else handoff.gate.name}")
        chance, sla = handoff.chance, handoff.sla
        figures = [text for text in (chance and chance.text, sla and f"SLA {sla.text}") if text]
        if figures:
            lines.append(" · ".join(figures))
        return lines
