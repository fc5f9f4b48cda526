"""Forks (``a -> b, c``) and joins: matching, FLW011–FLW014, the other rules and the analysis.

Line numbers count from the first line of a case; figures are worked out by
hand in the comments (1w = 40 working hours).
"""

from __future__ import annotations

import textwrap

import pytest

from wmdsl import api
from wmdsl.diagnostics import Diagnostic
from wmdsl.flow.analysis import analyze, expected_last
from wmdsl.flow.forks import leaks
from wmdsl.flow.graph import build_graph
from wmdsl.flow.results import WorkflowAnalysis
from wmdsl.project.settings import Overrides

# Security and legal review a change in parallel; release waits for both.
# Each lane has one person (1 FTE): security takes 2h, legal and release 1h.
REVIEWS = """
workflow release "Release" {
  owner @ana
  purpose "Ship reviewed changes"
  person @ana "Ana"; person @bo "Bo"; person @cy "Cy"
  lane eng "Engineering" { owner @ana; members @ana }
  lane sec "Security" { owner @bo; members @bo }
  lane law "Legal" { owner @cy; members @cy }
  intake changes "Changes" { owner @ana; arrivals 6 per week }
  stage security "Security review" in sec { wip 2; effort 2h; done "Risks assessed" }
  stage legal "Legal review" in law { wip 2; effort 1h; done "Licences cleared" }
  join reviewed "Both reviews done"
  stage release "Release" in eng { wip 2; effort 1h; done "Released" }
  exit shipped "Shipped"
  exit rejected "Rejected" { kind rejected }
  changes -> security, legal "change"
  security -> reviewed
  legal -> reviewed
  reviewed -> release
  release -> shipped
  release -> rejected
}
"""


def edit(*replacements: tuple[str, str], text: str = REVIEWS) -> str:
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def add(lines: str, text: str = REVIEWS) -> str:
    """``text`` with ``lines`` added at the end of its (last) workflow."""
    head, _, _ = text.rstrip().rpartition("}")
    return head + textwrap.dedent(lines).strip("\n") + "\n}\n"


def check(text: str, *codes: str, preset: str | None = None) -> list[Diagnostic]:
    overrides = (
        Overrides(preset=preset, isolated=True)
        if preset
        else Overrides(select=(*codes, "SYN013"), isolated=True)
    )
    report = api.check_text(textwrap.dedent(text).strip() + "\n", path="case.wm", overrides=overrides)
    assert not [d for d in report.diagnostics if d.code.startswith("SYN")], report.diagnostics
    return report.diagnostics


def codes_of(text: str, *codes: str) -> list[tuple[str, int, int]]:
    return [(d.code, d.span.line, d.span.col) for d in check(text, *codes)]


def one(text: str) -> WorkflowAnalysis:
    return analyze(api.loads(textwrap.dedent(text).strip() + "\n", path="case.wm")).workflows[0]


PARALLEL = ("FLW011", "FLW012", "FLW013", "FLW014")


# -- matching forks to joins ------------------------------------------------------------


def test_the_reviews_are_sound() -> None:
    assert codes_of(REVIEWS, *PARALLEL) == []


NESTED = """
workflow w "W" {
  person @ana "Ana"
  intake inbox "Inbox" { owner @ana }
  stage a "A" { owner @ana }
  stage b "B" { owner @ana }
  stage b1 "B1" { owner @ana }
  stage b2 "B2" { owner @ana }
  stage c "C" { owner @ana }
  join inner "Inner"
  join outer "Outer"
  exit done "Done"
  inbox -> a
  a -> b, c
  b -> b1, b2
  b1 -> inner
  b2 -> inner
  inner -> outer
  c -> outer
  outer -> done
}
"""


