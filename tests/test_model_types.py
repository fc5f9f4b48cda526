"""The model: plain slotted dataclasses, built by the resolver without pydantic.

The resolver checks every value itself and builds the model objects directly
(:meth:`~wmdsl.model.Element.make`), so these tests hold what it builds to
what pydantic's validation would give: every value has exactly the type the
model declares (tuples, floats, enums, nested objects), and validating a dump
gives back an equal document. pydantic is the model's validation,
serialisation and schema layer only: checking a spec must not import it.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import MISSING
from pathlib import Path
from typing import Any

import pytest

from tests.probe import run_wmdsl
from wmdsl import _constructors, api, constructors, model
from wmdsl.model import (
    Document,
    Element,
    Model,
    Person,
    Ref,
    Stage,
    field_names,
    json_schema,
)
from wmdsl.span import point

ROOT = Path(__file__).resolve().parents[1]
SPECS = [*sorted((ROOT / "examples").glob("*.wm")), *sorted((ROOT / "tests" / "golden").glob("*.wm"))]


def _same_types(built: Any, validated: Any, where: str, seen: list[int]) -> list[str]:
    if type(built) is not type(validated):
        return [f"{where}: {type(built).__name__}, validation gives {type(validated).__name__}"]
    found: list[str] = []
    if isinstance(built, Model):
        seen[0] += 1
        for name in field_names(type(built)):
            found += _same_types(getattr(built, name), getattr(validated, name), f"{where}.{name}", seen)
    elif isinstance(built, tuple):
        for index, (a, b) in enumerate(zip(built, validated, strict=True)):
            found += _same_types(a, b, f"{where}[{index}]", seen)
    return found


def _objects(value: Any) -> Iterator[Model]:
    if isinstance(value, Model):
        yield value
        for name in field_names(type(value)):
            yield from _objects(getattr(value, name))
    elif isinstance(value, tuple):
        for item in value:
            yield from _objects(item)


def _document(spec: Path) -> Document:
    document = api.compile_path(spec, root=spec.parent).document
    if document is None:
        pytest.skip("a spec with language errors has no model")
    return document


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_built_model_has_the_types_validation_would_give(spec: Path) -> None:
    document = _document(spec)
    validated = Document.model_validate(document.model_dump())
    seen = [0]
    assert _same_types(document, validated, spec.stem, seen) == []
    assert seen[0] == len(list(_objects(document))) > 10  # every object was compared
    assert validated == document


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_every_built_object_round_trips_through_its_class(spec: Path) -> None:
    # Each object on its own, not only inside a document: its class validates
    # its dump (Python and JSON) back to an equal object of the same class,
    # and the dump keeps every field.
    checked = 0
    for built in _objects(_document(spec)):
        cls = type(built)
        dumped = built.model_dump()
        assert list(dumped) == list(field_names(cls))
        for again in (cls.model_validate(dumped), cls.model_validate_json(built.model_dump_json())):
            assert type(again) is cls
            assert again == built
            assert hash(again) == hash(built)
            if isinstance(built, Element):
                assert again.span == built.span
        checked += 1
    assert checked > 10


def test_every_example_builds_a_model() -> None:
    built = [api.compile_path(p, root=p.parent).document for p in SPECS if p.parent.name == "examples"]
    assert built
    assert all(d is not None for d in built)


def test_model_objects_are_slotted_and_frozen() -> None:
    # A __dict__ per object was most of the model's memory on big specs.
    document = api.compile_path(ROOT / "examples" / "software-delivery.wm").document
    assert document is not None
    objects = list(_objects(document))
    assert {type(o).__name__ for o in objects} >= {"Document", "Declarations", "Workflow", "Stage", "Ref"}
    for built in objects:
        assert not hasattr(built, "__dict__"), type(built).__name__
        with pytest.raises(dataclasses.FrozenInstanceError):
            built.__setattr__(field_names(type(built))[0], None)


def test_checking_does_not_import_pydantic() -> None:
    # `python -m wmdsl check` over every example (every rule fires on the
    # broken ones), in each report format, in one process (-j 1: worker
    # processes would hide what they import); then what was imported.
    examples = str(ROOT / "examples")
    formats = ("text", "json", "sarif", "github", "junit")
    probe = run_wmdsl(*(["check", "--no-cache", "-j", "1", "--format", fmt, examples] for fmt in formats))
    assert probe.codes == [1] * len(formats)
    assert "Found " in probe.stdout  # the text report was printed
    assert not [name for name in probe.loaded if name.startswith("pydantic")]


def test_pydantic_is_loaded_for_the_json_model() -> None:
    # The other side of the test above: the probe's last line can name pydantic.
    probe = (
        "import sys; from wmdsl import api\n"
        f"api.load({str(ROOT / 'examples' / 'hiring.wm')!r}).model_dump(mode='json')\n"
        "print('loaded:', 'pydantic' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "loaded: True"


def test_model_objects_hash_apart_and_consistently_with_equality() -> None:
    # Hashing by class alone put every stage in one bucket: sets and dicts of
    # model objects (the rules use them) became quadratic on big specs.
    document = api.compile_path(ROOT / "examples" / "software-delivery.wm").document
    assert document is not None
    workflow = document.workflows[0]
    stages = list(workflow.stages)
    assert len({hash(stage) for stage in stages}) == len(stages)
    again = Document.model_validate(document.model_dump()).workflows[0]
    assert [hash(s) for s in again.stages] == [hash(s) for s in stages]  # a copy hashes the same
    assert again.stages == workflow.stages


def test_equality_ignores_spans_only() -> None:
    here, there = point("a.wm", 1, 1), point("b.wm", 9, 4)
    stage = Stage.make(span=here, name="build", owner=Ref.make(span=here, name="@ana"))
    moved = Stage.make(span=there, name="build", owner=Ref.make(span=there, name="@ana"))
    assert stage == moved
    assert hash(stage) == hash(moved)
    assert stage != dataclasses.replace(stage, wip=2)
    assert stage != dataclasses.replace(stage, owner=Ref.make(span=here, name="@raj"))
    assert Ref.make(span=here, name="x") != Stage.make(span=here, name="x")
    # Classes with one compared field compare it (an attrgetter of one name is no tuple).
    assert Ref.make(span=here, name="x") != Ref.make(span=here, name="y")


def test_make_builds_what_the_dataclass_constructor_builds() -> None:
    # Element.make is a constructor written per class (wmdsl._constructors)
    # that sets the slots directly, for speed; this holds it to the dataclass __init__.
    document = api.compile_path(ROOT / "examples" / "software-delivery.wm").document
    assert document is not None
    checked: set[str] = set()
    for element in _objects(document):
        if not isinstance(element, Element):
            continue
        cls = type(element)
        values = {name: getattr(element, name) for name in field_names(cls)}
        made, reference = cls.make(**values), cls(**values)
        assert type(made) is cls
        assert all(getattr(made, name) is value for name, value in values.items())
        assert made == reference
        required = {f.name: values[f.name] for f in dataclasses.fields(cls) if f.default is MISSING}
        defaulted, reference = cls.make(**required), cls(**required)
        assert [getattr(defaulted, n) for n in values] == [getattr(reference, n) for n in values]
        checked.add(cls.__name__)
    assert len(checked) > 10
    assert Stage.make is not Stage, "written for the class"
    span = point("a.wm", 1, 1)
    with pytest.raises(TypeError, match="unexpected keyword argument 'bogus'"):
        Stage.make(span=span, name="x", bogus=1)
    with pytest.raises(TypeError, match="missing 1 required keyword-only argument: 'name'"):
        Stage.make(span=span)
    with pytest.raises(TypeError, match="unexpected keyword argument 'bogus'"):
        Stage(span=span, name="x", bogus=1)
    with pytest.raises(TypeError, match="missing required keyword argument: 'name'"):
        Stage(span=span)


def test_model_objects_read_like_dataclasses() -> None:
    # __repr__ is written once in Model, not generated per class: it must
    # read as the dataclass one did.
    span = point("a.wm", 1, 1)
    ref = Ref.make(span=span, name="@ana")
    assert repr(ref) == f"Ref(span={span!r}, name='@ana')"
    stage = Stage(span=span, name="s", owner=ref)
    assert repr(stage).startswith(f"Stage(span={span!r}, name='s', title=None, ")
    assert f"owner={ref!r}" in repr(stage)
    with pytest.raises(dataclasses.FrozenInstanceError):
        del stage.name


def test_make_of_a_subclass_builds_the_subclass() -> None:
    # A class inherits `make` from its parent: it must not build the parent.
    span = point("a.wm", 1, 1)

    class Plain(Stage):
        pass

    @dataclasses.dataclass(slots=True, kw_only=True, init=False, repr=False, eq=False)
    class Extended(Stage):
        extra: int = 0

    @dataclasses.dataclass(kw_only=True, init=False, repr=False, eq=False)
    class Unslotted(Stage):
        extra: int = 0

    @dataclasses.dataclass(kw_only=True, init=False, repr=False, eq=False)
    class HandSlotted(Stage):
        __slots__ = ("extra",)
        extra: int

    assert type(Plain.make(span=span, name="x")) is Plain
    extended = Extended.make(span=span, name="x", extra=3)
    assert (type(extended), extended.extra) == (Extended, 3)
    unslotted = Unslotted.make(span=span, name="x", extra=4)
    assert (type(unslotted), unslotted.extra) == (Unslotted, 4)
    hand_slotted = HandSlotted.make(span=span, name="x", extra=5)
    assert (type(hand_slotted), hand_slotted.extra) == (HandSlotted, 5)


def test_the_schema_keeps_field_descriptions_and_refuses_unknown_keys() -> None:
    schema = json_schema()
    definitions = schema["$defs"]
    elements = [name for name, d in definitions.items() if "span" in d.get("properties", {})]
    assert len(elements) > 15
    for name in elements:
        assert definitions[name]["properties"]["span"]["description"] == "Where the element is written."
    described = {
        ("Person", "capacity"): "Full-time equivalents available.",
        ("Metric", "start"): "`from`: where measurement starts.",
        ("Metric", "end"): "`to`: where measurement ends.",
    }
    for (name, field), description in described.items():
        assert definitions[name]["properties"][field]["description"] == description
    assert schema["properties"]["imports"]["description"] == "Files imported, directly or not."
    for name in [*elements, "Declarations"]:
        assert definitions[name]["additionalProperties"] is False, name
    assert schema["additionalProperties"] is False
    assert schema["required"] == ["file"]  # `shared` has a default (an empty Declarations)
    assert definitions["Person"]["required"] == ["span", "name"]
    with pytest.raises(ValueError, match="age"):
        Person.model_validate({"span": dataclasses.asdict(point("a.wm", 1, 1)), "name": "@a", "age": 3})


def test_the_constructors_are_written_for_the_model_as_it_is() -> None:
    stale = "the model changed: run `python -m wmdsl.constructors`"
    assert constructors.source() == Path(_constructors.__file__).read_text(encoding="utf-8"), stale
    # Every class with a written constructor uses it; every other one builds itself.
    for cls in [c for c in vars(model).values() if isinstance(c, type) and issubclass(c, Element)]:
        own = cls.__dict__["make"]
        assert isinstance(own, staticmethod) == (cls.__name__ in _constructors.MAKERS), cls.__name__
        if isinstance(own, staticmethod):
            assert own.__func__.__qualname__ == f"{cls.__qualname__}.make"


def test_a_stale_constructor_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(_constructors.FIELDS, "Ref", ("span", "name", "gone"))
    model._install_constructors()
    try:
        assert Ref.__dict__["make"] is model._PLAIN_MAKE
        here = point("a.wm", 1, 1)
        assert Ref.make(span=here, name="x") == Ref(span=here, name="x")
    finally:
        monkeypatch.undo()
        model._install_constructors()
    assert isinstance(Ref.__dict__["make"], staticmethod)


_FRESH = """\
import dataclasses, json, sys
from pathlib import Path
from wmdsl import api, model
api.check([Path(sys.argv[1])], cache=False)
lazy = sorted(n for n, c in vars(model).items() if isinstance(c, type) and issubclass(c, model.Model)
              and isinstance(c.__dict__["__dataclass_fields__"], model._OnRequest))
