"""The simulation against what queueing theory knows exactly, and against the analysis.

Closed forms (each figure's 99% confidence interval over replications must
hold the exact value): the mean wait of an M/M/1 and an M/M/c queue, and
the mean sojourn of a Jackson network (three stages with rework loops).
Then Little's law on the output, unstable stages (ρ ≥ 1, and a tandem whose
WIP limits block it below ρ = 1) reported as unstable rather than as
numbers, and the utilisations of every example beside `analyze`'s.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

pytest.importorskip("simpy")

from wmdsl import api
from wmdsl.simulate import simulate
from wmdsl.simulate.engine import Window, replicate
from wmdsl.simulate.runner import Settings
from wmdsl.simulate.summary import Simulation, WorkflowResult

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CHECKED = Settings(seed=11, replications=12, until=150, warmup=4, confidence=0.99)


def erlang_c(servers: int, offered: float) -> float:
    """P(wait) in an M/M/c queue, from the textbook sum (independent of wmdsl's recursion)."""
    terms = sum(offered**k / math.factorial(k) for k in range(servers))
    last = offered**servers / math.factorial(servers) * servers / (servers - offered)
    return last / (terms + last)


def mmc_wait(rate: float, effort: float, servers: int) -> float:
    """The mean wait in queue of an M/M/c queue (hours)."""
    offered = rate * effort
    return erlang_c(servers, offered) * effort / (servers - offered)


def run(text: str, settings: Settings = CHECKED) -> Simulation:
    return simulate([api.loads(text, path="spec.wm")], settings)


def only(result: Simulation) -> WorkflowResult:
    assert len(result.workflows) == 1
    return result.workflows[0]


SINGLE = """
workflow q "One queue" {{
  owner @ana
  person @ana "Ana"
  person @bo "Bo"
  person @cy "Cy"
  lane desk "Desk" {{ owner @ana; members {members} }}
  intake jobs "Jobs" {{ owner @ana; arrivals {rate} per hour }}
  stage serve "Serve" in desk {{ effort 1h }}
  exit done "Done"
  jobs -> serve
  serve -> done
}}
"""


def test_mm1_mean_wait_is_inside_the_99_percent_interval() -> None:
    flow = only(run(SINGLE.format(members="@ana", rate=0.7)))
    stage = flow.stages[0]
    exact = mmc_wait(0.7, 1.0, 1)  # ρ/(μ − λ) = 2.33 h
    assert stage.wait is not None
    assert stage.wait.low is not None
    assert stage.wait.high is not None
    assert stage.wait.low <= exact <= stage.wait.high, (stage.wait, exact)
    assert stage.utilisation is not None
    assert stage.utilisation.contains(0.7)
    assert stage.wait.high - stage.wait.low < 0.5 * exact  # and the interval says something


def test_mmc_mean_wait_is_inside_the_99_percent_interval() -> None:
    flow = only(run(SINGLE.format(members="@ana, @bo, @cy", rate=2.4)))
    stage = flow.stages[0]
    exact = mmc_wait(2.4, 1.0, 3)  # ρ = 0.8 on three servers
    assert stage.wait is not None
    assert stage.wait.contains(exact), (stage.wait, exact)
    assert stage.utilisation is not None
    assert stage.utilisation.contains(0.8)


JACKSON = """
workflow net "Jackson network" {
  owner @ana
  person @ana "Ana"
  person @bo "Bo"
  person @cy "Cy"
  person @di "Di"
  lane pair "Pair" { owner @bo; members @bo, @cy }
  intake jobs "Jobs" { owner @ana; arrivals 0.5 per hour }
  stage a "A" { owner @ana; effort 30m }
  stage b "B" in pair { effort 1h }
  stage c "C" { owner @di; effort 48m }
  exit done "Done"
  jobs -> a
  a -> b
  b -> c { chance 70% }
  b -> a { rework; chance 30% }
  c -> done { chance 80% }
  c -> b { rework; chance 20% }
}
"""


def test_jackson_network_mean_sojourn_is_inside_the_99_percent_interval() -> None:
    # Traffic equations: λa = 0.5 + 0.3 λb, λb = λa + 0.2 λc, λc = 0.7 λb.
    lb = 0.5 / (1 - 0.3 / 0.86) / 0.86
    la, lc = 0.86 * lb, 0.7 * lb
    visits = {"a": (la, 0.5, 1), "b": (lb, 1.0, 2), "c": (lc, 0.8, 1)}
    sojourn = sum(rate * (mmc_wait(rate, effort, c) + effort) for rate, effort, c in visits.values()) / 0.5
    flow = only(run(JACKSON))
    assert flow.lead_time is not None
    assert flow.lead_time.contains(sojourn), (flow.lead_time, sojourn)
    # The analysis solves the same network exactly.
    assert flow.analytic_lead_time == pytest.approx(sojourn, rel=1e-9)
    for stage in flow.stages:
        rate, _, _ = visits[stage.name]
        assert stage.rate is not None, stage
        assert stage.rate.contains(rate * 40), stage


def test_littles_law_holds_on_the_output() -> None:
    result = simulate(
        [api.load(EXAMPLES / "software-delivery.wm")], Settings(seed=3, replications=6, until=40)
    )
    flow = only(result)
    checked = 0
    for stage in flow.stages:
        if stage.queue is None or stage.wait is None or stage.rate is None:
            continue
        per_hour = stage.rate.mean / flow.per_week
        assert stage.queue.mean == pytest.approx(per_hour * stage.wait.mean, rel=0.03, abs=2e-3), stage.name
        checked += 1
    assert checked == len(flow.stages)


def test_a_stage_past_capacity_is_unstable_not_a_number() -> None:
    text = SINGLE.format(members="@ana", rate=1.2)
    result = run(text, Settings(seed=2, replications=4, until=30, confidence=0.99))
    flow = only(result)
    stage = flow.stages[0]
    assert stage.unstable is not None
    assert "grows without bound" in stage.unstable
    assert stage.wait is None
    assert stage.queue is None
    assert stage.time is None
    assert all(q is None for q in flow.intakes[0].quantiles)
    assert flow.intakes[0].unstable
    assert flow.lead_time is None
    # Its queue does grow: by about (λ − μ) an hour, 0.2 × 40 = 8 items a week.
    document = api.loads(text, path="spec.wm")
    from wmdsl.simulate import prepare

    built, _ = prepare([document])
    rep = replicate(built.plan, Window(4 * 40, 30 * 40), 0, 2)
    assert rep.queue_end[0] - rep.queue_start[0] > 0.5 * 8 * 26
    from wmdsl.simulate.report import format_json, format_text

    assert "unstable" in format_text(result)
    assert '"wait_hours": null' in format_json(result)


TANDEM = """
workflow line "Two desks in a row" {
  owner @ana
  person @ana "Ana"
  person @bo "Bo"
  intake jobs "Jobs" { owner @ana; arrivals 0.8 per hour }
  stage first "First" { owner @ana; wip 1; effort 1h }
  stage second "Second" { owner @bo; wip 1; effort 1h }
  exit done "Done"
  jobs -> first
  first -> second
  second -> done
}
"""


def test_wip_limits_that_block_make_a_stage_unstable_below_capacity() -> None:
    # Each stage is 80% busy by the analysis, but with one place each the line
    # passes at most 2/3 of an item an hour (a finished item waits for the next desk).
    flow = only(run(TANDEM, Settings(seed=5, replications=4, until=30)))
    first, second = flow.stages
    assert first.analytic_utilisation == pytest.approx(0.8)
    assert first.unstable is not None
    assert "grew" in first.unstable
    assert second.unstable is None
    assert first.utilisation is not None
    assert first.utilisation.mean < 0.75


@pytest.mark.parametrize(
    "spec",
    [*sorted(EXAMPLES.glob("*.wm")), EXAMPLES / "org-multi"],
    ids=lambda p: p.name,
)
def test_utilisations_agree_with_analyze_on_every_example(spec: Path) -> None:
    built = api.project([spec], rules=False)
    assert not built.refused
    result = simulate(built.documents, Settings(seed=1, replications=4, until=26, confidence=0.99))
    compared = 0
    for flow in result.workflows:
        for stage in flow.stages:
            assert stage.unstable is None, (flow.name, stage.name, stage.unstable)
            if stage.utilisation is None or stage.analytic_utilisation is None:
                continue
            expected = stage.analytic_utilisation
            # Within 5% wherever the simulation saw enough of the stage's work to
            # measure it that closely, and within its own interval where it did not.
            near = abs(stage.utilisation.mean - expected) <= 0.05 * expected
            assert near or stage.utilisation.contains(expected), (
                flow.name,
                stage.name,
                stage.utilisation,
                expected,
            )
            compared += 1
    assert compared > 0


def test_the_same_seed_gives_the_same_figures_on_one_core_or_two() -> None:
    from wmdsl.simulate.report import format_json

    document = api.load(EXAMPLES / "procurement.wm")
    one = format_json(simulate([document], Settings(seed=9, replications=3, until=8, jobs=1)))
    two = format_json(simulate([document], Settings(seed=9, replications=3, until=8, jobs=2)))
    other = format_json(simulate([document], Settings(seed=10, replications=3, until=8, jobs=1)))
    assert one == two
    assert one != other
