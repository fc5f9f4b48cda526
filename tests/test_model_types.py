"""The model: frozen, slotted, keyword-only dataclasses, built by the resolver without pydantic.

The resolver checks every value itself and builds the model objects directly
with their dataclass constructors, so these tests hold what it builds to
what pydantic's validation would give: every value has exactly the type the
model declares (tuples, floats, enums, nested objects), and validating a dump
gives back an equal document. pydantic is the model's validation,
serialisation and schema layer only: checking a spec must not import it.
Being standard dataclasses, the model's objects pickle, copy and
``replace`` as any other, and type checkers check their construction.
"""

from __future__ import annotations

import copy
import dataclasses
import pickle
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.probe import run_wmdsl
from wmdsl import api, model
from wmdsl.model import (
    Document,
    Element,
    Model,
    Named,
    Person,
    Ref,
    Stage,
    json_schema,
)
from wmdsl.model.span import point

ROOT = Path(__file__).resolve().parents[1]
#: Between them, objects of every class of the model (the last two for `allow`, joins and calendars).
EXAMPLES = [
    *sorted((ROOT / "examples").glob("*.wm")),
    *sorted((ROOT / "examples" / "org").glob("*.wm")),
    ROOT / "examples" / "broken" / "SYN013-unused-allow.wm",
    ROOT / "tests" / "golden" / "full.wm",
]
SPECS = [*sorted((ROOT / "examples").glob("*.wm")), *sorted((ROOT / "tests" / "golden").glob("*.wm"))]
#: Every class of the model, and those of them that are only bases.
CLASSES = [c for c in vars(model).values() if isinstance(c, type) and issubclass(c, Model) and c is not Model]
BASES = {Element, Named}


def field_names(cls: type[Model]) -> list[str]:
    return [f.name for f in dataclasses.fields(cls)]


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
    # The broken ones are named: the project's configuration leaves them out of the folder.
    examples = [str(p) for p in sorted((ROOT / "examples").rglob("*.wm"))]
    formats = ("text", "json", "sarif", "github", "junit")
    probe = run_wmdsl(*(["check", "--no-cache", "-j", "1", "--format", fmt, *examples] for fmt in formats))
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


def test_equality_and_hashing_ignore_spans_only() -> None:
    here, there = point("a.wm", 1, 1), point("b.wm", 9, 4)
    stage = Stage(span=here, name="build", owner=Ref(span=here, name="@ana"))
    moved = Stage(span=there, name="build", owner=Ref(span=there, name="@ana"))
    assert stage == moved
    assert hash(stage) == hash(moved)
    assert stage != dataclasses.replace(stage, wip=2)
    assert stage != dataclasses.replace(stage, owner=Ref(span=here, name="@raj"))
    assert Ref(span=here, name="x") != Stage(span=here, name="x")
    assert Ref(span=here, name="x") != Ref(span=here, name="y")


def test_model_classes_are_frozen_slotted_keyword_only_dataclasses() -> None:
    assert len(CLASSES) > 20
    for cls in CLASSES:
        assert dataclasses.is_dataclass(cls), cls
        params = cls.__dataclass_params__  # type: ignore[attr-defined]
        # Equality and hashing are Model's, written once (eq=False keeps the dataclass's out).
        assert (params.frozen, params.eq) == (True, False), cls
        assert (cls.__eq__, cls.__hash__) == (Model.__eq__, Model.__hash__), cls
        assert "__slots__" in cls.__dict__, cls
        assert cls.__dictoffset__ == 0, "slotted: no __dict__ per object"
        found = dataclasses.fields(cls)
        assert all(f.kw_only for f in found), cls
        # The span, declared once on Element, is the only field left out of equality.
        assert [f.name for f in found if not f.compare] == (["span"] if issubclass(cls, Element) else [])
    span = point("a.wm", 1, 1)
    with pytest.raises(TypeError, match="unexpected keyword argument 'bogus'"):
        Stage(span=span, name="x", bogus=1)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="missing 1 required keyword-only argument: 'name'"):
        Stage(span=span)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="positional"):
        Ref(span, "x")  # type: ignore[misc]


def test_model_objects_read_like_dataclasses() -> None:
    span = point("a.wm", 1, 1)
    ref = Ref(span=span, name="@ana")
    assert repr(ref) == f"Ref(span={span!r}, name='@ana')"
    stage = Stage(span=span, name="s", owner=ref)
    assert repr(stage).startswith(f"Stage(span={span!r}, name='s', title=None, ")
    assert f"owner={ref!r}" in repr(stage)
    with pytest.raises(dataclasses.FrozenInstanceError):
        stage.name = "t"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del stage.name  # type: ignore[misc]


def test_every_model_object_pickles_copies_and_replaces() -> None:
    # Each object of every example, and each document whole: what comes back
    # is of the same class, equal, and (equality ignoring spans) in the same place.
    seen: set[type] = set()
    for spec in EXAMPLES:
        document = _document(spec)
        for built in [document, *_objects(document)]:
            seen.add(type(built))
            copies = [
                pickle.loads(pickle.dumps(built)),
                copy.copy(built),
                copy.deepcopy(built),
                dataclasses.replace(built),
            ]
            if sys.version_info >= (3, 13):
                copies.append(copy.replace(built))  # type: ignore[attr-defined]
            for again in copies:
                assert type(again) is type(built)
                assert again == built
                assert hash(again) == hash(built)
                if isinstance(built, Element):
                    assert again.span == built.span
    assert seen == set(CLASSES) - BASES


def test_replace_changes_the_fields_named() -> None:
    document = _document(ROOT / "examples" / "hiring.wm")
    stage = document.workflows[0].stages[0]
    changed = dataclasses.replace(stage, wip=7)
    assert (changed.wip, changed.name, changed.span) == (7, stage.name, stage.span)
    assert stage.wip != 7  # the original is left as it was
    moved = dataclasses.replace(stage, span=point("elsewhere.wm", 1, 1))
    assert moved == stage
    assert moved.span != stage.span


@pytest.mark.skipif(sys.version_info < (3, 13), reason="copy.replace is new in Python 3.13")
def test_copy_replace_works_in_a_fresh_process() -> None:
    # Nothing else in the process has looked at the class before copy.replace does.
    probe = (
        "import copy\n"
        "from wmdsl.model import Ref\n"
        "from wmdsl.model.span import point\n"
        "ref = Ref(span=point('a.wm', 1, 1), name='@ana')\n"
        "print(copy.replace(ref, name='@raj'))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "@raj"


_MISTAKES = """\
from wmdsl.model import Stage
from wmdsl.model.span import point

stage = Stage(span=point("a.wm", 1, 1), nmae="build", wip="three")
"""


def test_mypy_checks_how_model_objects_are_built(tmp_path: Path) -> None:
    snippet = tmp_path / "snippet.py"
    snippet.write_text(_MISTAKES, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"), str(snippet)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert 'Unexpected keyword argument "nmae" for "Stage"' in done.stdout
    assert 'Argument "wip" to "Stage" has incompatible type "str"; expected "int | None"' in done.stdout
    assert "Found 2 errors in 1 file" in done.stdout


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
