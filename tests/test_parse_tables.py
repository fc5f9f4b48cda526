"""The shipped LALR tables: current, used, and equivalent to building from the grammar."""

from __future__ import annotations

from pathlib import Path

import pytest
from lark import Lark

from tests.goldens import ERRORS, cases
from wmdsl.syntax import _tables, parser
from wmdsl.syntax.parser import OPTIONS, grammar_sha256, grammar_text

ROOT = Path(__file__).resolve().parents[1]


def test_tables_were_made_from_the_shipped_grammar() -> None:
    assert grammar_sha256(grammar_text()) == _tables.GRAMMAR_SHA256, (
        "grammar/wmdsl.lark changed: run `python -m wmdsl.syntax.tables`"
    )


def test_tables_were_made_by_the_installed_lark() -> None:
    import lark

    assert lark.__version__ == _tables.LARK_VERSION, "lark changed: run `python -m wmdsl.syntax.tables`"


def test_the_process_parser_comes_from_the_tables() -> None:
    parser._parser.cache_clear()
    try:
        lark, _ = parser._parser()
        assert lark.source_path == "<deserialized>"
    finally:
        parser._parser.cache_clear()


def _sources() -> list[Path]:
    return [*sorted((ROOT / "examples").rglob("*.wm")), *cases(ERRORS)]


@pytest.fixture(scope="module")
def built() -> Lark:
    return Lark(grammar_text(), **OPTIONS)


def test_tables_parse_every_example_and_mistake_as_the_grammar_does(built: Lark) -> None:
    loaded = Lark._load_from_dict(_tables.DATA, _tables.MEMO)
    sources = _sources()
    assert len(sources) > 100
    for source in sources:
        text = source.read_text(encoding="utf-8", errors="replace")
        outcomes = []
        for lark in (loaded, built):
            try:
                outcomes.append(lark.parse(text))
            except Exception as error:  # the same error at the same place
                where = (getattr(error, "line", None), getattr(error, "column", None))
                outcomes.append((type(error).__name__, where))
        assert outcomes[0] == outcomes[1], source.name


def test_stale_tables_are_ignored_and_the_grammar_is_built(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_tables, "GRAMMAR_SHA256", "0" * 64)
    parser._parser.cache_clear()
    try:
        lark, _ = parser._parser()
        assert lark.source_path != "<deserialized>"
        parsed = parser.parse('stage s "S" { owner @a }\n')
        assert not parsed.errors
        assert parsed.items[0].keyword.value == "stage"
        assert parser.parse("stage s {\n").errors
    finally:
        parser._parser.cache_clear()
