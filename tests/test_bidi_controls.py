"""SYN015: bidirectional controls ("Trojan Source") are reported wherever a spec holds them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tracing import lines_run
from wmdsl import api
from wmdsl.diagnostics import codes
from wmdsl.project.settings import ConfigError, Overrides
from wmdsl.resolve.hidden import BIDI_CONTROLS, MAX_REPORTS, bidi_controls

CLEAN = 'person @ana "Ana"\nlane ops "Ops" { owner @ana; members @ana }\n'


def places(report: api.Report) -> list[tuple[str, int, int]]:
    return [(d.code, d.span.line, d.span.col) for d in report.diagnostics]


@pytest.mark.parametrize("char", sorted(BIDI_CONTROLS), ids=lambda c: f"U+{ord(c):04X}")
def test_every_bidi_control_is_an_error(char: str) -> None:
    report = api.check_text(CLEAN.replace('"Ops"', f'"Op{char}s"'), path="case.wm")
    assert places(report) == [("SYN015", 2, 13)]
    (diagnostic,) = report.diagnostics
    assert diagnostic.message == f"bidirectional control character U+{ord(char):04X} ({BIDI_CONTROLS[char]})"
    assert diagnostic.severity is codes.BIDI_CONTROL.severity
    assert diagnostic.hint is not None
    assert f"\\u{{{ord(char):04X}}}" in diagnostic.hint
    assert report.exit_code() == 1


def test_reported_in_strings_text_blocks_comments_and_between_tokens() -> None:
    text = (
        "# owners \u2067reviewed\u2069\n"  # a comment
        'person @ana "Ana\u202e"\n'  # a string
        'lane ops "Ops" {\n'
        "  owner @ana; members @ana\n"
        '  description """\n'
        "    runs \u2066the\u2069 night shift\n"  # a text block
        '    """\n'
        "}  # \u200f\n"  # after the last token of a line
    )
    report = api.check_text(text, path="case.wm")
    assert places(report) == [
        ("SYN015", 1, 10),
        ("SYN015", 1, 19),
        ("SYN015", 2, 17),
        ("SYN015", 6, 10),
        ("SYN015", 6, 14),
        ("SYN015", 8, 6),
    ]


def test_reported_in_a_name_beside_the_syntax_error() -> None:
    report = api.check_text(CLEAN.replace("lane ops", "lane o\u202eps"), path="case.wm")
    found = places(report)
    assert ("SYN015", 2, 7) in found
    assert any(code == "SYN001" for code, _, _ in found)


def test_an_escaped_control_is_not_reported() -> None:
    # `\u{202E}` is visible in the source: a label that needs the character can have it.
    report = api.check_text(CLEAN.replace('"Ops"', '"Op\\u{202E}s"'), path="case.wm", select=["CLR"])
    assert report.diagnostics == []


def test_reported_in_the_imported_file_where_it_is(project: Path) -> None:
    (project / "people.wm").write_text('person @ana "A\u202dna"\n', encoding="utf-8")
    (project / "main.wm").write_text('import "people.wm"\nlane ops "Ops" { owner @ana }\n', encoding="utf-8")
    report = api.check(["main.wm"])
    assert [(d.code, d.span.file, d.span.line, d.span.col) for d in report.diagnostics] == [
        ("SYN015", "people.wm", 1, 15)
    ]


def test_a_file_full_of_them_gives_a_short_report() -> None:
    count = MAX_REPORTS + 25
    text = CLEAN + "".join(f"# {n} \u202e\n" for n in range(count))
    report = api.check_text(text, path="case.wm")
    assert [d.span.line for d in report.diagnostics] == list(range(3, 3 + MAX_REPORTS + 1))
    *each, last = report.diagnostics
    assert all("more after it" not in d.message for d in each)
    assert last.message.endswith("; 24 more after it in this file are not reported one by one")


def test_the_scan_stops_at_the_cap() -> None:
    # The Python work is the same for 20 controls and for 20 000: past the cap
    # the rest are only counted, by the regular expression engine.
    few = bidi_controls("x\u202e\n" * 20, "case.wm")
    many = bidi_controls("x\u202e\n" * 20_000, "case.wm")
    assert len(few) == len(many) == MAX_REPORTS + 1
    assert lines_run(lambda: bidi_controls("x\u202e\n" * 20_000, "case.wm")) == lines_run(
        lambda: bidi_controls("x\u202e\n" * 20, "case.wm")
    )


def test_plain_text_is_not_scanned() -> None:
    assert bidi_controls("person @a\n" * 1000, "case.wm") == []
    assert bidi_controls('person @a "Zoë — 例"\n', "case.wm") == []


@pytest.mark.parametrize("key", ["ignore", "extend-select", "per-file-ignores"])
def test_it_cannot_be_turned_off(project: Path, key: str) -> None:
    (project / "o.wm").write_text(CLEAN.replace('"Ops"', '"Op\u202es"'), encoding="utf-8")
    config = f'{key} = ["SYN015"]\n'
    if key == "per-file-ignores":
        config = '[per-file-ignores]\n"*.wm" = ["SYN015"]\n'
    (project / "wmdsl.toml").write_text(config, encoding="utf-8")
    with pytest.raises(ConfigError, match="language error"):
        api.check(["o.wm"])
    with pytest.raises(ConfigError, match="language error"):
        api.check(["o.wm"], overrides=Overrides(isolated=True, ignore=("bidi-control",)))
