"""A spec's declared `variability` in the simulation: against closed forms, and below a `--set`.

Regular arrivals into one exponential server are a D/M/1 queue, whose mean
wait is σ/(μ(1 − σ)) with σ the root of σ = exp(−μ(1 − σ)/λ); Poisson
arrivals into a server whose touch times have a coefficient of variation c
are an M/G/1 queue, whose mean wait is λ(1 + c²)/(2μ²(1 − ρ))
(Pollaczek–Khinchine). Each must lie in the 99% confidence interval over
the replications, as the M/M/1 and M/M/c cases of ``test_simulate.py`` do.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

pytest.importorskip("simpy")

from click.testing import CliRunner

from wmdsl import api
from wmdsl.cli import cli
from wmdsl.model import Distribution, Variability
from wmdsl.model.span import point
from wmdsl.simulate import prepare, simulate
from wmdsl.simulate.distributions import DECLARED, DEFAULTED, SET, Override, Shape, shaped
from wmdsl.simulate.report import format_json, format_text
from wmdsl.simulate.runner import Settings
from wmdsl.simulate.scenario import parse_set
from wmdsl.simulate.summary import Simulation

CHECKED = Settings(seed=11, replications=12, until=150, warmup=4, confidence=0.99)
RATE = 0.7  # items an hour into one person with 1h of effort: ρ = 0.7

QUEUE = """
workflow q "One queue" {{
  owner @ana
  person @ana "Ana"
  intake jobs "Jobs" {{ owner @ana; arrivals {rate} per hour{arrivals} }}
  stage serve "Serve" {{ owner @ana; effort 1h{effort} }}
  exit done "Done"
  jobs -> serve
  serve -> done
}}
"""


def spec(arrivals: str = "", effort: str = "") -> str:
    return QUEUE.format(
        rate=RATE,
        arrivals=f"; variability {arrivals}" if arrivals else "",
        effort=f"; variability {effort}" if effort else "",
    )


def run(text: str, *changes: str, settings: Settings = CHECKED) -> Simulation:
    return simulate([api.loads(text, path="spec.wm")], settings, [parse_set(c) for c in changes])


def wait(result: Simulation) -> tuple[float, float, float]:
    """The mean wait at the one stage and its interval's ends (hours)."""
    found = result.workflows[0].stages[0].wait
    assert found is not None
    assert found.low is not None
    assert found.high is not None
    return found.mean, found.low, found.high


def d_m_1_wait(rate: float, service: float = 1.0) -> float:
    sigma = 0.5
    for _ in range(500):  # a contraction: the root σ of σ = exp(−μ(1 − σ)/λ)
        sigma = math.exp(-service * (1 - sigma) / rate)
    return sigma / (service * (1 - sigma))


def m_g_1_wait(rate: float, cv: float, effort: float = 1.0) -> float:
    rho = rate * effort
    return rate * (1 + cv * cv) * effort * effort / (2 * (1 - rho))


def test_declared_regular_arrivals_wait_as_d_m_1_and_less_than_poisson() -> None:
    regular = wait(run(spec(arrivals="fixed")))
    poisson = wait(run(spec()))
    exact = d_m_1_wait(RATE)  # 0.88 h, where M/M/1 waits 2.33 h
    assert regular[1] <= exact <= regular[2], (regular, exact)
    assert regular[2] < poisson[1], (regular, poisson)  # the intervals do not even meet
    assert poisson[1] <= RATE / (1 - RATE) <= poisson[2]


@pytest.mark.parametrize(("effort", "cv"), [("lognormal cv 0.5", 0.5), ("gamma cv 1.5", 1.5), ("fixed", 0.0)])
def test_declared_effort_spread_waits_as_pollaczek_khinchine(effort: str, cv: float) -> None:
    found = wait(run(spec(effort=effort)))
    exact = m_g_1_wait(RATE, cv)
    assert found[1] <= exact <= found[2], (effort, found, exact)


