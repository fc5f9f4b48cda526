"""The two parsers: the hand-written loop over the generated lexer, and lark's.

:mod:`wmdsl.syntax.parser` runs the grammar's rules over the tokens of
``wmdsl/_generated/lexer.py`` and hands every file it cannot take to
:mod:`wmdsl.syntax.recovery`, lark's parser, for its error recovery.
``WMDSL_PARSER=lark`` sends every file to lark. Both ways must give the same
syntax tree and the same diagnostics for every text: the examples and the
mistakes, generated, mutated and arbitrary text.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.fuzz.strategies import Spec, mutants, specs
from tests.goldens import ERRORS, cases
from tests.probe import run_wmdsl
from wmdsl._generated import lexer as _lexer
from wmdsl.project.limits import DEFAULT, Limits
from wmdsl.syntax import ParsedFile, lark_cache, parser, recovery
from wmdsl.syntax.grammar import grammar_text
from wmdsl.syntax.recovery import OPTIONS

ROOT = Path(__file__).resolve().parents[1]


def parsed(text: str, limits: Limits = DEFAULT, *, switch: str | None = None) -> ParsedFile:
    """``parser.parse`` with ``WMDSL_PARSER`` set to ``switch`` (unset: None)."""
    with pytest.MonkeyPatch.context() as patch:
        if switch is None:
            patch.delenv(parser.SWITCH, raising=False)
        else:
            patch.setenv(parser.SWITCH, switch)
        return parser.parse(text, "t.wm", limits)


def assert_same_as_lark(text: str, limits: Limits = DEFAULT) -> bool:
    """Both ways give one tree and one set of diagnostics, and the loop refuses exactly
    what lark finds fault with. True when the text is valid.
    """
    by_lark = parsed(text, limits, switch="lark")
    assert parsed(text, limits) == by_lark
    fast_parser = parser.fast_parser()
    assert fast_parser is not None
    fast = fast_parser.run(text, "t.wm", limits)
    if fast is None:
        assert by_lark.errors, "the fast parser refused a file lark accepts"
        return False
    assert not by_lark.errors, by_lark.errors
    assert fast == by_lark.items
    return True


def test_the_fast_parser_implements_the_grammars_rules() -> None:
    # The fast parser is written for these rules: a grammar that says anything
    # else needs the parser changed too (and the equivalence tests below).
    names = {rule.split(":")[0] + ":" for rule in parser.RULES}
    written = tuple(line for line in grammar_text().splitlines() if line.split(" ")[0] in names)
    assert written == parser.RULES
    rules = [line for line in grammar_text().splitlines() if line[:1].islower() and ":" in line]
    assert len(rules) == len(parser.RULES), "a rule the fast parser does not know"


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


# -- the switch -----------------------------------------------------------------------------


class _Refused(Exception):
    pass


def _refuse(*args: object, **kwargs: object) -> object:
    raise _Refused


@pytest.mark.parametrize("value", ["lark", "LARK", " lark\n"])
def test_the_switch_sends_every_file_to_lark(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(parser.SWITCH, value)
    monkeypatch.setattr(parser.FastParser, "run", _refuse)
    assert parser.parse("stage s { owner @a }").items[0].keyword.value == "stage"


@pytest.mark.parametrize("value", [None, "", "fast", "larks"])
def test_without_the_switch_lark_parses_only_files_with_errors(
    monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    if value is None:
        monkeypatch.delenv(parser.SWITCH, raising=False)
    else:
        monkeypatch.setenv(parser.SWITCH, value)
    monkeypatch.setattr(recovery, "parse", _refuse)
    assert parser.parse("stage s { owner @a }").items[0].keyword.value == "stage"
    with pytest.raises(_Refused):
        parser.parse("stage s {")


def test_the_switch_works_in_a_process(tmp_path: Path) -> None:
    (tmp_path / "s.wm").write_text('stage s "S" { owner @a }\n', encoding="utf-8")
    for value, imports_lark in (("lark", True), ("", False)):
        env = {**os.environ, parser.SWITCH: value}
        probe = run_wmdsl(["check", "--no-cache", "--no-color", "s.wm"], cwd=tmp_path, env=env)
        assert ("lark" in probe.loaded) is imports_lark, value


def test_a_stale_lexer_is_not_used_and_lark_parses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_lexer, "GRAMMAR", "start: WORD")
    parser.fast_parser.cache_clear()
    try:
        assert parser.fast_parser() is None
        valid = parser.parse('stage s "S" { owner @a }\n')
        assert not valid.errors
        assert valid.items[0].keyword.value == "stage"
        assert parser.parse("stage s {\n").errors
    finally:
        parser.fast_parser.cache_clear()


# -- lark's parser, kept in the user's cache folder -----------------------------------------------


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache home, and a process that has not built lark's parser yet."""
    monkeypatch.delenv("WMDSL_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    recovery._parser.cache_clear()
    yield tmp_path / "cache"
    recovery._parser.cache_clear()


def _parses_with_recovery() -> None:
    lark, _ = recovery._parser()
    assert lark.parse("stage s { owner @a }")[0].keyword.value == "stage"
    assert [d.message for d in recovery.parse("stage s {").errors] == [
        "this `{` is never closed: the file ends first"
    ]


def test_lark_keeps_its_parser_in_the_users_cache_folder(cache_home: Path) -> None:
    path = lark_cache.cache_path(grammar_text(), OPTIONS)
    assert path is not None
    assert path.parent == cache_home / "wmdsl"
    assert not path.exists()
    _parses_with_recovery()
    assert path.is_file()
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert {p.name for p in path.parent.iterdir()} == {path.name, f"{path.name}.lock"}
    written = path.stat().st_mtime_ns, path.read_bytes()
    recovery._parser.cache_clear()
    _parses_with_recovery()  # loaded, not built and written again
    assert (path.stat().st_mtime_ns, path.read_bytes()) == written


def test_a_damaged_cache_file_is_built_again(cache_home: Path) -> None:
    path = lark_cache.cache_path(grammar_text(), OPTIONS)
    assert path is not None
    path.write_bytes(b"not what lark wrote\n\x80\x04garbage")
    _parses_with_recovery()
    assert b"garbage" not in path.read_bytes()


def test_the_file_is_named_by_everything_that_makes_it_differ(cache_home: Path) -> None:
    paths = {
        lark_cache.cache_path(grammar_text(), OPTIONS),
        lark_cache.cache_path(grammar_text() + "\n", OPTIONS),
        lark_cache.cache_path(grammar_text(), {**OPTIONS, "maybe_placeholders": True}),
    }
    assert None not in paths
    assert len(paths) == 3


def test_the_folder_is_the_result_caches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from wmdsl.project.cache import default_folder

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    settings = [
        {"WMDSL_CACHE_DIR": str(tmp_path / "chosen"), "XDG_CACHE_HOME": str(tmp_path / "xdg")},
        {"XDG_CACHE_HOME": str(tmp_path / "xdg")},
        {"XDG_CACHE_HOME": "relative"},
        {},
    ]
    for environment in settings:
        for name in ("WMDSL_CACHE_DIR", "XDG_CACHE_HOME"):
            if name in environment:
                monkeypatch.setenv(name, environment[name])
            else:
                monkeypatch.delenv(name, raising=False)
        assert lark_cache.user_cache_folder() == default_folder(), environment


def test_without_xdg_cache_home_the_folder_is_in_the_home_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WMDSL_CACHE_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    for value in (None, "", "relative/cache"):  # the XDG specification ignores a relative path
        if value is None:
            monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
        else:
            monkeypatch.setenv("XDG_CACHE_HOME", value)
        assert lark_cache.user_cache_folder() == tmp_path / ".cache" / "wmdsl"


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX rights")
def test_a_folder_others_may_write_is_not_used(cache_home: Path) -> None:
    folder = cache_home / "wmdsl"
    folder.mkdir(parents=True)
    folder.chmod(0o777)
    assert lark_cache.user_cache_folder() is None
    _parses_with_recovery()
    assert list(folder.iterdir()) == []


def test_a_process_loads_the_file_another_wrote(cache_home: Path) -> None:
    path = lark_cache.cache_path(grammar_text(), OPTIONS)
    assert path is not None
    code = "from wmdsl.syntax import recovery; print(len(recovery.parse('a {').errors))"
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    env.pop("WMDSL_CACHE_DIR", None)
    written = []
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        )
        assert done.stdout.strip() == "1"
        written.append(path.stat().st_mtime_ns)
    assert written[0] == written[1]


def test_no_cache_where_none_can_be_made(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache_home.write_text("a file, not a folder", encoding="utf-8")
    assert lark_cache.user_cache_folder() is None
    _parses_with_recovery()

    def homeless() -> Path:
        raise RuntimeError("no home folder")

    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setattr(Path, "home", homeless)
    assert lark_cache.user_cache_folder() is None
