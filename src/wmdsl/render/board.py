"""Board configurations: what each board shows, in flow order, as JSON.

::

    {"version": 1, "source": "delivery.wm", "workflows": [
      {"id": "delivery", "title": "…", "boards": [
        {"id", "title", "description", "owner", "audience",
         "intakes":      [on-ramps shown on the board or handing work straight to a column],
         "columns":      [the stages it shows, in flow order, with WIP limits],
         "done_columns": [{"kind": "done" | "rejected" | "cancelled", "exits": […]}],
         "swimlanes":    [the lanes of those stages]}]}]}

*Flow order* is a topological order of the handoffs, read from the intakes:
rework handoffs and the back edges of any other loop are left out, and among
the nodes that are ready the one declared first comes first (intakes, then
stages, joins, then exits), so the order is deterministic. Joins do no work:
they are never columns, and work passes through them, so the exits of a
board are those it shows and those a column or listed intake hands work to
directly or through joins, grouped by kind (done, rejected, cancelled), and
its intakes those it shows and those that feed a column so. People and lanes
are written as ``{"id": "@kim", "kind": "person", "title": "Kim Park"}``; a
missing value is ``null``. Keys keep a fixed order; the text is UTF-8,
indented by 2.
"""

from __future__ import annotations

import heapq
import json
from collections import defaultdict
from typing import Any

from wmdsl.model import Board, Document, Exit, ExitKind, Intake, Lane, Person, Ref, Stage, Workflow
from wmdsl.output.safe import for_json

VERSION = 1
Json = dict[str, Any]


def flow_order(workflow: Workflow) -> list[str]:
    """The names of the intakes, stages, joins and exits of ``workflow`` in flow order.

    Joins are in it so that what follows a join comes after every branch it waits for.
    """
    names = [node.name for node in (*workflow.intakes, *workflow.stages, *workflow.joins, *workflow.exits)]
    rank = {name: index for index, name in enumerate(names)}
    # Targets as dict keys: ordered, and each new one tested in O(1) whatever the fan-out.
    targets: dict[str, dict[str, None]] = {name: {} for name in names}
    for handoff in workflow.handoffs:
        source, target = handoff.source.name, handoff.target.name
        if not handoff.rework and source in rank and target in rank:
            targets[source][target] = None
    forward = {name: list(after) for name, after in targets.items()}
    return _topological(names, _without_back_edges(names, forward), rank)


def _without_back_edges(names: list[str], forward: dict[str, list[str]]) -> dict[str, list[str]]:
    """``forward`` minus the edges that close a loop in a depth-first walk from ``names`` in order."""
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    kept: dict[str, list[str]] = {name: [] for name in names}
    for root in names:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(forward[root]))]
        while stack:
            node, successors = stack[-1]
            target = next(successors, None)
            if target is None:
                state[node] = 2
                stack.pop()
            elif state.get(target) != 1:
                kept[node].append(target)
                if target not in state:
                    state[target] = 1
                    stack.append((target, iter(forward[target])))
    return kept


