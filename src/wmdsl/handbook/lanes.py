"""One page per lane: what a newcomer to the lane needs to know about their work.

Its purpose and people, its stages (WIP limits, effort, definition of done),
the intakes it owns (the owner is the lane or one of its members), the
handoffs into, out of and within it, the decisions it or its members take
part in, and the boards and cadences that concern it.
"""

from __future__ import annotations

from collections import defaultdict

from wmdsl.handbook.blocks import Block, Code, Heading, Line, Link, Page, Prose, Table, line
from wmdsl.handbook.blocks import join as join_lines
from wmdsl.handbook.context import View
from wmdsl.handbook.pages import (
    HANDOFF_HEADER,
    boards_table,
    cadences_table,
    handoff_row,
    intakes_table,
    lane_summary,
    section,
    text_or_dash,
)
from wmdsl.model import Board, Cadence, Handoff, Intake, Lane, Ref, Stage
from wmdsl.render.raci import ROLES, Row


class LaneIndex:
    """Which handoffs, intakes, boards, cadences and decisions concern each lane of a view.

    Built once for all the lane pages of a view, in one pass over each kind
    of element, so that a page lists what concerns its lane without looking
    at everything else: with a page per lane, scanning the whole workflow for
    every page made the handbook quadratic in the size of the spec. A lane is
    concerned by a reference to itself or to one of its members; each list
    keeps the view's order.
    """

    def __init__(self, view: View) -> None:
        self._lanes_of: dict[str, list[str]] = defaultdict(list)  # a lane or person: the lanes it stands for
        for name, lane in view.lanes.items():
            self._lanes_of[name].append(name)
            for handle in sorted(view.members(lane)):
                self._lanes_of[handle].append(name)
        self.into: dict[str, list[Handoff]] = defaultdict(list)
        self.out: dict[str, list[Handoff]] = defaultdict(list)
        self.within: dict[str, list[Handoff]] = defaultdict(list)
        for handoff in view.handoffs:
            source, target = view.lane_of(handoff.source.name), view.lane_of(handoff.target.name)
            if source is not None and source == target:
                self.within[source].append(handoff)
                continue
            if target is not None:
                self.into[target].append(handoff)
            if source is not None:
                self.out[source].append(handoff)
        self.intakes: dict[str, list[Intake]] = defaultdict(list)
        for intake in view.intakes:
            for name in self.concerned(intake.owner):
                self.intakes[name].append(intake)
        self.boards: dict[str, list[Board]] = defaultdict(list)
        board_lanes: dict[str, set[str]] = {}
        for board in view.boards:
            lanes = self.concerned(board.owner, *board.audience)
            lanes |= {home for ref in board.shows if (home := view.lane_of(ref.name)) is not None}
            board_lanes.setdefault(board.name, lanes)
            for name in lanes:
                self.boards[name].append(board)
        self.cadences: dict[str, list[Cadence]] = defaultdict(list)
        for cadence in view.cadences:
            lanes = self.concerned(cadence.owner, *cadence.reviews)
            for ref in cadence.reviews:
                home = view.lane_of(ref.name)
                lanes |= {home} if home is not None else set()
                lanes |= board_lanes.get(ref.name, set())
            for name in lanes:
                self.cadences[name].append(cadence)
        self.decisions: dict[str, list[Row]] = defaultdict(list)
        for row in view.decisions:
            decision = row.decision
            refs: list[Ref | None] = [ref for _, word, _ in ROLES[:5] for ref in getattr(decision, word)]
            refs += [escalation.to for escalation in decision.escalates]
            for name in self.concerned(*refs, decision.delegate):
                self.decisions[name].append(row)

    def concerned(self, *refs: Ref | None) -> set[str]:
        """The lanes that any of ``refs`` is, or is a member of."""
        return {name for ref in refs if ref is not None for name in self._lanes_of.get(ref.name, ())}

    def concerns(self, ref: Ref | None, lane: str) -> bool:
        """True when ``ref`` is the lane called ``lane`` or one of its members."""
        return ref is not None and lane in self._lanes_of.get(ref.name, ())


class _Lane:
    """The questions a lane page asks of the view."""

    def __init__(self, view: View, lane: Lane, index: LaneIndex) -> None:
        self.view = view
        self.lane = lane
        self.index = index

    def concerns(self, ref: Ref | None) -> bool:
        """True when ``ref`` is this lane or one of its members."""
        return self.index.concerns(ref, self.lane.name)


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


def _stages_table(info: _Lane, stages: tuple[Stage, ...]) -> Table:
    rows = [
        (
            line(stage.label, " ", Code(stage.name)),
            info.view.who(stage.owner) if stage.owner else line("lane owner"),
            line(str(stage.wip) if stage.wip is not None else "none"),
            line(stage.effort.text if stage.effort else "—"),
            text_or_dash(stage.done),
        )
        for stage in stages
    ]
    return Table(("Stage", "Owner", "WIP limit", "Effort", "Definition of done"), tuple(rows), "No stages.")


def _handoffs(info: _Lane, title: str, handoffs: list[Handoff]) -> tuple[Block, ...]:
    view = info.view
    rows = tuple(handoff_row(view, [h], _parallel(view, h)) for h in handoffs)
    return section(title, Table(HANDOFF_HEADER, rows, "None."))


def _parallel(view: View, handoff: Handoff) -> list[str]:
    """``one of 2 parallel branches`` for a branch of a fork."""
    if handoff.fork is None:
        return []
    return [f"one of {len(view.forks[handoff.fork])} parallel branches"]


def _decisions_table(info: _Lane, rows_in: list[Row]) -> Table:
    rows = []
    for row in rows_in:
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


def lane_page(
    view: View,
    lane: Lane,
    nav: tuple[Link, ...],
    index: LaneIndex | None = None,
    load: tuple[Block, ...] = (),
    diagram: tuple[Block, ...] = (),
) -> Page:
    """The page of ``lane`` within ``view``'s workflow (``index``: the view's, when pages share one).

    ``load`` is the summary of what every workflow asks of the lane, when
    known; ``diagram`` the lane's view, when drawn.
    """
    index = index or LaneIndex(view)
    info = _Lane(view, lane, index)
    name = lane.name
    blocks: list[Block] = [Heading(1, line(lane.label)), lane_summary(view, lane)]
    if lane.purpose:
        blocks += [Heading(2, line("Purpose")), Prose(lane.purpose)]
    if lane.description:
        blocks += [Prose(lane.description)]
    blocks += diagram
    blocks += [*section("Members", _members_table(view, lane))]
    blocks += section("Stages", _stages_table(info, view.stages_by_lane.get(name, ())))
    blocks += load
    blocks += section("Intakes it owns", intakes_table(view, index.intakes.get(name, [])))
    blocks += _handoffs(info, "Handoffs in", index.into.get(name, []))
    blocks += _handoffs(info, "Handoffs out", index.out.get(name, []))
    blocks += _handoffs(info, "Handoffs within the lane", index.within.get(name, []))
    blocks += section("Decisions", _decisions_table(info, index.decisions.get(name, [])))
    blocks += section("Boards", boards_table(view, index.boards.get(name, [])))
    blocks += section("Cadences", cadences_table(view, index.cadences.get(name, [])))
    key = view.lane_pages[lane.name]
    return Page(key, f"{lane.label} · {view.title}", tuple(blocks), nav, view.document.file)
