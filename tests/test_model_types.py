"""The resolver builds the model without pydantic validation (``model_construct``).

So these tests hold it to what validation would produce: every value has
exactly the type the model declares (tuples, floats, enums, nested models),
and validating a dump gives back an equal document.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from wmdsl import api
from wmdsl.model import Document

ROOT = Path(__file__).resolve().parents[1]
SPECS = [*sorted((ROOT / "examples").glob("*.wm")), *sorted((ROOT / "tests" / "golden").glob("*.wm"))]


def _same_types(built: Any, validated: Any, where: str) -> list[str]:
    if type(built) is not type(validated):
        return [f"{where}: {type(built).__name__}, validation gives {type(validated).__name__}"]
    found: list[str] = []
    if isinstance(built, BaseModel):
        for name in type(built).model_fields:
            found += _same_types(getattr(built, name), getattr(validated, name), f"{where}.{name}")
    elif isinstance(built, tuple):
        for index, (a, b) in enumerate(zip(built, validated, strict=True)):
            found += _same_types(a, b, f"{where}[{index}]")
    return found


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_built_model_has_the_types_validation_would_give(spec: Path) -> None:
    compilation = api.compile_path(spec, root=spec.parent)
    document = compilation.document
    if document is None:
        pytest.skip("a spec with language errors has no model")
    validated = Document.model_validate(document.model_dump())
    assert _same_types(document, validated, spec.stem) == []
    assert validated == document


def test_every_example_builds_a_model() -> None:
    built = [api.compile_path(p, root=p.parent).document for p in SPECS if p.parent.name == "examples"]
    assert built
    assert all(d is not None for d in built)


def test_the_check_path_builds_no_pydantic_validator() -> None:
    import subprocess
    import sys

    probe = (
        "from pathlib import Path; from wmdsl import api, model;"
        f"api.check([Path({str(ROOT / 'examples')!r})], cache=False);"
        "print(sorted(c.__name__ for c in vars(model).values()"
        " if isinstance(c, type) and issubclass(c, model.BaseModel) and c.__pydantic_complete__))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


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


def _elements(value: Any) -> Any:
    if isinstance(value, BaseModel):
        yield value
        for name in type(value).model_fields:
            yield from _elements(getattr(value, name))
    elif isinstance(value, tuple):
        for item in value:
            yield from _elements(item)


def test_make_builds_what_model_construct_builds() -> None:
    # Element.make sets pydantic's instance state by hand, for speed; this
    # holds it to model_construct, so a pydantic release that changes the
    # state fails here and not in a user's run.
    from wmdsl.model import Element

    document = api.compile_path(ROOT / "examples" / "software-delivery.wm").document
    assert document is not None
    checked = 0
    for element in _elements(document):
        if not isinstance(element, Element):
            continue
        cls = type(element)
        values = {name: getattr(element, name) for name in cls.model_fields}
        reference = cls.model_construct(**values)
        made = cls.make(**values)
        for state in ("__dict__", "__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__"):
            assert getattr(made, state) == getattr(reference, state), (cls.__name__, state)
        assert list(made.__dict__) == list(reference.__dict__)
        assert made.model_dump() == reference.model_dump()
        checked += 1
    assert checked > 100
