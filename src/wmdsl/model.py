"""The typed model of a workflow architecture (pydantic v2).

One class per concept of the language. Every object carries a
:class:`~wmdsl.span.Span` saying where it was written; spans (and the spans of
references) take no part in equality, so two specs that say the same thing
compare equal. The model knows nothing of lark or of the syntax tree.

Units: durations are stored in *working hours* (1d = 8h, 1w = 5d), rates in
items per working hour, chances and percentiles as fractions in [0, 1].
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterator
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field

from wmdsl.span import Span


class Element(BaseModel):
    """Base of every model object: carries a span that equality ignores.

    The resolver checks every value itself (with positions and hints) and
    builds objects with ``model_construct`` (:meth:`make`), so compiling never needs
    pydantic's validators; ``defer_build`` then keeps pydantic from building
    them at import time, which was a third of ``wmdsl check``'s start-up.
    Validation and serialisation (``model_validate``, ``model_dump``, the JSON
    Schema) build them on first use and work as usual.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    span: Span = Field(description="Where the element is written.")

    @classmethod
    def make(cls, **values: Any) -> Self:
        """An object of this class from values the resolver has already checked.

        What ``model_construct(**values)`` builds (a test holds it to that),
        without its per-field alias handling, which made it several times
        slower than pydantic's own validation. Every object of a class shares
        one set of all its field names as its "fields set" (nothing here asks
        which fields were given): a set of its own per object was about a
        seventh of the model's memory.
        """
        state = {name: values.get(name, default) for name, default in _defaults(cls)}
        element = cls.__new__(cls)
        _set = object.__setattr__
        _set(element, "__dict__", state)
        _set(element, "__pydantic_fields_set__", _field_names(cls))
        _set(element, "__pydantic_extra__", None)
        _set(element, "__pydantic_private__", None)
        return element

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Element)
        return all(
            getattr(self, name) == getattr(other, name) for name in type(self).model_fields if name != "span"
        )

    def __hash__(self) -> int:
        # Consistent with __eq__ (equal objects have equal plain fields) and
        # spread out: hashing by class alone put every object of a class in
        # one bucket, which made sets and dicts of model objects quadratic.
        return hash((type(self).__name__, *_plain_fields(self)))


def _plain_fields(element: Element) -> Iterator[object]:
    """The values of ``element``'s scalar and reference fields (no span, no collections)."""
    for name in type(element).model_fields:
        if name == "span":
            continue
        value = getattr(element, name)
        if isinstance(value, Ref):
            yield value.name
        elif value is None or isinstance(value, str | int | float | enum.Enum):
            yield value


@functools.cache
def _defaults(cls: type[BaseModel]) -> tuple[tuple[str, Any], ...]:
    """``(name, default)`` for every field of ``cls``, in order (``span`` has none)."""
    found = []
    for name, field in cls.model_fields.items():
        assert field.default_factory is None, "Element fields have plain defaults"
        found.append((name, None if field.is_required() else field.default))
    return tuple(found)


@functools.cache
def _field_names(cls: type[BaseModel]) -> set[str]:
    # Shared by every object of ``cls``. pydantic only adds to a fields set on
    # assignment (these models are frozen) and copies it before
    # ``model_copy(update=...)``; it holds every field name already anyway.
    return set(cls.model_fields)


class Ref(Element):
    """A use of a name: ``eng``, ``@dana``."""

    name: str

    @property
    def is_person(self) -> bool:
        """True for ``@handle`` references."""
        return self.name.startswith("@")

    def __str__(self) -> str:
        return self.name


class Duration(Element):
    """A span of working time as written (``3d``) and in working hours."""

    text: str
    hours: float


class Percent(Element):
    """A percentage as written (``85%``) and as a fraction."""

    text: str
    fraction: float


class Rate(Element):
    """A rate such as ``6 per week``, in items per working hour."""

    text: str
    per_hour: float


class Target(Element):
    """``10d at 85%``: a duration met for a share of items."""

    within: Duration
    percentile: Percent


class Allow(Element):
    """``allow CODE "reason"``: an accepted finding on the enclosing element."""

    code: str
    reason: str


class Named(Element):
    """An element with a name, an optional title and accepted findings."""

    name: str
    title: str | None = None
    description: str | None = None
    allows: tuple[Allow, ...] = ()

    @property
    def label(self) -> str:
        """The title if there is one, else the name."""
        return self.title or self.name


class PersonKind(enum.Enum):
    """What stands behind a handle: a human, or something that is not one."""

    HUMAN = "human"
    BOT = "bot"
    TOOL = "tool"
    CHANNEL = "channel"


class Person(Named):
    """Someone who owns, decides or works; ``name`` is the ``@handle``.

    ``kind`` marks handles that are not people (a bot, a tool, a shared
    channel), so the checks can tell that such an owner is no owner at all.
    """

    capacity: float = Field(1.0, description="Full-time equivalents available.")
    kind: PersonKind = PersonKind.HUMAN