def test_nested_forks_are_matched_to_their_own_joins() -> None:
    flow = build_graph(api.loads(NESTED).workflows[0])
    assert [(fork.written, fork.join) for fork in flow.forks] == [
        ("a -> b, c", "outer"),
        ("b -> b1, b2", "inner"),
    ]
    assert flow.forks.parallel == {"inner", "outer"}
    assert codes_of(NESTED, *PARALLEL) == []


def test_a_fork_nested_in_a_branch_may_share_the_outer_join() -> None:
    shared = edit(
        ("  b1 -> inner\n  b2 -> inner\n  inner -> outer\n", "  b1 -> outer\n  b2 -> outer\n"),
        ('  join inner "Inner"\n', ""),
        text=NESTED,
    )
    flow = build_graph(api.loads(shared).workflows[0])
    assert [fork.join for fork in flow.forks] == ["outer", "outer"]
    assert codes_of(shared, *PARALLEL) == []


def test_rework_back_into_the_fork_is_a_round_of_rework_not_an_escape() -> None:
    # `security` sends work back to `prepare`, which forks again: the walk
    # never enters the fork's source, so it ends (and finds nothing).
    text = edit(
        ("  changes -> security, legal", "  changes -> prepare\n  prepare -> security, legal"),
        (
            "  join reviewed",
            '  stage prepare "Prepare" in eng { wip 2; effort 1h; done "Ready" }\n  join reviewed',
        ),
        (
            "  security -> reviewed\n",
            "  security -> reviewed\n  security -> prepare { rework; chance 20% }\n",
        ),
    )
    flow = build_graph(api.loads(text).workflows[0])
    (fork,) = flow.forks
    assert fork.join == "reviewed"
    found = leaks(flow, fork)
    assert (found.escapes, found.stuck, found.unfed) == ((), (), ())
    assert codes_of(text, *PARALLEL) == []


def test_a_loop_inside_a_branch_does_not_hang_or_count_as_an_escape() -> None:
    text = edit(
        (
            "  security -> reviewed\n",
            "  security -> legal_check\n  legal_check -> security { rework; chance 10% }\n"
            "  legal_check -> reviewed\n",
        ),
        (
            "  join reviewed",
            '  stage legal_check "Check" in sec { wip 1; effort 1h; done "Checked" }\n  join reviewed',
        ),
    )
    assert codes_of(text, *PARALLEL) == []


# -- FLW011 join-deadlock ---------------------------------------------------------------


def test_a_branch_that_can_end_at_an_exit_deadlocks_its_join() -> None:
    text = edit(("  security -> reviewed\n", "  security -> reviewed\n  security -> rejected\n"))
    (found,) = check(text, "FLW011")
    assert (found.code, found.span.line, found.span.col) == ("FLW011", 11, 3)  # the join
    assert "join `reviewed`" in found.message
    assert "fork `changes -> security, legal`" in found.message
    assert "branch `security`" in found.message
    assert "exit `rejected`" in found.message
    assert "`security -> rejected`" in found.message
    assert [(r.span.line, r.message) for r in found.related] == [
        (15, "fork `changes -> security, legal` opens the branches"),
        (17, "branch `security` escapes here"),
    ]
    assert found.hint is not None
    # `security` already hands work to the join: only its way out moves after it.
    assert "drop `security -> rejected`" in found.hint
    assert "`reviewed -> rejected" in found.hint


def test_an_escape_after_a_stage_of_the_branch_is_found() -> None:
    text = edit(
        ("  legal -> reviewed\n", "  legal -> redraft\n  redraft -> reviewed\n  redraft -> rejected\n"),
        (
            "  join reviewed",
            '  stage redraft "Redraft" in law { wip 1; effort 1h; done "Redrafted" }\n  join reviewed',
        ),
    )
    (found,) = check(text, "FLW011")
    assert "branch `legal`" in found.message
    assert "`redraft -> rejected`" in found.message


