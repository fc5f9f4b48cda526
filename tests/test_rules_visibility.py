"""Visibility over Assumption rules VIS001–VIS004 on specs that must and must not trigger them.

Each case runs only the rule it is about (and the unused-allow check). Line
numbers count from the first line of the case text.
"""

from __future__ import annotations

import textwrap

import pytest

from wmdsl import api
from wmdsl.diagnostics import Diagnostic
from wmdsl.project.settings import Overrides
from wmdsl.rules import all_rules

# Both stages are on a board, the lead time is measured, the intake has a rate
# and the SLA on `triage -> fix` is covered twice (board and metric).
BASE = """
workflow w "W" {
  owner @ana
  purpose "Answer customer questions"
  person @ana "Ana"; person @bo "Bo"
  lane front "Front" { owner @ana; members @ana }
  lane back "Back" { owner @bo; members @bo }
  intake inbox "Inbox" { owner @ana; arrivals 5 per week }
  stage triage "Triage" in front { wip 2; done "Classified" }
  stage fix "Fix" in back { wip 2; done "Fixed" }
  exit done "Done"
  exit refused "Refused" { kind rejected }
  inbox -> triage
  triage -> fix { sla 1d }
  triage -> refused
  fix -> done
  board work "Work" { shows triage, fix }
  metric lead_time "Lead time" { from inbox to done }
}
"""
MINE = ("VIS001", "VIS002", "VIS003", "VIS004")
BOARD = '  board work "Work" { shows triage, fix }\n'
METRIC = '  metric lead_time "Lead time" { from inbox to done }\n'


def edit(*replacements: tuple[str, str]) -> str:
    """The base with each ``(old, new)`` replacement made."""
    text = BASE
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return text


def diagnostics(text: str, *codes: str) -> list[Diagnostic]:
    """Check ``text`` with only ``codes`` (and SYN013) enabled, away from any configuration."""
    overrides = Overrides(select=(*codes, "SYN013"), isolated=True)
    report = api.check_text(textwrap.dedent(text).strip() + "\n", path="case.wm", overrides=overrides)
    assert not [d for d in report.diagnostics if d.code.startswith("SYN") and d.code != "SYN013"]
    return report.diagnostics


def positions(text: str, code: str) -> list[tuple[int, int]]:
    return [(d.span.line, d.span.col) for d in diagnostics(text, code) if d.code == code]


def test_base_is_clean_for_these_rules() -> None:
    assert diagnostics(BASE, *MINE) == []


NO_BOARD = (BOARD, "")
NO_METRIC = (METRIC, "")
ONLY_FIX = (BOARD, '  board work "Work" { shows fix }\n')


def metric(body: str) -> tuple[str, str]:
    """Replace the lead-time metric with one whose block is ``body``."""
    return (METRIC, f'  metric m "M" {{ {body} }}\n')


CASES: list[tuple[str, str, list[tuple[int, int]]]] = [
    # VIS001 invisible-stage: a stage on no board; no board at all is one finding on the workflow
    ("VIS001", edit(ONLY_FIX), [(8, 3)]),
    ("VIS001", edit((BOARD, '  board work "Work" { shows inbox, done }\n')), [(8, 3), (9, 3)]),
    ("VIS001", edit(NO_BOARD), [(1, 1)]),
    ("VIS001", edit((BOARD, '  board a "A" { shows triage }\n  board b "B" { shows fix }\n')), []),
    ("VIS001", BASE, []),
    # VIS002 no-flow-metric: no metric, or only metrics that are neither lead time nor throughput
    ("VIS002", edit(NO_METRIC), [(1, 1)]),
    ("VIS002", edit(metric("from inbox")), [(1, 1)]),
    ("VIS002", edit(metric("to done; target 2d at 85%")), [(1, 1)]),
    ("VIS002", edit(metric("to done; target 5 per week")), []),
    ("VIS002", edit(metric("from triage to fix")), []),
    ("VIS002", BASE, []),
    # VIS003 intake-without-rate
    ("VIS003", edit(("; arrivals 5 per week", "")), [(7, 3)]),
    (
        "VIS003",
        edit(
            (
                "  inbox -> triage\n",
                '  inbox -> triage\n  calls -> triage\n  intake calls "Calls" { owner @ana }\n',
            )
        ),
        [(14, 3)],
    ),
    ("VIS003", BASE, []),
    # VIS004 untracked-sla: neither a metric range nor a board covers the handoff
    ("VIS004", edit(NO_BOARD, NO_METRIC), [(13, 3)]),
    ("VIS004", edit(ONLY_FIX, metric("from fix to done")), [(13, 3)]),
    ("VIS004", edit(ONLY_FIX, metric("from inbox to refused")), [(13, 3)]),
    ("VIS004", edit(ONLY_FIX, metric("to done; target 5 per week")), [(13, 3)]),
    ("VIS004", edit(NO_BOARD), []),
    ("VIS004", edit(NO_METRIC), []),
    ("VIS004", edit(ONLY_FIX, metric("from triage to fix")), []),
    ("VIS004", edit(ONLY_FIX, metric("from triage to done")), []),
    # ... a range covers a rework handoff inside it
    (
        "VIS004",
        edit(
            ONLY_FIX, ("  fix -> done\n", "  fix -> done\n  fix -> triage { rework; chance 10%; sla 2h }\n")
        ),
        [],
    ),
    (
        "VIS004",
        edit(
            ONLY_FIX,
            NO_METRIC,
            ("  fix -> done\n", "  fix -> done\n  fix -> triage { rework; chance 10%; sla 2h }\n"),
        ),
        [(13, 3), (16, 3)],
    ),
    ("VIS004", BASE, []),
]


@pytest.mark.parametrize(
    ("code", "text", "expected"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_rule_case(code: str, text: str, expected: list[tuple[int, int]]) -> None:
    assert positions(text, code) == expected


def test_invisible_stage_hints() -> None:
    [found] = diagnostics(edit(ONLY_FIX), "VIS001")
    assert found.message == "stage `triage` is shown on no board"
    assert found.hint == "add `triage` to the `shows` of board `work`"
    [found] = diagnostics(edit(NO_BOARD), "VIS001")
    assert found.message == "workflow `w` has no board: none of its 2 stages is visible"
    assert found.hint == 'add a board that shows them: `board work "Work" { shows triage, fix }`'


def test_no_flow_metric_hint_names_an_intake_and_a_done_exit() -> None:
    [found] = diagnostics(edit(NO_METRIC), "VIS002")
    assert found.message == "workflow `w` has no lead-time or throughput metric"
    assert 'metric lead_time "Lead time" { from inbox to done }' in (found.hint or "")


def test_intake_without_rate_says_what_cannot_run() -> None:
    [found] = diagnostics(edit(("; arrivals 5 per week", "")), "VIS003")
    assert "flow and capacity checks cannot run" in found.message
    assert found.hint == "add `arrivals N per week` to intake `inbox` (an estimate is fine)"


def test_untracked_sla_message_and_allow() -> None:
    text = edit(NO_BOARD, NO_METRIC)
    [found] = diagnostics(text, "VIS004")
    assert found.message == "handoff `triage->fix` promises an SLA of 1d that no metric or board tracks"
    assert "shows triage, fix" in (found.hint or "")
    allowed = text.replace("{ sla 1d }", '{ sla 1d; allow untracked-sla "tracked in the helpdesk tool" }')
    assert diagnostics(allowed, "VIS004") == []


def test_presets() -> None:
    recommended = {rule.code.code: rule.recommended for rule in all_rules()}
    assert [recommended[code] for code in MINE] == [True, True, True, True]
