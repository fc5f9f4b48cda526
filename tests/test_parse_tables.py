"""The generated lexer and parse tables, and the parser that runs without lark.

:mod:`wmdsl.syntax.parser` runs the grammar's rules over the tokens of
``_lexer.py``; ``_tables.py`` is lark's own parser, used by
:mod:`wmdsl.syntax.recovery` for files with syntax errors. Both must be current,
and the fast parser must give exactly the AST lark gives, or hand the file over.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from lark import Lark

from tests.fuzz.strategies import Spec, mutants, specs
from tests.goldens import ERRORS, cases
from tests.probe import run_wmdsl
from wmdsl.limits import DEFAULT, Limits
from wmdsl.syntax import _lexer, _tables, parser, recovery, tables
from wmdsl.syntax.grammar import grammar_sha256, grammar_text
from wmdsl.syntax.recovery import OPTIONS

ROOT = Path(__file__).resolve().parents[1]


def test_tables_were_made_from_the_shipped_grammar() -> None:
    stale = "grammar/wmdsl.lark changed: run `python -m wmdsl.syntax.tables`"
    assert grammar_sha256(grammar_text()) == _tables.GRAMMAR_SHA256, stale
    assert grammar_text() == _lexer.GRAMMAR, stale


def test_tables_were_made_by_the_installed_lark() -> None:
    import lark

    assert lark.__version__ == _tables.LARK_VERSION, "lark changed: run `python -m wmdsl.syntax.tables`"


def _without_sre(source: str) -> str:
    return "\n".join(line for line in source.splitlines() if not line.startswith("SRE:"))


def test_the_lexer_is_written_the_same_way_every_time() -> None:
    written, made = Path(_lexer.__file__).read_text(encoding="utf-8"), tables.lexer_source()
    if _lexer.SRE[0] != parser.sre_engine():  # written under another Python: its code is that one's
        written, made = _without_sre(written), _without_sre(made)
    assert made == written


class _Lexer:
    def __init__(self, sre: object) -> None:
        self.PATTERN, self.SRE = _lexer.PATTERN, sre


def test_the_lexer_pattern_is_the_one_re_compiles() -> None:
    parser.fast_parser.cache_clear()
    try:
        runner = parser.fast_parser()
        assert runner is not None
        # Pattern equality compares the pattern, the flags and the compiled code.
        assert runner.pattern == re.compile(_lexer.PATTERN)
        assert runner.pattern.groupindex == re.compile(_lexer.PATTERN).groupindex
    finally:
        parser.fast_parser.cache_clear()


def test_under_the_engine_that_wrote_it_the_pattern_is_not_compiled_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = parser.sre_engine()
    stored = _Lexer((engine, *_lexer.SRE[1:]))
    expected = re.compile(_lexer.PATTERN)

    def refuse(pattern: str, flags: int = 0) -> re.Pattern[str]:
        raise AssertionError("compiled again")

    monkeypatch.setattr(parser.re, "compile", refuse)
    loaded = parser.compiled_pattern(stored)
    monkeypatch.undo()
    assert loaded == expected
    assert loaded.match("stage build").lastgroup == "WORD"


@pytest.mark.parametrize(
    "sre",
    [
        None,  # a lexer written before the code was kept
        ("not", "the", "shape"),
        ((2, 7, 0, 4, 0, 0), *_lexer.SRE[1:]),  # another Python
        (parser.sre_engine(), _lexer.SRE[1], _lexer.SRE[2], (1, 2, 3)),  # code the engine refuses
        (parser.sre_engine(), _lexer.SRE[1], _lexer.SRE[2], ("x",)),  # not code at all
    ],
)
def test_any_other_lexer_code_is_ignored_and_the_pattern_compiled(sre: object) -> None:
    assert parser.compiled_pattern(_Lexer(sre)) == re.compile(_lexer.PATTERN)


def test_the_fast_parser_implements_the_grammars_rules() -> None:
    # The fast parser is written for these rules: a grammar that says anything
    # else needs the parser changed too (and the equivalence tests below).
    names = {rule.split(":")[0] + ":" for rule in parser.RULES}
    written = tuple(line for line in grammar_text().splitlines() if line.split(" ")[0] in names)
    assert written == parser.RULES
    rules = [line for line in grammar_text().splitlines() if line[:1].islower() and ":" in line]
    assert len(rules) == len(parser.RULES), "a rule the fast parser does not know"


def test_the_process_parsers_come_from_the_tables() -> None:
    parser.fast_parser.cache_clear()
    recovery._parser.cache_clear()
    try:
        assert parser.fast_parser() is not None
        lark, _ = recovery._parser()
        assert lark.source_path == "<deserialized>"
    finally:
        parser.fast_parser.cache_clear()
        recovery._parser.cache_clear()


def test_checking_a_valid_file_does_not_import_lark(tmp_path: Path) -> None:
    spec = ROOT / "examples" / "hiring.wm"  # with its imports, a clean check
    broken = tmp_path / "broken.wm"
    broken.write_text("stage s {\n", encoding="utf-8")
    for path, imports_lark in ((spec, False), (broken, True)):
        probe = run_wmdsl(["check", "--no-cache", "--no-color", str(path)], cwd=tmp_path)
        assert probe.codes == [int(imports_lark)], probe.stdout
        assert ("lark" in probe.loaded) is imports_lark


def _sources() -> list[Path]:
    examples, tests = sorted((ROOT / "examples").rglob("*.wm")), sorted((ROOT / "tests").rglob("*.wm"))
    return [*examples, *cases(ERRORS), *tests]


@pytest.fixture(scope="module")
def built() -> Lark:
    return Lark(grammar_text(), **OPTIONS)


def test_lark_tables_parse_every_example_and_mistake_as_the_grammar_does(built: Lark) -> None:
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


def assert_same_as_lark(text: str, limits: Limits = DEFAULT) -> bool:
    """The fast parser gives lark's AST, or hands over exactly the files lark finds fault with."""
    fast_parser = parser.fast_parser()
    assert fast_parser is not None
    fast = fast_parser.run(text, "t.wm", limits)
    slow = recovery.parse(text, "t.wm", limits)
    if fast is None:
        assert slow.errors, "the fast parser refused a file lark accepts"
        return False
    assert not slow.errors, slow.errors
    assert fast == slow.items
    return True


