"""Humanity over Tools rules HUM001–HUM006 on specs that must and must not trigger them.

Each case runs only the rule it is about (and the unused-allow check), away
from any configuration, so the cases stay true as other rules are added.
Line numbers count from the first line of the case text.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

import pytest

from wmdsl import api
from wmdsl.diagnostics import Diagnostic
from wmdsl.project.settings import Overrides
from wmdsl.rules import all_rules

# A workflow clean for these rules; every case is a small edit of it.
# `@bo` and `@cy` are in two lanes each, the limit of HUM002.
BASE = """
workflow w "W" {
  owner @ana
  person @ana "Ana"; person @bo "Bo"; person @cy "Cy"; person @di "Di"
  lane front "Front" { owner @ana; members @ana, @bo, @cy; delegate @bo }
  lane back "Back" { owner @di; members @di, @cy, @bo; delegate @cy }
  intake inbox "Inbox" { owner @ana }
  stage triage "Triage" in front { wip 2 }
  stage fix "Fix" in back { wip 2 }
  exit done "Done"
  exit refused "Refused" { kind rejected }
  decision go "Go" { decides @ana; delegate @bo; escalates @di }
  inbox -> triage
  triage -> fix { gate go }
  triage -> refused
  fix -> done
}
"""
MINE = ("HUM001", "HUM002", "HUM003", "HUM004", "HUM005", "HUM006")
BO = (3, 22)  # where `person @bo` is declared in BASE
FRONT = 'lane front "Front" { owner @ana; members @ana, @bo, @cy; delegate @bo }'
BACK = 'lane back "Back" { owner @di; members @di, @cy, @bo; delegate @cy }'
BOT = '  person @bot "Bot" { kind bot }\n  exit done "Done"'


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


SHARED_LANES = """
person @a "A"; person @b "B"
lane x "X" { owner @a; members @a 60%, @b }
lane y "Y" { owner @a; members @a 60% }
"""

CASES: list[tuple[str, str, list[tuple[int, int]]]] = [
    # HUM001 overallocated-person: explicit shares past 100%, at the person
    (
        "HUM001",
        BASE.replace("@bo, @cy; delegate", "@bo 70%, @cy; delegate").replace("@cy, @bo;", "@cy, @bo 40%;"),
        [BO],
    ),
    ("HUM001", SHARED_LANES, [(1, 1)]),
    # ... exactly 100% is fine, and members without a share never add up past it
    (
        "HUM001",
        BASE.replace("@bo, @cy; delegate", "@bo 60%, @cy; delegate").replace("@cy, @bo;", "@cy, @bo 40%;"),
        [],
    ),
    ("HUM001", BASE.replace("@bo, @cy; delegate", "@bo 100%, @cy; delegate"), []),
    ("HUM001", BASE, []),
    # HUM002 spread-thin: a third lane
    (
        "HUM002",
        BASE.replace("  intake inbox", '  lane ops "Ops" { owner @di; members @di, @bo }\n  intake inbox'),
        [BO],
    ),
    ("HUM002", BASE, []),
    # HUM003 decision-bottleneck-person: a fourth decision for @ana
    (
        "HUM003",
        BASE.replace(
            "  inbox -> triage",
            '  decision a "A" { decides @ana }\n  decision b "B" { decides @ana }\n'
            '  decision c "C" { decides @ana }\n  inbox -> triage',
        ),
        [(3, 3)],
    ),
    ("HUM003", BASE.replace("  inbox -> triage", '  decision a "A" { decides @ana }\n  inbox -> triage'), []),
    # ... decisions decided by a lane do not count for its members
    (
        "HUM003",
        BASE.replace(
            "  inbox -> triage",
            '  decision a "A" { decides front }\n  decision b "B" { decides front }\n'
            '  decision c "C" { decides front }\n  inbox -> triage',
        ),
        [],
    ),
    # HUM004 tool-as-owner: at the reference, for every kind of owner and for deciders and delegates
    (
        "HUM004",
        BASE.replace("  owner @ana\n", "  owner @bot\n", 1).replace('  exit done "Done"', BOT),
        [(2, 9)],
    ),
    (
        "HUM004",
        BASE.replace("{ owner @ana }", "{ owner @bot }").replace('  exit done "Done"', BOT),
        [(6, 32)],
    ),
    (
        "HUM004",
        BASE.replace("{ wip 2 }", "{ wip 2; owner @bot }", 1).replace('  exit done "Done"', BOT),
        [(7, 49)],
    ),
    ("HUM004", BASE.replace("{ owner @di;", "{ owner @bot;").replace('  exit done "Done"', BOT), [(5, 28)]),
    (
        "HUM004",
        BASE.replace("delegate @cy }", "delegate @bot }").replace('  exit done "Done"', BOT),
        [(5, 65)],
    ),
    ("HUM004", BASE.replace("decides @ana;", "decides @bot;").replace('  exit done "Done"', BOT), [(12, 30)]),
    (
        "HUM004",
        BASE.replace("delegate @bo;", "delegate @bot;").replace('  exit done "Done"', BOT),
        [(12, 45)],
    ),
    # ... a bot may work in a lane, recommend, or be where a decision escalates
    (
        "HUM004",
        BASE.replace("@di, @cy, @bo;", "@di, @cy, @bo, @bot;")
        .replace("escalates @di }", "escalates @bot; recommends @bot }")
        .replace('  exit done "Done"', BOT),
        [],
    ),
    ("HUM004", BASE, []),
    # HUM005 single-point-of-failure: one member and no delegate (or the same person), one decider
    ("HUM005", BASE.replace(BACK, 'lane back "Back" { owner @di; members @di }'), [(5, 3)]),
    ("HUM005", BASE.replace(BACK, 'lane back "Back" { owner @di; members @di; delegate @di }'), [(5, 3)]),
    ("HUM005", BASE.replace("delegate @bo; escalates", "escalates"), [(11, 3)]),
    ("HUM005", BASE.replace("decides @ana; delegate @bo;", "decides front;"), []),
    ("HUM005", BASE.replace(BACK, 'lane back "Back" { owner @di; members @di; delegate @cy }'), []),
    ("HUM005", BASE, []),
    # HUM006 team-size: fewer than 3 or more than 9 members
    ("HUM006", BASE.replace(BACK, 'lane back "Back" { owner @di; members @di, @cy }'), [(5, 3)]),
    ("HUM006", BASE.replace(BACK, 'lane back "Back" { owner @di }'), [(5, 3)]),
    ("HUM006", BASE, []),
]


@pytest.mark.parametrize(
    ("code", "text", "expected"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_rule_case(code: str, text: str, expected: list[tuple[int, int]]) -> None:
    assert positions(text, code) == expected


def test_overallocation_names_lanes_shares_and_capacity() -> None:
    spec = SHARED_LANES.replace('person @a "A"', 'person @a "A" { capacity 0.5 }')
    found = only(spec, "HUM001")
    assert found.message == "`@a` is allocated 120% of their 0.5 FTE: 60% to lane `x`, 60% to lane `y`"
    assert [(r.span.line, r.message) for r in found.related] == [
        (2, "60% to lane `x`"),
        (3, "60% to lane `y`"),
    ]
    assert "100% at most" in (found.hint or "")


def test_every_lane_counts_once_shared_and_per_workflow() -> None:
    spec = """
    person @a "A"; person @b "B"
    lane ops "Ops" { owner @a; members @a, @b }
    workflow one "One" {
      lane red "Red" { owner @a; members @a }
    }
    workflow two "Two" {
      lane blue "Blue" { owner @a; members @a }
    }
    """
    found = only(spec, "HUM002")
    assert (found.span.line, found.span.col) == (1, 1)
    assert found.message.startswith("`@a` is a member of 3 lanes (`ops`, `red`, `blue`)")
    assert len(found.related) == 3


def test_spread_thin_threshold_is_an_option() -> None:
    third = BASE.replace("  intake inbox", '  lane ops "Ops" { owner @di; members @di, @bo }\n  intake inbox')
    assert diagnostics(third, "HUM002", options={"HUM002": {"max_lanes": 3}}) == []
    assert [d.code for d in diagnostics(BASE, "HUM002", options={"HUM002": {"max_lanes": 1}})] == [
        "HUM002",
        "HUM002",
    ]


def test_decision_bottleneck_threshold_is_an_option() -> None:
    two = BASE.replace("  inbox -> triage", '  decision a "A" { decides @ana }\n  inbox -> triage')
    found = only(two, "HUM003", max=1)
    assert found.message == "`@ana` decides 2 decisions (`go`, `a`); more than 1 makes them a bottleneck"
    assert diagnostics(two, "HUM003", options={"HUM003": {"max": 2}}) == []


def test_team_size_bounds_are_options() -> None:
    small = BASE.replace(BACK, 'lane back "Back" { owner @di; members @di, @cy }')
    assert diagnostics(small, "HUM006", options={"HUM006": {"min": 2}}) == []
    found = diagnostics(BASE, "HUM006", options={"HUM006": {"max": 2}})
    assert [d.message for d in found] == [
        "lane `front` has 3 members; more than 2 is several teams",
        "lane `back` has 3 members; more than 2 is several teams",
    ]


def test_team_size_is_not_in_the_recommended_preset() -> None:
    rule = next(r for r in all_rules() if r.code.code == "HUM006")
    assert not rule.recommended
    small = BASE.replace(BACK, 'lane back "Back" { owner @di }')
    report = api.check_text(small, path="case.wm", overrides=Overrides(isolated=True))
    assert "HUM006" not in {d.code for d in report.diagnostics}


def test_tool_as_owner_messages_say_what_the_owner_is() -> None:
    channel = BASE.replace("{ owner @ana }", "{ owner @chat }").replace(
        '  exit done "Done"', '  person @chat "#help" { kind channel }\n  exit done "Done"'
    )
    found = only(channel, "HUM004")
    assert found.message == "the owner of intake `inbox` is `@chat`, a channel, not a person"
    assert "`channel" in (found.hint or "")
    decider = BASE.replace("decides @ana;", "decides @bot;").replace('  exit done "Done"', BOT)
    found = only(decider, "HUM004")
    assert found.message == "decision `go` is decided by `@bot`, a bot, not a person"
    assert "recommends" in (found.hint or "")


def test_single_point_of_failure_messages() -> None:
    alone = BASE.replace(BACK, 'lane back "Back" { owner @di; members @di; delegate @di }')
    assert (
        only(alone, "HUM005").message
        == "lane `back` depends on one person, `@di`, and its delegate is `@di` too"
    )
    decision = only(BASE.replace("delegate @bo; escalates", "escalates"), "HUM005")
    assert decision.message == "decision `go` is decided by `@ana` alone, with no delegate"
    assert decision.hint == "add `delegate @bo` to decision `go`: who decides when `@ana` is away"


def test_allow_on_the_person_or_the_workflow_suppresses_person_findings() -> None:
    third = BASE.replace("  intake inbox", '  lane ops "Ops" { owner @di; members @di, @bo }\n  intake inbox')
    on_person = third.replace('person @bo "Bo"', 'person @bo "Bo" { allow spread-thin "covering a leave" }')
    assert diagnostics(on_person, "HUM002") == []
    on_workflow = third.replace("  owner @ana\n", '  owner @ana\n  allow HUM002 "reorganising"\n', 1)
    assert diagnostics(on_workflow, "HUM002") == []


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


def test_a_bot_that_decides_or_staffs_a_lane_is_not_asked_who_stands_in_when_it_is_away() -> None:
    from wmdsl import api

    text = (
        'person @ana "Ana Lima"\nperson @shipit "Ship bot" { kind bot }\n'
        'lane release "Release" { owner @ana; members @shipit }\n'
        'decision go "Go live" { decides @shipit; escalates @ana after 1d }\n'
    )
    codes = [d.code for d in api.check_text(text, path="case.wm").diagnostics]
    assert "HUM005" not in codes
    assert "HUM004" in codes
