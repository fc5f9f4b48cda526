"""The analytic flow model against closed forms: M/M/1, M/M/c, rework, traps.

Specs are small and written out in full; rates are chosen so the expected
values are easy to check by hand (1w = 40 working hours, 1d = 8h).
"""

from __future__ import annotations

import json
import math
import textwrap
import time
from pathlib import Path

import pytest

from tests.generated import generated_spec, shape_spec
from wmdsl import api
from wmdsl.flow.analysis import analyze
from wmdsl.flow.graph import build_graph, skeleton
from wmdsl.flow.linear import solve_linear
from wmdsl.flow.queueing import erlang_c, queue_wait
from wmdsl.flow.results import Analysis, WorkflowAnalysis, format_hours
from wmdsl.output.analysis import format_analysis_json, format_analysis_text

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def analysis(text: str) -> Analysis:
    return analyze(api.loads(textwrap.dedent(text).strip() + "\n", path="case.wm"))


def one(text: str) -> WorkflowAnalysis:
    return analysis(text).workflows[0]


def single_stage(arrivals: str, stage: str, lane: str = "{ owner @ana; members @ana }") -> str:
    return f"""
    workflow w "W" {{
      person @ana "Ana"; person @bo "Bo"; person @cy "Cy"
      lane team "Team" {lane}
      intake inbox "Inbox" {{ owner @ana; arrivals {arrivals} }}
      stage work "Work" in team {{ {stage} }}
      exit done "Done"
      inbox -> work
      work -> done
    }}
    """


def erlang_c_textbook(c: int, a: float) -> float:
    """Erlang C straight from its definition (sums of a^k / k!)."""
    top = a**c / math.factorial(c) * c / (c - a)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


# -- closed forms ------------------------------------------------------------------


def test_single_stage_is_m_m_1() -> None:
    result = one(single_stage("3 per week", "wip 2; effort 1d"))
    work = result.stage("work")
    lam, mu = 3 / 40, 1 / 8  # per working hour
    rho = lam / mu
    assert work.rate == pytest.approx(lam)
    assert work.per_week == pytest.approx(3)
    assert work.servers == 1
    assert work.utilisation == pytest.approx(0.6)
    assert work.wait == pytest.approx(rho / (mu - lam))  # 12 hours
    assert work.time == pytest.approx(1 / (mu - lam))  # M/M/1 sojourn time
    assert result.lead_time == pytest.approx(1 / (mu - lam))
    assert result.bottleneck == "work"


def test_whole_servers_are_m_m_c() -> None:
    lane = "{ owner @ana; members @ana, @bo, @cy }"
    work = one(single_stage("20 per week", "wip 5; effort 4h", lane)).stage("work")
    lam, mu, c = 0.5, 0.25, 3
    a = lam / mu
    assert work.servers == 3
    assert work.utilisation == pytest.approx(a / c)
    assert erlang_c_textbook(3, 2.0) == pytest.approx(4 / 9)
    assert work.wait == pytest.approx(erlang_c_textbook(c, a) / (c * mu - lam))  # 16/9 hours
    assert work.wait == pytest.approx(16 / 9)


@pytest.mark.parametrize(("c", "a"), [(1, 0.5), (2, 1.5), (5, 4.2), (12, 3.0), (40, 39.0)])
def test_erlang_c_matches_its_definition(c: int, a: float) -> None:
    assert erlang_c(c, a) == pytest.approx(erlang_c_textbook(c, a))


def test_fractional_servers_keep_the_utilisation() -> None:
    lane = "{ owner @ana; members @ana, @bo 50%, @cy }"  # 2.5 FTE
    work = one(single_stage("20 per week", "effort 4h", lane)).stage("work")
    assert work.servers == pytest.approx(2.5)
    assert work.utilisation == pytest.approx(2 / 2.5)
    # two servers, each 1.25× as fast: offered load 2·ρ, capacity 2.5 per effort
    assert work.wait == pytest.approx(erlang_c_textbook(2, 1.6) * 4 / (2.5 - 2))


