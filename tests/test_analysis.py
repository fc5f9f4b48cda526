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
    assert not first.lower_bound
    assert first.unknown_intake is None
    # `both` gets at least what `a` sends it: 2 a week, ρ ≥ 2/40 · 1h.
    assert both.rate == pytest.approx(2 / 40)
    assert both.utilisation == pytest.approx(0.05)
    assert both.lower_bound
    assert both.unknown_intake == "b"
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
    assert both.rate is None
    assert both.utilisation is None
    assert not both.lower_bound
    assert both.unknown_intake == "b"
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


# -- working calendars -------------------------------------------------------------

# 10 a day, 2h each, a lane of 3 FTE: the same work on different hours.
CALENDAR = """
calendar support "Support" {{ hours 8-20 mon-sat }}
workflow w "W" {{
  {hours}
  person @ana "Ana"; person @bo "Bo"; person @cy "Cy"; person @di "Di"
  lane team "Team" {{ owner @ana; members {members}{lane_hours} }}
  intake inbox "Inbox" {{ owner @ana; arrivals {arrivals} }}
  stage work "Work" in team {{ effort 2h }}
  exit done "Done"
  inbox -> work
  work -> done
}}
"""


def on_calendar(
    hours: str = "",
    lane_hours: str = "",
    arrivals: str = "10 per day",
    members: str = "@ana, @bo, @cy",
) -> WorkflowAnalysis:
    lane = f"; hours {lane_hours}" if lane_hours else ""
    return one(
        CALENDAR.format(
            hours=f"hours {hours}" if hours else "", lane_hours=lane, arrivals=arrivals, members=members
        )
    )


def test_office_hours_are_the_default() -> None:
    result = on_calendar()
    work = result.stage("work")
    assert result.schedule.defaulted
    assert result.schedule.per_day == 8
    assert result.schedule.per_week == 40
    assert work.rate == pytest.approx(10 / 8)  # 1.25 an hour
    assert work.per_fte == 1
    assert work.servers == pytest.approx(3)
    assert work.utilisation == pytest.approx(1.25 * 2 / 3)  # 0.833
    assert work.per_week == pytest.approx(50)


def test_round_the_clock_spreads_the_same_people_over_168_hours() -> None:
    result = on_calendar("24x7")
    work = result.stage("work")
    assert not result.schedule.defaulted
    assert result.schedule.per_week == 168
    assert work.rate == pytest.approx(10 / 24)
    assert work.per_fte == pytest.approx(40 / 168)
    assert work.servers == pytest.approx(3 * 40 / 168)  # 0.71 of a seat around the clock
    assert work.utilisation == pytest.approx((10 / 24 * 2) / (3 * 40 / 168))  # 1.167
    assert work.utilisation == pytest.approx(7 / 6)
    assert work.unstable is not None
    assert work.wait is None
    assert work.per_week == pytest.approx(70)  # 10 a day, 7 days


def test_round_the_clock_wait_is_in_open_hours_and_days_of_24() -> None:
    # 4.2 FTE keep one seat filled around the clock: 5 a day at 2h is ρ = (5/24·2) / (4.2·40/168).
    result = on_calendar("24x7", arrivals="5 per day", members="@ana, @bo, @cy, @di 20%")
    work = result.stage("work")
    assert work.capacity == pytest.approx(3.2)  # @di gives 20%
    servers = 3.2 * 40 / 168
    lam = 5 / 24
    assert work.servers == pytest.approx(servers)
    assert work.wait == pytest.approx(queue_wait(lam, 2, servers))
    assert result.lead_time == pytest.approx(work.time)
    text = format_analysis_text(
        analysis(
            CALENDAR.format(
                hours="hours 24x7", lane_hours="", arrivals="5 per day", members="@ana, @bo, @cy, @di 20%"
            )
        )
    )
    assert "  hours: 24x7 (24 h a day, 168 h a week); times in these open hours" in text
    assert f"  expected lead time: {format_hours(work.time or 0, 24)} in stages per item" in text