def test_a_rework_back_before_the_fork_that_can_end_the_item_is_an_escape() -> None:
    text = edit(
        (
            "  changes -> security, legal",
            "  changes -> prepare\n  prepare -> security, legal\n  prepare -> rejected",
        ),
        (
            "  join reviewed",
            '  stage prepare "Prepare" in eng { wip 2; effort 1h; done "Ready" }\n  join reviewed',
        ),
        ("  security -> reviewed\n", "  security -> reviewed\n  security -> changes_back\n"),
        (
            "  join reviewed",
            '  stage changes_back "Back" in sec { wip 1; effort 1h; done "Sent back" }\n  join reviewed',
        ),
    ).replace("  security -> changes_back\n", "  security -> changes_back\n  changes_back -> prepare_two\n")
    text = text.replace(
        "  changes_back -> prepare_two\n",
        "  changes_back -> rejected { chance 50% }\n  changes_back -> reviewed\n",
    )
    (found,) = check(text, "FLW011")
    assert "`changes_back -> rejected`" in found.message


def test_a_join_that_also_waits_for_an_alternative_deadlocks() -> None:
    # A fast track skips the reviews into the join: work through the fork
    # waits there for `fast`, which only other items take.
    text = edit(
        (
            '  changes -> security, legal "change"\n',
            '  changes -> security, legal "change" { chance 70% }\n  changes -> fast { chance 30% }\n',
        ),
        (
            "  join reviewed",
            '  stage fast "Fast track" in eng { wip 1; effort 1h; done "Checked" }\n  join reviewed',
        ),
        ("  legal -> reviewed\n", "  legal -> reviewed\n  fast -> reviewed\n"),
    )
    (found,) = check(text, *PARALLEL)
    assert found.code == "FLW011"
    assert "waits for `fast -> reviewed`" in found.message
    assert found.hint is not None
    assert "`fast -> release`" in found.hint


def test_a_branch_that_gets_stuck_deadlocks_the_join() -> None:
    text = edit(
        ("  security -> reviewed\n", "  security -> reviewed { chance 50% }\n  security -> limbo\n"),
        (
            "  join reviewed",
            '  stage limbo "Limbo" in sec { wip 1; effort 1h; done "Never" }\n  join reviewed',
        ),
    )
    (found,) = check(text, "FLW011")
    assert "can get stuck at `limbo`" in found.message
    assert found.hint is not None
    assert "`limbo -> reviewed`" in found.hint


# -- FLW012 unsynchronised-fork ---------------------------------------------------------


def test_branches_that_never_meet_are_an_unsynchronised_fork() -> None:
    text = edit(
        (
            "  security -> reviewed\n  legal -> reviewed\n  reviewed -> release\n",
            "  security -> release\n  legal -> release\n",
        ),
        ('  join reviewed "Both reviews done"\n', ""),
    )
    (found,) = check(text, *PARALLEL)
    assert (found.code, found.span.line, found.span.col) == ("FLW012", 14, 3)
    assert "fork `changes -> security, legal` is never closed" in found.message
    assert [r.message for r in found.related] == [
        "branches `security`, `legal` can finish here",
        "branches `security`, `legal` can finish here",
    ]


def test_a_branch_missing_the_join_the_others_meet_at_is_named() -> None:
    text = edit(
        ('  changes -> security, legal "change"\n', '  changes -> security, legal, notes "change"\n'),
        (
            "  join reviewed",
            '  stage notes "Notes" in eng { wip 1; effort 1h; done "Written" }\n  join reviewed',
        ),
        ("  legal -> reviewed\n", "  legal -> reviewed\n  notes -> shipped\n"),
    )
    (found,) = check(text, *PARALLEL)
    assert found.code == "FLW012"
    assert "branch `notes` never reaches join `reviewed`" in found.message
    assert found.hint is not None
    assert "`notes -> reviewed`" in found.hint


def test_an_allow_in_the_fork_block_covers_its_finding() -> None:
    text = edit(
        (
            "  security -> reviewed\n  legal -> reviewed\n  reviewed -> release\n",
            "  security -> release\n  legal -> release\n",
        ),
        ('  join reviewed "Both reviews done"\n', ""),
        ('"change"\n', '"change" { allow FLW012 "notifications only" }\n'),
    )
    assert check(text, "FLW012") == []