def test_overloaded_stage_has_no_wait_and_says_why() -> None:
    result = one(single_stage("6 per week", "wip 2; effort 1d"))
    work = result.stage("work")
    assert work.utilisation == pytest.approx(1.2)
    assert work.wait is None
    assert work.time is None
    assert work.unstable is not None
    assert "grows without bound" in work.unstable
    assert result.lead_time is None
    assert queue_wait(0.1, 10.0, 1.0) is None


def test_wip_caps_the_servers() -> None:
    lane = "{ owner @ana; members @ana, @bo, @cy }"
    work = one(single_stage("10 per week", "wip 2; effort 4h", lane)).stage("work")
    assert (work.capacity, work.servers, work.wip_bound) == (3, 2, True)
    assert work.utilisation == pytest.approx(0.25 * 4 / 2)


REWORK = """
workflow w "W" {
  person @ana "Ana"
  lane team "Team" { owner @ana; members @ana }
  intake inbox "Inbox" { owner @ana; arrivals 4 per week }
  stage triage "Triage" in team { wip 2; effort 30m }
  stage build "Build" in team { wip 2; effort 2h }
  stage review "Review" in team { wip 2; effort 1h }
  exit shipped "Shipped"
  exit declined "Declined" { kind rejected }
  inbox -> triage
  triage -> build { chance 70% }
  triage -> declined
  build -> review
  review -> build { rework; chance 20% }
  review -> shipped
}
"""


def test_rework_loop_multiplies_the_load() -> None:
    result = one(REWORK)
    gamma = 4 / 40
    assert result.stage("triage").rate == pytest.approx(gamma)
    assert result.stage("build").rate == pytest.approx(0.7 * gamma / (1 - 0.2))
    assert result.stage("review").rate == pytest.approx(0.7 * gamma / (1 - 0.2))
    assert result.route("triage", "declined") == pytest.approx(0.3)
    exits = {e.name: e.rate for e in result.exits}
    assert exits == {"shipped": pytest.approx(0.7 * gamma), "declined": pytest.approx(0.3 * gamma)}


def test_lead_time_is_the_visit_weighted_time_in_stages() -> None:
    result = one(REWORK)
    expected = sum((s.visits or 0) * (s.time or 0) for s in result.stages)
    assert result.lead_time == pytest.approx(expected)
    assert result.stage("build").visits == pytest.approx(0.7 / 0.8)
    lane = result.lanes[0]
    assert lane.demand == pytest.approx(sum(s.load or 0 for s in result.stages))


TRAP = """
workflow w "W" {
  person @ana "Ana"
  intake inbox "Inbox" { owner @ana; arrivals 5 per week }
  stage triage "Triage" { owner @ana; effort 1h }
  stage fix "Fix" { owner @ana; effort 1h }
  stage check "Check" { owner @ana; effort 1h }
  exit done "Done"
  inbox -> triage
  triage -> done { chance 50% }
  triage -> fix
  fix -> check
  check -> fix
}
"""


def test_a_loop_work_cannot_leave_is_reported_not_solved() -> None:
    result = one(TRAP)
    for name in ("fix", "check"):
        stage = result.stage(name)
        assert stage.rate is None
        assert stage.utilisation is None
        assert stage.unstable is not None
        assert "never leaves it" in stage.unstable
    assert result.stage("triage").utilisation == pytest.approx(5 / 40)
    assert [n.message for n in result.notes if "never leaves" in n.message] == [
        "work that enters the loop through `fix`, `check` never leaves it, so it piles up without bound"
    ]
    assert result.lead_time is None
    assert "unbounded" in format_analysis_text(analysis(TRAP))


def test_a_trap_nothing_reaches_is_just_empty() -> None:
    elsewhere = TRAP.replace("triage -> fix\n", "triage -> done2\n")
    result = one(elsewhere.replace('exit done "Done"', 'exit done "Done"\n  exit done2 "D2"'))
    assert result.stage("fix").rate == 0
    assert result.stage("fix").unstable is None


def test_a_loop_too_tangled_to_eliminate_gets_the_same_rates_by_sweeps() -> None:
    from wmdsl.flow import linear

    document = api.loads(shape_spec("grid", 400))
    swept = analyze(document).workflows[0]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(linear, "FILL", math.inf)  # eliminate, whatever it costs
        exact = analyze(document).workflows[0]
    assert [s.rate for s in swept.stages] == pytest.approx([s.rate for s in exact.stages], rel=1e-9)
    assert not [n for n in swept.notes if "settle" in n.message]


