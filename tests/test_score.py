"""Scorecards: every criterion turns from missing to present, and scores follow the stated method."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.score_specs import GOOD, MISSING, missing
from wmdsl import api
from wmdsl import score as scoring
from wmdsl.diagnostics import codes
from wmdsl.score.criteria import COMPONENTS, CRITERIA
from wmdsl.score.evaluate import score_of
from wmdsl.score.records import Criterion, Scorecard, Scores, Status

DOCS = Path(__file__).resolve().parent.parent / "docs" / "frameworks.md"


def scored(text: str, folder: Path, name: str = "spec.wm") -> Scores:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    checked = scoring.check([path], root=folder)
    assert not checked.refused, checked.report.diagnostics
    return scoring.scores(checked)


def criterion(card: Scorecard, criterion_id: str) -> Criterion:
    return next(c for comp in card.components for c in comp.criteria if c.id == criterion_id)


def test_the_good_spec_checks_clean_under_every_rule_and_scores_100(tmp_path: Path) -> None:
    (tmp_path / "good.wm").write_text(GOOD, encoding="utf-8")
    report = api.check([tmp_path / "good.wm"], select=["ALL"], root=tmp_path)
    assert report.diagnostics == []
    card = scored(GOOD, tmp_path).workflows[0]
    assert [c.score for c in card.components] == [100] * len(COMPONENTS)
    assert all(c.status is Status.PRESENT for comp in card.components for c in comp.criteria)


def test_every_criterion_has_a_spec_that_misses_it() -> None:
    assert sorted(MISSING) == sorted(c.id for c in CRITERIA)


@pytest.mark.parametrize("criterion_id", [c.id for c in CRITERIA])
def test_each_criterion_turns_from_missing_to_present(criterion_id: str, tmp_path: Path) -> None:
    before = criterion(scored(missing(criterion_id), tmp_path).workflows[0], criterion_id)
    assert before.status is Status.MISSING, before
    assert any(e.effect == "lowers" for e in before.evidence), "a missing criterion says why"
    after = criterion(scored(GOOD, tmp_path).workflows[0], criterion_id)
    assert after.status is Status.PRESENT
    assert all(e.effect == "raises" for e in after.evidence)


def test_every_piece_of_evidence_says_where_it_is(tmp_path: Path) -> None:
    for criterion_id in MISSING:
        card = scored(missing(criterion_id), tmp_path).workflows[0]
        for component in card.components:
            for found in component.criteria:
                for evidence in found.evidence:
                    assert re.fullmatch(r".+\.wm:[0-9]+:[0-9]+", evidence.where), evidence


def test_a_finding_caps_a_criterion_at_partial(tmp_path: Path) -> None:
    # Three members each, so the facts are met; the team-size rule wants more than two,
    # so give a lane two: its finding lowers the teams criterion, and says so with its code.
    text = GOOD.replace("members @ana, @bo, @cy", "members @ana, @bo, @cy").replace(
        "members @di, @ed, @flo", "members @di, @ed"
    )
    card = scored(text, tmp_path).workflows[0]
    teams = criterion(card, "collaboration.teams")
    assert teams.facts is Status.PRESENT
    assert teams.status is Status.PARTIAL
    assert [e.code for e in teams.evidence if e.code] == ["HUM006"]


def test_scores_are_the_share_of_criteria_met() -> None:
    def made(*statuses: Status) -> list[Criterion]:
        return [Criterion(id="x", question="?", status=s, facts=s) for s in statuses]

    assert score_of(made(Status.PRESENT, Status.PARTIAL, Status.MISSING)) == 50
    assert score_of(made(Status.PRESENT, Status.PRESENT, Status.PARTIAL)) == 83
    assert score_of(made(Status.PRESENT, Status.NOT_APPLICABLE)) == 100
    assert score_of(made(Status.NOT_APPLICABLE)) is None
    assert (
        score_of(made(Status.PARTIAL, Status.PRESENT, Status.PRESENT, Status.PRESENT, Status.PRESENT)) == 90
    )


ACTIVITY_ONLY = """\
workflow tickets "Tickets" {
  owner @ana
  purpose "Answer customers within a day"
  person @ana "Ana Lima"
  intake inbox "Inbox" { owner @ana }
  stage answer "Answer" { owner @ana }
  exit done "Done"
  inbox -> answer
  answer -> done
  metric handled "Tickets answered" { to done; target 60 per week; level activity }
}
"""
OUTCOME = '  metric solved "Solved for good" { level outcome; description "Share not reopened" }\n}\n'


def test_measuring_only_activity_is_the_value_pyramid_finding_and_an_outcome_metric_clears_it(
    tmp_path: Path,
) -> None:
    spec = tmp_path / "tickets.wm"
    spec.write_text(ACTIVITY_ONLY, encoding="utf-8")
    found = api.check([spec], select=["PRG003"], root=tmp_path).diagnostics
    assert [d.code for d in found] == [codes.NO_OUTCOME_METRIC.code]
    assert "measures only activity" in found[0].message
    card = scored(ACTIVITY_ONLY, tmp_path).workflows[0]
    assert card.pyramid.balance == "activity only"
    outcome = criterion(card, "pyramid.outcome")
    assert outcome.status is Status.MISSING
    assert "PRG003" in [e.code for e in outcome.evidence]

    fixed = ACTIVITY_ONLY.removesuffix("}\n") + OUTCOME
    spec.write_text(fixed, encoding="utf-8")
    assert api.check([spec], select=["PRG003"], root=tmp_path).diagnostics == []
    card = scored(fixed, tmp_path).workflows[0]
    assert criterion(card, "pyramid.outcome").status is Status.PRESENT
    assert card.pyramid.outcome == 1


def test_the_configuration_and_allows_cannot_raise_a_score(tmp_path: Path) -> None:
    broken = missing("completion.wip")
    plain = scored(broken, tmp_path).workflows[0]
    (tmp_path / "wmdsl.toml").write_text('ignore = ["FLW005"]\n', encoding="utf-8")
    allowed = broken.replace('  purpose "Customers', '  allow FLW005 "later"\n  purpose "Customers')
    quiet = scored(allowed, tmp_path, "allowed.wm").workflows[0]
    assert [c.score for c in quiet.components] == [c.score for c in plain.components]
    assert "FLW005" in [e.code for e in criterion(quiet, "completion.wip").evidence]


def test_the_project_total_pools_the_criteria_of_every_workflow(tmp_path: Path) -> None:
    two = GOOD + missing("clarity.done").replace("workflow orders", "workflow orders2")
    result = scored(two, tmp_path)
    assert [card.workflow for card in result.workflows] == ["orders", "orders2"]
    clarity = {t.id: t.score for t in result.project}["clarity"]
    assert clarity == 90  # 10 criteria, one missing


def test_the_docs_describe_every_component_criterion_and_code() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for spec in CRITERIA:
        assert f"`{spec.id}`" in text, f"docs/frameworks.md does not describe {spec.id}"
        for code in spec.lowered_by:
            assert codes.lookup(code) is not None, f"{spec.id} lists an unknown code {code}"
            assert code in text, f"docs/frameworks.md does not name {code} for {spec.id}"
    for component in COMPONENTS:
        assert f"`{component.id}`" in text


def test_a_spec_with_a_language_error_is_not_scored(tmp_path: Path) -> None:
    (tmp_path / "bad.wm").write_text(GOOD.replace("web -> check", "web -> chek"), encoding="utf-8")
    checked = scoring.check([tmp_path / "bad.wm"], root=tmp_path)
    assert checked.refused
    assert [d.code for d in checked.report.diagnostics] == [codes.UNKNOWN_NAME.code]