def test_a_lane_with_hours_of_its_own() -> None:
    # Half days: 3 FTE working 20 of the workflow's 40 hours are 1.5 servers.
    work = on_calendar(lane_hours="9-13 mon-fri").stage("work")
    assert work.per_fte == pytest.approx(0.5)
    assert work.servers == pytest.approx(1.5)
    assert work.utilisation == pytest.approx(1.25 * 2 / 1.5)
    # A lane open longer than a working week still gets 40 hours from each FTE.
    assert on_calendar(lane_hours="24x5").stage("work").servers == pytest.approx(3)
    # An office lane in a round-the-clock workflow: 3 × 40 / 168.
    assert on_calendar("24x7", lane_hours="9-17 mon-fri").stage("work").servers == pytest.approx(3 * 40 / 168)


def test_a_named_calendar() -> None:
    result = on_calendar("support", members="@ana, @bo, @cy, @di")
    work = result.stage("work")
    assert result.schedule.calendar == "support"
    assert (result.schedule.per_day, result.schedule.per_week) == (12, 72)
    assert work.rate == pytest.approx(10 / 12)
    assert work.servers == pytest.approx(4 * 40 / 72)
    assert work.utilisation == pytest.approx((10 / 12 * 2) / (4 * 40 / 72))  # 0.75
    assert work.utilisation == pytest.approx(0.75)
    # a lane may name it too
    lane = on_calendar(lane_hours="support").stage("work")
    assert lane.servers == pytest.approx(3)  # min(40, 72) / 40 per FTE


@pytest.mark.parametrize(
    ("rate", "office", "round_the_clock"),
    [
        ("3 per hour", 3, 3),
        ("8 per day", 1, 8 / 24),
        ("40 per week", 1, 40 / 168),
        ("160 per month", 1, 160 / (4 * 168)),
    ],
)
def test_rates_count_open_hours(rate: str, office: float, round_the_clock: float) -> None:
    assert on_calendar(arrivals=rate).stage("work").rate == pytest.approx(office)
    assert on_calendar("24x7", arrivals=rate).stage("work").rate == pytest.approx(round_the_clock)


def test_elapsed_durations_follow_the_calendar_and_effort_does_not() -> None:
    from wmdsl.flow.calendar import OFFICE_HOURS, Schedule, open_hours, servers_per_fte

    clock = Schedule(text="24x7", per_day=24, per_week=168)
    document = api.loads(
        'workflow w "W" {\n  person @ana "A"\n  work t "T" { sle 1d at 85% }\n'
        '  cadence c "C" { every 2w }\n  intake i "I" { owner @ana }\n'
        '  stage s "S" { owner @ana; effort 1d }\n  exit e "E"\n  i -> s\n  s -> e\n'
        '  metric m "M" { from i to e; target 30m at 50% }\n}\n',
        path="case.wm",
    )
    workflow = document.workflows[0]
    sle, every = workflow.work[0].sle, workflow.cadences[0].every
    target = workflow.metrics[0].target
    assert sle is not None
    assert every is not None
    assert target is not None
    assert open_hours(sle.within, clock) == 24
    assert open_hours(sle.within, OFFICE_HOURS) == 8
    assert open_hours(every, clock) == 2 * 168
    assert open_hours(target.within, clock) == 0.5
    effort = workflow.stages[0].effort
    assert effort is not None
    assert effort.hours == 8
    assert servers_per_fte(OFFICE_HOURS) == 1
    assert 1 / servers_per_fte(clock) == pytest.approx(4.2)  # FTE to staff one seat 24x7


def test_format_hours_counts_the_calendar_day() -> None:
    assert format_hours(48, 24) == "2d"
    assert format_hours(12, 24) == "12h"
    assert format_hours(12) == "1.5d"


# -- lower bounds ------------------------------------------------------------------

# `a` sends 9.9 a week to `work` (1 server, 1d each): ρ ≥ 9.9 × 8 / 40 = 1.98 whatever `b` brings.
BOUNDED = """
workflow w "W" {
  person @ana "Ana"; person @bo "Bo"
  intake a "A" { owner @ana; arrivals 9.9 per week }
  intake b "B" { owner @ana }
  stage quick "Quick" { owner @bo; effort 1h }
  stage work "Work" { owner @ana; effort 1d }
  exit done "Done"
  a -> quick
  quick -> work
  b -> work
  work -> done
}
"""


