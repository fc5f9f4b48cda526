"""Adaptability over Rigidity rules ADP001–ADP004 on specs that must and must not trigger them.

Each case runs only the rule it is about (and the unused-allow check), away
from any configuration, so the cases stay true as other rules are added.
Line numbers count from the first line of the case text.
"""

from __future__ import annotations

import random
import re
import textwrap
from collections.abc import Mapping
from typing import Any

import pytest

from wmdsl import api
from wmdsl.diagnostics import Diagnostic
from wmdsl.project.settings import Overrides
from wmdsl.rules import all_rules
from wmdsl.rules.wording import arrows

# A workflow clean for these rules; every case is a small edit of it.
BASE = """
workflow w "W" {
  owner @ana
  person @ana "Ana"; person @bo "Bo"
  lane front "Front" { owner @ana; members @ana, @bo }
  intake inbox "Inbox" { owner @ana }
  stage triage "Triage" in front { wip 2 }
  exit done "Done"
  exit refused "Refused" { kind rejected }
  decision go "Go" { decides @bo; escalates @ana after 1d }
  inbox -> triage
  triage -> done { gate go }
  triage -> refused
  cadence review "Review" { every 1w; owner @ana; reviews triage }
}
"""
MINE = ("ADP001", "ADP002", "ADP003", "ADP004")
GO = 'decision go "Go" { decides @bo; escalates @ana after 1d }'


def with_decisions(*lines: str) -> str:
    """BASE with ``lines`` written after decision `go` (lines 10, 11, …)."""
    return BASE.replace(f"  {GO}\n", f"  {GO}\n" + "".join(f"  {line}\n" for line in lines))


def diagnostics(
    text: str, *codes: str, options: Mapping[str, Mapping[str, Any]] | None = None
) -> list[Diagnostic]:
    """Check ``text`` with only ``codes`` (and SYN013) enabled, away from any configuration."""
    overrides = Overrides(select=(*codes, "SYN013"), options=options or {}, isolated=True)
    report = api.check_text(textwrap.dedent(text).strip() + "\n", path="case.wm", overrides=overrides)
    language = [d for d in report.diagnostics if d.code.startswith("SYN") and d.code != "SYN013"]
    assert not language, language
    return report.diagnostics


def positions(text: str, code: str) -> list[tuple[int, int]]:
    return [(d.span.line, d.span.col) for d in diagnostics(text, code) if d.code == code]


def only(text: str, code: str, **options: Any) -> Diagnostic:
    """The one diagnostic ``code`` gives on ``text`` (with ``options`` for it)."""
    found = diagnostics(text, code, options={code: options} if options else None)
    assert len(found) == 1, found
    return found[0]


def test_base_is_clean_for_these_rules() -> None:
    assert diagnostics(BASE, *MINE) == []


LOOP = with_decisions(
    'decision a "A" { decides @ana; escalates b after 1d }',
    'decision b "B" { decides @bo; escalates a after 1d }',
)
DEAD_END = with_decisions(
    'decision a "A" { decides @ana; escalates b }',
    'decision b "B" { decides @bo; escalates c }',
    'decision c "C" { consults @bo }',
)

