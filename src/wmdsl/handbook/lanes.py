"""One page per lane: what a newcomer to the lane needs to know about their work.

Its purpose and people, its stages (WIP limits, effort, definition of done),
the intakes it owns (the owner is the lane or one of its members), the
handoffs into, out of and within it, the decisions it or its members take
part in, and the boards and cadences that concern it.
"""

from __future__ import annotations

from wmdsl.handbook.blocks import Block, Code, Heading, Line, Link, Page, Prose, Table, line
from wmdsl.handbook.blocks import join as join_lines
from wmdsl.handbook.context import View
from wmdsl.handbook.pages import (
    boards_table,
    cadences_table,
    intakes_table,
    lane_summary,
    section,
    text_or_dash,
)
from wmdsl.model import Board, Cadence, Handoff, Lane, Ref
from wmdsl.render.raci import ROLES


class _Lane:
    """The questions a lane page asks of the view."""

    def __init__(self, view: View, lane: Lane) -> None:
        self.view = view
        self.lane = lane
        self.people = view.members(lane)
        self.stages = [s for s in view.stages if s.lane is not None and s.lane.name == lane.name]
        self.stage_names = {stage.name for stage in self.stages}

    def concerns(self, ref: Ref | None) -> bool:
        """True when ``ref`` is this lane or one of its members."""
        return ref is not None and (ref.name == self.lane.name or ref.name in self.people)

    def board_concerns(self, board: Board) -> bool:
        """True when the lane owns or reads ``board``, or the board shows its stages."""
        return (
            self.concerns(board.owner)
            or any(self.concerns(ref) for ref in board.audience)
            or any(ref.name in self.stage_names for ref in board.shows)
        )

    def cadence_concerns(self, cadence: Cadence, boards: list[Board]) -> bool:
        """True when the lane runs ``cadence`` or it reviews the lane, its people, stages or boards."""
        board_names = {board.name for board in boards}
        reviewed = {ref.name for ref in cadence.reviews}
        return (
            self.concerns(cadence.owner)
            or any(self.concerns(ref) for ref in cadence.reviews)
            or bool(reviewed & (self.stage_names | board_names))
        )


def _members_table(view: View, lane: Lane) -> Table:
    rows = []
    for member in lane.members:
        person = view.people.get(member.person.name)
        rows.append(
            (
                view.who(member.person),
                line(member.allocation.text if member.allocation else "not stated"),
                line(f"{person.capacity:g} FTE" if person is not None else "—"),
            )
        )
    return Table(("Person", "Allocation to this lane", "Capacity"), tuple(rows), "No members.")


def _stages_table(info: _Lane) -> Table:
    rows = [
        (
            line(stage.label, " ", Code(stage.name)),
            info.view.who(stage.owner) if stage.owner else line("lane owner"),
            line(str(stage.wip) if stage.wip is not None else "none"),
            line(stage.effort.text if stage.effort else "—"),
            text_or_dash(stage.done),
        )
        for stage in info.stages
    ]
    return Table(("Stage", "Owner", "WIP limit", "Effort", "Definition of done"), tuple(rows), "No stages.")


def _handoff_row(view: View, handoff: Handoff) -> tuple[Line, ...]:
    gate = view.decision(handoff.gate.name) if handoff.gate else None
    gate_text = (
        line(gate.label if gate else handoff.gate.name, " ", Code(handoff.gate.name))
        if handoff.gate
        else None
    )
    notes = [note for note in ("rework" if handoff.rework else None,) if note]
    return (
        view.node_text(handoff.source.name),
        view.node_text(handoff.target.name),
        text_or_dash(handoff.label),
        gate_text or line("—"),
        line(handoff.sla.text if handoff.sla else "—"),
        line(", ".join([*([handoff.chance.text] if handoff.chance else []), *notes]) or "—"),
    )


def _handoffs(info: _Lane, title: str, handoffs: list[Handoff]) -> tuple[Block, ...]:
    rows = tuple(_handoff_row(info.view, h) for h in handoffs)
    header = ("From", "To", "Label", "Gate", "SLA", "Chance")
    return section(title, Table(header, rows, "None."))


def _decisions_table(info: _Lane) -> Table:
    rows = []
    for row in info.view.decisions:
        decision = row.decision
        roles: list[Line] = []
        for _, word, _ in ROLES[:5]:
            who = [info.view.who(ref) for ref in getattr(decision, word) if info.concerns(ref)]
            roles += [line(f"{word}: ", *join_lines(who))] if who else []
        escalated = [info.view.who(e.to) for e in decision.escalates if info.concerns(e.to)]
        roles += [line("escalation target: ", *join_lines(escalated))] if escalated else []
        if decision.delegate is not None and info.concerns(decision.delegate):
            roles.append(line("delegate: ", *info.view.who(decision.delegate)))
        if roles:
            name = line(decision.label, " ", Code(decision.name), " (shared)" if row.shared else None)
            rows.append((name, join_lines(roles, "; ")))
    return Table(("Decision", "Role of the lane or its members"), tuple(rows), "None.")


def lane_page(view: View, lane: Lane, nav: tuple[Link, ...]) -> Page:
    """The page of ``lane`` within ``view``'s workflow."""
    info = _Lane(view, lane)
    inside = info.stage_names
    into = [h for h in view.handoffs if h.target.name in inside and h.source.name not in inside]
    out = [h for h in view.handoffs if h.source.name in inside and h.target.name not in inside]
    within = [h for h in view.handoffs if h.source.name in inside and h.target.name in inside]
    owned = [intake for intake in view.intakes if info.concerns(intake.owner)]
    boards = [board for board in view.boards if info.board_concerns(board)]
    cadences = [cadence for cadence in view.cadences if info.cadence_concerns(cadence, boards)]
    blocks: list[Block] = [Heading(1, line(lane.label)), lane_summary(view, lane)]
    if lane.purpose:
        blocks += [Heading(2, line("Purpose")), Prose(lane.purpose)]
    if lane.description:
        blocks += [Prose(lane.description)]
    blocks += [*section("Members", _members_table(view, lane)), *section("Stages", _stages_table(info))]
    blocks += section("Intakes it owns", intakes_table(view, owned))
    blocks += _handoffs(info, "Handoffs in", into) + _handoffs(info, "Handoffs out", out)
    blocks += _handoffs(info, "Handoffs within the lane", within)
    blocks += section("Decisions", _decisions_table(info))
    blocks += section("Boards", boards_table(view, boards))
    blocks += section("Cadences", cadences_table(view, cadences))
    key = view.lane_pages[lane.name]
    return Page(key, f"{lane.label} · {view.title}", tuple(blocks), nav, view.document.file)
