"""Clarity over Chaos rules CLR005–CLR007 on specs that must and must not trigger them.

Each case runs only the rule it is about (and the unused-allow check), so the
cases stay true as other rules are added. Line numbers count from the first
line of the case text.
"""

from __future__ import annotations

import textwrap

import pytest

from wmdsl import api
from wmdsl.diagnostics import Diagnostic
from wmdsl.project.settings import Overrides
from wmdsl.rules import all_rules

# A clean two-lane workflow; every case is a small edit of it.
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
  triage -> fix
  triage -> refused
  fix -> done
}
"""
MINE = ("CLR005", "CLR006", "CLR007")


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


CASES: list[tuple[str, str, list[tuple[int, int]]]] = [
    # CLR005 undefined-done: no `done`, or a blank one
    ("CLR005", BASE.replace('{ wip 2; done "Fixed" }', "{ wip 2 }"), [(9, 3)]),
    ("CLR005", BASE.replace('done "Fixed"', 'done "  "'), [(9, 3)]),
    (
        "CLR005",
        BASE.replace('{ wip 2; done "Fixed" }', "{ wip 2 }").replace('{ wip 2; done "Classified" }', ""),
        [(8, 3)],  # one finding for both, at the first (see the grouping test)
    ),
    ("CLR005", BASE, []),
    # CLR006 workflow-without-purpose: owner, purpose, or both missing: one finding
    ("CLR006", BASE.replace("  owner @ana\n", "", 1), [(1, 1)]),
    ("CLR006", BASE.replace('  purpose "Answer customer questions"\n', ""), [(1, 1)]),
    ("CLR006", BASE.replace('purpose "Answer customer questions"', 'purpose ""'), [(1, 1)]),
    ("CLR006", BASE, []),
    # CLR007 owner-not-member: at the owner reference
    ("CLR007", BASE.replace("{ owner @bo; members @bo }", "{ owner @ana; members @bo }"), [(6, 28)]),
    ("CLR007", 'person @ana "A"; person @bo "B"\nlane ops "Ops" { owner @ana; members @bo }\n', [(2, 24)]),
    # ... not judged: a lane owned by a lane, a lane without members
    ("CLR007", BASE.replace("{ owner @bo; members @bo }", "{ owner front; members @bo }"), []),
    ("CLR007", BASE.replace("{ owner @bo; members @bo }", "{ owner @bo }"), []),
    ("CLR007", BASE, []),
]


@pytest.mark.parametrize(
    ("code", "text", "expected"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_rule_case(code: str, text: str, expected: list[tuple[int, int]]) -> None:
    assert positions(text, code) == expected


def test_undefined_done_names_the_stage_and_the_fix() -> None:
    [found] = diagnostics(BASE.replace('{ wip 2; done "Fixed" }', "{ wip 2 }"), "CLR005")
    assert found.message == "stage `fix` has no definition of done"
    assert found.hint == 'add `done "what must be true before work leaves it"` to stage `fix`'


@pytest.mark.parametrize(
    ("edit", "message", "hint"),
    [
        (("  owner @ana\n", ""), "has no owner", "add `owner @ana` to workflow `w`"),
        (
            ('  purpose "Answer customer questions"\n', ""),
            "has no purpose",
            'add `purpose "why this work system exists"` to workflow `w`',
        ),
    ],
)
def test_workflow_without_purpose_says_what_is_missing(
    edit: tuple[str, str], message: str, hint: str
) -> None:
    [found] = diagnostics(BASE.replace(*edit, 1), "CLR006")
    assert found.message == f"workflow `w` {message}"
    assert found.hint == hint


def test_workflow_without_owner_and_purpose_is_one_finding() -> None:
    text = BASE.replace("  owner @ana\n", "", 1).replace('  purpose "Answer customer questions"\n', "")
    [found] = diagnostics(text, "CLR006")
    assert found.message == "workflow `w` has no owner and no purpose"
    assert found.hint == 'add `owner @ana` and `purpose "why this work system exists"` to workflow `w`'


def test_owner_not_member_message_and_hint() -> None:
    [found] = diagnostics(BASE.replace("{ owner @bo; members @bo }", "{ owner @ana; members @bo }"), "CLR007")
    assert found.message == "`@ana` owns lane `back` but is not one of its members"
    assert "`members @ana 20%, @bo` in place of `members @bo`" in (found.hint or "")


def test_allow_on_the_element_suppresses() -> None:
    text = BASE.replace('{ wip 2; done "Fixed" }', '{ wip 2; allow CLR005 "fixing is open-ended" }')
    assert diagnostics(text, "CLR005") == []
    text = BASE.replace(
        "{ owner @bo; members @bo }", '{ owner @ana; members @bo; allow owner-not-member "a manager" }'
    )
    assert diagnostics(text, "CLR007") == []


def test_presets() -> None:
    recommended = {rule.code.code: rule.recommended for rule in all_rules()}
    assert [recommended[code] for code in MINE] == [True, True, False]
    text = (
        textwrap.dedent(BASE.replace("{ owner @bo; members @bo }", "{ owner @ana; members @bo }")).strip()
        + "\n"
    )
    report = api.check_text(text, path="case.wm", overrides=Overrides(isolated=True))
    assert "CLR007" not in {d.code for d in report.diagnostics}


def test_the_names_unused_declarations_look_for_are_every_reference_of_the_model() -> None:
    # The rule reads the fields that hold references by hand, for speed; a
    # walk over every field of every object must find the same names.
    import dataclasses
    from pathlib import Path

    from wmdsl import api
    from wmdsl.model import Model, Ref
    from wmdsl.rules.clarity import _referenced

    def walk(value: object, names: set[str]) -> None:
        if isinstance(value, Ref):
            names.add(value.name)
        elif isinstance(value, tuple):
            for item in value:
                walk(item, names)
        elif isinstance(value, Model):
            for f in dataclasses.fields(value):  # type: ignore[arg-type]
                if f.name != "span":
                    walk(getattr(value, f.name), names)

    root = Path(__file__).resolve().parents[1]
    specs = [
        *root.glob("examples/*.wm"),
        *root.glob("examples/org-multi/*.wm"),
        root / "tests/golden/full.wm",
    ]
    for spec in sorted(specs):
        for workflow in api.load(spec).workflows:
            everything: set[str] = set()
            walk(workflow, everything)
            assert _referenced(workflow) == everything, spec


def test_stages_without_a_definition_of_done_are_reported_once_per_workflow() -> None:
    text = BASE.replace('{ wip 2; done "Fixed" }', "{ wip 2 }").replace('{ wip 2; done "Classified" }', "")
    [found] = diagnostics(text, "CLR005")
    assert found.message == "2 stages have no definition of done: `triage`, `fix`"
    assert found.hint == 'add `done "what must be true before work leaves it"` to each'
    assert [(r.span.line, r.message) for r in found.related] == [
        (8, "stage `triage` has no definition of done"),
        (9, "stage `fix` has no definition of done"),
    ]