stage = model.Stage(span=model.Span("a.wm", 1, 1, 1, 2), name="s", wip=2)
first = [f.name for f in dataclasses.fields(stage)]  # an instance asks first
print(json.dumps({"lazy": lazy, "first": first, "changed": dataclasses.replace(stage, wip=3).wip}))
"""


def test_checking_a_spec_leaves_the_dataclass_descriptions_unmade() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _FRESH, str(ROOT / "examples" / "hiring.wm")],
        capture_output=True,
        text=True,
        check=True,
    )
    import json

    found = json.loads(done.stdout)
    every = sorted(n for n, c in vars(model).items() if isinstance(c, type) and issubclass(c, Model))
    assert found["lazy"] == every
    assert found["first"] == list(field_names(Stage))
    assert found["changed"] == 3


def test_the_dataclass_descriptions_are_those_of_the_declarations() -> None:
    model.as_dataclasses()
    for cls in [c for c in vars(model).values() if isinstance(c, type) and issubclass(c, Model)]:
        assert dataclasses.is_dataclass(cls)
        described = dataclasses.fields(cls)
        assert [f.name for f in described] == list(field_names(cls)), cls
        for f, (name, default, factory, metadata) in zip(described, model.model_fields(cls), strict=True):
            assert (f.name, f.default, f.default_factory) == (name, default, factory)
            assert dict(f.metadata) == dict(metadata or {})
            assert (f.kw_only, f.init, f.compare) == (True, True, True)
        assert cls.__dataclass_params__.eq is False  # equality is Model's own
        assert cls.__dictoffset__ == 0, "slotted: no __dict__ per object"
    person = dataclasses.fields(Person)
    assert [(f.name, f.default) for f in person if f.name in {"capacity", "title"}] == [
        ("title", None),
        ("capacity", 1.0),
    ]
    assert dict(next(f for f in person if f.name == "capacity").metadata) == {
        "description": "Full-time equivalents available."
    }
    document = {f.name: f for f in dataclasses.fields(Document)}
    assert document["shared"].default_factory is model.Declarations
    assert document["file"].default is MISSING
