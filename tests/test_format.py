"""The formatter: its layout, that it never changes what a spec says, and ``wmdsl fmt``."""

from __future__ import annotations

import os
import re
import stat
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given

from tests.fuzz.strategies import Spec, mutants, specs
from wmdsl._generated import lexer
from wmdsl.cli import cli
from wmdsl.diagnostics import Diagnostic
from wmdsl.model import Document
from wmdsl.resolve.compile import compile_file, compile_text
from wmdsl.syntax.format import WIDTH, FormatError, format_text, quote
from wmdsl.syntax.strings import decode_string

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SPECS = sorted(
    [
        *EXAMPLES.glob("*.wm"),
        *EXAMPLES.glob("org*/*.wm"),
        *(ROOT / "tests" / "golden").glob("*.wm"),
    ]
)


def fmt(text: str) -> str:
    return format_text(text, "t.wm")


def document(text: str, path: str = "t.wm") -> Document | None:
    return compile_text(text, path).document


# -- the layout ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "formatted"),
    [
        # indentation, spaces around `->`, after commas and before `{`
        (
            'workflow w "W" {\n    a->b,c "go"{chance 10%}\n\tx  ->  y\n}\n',
            'workflow w "W" {\n  a -> b, c "go" { chance 10% }\n  x -> y\n}\n',
        ),
        ('lane x "X"{owner @a;members @a ,@b}', 'lane x "X" { owner @a; members @a, @b }\n'),
        # one statement per line: `;` between statements becomes a line break
        ('person @a "A"; person @b "B";;\n', 'person @a "A"\nperson @b "B"\n'),
        # a block written over lines stays so, however short
        ("lane x {\n  owner @a\n}\n", "lane x {\n  owner @a\n}\n"),
        # more than three statements, or a nested block: one per line
        ("lane x { a 1; b 2; c 3; d 4 }\n", "lane x {\n  a 1\n  b 2\n  c 3\n  d 4\n}\n"),
        ("workflow w { stage s { wip 1 } }\n", "workflow w {\n  stage s { wip 1 }\n}\n"),
        # empty blocks
        ("lane x { }\nlane y {;}\nlane z {\n\n}\n", "lane x {}\nlane y {}\nlane z {}\n"),
        # blank lines: at most one, kept where written, none at the edges of a block or the file
        (
            "\n\nperson @a\n\n\n\nperson @b\nperson @c\nlane x {\n\n  owner @a\n\n  members @a\n\n}\n\n\n",
            "person @a\n\nperson @b\nperson @c\nlane x {\n  owner @a\n\n  members @a\n}\n",
        ),
        # a list continued after a comma stays continued, under its first item
        (
            "lane x {\n  members @a,\n     @b,\n\n @c\n}\n",
            "lane x {\n  members @a,\n          @b,\n          @c\n}\n",
        ),
        ("workflow w {\n  a -> b,\n  c\n}\n", "workflow w {\n  a -> b,\n       c\n}\n"),
        # doubled commas (the resolver's error) stay where they were
        ("a @0, # x\n  , # y\n  @1,,@2\n", "a @0,  # x\n  ,  # y\n  @1,, @2\n"),
        # `9-17` is two tokens the resolver reads as one word: they stay together
        ("calendar c { hours 9-17 mon-fri }\n", "calendar c { hours 9-17 mon-fri }\n"),
        # line ends, a byte-order mark, trailing blanks, the newline at the end
        ('\ufeffperson @a "A"  \r\nperson @b\r\rperson @c\t', 'person @a "A"\nperson @b\n\nperson @c\n'),
        ("", ""),
        ("\n\n  \n", ""),
    ],
)
def test_layout(written: str, formatted: str) -> None:
    assert fmt(written) == formatted
    assert fmt(formatted) == formatted