def test_a_set_shape_wins_over_the_declared_one_and_the_report_says_where_each_came_from() -> None:
    text = spec(arrivals="fixed", effort="lognormal cv 0.5")
    declared = run(text, settings=Settings(seed=3, replications=2, until=10))
    assert "times between arrivals: fixed as declared, for `jobs`" in format_text(declared)
    assert "touch times around `effort`: lognormal (CV 0.5) as declared, for `serve`" in format_text(declared)
    changed = run(text, "jobs.shape=exponential")
    assert "times between arrivals: exponential (CV 1) as set for this run, for `jobs`" in format_text(
        changed
    )
    _, low, high = wait(changed)
    assert low <= m_g_1_wait(RATE, 0.5) <= high  # Poisson arrivals again, the declared effort kept
    document = json.loads(format_json(changed))
    assert document["workflows"][0]["distributions"] == [
        {"kind": "stage", "name": "serve", "distribution": "lognormal", "cv": 0.5, "from": "declared"},
        {"kind": "intake", "name": "jobs", "distribution": "exponential", "cv": 1.0, "from": "set"},
    ]
    plain = run(spec(), settings=Settings(seed=3, replications=2, until=10))
    assert "touch times around `effort`: exponential (CV 1) by default" in format_text(plain)


def test_setting_one_part_of_a_declared_shape_keeps_the_other() -> None:
    lognormal = Variability(
        text="lognormal cv 0.5", distribution=Distribution.LOGNORMAL, cv=0.5, span=point("s", 1, 1)
    )
    fixed = Variability(text="fixed", distribution=Distribution.FIXED, cv=0.0, span=point("s", 1, 1))
    assert shaped(None, None) == (Shape(), DEFAULTED)
    assert shaped(lognormal, None) == (Shape("lognormal", 0.5), DECLARED)
    assert shaped(lognormal, Override()) == (Shape("lognormal", 0.5), DECLARED)
    assert shaped(lognormal, Override(family="gamma")) == (Shape("gamma", 0.5), SET)
    assert shaped(lognormal, Override(cv=2.0)) == (Shape("lognormal", 2.0), SET)
    assert shaped(lognormal, Override(family="fixed")) == (Shape("fixed", 0.0), SET)
    assert shaped(fixed, Override(cv=0.3)) == (Shape("lognormal", 0.3), SET)  # a cv alone means lognormal
    assert shaped(fixed, Override(family="gamma")) == (Shape("gamma", 1.0), SET)
    assert shaped(None, Override(family="exponential", cv=1.0)) == (Shape(), SET)


def test_the_plan_takes_the_declared_shapes() -> None:
    built, _ = prepare([api.loads(spec(arrivals="gamma cv 2", effort="fixed"), path="spec.wm")])
    assert (built.plan.intakes[0].shape, built.plan.intakes[0].source) == (Shape("gamma", 2.0), DECLARED)
    assert (built.plan.stages[0].shape, built.plan.stages[0].source) == (Shape("fixed", 0.0), DECLARED)
    built, labels = prepare(
        [api.loads(spec(effort="fixed"), path="spec.wm")], [parse_set('serve.variability="gamma cv 0.5"')]
    )
    assert (built.plan.stages[0].shape, built.plan.stages[0].source) == (Shape("gamma", 0.5), SET)
    assert labels == {"serve.variability": "gamma cv 0.5"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("serve.variability=normal", "unknown distribution `normal` (write `lognormal`"),
        ("serve.variability=lognormal cv 0", "`cv` must be greater than 0"),
        ("jobs.shape=poisson", "write `exponential`: Poisson arrivals are exponential times between them"),
        ("serve.cv=80%", "it is a ratio, not a percentage: `cv 0.8`"),
        ("serve.cv=0.5", "`fixed` times do not vary"),  # beside the `shape` set before it
    ],
)
def test_a_wrong_shape_is_refused_as_the_language_refuses_it(
    tmp_path: Path, change: str, message: str
) -> None:
    path = tmp_path / "spec.wm"
    path.write_text(spec(), encoding="utf-8")
    (tmp_path / "wmdsl.toml").write_text("", encoding="utf-8")
    args = ["simulate", str(path), "--replications", "1", "--until", "2w", "--jobs", "1", "--no-progress"]
    result = CliRunner().invoke(cli, [*args, "--set", "serve.shape=fixed", "--set", change])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
