"""Scores are monotone: fixing a finding never lowers a score.

Three ways round: every rule's example spec against its fix (the facts change
with the fix, as they do in life); every spec of tests/score_specs.py that
misses a criterion against the spec that meets them all; and, as a property
over the broken examples, the same facts with any set of their findings
fixed (hypothesis chooses which).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.score_specs import GOOD, MISSING, missing
from wmdsl import score as scoring
from wmdsl.rules.registry import all_rules
from wmdsl.score.evaluate import Checked, scorecard, totals
from wmdsl.score.records import Scorecard, Scores

BROKEN = Path(__file__).resolve().parent.parent / "examples" / "broken"


def scores_of(text: str, folder: Path) -> Scores:
    path = folder / "spec.wm"
    path.write_text(text, encoding="utf-8")
    checked = scoring.check([path], root=folder)
    assert not checked.refused, checked.report.diagnostics
    return scoring.scores(checked)


def assert_not_lower(before: Scores, after: Scores, what: str) -> None:
    """No score of ``after`` under its score in ``before``: each workflow's, and the project's.

    A fix that replaces the workflow itself (ADP004 splits an oversized one,
    SYS001 one of two disconnected flows) is held to the project's totals.
    """
    if [c.workflow for c in before.workflows] == [c.workflow for c in after.workflows]:
        for old, new in zip(before.workflows, after.workflows, strict=True):
            _not_lower(old, new, what)
    for old_total, new_total in zip(before.project, after.project, strict=True):
        if old_total.score is not None:
            assert new_total.score is not None, f"{what}: {old_total.id}"
            assert new_total.score >= old_total.score, f"{what}: project {old_total.id}"


def _not_lower(old: Scorecard, new: Scorecard, what: str) -> None:
    for was, now in zip(old.components, new.components, strict=True):
        if was.score is None:
            continue
        assert now.score is not None, f"{what}: {was.id} of {old.workflow} stopped applying"
        assert now.score >= was.score, f"{what}: {was.id} of {old.workflow} went {was.score} → {now.score}"


FIXED = [rule for rule in all_rules() if rule.fix]


@pytest.mark.parametrize("rule", FIXED, ids=[rule.code.code for rule in FIXED])
def test_fixing_a_rules_example_never_lowers_a_score(rule: object, tmp_path: Path) -> None:
    from wmdsl.rules.registry import Rule

    assert isinstance(rule, Rule)
    assert_not_lower(scores_of(rule.bad, tmp_path), scores_of(rule.good, tmp_path), rule.code.code)


@pytest.mark.parametrize("criterion", sorted(MISSING))
def test_meeting_a_criterion_never_lowers_another(criterion: str, tmp_path: Path) -> None:
    assert_not_lower(scores_of(missing(criterion), tmp_path), scores_of(GOOD, tmp_path), criterion)


@cache
def _broken(name: str) -> Checked:
    return scoring.check([BROKEN / name], root=BROKEN)


SCORABLE = sorted(p.name for p in BROKEN.glob("*.wm") if not p.name.startswith("SYN"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(SCORABLE), data=st.data())
def test_fixing_any_findings_of_a_broken_example_never_lowers_a_score(name: str, data: st.DataObject) -> None:
    checked = _broken(name)
    assert not checked.refused
    before, after = [], []
    for scope, findings in checked.scopes:
        fixed = data.draw(st.lists(st.sampled_from(findings), unique=True) if findings else st.just([]))
        kept = [f for f in findings if f not in fixed]
        before.append(scorecard(scope, findings))
        after.append(scorecard(scope, kept))
    assert_not_lower(
        Scores(project=totals(before), workflows=tuple(before)),
        Scores(project=totals(after), workflows=tuple(after)),
        name,
    )


def test_every_broken_example_of_a_rule_is_scored() -> None:
    # The property above draws from these: each must compile and have a workflow to score.
    for name in SCORABLE:
        checked = _broken(name)
        assert not checked.refused, name
        assert checked.scopes or "FLW015" in name or "HUM00" in name, name