def test_a_declared_variability_is_kept_with_its_meaning() -> None:
    written = (
        'person @a "A"\n'
        "workflow w {\n"
        "  owner @a\n"
        "  intake i {owner @a;arrivals 6 per week;variability   fixed}\n"
        "  stage s { owner @a\n effort 2h\n    variability  lognormal   cv 0.8 }\n"
        "  exit e\n  i -> s\n  s -> e\n"
        "}\n"
    )
    formatted = fmt(written)
    assert "  intake i { owner @a; arrivals 6 per week; variability fixed }\n" in formatted
    assert "    variability lognormal cv 0.8\n" in formatted
    assert fmt(formatted) == formatted
    before, after = document(written), document(formatted)
    assert before is not None
    assert before == after
    stage = before.workflows[0].stages[0]
    assert stage.variability is not None
    assert (stage.variability.distribution.value, stage.variability.cv) == ("lognormal", 0.8)


def test_a_block_stays_on_one_line_only_when_the_statement_fits() -> None:
    head = 'lane x "' + "x" * (WIDTH - len('lane x "" { owner @a }')) + '"'
    fits = head + " { owner @a }\n"
    assert len(fits) - 1 == WIDTH
    assert fmt(fits) == fits
    longer = head.replace('x"', 'xx"') + " { owner @a }\n"
    assert fmt(longer) == head.replace('x"', 'xx"') + " {\n  owner @a\n}\n"
    # inside a workflow the indentation counts too
    inner = "workflow w {\n  " + fits + "}\n"
    assert fmt(inner) == "workflow w {\n  " + head + " {\n    owner @a\n  }\n}\n"


def test_comments_stay_where_they_were_written() -> None:
    written = (
        "# a header\n"
        "\n"
        "lane x { # after the brace\n"
        "    owner @a      # trailing\n"
        "\n"
        "      # a full line, oddly indented\n"
        "  members @a,   # on the comma's line\n"
        "     # inside the list\n"
        "     @b # last\n"
        "   # before the brace\n"
        "}   # after the block\n"
        "person @a; person @b # on the line of two statements\n"
        "# at the end"
    )
    assert fmt(written) == (
        "# a header\n"
        "\n"
        "lane x {  # after the brace\n"
        "  owner @a  # trailing\n"
        "\n"
        "  # a full line, oddly indented\n"
        "  members @a,  # on the comma's line\n"
        "          # inside the list\n"
        "          @b  # last\n"
        "  # before the brace\n"
        "}  # after the block\n"
        "person @a\n"
        "person @b  # on the line of two statements\n"
        "# at the end\n"
    )


def test_a_block_with_a_comment_inside_is_written_over_lines() -> None:
    assert fmt("lane x { owner @a # mine\n}\n") == "lane x {\n  owner @a  # mine\n}\n"
    assert fmt("lane x { # about x\n}\n") == "lane x {  # about x\n}\n"


def test_nothing_is_reordered() -> None:
    written = "workflow w {\n  exit z\n  stage b\n  a -> z\n  stage a\n  b -> z\n  a -> b\n}\n"
    assert fmt(written) == written


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        (r'"plain"', r'"plain"'),
        (r'"\u{e9}\u{1F600}"', '"é😀"'),
        ('"tab\there"', r'"tab\there"'),
        (r'"\u{a}\u{22}\u{5C}"', r'"\n\"\\"'),
        (r'"\u{1b}[31m \u{7f} \u{85}"', r'"\u{1B}[31m \u{7F} \u{85}"'),
        (r'"\u{202e}x\u{2028}y\u{feff}"', r'"\u{202E}x\u{2028}y\u{FEFF}"'),
        ('"zero\u200bwidth \u200d joiner"', '"zero\u200bwidth \u200d joiner"'),
    ],
)
def test_strings_are_quoted_canonically_with_the_same_value(written: str, canonical: str) -> None:
    assert fmt(f"person @a {written}\n") == f"person @a {canonical}\n"
    assert decode_string(canonical) == decode_string(written)


def test_quote_round_trips_every_character_class() -> None:
    value = "".join(chr(code) for code in (*range(0x100), 0x2028, 0x2029, 0x202E, 0xFEFF, 0x1F600))
    assert decode_string(quote(value)) == value
    controls = [char for char in quote(value) if char < " " or "\x7f" <= char <= "\x9f"]
    assert controls == []
    assert not {"\u2028", "\u2029", "\u202e", "\ufeff"} & set(quote(value))


