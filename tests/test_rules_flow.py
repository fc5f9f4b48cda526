"""Flow over Friction rules FLW005–FLW010 on specs that must and must not trigger them.

Each case runs only the rule it is about (and the unused-allow check), away
from any configuration. Line numbers count from the first line of the case.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

import pytest

from wmdsl import api
from wmdsl.diagnostics import Diagnostic
from wmdsl.project.settings import Overrides

# Two lanes; `fix` is 24% busy: 3 a week × 80% × 4h / 40h.
BASE = """
workflow w "W" {
  person @ana "Ana"; person @bo "Bo"; person @cy "Cy"
  lane front "Front" { owner @ana; members @ana }
  lane back "Back" { owner @bo; members @bo }
  intake inbox "Inbox" { owner @ana; arrivals 3 per week }
  stage triage "Triage" in front { wip 2; effort 1h }
  stage fix "Fix" in back { wip 2; effort 4h }
  exit done "Done"
  exit refused "Refused" { kind rejected }
  inbox -> triage
  triage -> fix { chance 80% }
  triage -> refused
  fix -> done
}
"""
MINE = ("FLW005", "FLW006", "FLW007", "FLW008", "FLW009", "FLW010")


def edit(*replacements: tuple[str, str], text: str = BASE) -> str:
    """``text`` with each ``(old, new)`` replacement made (each must apply)."""
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def add(lines: str) -> str:
    """The base with ``lines`` added at the end of the workflow (from line 14 on)."""
    return edit(("  fix -> done\n}", "  fix -> done\n" + lines.rstrip("\n") + "\n}"))


def diagnostics(
    text: str, *codes: str, options: Mapping[str, Mapping[str, Any]] | None = None
) -> list[Diagnostic]:
    overrides = Overrides(select=(*codes, "SYN013"), isolated=True, options=options or {})
    report = api.check_text(textwrap.dedent(text).strip() + "\n", path="case.wm", overrides=overrides)
    assert not [d for d in report.diagnostics if d.code.startswith("SYN") and d.code != "SYN013"], report
    return report.diagnostics


def positions(text: str, code: str, **options: Any) -> list[tuple[int, int]]:
    found = diagnostics(text, code, options={code: options} if options else None)
    return [(d.span.line, d.span.col) for d in found if d.code == code]


def only(text: str, code: str, **options: Any) -> Diagnostic:
    found = [
        d for d in diagnostics(text, code, options={code: options} if options else None) if d.code == code
    ]
    assert len(found) == 1, found
    return found[0]


def test_base_is_clean_for_these_rules() -> None:
    assert diagnostics(BASE, *MINE) == []


# A second intake without arrivals feeding `fix`: its figures become lower bounds (line 7 stays `fix`).
UNKNOWN_TOO = (
    ("  exit done", '  intake calls "Calls" { owner @ana }\n  exit done'),
    ("  fix -> done\n", "  fix -> done\n  calls -> fix\n"),
)
NO_WIP = ('stage fix "Fix" in back { wip 2; effort 4h }', 'stage fix "Fix" in back { effort 4h }')
BUSY = ("arrivals 3 per week", "arrivals 12 per week")  # fix: ρ = 12 × 0.8 × 4 / 40 = 0.96
FULL = ("arrivals 3 per week", "arrivals 12.5 per week")  # fix: ρ = 1.0
GATES = (
    '  decision accept "Accept" { decides @ana }\n'
    '  decision release "Release" { decides @bo }\n'
    '  decision again "Again" { decides @bo }\n'
)
THIRD_LANE = '  lane ops "Ops" { owner @cy; members @cy }\n'
# front → back → front → back: three handoffs back and forth on one path.
PING_PONG = (
    '  stage recheck "Recheck" in front { wip 2 }\n'
    '  stage refix "Refix" in back { wip 2 }\n'
    "  fix -> recheck\n  recheck -> refix\n  refix -> done\n"
)

CASES: list[tuple[str, str, list[tuple[int, int]]]] = [
    # FLW005 missing-wip-limit
    ("FLW005", BASE, []),
    ("FLW005", edit(NO_WIP), [(7, 3)]),
    ("FLW005", edit(NO_WIP, ("{ wip 2; effort 1h }", "{ effort 1h }")), [(6, 3)]),  # both, told once
    # FLW006 overloaded-stage: ρ ≥ 1; silent without arrivals or effort
    ("FLW006", BASE, []),
    ("FLW006", edit(BUSY), []),
    ("FLW006", edit(FULL), [(7, 3)]),
    ("FLW006", edit(("arrivals 3 per week", "arrivals 60 per week")), [(6, 3), (7, 3)]),
    ("FLW006", edit(("arrivals 3 per week", "arrivals 60 per week"), ("; arrivals 60 per week", "")), []),
    ("FLW006", edit(FULL, ("wip 2; effort 4h", "wip 2")), []),
    ("FLW006", edit(FULL, ("members @bo }", "members @bo, @cy }")), []),
    (
        "FLW006",
        edit(FULL, ("members @bo }", "members @bo, @cy }"), ("wip 2; effort 4h", "wip 1; effort 4h")),
        [(7, 3)],
    ),
    # rework raises the load: 3 × 0.8 / (1 − 0.5) × 4h / 40h = 0.48 … × 2.5 → 1.2
    ("FLW006", add("  fix -> triage { rework; chance 50% }"), []),
    (
        "FLW006",
        edit(
            ("arrivals 3 per week", "arrivals 7.5 per week"),
            text=add("  fix -> triage { rework; chance 50% }"),
        ),
        [(7, 3)],
    ),
    # a lower bound that already overloads the stage
    ("FLW006", edit(*UNKNOWN_TOO, ("arrivals 3 per week", "arrivals 15 per week")), [(7, 3)]),
    ("FLW006", edit(*UNKNOWN_TOO), []),
    # a round-the-clock workflow spreads the same people over 168 hours: 12 a week × 80% × 4h = 38.4h of
    # work a week; its one FTE gives 40 of them, ρ = 0.96 on office hours and on 24x7 alike (per week)
    ("FLW006", edit(BUSY, ('workflow w "W" {', 'workflow w "W" {\n  hours 24x7')), []),
    # but a day is a day: 12 a day × 80% × 4h at 1 FTE is overloaded both ways
    (
        "FLW006",
        edit(
            ("arrivals 3 per week", "arrivals 12 per day"),
            ('workflow w "W" {', 'workflow w "W" {\n  hours 24x7'),
        ),
        [(7, 3), (8, 3)],
    ),
    # FLW007 near-capacity-stage: threshold ≤ ρ < 1
    ("FLW007", BASE, []),
    ("FLW007", edit(BUSY), [(7, 3)]),
    ("FLW007", edit(FULL), []),
    ("FLW007", edit(BUSY, ('"Inbox" { owner @ana; arrivals 12 per week }', '"Inbox" { owner @ana }')), []),
    # a lower bound below the threshold says nothing; one above it is reported
    ("FLW007", edit(*UNKNOWN_TOO), []),
    ("FLW007", edit(*UNKNOWN_TOO, BUSY), [(7, 3)]),
    # FLW008 serial-approvals: two gated handoffs in a row, reported at the first
    ("FLW008", BASE, []),
    (
        "FLW008",
        add(GATES).replace("triage -> fix { chance 80% }", "triage -> fix { chance 80%; gate accept }"),
        [],
    ),
    (
        "FLW008",
        add(GATES)
        .replace("triage -> fix { chance 80% }", "triage -> fix { chance 80%; gate accept }")
        .replace("  fix -> done\n", "  fix -> done { gate release }\n"),
        [(11, 3)],
    ),
    (
        "FLW008",
        # a gated rework handoff back into a gated handoff: loops are not chains
        add(GATES + "  fix -> triage { rework; chance 10%; gate again }").replace(
            "triage -> fix { chance 80% }", "triage -> fix { chance 80%; gate accept }"
        ),
        [],
    ),
    (
        "FLW008",
        add(GATES)
        .replace("inbox -> triage", "inbox -> triage { gate accept }")
        .replace("triage -> fix { chance 80% }", "triage -> fix { chance 80%; gate release }")
        .replace("  triage -> refused\n", "  triage -> refused { gate again }\n"),
        [(10, 3)],
    ),
    # FLW009 handoff-ping-pong: more than 2 handoffs back and forth between two lanes (the 3rd at line 17)
    ("FLW009", BASE, []),
    ("FLW009", add(PING_PONG), [(17, 3)]),
    (
        "FLW009",
        add(PING_PONG.replace("refix -> done", "refix -> triage { rework; chance 5% }\n  refix -> done")),
        [(17, 3)],
    ),
    ("FLW009", add(THIRD_LANE + PING_PONG.replace('"Recheck" in front', '"Recheck" in ops')), []),
    ("FLW009", add(PING_PONG.replace("fix -> recheck", "fix -> recheck { rework; chance 5% }")), []),
    ("FLW009", add(PING_PONG.replace("in front { wip 2 }", "{ owner @ana; wip 2 }")), []),
    # FLW010 unbounded-rework: a rework or loop-closing handoff whose share is a guess
    ("FLW010", BASE, []),
    ("FLW010", add("  fix -> triage { rework }"), [(14, 3)]),
    ("FLW010", add("  fix -> triage { rework; chance 10% }"), []),
    (
        "FLW010",
        add("  fix -> triage { rework }").replace("  fix -> done\n", "  fix -> done { chance 90% }\n"),
        [],
    ),
    ("FLW010", add("  fix -> triage"), [(14, 3)]),
    ("FLW010", add("  fix -> triage { chance 10% }"), []),
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


# -- messages and hints ---------------------------------------------------------------


def test_missing_wip_limit_suggests_one_item_per_person() -> None:
    finding = only(edit(NO_WIP, ("members @bo }", "members @bo, @cy }")), "FLW005")
    assert finding.message == "stage `fix` has no WIP limit: work can pile up in it unseen"
    assert finding.hint == "add `wip 2` to stage `fix` (one item per person in lane `back`)"


def test_overloaded_stage_says_how_many_servers_it_needs() -> None:
    finding = only(edit(("arrivals 3 per week", "arrivals 15 per week")), "FLW006")
    assert finding.message == (
        "stage `fix` gets more work than its people can do: 12 items a week at 4h each keep it 120% busy, "
        "so work piles up in it week after week"
    )
    assert finding.hint == (
        "lane `back` needs about 1.2 FTE for it (it has 1): add people to lane `back`, "
        "cut the effort each item takes, or send less work to it (decline more at intake)"
    )
    assert "wip" not in finding.hint


def test_an_overload_from_the_known_intakes_says_it_is_a_lower_bound() -> None:
    finding = only(edit(*UNKNOWN_TOO, ("arrivals 3 per week", "arrivals 15 per week")), "FLW006")
    assert finding.message == (
        "stage `fix` gets more work than its people can do: at least 12 items a week at 4h each keep it "
        "120% busy from the known intakes; intake `calls` has no `arrivals`, "
        "so work piles up in it week after week"
    )


def test_near_capacity_from_a_lower_bound() -> None:
    finding = only(edit(*UNKNOWN_TOO, BUSY), "FLW007")
    assert finding.message.startswith(
        "stage `fix` runs near capacity: at least 96% busy from the known intakes; intake `calls` has no "
        "`arrivals` (threshold 85%), so work waits at least "
    )


def test_round_the_clock_hint_counts_fte_not_seats() -> None:
    text = edit(
        ("arrivals 3 per week", "arrivals 3 per day"), ('workflow w "W" {', 'workflow w "W" {\n  hours 24x7')
    )
    finding = only(text, "FLW006")
    # 3 a day × 80% × 4h over 24 h is 0.4 servers; one FTE is 40/168 = 0.238 of a seat: ρ = 1.68
    assert finding.message.startswith("stage `fix` gets more work than its people can do: 16.8 items a week ")
    assert "168% busy" in finding.message
    assert finding.hint is not None
    assert finding.hint.startswith("lane `back` needs about 1.7 FTE for it (it has 1)")


def test_overloaded_by_its_wip_limit() -> None:
    text = edit(FULL, ("members @bo }", "members @bo, @cy }"), ("wip 2; effort 4h", "wip 1; effort 4h"))
    hint = only(text, "FLW006").hint
    assert hint is not None
    assert "`wip 1` lets only one item be worked on at once" in hint
    assert "(`wip 2`)" in hint


def test_near_capacity_threshold_is_an_option() -> None:
    assert positions(edit(BUSY), "FLW007", threshold=0.97) == []
    assert positions(BASE, "FLW007", threshold=0.2) == [(7, 3)]
    finding = only(edit(BUSY), "FLW007")
    assert finding.message.startswith(
        "stage `fix` runs near capacity: 96% busy (threshold 85%), so work waits about "
    )
    assert finding.hint == (
        "to keep it under 85% busy, lane `back` needs about 1.1 FTE for it (it has 1): add people to lane "
        "`back`, cut the effort each item takes, or send less work to it (decline more at intake)"
    )


SERIAL = (
    add(GATES)
    .replace("triage -> fix { chance 80% }", "triage -> fix { chance 80%; gate accept }")
    .replace("  fix -> done\n", "  fix -> done { gate release }\n")
)


def test_serial_approvals_message_and_option() -> None:
    finding = only(SERIAL, "FLW008")
    assert (
        finding.message
        == "work waits for 2 approvals in a row on `triage` → `fix` → `done` (`accept`, then `release`)"
    )
    assert finding.hint == (
        "drop `gate release` from `fix -> done`, "
        "or decide once: fold `release` into `accept` (consulting its decider)"
    )
    assert positions(SERIAL, "FLW008", max=3) == []
    assert positions(SERIAL, "FLW008", max=1) == [(11, 3)]  # a chain needs two gates


def test_ping_pong_message_and_option() -> None:
    finding = only(add(PING_PONG), "FLW009")
    assert finding.message == (
        "work is handed between lanes `front` and `back` 3 times on one path: "
        "`triage` → `fix` → `recheck` → `refix`"
    )
    assert finding.hint == (
        "send work back to the step that did it first instead of through a repeat of it: "
        "`fix -> triage { rework; chance 20% }` in place of `fix -> recheck`; "
        "and agree what `triage` must deliver (its `done`) so that less comes back"
    )
    assert positions(add(PING_PONG), "FLW009", max=3) == []
    assert positions(add(PING_PONG), "FLW009", max=1) == [(16, 3)]


def test_ping_pong_is_reported_once_per_pair_of_lanes() -> None:
    longer = PING_PONG + '  stage again "Again" in front { wip 2 }\n  refix -> again\n  again -> done\n'
    assert positions(add(longer), "FLW009") == [(17, 3)]


def test_unbounded_rework_messages() -> None:
    finding = only(add("  fix -> triage { rework }"), "FLW010")
    assert finding.message == (
        "rework handoff `fix -> triage` has no `chance`: how much work comes back is unknown "
        "(the flow analysis has to assume 50%)"
    )
    assert finding.hint == "add `chance 20%` (your estimate of how often work returns) on `fix -> triage`"
    loop = only(add("  fix -> triage"), "FLW010")
    assert loop.message.startswith("handoff `fix -> triage` closes a loop but has no `chance`")
    assert loop.hint is not None
    assert loop.hint.startswith("mark it `{ rework; chance 20% }`")


def test_allow_on_the_handoff_suppresses_a_handoff_finding() -> None:
    allowed = add('  fix -> triage { rework; allow FLW010 "we measure it on the board" }')
    assert diagnostics(allowed, "FLW010") == []


def test_allow_on_the_stage_suppresses_a_stage_finding() -> None:
    allowed = edit(FULL, ("{ wip 2; effort 4h }", '{ wip 2; effort 4h; allow overloaded-stage "temporary" }'))
    assert diagnostics(allowed, "FLW006") == []


def test_realistic_examples_are_clean() -> None:
    from pathlib import Path

    examples = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.wm"))
    overrides = Overrides(select=MINE, isolated=True)
    report = api.check(examples, overrides=overrides)
    assert report.diagnostics == []


def test_the_context_of_a_check_analyses_each_workflow_once() -> None:
    from wmdsl.rules.registry import RuleContext

    document = api.loads(BASE)
    workflow = document.workflows[0]
    context = RuleContext(document)
    assert context.analysis(workflow) is context.analysis(workflow)
    # The next check has its own context: nothing is kept between checks.
    assert RuleContext(document).analysis(workflow) is not context.analysis(workflow)


PARKING = """
person @ana "Ana Lima"
workflow w "W" {
  intake i "I" { owner @ana }
  stage build "Build" { owner @ana }
  stage parked "Blocked work" { owner @ana }
  stage review "Review" { owner @ana }
  exit live "Live"
  exit dropped "Dropped" { kind cancelled }
  i -> build
  build -> live
  build -> parked
  build -> review
  build -> dropped
}
"""


def test_a_parking_stage_is_sent_back_and_off_ramped_never_shipped() -> None:
    found = {
        d.message.split("`")[1]: d.hint or "" for d in diagnostics(PARKING, "FLW002") if d.code == "FLW002"
    }
    assert "`parked -> build`" in found["parked"]
    assert "`parked -> dropped`" in found["parked"]
    assert "parked -> live" not in found["parked"]
    # A stage that finishes work is handed on, with the off-ramp as the other option.
    assert "`review -> live`" in found["review"]
    assert "`review -> dropped`" in found["review"]


def test_each_dead_end_hint_applied_removes_the_dead_end() -> None:
    fixed = PARKING.replace(
        "  build -> dropped\n", "  build -> dropped\n  parked -> build\n  review -> live\n"
    )
    assert [d for d in diagnostics(fixed, "FLW002") if d.code == "FLW002"] == []


def test_ping_pong_hint_folds_repeats_into_rework_and_never_moves_a_stage_to_another_lane() -> None:
    from wmdsl.rules.registry import all_rules

    rule = next(r for r in all_rules() if r.code.code == "FLW009")
    found = only(rule.bad, "FLW009")
    assert "`test -> build { rework; chance 20% }` in place of `test -> fix`" in (found.hint or "")
    assert "in lane" not in (found.hint or "")
    fixed = rule.bad.replace("  test -> fix\n", "  test -> build { rework; chance 20% }\n  test -> shipped\n")
    fixed = fixed.replace("  fix -> retest\n  retest -> shipped\n", "").replace(
        '  stage fix "Fix" in dev { wip 2 }\n  stage retest "Retest" in qa { wip 2 }\n', ""
    )
    assert [d for d in diagnostics(fixed, "FLW009") if d.code == "FLW009"] == []
