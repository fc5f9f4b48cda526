"""The typed model of a workflow architecture.

One class per concept of the language: slotted, immutable standard-library
dataclasses (described as such when first asked: see :class:`_ModelClass`),
which the resolver builds directly after checking every value
itself (with positions and hints). Every object carries a
:class:`~wmdsl.span.Span` saying where it was written; spans (and the spans of
references) take no part in equality, so two specs that say the same thing
compare equal. The model knows nothing of lark or of the syntax tree.

pydantic is the model's validation, serialisation and JSON Schema layer
(:meth:`Model.model_validate`, :meth:`Model.model_dump`, :func:`json_schema`):
it is imported only when one of those is used, so checking a spec never loads it.

Units: durations are stored in *working hours* (1d = 8h, 1w = 5d), rates in
items per working hour, chances and percentiles as fractions in [0, 1].
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import operator
from collections.abc import Callable, Iterator
from dataclasses import MISSING, Field, FrozenInstanceError, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self, TypeVar, cast

from wmdsl.span import Span

if TYPE_CHECKING:
    from pydantic import ConfigDict, TypeAdapter

M = TypeVar("M", bound="Model")

#: A field as the model keeps it: name, default, default factory, metadata.
FieldSpec = tuple[str, Any, Any, Any]


class _ModelClass(type):
    """The model's metaclass: each class slotted when defined, a dataclass when first asked to be.

    A class of this module is written as a dataclass body (annotated fields,
    defaults, ``field(...)``); defining it gives it ``__slots__`` for its fields
    and keeps their defaults in ``_own_fields``, which is all that checking a
    spec needs. ``@dataclass(slots=True)`` did this and more, for every class
    at every start: writing its description (``__dataclass_fields__``, which
    ``dataclasses.fields``, ``replace`` and pydantic read) took two fifths of
    importing the model. The description is made the first time anything reads
    it (see :class:`_OnRequest`), or by :func:`as_dataclasses`. Subclasses
    written elsewhere are ordinary classes, dataclasses if decorated.
    """

    def __new__(
        mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **options: Any
    ) -> _ModelClass:
        if namespace.get("__module__") == __name__ and "__slots__" not in namespace:
            own: list[FieldSpec] = []
            for field_name, annotation in namespace.get("__annotations__", {}).items():
                if str(annotation).startswith("ClassVar"):
                    continue
                value = namespace.pop(field_name, MISSING)
                if isinstance(value, Field):
                    own.append((field_name, value.default, value.default_factory, value.metadata))
                else:
                    own.append((field_name, value, MISSING, None))
            namespace["__slots__"] = tuple(spec[0] for spec in own)
            namespace["_own_fields"] = tuple(own)
            namespace["__dataclass_fields__"] = _OnRequest()
            namespace["__dataclass_params__"] = _OnRequest()
        return super().__new__(mcs, name, bases, namespace, **options)


class _OnRequest:
    """Stands for a model class's dataclass attribute until it is read: then makes the real one."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.owner, self.name = owner, name

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        _describe(self.owner)
        return self.owner.__dict__[self.name]


def _describe(cls: type) -> None:
    """Make ``cls`` and its model bases standard-library dataclasses (those that are not yet)."""
    for klass in reversed(cls.__mro__):
        if not isinstance(klass.__dict__.get("__dataclass_fields__"), _OnRequest):
            continue
        # The defaults live in _own_fields, not in the class (where the slots
        # are): the dataclass finds none, and each field is given its own after.
        dataclasses.dataclass(kw_only=True, init=False, repr=False, eq=False)(klass)
        written = klass.__dict__["__dataclass_fields__"]
        for name, default, factory, metadata in klass.__dict__["_own_fields"]:
            found = written[name]
            found.default, found.default_factory = default, factory
            if metadata is not None:
                found.metadata = metadata


def as_dataclasses() -> None:
    """Make every model class a standard-library dataclass now (pydantic reads them as such)."""
    for value in list(globals().values()):
        if isinstance(value, _ModelClass):
            _describe(value)


