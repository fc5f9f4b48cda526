"""The typed model of a workflow architecture.

One class per concept of the language: frozen, slotted, keyword-only
standard-library dataclasses, which the resolver builds directly after checking
every value itself (with positions and hints). Every object carries a
:class:`~wmdsl.model.span.Span` saying where it was written; spans take no part in
equality or hashing (``compare=False``, declared once on :class:`Element`), so
two specs that say the same thing compare equal. The model knows nothing of
lark or of the syntax tree.

pydantic is the model's validation, serialisation and JSON Schema layer
(:meth:`Model.model_validate`, :meth:`Model.model_dump`, :func:`json_schema`):
it is imported only when one of those is used, so checking a spec never loads it.

Units: durations are stored in *working hours* (1d = 8h, 1w = 5d), rates in
items per working hour, chances and percentiles as fractions in [0, 1].
"""

from __future__ import annotations

import enum
import operator
from collections.abc import Callable
from dataclasses import Field, dataclass, field, fields
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self, TypeVar, cast

from wmdsl.model.span import Span

if TYPE_CHECKING:
    from pydantic import ConfigDict, TypeAdapter

M = TypeVar("M", bound="Model")


class Model:
    """Base of the model's classes: the pydantic-facing API.

    The ``model_*`` methods mirror pydantic's ``BaseModel`` API through one
    ``pydantic.TypeAdapter`` per class, built on first use. ``repr``,
    immutability, pickling, copying and ``dataclasses.replace`` are those of
    the standard-library dataclasses each subclass is. Equality and hashing
    are written once, here, over the fields a class compares (all but
    ``span``): every subclass says ``eq=False``, so ``@dataclass`` does not
    generate the same two methods again for each of them, which was most of
    what defining the model cost at start-up.
    """

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        compared = _compared(type(self))
        return bool(compared(self) == compared(other))

    def __hash__(self) -> int:
        return hash(_compared(type(self))(self))

    if TYPE_CHECKING:
        # Every subclass is a dataclass: what ``dataclasses.fields`` accepts.
        __dataclass_fields__: ClassVar[dict[str, Field[Any]]]

    # Read by pydantic from standard-library dataclasses (a plain dict, so that
    # defining the model does not import pydantic). Field descriptions for the
    # JSON Schema are given as ``field(metadata={"description": ...})``, which
    # pydantic reads too: attribute docstrings (``use_attribute_docstrings``)
    # are found only in the source of the class that declares the field, so
    # ``span`` would lose its description in every subclass, and reading the
    # sources took longer than building every pydantic schema.
    __pydantic_config__: ClassVar[ConfigDict] = {"extra": "forbid", "frozen": True}

    @classmethod
    def model_validate(cls, data: object, **options: Any) -> Self:
        """An object of this class from ``data`` (a dict as :meth:`model_dump` gives), validated.

        ``options`` are those of ``pydantic.TypeAdapter.validate_python``.
        """
        return _adapter(cls).validate_python(data, **options)

    @classmethod
    def model_validate_json(cls, data: str | bytes, **options: Any) -> Self:
        """An object of this class from JSON text (``options``: those of ``TypeAdapter.validate_json``)."""
        return _adapter(cls).validate_json(data, **options)

    def model_dump(self, *, mode: Literal["python", "json"] = "python", **options: Any) -> dict[str, Any]:
        """This object as a dict (nested objects as dicts); ``mode="json"`` gives JSON types only.

        ``options`` are those of ``pydantic.TypeAdapter.dump_python``.
        """
        return cast("dict[str, Any]", _adapter(type(self)).dump_python(self, mode=mode, **options))

    def model_dump_json(self, *, indent: int | None = None, **options: Any) -> str:
        """This object as JSON text (``options``: those of ``pydantic.TypeAdapter.dump_json``)."""
        return _adapter(type(self)).dump_json(self, indent=indent, **options).decode()

    @classmethod
    def model_json_schema(cls, **options: Any) -> dict[str, Any]:
        """The JSON Schema of this class (``options``: those of ``pydantic.TypeAdapter.json_schema``)."""
        return _adapter(cls).json_schema(**options)