def test_an_overload_from_the_known_intakes_alone_is_reported() -> None:
    result = one(BOUNDED)
    work = result.stage("work")
    assert work.lower_bound
    assert work.unknown_intake == "b"
    assert work.utilisation == pytest.approx(1.98)
    assert work.unstable is not None
    assert "at least 1.98" in work.unstable
    assert result.bottleneck == "work"
    assert result.assumptions[-1].what == "lower bounds"
    assert result.assumptions[-1].subjects == ("work",)
    text = format_analysis_text(analysis(BOUNDED))
    assert "  arrivals: ≥ 9.9 items a week (intake `b` has no `arrivals`)" in text
    row = next(line for line in text.splitlines() if line.startswith("  work "))
    assert row.split() == ["work", "—", "≥", "9.9", "1", "≥", "1.98", "unbounded", "—"]
    assert "  bottleneck: `work` (ρ ≥ 1.98; chosen among known figures and lower bounds)" in text
    data = json.loads(format_analysis_json(analysis(BOUNDED)))["workflows"][0]
    stages = {s["name"]: s for s in data["stages"]}
    assert stages["work"]["lower_bound"] is True
    assert stages["quick"]["lower_bound"] is False
    assert stages["work"]["intake_without_arrivals"] == "b"
    assert data["bottleneck_lower_bound"] is True
    assert data["bottleneck_among_lower_bounds"] is True
    assert data["known_arrivals_per_week"] == pytest.approx(9.9)
    assert data["intakes_without_arrivals"] == ["b"]
    assert data["exits"][0]["lower_bound"] is True


def test_the_bottleneck_may_be_a_known_figure_above_a_lower_bound() -> None:
    result = one(BOUNDED.replace("effort 1h", "effort 6h").replace("effort 1d", "effort 1h"))
    assert result.bottleneck == "quick"  # 9.9 × 6 / 40 = 1.485 (shown 1.48) against ≥ 0.25
    text = format_analysis_text(
        analysis(BOUNDED.replace("effort 1h", "effort 6h").replace("effort 1d", "effort 1h"))
    )
    assert "  bottleneck: `quick` (ρ 1.48; chosen among known figures and lower bounds)" in text
    row = next(line for line in text.splitlines() if line.startswith("  work "))
    # the wait and the time in stage grow with λ: they are lower bounds too
    assert row.split() == ["work", "—", "≥", "9.9", "1", "≥", "0.25", "≥", "20m", "≥", "1.33h"]


# -- assumptions -------------------------------------------------------------------

ASSUMING = """
person @ana "Ana" { capacity 0.5 }
workflow w "W" {
  person @bo "Bo"; person @cy "Cy"
  lane team "Team" { owner @ana; members @ana, @bo }
  intake a "A" { owner @ana; arrivals 4 per week }
  intake b "B" { owner @ana }
  stage triage "Triage" in team { effort 1h }
  stage build "Build" { owner @cy; effort 4h }
  stage check "Check" in team
  exit done "Done"
  exit refused "Refused" { kind rejected }
  a -> triage
  b -> build
  triage -> build { chance 60% }
  triage -> refused
  build -> check
  check -> done
  check -> build { rework }
}
"""