# -- FLW013 exclusive-join and FLW014 single-input-join -----------------------------------


def test_a_join_of_alternatives_waits_forever() -> None:
    text = edit(
        ('  changes -> security, legal "change"\n', "  changes -> security\n  changes -> legal\n"),
    )
    (found,) = check(text, *PARALLEL)
    assert (found.code, found.span.line) == ("FLW013", 11)
    assert "join `reviewed` waits for all of `security`, `legal`" in found.message


def test_a_join_with_one_input_waits_for_nothing() -> None:
    text = add(
        """
          stage notes "Notes" in eng { wip 1; effort 1h; done "Written" }
          join noted "Noted"
          release -> notes
          notes -> noted
          noted -> shipped
        """
    )
    (found,) = check(text, *PARALLEL)
    assert found.code == "FLW014"
    assert "join `noted` has one handoff into it, from `notes`" in found.message


# -- the other rules and joins ----------------------------------------------------------


def test_no_other_rule_asks_a_join_for_anything() -> None:
    for found in check(REVIEWS, preset="strict"):
        assert "reviewed" not in found.message, found
        assert found.span.line != 11, found


def test_an_unreachable_or_dead_end_join_is_named_as_a_join() -> None:
    text = add(
        """
          join spare "Spare"
          join stuck "Stuck"
          spare -> shipped
          release -> stuck
        """
    )
    messages = [d.message for d in check(text, "FLW001", "FLW002")]
    assert "join `spare` is unreachable: no intake leads to it" in messages
    assert "join `stuck` is a dead end: work that reaches it can never leave" in messages


GATED = edit(
    ("  security -> reviewed\n", "  security -> reviewed { gate security_ok }\n"),
    ("  legal -> reviewed\n", "  legal -> reviewed { gate legal_ok }\n"),
    (
        "  changes -> security",
        '  decision security_ok "Security sign-off" { decides @bo; informs eng }\n'
        '  decision legal_ok "Legal sign-off" { decides @cy; informs eng }\n'
        "  changes -> security",
    ),
)


def test_parallel_gated_reviews_joined_afterwards_are_not_serial_approvals() -> None:
    assert check(GATED, "FLW008") == []


def test_a_gated_fork_followed_by_gates_is_reported_once() -> None:
    text = edit(
        (
            '  changes -> security, legal "change"\n',
            '  changes -> security, legal "change" { gate triage_ok }\n',
        ),
        ("  changes -> security", '  decision triage_ok "Triage" { decides @ana }\n  changes -> security'),
        text=GATED,
    )
    found = check(text, "FLW008")
    assert len(found) == 1, found


def test_lanes_that_meet_only_through_a_join_are_not_silos() -> None:
    # `publish` (lane comms) receives work only from the join.
    text = edit(
        ("  reviewed -> release\n", "  reviewed -> publish\n  publish -> release\n"),
        (
            "  join reviewed",
            '  stage publish "Publish" in comms { wip 1; effort 1h; done "Announced" }\n  join reviewed',
        ),
        ('  lane law "Legal"', '  lane comms "Comms" { owner @ana; members @ana 10% }\n  lane law "Legal"'),
    )
    assert check(text, "SYS002") == []
    lonely = edit(
        (
            "  reviewed -> publish\n  publish -> release\n",
            "  reviewed -> release\n  changes -> publish\n  publish -> shipped\n",
        ),
        text=text,
    )
    assert [d.message for d in check(lonely, "SYS002")] == [
        "lane `comms` works in a silo: no handoff connects it to another lane"
    ]