_ADAPTERS: dict[type[Model], Any] = {}
_COMPARED: dict[type[Model], Callable[[Model], object]] = {}


def _compared(cls: type[Model]) -> Callable[[Model], object]:
    """What equality and hashing of ``cls`` look at: its compared fields, read in one call."""
    getter = _COMPARED.get(cls)
    if getter is None:
        names = [f.name for f in fields(cast("Any", cls)) if f.compare]
        # Of a single name attrgetter gives the bare value, which compares and hashes as well.
        getter = _COMPARED[cls] = operator.attrgetter(*names) if names else _nothing
    return getter


def _nothing(element: Model) -> tuple[()]:
    return ()


def _adapter(cls: type[M]) -> TypeAdapter[M]:
    """The (cached) pydantic adapter of ``cls``; the first call imports pydantic."""
    adapter = _ADAPTERS.get(cls)
    if adapter is None:
        import pydantic

        adapter = _ADAPTERS[cls] = pydantic.TypeAdapter(cls)
    return cast("TypeAdapter[M]", adapter)


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Element(Model):
    """Base of every model object: carries a span that equality and hashing ignore."""

    span: Span = field(compare=False, metadata={"description": "Where the element is written."})


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Ref(Element):
    """A use of a name: ``eng``, ``@dana``."""

    name: str

    @property
    def is_person(self) -> bool:
        """True for ``@handle`` references."""
        return self.name.startswith("@")

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Duration(Element):
    """A span of working time as written (``3d``) and in working hours.

    ``hours`` counts a day as 8 hours and a week as 40 (a person's working
    day and week). Elapsed times (SLAs, SLEs, escalations, cadences) follow the
    calendar of the workflow they are used in instead: a day of a ``24x7``
    workflow is 24 hours; :mod:`wmdsl.flow.calendar` converts them from
    ``amount`` and ``unit``.
    """

    text: str
    hours: float
    amount: float = field(metadata={"description": "The number as written (`3` of `3d`)."})
    unit: str = field(metadata={"description": "The unit as written: m, h, d or w."})


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Percent(Element):
    """A percentage as written (``85%``) and as a fraction."""

    text: str
    fraction: float


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Rate(Element):
    """A rate such as ``6 per week``, in items per working hour (of a 40-hour week).

    :mod:`wmdsl.flow.calendar` converts it to items per open hour of a
    workflow's calendar from ``count`` and ``unit``.
    """

    text: str
    per_hour: float
    count: float = field(metadata={"description": "Items per unit, as written."})
    unit: str = field(metadata={"description": "hour, day, week or month."})


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Target(Element):
    """``10d at 85%``: a duration met for a share of items."""

    within: Duration
    percentile: Percent


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Hours(Element):
    """Opening hours: ``24x7``, ``9-17 mon-fri``, ``8-20 mon-sat``.

    ``start`` and ``end`` are hours of the day (0-24); ``days`` the open days
    of the week, ``mon`` to ``sun``.
    """

    text: str
    start: float
    end: float
    days: tuple[str, ...]

    @property
    def per_day(self) -> float:
        """Open hours in one open day."""
        return self.end - self.start

    @property
    def per_week(self) -> float:
        """Open hours in one week."""
        return self.per_day * len(self.days)