def _topological(names: list[str], forward: dict[str, list[str]], rank: dict[str, int]) -> list[str]:
    """Kahn's algorithm, taking the earliest-declared ready node first."""
    waiting = dict.fromkeys(names, 0)
    for targets in forward.values():
        for target in targets:
            waiting[target] += 1
    ready = [rank[name] for name in names if waiting[name] == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        name = names[heapq.heappop(ready)]
        order.append(name)
        for target in forward[name]:
            waiting[target] -= 1
            if waiting[target] == 0:
                heapq.heappush(ready, rank[target])
    return order


class _Scope:
    """Name lookups for one workflow (its own declarations and the shared ones)."""

    def __init__(self, document: Document, workflow: Workflow) -> None:
        shared = document.shared
        self.people: dict[str, Person] = {p.name: p for p in (*shared.people, *workflow.people)}
        self.lanes: dict[str, Lane] = {lane.name: lane for lane in (*shared.lanes, *workflow.lanes)}
        self.order = {name: index for index, name in enumerate(flow_order(workflow))}
        # Looked up per board, built once per workflow (boards x handoffs was quadratic).
        self.stages: dict[str, Stage] = {stage.name: stage for stage in workflow.stages}
        self.intakes: dict[str, Intake] = {intake.name: intake for intake in workflow.intakes}
        self.exits: dict[str, Exit] = {exit_.name: exit_ for exit_ in workflow.exits}
        self.joins = {join.name for join in workflow.joins}
        self.sources: defaultdict[str, list[str]] = defaultdict(list)
        self.targets: defaultdict[str, list[str]] = defaultdict(list)
        for handoff in workflow.handoffs:
            self.sources[handoff.target.name].append(handoff.source.name)
            self.targets[handoff.source.name].append(handoff.target.name)

    def beyond(self, names: list[str], step: defaultdict[str, list[str]]) -> set[str]:
        """The nodes one ``step`` (``sources`` or ``targets``) from ``names``, passing through joins.

        Each join is passed once, so this is linear in the handoffs it looks at.
        """
        found: set[str] = set()
        passed: set[str] = set()
        pending = list(names)
        while pending:
            for near in step[pending.pop()]:
                found.add(near)
                if near in self.joins and near not in passed:
                    passed.add(near)
                    pending.append(near)
        return found

    def title(self, ref: Ref) -> str | None:
        """The full name of a person or the title of a lane."""
        named: Person | Lane | None = self.people.get(ref.name) if ref.is_person else self.lanes.get(ref.name)
        return named.title if named is not None else None

    def party(self, ref: Ref | None) -> Json | None:
        """A person or lane as JSON (``None`` stays ``None``)."""
        if ref is None:
            return None
        return {"id": ref.name, "kind": "person" if ref.is_person else "lane", "title": self.title(ref)}

    def sort(self, names: set[str]) -> list[str]:
        """``names`` in flow order."""
        return sorted(names, key=lambda name: self.order.get(name, len(self.order)))


def _column(stage: Stage, scope: _Scope) -> Json:
    lane = scope.lanes.get(stage.lane.name) if stage.lane is not None else None
    owner = stage.owner or (lane.owner if lane is not None else None)
    return {
        "id": stage.name,
        "title": stage.label,
        "lane": stage.lane.name if stage.lane is not None else None,
        "owner": scope.party(owner),
        "wip_limit": stage.wip,
        "effort": stage.effort.text if stage.effort is not None else None,
        "effort_hours": stage.effort.hours if stage.effort is not None else None,
        "done": stage.done,
    }


def _swimlane(lane: Lane, scope: _Scope) -> Json:
    return {
        "id": lane.name,
        "title": lane.label,
        "owner": scope.party(lane.owner),
        "delegate": scope.party(lane.delegate),
        "purpose": lane.purpose,
        "members": [
            {
                "id": member.person.name,
                "title": scope.title(member.person),
                "allocation": member.allocation.fraction if member.allocation is not None else None,
            }
            for member in lane.members
        ],
    }


def _intake(intake: Intake, scope: _Scope, shown: bool) -> Json:
    return {
        "id": intake.name,
        "title": intake.label,
        "owner": scope.party(intake.owner),
        "channel": intake.channel,
        "accepts": [ref.name for ref in intake.accepts],
        "arrivals": intake.arrivals.text if intake.arrivals is not None else None,
        "shown": shown,
    }


def _done_columns(exits: list[Exit], shown: set[str]) -> list[Json]:
    groups = []
    for kind in ExitKind:
        members = [
            {"id": e.name, "title": e.label, "shown": e.name in shown} for e in exits if e.kind is kind
        ]
        if members:
            groups.append({"kind": kind.value, "exits": members})
    return groups


def _board(board: Board, workflow: Workflow, scope: _Scope) -> Json:
    shown = {ref.name for ref in board.shows}
    stages, intakes, exits = scope.stages, scope.intakes, scope.exits
    columns = scope.sort(shown & stages.keys())
    feeding = scope.beyond(columns, scope.sources)
    listed = scope.sort((shown | feeding) & intakes.keys())
    leaving = scope.beyond([*columns, *listed], scope.targets)
    ending = scope.sort((shown | leaving) & exits.keys())
    lanes: dict[str, Lane] = {}
    for name in columns:
        lane_ref = stages[name].lane
        if lane_ref is not None and lane_ref.name in scope.lanes:
            lanes.setdefault(lane_ref.name, scope.lanes[lane_ref.name])
    return {
        "id": board.name,
        "title": board.label,
        "description": board.description,
        "owner": scope.party(board.owner),
        "audience": [scope.party(ref) for ref in board.audience],
        "intakes": [_intake(intakes[name], scope, name in shown) for name in listed],
        "columns": [_column(stages[name], scope) for name in columns],
        "done_columns": _done_columns([exits[n] for n in ending], shown),
        "swimlanes": [_swimlane(lane, scope) for lane in lanes.values()],
    }


def board_config(document: Document) -> Json:
    """The board configuration of ``document`` as plain data (what :func:`render_board` prints)."""
    workflows = []
    for workflow in document.workflows:
        scope = _Scope(document, workflow)
        boards = [_board(board, workflow, scope) for board in workflow.boards]
        workflows.append({"id": workflow.name, "title": workflow.label, "boards": boards})
    return {"version": VERSION, "source": document.file, "workflows": workflows}


def render_board(document: Document) -> str:
    """Every board of every workflow in ``document`` as indented JSON."""
    return for_json(json.dumps(board_config(document), indent=2, ensure_ascii=False)) + "\n"