def test_text_blocks_are_kept_verbatim() -> None:
    block = '"""\n      Ana Lima   \n\t  (lead)\n   """'
    written = f"person @a   {block} {{ capacity 1 }}\n"
    assert fmt(written) == f"person @a {block} {{\n  capacity 1\n}}\n"
    assert document(fmt(written)) == document(written)
    assert fmt('person @a """one line"""\n') == 'person @a """one line"""\n'


def test_a_list_ended_by_a_comma_does_not_swallow_the_next_statement() -> None:
    # A trailing comma is the resolver's error; the formatter keeps the spec saying the same.
    for written, formatted in [
        ("lane x {\n  members @a,; owner @b\n}\n", "lane x {\n  members @a,;\n  owner @b\n}\n"),
        ("lane x { members @a,; owner @b }\n", "lane x { members @a,; owner @b }\n"),
        ("lane x {\n  members @a, # c\n  # d\n}\n", "lane x {\n  members @a,;  # c\n  # d\n}\n"),
        ("person @z,", "person @z,;\n"),
        ("lane x members, # c\n{ owner @a }\n", "lane x members, {  # c\n  owner @a\n}\n"),
    ]:
        assert fmt(written) == formatted, written
        assert fmt(formatted) == formatted
        before, after = compile_text(written, "t.wm"), compile_text(formatted, "t.wm")
        assert [d.code for d in after.diagnostics] == [d.code for d in before.diagnostics]


def test_syntax_errors_are_raised_with_their_diagnostics() -> None:
    with pytest.raises(FormatError) as raised:
        format_text('lane x {\n  owner = @a\n}\nperson @b "\\q"\n', "bad.wm")
    codes = [(d.code, d.span.line) for d in raised.value.diagnostics]
    assert codes == [("SYN001", 2), ("SYN001", 4)]
    assert "SYN001" in str(raised.value)


def test_bidirectional_controls_are_refused() -> None:
    with pytest.raises(FormatError) as raised:
        fmt("person @a # a comment with \u202e in it\n")
    assert [d.code for d in raised.value.diagnostics] == ["SYN015"]