CASES: list[tuple[str, str, list[tuple[int, int]]]] = [
    # ADP001 decision-without-escalation: in a workflow or shared
    ("ADP001", BASE.replace("; escalates @ana after 1d", ""), [(9, 3)]),
    ("ADP001", 'person @a "A"\ndecision d "D" { decides @a }\n', [(2, 1)]),
    ("ADP001", BASE, []),
    # ADP002 escalation-cycle: a loop, reported once at the escalation that starts it
    ("ADP002", LOOP, [(10, 44)]),
    ("ADP002", with_decisions('decision a "A" { decides @ana; escalates a }'), [(10, 44)]),
    (
        "ADP002",
        with_decisions(
            'decision a "A" { decides @ana; escalates b }',
            'decision b "B" { decides @bo; escalates c }',
            'decision c "C" { decides @bo; escalates a; escalates @ana }',
            'decision d "D" { decides @bo; escalates e }',
            'decision e "E" { decides @bo; escalates d }',
        ),
        [(10, 44), (13, 43)],
    ),
    # ... or a chain that ends at a decision nobody decides, at the escalation into it
    ("ADP002", DEAD_END, [(11, 43)]),
    # ... escalating to a person, a lane or a decision with a decider is fine
    ("ADP002", with_decisions('decision a "A" { decides @ana; escalates go; escalates front }'), []),
    ("ADP002", BASE, []),
    # ADP003 no-feedback-loop: no cadence, a cadence reviewing nothing, or only people
    ("ADP003", BASE.replace("; reviews triage", ""), [(1, 1)]),
    ("ADP003", BASE.replace("reviews triage", "reviews @bo"), [(1, 1)]),
    (
        "ADP003",
        BASE.replace('  cadence review "Review" { every 1w; owner @ana; reviews triage }\n', ""),
        [(1, 1)],
    ),
    ("ADP003", BASE.replace("reviews triage", "reviews @bo, front"), []),
    ("ADP003", BASE, []),
    # ADP004 oversized-view: 4 nodes is far below the default
    ("ADP004", BASE, []),
]


