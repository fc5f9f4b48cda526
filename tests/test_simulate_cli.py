"""``wmdsl simulate`` and ``check --simulate`` on the command line: goldens, what-ifs, errors, outputs."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

pytest.importorskip("simpy")

from click.testing import CliRunner

from tests.goldens import SIMULATED_FORMATS, SIMULATED_SPECS, simulated, simulated_golden
from wmdsl.cli import cli

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
QUICK = ("--replications", "2", "--until", "6w", "--jobs", "1", "--no-progress")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


@pytest.mark.parametrize("name", SIMULATED_SPECS)
@pytest.mark.parametrize("form", list(SIMULATED_FORMATS))
def test_output_matches_golden(name: str, form: str) -> None:
    """Seed 1 gives these figures exactly (regenerate with ``python -m tests.goldens``)."""
    assert simulated(name, form) == simulated_golden(name, form).read_text(encoding="utf-8")


def test_the_command_prints_what_the_golden_holds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLES)
    code, output = run("simulate", "procurement.wm", "--replications", "3", "--until", "12w", "--no-progress")
    assert code == 0, output
    assert output == simulated_golden("procurement", "text").read_text(encoding="utf-8")


def test_set_changes_the_run_and_says_so() -> None:
    spec = str(EXAMPLES / "software-delivery.wm")
    code, output = run(
        "simulate", spec, *QUICK, "--format", "json", "--set", "build.wip=2", "--set", "eng.capacity=2"
    )
    assert code == 0, output
    document = json.loads(output)
    assert document["simulation"]["changes"] == {"build.wip": "2", "eng.capacity": "2"}
    build = next(s for s in document["workflows"][0]["stages"] if s["name"] == "build")
    assert build["servers"] == 2.0
    assert build["unstable"]  # 12h of work 10 times a week on two people


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("buidl.wip=3", "did you mean `build`?"),
        (
            "build.speed=3",
            "a stage has no `speed` to set; it has `wip`, `effort`, `variability`, `shape` or `cv`",
        ),
        ("build.effort=2x", "unknown unit `x` in duration `2x`"),
        ("build.wip=0", "`wip` must be a whole number of at least 1"),
        ("roadmap.arrivals=lots", "expected a rate such as `6 per week`"),
        ("build.shape=normal", "unknown distribution `normal`"),
        ("triage->build.chance=95%", "now add up to 120%"),
        ("build", "expected KEY=VALUE"),
    ],
)
def test_a_wrong_change_is_refused_with_the_reason(change: str, message: str) -> None:
    code, output = run("simulate", str(EXAMPLES / "software-delivery.wm"), *QUICK, "--set", change)
    assert code == 2
    assert message in output
    assert "Traceback" not in output


def _copy_examples(tmp_path: Path) -> Path:
    """The examples (with the shared files they import) in a folder of their own."""
    shutil.copytree(EXAMPLES, tmp_path / "examples", ignore=shutil.ignore_patterns("broken"))
    (tmp_path / "examples" / "wmdsl.toml").write_text("", encoding="utf-8")
    return tmp_path / "examples"


def test_scenario_files_compare_side_by_side(tmp_path: Path) -> None:
    _copy_examples(tmp_path)
    (tmp_path / "base.toml").write_text(
        'name = "today"\nspecs = ["examples/software-delivery.wm"]\n', encoding="utf-8"
    )
    (tmp_path / "faster.toml").write_text(
        'name = "more engineers"\nspecs = ["examples/software-delivery.wm"]\n'
        '[set]\n"eng.capacity" = 8\nbuild.wip = 8\n',
        encoding="utf-8",
    )
    code, output = run(
        "simulate", "--compare", str(tmp_path / "base.toml"), str(tmp_path / "faster.toml"), *QUICK
    )
    assert code == 0, output
    header = next(line for line in output.splitlines() if "today" in line and "Δ" in line)
    assert "more engineers" in header
    assert "more engineers: eng.capacity=8, build.wip=8" in output
    assert "ρ `build`" in output
    assert "−" in output  # fewer people busy a larger share
    code, as_json = run(
        "simulate",
        "--compare",
        str(tmp_path / "base.toml"),
        str(tmp_path / "faster.toml"),
        *QUICK,
        "--format",
        "json",
    )
    assert [s["name"] for s in json.loads(as_json)["scenarios"]] == ["today", "more engineers"]


def test_compare_with_set_alone_compares_with_the_spec_as_written() -> None:
    code, output = run(
        "simulate", str(EXAMPLES / "hiring.wm"), *QUICK, "--compare", "--set", "panel.capacity=1"
    )
    assert code == 0, output
    assert "as written" in output
    assert "with --set" in output


def test_a_wrong_scenario_file_says_where(tmp_path: Path) -> None:
    scenario = tmp_path / "bad.toml"
    scenario.write_text('name = "bad"\n[set]\n"eng.capacity" = 2\n"build.wipp" = 3\n', encoding="utf-8")
    code, output = run("simulate", str(EXAMPLES / "software-delivery.wm"), str(scenario), *QUICK)
    assert code == 2
    assert f"{scenario}:4:2" in output
    assert "a stage has no `wipp` to set" in output
    scenario.write_text("seed = [\n", encoding="utf-8")
    code, output = run("simulate", str(EXAMPLES / "software-delivery.wm"), str(scenario), *QUICK)
    assert code == 2
    assert "not valid TOML" in output
    scenario.write_text('colour = "red"\n', encoding="utf-8")
    code, output = run("simulate", str(EXAMPLES / "software-delivery.wm"), str(scenario), *QUICK)
    assert code == 2
    assert "unknown key `colour`" in output


def test_a_scenario_gives_settings_the_command_line_overrides(tmp_path: Path) -> None:
    scenario = tmp_path / "long.toml"
    scenario.write_text('seed = 4\nreplications = 3\nuntil = "5w"\n', encoding="utf-8")
    spec = str(EXAMPLES / "hiring.wm")
    code, output = run("simulate", spec, str(scenario), "--no-progress", "--jobs", "1", "--format", "json")
    settings = json.loads(output)["simulation"]
    assert code == 0
    assert (settings["seed"], settings["replications"], settings["until_weeks"]) == (4, 3, 5)
    code, output = run(
        "simulate", spec, str(scenario), "--no-progress", "--jobs", "1", "--format", "json", "--seed", "6"
    )
    assert json.loads(output)["simulation"]["seed"] == 6


def test_language_errors_refuse_and_a_missing_spec_is_a_usage_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.wm"
    broken.write_text('workflow w "W" {\n  stage a "A" in nowhere\n}\n', encoding="utf-8")
    code, output = run("simulate", str(broken), *QUICK)
    assert code == 1
    assert "not simulated: fix the errors above" in output
    code, output = run("simulate", *QUICK)
    assert code == 2
    assert "name the specs to simulate" in output
    code, output = run("simulate", str(tmp_path / "none.wm"), *QUICK)
    assert code == 2


def test_output_file_is_written_and_never_over_a_spec(tmp_path: Path) -> None:
    spec = _copy_examples(tmp_path) / "hiring.wm"
    out = tmp_path / "report.json"
    code, output = run("simulate", str(spec), *QUICK, "--format", "json", "-o", str(out))
    assert code == 0, output
    assert json.loads(out.read_text(encoding="utf-8"))["workflows"][0]["name"] == "hiring"
    code, output = run("simulate", str(spec), *QUICK, "-o", str(spec))
    assert code == 2
    assert "refusing to write over" in output


def test_items_sends_that_many_items() -> None:
    code, output = run(
        "simulate",
        str(EXAMPLES / "software-delivery.wm"),
        "--items",
        "300",
        "--replications",
        "2",
        "--jobs",
        "1",
        "--no-progress",
        "--format",
        "json",
    )
    assert code == 0, output
    document = json.loads(output)
    assert document["simulation"]["items"] == 300
    flow = document["workflows"][0]
    delivered = sum(i["delivered"] for i in flow["intakes"])
    assert 0 < delivered <= 2 * 300
    assert flow["unfinished"] == 0


def test_charts_are_written_the_same_twice(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    spec = str(EXAMPLES / "procurement.wm")
    for folder in ("one", "two"):
        code, output = run(
            "simulate",
            spec,
            *QUICK,
            "--plots",
            str(tmp_path / folder),
            "--plot-format",
            "svg",
            "--plot-format",
            "png",
        )
        assert code == 0, output
    names = sorted(os.listdir(tmp_path / "one"))
    assert names == sorted(
        f"procurement-{k}.{f}" for k in ("flow", "lead-time", "utilisation") for f in ("png", "svg")
    )
    for name in names:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name
    svg = (tmp_path / "one" / "procurement-utilisation.svg").read_text(encoding="utf-8")
    assert "<text" in svg
    assert "security_review" in svg
    assert "<dc:date>" not in svg


def test_check_simulate_judges_by_the_simulation() -> None:
    spec = str(EXAMPLES / "broken" / "FLW006-overloaded-stage.wm")
    code, plain = run("check", spec, "--select", "FLW006", "--no-cache")
    assert code == 1
    assert "keep it 120% busy" in plain
    code, simulated_check = run("check", spec, "--select", "FLW006", "--no-cache", "--simulate")
    assert code == 1
    assert "cannot keep up in the simulation" in simulated_check
    # `fix` is past capacity; `triage`, before it, is held up by it (its WIP limit blocks).
    assert "stage `fix`" in simulated_check
    assert "stage `triage`" in simulated_check


def test_check_simulate_reports_a_missed_sle_with_its_share() -> None:
    code, output = run(
        "check", str(EXAMPLES / "software-delivery.wm"), "--select", "PRG001", "--no-cache", "--simulate"
    )
    assert code == 0
    assert "in the simulation" in output
    assert "work type `defect`" in output
    assert "short of the 85%" in output
    code, output = run("check", str(EXAMPLES / "software-delivery.wm"), "--select", "PRG001", "--no-cache")
    assert "All clear" in output


def test_docs_simulate_adds_a_page_every_page_links_to(tmp_path: Path) -> None:
    from tests.test_handbook import _check_site
    from tests.test_render_raci import HOSTILE
    from wmdsl import api
    from wmdsl.handbook import build_handbook
    from wmdsl.simulate import simulate
    from wmdsl.simulate.runner import Settings

    document = api.loads(HOSTILE)
    result = simulate([document], Settings(replications=2, until=6, jobs=1))
    files = build_handbook(document, api.check_text(HOSTILE), None, simulation=result)
    _check_site(files)  # parses, balances, links inside the site, runs nothing
    page = files["simulation.html"].decode()
    assert "Simulation" in page
    assert "<script>alert" not in page
    assert 'href="simulation.html"' in files["index.html"].decode()
    assert "[Simulation](../simulation.md)" in files["lanes/eng.md"].decode()
    code, output = run("docs", str(EXAMPLES / "hiring.wm"), "-o", str(tmp_path / "site"), "--simulate")
    assert code == 0, output
    text = (tmp_path / "site" / "simulation.md").read_text(encoding="utf-8")
    assert "| `tech_interview` | `panel` |" in text
    assert "SLE of `engineer`" in text or "| Promise |" in text


def test_without_the_extra_the_commands_say_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    found = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "simpy" else found(name, *a)
    )
    spec = str(EXAMPLES / "hiring.wm")
    for command in (
        ("simulate", spec),
        ("check", spec, "--simulate"),
        ("docs", spec, "-o", "site", "--simulate"),
    ):
        code, output = run(*command)
        assert code == 2, command
        assert "needs simpy, which is not installed" in output
        assert "pip install '.[simulate]'" in output


def test_the_simulation_benchmark_runs(tmp_path: Path) -> None:
    import subprocess
    import sys

    out = tmp_path / "results.json"
    args = ["--sizes", "40", "--items", "300", "--replications", "2", "--out", str(out)]
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "simulate.py"), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(out.read_text(encoding="utf-8"))["sizes"][0]
    assert found["stages"] == 40
    assert found["items"] == 300
    assert found["items_per_s"] > 0
    assert found["speedup"] > 0


def test_hostile_names_are_safe_in_every_output() -> None:
    import xml.dom.minidom

    from tests.test_render_raci import HOSTILE
    from wmdsl import api
    from wmdsl.output.safe import for_json, for_terminal
    from wmdsl.simulate import simulate
    from wmdsl.simulate.plots import charts
    from wmdsl.simulate.report import format_compare, format_json, format_text
    from wmdsl.simulate.runner import Settings

    result = simulate([api.loads(HOSTILE)], Settings(replications=2, until=6, jobs=1))
    text = format_text(result)
    assert for_terminal(text) == text
    assert "W <script>alert(1)</script> | # end" in text  # the title, as written, on one line
    document = format_json(result)
    assert for_json(document) == document
    assert json.loads(document)["workflows"][0]["title"].startswith("W <script>")
    compared = format_compare([result, result], ["a", "b"])
    assert for_terminal(compared) == compared
    for name, data in charts(result).items():
        svg = data.decode()
        xml.dom.minidom.parseString(svg)  # well-formed whatever the titles hold
        assert "<script" not in svg, name
