"""What the handbook pages of one workflow need to know, computed once.

A :class:`View` gathers a workflow's declarations with the shared ones it
uses, the flow order, and which lanes get a page: its own lanes, then every
shared lane it names (directly, through a used shared decision, or as the
owner of a lane that has a page). A document without workflows gets one view
of its shared declarations.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from typing import TypeVar

from wmdsl.flow.calendar import calendars
from wmdsl.handbook.blocks import Code, Line, Link, line
from wmdsl.model import (
    Board,
    Cadence,
    Calendar,
    Decision,
    Document,
    Exit,
    Handoff,
    Intake,
    Join,
    Lane,
    Metric,
    Model,
    Named,
    Person,
    Ref,
    Stage,
    Workflow,
)
from wmdsl.render.board import flow_order
from wmdsl.render.raci import Row, used_decisions

Node = Intake | Stage | Join | Exit
N = TypeVar("N", Intake, Stage, Join, Exit)
E = TypeVar("E", bound=Named)
_SAFE_NAME = re.compile(r"[a-z_][a-z0-9_]*")
# Names Windows will not accept as file names, whatever the extension.
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def refs(value: object) -> Iterator[Ref]:
    """Every reference inside a model object, depth first."""
    if isinstance(value, Ref):
        yield value
    elif isinstance(value, Model):
        for found in fields(value):
            yield from refs(getattr(value, found.name))
    elif isinstance(value, tuple):
        for item in value:
            yield from refs(item)


def _first_by_name(elements: list[E]) -> dict[str, E]:
    """Each element by its name; of two with one name, the first (as a scan for it would find)."""
    found: dict[str, E] = {}
    for element in elements:
        found.setdefault(element.name, element)
    return found


def safe_file_name(name: str, taken: set[str]) -> str:
    """``name`` as a file or folder name that is safe everywhere and not in ``taken`` (which it joins)."""
    base = name if _SAFE_NAME.fullmatch(name) else re.sub(r"[^a-z0-9_]", "_", name.lower()) or "_"
    base = base + "_" if base in _RESERVED else base
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}_{number}", number + 1
    taken.add(candidate)
    return candidate


@dataclass
class View:
    """One workflow (or the shared scope) as the handbook sees it."""

    document: Document
    workflow: Workflow | None
    prefix: str  # folder of this workflow's pages inside the site ("" or "name/")
    people: dict[str, Person] = field(init=False)
    lanes: dict[str, Lane] = field(init=False)
    decisions: list[Row] = field(init=False)
    lane_pages: dict[str, str] = field(init=False)  # lane name → page key
    order: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        shared, own = self.document.shared, self.workflow
        self.people = {p.name: p for p in (*shared.people, *(own.people if own else ()))}
        self.lanes = {lane.name: lane for lane in (*shared.lanes, *(own.lanes if own else ()))}
        if own is None:
            self.decisions = [Row(None, d, True) for d in shared.decisions]
        else:
            self.decisions = used_decisions(self.document, own)
        self.order = {name: i for i, name in enumerate(flow_order(own))} if own else {}
        taken: set[str] = set()
        self.lane_pages = {
            lane.name: f"{self.prefix}lanes/{safe_file_name(lane.name, taken)}"
            for lane in self._paged_lanes()
        }

    def _paged_lanes(self) -> list[Lane]:
        if self.workflow is None:
            return list(self.document.shared.lanes)
        named = {ref.name for ref in refs(self.workflow)}
        named |= {ref.name for row in self.decisions for ref in refs(row.decision)}
        shared = self.document.shared.lanes
        chosen: set[str] = set()
        while True:  # a lane owned by another lane links to it: follow what each newly named lane names
            more = [lane for lane in shared if lane.name in named and lane.name not in chosen]
            if not more:
                return [*self.workflow.lanes, *(lane for lane in shared if lane.name in chosen)]
            chosen.update(lane.name for lane in more)
            named |= {ref.name for lane in more for ref in refs(lane)}

    # -- the workflow's parts (empty for the shared scope) -----------------

    @property
    def name(self) -> str:
        """The workflow's name ("shared" for the shared scope)."""
        return self.workflow.name if self.workflow else "shared"

    @property
    def title(self) -> str:
        """The workflow's title (or name)."""
        return self.workflow.label if self.workflow else "Shared declarations"

    @functools.cached_property
    def intakes(self) -> tuple[Intake, ...]:
        """The intakes, in flow order."""
        return tuple(self._sorted(self.workflow.intakes)) if self.workflow else ()

    @functools.cached_property
    def stages(self) -> tuple[Stage, ...]:
        """The stages, in flow order."""
        return tuple(self._sorted(self.workflow.stages)) if self.workflow else ()

    @functools.cached_property
    def joins(self) -> tuple[Join, ...]:
        """The joins, in flow order."""
        return tuple(self._sorted(self.workflow.joins)) if self.workflow else ()

    @functools.cached_property
    def exits(self) -> tuple[Exit, ...]:
        """The exits, in flow order."""
        return tuple(self._sorted(self.workflow.exits)) if self.workflow else ()

    @property
    def handoffs(self) -> tuple[Handoff, ...]:
        """The handoffs, in declaration order."""
        return self.workflow.handoffs if self.workflow else ()

    @functools.cached_property
    def around(self) -> tuple[dict[str, list[Handoff]], dict[str, list[Handoff]]]:
        """The handoffs into and out of each node, in declaration order."""
        into: dict[str, list[Handoff]] = {}
        out: dict[str, list[Handoff]] = {}
        for handoff in self.handoffs:
            into.setdefault(handoff.target.name, []).append(handoff)
            out.setdefault(handoff.source.name, []).append(handoff)
        return into, out

    @functools.cached_property
    def forks(self) -> dict[str, list[Handoff]]:
        """The branches of each fork, in declaration order."""
        found: dict[str, list[Handoff]] = {}
        for handoff in self.handoffs:
            if handoff.fork is not None:
                found.setdefault(handoff.fork, []).append(handoff)
        return found

    @functools.cached_property
    def calendars(self) -> dict[str, Calendar]:
        """The calendars the workflow can name (the shared ones for the shared scope)."""
        return calendars(self.document, self.workflow)

    @property
    def boards(self) -> tuple[Board, ...]:
        """The boards."""
        return self.workflow.boards if self.workflow else ()

    @property
    def metrics(self) -> tuple[Metric, ...]:
        """The metrics."""
        return self.workflow.metrics if self.workflow else ()

    @property
    def cadences(self) -> tuple[Cadence, ...]:
        """The cadences."""
        return self.workflow.cadences if self.workflow else ()

    def _sorted(self, nodes: tuple[N, ...]) -> list[N]:
        return sorted(nodes, key=lambda node: self.order.get(node.name, len(self.order)))

    @functools.cached_property
    def stages_by_lane(self) -> dict[str, tuple[Stage, ...]]:
        """The stages of each lane, in flow order."""
        found: dict[str, list[Stage]] = {}
        for stage in self.stages:
            if stage.lane is not None:
                found.setdefault(stage.lane.name, []).append(stage)
        return {name: tuple(stages) for name, stages in found.items()}

    @functools.cached_property
    def shared_lane_names(self) -> frozenset[str]:
        """The names of the shared (top-level or imported) lanes."""
        return frozenset(lane.name for lane in self.document.shared.lanes)

    @functools.cached_property
    def _nodes(self) -> dict[str, Node]:
        nodes: list[Node] = [*self.intakes, *self.stages, *self.joins, *self.exits]
        return {node.name: node for node in nodes}

    def node(self, name: str) -> Node | None:
        """The intake, stage, join or exit called ``name``."""
        return self._nodes.get(name)

    @functools.cached_property
    def _decisions(self) -> dict[str, Decision]:
        return _first_by_name([*(row.decision for row in self.decisions), *self.document.shared.decisions])

    def decision(self, name: str) -> Decision | None:
        """The decision called ``name`` (own or shared)."""
        return self._decisions.get(name)

    def lane_of(self, name: str) -> str | None:
        """The lane of the stage called ``name`` (``None`` for intakes, exits, lane-less stages)."""
        node = self.node(name)
        return node.lane.name if isinstance(node, Stage) and node.lane is not None else None

    # -- showing references --------------------------------------------------

    def who(self, ref: Ref | None) -> Line:
        """A person (``Name @handle``) or a lane (linked to its page) as a line."""
        if ref is None:
            return line("—")
        if ref.is_person:
            person = self.people.get(ref.name)
            return line(f"{person.title} " if person and person.title else None, Code(ref.name))
        return self.lane_link(ref.name)

    def lane_link(self, name: str) -> Line:
        """A link to a lane's page (or its name when it has none)."""
        lane = self.lanes.get(name)
        label = lane.label if lane is not None else name
        page = self.lane_pages.get(name)
        return line(Link(label, page)) if page else line(label, " ", Code(name))

    def node_text(self, name: str) -> Line:
        """An intake, stage, join or exit: its title, and the lane of a stage (or ``join``)."""
        node = self.node(name)
        label = node.label if node is not None else name
        if isinstance(node, Join):
            return line(label, " (join)")
        lane = self.lane_of(name)
        return line(label, *((" (", *self.lane_link(lane), ")") if lane else ()))

    def element_text(self, ref: Ref) -> Line:
        """Any reviewed element: a person, lane, node, decision, board, metric or cadence."""
        if ref.is_person or ref.name in self.lanes:
            return self.who(ref)
        if self.node(ref.name) is not None:
            return self.node_text(ref.name)
        found = self._reviewable.get(ref.name)
        return line(found.label if found is not None else ref.name)

    @functools.cached_property
    def _reviewable(self) -> dict[str, Decision | Board | Metric | Cadence]:
        elements: list[Decision | Board | Metric | Cadence] = [row.decision for row in self.decisions]
        return _first_by_name([*elements, *self.boards, *self.metrics, *self.cadences])

    def members(self, lane: Lane) -> set[str]:
        """The handles of ``lane``'s members."""
        return {member.person.name for member in lane.members}
