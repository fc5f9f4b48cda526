"""Every error-text case reads well: a place, a frame, a hint, and only the user's words.

The goldens (``tests/errors/*.txt``) pin the exact text; this test pins the
qualities every message must have, so that a new case or a reworded message
cannot quietly drop its position, its caret frame or its hint, or leak the
parser's internals (lark's terminal names, Python reprs) into what users read.
The ``SYN`` examples of ``examples/broken`` are held to the same standard.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from rich.cells import cell_len

from tests.goldens import ERRORS, TESTS, cases
from wmdsl import api
from wmdsl.diagnostics import Diagnostic
from wmdsl.output.safe import visible
from wmdsl.output.text import render_diagnostic

BROKEN = TESTS.parent / "examples" / "broken"
SPECS = [*cases(ERRORS), *sorted(BROKEN.glob("SYN*.wm"))]

# Words that belong to the parser, not to the user: lark's terminal names and
# Python object reprs.
LEAKS = ("RBRACE", "LBRACE", "WORD", "$END", "_NL", "_SEMI", "__ANON", "Token(", "<class", "ARROW")

# SYN diagnostics that may come without a hint, keyed by (file name, code),
# each with the reason a hint is impossible. Empty today: every language
# error can say what to do. Add an entry only with a reason.
NO_HINT: dict[tuple[str, str], str] = {}

# Diagnostics that may come without a caret frame, with the reason.
NO_FRAME: dict[tuple[str, str], str] = {
    ("SYN012-unreadable-file.wm", "SYN012"): "the file is not valid UTF-8: there is no text to frame",
}

POSITION = re.compile(r"^(?P<file>.+?):(?P<line>[0-9]+):(?P<col>[0-9]+): (?P<code>[A-Z]{3}[0-9]{3}) \[")


@pytest.fixture(autouse=True)
def _in_tests(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(TESTS)


def diagnostics(spec: Path) -> tuple[list[Diagnostic], dict[str, str]]:
    report = api.check([os.path.relpath(spec, TESTS)])
    return report.diagnostics, report.sources


def shown(diagnostic: Diagnostic, sources: dict[str, str]) -> list[str]:
    """The lines ``wmdsl check`` prints for one diagnostic, without colour."""
    return [line.plain for line in render_diagnostic(diagnostic, sources)]


def test_there_are_enough_cases() -> None:
    assert len(cases(ERRORS)) >= 45


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.name)
def test_every_case_reports_something(spec: Path) -> None:
    found, _ = diagnostics(spec)
    assert found, f"{spec.name}: a deliberate mistake must produce a diagnostic"


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.name)
def test_every_diagnostic_has_a_position_and_a_caret_frame(spec: Path) -> None:
    found, sources = diagnostics(spec)
    for diagnostic in found:
        lines = shown(diagnostic, sources)
        head = POSITION.match(lines[0])
        assert head is not None, lines[0]
        assert (int(head["line"]), int(head["col"])) == (diagnostic.span.line, diagnostic.span.col)
        assert diagnostic.span.line >= 1
        assert diagnostic.span.col >= 1
        if (spec.name, diagnostic.code) in NO_FRAME:
            continue
        frame = [line for line in lines[1:] if " | " in line or line.rstrip().endswith("|")]
        assert any(set(line.split("|", 1)[1].strip()) == {"^"} for line in frame), "\n".join(lines)


def caret_target(lines: list[str]) -> str | None:
    """The source character the first ``^`` of a frame stands under (tabs and wide
    characters count as the cells a terminal gives them)."""
    source = next(line for line in lines if re.match(r"^ *[0-9]+ \| ", line))
    caret = next(line for line in lines if line.rstrip().endswith("^"))
    text = source.split(" | ", 1)[1]
    offset = caret.index("^") - (len(source) - len(text))
    cells = 0
    for char in text:
        if cells == offset:
            return char
        cells += cell_len(char)
    return None


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.name)
def test_carets_stand_under_the_place_they_mean(spec: Path) -> None:
    found, sources = diagnostics(spec)
    for diagnostic in found:
        if (spec.name, diagnostic.code) in NO_FRAME:
            continue
        line = sources[diagnostic.span.file].splitlines()[diagnostic.span.line - 1 :][:1]
        expected = line[0][diagnostic.span.col - 1 :][:1] if line else ""
        if not expected or len(line[0]) > 120:
            continue  # at the end of a line, or a long line cut down to a window
        lines = shown(diagnostic, sources)
        if expected == "\t":
            expected = " "
        elif not expected.isprintable():  # a frame shows a control by its escape, `<U+202E>` (SYN015)
            expected = visible(expected)[:1]
        assert caret_target(lines) == expected, "\n".join(lines)


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.name)
def test_every_language_error_says_what_to_do(spec: Path) -> None:
    found, _ = diagnostics(spec)
    for diagnostic in found:
        if not diagnostic.code.startswith("SYN") or (spec.name, diagnostic.code) in NO_HINT:
            continue
        assert diagnostic.hint, f"{spec.name}: `{diagnostic.message}` has no hint"
        assert diagnostic.hint.strip() != diagnostic.message.strip()


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.name)
def test_no_parser_internals_leak_into_messages(spec: Path) -> None:
    found, _ = diagnostics(spec)
    for diagnostic in found:
        text = "\n".join(
            [diagnostic.message, diagnostic.hint or "", *(related.message for related in diagnostic.related)]
        )
        leaked = [word for word in LEAKS if word in text]
        assert not leaked, f"{spec.name}: {leaked} in {text!r}"


def test_the_allowlists_are_not_stale() -> None:
    for name, code in [*NO_HINT, *NO_FRAME]:
        spec = next((s for s in SPECS if s.name == name), None)
        assert spec is not None, f"an allowlist names a missing case: {name}"
        found, _ = diagnostics(spec)
        assert any(d.code == code for d in found), f"{name} no longer reports {code}"
    for name, code in NO_HINT:
        found, _ = diagnostics(next(s for s in SPECS if s.name == name))
        assert any(d.code == code and not d.hint for d in found), f"{name} {code} has a hint now"


def test_a_failed_import_is_one_error_and_names_what_it_leaves_unknown(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    (tmp_path / "org").mkdir()
    (tmp_path / "org" / "people.wm").write_text('person @ana "Ana"\nperson @raj "Raj"\n', encoding="utf-8")
    spec = tmp_path / "a.wm"
    spec.write_text(
        'import "org/peple.wm"\nworkflow w "W" {\n  owner @ana\n'
        '  lane l "L" { owner @raj; members @ana, @zed }\n}\n',
        encoding="utf-8",
    )
    report = api.check([spec])
    assert [d.code for d in report.diagnostics] == ["SYN009"]
    found = report.diagnostics[0]
    assert found.hint is not None
    assert found.hint.startswith("did you mean `org/people.wm`?")
    assert "`@ana`, `@raj`, `@zed`" in found.hint
    assert [r.message for r in found.related] == [
        "`@ana` is used here",
        "`@raj` is used here",
        "`@zed` is used here",
    ]
    # Once the import is fixed, the name that really is unknown is reported.
    spec.write_text(spec.read_text(encoding="utf-8").replace("peple", "people"), encoding="utf-8")
    assert [d.message for d in api.check([spec]).diagnostics if d.code == "SYN002"] == [
        "unknown person `@zed`"
    ]


def test_a_syntax_error_does_not_hide_mistakes_elsewhere_in_the_file(tmp_path: Path) -> None:
    spec = tmp_path / "a.wm"
    spec.write_text(
        'person @ana "Ana Lima"\n'
        'person @raj "Raj Patel" { capacity = 0.5 }\n'  # a syntax error inside a block
        'lane desk "Desk" { owner @raj; members @ana, @raj }\n'
        'workflow w "W" {\n'
        '  stage s "S" in desk { owner @anna; wip three }\n'
        "}\n",
        encoding="utf-8",
    )
    found = [(d.code, d.span.line, d.message) for d in api.check([spec]).diagnostics]
    assert found == [
        ("SYN001", 2, "unexpected `=`"),
        ("SYN002", 5, "unknown person `@anna`"),
        ("SYN005", 5, "`wip` must be a whole number of at least 1, found `three`"),
    ]


def test_a_declaration_broken_by_a_syntax_error_is_not_reported_again_as_unknown(tmp_path: Path) -> None:
    spec = tmp_path / "a.wm"
    spec.write_text(
        'person @raj = "Raj Patel"\nlane desk "Desk" { owner @raj; members @raj }\n',
        encoding="utf-8",
    )
    assert [d.code for d in api.check([spec]).diagnostics] == ["SYN001"]


def test_after_a_misplaced_brace_nothing_is_resolved(tmp_path: Path) -> None:
    # Statements after it may sit in the wrong block: reporting them would be a cascade.
    spec = tmp_path / "a.wm"
    spec.write_text(
        'workflow w "W" {\n  lane desk "Desk" { owner @x } }\n  stage s "S" in desk\n}\n', encoding="utf-8"
    )
    assert [d.code for d in api.check([spec]).diagnostics] == ["SYN001"]