# -- it never changes what a spec says ----------------------------------------


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_examples_compile_the_same_once_formatted_and_format_once(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    formatted = format_text(text, str(path))
    assert format_text(formatted, str(path)) == formatted
    before = compile_file(path, text=text)
    after = compile_file(path, text=formatted)
    assert before.document is not None
    assert after.document == before.document
    assert [d.code for d in after.diagnostics] == [d.code for d in before.diagnostics]


def test_the_committed_examples_are_formatted() -> None:
    for path in SPECS:
        if "golden" not in path.parts:
            text = path.read_text(encoding="utf-8")
            assert format_text(text, str(path)) == text, path


def test_the_examples_of_the_formatting_guide_are_formatted() -> None:
    guide = (ROOT / "docs" / "formatting.md").read_text(encoding="utf-8")
    examples = re.findall(r"^```wm\n(.*?)^```", guide, re.S | re.M)
    assert len(examples) >= 2
    for example in examples:
        assert fmt(example) == example


@given(specs())
def test_generated_specs_compile_the_same_once_formatted(spec: Spec) -> None:
    formatted = fmt(spec.text)
    assert fmt(formatted) == formatted
    before, after = document(spec.text), document(formatted)
    assert before is not None
    assert after == before
    assert not any(line != line.rstrip() for line in _outside_text_blocks(formatted))
    assert "\r" not in formatted


@given(mutants())
def test_damaged_specs_are_refused_or_keep_their_meaning(case: tuple[Spec, list[object], str]) -> None:
    _, _, text = case
    formatted, problems = _formatted(text)
    if formatted is None:
        assert problems
        assert all(d.code.startswith("SYN") for d in problems)
        return
    assert fmt(formatted) == formatted
    before, after = compile_text(text, "t.wm"), compile_text(formatted, "t.wm")
    assert after.document == before.document
    assert [d.code for d in after.diagnostics] == [d.code for d in before.diagnostics]


def _formatted(text: str) -> tuple[str | None, list[Diagnostic]]:
    """``text`` formatted, or None and the errors that keep it from being formatted."""
    try:
        return fmt(text), []
    except FormatError as error:
        return None, error.diagnostics


def _outside_text_blocks(text: str) -> list[str]:
    """The lines of ``text`` with every text block written ``\"\"\"…\"\"\"`` (its lines are its value)."""
    pattern, groups = re.compile(lexer.PATTERN), lexer.GROUPS
    pieces = []
    for match in pattern.finditer(text):
        group = match.lastindex or 0
        pieces.append('"""…"""' if groups[group] == "TEXT" else match.group(0))
    return "".join(pieces).split("\n")


# -- wmdsl fmt ------------------------------------------------------------------

MESSY = 'person  @ana "Ana"\nlane desk "Desk"{owner @ana;members @ana}\n'
TIDY = 'person @ana "Ana"\nlane desk "Desk" { owner @ana; members @ana }\n'
BROKEN = 'lane desk "Desk" {\n  owner = @ana\n}\n'


def run(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_fmt_rewrites_changed_files_and_leaves_the_others(project: Path) -> None:
    (project / "messy.wm").write_text(MESSY, encoding="utf-8")
    (project / "tidy.wm").write_text(TIDY, encoding="utf-8")
    os.chmod(project / "messy.wm", 0o640)
    before = (project / "tidy.wm").stat()
    status, out, err = run("fmt", "messy.wm", "tidy.wm")
    assert status == 0, err
    assert out == ""
    assert "1 file reformatted, 1 left unchanged." in err
    assert (project / "messy.wm").read_text(encoding="utf-8") == TIDY
    assert stat.S_IMODE((project / "messy.wm").stat().st_mode) == 0o640
    after = (project / "tidy.wm").stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert sorted(p.name for p in project.iterdir()) == ["messy.wm", "tidy.wm", "wmdsl.toml"]


def test_fmt_rewrites_line_ends_and_a_byte_order_mark(project: Path) -> None:
    (project / "crlf.wm").write_bytes(b"\xef\xbb\xbf" + TIDY.replace("\n", "\r\n").encode())
    status, _, _ = run("fmt", "--check", "crlf.wm")
    assert status == 1
    assert run("fmt", "crlf.wm")[0] == 0
    assert (project / "crlf.wm").read_bytes() == TIDY.encode()


def test_fmt_check_lists_what_would_change_and_writes_nothing(project: Path) -> None:
    (project / "a.wm").write_text(MESSY, encoding="utf-8")
    (project / "b.wm").write_text(TIDY, encoding="utf-8")
    status, out, err = run("fmt", "--check", ".")
    assert (status, out) == (1, "a.wm\n")
    assert "1 file would be reformatted, 1 left unchanged." in err
    assert (project / "a.wm").read_text(encoding="utf-8") == MESSY
    (project / "a.wm").write_text(TIDY, encoding="utf-8")
    assert run("fmt", "--check", ".")[:2] == (0, "")


def test_fmt_diff_prints_a_unified_diff_and_writes_nothing(project: Path) -> None:
    (project / "a.wm").write_text(MESSY, encoding="utf-8")
    status, out, _ = run("fmt", "--diff", "a.wm")
    assert status == 0
    assert out.splitlines()[:2] == ["--- a.wm\tbefore", "+++ a.wm\tafter"]
    assert '\n-person  @ana "Ana"\n' in out
    assert '\n+person @ana "Ana"\n' in out
    assert (project / "a.wm").read_text(encoding="utf-8") == MESSY
    assert run("fmt", "--diff", "--check", "a.wm")[0] == 1


def test_fmt_reads_standard_input_and_writes_standard_output(project: Path) -> None:
    assert run("fmt", "-", stdin=MESSY.encode()) == (0, TIDY, "")
    assert run("fmt", "--check", "-", stdin=MESSY.encode())[:2] == (1, "<stdin>\n")
    assert run("fmt", "--check", "-", stdin=TIDY.encode())[:2] == (0, "")
    status, out, err = run("fmt", "-", stdin=BROKEN.encode())
    assert (status, out) == (1, "")
    assert "<stdin>:2:9: SYN001 [error] unexpected `=`" in err


def test_fmt_leaves_a_file_with_syntax_errors_and_reports_them(project: Path) -> None:
    (project / "bad.wm").write_text(BROKEN, encoding="utf-8")
    (project / "good.wm").write_text(MESSY, encoding="utf-8")
    status, out, err = run("fmt", ".")
    assert status == 1
    assert out == ""
    assert (project / "bad.wm").read_text(encoding="utf-8") == BROKEN
    assert (project / "good.wm").read_text(encoding="utf-8") == TIDY
    assert "bad.wm:2:9: SYN001 [error] unexpected `=`\n" in err
    assert "2 |   owner = @ana\n  |         ^\n" in err
    assert "= hint: attributes are written `keyword value`" in err
    assert "1 file reformatted, 0 left unchanged, 1 not formatted (errors above)." in err
    assert "Traceback" not in err


def test_fmt_reports_a_file_that_is_not_utf8(project: Path) -> None:
    (project / "latin.wm").write_bytes(b'person @a "Ren\xe9"\n')
    status, _, err = run("fmt", "latin.wm")
    assert status == 1
    assert "latin.wm:1:15: SYN012 [error] not valid UTF-8" in err
    assert (project / "latin.wm").read_bytes() == b'person @a "Ren\xe9"\n'


def test_fmt_finds_files_in_folders_as_check_does(project: Path) -> None:
    (project / "specs" / "drafts").mkdir(parents=True)
    (project / "specs" / "a.wm").write_text(MESSY, encoding="utf-8")
    (project / "specs" / "drafts" / "b.wm").write_text(MESSY, encoding="utf-8")
    (project / "specs" / "notes.txt").write_text(MESSY, encoding="utf-8")
    status, out, _ = run("fmt", "--check", "--exclude", "drafts", "specs")
    assert (status, out) == (1, "specs/a.wm\n")
    assert run("fmt", "specs")[0] == 0
    assert (project / "specs" / "drafts" / "b.wm").read_text(encoding="utf-8") == TIDY
    assert (project / "specs" / "notes.txt").read_text(encoding="utf-8") == MESSY


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links")
def test_fmt_never_follows_a_link_out_of_the_root(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    (outside / "elsewhere.wm").write_text(MESSY, encoding="utf-8")
    (project / "specs").mkdir()
    (project / "specs" / "link.wm").symlink_to(outside / "elsewhere.wm")
    (project / "specs" / "lib").symlink_to(outside, target_is_directory=True)
    (project / "real.wm").write_text(MESSY, encoding="utf-8")
    (project / "specs" / "inside.wm").symlink_to(project / "real.wm")
    status, _, err = run("fmt", "specs")
    assert status == 1
    assert "specs/link.wm` is a link that leads outside the project root; not formatted" in err
    assert "leads outside the project root (or into `.git`); not searched" in err
    assert (outside / "elsewhere.wm").read_text(encoding="utf-8") == MESSY
    # a link inside the root is followed: the file it names is rewritten, the link stays a link
    assert (project / "real.wm").read_text(encoding="utf-8") == TIDY
    assert (project / "specs" / "inside.wm").is_symlink()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("fmt",), "Missing argument"),
        (("fmt", "missing.wm"), "no such file or directory: missing.wm"),
        (("fmt", "-", "a.wm"), "`-` (standard input) cannot be given with other paths"),
        (("fmt", "--bogus", "a.wm"), "No such option"),
    ],
)
def test_fmt_usage_errors_exit_two(project: Path, args: tuple[str, ...], message: str) -> None:
    (project / "a.wm").write_text(TIDY, encoding="utf-8")
    status, _, err = run(*args)
    assert status == 2
    assert message in err
    assert "Traceback" not in err
