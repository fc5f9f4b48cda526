"""Systems over Silos rules SYS003–SYS004 on specs that must and must not trigger them.

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

# Work crosses from lane `front` to lane `back` through the gate `accept`.
BASE = """
workflow w "W" {
  owner @ana
  purpose "Answer customer questions"
  person @ana "Ana"; person @bo "Bo"; person @cy "Cy"
  lane front "Front" { owner @ana; members @ana }
  lane back "Back" { owner @bo; members @bo }
  intake inbox "Inbox" { owner @ana; arrivals 5 per week }
  stage triage "Triage" in front { wip 2; done "Classified" }
  stage fix "Fix" in back { wip 2; done "Fixed" }
  exit done "Done"
  exit refused "Refused" { kind rejected }
  inbox -> triage
  triage -> fix { gate accept }
  triage -> refused
  fix -> done
  decision accept "Accept" { decides @ana; informs back }
}
"""
MINE = ("SYS003", "SYS004")
ROLES = "{ decides @ana; informs back }"


def roles(text: str) -> str:
    """The base with other roles in decision `accept`."""
    return edit((ROLES, text))


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


def edit(*replacements: tuple[str, str]) -> str:
    """The base with each ``(old, new)`` replacement made."""
    text = BASE
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return text


ALONE = (ROLES, "{ decides @ana }")
CY_IN_BACK = ("members @bo }", "members @bo, @cy }")
FIX_IN_FRONT = ('stage fix "Fix" in back', 'stage fix "Fix" in front')
# The decision (and its decider) are declared at the top level (shared), before the workflow.
SHARED_GATE = 'person @ana "Ana"\ndecision accept "Accept" { decides @ana }\n' + edit(
    ('  decision accept "Accept" { decides @ana; informs back }\n', ""), ('person @ana "Ana"; ', "")
).lstrip("\n")
OPS_LANE = (
    'lane back "Back" { owner @bo; members @bo }',
    'lane back "Back" { owner @bo; members @bo }\n  lane ops "Ops" { owner @cy; members @cy }',
)
UNGATED = ("triage -> fix { gate accept }", "triage -> fix")

CASES: list[tuple[str, str, list[tuple[int, int]]]] = [
    # SYS003 uninformed-handoff: reported at the handoff
    ("SYS003", roles("{ decides @ana }"), [(13, 3)]),
    ("SYS003", roles("{ decides @ana; consults front; informs @cy }"), [(13, 3)]),
    ("SYS003", edit(CY_IN_BACK, ALONE), [(13, 3)]),
    ("SYS003", SHARED_GATE, [(15, 3)]),
    # ... the receiving lane is in the loop: the lane, its owner, a member, its delegate, the stage owner
    ("SYS003", roles("{ decides @ana; consults back }"), []),
    ("SYS003", roles("{ decides @bo }"), []),
    ("SYS003", edit(CY_IN_BACK, (ROLES, "{ decides @ana; informs @cy }")), []),
    ("SYS003", edit(("@bo }", "@bo; delegate @cy }"), (ROLES, "{ decides @ana; approves @cy }")), []),
    (
        "SYS003",
        edit(('{ wip 2; done "Fixed" }', "{ owner @cy }"), (ROLES, "{ decides @ana; recommends @cy }")),
        [],
    ),
    # ... not a gated handoff between stages of two lanes
    ("SYS003", edit(FIX_IN_FRONT, ALONE), []),
    ("SYS003", edit(UNGATED, ("-> refused", "-> refused { gate accept }"), ALONE), []),
    ("SYS003", edit(UNGATED, ALONE), []),
    # SYS004 single-lane-decision: every role inside one lane, another lane the gate touches has no say
    ("SYS004", roles("{ decides @bo; informs back }"), [(16, 3)]),
    ("SYS004", roles("{ decides @ana }"), [(16, 3)]),
    ("SYS004", edit(OPS_LANE, (ROLES, "{ decides @cy; informs ops }")), [(17, 3)]),
    ("SYS004", BASE, []),
    ("SYS004", roles("{ decides @bo; consults front }"), []),
    # ... someone who belongs to both lanes speaks for both
    ("SYS004", edit(("members @bo }", "members @bo, @ana }"), ALONE), []),
    # ... the gate touches one lane only
    ("SYS004", edit(FIX_IN_FRONT, ALONE), []),
]


@pytest.mark.parametrize(
    ("code", "text", "expected"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_rule_case(code: str, text: str, expected: list[tuple[int, int]]) -> None:
    assert positions(text, code) == expected


def test_uninformed_handoff_message_hint_and_related() -> None:
    [found] = diagnostics(roles("{ decides @ana }"), "SYS003")
    assert found.message == (
        "handoff `triage->fix` moves work into lane `back` through gate `accept`, "
        "but the decision neither consults nor informs `back`"
    )
    assert found.hint == "add `informs back` (or `consults back`) to decision `accept`"
    assert [(r.span.line, r.message) for r in found.related] == [(16, "decision `accept` is declared here")]


def test_uninformed_handoff_is_reported_per_handoff() -> None:
    text = roles("{ decides @ana }").replace(
        "  fix -> done\n",
        '  fix -> done\n  triage -> patch { gate accept }\n  stage patch "Patch" in back\n  patch -> done\n',
    )
    assert positions(text, "SYS003") == [(13, 3), (16, 3)]


@pytest.mark.parametrize("where", ["handoff", "decision"])
def test_uninformed_handoff_allowed_on_the_handoff_or_its_decision(where: str) -> None:
    allow = 'allow SYS003 "back reads the board"'
    if where == "handoff":
        text = roles("{ decides @ana }").replace("{ gate accept }", f"{{ gate accept; {allow} }}")
    else:
        text = roles(f"{{ decides @ana; {allow} }}")
    assert diagnostics(text, "SYS003") == []


def test_single_lane_decision_message_hint_and_related() -> None:
    [found] = diagnostics(roles("{ decides @bo; informs back }"), "SYS004")
    assert found.message == (
        "decision `accept` gates work across lanes `front`, `back`, "
        "but every role in it is held inside lane `back`"
    )
    assert found.hint == "give the other lanes a part in it, e.g. `consults front`"
    assert [(r.span.line, r.message) for r in found.related] == [(13, "gates handoff `triage->fix`")]


def test_single_lane_decision_on_several_handoffs_is_reported_once() -> None:
    text = roles("{ decides @bo }").replace(
        "  fix -> done\n", "  fix -> done\n  fix -> triage { gate accept; rework; chance 10% }\n"
    )
    [found] = diagnostics(text, "SYS004")
    assert len(found.related) == 2


def test_presets() -> None:
    recommended = {rule.code.code: rule.recommended for rule in all_rules()}
    assert [recommended[code] for code in MINE] == [True, False]


def test_shared_decision_gating_in_two_workflows_is_reported_once() -> None:
    flow = """
workflow {name} "{name}" {{
  intake inbox "Inbox" {{ owner @ana }}
  stage shape "Shape" in front
  stage build "Build" in back
  exit done "Done"
  inbox -> shape
  shape -> build {{ gate accept }}
  build -> done
}}
"""
    text = """
person @ana "Ana"; person @bo "Bo"
lane front "Front" { owner @ana; members @ana }
lane back "Back" { owner @bo; members @bo }
decision accept "Accept" { decides @bo }
""" + "".join(flow.format(name=name) for name in ("one", "two"))
    assert positions(text, "SYS004") == [(4, 1)]
    assert positions(text, "SYS003") == []