def test_every_default_is_stated_once_in_a_fixed_order() -> None:
    result = one(ASSUMING)
    found = [(a.what, a.value, a.subjects, a.details) for a in result.assumptions]
    assert found == [
        ("working hours", "9-17 mon-fri (8 h a day, 40 h a week)", ("w",), ()),
        ("a person's capacity", "1.0 FTE", ("@bo", "@cy"), ()),  # not @ana: she has 0.5
        ("a full-time equivalent", "40 hours of work a week", ("team", "@cy"), ()),
        (
            "a handoff without `chance`",
            "an equal share of what its source's other chances leave",
            ("triage->refused", "check->done"),
            ("40%", "50%"),
        ),
        (
            "a rework handoff without `chance`",
            "an equal share of what its source's other chances leave goes back",
            ("check->build",),
            ("50%",),
        ),
        (
            "a stage without `effort`",
            "no utilisation, wait or time in stage; 0 hours on a main path",
            ("check",),
            (),
        ),
        ("the queueing model", "M/M/c, waits by Erlang C", ("triage", "build"), ()),
        ("lower bounds", "rates from the intakes with `arrivals` only", ("build", "check"), ()),
    ]
    assert "intake `b` has no `arrivals`" in result.assumptions[-1].why
    assert one(ASSUMING).assumptions == result.assumptions  # the same every time


def test_assumptions_in_text_and_json() -> None:
    text = format_analysis_text(analysis(ASSUMING))
    lines = text.splitlines()
    start = lines.index("  assumptions:")
    assert lines[start + 1] == (
        "    - working hours: 9-17 mon-fri (8 h a day, 40 h a week), for `w` — "
        "no `hours` given: every time and rate is counted in these open hours"
    )
    assert lines[start + 4].startswith(
        "    - a handoff without `chance`: an equal share of what its source's other chances leave, "
        "for `triage->refused` (40%), `check->done` (50%) — "
    )
    data = json.loads(format_analysis_json(analysis(ASSUMING)))["workflows"][0]
    assert data["hours"] == {
        "text": "9-17 mon-fri",
        "calendar": None,
        "per_day": 8,
        "per_week": 40,
        "defaulted": True,
    }
    rework = data["assumptions"][4]
    assert rework == {
        "what": "a rework handoff without `chance`",
        "value": "an equal share of what its source's other chances leave goes back",
        "why": "no `chance` given",
        "where": ["check->build"],
        "values": ["50%"],
        "count": 1,
    }
    assert [a["what"] for a in data["assumptions"]][-1] == "lower bounds"


def test_stated_hours_leave_no_calendar_assumption_and_name_the_lanes_that_follow_them() -> None:
    result = one(ASSUMING.replace('workflow w "W" {', 'workflow w "W" {\n  hours 24x7'))
    whats = [a.what for a in result.assumptions]
    assert "working hours" not in whats
    lane = result.assumptions[0]
    assert (lane.what, lane.value, lane.subjects) == ("a lane's hours", "the workflow's, 24x7", ("team",))
    fte = next(a for a in result.assumptions if a.what == "a full-time equivalent")
    assert "/ 168 servers" in fte.why


def test_a_declared_variability_other_than_exponential_is_said_to_be_ignored() -> None:
    spread = BOUNDED.replace("per week }", "per week; variability fixed }").replace(
        "effort 1h }", "effort 1h; variability exponential }"
    )
    plain = one(BOUNDED)
    result = one(spread.replace("effort 1d }", "effort 1d; variability lognormal cv 0.8 }"))
    found = next(a for a in result.assumptions if a.what == "a declared `variability`")
    assert found.subjects == ("a", "work")  # an exponential one is what the analysis assumes anyway
    assert found.value == "waits as if every time were exponential"
    assert "`wmdsl simulate`" in found.why
    assert result.stage("quick").wait == plain.stage("quick").wait is not None
    assert all(
        a.what != "a declared `variability`"
        for a in one(spread.replace("; variability fixed", "")).assumptions
    )


def test_a_calendar_without_hours_is_refused() -> None:
    text = 'calendar empty "Empty"\n' + ASSUMING.replace(
        'workflow w "W" {', 'workflow w "W" {\n  hours empty'
    )
    found = [
        (d.code, d.message) for d in api.check_text(text, path="case.wm").diagnostics if d.code == "SYN008"
    ]
    assert found == [("SYN008", "calendar `empty` says no hours")]


def test_many_subjects_are_counted() -> None:
    from wmdsl.flow.results import Assumption

    many = Assumption(what="x", value="y", why="z", subjects=tuple(f"s{i}" for i in range(9)))
    assert many.where == "`s0`, `s1`, `s2`, `s3`, `s4`, `s5`, … (9 in all)"