class Member(Element):
    """A person in a lane, with the share of their capacity given to it."""

    person: Ref
    allocation: Percent | None = None


class Lane(Named):
    """A role or team: who does the work."""

    owner: Ref | None = None
    members: tuple[Member, ...] = ()
    purpose: str | None = None
    delegate: Ref | None = None


class WorkKind(enum.Enum):
    """The kinds of work a work type can be."""

    PROJECT = "project"
    WORKSTREAM = "workstream"
    TASK = "task"
    REQUEST = "request"
    RECURRING = "recurring"
    OPERATIONS = "operations"
    COORDINATION = "coordination"


class WorkType(Named):
    """A type of work item, with its service-level expectation."""

    kind: WorkKind | None = None
    sle: Target | None = None


class Intake(Named):
    """An on-ramp: where and how work enters."""

    owner: Ref | None = None
    channel: str | None = None
    accepts: tuple[Ref, ...] = ()
    criteria: str | None = None
    arrivals: Rate | None = None


class Stage(Named):
    """A step of work, done inside a lane."""

    lane: Ref | None = None
    owner: Ref | None = None
    wip: int | None = None
    effort: Duration | None = None
    done: str | None = None


class ExitKind(enum.Enum):
    """How work leaves the system."""

    DONE = "done"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class Exit(Named):
    """An off-ramp."""

    kind: ExitKind = ExitKind.DONE


class Handoff(Element):
    """``source -> target``: work moving from one node to the next."""

    source: Ref
    target: Ref
    label: str | None = None
    gate: Ref | None = None
    sla: Duration | None = None
    chance: Percent | None = None
    rework: bool = False
    allows: tuple[Allow, ...] = ()

    @property
    def key(self) -> str:
        """``source->target``: how the handoff is named in messages."""
        return f"{self.source.name}->{self.target.name}"


class Escalation(Element):
    """``escalates @dana after 3d``."""

    to: Ref
    after: Duration | None = None


class Decision(Named):
    """A decision right (a traffic signal) and who plays which role in it."""

    decides: tuple[Ref, ...] = ()
    recommends: tuple[Ref, ...] = ()
    approves: tuple[Ref, ...] = ()
    consults: tuple[Ref, ...] = ()
    informs: tuple[Ref, ...] = ()
    escalates: tuple[Escalation, ...] = ()
    delegate: Ref | None = None


class Board(Named):
    """A board that makes work visible."""

    owner: Ref | None = None
    shows: tuple[Ref, ...] = ()
    audience: tuple[Ref, ...] = ()


class Metric(Named):
    """A flow metric, measured between two nodes."""

    owner: Ref | None = None
    start: Ref | None = Field(None, description="`from`: where measurement starts.")
    end: Ref | None = Field(None, description="`to`: where measurement ends.")
    target: Target | None = None
    throughput: Rate | None = None


class Cadence(Named):
    """A feedback loop: a review, retrospective or replenishment."""

    owner: Ref | None = None
    every: Duration | None = None
    reviews: tuple[Ref, ...] = ()


class Declarations(BaseModel):
    """Declarations that can be shared between workflows through imports."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    people: tuple[Person, ...] = ()
    lanes: tuple[Lane, ...] = ()
    work: tuple[WorkType, ...] = ()
    decisions: tuple[Decision, ...] = ()


class Workflow(Named):
    """One work system: everything declared inside a ``workflow`` block."""

    owner: Ref | None = None
    purpose: str | None = None
    people: tuple[Person, ...] = ()
    lanes: tuple[Lane, ...] = ()
    work: tuple[WorkType, ...] = ()
    intakes: tuple[Intake, ...] = ()
    stages: tuple[Stage, ...] = ()
    exits: tuple[Exit, ...] = ()
    handoffs: tuple[Handoff, ...] = ()
    decisions: tuple[Decision, ...] = ()
    boards: tuple[Board, ...] = ()
    metrics: tuple[Metric, ...] = ()
    cadences: tuple[Cadence, ...] = ()


class Document(BaseModel):
    """A compiled file: its workflows and the shared declarations in scope.

    ``shared`` holds the top-level declarations of this file and of every file
    it imports, directly or not; each workflow may use them.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    file: str
    imports: tuple[str, ...] = Field((), description="Files imported, directly or not.")
    shared: Declarations = Field(default_factory=lambda: Declarations.model_construct())
    allows: tuple[Allow, ...] = ()
    workflows: tuple[Workflow, ...] = ()


def json_schema() -> dict[str, Any]:
    """The JSON Schema of :class:`Document` (what ``wmdsl schema`` prints)."""
    schema = Document.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "wmdsl document"
    return schema
