"""Parse → model and error-text golden tests (regenerate: ``python -m tests.goldens``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.goldens import (
    ERRORS,
    GOLDEN,
    TESTS,
    available_formats,
    cases,
    error_text,
    examples,
    model_json,
    render_golden,
    rendered,
)


@pytest.fixture(autouse=True)
def _in_tests(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(TESTS)


@pytest.mark.parametrize("spec", cases(GOLDEN), ids=lambda p: p.stem)
def test_model_matches_golden(spec: Path) -> None:
    expected = spec.with_suffix(".json").read_text(encoding="utf-8")
    assert model_json(spec) == expected


@pytest.mark.parametrize("spec", cases(ERRORS), ids=lambda p: p.stem)
def test_error_text_matches_golden(spec: Path) -> None:
    expected = spec.with_suffix(".txt").read_text(encoding="utf-8")
    assert error_text(spec) == expected


@pytest.mark.parametrize("name", available_formats())
@pytest.mark.parametrize("spec", examples(), ids=lambda p: p.stem)
def test_rendered_output_matches_golden(spec: Path, name: str) -> None:
    golden = render_golden(spec, name)
    assert golden.exists(), "run `python -m tests.goldens`"
    assert rendered(spec, name) == golden.read_bytes()


def test_every_fixture_has_a_golden() -> None:
    missing = [
        p.name
        for folder, suffix in ((GOLDEN, ".json"), (ERRORS, ".txt"))
        for p in cases(folder)
        if not p.with_suffix(suffix).exists()
    ]
    assert not missing, f"run `python -m tests.goldens`: {missing}"
    assert os.path.isdir(GOLDEN)
    assert os.path.isdir(ERRORS)


def test_grammar_is_conflict_free_under_strict_lalr() -> None:
    from lark import Lark

    from wmdsl.syntax.grammar import grammar_text

    Lark(grammar_text(), parser="lalr", lexer="contextual", strict=True)


def test_model_json_validates_against_the_published_schema() -> None:
    import json

    import jsonschema

    from wmdsl import api

    schema = api.json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    examples = sorted((TESTS.parent / "examples").glob("*.wm"))
    assert examples
    for spec in [*cases(GOLDEN), *examples]:
        document = api.load(spec)
        jsonschema.validate(json.loads(document.model_dump_json()), schema)


def test_json_render_validates_against_the_published_schema() -> None:
    import json

    import jsonschema

    from wmdsl import api
    from wmdsl.render import render

    schema = api.json_schema()
    for spec in examples():
        document = api.load(spec)
        jsonschema.validate(json.loads(render(document, "json")), schema)
