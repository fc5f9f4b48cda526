"""Rule metadata is complete, its examples are true, and rules/*.md is current.

Regenerate the pages with ``python -m wmdsl.rules.docs rules/``.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from wmdsl import api
from wmdsl.diagnostics import codes
from wmdsl.diagnostics.codes import Family
from wmdsl.project.settings import Overrides
from wmdsl.rules import all_rules
from wmdsl.rules.docs import pages
from wmdsl.rules.registry import fixed
from wmdsl.rules.registry import rule as rule_decorator

RULES = all_rules()
DOCS = Path(__file__).resolve().parent.parent / "rules"


def findings(text: str, code: str) -> list[str]:
    # Every rule is enabled and no configuration file applies: an example must
    # stand on its own.
    report = api.check_text(
        text + "\n", path="example.wm", overrides=Overrides(preset="strict", isolated=True)
    )
    language = [d for d in report.diagnostics if d.code.startswith("SYN") and d.code != "SYN013"]
    assert not language, f"example does not compile: {language}"
    return [d.code for d in report.diagnostics if d.code == code]


@pytest.fixture(autouse=True)
def _isolated(project: Path) -> None:
    """Examples are checked in an empty project, away from any configuration."""


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code.code)
def test_bad_example_triggers_the_rule(rule: object) -> None:
    from wmdsl.rules.registry import Rule

    assert isinstance(rule, Rule)
    assert rule.bad, f"{rule.code.code} has no bad example"
    assert findings(rule.bad, rule.code.code), f"{rule.code.code}: the bad example does not trigger it"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code.code)
def test_good_example_does_not_trigger_the_rule(rule: object) -> None:
    from wmdsl.rules.registry import Rule

    assert isinstance(rule, Rule)
    assert rule.good, f"{rule.code.code} has no good example"
    assert not findings(rule.good, rule.code.code), f"{rule.code.code}: the good example triggers it"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code.code)
def test_each_replacement_of_the_fix_applies_exactly_once(rule: object) -> None:
    from wmdsl.rules.registry import Rule

    assert isinstance(rule, Rule)
    assert rule.fix, f"{rule.code.code} has no fix: its good example would be its bad one"
    text = rule.bad
    for old, new in rule.fix:
        found = text.count(old)
        assert found == 1, f"{rule.code.code}: {old!r} occurs {found} times in the example it fixes"
        text = text.replace(old, new)
    assert text == rule.good


def test_a_fix_that_does_not_apply_exactly_once_is_refused() -> None:
    assert fixed("lane a; lane b", (("lane b", "lane c"),)) == "lane a; lane c"
    with pytest.raises(ValueError, match="0 times"):
        fixed("lane a", (("lane b", "lane c"),))
    with pytest.raises(ValueError, match="2 times"):
        fixed("lane a; lane a", (("lane a", "lane c"),))


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code.code)
def test_metadata_is_complete(rule: object) -> None:
    from wmdsl.rules.registry import Rule

    assert isinstance(rule, Rule)
    assert rule.code.summary.endswith(".")
    assert len(rule.rationale) > 40
    assert rule.code.name == rule.code.name.lower()
    assert rule.code.family is not Family.SYN


def test_every_rule_checks_a_code_of_the_table() -> None:
    for rule in RULES:
        assert codes.lookup(rule.code.code) is rule.code, f"{rule.code.code} is not in the code table"


def test_every_principle_code_has_exactly_one_rule() -> None:
    checked = Counter(rule.code.code for rule in RULES)
    table = {code.code for code in codes.all_codes() if code.family is not Family.SYN}
    assert set(checked) == table
    assert all(count == 1 for count in checked.values())


def test_a_code_cannot_get_a_second_rule() -> None:
    first = RULES[0]
    with pytest.raises(ValueError, match=first.code.code):
        rule_decorator(first.code, "A second check of the same code.")(first.check)


def test_the_code_table_is_complete_without_the_rules() -> None:
    # `wmdsl rules`, `wmdsl rule CODE` and `allow` validation read the table alone.
    probe = (
        "import sys; from wmdsl.diagnostics import codes; "
        "print(len(codes.all_codes()), 'wmdsl.rules' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == [str(len(codes.all_codes())), "False"]
    assert len(codes.all_codes()) == len(RULES) + sum(1 for c in codes.all_codes() if c.family is Family.SYN)


def test_rule_pages_are_current() -> None:
    expected = pages()
    stale = [
        name
        for name, text in expected.items()
        if not (DOCS / name).exists() or (DOCS / name).read_text(encoding="utf-8") != text
    ]
    assert not stale, f"run `python -m wmdsl.rules.docs rules/`: stale pages {stale}"
    extra = sorted({p.name for p in DOCS.glob("*.md")} - set(expected))
    assert not extra, f"pages without a rule: {extra}"