def test_a_fork_is_one_alternative_for_the_rework_check() -> None:
    # `check -> build, docs` closes a loop: the fork is the only way out of
    # `check`, so all of its work takes it and no chance is missing.
    text = """
    workflow w "W" {
      person @ana "Ana"
      intake inbox "Inbox" { owner @ana }
      stage build "Build" { owner @ana; wip 1 }
      stage check "Check" { owner @ana; wip 1 }
      stage docs "Docs" { owner @ana; wip 1 }
      exit done "Done"
      inbox -> build
      build -> check { chance 50% }
      build -> done
      check -> build, docs
      docs -> done
    }
    """
    assert check(text, "FLW010") == []


def test_a_join_does_not_interrupt_or_start_a_run_between_lanes() -> None:
    text = edit(
        ("  reviewed -> release\n", "  reviewed -> release\n"),
    )
    assert check(text, "FLW009") == []


def test_the_realistic_examples_stay_clean_of_the_new_rules() -> None:
    from pathlib import Path

    examples = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.wm"))
    report = api.check(examples, select=list(PARALLEL))
    assert report.diagnostics == []


# -- the analysis -----------------------------------------------------------------------


def test_every_branch_receives_the_whole_share_and_the_join_passes_each_item_once() -> None:
    result = one(REVIEWS)
    # 6 a week into the fork: each branch 6 a week, the stage after the join 6, not 12.
    assert result.stage("security").per_week == pytest.approx(6)
    assert result.stage("legal").per_week == pytest.approx(6)
    assert result.stage("release").per_week == pytest.approx(6)
    (join,) = result.joins
    assert (join.name, join.per_week) == ("reviewed", pytest.approx(6))
    assert result.route("changes", "security") == 1.0
    assert result.route("changes", "legal") == 1.0


def test_a_fork_with_a_chance_gives_each_branch_all_of_it() -> None:
    text = edit(
        (
            '  changes -> security, legal "change"\n',
            '  changes -> security, legal "change" { chance 60% }\n  changes -> rejected\n',
        ),
    )
    result = one(text)
    assert result.route("changes", "security") == pytest.approx(0.6)
    assert result.route("changes", "legal") == pytest.approx(0.6)
    assert result.route("changes", "rejected") == pytest.approx(0.4)
    assert result.stage("release").per_week == pytest.approx(3.6)


def test_a_fork_without_a_chance_is_one_alternative_among_the_handoffs() -> None:
    text = edit(
        (
            '  changes -> security, legal "change"\n',
            '  changes -> security, legal "change"\n  changes -> rejected\n',
        )
    )
    result = one(text)
    assert [result.route("changes", n) for n in ("security", "legal", "rejected")] == [0.5, 0.5, 0.5]
    assert result.stage("security").per_week == pytest.approx(3)
    assert result.stage("release").per_week == pytest.approx(3)


def test_lead_time_counts_the_slowest_branch_and_the_wait_at_the_join() -> None:
    # λ = 0.15 an hour everywhere. M/M/1 times in stage 1/(μ − λ):
    # security 1/(0.5 − 0.15) = 2.857h, legal and release 1/(1 − 0.15) = 1.176h.
    # E[max] of the branches = t1 + t2 − 1/(1/t1 + 1/t2) = 2.857 + 1.176 − 1/1.2.
    security, legal = 1 / 0.35, 1 / 0.85
    last = security + legal - 1 / (0.35 + 0.85)
    result = one(REVIEWS)
    assert result.stage("security").time == pytest.approx(security)
    assert result.lead_time == pytest.approx(last + legal)  # legal's time is release's too
    assert result.joins[0].wait == pytest.approx(last - security)
    assert result.lead_time < security + 2 * legal  # the sum of every stage


def test_expected_last_of_exponential_times() -> None:
    assert expected_last([2.0]) == pytest.approx(2.0)
    assert expected_last([1.0, 1.0]) == pytest.approx(1.5)  # H_2
    assert expected_last([1.0, 1.0, 1.0]) == pytest.approx(1 + 1 / 2 + 1 / 3)  # H_3
    assert expected_last([3.0, 0.0]) == pytest.approx(3.0)
    assert expected_last([]) == 0.0


