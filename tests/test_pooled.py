"""Load pooled across a project: lanes and people shared by several workflows and files.

FLW015/FLW016 add up what every stage of a lane asks of it, HUM007/HUM008
what every lane and stage asks of a person, over every workflow of every file
a run checks, a person or lane being its declaration. The acceptance cases
of the rules are here, with how they meet the cache, worker processes,
``allow`` and the settings.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from wmdsl import api
from wmdsl.diagnostics import Diagnostic
from wmdsl.flow.load import pool
from wmdsl.project.settings import Overrides
from wmdsl.rules.registry import RuleContext, load_sheet

POOLED = ["FLW006", "FLW007", "FLW015", "FLW016", "HUM007", "HUM008", "SYN013"]


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def workflow(name: str, lane: str, stages: list[tuple[str, float, str]], owner: str = "@ana") -> str:
    """A workflow whose intake feeds each of ``stages`` (name, arrivals a week, effort) in ``lane``."""
    lines = [f'workflow {name} "{name.title()}" {{', f"  owner {owner}"]
    for stage, arrivals, effort in stages:
        lines += [
            f'  intake {stage}_in "{stage} requests" {{ owner {owner}; arrivals {arrivals} per week }}',
            f'  stage {stage} "{stage.title()}" in {lane} {{ wip 9; effort {effort} }}',
            f"  {stage}_in -> {stage}",
            f"  {stage} -> done",
        ]
    lines += ['  exit done "Done"', "}", ""]
    return "\n".join(lines)


@pytest.fixture
def pooled(project: Path) -> Path:
    """The project, checked with the rules of its load only."""
    (project / "wmdsl.toml").write_text(f"select = {POOLED!r}\n".replace("'", '"'), encoding="utf-8")
    return project


def found(report: api.Report, code: str) -> list[Diagnostic]:
    return [d for d in report.diagnostics if d.code == code]


SHARED = """
person @ana "Ana Lima"
person @bo "Bo Berg"
person @cy "Cy Diaz"
lane platform "Platform" { owner @ana; members @ana, @bo, @cy 50% }
"""


def test_a_lane_at_148_percent_is_an_error_naming_its_stages(pooled: Path) -> None:
    write(pooled, "shared.wm", SHARED)
    delivery = workflow("delivery", "platform", [("build", 10, "1d"), ("verify", 10, "4h")])
    write(pooled, "delivery.wm", 'import "shared.wm"\n' + delivery)
    write(
        pooled, "it_ops.wm", 'import "shared.wm"\n' + workflow("it_ops", "platform", [("restore", 3.5, "1d")])
    )
    report = api.check([pooled])
    (lane,) = found(report, "FLW015")
    assert lane.severity.label == "error"
    assert (lane.span.file, lane.span.line) == ("shared.wm", 4)
    assert lane.message == (
        "lane `platform` needs 3.7 FTE for 3 stages in 2 workflows "
        "(`delivery`: build 2, verify 1; `it_ops`: restore 0.7) and has 2.5 FTE (148%)"
    )
    assert [(r.span.file, r.span.line) for r in lane.related] == [
        ("delivery.wm", 5),
        ("delivery.wm", 9),
        ("it_ops.wm", 5),
    ]
    assert lane.hint is not None
    assert "add people" in lane.hint
    assert "wip" not in lane.hint
    assert not found(report, "FLW006")  # no stage alone is over its capacity
    assert report.exit_code() == 1


def test_one_file_with_two_workflows_on_one_lane_is_reported(pooled: Path) -> None:
    text = (
        SHARED + workflow("one", "platform", [("a", 8, "1d")]) + workflow("two", "platform", [("b", 8, "1d")])
    )
    write(pooled, "single.wm", text)
    (lane,) = found(api.check(["single.wm"]), "FLW015")
    assert "1 workflow" not in lane.message
    assert "(128%)" in lane.message
    assert found(api.check_text(text, path="single.wm", select=["FLW015"]), "FLW015")


def test_the_hint_names_a_lane_of_the_same_workflow_with_room(pooled: Path) -> None:
    text = SHARED.replace("@cy 50% }", '@cy 50% }\nlane back "Back" { owner @bo; members @bo 50%, @cy }')
    one = workflow("one", "platform", [("a", 8, "1d"), ("b", 2, "1d")])
    extra = workflow("x", "back", [("c", 1, "1d")]).splitlines()[2:6]  # an intake and a stage in `back`
    write(
        pooled,
        "single.wm",
        text + one.replace('  exit done "Done"', "\n".join([*extra, '  exit done "Done"'])),
    )
    (lane,) = found(api.check(["single.wm"]), "FLW015")
    # platform: 2 FTE of work for its 2 FTE; back, which the workflow also uses: 0.2 of its 1 FTE.
    assert "needs 2 FTE for 2 stages in 1 workflow (`one`: a 1.6, b 0.4) and has 2 FTE (100%)" in lane.message
    assert lane.hint is not None
    assert lane.hint.endswith(", e.g. stage `b` (0.4 FTE) to lane `back`, which has 0.8 FTE to spare")


PEOPLE = """
person @ana "Ana Lima"
lane ops "Operations" { owner @ana; members @ana }
"""


def _two_files_on_ana(folder: Path) -> None:
    write(folder, "org/people.wm", PEOPLE)
    write(folder, "a.wm", 'import "org/people.wm"\n' + workflow("alpha", "ops", [("handle", 4.75, "1d")]))
    write(folder, "b.wm", 'import "org/people.wm"\n' + workflow("beta", "ops", [("serve", 4.75, "1d")]))


def test_a_person_shared_by_two_workflows_in_two_files_at_190_percent_is_an_error(pooled: Path) -> None:
    _two_files_on_ana(pooled)
    report = api.check(["a.wm", "b.wm"])
    (person,) = found(report, "HUM007")
    assert person.severity.label == "error"
    assert (person.span.file, person.span.line) == ("org/people.wm", 1)
    assert person.message.startswith(
        "`@ana` is asked for 1.9 FTE of work in 2 workflows and has 1 FTE (190%)"
    )
    assert "`alpha`: handle 0.95" in person.message
    assert "`beta`: serve 0.95" in person.message
    assert found(report, "FLW015")  # her one lane is over too
    # Each file alone keeps her under her capacity: only the project sees it.
    assert not found(api.check(["a.wm"]), "HUM007")


def test_two_unrelated_files_declaring_the_same_handle_do_not_pool(pooled: Path) -> None:
    for name, stage in (("a.wm", "handle"), ("b.wm", "serve")):
        write(pooled, name, PEOPLE + workflow(name[0] * 3, "ops", [(stage, 4.75, "1d")]))
    report = api.check([pooled])
    assert not found(report, "HUM007")
    assert not found(report, "FLW015")
    assert len(found(report, "FLW007")) == 2  # each stage on its own is near its capacity


def test_each_finding_is_reported_once_however_the_files_are_named(pooled: Path) -> None:
    _two_files_on_ana(pooled)
    for paths in (["."], ["a.wm", "b.wm", "org/people.wm"], ["b.wm", "a.wm", "a.wm"]):
        report = api.check(paths)
        assert [d.code for d in report.diagnostics if d.code in ("HUM007", "FLW015")] == ["HUM007", "FLW015"]


def test_cached_results_still_count_and_match_a_fresh_check(pooled: Path) -> None:
    _two_files_on_ana(pooled)
    fresh = api.check(["."])
    first = api.check(["."], cache=True)
    second = api.check(["."], cache=True)  # every file a hit
    assert first.diagnostics == second.diagnostics == fresh.diagnostics
    assert second.sources.keys() == fresh.sources.keys()  # the frame of the shared file is there
    # One file changed (a miss) and one unchanged (a hit): pooled all the same.
    write(pooled, "b.wm", 'import "org/people.wm"\n' + workflow("beta", "ops", [("serve", 1, "1d")]))
    third = api.check(["."], cache=True)
    assert third.diagnostics == api.check(["."]).diagnostics
    assert "1.15 FTE" in found(third, "FLW015")[0].message
    assert "1.15 FTE of work in 2 workflows" in found(third, "HUM007")[0].message


def test_an_unchanged_run_takes_the_findings_of_the_whole_run_from_the_cache(
    pooled: Path, private_cache: Path
) -> None:
    _two_files_on_ana(pooled)
    fresh = api.check(["."])
    api.check(["."], cache=True)
    assert len(list(private_cache.rglob("*.project"))) == 1
    assert api.check(["."], cache=True).diagnostics == fresh.diagnostics  # every file a hit, the run too
    # A forged record of the run (signed with another key) is not believed.
    from wmdsl.project import cache

    (record,) = private_cache.rglob("*.project")
    _, _, payload = record.read_bytes().partition(b"\n")
    forged = payload.replace(b"HUM007", b"HUM008")
    other = cache.Cache(Path(str(pooled)).resolve(), b"k" * 32, private_cache, api.Limits())
    record.write_bytes(other._sign(forged).encode() + b"\n" + forged)
    assert api.check(["."], cache=True).diagnostics == fresh.diagnostics


def test_a_changed_load_sheet_beside_a_record_is_worked_out_again(pooled: Path, private_cache: Path) -> None:
    _two_files_on_ana(pooled)
    fresh = api.check(["."])
    api.check(["."], cache=True)
    for record in private_cache.rglob("*.project"):
        record.unlink()  # the run's findings are worked out again, from the sheets
    sheets = sorted(private_cache.rglob("*.loads"))
    assert sheets
    for sheet in sheets:
        data = json.loads(sheet.read_bytes())
        for stage in data["stages"]:
            stage[6] = 0.01  # each stage's load, as if it asked next to nothing
        sheet.write_text(json.dumps(data), encoding="utf-8")
    assert api.check(["."], cache=True).diagnostics == fresh.diagnostics
    assert found(fresh, "HUM007")


def test_worker_processes_send_the_load_back(pooled: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _two_files_on_ana(pooled)
    monkeypatch.setattr(api, "PARALLEL_FROM", 1)
    assert api.check(["."], jobs=2).diagnostics == api.check(["."], jobs=1).diagnostics


def test_a_lane_of_one_stage_already_overloaded_is_not_reported_again(pooled: Path) -> None:
    write(pooled, "one.wm", PEOPLE + workflow("solo", "ops", [("handle", 6, "1d")]))
    report = api.check(["one.wm"])
    assert [d.code for d in report.diagnostics] == ["FLW006"]


def test_a_person_whose_load_is_one_lane_in_one_workflow_is_left_to_the_lane(pooled: Path) -> None:
    text = PEOPLE + workflow("solo", "ops", [("a", 3, "1d"), ("b", 3, "1d")])
    write(pooled, "one.wm", text)
    assert [d.code for d in api.check(["one.wm"]).diagnostics] == ["FLW015"]


def test_a_person_in_lanes_of_two_files_splits_their_time(pooled: Path) -> None:
    write(pooled, "people.wm", 'person @ana "Ana Lima"\n')
    for name, lane, stage in (("a.wm", "front", "handle"), ("b.wm", "back", "serve")):
        text = f'import "people.wm"\nlane {lane} "{lane.title()}" {{ owner @ana; members @ana }}\n'
        write(pooled, name, text + workflow(name[0] * 3, lane, [(stage, 2, "1d")]))
    report = api.check(["."])
    # Alone, each file gives Ana's whole week to its lane (0.4 of 1 FTE); together she has half
    # a week for each, and each lane is near its capacity (80% < 85%: no finding) ...
    assert not found(report, "FLW016")
    assert not found(report, "FLW015")
    assert not found(report, "HUM007")
    assert not found(report, "HUM008")
    write(pooled, "b.wm", (pooled / "b.wm").read_text().replace("arrivals 2", "arrivals 2.25"))
    report = api.check(["."])
    # ... until the second lane reaches 90% of her half: lane and person both near capacity.
    assert "has 0.5 FTE (90%" in found(report, "FLW016")[0].message
    assert "0.85 FTE of work in 2 workflows" in found(report, "HUM008")[0].message


def test_near_capacity_follows_the_threshold_of_flw007(pooled: Path) -> None:
    text = (
        SHARED
        + workflow("one", "platform", [("a", 5.5, "1d")])
        + workflow("two", "platform", [("b", 5.5, "1d")])
    )
    write(pooled, "single.wm", text)
    assert "threshold 85%" in found(api.check(["single.wm"]), "FLW016")[0].message
    with (pooled / "wmdsl.toml").open("a", encoding="utf-8") as config:
        config.write("[options.FLW007]\nthreshold = 0.9\n")
    assert not found(api.check(["single.wm"]), "FLW016")


def test_allow_on_the_declaration_accepts_the_finding(pooled: Path) -> None:
    _two_files_on_ana(pooled)
    people = pooled / "org/people.wm"
    allowed = PEOPLE.replace('"Ana Lima"', '"Ana Lima" { allow HUM007 "covered by a contractor" }')
    people.write_text(allowed, encoding="utf-8")
    report = api.check(["."])
    assert not found(report, "HUM007")
    assert found(report, "FLW015")
    # An allow on a shared declaration may be there for other files: never reported unused.
    people.write_text(allowed.replace("HUM007", "HUM008"), encoding="utf-8")
    assert not found(api.check(["."]), "SYN013")
    assert found(api.check(["."], honour_allows=False), "HUM007")


def test_an_unused_allow_of_a_pooled_rule_is_reported_once(pooled: Path) -> None:
    def spec(stages: list[tuple[str, float, str]]) -> str:
        # The lane is the workflow's own, so the workflow's allow covers it.
        allow = '  owner @ana\n  allow FLW015 "busy season"\n' + PEOPLE.strip() + "\n"
        return workflow("solo", "ops", stages).replace("  owner @ana\n", allow, 1)

    write(pooled, "one.wm", spec([("a", 1, "1d")]))
    report = api.check(["one.wm", "./one.wm"])
    assert [(d.code, d.span.line) for d in report.diagnostics] == [("SYN013", 3)]
    write(pooled, "one.wm", spec([("a", 3, "1d"), ("b", 3, "1d")]))
    assert api.check(["one.wm"]).diagnostics == []
    assert [d.code for d in api.check(["one.wm"], honour_allows=False).diagnostics] == ["FLW015"]


def test_per_file_ignores_of_the_declaring_file_apply(pooled: Path) -> None:
    _two_files_on_ana(pooled)
    with (pooled / "wmdsl.toml").open("a", encoding="utf-8") as config:
        config.write('[per-file-ignores]\n"org/*.wm" = ["HUM007"]\n')
    report = api.check(["."])
    assert not found(report, "HUM007")
    assert found(report, "FLW015")


def test_a_run_that_selects_other_rules_reports_none_of_them(pooled: Path) -> None:
    _two_files_on_ana(pooled)
    report = api.check(["."], overrides=Overrides(select=("FLW006",)))
    assert report.diagnostics == []


def test_workflows_on_different_calendars_add_up_in_full_time_equivalents(pooled: Path) -> None:
    # Around the clock, 7 items a week at 4h each are 28 hours of work a week: 0.7 FTE;
    # on office hours, 4 a week at 1d each are 32 hours: 0.8 FTE. Together 1.5 of Ana's 1 FTE.
    around = workflow("night", "ops", [("watch", 7, "4h")]).replace(
        "  owner @ana\n", "  owner @ana\n  hours 24x7\n", 1
    )
    text = PEOPLE + around + workflow("day", "ops", [("fix", 4, "1d")])
    write(pooled, "two.wm", text)
    (lane,) = found(api.check(["two.wm"]), "FLW015")
    assert "needs 1.5 FTE for 2 stages in 2 workflows" in lane.message
    assert "(`day`: fix 0.8; `night`: watch 0.7) and has 1 FTE (150%)" in lane.message


def test_pooled_figures() -> None:
    text = (
        textwrap.dedent(
            """
        person @ana "Ana" { capacity 0.8 }
        person @bo "Bo"
        lane a "A" { owner @ana; members @ana 25%, @bo }
        lane b "B" { owner @bo; members @bo, @ana }
        """
        )
        + workflow("w", "a", [("s", 4, "1d")])
        + workflow("v", "b", [("t", 2, "1d")], owner="@bo")
    )
    document = api.loads(text)
    result = pool([load_sheet(RuleContext(document))])
    lanes = {lane.lane.name: lane for lane in result.lanes}
    # Ana: 25% of 0.8 to a, the 75% left to b; Bo: half to each.
    assert lanes["a"].fte == pytest.approx(0.2 + 0.5)
    assert lanes["b"].fte == pytest.approx(0.6 + 0.5)
    assert lanes["a"].load == pytest.approx(0.8)
    assert lanes["b"].load == pytest.approx(0.4)
    people = {p.person.handle: p for p in result.people}
    assert people["@ana"].load == pytest.approx(0.8 * 0.2 / 0.7 + 0.4 * 0.6 / 1.1)
    assert people["@bo"].load == pytest.approx(0.8 * 0.5 / 0.7 + 0.4 * 0.5 / 1.1)
    assert people["@ana"].workflows == ("w", "v")