def test_rates_that_do_not_settle_are_noted_as_lower_bounds() -> None:
    text = shape_spec("grid", 125).replace("chance 4%", "chance 20%")
    result = one(text)
    assert all(stage.rate is not None and stage.rate > 0 for stage in result.stages)
    [note] = [n.message for n in result.notes if "settle" in n.message]
    assert note.startswith(
        "the traffic equations of the loop through `g0`, `g1`, `g2`, `g3`, `g4`, `g5`, … (125 in all)"
    )
    assert note.endswith("its rates, and the figures from them, are lower bounds")
    assert one(text) == result  # deterministic


def test_a_long_trap_names_a_few_of_its_stages() -> None:
    text = shape_spec("grid", 125).replace("  g124 -> done\n", "  g124 -> g0\n")  # no way out
    assert one(text).stage("g7").unstable is not None
    [note] = [n.message for n in one(text).notes if "never leaves" in n.message]
    assert note == (
        "work that enters the loop through `g0`, `g1`, `g2`, `g3`, `g4`, `g5`, … (125 in all) "
        "never leaves it, so it piles up without bound"
    )


def test_solve_linear() -> None:
    assert solve_linear([[0.0, 2.0], [4.0, 1.0]], [2.0, 9.0]) == pytest.approx([2.0, 1.0])
    assert solve_linear([[1.0, -1.0], [-1.0, 1.0]], [1.0, 0.0]) is None


# -- routing and arrivals ------------------------------------------------------------


def test_handoffs_without_chance_share_the_rest_and_lost_work_is_noted() -> None:
    shared = REWORK.replace("triage -> declined", "triage -> declined\n  triage -> shipped")
    result = one(shared.replace("triage -> build { chance 70% }", "triage -> build { chance 40% }"))
    assert result.route("triage", "declined") == pytest.approx(0.3)
    assert result.route("triage", "shipped") == pytest.approx(0.3)
    lost = one(REWORK.replace("triage -> declined", "triage -> declined { chance 20% }"))
    assert [n.message for n in lost.notes] == [
        "the chances out of `triage` add up to 90%: 10% of its work goes nowhere (counted as lost)"
    ]
    assert sum(e.rate or 0 for e in lost.exits) == pytest.approx(0.9 * 4 / 40)


TWO_INTAKES = """
workflow w "W" {
  person @ana "Ana"
  intake a "A" { owner @ana; arrivals 2 per week }
  intake b "B" { owner @ana }
  stage first "First" { owner @ana; effort 1h }
  stage both "Both" { owner @ana; effort 1h }
  exit done "Done"
  a -> first
  first -> both
  b -> both
  both -> done
}
"""


def test_an_intake_without_arrivals_makes_what_it_feeds_a_lower_bound() -> None:
    result = one(TWO_INTAKES)
    first, both = result.stage("first"), result.stage("both")
    assert first.rate == pytest.approx(2 / 40)
    assert not first.lower_bound and first.unknown_intake is None
    # `both` gets at least what `a` sends it: 2 a week, ρ ≥ 2/40 · 1h.
    assert both.rate == pytest.approx(2 / 40)
    assert both.utilisation == pytest.approx(0.05)
    assert both.lower_bound and both.unknown_intake == "b"
    assert both.visits is None
    assert result.arrivals is None
    assert result.known_arrivals == pytest.approx(2 / 40)
    assert result.unknown_intakes == ("b",)
    assert result.lead_time is None
    assert result.exits[0].lower_bound
    assert (
        "no arrivals on intake `b`: the figures of the work it feeds are unknown, "
        "or lower bounds where other intakes feed it too"
    ) in [n.message for n in result.notes]


def test_what_only_intakes_without_arrivals_feed_stays_unknown() -> None:
    result = one(TWO_INTAKES.replace("arrivals 2 per week", "").replace("first -> both", "first -> done"))
    both = result.stage("both")
    assert both.rate is None and both.utilisation is None
    assert not both.lower_bound and both.unknown_intake == "b"
    assert result.known_arrivals is None
    assert result.unknown_intakes == ("a", "b")
    assert result.stage("first").unknown_intake == "a"