def model_fields(cls: type) -> tuple[FieldSpec, ...]:
    """Every field of ``cls``, in dataclass order (the bases' first), without making it a dataclass."""
    found: dict[str, FieldSpec] = {}
    for klass in reversed(cls.__mro__):
        own = klass.__dict__.get("_own_fields")
        if own is not None:
            found.update((spec[0], spec) for spec in own)
        elif "__dataclass_fields__" in klass.__dict__:  # a dataclass subclass written elsewhere
            written = dataclasses.fields(klass)
            found = {f.name: (f.name, f.default, f.default_factory, f.metadata) for f in written}
    return tuple(found.values())


def replace(element: M, **changes: Any) -> M:
    """A copy of a model object with the fields named in ``changes`` changed (as ``dataclasses.replace``)."""
    values = {name: getattr(element, name) for name in field_names(type(element))}
    return type(element)(**{**values, **changes})


class Model(metaclass=_ModelClass):
    """Base of the model's classes: equality, hashing and the pydantic-facing API.

    Equality compares every field but ``span``; the hash (consistent with it)
    is made of the class and the scalar and reference fields. The ``model_*``
    methods mirror pydantic's ``BaseModel`` API through one
    ``pydantic.TypeAdapter`` per class, built on first use.
    """

    # Read by pydantic from standard-library dataclasses (a plain dict, so that
    # defining the model does not import pydantic). Field descriptions for the
    # JSON Schema are given as ``field(metadata={"description": ...})``, which
    # pydantic reads too: attribute docstrings (``use_attribute_docstrings``)
    # are found only in the source of the class that declares the field, so
    # ``span`` would lose its description in every subclass, and reading the
    # sources (0.2-0.3 s) took longer than building every pydantic schema.
    __pydantic_config__: ClassVar[ConfigDict] = {"extra": "forbid", "frozen": True}

    # ``__init__``, ``__repr__`` and immutability are written here once rather
    # than generated by ``@dataclass`` for every class (``init``, ``repr`` and
    # ``frozen`` off): generating and compiling them took a fifth of
    # ``wmdsl check``'s start-up on a small file.

    def __init__(self, **values: Any) -> None:
        """An object from its fields, given by name; fields with a default may be left out."""
        cls = type(self)
        for name, default, factory in _signature(cls):
            if name in values:
                value = values.pop(name)
            elif default is not MISSING:
                value = default
            elif factory is not MISSING:
                value = factory()
            else:
                raise TypeError(f"{cls.__qualname__}() missing required keyword argument: {name!r}")
            object.__setattr__(self, name, value)
        if values:
            raise TypeError(f"{cls.__qualname__}() got an unexpected keyword argument {next(iter(values))!r}")

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in field_names(type(self)))
        return f"{type(self).__qualname__}({shown})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        compared = _compared(type(self))
        return compared(self) == compared(other)

    def __hash__(self) -> int:
        # Consistent with __eq__ (equal objects have equal plain fields) and
        # spread out: hashing by class alone put every object of a class in
        # one bucket, which made sets and dicts of model objects quadratic.
        return hash((type(self).__name__, *_plain_fields(self)))

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


def _adapter(cls: type[M]) -> TypeAdapter[M]:
    """The (cached) pydantic adapter of ``cls``; the first call imports pydantic."""
    adapter = _ADAPTERS.get(cls)
    if adapter is None:
        import pydantic

        as_dataclasses()

        adapter = _ADAPTERS[cls] = pydantic.TypeAdapter(cls)
    return cast("TypeAdapter[M]", adapter)


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
_COMPARED: dict[type, Callable[[Model], object]] = {}