def test_the_fast_parser_parses_every_example_as_lark_does() -> None:
    texts = [source.read_text(encoding="utf-8", errors="replace") for source in _sources()]
    accepted = [assert_same_as_lark(text) for text in texts]
    assert sum(accepted) > 100
    assert not all(accepted)  # the mistakes are handed over


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n  # only a comment\n",
        "stage a; stage b;;\n\n;stage c  ",
        'stage s "a\\u{1F600}\\n" { owner @a.b-c; wip 3; effort 2.5d }\r\n',
        'note """\n    indented\n      text\n    """ # trailing\n',
        "a -> b { sla 2d } ; c -> d",
        "members @a,\n  # a comment\n  @b,\n  @c",
        "w { x { y { z } } }",
        "x\ufeff y\f z\t",
        "stage s\rstage t\r\n",
        "a -> b, c d {\n}\n",
        "a -> b\n# a comment, last, with no line break",
        "stage s # a comment\nstage t",
        "x {} ; y { ; } ; z { a; }",
        'a "s" """t\n""" , @h 2d -1.5% w',
    ],
)
def test_the_fast_parser_agrees_with_lark_on_corner_cases(text: str) -> None:
    assert assert_same_as_lark(text)


@pytest.mark.parametrize(
    ("text", "limits"),
    [
        ("a {" * 5 + "}" * 5, Limits(max_depth=4)),
        ('s "' + "x" * 30 + '"', Limits(max_string_length=20)),
        ('s "bad \\q escape"', DEFAULT),
        ('s """bad \\q"""', DEFAULT),
        ("stage s {\n", DEFAULT),
        ("stage s }", DEFAULT),
        ("stage $", DEFAULT),
        ("a -> ", DEFAULT),
        ("stage s\n  \x00", DEFAULT),
        ("a -> b -> c", DEFAULT),
        ("a b -> c", DEFAULT),
        ("a -> @b", DEFAULT),
        ("a ->\nb", DEFAULT),
        ("-> b", DEFAULT),
        ("@a b", DEFAULT),
        ("2d x", DEFAULT),
        ('"s" x', DEFAULT),
        ("{ x }", DEFAULT),
        ("x {} {}", DEFAULT),
        ("x {} y", DEFAULT),
        ("x { a -> }", DEFAULT),
        ("x }", DEFAULT),
        ("x {", DEFAULT),
        (", x", DEFAULT),
    ],
)
def test_the_fast_parser_hands_problems_to_recovery(text: str, limits: Limits) -> None:
    assert not assert_same_as_lark(text, limits)
    assert parser.parse(text, "t.wm", limits).errors


@given(specs())
def test_the_fast_parser_agrees_with_lark_on_generated_specs(spec: Spec) -> None:
    assert assert_same_as_lark(spec.text)


@given(mutants())
def test_the_fast_parser_agrees_with_lark_on_mutated_specs(case: tuple[Spec, object, str]) -> None:
    assert_same_as_lark(case[2])


@given(st.text(alphabet=st.sampled_from(list('ab1@-> {};,\n\r#"\\\t.%'))))
@example('"""')
@example("a\n\r\n;")
def test_the_fast_parser_agrees_with_lark_on_arbitrary_text(text: str) -> None:
    assert_same_as_lark(text)


def test_stale_tables_are_ignored_and_the_grammar_is_built(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_tables, "GRAMMAR_SHA256", "0" * 64)
    monkeypatch.setattr(_lexer, "GRAMMAR", "start: WORD")
    parser.fast_parser.cache_clear()
    recovery._parser.cache_clear()
    try:
        assert parser.fast_parser() is None
        lark, _ = recovery._parser()
        assert lark.source_path != "<deserialized>"
        parsed = parser.parse('stage s "S" { owner @a }\n')
        assert not parsed.errors
        assert parsed.items[0].keyword.value == "stage"
        assert parser.parse("stage s {\n").errors
    finally:
        parser.fast_parser.cache_clear()
        recovery._parser.cache_clear()