def test_stage_without_effort_or_people() -> None:
    text = single_stage("3 per week", "wip 2", "{ owner @ana }")
    result = one(text)
    assert result.stage("work").utilisation is None
    messages = [n.message for n in result.notes]
    assert "stage `work` has no capacity: lane `team` has no members: its utilisation is unknown" in messages
    assert "stage `work` has no `effort`: its utilisation is unknown" in messages


def test_stage_without_lane_has_its_owner_as_server() -> None:
    result = one(REWORK.replace(" in team", "").replace("{ wip 2;", "{ owner @ana;"))
    assert result.stage("build").servers == 1


# -- paths ---------------------------------------------------------------------------


def test_skeleton_sets_rework_and_back_edges_apart() -> None:
    flow = build_graph(api.loads(textwrap.dedent(REWORK), path="case.wm").workflows[0])
    shape = skeleton(flow)
    assert shape.closing == (("review", "build"),)
    assert list(shape.order).index("build") < list(shape.order).index("review")
    unmarked = build_graph(api.loads(textwrap.dedent(TRAP), path="case.wm").workflows[0])
    assert skeleton(unmarked).closing == (("check", "fix"),)


def test_main_path_is_the_most_likely_way_to_a_done_exit() -> None:
    result = one(REWORK)
    path = result.main_path("inbox")
    assert path is not None
    assert path.nodes == ("inbox", "triage", "build", "review", "shipped")
    assert path.probability == pytest.approx(0.7 * 0.8)
    assert path.process_time == pytest.approx(0.5 + 2 + 1)
    assert path.missing_effort == ()


def test_main_path_ties_go_to_the_first_declared_handoff() -> None:
    text = TWO_INTAKES.replace("first -> both\n", "first -> both\n  first -> done\n")
    path = one(text).main_path("a")
    assert path is not None
    assert path.nodes == ("a", "first", "both", "done")


def test_what_a_main_path_tells_of_itself_agrees_with_its_nodes() -> None:
    # Length, ends, hands-on time and largest effort come from a table shared
    # by every intake's path; here they are read off the nodes instead.
    documents = [api.load(spec) for spec in sorted(EXAMPLES.glob("*.wm"))]
    documents += [api.loads(text) for text in (generated_spec(300), shape_spec("intakes", 30))]
    checked = 0
    for document in documents:
        for workflow, result in zip(document.workflows, analyze(document).workflows, strict=True):
            stages = {stage.name: stage for stage in workflow.stages}
            for path in result.main_paths:
                on_path = [stages[name] for name in path.nodes if name in stages]
                efforts = [s for s in on_path if s.effort is not None]
                assert path.length == len(path.nodes)
                assert path.ends(6, 2) == (
                    list(path.nodes) if len(path.nodes) <= 8 else [*path.nodes[:6], *path.nodes[-2:]]
                )
                assert path.ends(3, 0) == list(path.nodes[:3])
                assert path.process_time == pytest.approx(sum(s.effort.hours for s in efforts if s.effort))
                assert path.missing_effort == tuple(s.name for s in on_path if s.effort is None)
                biggest = max(efforts, key=lambda s: s.effort.hours if s.effort else 0.0, default=None)
                assert path.largest == (biggest.name if biggest is not None else None)
                checked += 1
    assert checked > 40


def test_examples_conserve_flow_and_are_deterministic() -> None:
    for spec in sorted(EXAMPLES.glob("*.wm")):
        document = api.load(spec)
        first, second = analyze(document), analyze(document)
        assert first == second
        for result in first.workflows:
            out = sum(e.rate or 0 for e in result.exits)
            assert out == pytest.approx(result.arrivals), spec.name
            assert result.bottleneck is not None
            assert result.lead_time is not None


