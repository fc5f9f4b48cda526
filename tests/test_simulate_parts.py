"""The simulation's parts on their own: working weeks, Student's t, random times, scenario keys."""

from __future__ import annotations

import math
import random
import statistics
from pathlib import Path

import pytest

pytest.importorskip("simpy")

from hypothesis import given
from hypothesis import strategies as st

from wmdsl import api
from wmdsl.simulate import prepare, simulate
from wmdsl.simulate.clock import ALWAYS, WEEK, clock_weeks, week_of
from wmdsl.simulate.distributions import Shape, sampler
from wmdsl.simulate.runner import Settings
from wmdsl.simulate.scenario import ScenarioError, parse_set, read_scenario
from wmdsl.simulate.stats import estimate, percentile, t_quantile

OFFICE = week_of(None)


def test_office_week() -> None:
    assert OFFICE.per_week == 40
    assert OFFICE.position(9) == 0  # Monday 09:00
    assert OFFICE.position(17) == 8
    assert OFFICE.position(24 + 10) == 9  # Tuesday 10:00
    assert OFFICE.position(WEEK + 9) == 40  # the next Monday
    # Four hours of work started on Friday at 15:00 end on Monday at 11:00.
    assert OFFICE.advance(4 * 24 + 15, 4) == WEEK + 11
    # Work started at night starts when the office opens.
    assert OFFICE.advance(2, 1) == 10


@given(st.floats(min_value=0, max_value=5000), st.floats(min_value=0, max_value=500))
def test_advance_is_the_inverse_of_position(start: float, hours: float) -> None:
    end = OFFICE.advance(start, hours)
    assert end >= start
    assert OFFICE.position(end) == pytest.approx(OFFICE.position(start) + hours, abs=1e-6)


def test_one_week_everywhere_is_counted_in_open_hours() -> None:
    same, weeks = clock_weeks([OFFICE, week_of(None)])
    assert same
    assert weeks == [ALWAYS, ALWAYS]
    assert ALWAYS.advance(3.5, 2) == 5.5
    assert not clock_weeks([OFFICE, week_of(api.loads(HELPDESK).workflows[0].lanes[1].hours)])[0]


@pytest.mark.parametrize(
    ("df", "expected"), [(1, 12.7062), (4, 2.7764), (9, 2.2622), (29, 2.0452), (200, 1.9719)]
)
def test_t_quantiles(df: int, expected: float) -> None:
    assert t_quantile(0.975, df) == pytest.approx(expected, abs=1e-4)


def test_estimates_and_percentiles() -> None:
    found = estimate([1.0, 2.0, 3.0], 0.95)
    assert found is not None
    assert found.mean == 2
    assert found.half == pytest.approx(4.302653 * 1 / math.sqrt(3), rel=1e-6)
    assert estimate([5.0], 0.95) == estimate([5.0], 0.99)
    assert estimate([], 0.95) is None
    low = estimate([0.0, 0.1], 0.95)
    assert low is not None
    assert low.low == 0.0  # a time is never below zero
    assert percentile([1, 2, 3, 4], 0.5) == 2.5
    assert percentile([1, 2, 3, 4, 5], 0.85) == pytest.approx(4.4)


@pytest.mark.parametrize(
    ("shape", "cv"),
    [(Shape(), 1.0), (Shape("fixed"), 0.0), (Shape("lognormal", 0.5), 0.5), (Shape("gamma", 2.0), 2.0)],
)
def test_random_times_have_the_mean_and_spread_asked_for(shape: Shape, cv: float) -> None:
    draw = sampler(shape, 3.0, random.Random(1)).draw
    values = [draw() for _ in range(60_000)]
    mean = statistics.fmean(values)
    assert mean == pytest.approx(3.0, rel=0.03)
    assert statistics.pstdev(values) / mean == pytest.approx(cv, abs=0.06)


def test_scenario_keys_and_values(tmp_path: Path) -> None:
    change = parse_set('requests.arrivals="20 per week"')
    assert (change.key, change.value) == ("requests.arrivals", "20 per week")
    with pytest.raises(ScenarioError, match="expected KEY=VALUE"):
        parse_set("build.wip")
    scenario = tmp_path / "s.toml"
    scenario.write_text('specs = "a.wm"\n[set]\nbuild.wip = 3\n"eng.capacity" = 2.5\n', encoding="utf-8")
    found = read_scenario(scenario)
    assert found.name == "s"
    assert found.specs == (tmp_path / "a.wm",)
    assert [(c.key, c.value, c.span.line) for c in found.changes] == [
        ("build.wip", "3", 3),
        ("eng.capacity", "2.5", 4),
    ]


HELPDESK = """
person @ana "Ana Lima"
person @bo "Bo Berg"
calendar support "Support hours" { hours 8-20 mon-sat }

workflow helpdesk "Help desk" {
  owner @ana
  hours support
  lane desk "Desk" { owner @ana; members @ana, @bo }
  lane night "Night cover" { owner @bo; members @bo 10%; hours 24x7 }
  intake calls "Calls" { owner @ana; arrivals 20 per day }
  stage answer "Answer" in desk { wip 2; effort 15m }
  stage escalate "Escalate" in night { wip 1; effort 10m }
  exit answered "Answered"
  exit dropped "Dropped" { kind rejected }
  calls -> answer
  answer -> answered { chance 90% }
  answer -> escalate { chance 10% }
  escalate -> answered
  escalate -> dropped
}
"""


def test_lanes_on_their_own_hours_run_on_a_clock_and_agree_with_analyze() -> None:
    document = api.loads(HELPDESK, path="helpdesk.wm")
    built, _ = prepare([document])
    assert not built.plan.collapsed
    assert built.plan.week_hours == WEEK
    night = next(p for p in built.plan.pools if p.name == "night")
    assert night.present == pytest.approx(0.1 * 40 / 168, rel=1e-9)  # a tenth of 40 h, round the clock
    result = simulate([document], Settings(seed=2, replications=6, until=30, confidence=0.99))
    for stage in result.workflows[0].stages:
        assert stage.utilisation is not None
        assert stage.analytic_utilisation is not None
        expected = stage.analytic_utilisation
        near = abs(stage.utilisation.mean - expected) <= 0.05 * expected
        assert near or stage.utilisation.contains(expected), (stage.name, stage.utilisation, expected)