@pytest.mark.parametrize(
    ("code", "text", "expected"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_rule_case(code: str, text: str, expected: list[tuple[int, int]]) -> None:
    assert positions(text, code) == expected


def test_escalation_hint_names_the_workflow_owner() -> None:
    found = only(BASE.replace("; escalates @ana after 1d", ""), "ADP001")
    assert found.message == "decision `go` has no escalation path"
    assert (
        found.hint
        == "add `escalates @ana after 2d` to decision `go`: who decides when `@bo` does not in time"
    )
    own = only(BASE.replace("decides @bo; escalates @ana after 1d", "decides @ana"), "ADP001")
    # Another person in scope is named, so that the hint can be applied as written.
    assert "`escalates @bo after 2d`" in (own.hint or "")


def test_a_loop_is_reported_once_with_its_cycle() -> None:
    found = only(LOOP, "ADP002")
    assert found.message == "decisions escalate in a loop: `a` → `b` → `a`"
    assert "decision `b`" in (found.hint or "")
    assert [(r.span.line, r.message) for r in found.related] == [(11, "`b` escalates to `a`")]


def test_a_loop_among_shared_decisions() -> None:
    spec = """
    person @a "A"
    decision x "X" { decides @a; escalates y }
    decision y "Y" { decides @a; escalates z }
    decision z "Z" { decides @a; escalates x }
    """
    found = only(spec, "ADP002")
    assert (found.span.line, found.span.col) == (2, 40)
    assert found.message == "decisions escalate in a loop: `x` → `y` → `z` → `x`"


def test_workflow_decisions_may_escalate_to_shared_ones() -> None:
    spec = """
    person @a "A"; person @b "B"
    decision policy "Policy" { decides @a; escalates @b }
    workflow w "W" {
      decision local "Local" { decides @b; escalates policy }
    }
    """
    assert diagnostics(spec, "ADP002") == []
    broken = spec.replace("decides @a; escalates @b", "escalates @b")
    found = only(broken, "ADP002")
    assert (found.span.line, found.span.col) == (4, 50)
    assert (
        found.message == "escalation chain `local` → `policy` ends nowhere: decision `policy` has no decider"
    )


def test_a_dead_end_reports_the_whole_chain() -> None:
    found = only(DEAD_END, "ADP002")
    assert found.message == "escalation chain `a` → `b` → `c` ends nowhere: decision `c` has no decider"
    assert found.hint == (
        "give decision `c` a decider (`decides @someone`), "
        "or make decision `b` escalate to a person or a lane"
    )
    assert [r.span.line for r in found.related] == [12]


def test_allow_in_any_decision_of_the_loop_suppresses_it() -> None:
    allowed = LOOP.replace("escalates a after 1d }", 'escalates a after 1d; allow ADP002 "board rule" }')
    assert diagnostics(allowed, "ADP002") == []


def test_feedback_loop_messages() -> None:
    none = only(
        BASE.replace('  cadence review "Review" { every 1w; owner @ana; reviews triage }\n', ""), "ADP003"
    )
    assert none.message == "workflow `w` has no cadence: nothing reviews how it works"
    assert none.hint == 'add `cadence review "Review" { every 2w; owner @ana; reviews triage }`'
    empty = only(BASE.replace("; reviews triage", ""), "ADP003")
    assert empty.message == "workflow `w` has cadences (`review`), but none reviews a part of it"
    assert empty.hint == "add `reviews triage` to cadence `review`"


def test_feedback_loop_is_judged_per_workflow() -> None:
    second = BASE.replace('workflow w "W"', 'workflow v "V"').replace("  cadence review", "  # no cadence")
    spec = textwrap.dedent(BASE).strip() + "\n" + textwrap.dedent(second).strip() + "\n"
    assert positions(spec, "ADP003") == [(15, 1)]


def test_oversized_view_threshold_is_an_option() -> None:
    found = only(BASE, "ADP004", max_nodes=3)
    assert (found.span.line, found.span.col) == (1, 1)
    assert found.message == (
        "workflow `w` has 4 nodes (1 intake, 1 stage, 2 exits); "
        "more than 3 is too many to see and change at once"
    )
    assert diagnostics(BASE, "ADP004", options={"ADP004": {"max_nodes": 4}}) == []


def test_every_finding_has_a_hint() -> None:
    for code, text, _expected in CASES:
        for found in diagnostics(text, code):
            assert found.hint, (code, found.message)


@pytest.mark.parametrize("code", MINE)
def test_documented_examples_are_true(code: str) -> None:
    rule = next(r for r in all_rules() if r.code.code == code)
    strict = Overrides(preset="strict", isolated=True)
    bad = api.check_text(rule.bad + "\n", path="example.wm", overrides=strict).diagnostics
    good = api.check_text(rule.good + "\n", path="example.wm", overrides=strict).diagnostics
    assert not [d for d in bad + good if d.code.startswith("SYN")]
    assert code in {d.code for d in bad}
    assert code not in {d.code for d in good}


def test_a_dead_end_behind_a_loop_starts_its_chain_at_the_loop() -> None:
    spec = with_decisions(
        'decision a "A" { decides @ana; escalates b }',
        'decision b "B" { decides @bo; escalates a; escalates c }',
        'decision c "C" { decides @bo; escalates x }',
        'decision x "X" { consults @bo }',
    )
    messages = [d.message for d in diagnostics(spec, "ADP002")]
    assert messages == [
        "decisions escalate in a loop: `a` → `b` → `a`",
        "escalation chain `a` → `b` → `c` → `x` ends nowhere: decision `x` has no decider",
    ]


@pytest.mark.parametrize("seed", range(5))
def test_dead_end_chains_go_back_through_the_first_decision_escalating(seed: int) -> None:
    # Without loops, each decision's chain goes back through the first
    # decision (in declaration order) that escalates to it, to where it starts.
    picks = random.Random(seed)
    size = 40
    into: dict[int, list[int]] = {i: [] for i in range(size)}
    lines = []
    for i in range(size):
        targets = {i + 1} if i + 1 < size and picks.random() < 0.9 else set()  # long chains
        if i + 2 < size and picks.random() < 0.3:
            targets.add(picks.randrange(i + 2, size))  # and some that branch and join
        for j in sorted(targets):
            into[j].append(i)
        decider = "" if picks.random() < 0.3 else "decides @ana; "
        clauses = "".join(f"escalates d{j}; " for j in sorted(targets))
        lines.append(f'decision d{i} "D{i}" {{ {decider}{clauses}consults @bo }}')
    found = [d.message for d in diagnostics(with_decisions(*lines), "ADP002")]
    expected = []
    for i, line in enumerate(lines):
        for j in [int(t) for t in re.findall(r"escalates d(\d+)", line)]:
            if "decides" in lines[j]:
                continue
            chain = [i]
            while into[chain[-1]]:
                chain.append(into[chain[-1]][0])
            expected.append(
                f"escalation chain {arrows([f'd{k}' for k in reversed(chain)] + [f'd{j}'])} ends nowhere: "
                f"decision `d{j}` has no decider"
            )
    assert found == expected
    assert any("more)" in message for message in found)