def test_long_chain_is_fast() -> None:
    size = 1500
    stages = "\n".join(f'  stage s{i} "S" {{ owner @ana; effort 1h }}' for i in range(size))
    handoffs = "\n".join(f"  s{i} -> s{i + 1}" for i in range(size - 1))
    text = (
        'workflow w "W" {\n  person @ana "Ana"\n  intake inbox "I" { owner @ana; arrivals 1 per week }\n'
        f'{stages}\n  exit done "Done"\n  inbox -> s0\n{handoffs}\n  s{size - 1} -> done\n'
        f"  s{size - 1} -> s0 {{ rework; chance 10% }}\n}}\n"
    )
    document = api.loads(text, path="long.wm")
    started = time.perf_counter()
    result = analyze(document).workflows[0]
    assert time.perf_counter() - started < 5
    assert result.stage("s0").rate == pytest.approx(1 / 40 / 0.9)


# -- output ----------------------------------------------------------------------------


def test_text_output_is_an_aligned_table() -> None:
    text = format_analysis_text(analysis(REWORK))
    lines = text.splitlines()
    assert lines[0] == "workflow `w` — W"
    header = next(line for line in lines if line.lstrip().startswith("stage"))
    assert header.split() == ["stage", "lane", "λ/week", "servers", "ρ", "wait", "time"]
    rows = lines[lines.index(header) + 1 : lines.index(header) + 4]
    assert [row.split()[0] for row in rows] == ["triage", "build", "review"]
    assert len({len(row) for row in [header, *rows]}) == 1  # aligned
    assert "  bottleneck: `build` (ρ 0.17)" in lines
    assert any(line.startswith("  expected lead time: ") for line in lines)
    assert "  main path from `inbox`: `triage` → `build` → `review` → `shipped`" in text


def test_text_output_lists_notes() -> None:
    text = format_analysis_text(analysis(TWO_INTAKES))
    assert "  notes:\n    - no arrivals on intake `b`: the figures of the work it feeds are unknown" in text


def test_json_output() -> None:
    data = json.loads(format_analysis_json(analysis(REWORK)))
    workflow = data["workflows"][0]
    assert data["version"] == 1
    assert data["file"] == "case.wm"
    build = next(s for s in workflow["stages"] if s["name"] == "build")
    assert build["arrivals_per_week"] == pytest.approx(3.5)
    assert build["servers"] == 1
    assert workflow["bottleneck"] == "build"
    assert workflow["main_paths"][0]["nodes"] == ["inbox", "triage", "build", "review", "shipped"]
    trap = json.loads(format_analysis_json(analysis(TRAP)))
    fix = next(s for s in trap["workflows"][0]["stages"] if s["name"] == "fix")
    assert fix["utilisation"] is None
    assert "never leaves" in fix["unstable"]


@pytest.mark.parametrize(
    ("hours", "text"),
    [(0.0, "0m"), (0.001, "<1m"), (0.5, "30m"), (2.5, "2.5h"), (12.0, "1.5d"), (8000, "1000d")],
)
def test_format_hours(hours: float, text: str) -> None:
    assert format_hours(hours) == text


@pytest.mark.parametrize("servers", [10_001, 20_000])
@pytest.mark.parametrize("beta", [0.05, 0.5, 1.0, 2.0, 4.0])
def test_erlang_c_for_many_servers_stays_close_to_exact(servers: int, beta: float) -> None:
    offered = servers - beta * math.sqrt(servers)
    assert erlang_c(servers, offered) == pytest.approx(erlang_c_textbook_stable(servers, offered), abs=0.002)


def erlang_c_textbook_stable(c: int, a: float) -> float:
    """The exact recursion, written out here for huge c (the factorials overflow)."""
    blocking = 1.0
    for k in range(1, c + 1):
        blocking = a * blocking / (k + a * blocking)
    return c * blocking / (c - a * (1 - blocking))


def test_a_huge_capacity_does_not_make_the_checks_run_for_hours() -> None:
    spec = """
workflow w "W" {
  owner @a
  person @a "A" { capacity 999999999999999 }
  intake i "I" { owner @a; arrivals 99999999999999 per week }
  stage s "S" { owner @a; effort 1h }
  exit e "E"
  i -> s
  s -> e
}
"""
    from wmdsl import api

    report = api.check_text(spec)  # returns at once: no loop over 10^15 servers
    assert all(d.code != "SYN001" for d in report.diagnostics)