def field_names(cls: type[Model]) -> tuple[str, ...]:
    """The names of the fields of ``cls``, in order (``span`` first for elements)."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(spec[0] for spec in model_fields(cls))
    return names


_SIGNATURES: dict[type, tuple[tuple[str, Any, Any], ...]] = {}


def _signature(cls: type[Model]) -> tuple[tuple[str, Any, Any], ...]:
    """``(name, default, default factory)`` of every field of ``cls`` (``MISSING`` when none)."""
    found = _SIGNATURES.get(cls)
    if found is None:
        found = _SIGNATURES[cls] = tuple(spec[:3] for spec in model_fields(cls))
    return found


def _compared(cls: type[Model]) -> Callable[[Model], object]:
    """What equality compares: the values of every field of ``cls`` but ``span``, as a tuple."""
    compared = _COMPARED.get(cls)
    if compared is None:
        names = [name for name in field_names(cls) if name != "span"]
        # attrgetter of one name gives the bare value, and of none is an error.
        compared = operator.attrgetter(*names) if len(names) > 1 else functools.partial(_values, names)
        _COMPARED[cls] = compared
    return compared


def _values(names: list[str], element: Model) -> tuple[object, ...]:
    return tuple(getattr(element, name) for name in names)


def _plain_fields(element: Model) -> Iterator[object]:
    """The values of ``element``'s scalar and reference fields (no span, no collections)."""
    for name in field_names(type(element)):
        if name == "span":
            continue
        value = getattr(element, name)
        if isinstance(value, Ref):
            yield value.name
        elif value is None or isinstance(value, str | int | float | enum.Enum):
            yield value


class Element(Model):
    """Base of every model object: carries a span that equality ignores."""

    span: Span = field(metadata={"description": "Where the element is written."})

    @classmethod
    def make(cls, **values: Any) -> Self:
        """An object of this class from values the resolver has already checked.

        The same object as ``cls(**values)`` builds (a test holds it to that),
        several times faster: each model class gets a constructor of its own
        (written in :mod:`wmdsl._constructors`, see :mod:`wmdsl.constructors`)
        that sets the slots directly, without the generic ``__init__``'s loop
        over the fields and ``object.__setattr__`` for each. Classes that are
        not slotted dataclasses of their own, or have a field with a default
        factory, use ``cls(**values)``.
        """
        return cls(**values)

    def __init_subclass__(cls) -> None:
        # Every class gets its own `make`, so none inherits a parent's written
        # constructor (which would build the parent); the model's own classes
        # then get theirs from wmdsl._constructors.
        cls.make = _PLAIN_MAKE  # type: ignore[method-assign]


#: ``cls(**values)``: the ``make`` of a class without a written constructor.
_PLAIN_MAKE = Element.__dict__["make"]


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

    capacity: float = field(default=1.0, metadata={"description": "Full-time equivalents available."})
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
    start: Ref | None = field(default=None, metadata={"description": "`from`: where measurement starts."})
    end: Ref | None = field(default=None, metadata={"description": "`to`: where measurement ends."})
    target: Target | None = None
    throughput: Rate | None = None


class Cadence(Named):
    """A feedback loop: a review, retrospective or replenishment."""

    owner: Ref | None = None
    every: Duration | None = None
    reviews: tuple[Ref, ...] = ()


class Declarations(Model):
    """Declarations that can be shared between workflows through imports."""

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


def _install_constructors() -> None:
    """Give each model class its ``make`` from :mod:`wmdsl._constructors` (where it is up to date).

    Every other class gets the plain ``cls(**values)`` of its own, so none
    inherits a parent's constructor (which would build the parent).
    """
    try:
        from wmdsl import _constructors
    except ImportError:  # being written for the first time (python -m wmdsl.constructors)
        makers, written = {}, {}
    else:
        makers, written = _constructors.MAKERS, _constructors.FIELDS
    for cls in [c for c in globals().values() if isinstance(c, type) and issubclass(c, Element)]:
        found = model_fields(cls)
        maker = makers.get(cls.__name__)
        if maker is None or tuple(spec[0] for spec in found) != written.get(cls.__name__):
            type.__setattr__(cls, "make", _PLAIN_MAKE)  # not written, or stale (a test says so)
            continue
        made = maker(cls, {name: default for name, default, *_ in found if default is not MISSING})
        made.__qualname__ = f"{cls.__qualname__}.make"
        type.__setattr__(cls, "make", staticmethod(made))


_install_constructors()


def json_schema() -> dict[str, Any]:
    """The JSON Schema of :class:`Document` (what ``wmdsl schema`` prints)."""
    schema = Document.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "wmdsl document"
    return schema