def test_nested_forks_are_corrected_innermost_first() -> None:
    # Every stage: 1 a week at 1h with one server: ρ = 0.025, time 1/(1 − 0.025).
    text = NESTED.replace('") { owner @ana }', "").replace(
        '"Inbox" { owner @ana }', '"Inbox" { owner @ana; arrivals 1 per week }'
    )
    for name in ("a", "b", "b1", "b2", "c"):
        text = text.replace(
            f'"{name.upper()}" {{ owner @ana }}', f'"{name.upper()}" {{ owner @ana; effort 1h }}'
        )
    result = one(text)
    t = 1 / (1 - 0.025)
    assert all(s.time == pytest.approx(t) for s in result.stages)
    inner = expected_last([t, t])  # b1 and b2
    outer = expected_last([t + inner, t])  # b and what follows it, against c
    assert result.lead_time == pytest.approx(t + outer)


def test_the_main_path_goes_through_the_join_along_the_slowest_branch() -> None:
    result = one(REVIEWS)
    (path,) = result.main_paths
    assert path.nodes == ("changes", "security", "reviewed", "release", "shipped")
    assert path.process_time == pytest.approx(3.0)  # 2h + 1h: the branches overlap
    assert path.probability == pytest.approx(0.5)


def test_the_analysis_reports_joins() -> None:
    import json

    from wmdsl.output.analysis import format_analysis_json, format_analysis_text

    result = analyze(api.loads(REVIEWS, path="case.wm"))
    assert "join `reviewed`: 6 items a week go on" in format_analysis_text(result)
    (join,) = json.loads(format_analysis_json(result))["workflows"][0]["joins"]
    assert join["name"] == "reviewed"
    assert join["per_week"] == pytest.approx(6)


# -- cost -------------------------------------------------------------------------------


def diamonds(n: int, escape: bool = False) -> str:
    """A chain of ``n`` fork-join diamonds, each branch one stage (``a`` can reject, if ``escape``)."""
    lines = [
        'workflow w "W" {',
        '  person @ana "Ana"',
        '  intake inbox "Inbox" { owner @ana; arrivals 1 per week }',
    ]
    lines += ['  exit done "Done"', '  exit rejected "Rejected" { kind rejected }', "  inbox -> s0"]
    for i in range(n):
        lines += [
            f'  stage s{i} "S{i}" {{ owner @ana; effort 1m }}',
            f'  stage a{i} "A{i}" {{ owner @ana; effort 1m }}',
            f'  stage b{i} "B{i}" {{ owner @ana; effort 1m }}',
            f'  join j{i} "J{i}"',
            f"  s{i} -> a{i}, b{i}",
            f"  a{i} -> j{i}",
            f"  b{i} -> j{i}",
            f"  j{i} -> {f's{i + 1}' if i + 1 < n else 'done'}",
        ]
        if escape:
            lines.append(f"  a{i} -> rejected")
    return "\n".join([*lines, "}"]) + "\n"


@pytest.mark.parametrize("escape", [False, True])
def test_matching_and_checking_a_chain_of_forks_grows_linearly(escape: bool) -> None:
    from tests.tracing import lines_run
    from wmdsl.rules.registry import RuleContext, all_rules

    rules = [rule for rule in all_rules() if rule.code.code in PARALLEL]
    documents = {n: api.loads(diamonds(n, escape)) for n in (25, 200)}

    def work(n: int) -> None:
        context = RuleContext(documents[n])
        for rule in rules:
            list(rule.check(context, rule.defaults()))
        analyze(documents[n])

    work(25)
    small, large = lines_run(lambda: work(25)), lines_run(lambda: work(200))
    assert large < 1.5 * 8 * small, (small, large)
    found = check(diamonds(5, escape), *PARALLEL)
    assert [d.code for d in found] == (["FLW011"] * 5 if escape else [])
