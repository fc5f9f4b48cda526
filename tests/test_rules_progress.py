"""Progress over Perfection rules PRG001–PRG002 on specs that must and must not trigger them.

Each case runs only the rule it is about (and the unused-allow check), away
from any configuration. Line numbers count from the first line of the case.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from wmdsl import api
from wmdsl.diagnostics import Diagnostic
from wmdsl.project.settings import Overrides

# The main path inbox → triage → fix → done has 2h + 1d = 10h of hands-on work.
BASE = """
workflow w "W" {
  person @ana "Ana"; person @bo "Bo"
  work ticket "Ticket" { kind request; sle 2d at 85% }
  intake inbox "Inbox" { owner @ana; accepts ticket }
  stage triage "Triage" { owner @ana; wip 2; effort 2h }
  stage fix "Fix" { owner @bo; wip 2; effort 1d }
  exit done "Done"
  exit refused "Refused" { kind rejected }
  inbox -> triage
  triage -> fix { chance 80% }
  triage -> refused
  fix -> done
  decision a "A" { decides @ana }
  decision b "B" { decides @bo }
}
"""
MINE = ("PRG001", "PRG002")


def edit(*replacements: tuple[str, str], text: str = BASE) -> str:
    """``text`` with each ``(old, new)`` replacement made (each must apply)."""
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def diagnostics(text: str, *codes: str) -> list[Diagnostic]:
    overrides = Overrides(select=(*codes, "SYN013"), isolated=True)
    report = api.check_text(textwrap.dedent(text).strip() + "\n", path="case.wm", overrides=overrides)
    assert not [d for d in report.diagnostics if d.code.startswith("SYN") and d.code != "SYN013"], report
    return report.diagnostics


def positions(text: str, code: str) -> list[tuple[int, int]]:
    return [(d.span.line, d.span.col) for d in diagnostics(text, code) if d.code == code]


def only(text: str, code: str) -> Diagnostic:
    found = [d for d in diagnostics(text, code) if d.code == code]
    assert len(found) == 1, found
    return found[0]


def test_base_is_clean_for_these_rules() -> None:
    assert diagnostics(BASE, *MINE) == []


TIGHT = ("sle 2d at 85%", "sle 1d at 85%")
SHORTCUT = (
    ("triage -> fix { chance 80% }", "triage -> fix { chance 30% }\n  triage -> done { chance 50% }"),
)
SECOND_INTAKE = (
    '  intake inbox "Inbox"',
    '  intake calls "Calls" { owner @bo; accepts ticket }\n  intake inbox "Inbox"',
)
GATED = (
    ("inbox -> triage", "inbox -> triage { gate a }"),
    ("triage -> fix { chance 80% }", "triage -> fix { chance 80%; gate b }"),
)

CASES: list[tuple[str, str, list[tuple[int, int]]]] = [
    # PRG001 sle-unreachable: hands-on time of the main path beyond the SLE
    ("PRG001", BASE, []),
    ("PRG001", edit(TIGHT), [(4, 3)]),
    ("PRG001", edit(("sle 2d at 85%", "sle 10h at 85%")), []),  # equal is reachable, just
    ("PRG001", edit(TIGHT, ("; sle 1d at 85%", "")), []),  # no SLE, nothing to check
    # a day of a round-the-clock workflow is 24 open hours: 10h of work fits in `sle 1d`
    ("PRG001", edit(TIGHT, ('workflow w "W" {', 'workflow w "W" {\n  hours 24x7')), []),
    (
        "PRG001",
        edit(("sle 2d at 85%", "sle 0.4d at 85%"), ('workflow w "W" {', 'workflow w "W" {\n  hours 24x7')),
        [(5, 3)],
    ),
    # and of a named calendar of 4 hours a day, 2.5d is just enough, 2d is not
    (
        "PRG001",
        edit(
            ("sle 2d at 85%", "sle 2.5d at 85%"),
            ('workflow w "W" {', 'calendar short "Short" { hours 9-13 }\nworkflow w "W" {\n  hours short'),
        ),
        [],
    ),
    (
        "PRG001",
        edit(('workflow w "W" {', 'calendar short "Short" { hours 9-13 }\nworkflow w "W" {\n  hours short')),
        [(6, 3)],
    ),
    ("PRG001", edit(TIGHT, ("; accepts ticket", "")), []),  # the intake accepts no work type
    ("PRG001", edit(TIGHT, *SHORTCUT), []),  # the likeliest way is the 2h shortcut
    ("PRG001", edit(TIGHT, ("wip 2; effort 1d", "wip 2")), []),  # 2h known, fix unknown
    ("PRG001", edit(("sle 2d at 85%", "sle 1h at 85%"), ("wip 2; effort 1d", "wip 2")), [(4, 3)]),
    (
        "PRG001",
        edit(TIGHT, SECOND_INTAKE, ("  inbox -> triage", "  calls -> triage\n  inbox -> triage")),
        [(4, 3), (5, 3)],
    ),
    ("PRG001", edit(TIGHT, ("fix -> done", "fix -> done\n  fix -> triage { rework; chance 50% }")), [(4, 3)]),
    ("PRG001", edit(("triage -> refused", "triage -> refused\n  fix -> fix { rework; chance 50% }")), []),
    # PRG002 gate-heavy-path: more gated handoffs than stages on a path
    ("PRG002", BASE, []),
    ("PRG002", edit(*GATED), []),  # 2 approvals, 2 stages
    ("PRG002", edit(*GATED, ("  fix -> done\n", "  fix -> done { gate a }\n")), [(4, 3)]),
    ("PRG002", edit(*GATED, ("triage -> refused", "triage -> refused { gate b }")), [(4, 3)]),
    (
        "PRG002",
        edit(*GATED, ("fix -> done", "fix -> done\n  fix -> triage { rework; chance 10%; gate a }")),
        [],
    ),
]


@pytest.mark.parametrize(
    ("code", "text", "expected"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_rule_case(code: str, text: str, expected: list[tuple[int, int]]) -> None:
    assert positions(text, code) == expected


def test_every_rule_here_has_a_failing_and_a_passing_case() -> None:
    for code in MINE:
        assert any(c == code and e for c, _, e in CASES), code
        assert any(c == code and not e for c, _, e in CASES), code


def test_sle_unreachable_message_and_hint() -> None:
    finding = only(edit(TIGHT), "PRG001")
    assert finding.message == (
        "the main path from intake `inbox` (`inbox` → `triage` → `fix` → `done`) takes 1.25d of hands-on "
        "work, more than the 1d SLE of work type `ticket`: its items miss the SLE even when nothing waits"
    )
    assert finding.hint == (
        "shorten the path or its effort (the largest is `fix`, 1d), "
        "or set `sle` of `ticket` to at least 1.25d"
    )


def test_sle_of_a_shared_work_type_and_allow_on_the_work_type() -> None:
    shared = 'work ticket "Ticket" { kind request; sle 1d at 85% }\n' + edit(
        ('  work ticket "Ticket" { kind request; sle 2d at 85% }\n', "")
    ).lstrip("\n")
    assert positions(shared, "PRG001") == [(4, 3)]
    allowed = edit(TIGHT, ("sle 1d at 85% }", 'sle 1d at 85%; allow PRG001 "a stretch goal" }'))
    assert diagnostics(allowed, "PRG001") == []


def test_gate_heavy_path_message_and_hint() -> None:
    finding = only(edit(*GATED, ("triage -> refused", "triage -> refused { gate b }")), "PRG002")
    assert (
        finding.message
        == "the path `inbox` → `triage` → `refused` passes 2 approvals but only 1 stage of work"
    )
    assert finding.hint == (
        "drop or merge approvals on it (e.g. remove `gate b` from `triage -> refused`), "
        "or let the people doing the work decide as part of a stage's definition of done"
    )


def test_realistic_examples_are_clean() -> None:
    examples = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.wm"))
    report = api.check(examples, overrides=Overrides(select=MINE, isolated=True))
    assert report.diagnostics == []