class Distribution(enum.Enum):
    """The shape of random times around their mean: ``variability lognormal cv 0.8``."""

    EXPONENTIAL = "exponential"
    FIXED = "fixed"
    LOGNORMAL = "lognormal"
    GAMMA = "gamma"


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Variability(Element):
    """``variability lognormal cv 0.8``: how random times spread around their mean.

    On a stage it shapes the touch times around ``effort``; on an intake, the
    times between arrivals around the mean gap of ``arrivals``. ``cv`` is the
    coefficient of variation (standard deviation over mean): always 1 for
    ``exponential`` and 0 for ``fixed``; as written (1 when not) for
    ``lognormal`` and ``gamma``.
    """

    text: str
    distribution: Distribution
    cv: float = field(metadata={"description": "Coefficient of variation: standard deviation over mean."})


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Allow(Element):
    """``allow CODE "reason"``: an accepted finding on the enclosing element."""

    code: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
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


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Person(Named):
    """Someone who owns, decides or works; ``name`` is the ``@handle``.

    ``kind`` marks handles that are not people (a bot, a tool, a shared
    channel), so the checks can tell that such an owner is no owner at all.
    """

    capacity: float = field(default=1.0, metadata={"description": "Full-time equivalents available."})
    kind: PersonKind = PersonKind.HUMAN


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Calendar(Named):
    """A named working calendar: ``calendar support "Support hours" { hours 8-20 mon-sat }``."""

    hours: Hours | None = None


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Member(Element):
    """A person in a lane, with the share of their capacity given to it."""

    person: Ref
    allocation: Percent | None = None


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Lane(Named):
    """A role or team: who does the work."""

    owner: Ref | None = None
    members: tuple[Member, ...] = ()
    purpose: str | None = None
    delegate: Ref | None = None
    hours: Hours | None = field(
        default=None, metadata={"description": "When the lane works, if not the workflow's hours."}
    )
    calendar: Ref | None = field(
        default=None, metadata={"description": "A named calendar the lane works by."}
    )


class WorkKind(enum.Enum):
    """The kinds of work a work type can be."""

    PROJECT = "project"
    WORKSTREAM = "workstream"
    TASK = "task"
    REQUEST = "request"
    RECURRING = "recurring"
    OPERATIONS = "operations"
    COORDINATION = "coordination"


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class WorkType(Named):
    """A type of work item, with its service-level expectation, why it is done and what it delivers."""

    kind: WorkKind | None = None
    sle: Target | None = None
    purpose: str | None = field(
        default=None, metadata={"description": "Why this work matters: the reason it is taken on."}
    )
    outcome: str | None = field(
        default=None, metadata={"description": "What a finished item delivers: the result it is done for."}
    )


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Intake(Named):
    """An on-ramp: where and how work enters."""

    owner: Ref | None = None
    channel: str | None = None
    accepts: tuple[Ref, ...] = ()
    criteria: str | None = None
    arrivals: Rate | None = None
    variability: Variability | None = field(
        default=None,
        metadata={
            "description": "`variability`: the distribution of the times between arrivals "
            "(for `wmdsl simulate`; exponential, Poisson arrivals, when not given)."
        },
    )


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Stage(Named):
    """A step of work, done inside a lane."""

    lane: Ref | None = None
    owner: Ref | None = None
    wip: int | None = None
    effort: Duration | None = None
    variability: Variability | None = field(
        default=None,
        metadata={
            "description": "`variability`: the distribution of touch times around `effort` "
            "(for `wmdsl simulate`; exponential when not given)."
        },
    )
    done: str | None = None


class ExitKind(enum.Enum):
    """How work leaves the system."""

    DONE = "done"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Exit(Named):
    """An off-ramp."""

    kind: ExitKind = ExitKind.DONE


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Join(Named):
    """A synchronisation point: work goes on only once every handoff into it has arrived.

    It closes the parallel branches a fork (``review -> security, legal``)
    opened; it does no work and belongs to no lane.
    """


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Handoff(Element):
    """``source -> target``: work moving from one node to the next."""

    source: Ref
    target: Ref
    label: str | None = None
    gate: Ref | None = None
    sla: Duration | None = None
    chance: Percent | None = None
    rework: bool = False
    condition: str | None = field(
        default=None, metadata={"description": "`when`: the condition that routes work this way."}
    )
    fork: str | None = field(
        default=None,
        metadata={
            "description": "The fork (`source->a,b`) it is a branch of: all its branches are taken at once."
        },
    )
    allows: tuple[Allow, ...] = ()

    @property
    def key(self) -> str:
        """``source->target``: how the handoff is named in messages."""
        return f"{self.source.name}->{self.target.name}"


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Escalation(Element):
    """``escalates @dana after 3d``."""

    to: Ref
    after: Duration | None = None


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Decision(Named):
    """A decision right (a traffic signal) and who plays which role in it."""

    decides: tuple[Ref, ...] = ()
    recommends: tuple[Ref, ...] = ()
    approves: tuple[Ref, ...] = ()
    consults: tuple[Ref, ...] = ()
    informs: tuple[Ref, ...] = ()
    escalates: tuple[Escalation, ...] = ()
    delegate: Ref | None = None


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Board(Named):
    """A board that makes work visible."""

    owner: Ref | None = None
    shows: tuple[Ref, ...] = ()
    audience: tuple[Ref, ...] = ()


class MetricLevel(enum.Enum):
    """The level of the Work Value Pyramid a metric measures."""

    ACTIVITY = "activity"
    PROGRESS = "progress"
    OUTCOME = "outcome"


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Metric(Named):
    """A flow metric, measured between two nodes."""

    owner: Ref | None = None
    start: Ref | None = field(default=None, metadata={"description": "`from`: where measurement starts."})
    end: Ref | None = field(default=None, metadata={"description": "`to`: where measurement ends."})
    target: Target | None = None
    throughput: Rate | None = None
    level: MetricLevel | None = field(
        default=None,
        metadata={
            "description": "`level`: what the metric measures, activity (effort), progress "
            "(movement towards a result) or outcome (the result itself)."
        },
    )


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Cadence(Named):
    """A feedback loop: a review, retrospective or replenishment."""

    owner: Ref | None = None
    every: Duration | None = None
    reviews: tuple[Ref, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Declarations(Model):
    """Declarations that can be shared between workflows through imports."""

    people: tuple[Person, ...] = ()
    lanes: tuple[Lane, ...] = ()
    work: tuple[WorkType, ...] = ()
    decisions: tuple[Decision, ...] = ()
    calendars: tuple[Calendar, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Workflow(Named):
    """One work system: everything declared inside a ``workflow`` block."""

    owner: Ref | None = None
    purpose: str | None = None
    hours: Hours | None = field(
        default=None, metadata={"description": "The workflow's working hours (default 9-17 mon-fri)."}
    )
    calendar: Ref | None = field(
        default=None, metadata={"description": "A named calendar the workflow runs by."}
    )
    people: tuple[Person, ...] = ()
    lanes: tuple[Lane, ...] = ()
    work: tuple[WorkType, ...] = ()
    calendars: tuple[Calendar, ...] = ()
    intakes: tuple[Intake, ...] = ()
    stages: tuple[Stage, ...] = ()
    joins: tuple[Join, ...] = ()
    exits: tuple[Exit, ...] = ()
    handoffs: tuple[Handoff, ...] = ()
    decisions: tuple[Decision, ...] = ()
    boards: tuple[Board, ...] = ()
    metrics: tuple[Metric, ...] = ()
    cadences: tuple[Cadence, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Document(Model):
    """A compiled file: its workflows and the shared declarations in scope.

    ``shared`` holds the top-level declarations of this file and of every file
    it imports, directly or not; each workflow may use them.
    """

    file: str
    imports: tuple[str, ...] = field(default=(), metadata={"description": "Files imported, directly or not."})
    shared: Declarations = field(default_factory=Declarations)
    allows: tuple[Allow, ...] = ()
    workflows: tuple[Workflow, ...] = ()


def json_schema() -> dict[str, Any]:
    """The JSON Schema of :class:`Document` (what ``wmdsl schema`` prints)."""
    from wmdsl.links import schema_id

    schema = Document.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    # The version is in the identifier, so a reader can tell which one it validates against.
    schema["$id"] = schema_id()
    schema["title"] = "wmdsl document"
    return schema
