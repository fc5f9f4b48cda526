"""Scorecard outputs: every example's goldens, the JSON Schema, width, escaping, determinism, the CLI."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from tests.goldens import SCORES, score_targets, scorecards
from tests.score_specs import GOOD, missing
from wmdsl.cli import cli
from wmdsl.score.records import json_schema


@pytest.mark.parametrize("target", score_targets())
def test_every_example_has_its_scorecard_golden(target: str) -> None:
    for name, data in scorecards(target).items():
        golden = SCORES / name
        assert golden.exists(), f"{name}: run `python -m tests.goldens`"
        assert data == golden.read_bytes(), f"{name} differs from its golden"


@pytest.mark.parametrize("target", score_targets())
def test_the_text_fits_100_columns_and_the_json_its_schema(target: str) -> None:
    outputs = scorecards(target)
    stem = target.removesuffix(".wm")
    for line in outputs[f"{stem}.txt"].decode().splitlines():
        assert len(line) <= 100, line
    jsonschema.validate(json.loads(outputs[f"{stem}.json"]), json_schema())


# Written with the language's escapes: a bidirectional control in the source itself is an error.
HOSTILE = "Orders <script>alert(1)</script> | `x` ]]> &amp; \\u{202E}::warning::boom\n## [x](javascript:1)"


def hostile_spec() -> str:
    return GOOD.replace('workflow orders "Orders"', f'workflow orders """{HOSTILE}"""', 1).replace(
        '    outcome "The customer has the goods they ordered"',
        '    outcome "<b>bold</b> | pipe ` tick\\u{7}"',
    )


def test_every_format_escapes_the_specs_text(project: Path) -> None:
    (project / "hostile.wm").write_text(hostile_spec(), encoding="utf-8")
    runner = CliRunner()
    svg = runner.invoke(cli, ["score", "hostile.wm", "--format", "svg"]).output
    assert "<script>" not in svg
    assert "<b>" not in svg
    assert "\u202e" not in svg
    from xml.dom import minidom

    minidom.parseString(svg)  # well-formed XML
    markdown = runner.invoke(cli, ["score", "hostile.wm", "--format", "markdown"]).output
    assert "<script>" not in markdown
    assert "<b>" not in markdown
    assert "\u202e" not in markdown
    assert not re.search(r"^::", markdown, re.M)
    text = runner.invoke(cli, ["score", "hostile.wm"]).output
    assert "\u202e" not in text
    assert not re.search(r"^::", text, re.M)
    data = runner.invoke(cli, ["score", "hostile.wm", "--format", "json"]).output
    assert "\u202e" not in data
    assert json.loads(data)["workflows"][0]["title"].startswith("Orders <script>")


def test_the_output_is_the_same_bytes_every_run(project: Path) -> None:
    (project / "a.wm").write_text(missing("clarity.done"), encoding="utf-8")
    first = subprocess.run(
        [sys.executable, "-m", "wmdsl", "score", "a.wm", "--format", "json"], capture_output=True, check=True
    )
    again = subprocess.run(
        [sys.executable, "-m", "wmdsl", "score", "a.wm", "--format", "json"],
        capture_output=True,
        check=True,
        env={**__import__("os").environ, "PYTHONHASHSEED": "123"},
    )
    assert first.stdout == again.stdout


def test_fail_under_exits_1_naming_each_score_under_it(project: Path) -> None:
    (project / "a.wm").write_text(missing("completion.wip"), encoding="utf-8")
    runner = CliRunner()
    passed = runner.invoke(cli, ["score", "a.wm", "--fail-under", "clarity=100"])
    assert passed.exit_code == 0, passed.output
    failed = runner.invoke(cli, ["score", "a.wm", "--fail-under", "completion=90", "--fail-under", "all=10"])
    assert failed.exit_code == 1
    assert "a.wm:1:1: Completion of workflow `orders` is 75, under 90" in failed.stderr
    assert "Completion of the project" not in failed.stderr  # one workflow: the project line is the same
    bad = runner.invoke(cli, ["score", "a.wm", "--fail-under", "speed=10"])
    assert bad.exit_code == 2
    assert "unknown component 'speed'" in bad.output


def test_a_language_error_refuses_with_exit_1(project: Path) -> None:
    (project / "a.wm").write_text(GOOD.replace("web -> check", "web -> chek"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["score", "a.wm"])
    assert result.exit_code == 1
    assert "SYN002" in result.stderr
    assert "not scored" in result.stderr


def test_outputs_are_written_to_files_and_svg_folders(project: Path) -> None:
    (project / "a.wm").write_text(
        GOOD + missing("clarity.done").replace("orders", "second", 1), encoding="utf-8"
    )
    runner = CliRunner()
    assert runner.invoke(cli, ["score", "a.wm", "-o", "card.md", "--format", "markdown"]).exit_code == 0
    assert (project / "card.md").read_text(encoding="utf-8").startswith("# Scorecards")
    refused = runner.invoke(cli, ["score", "a.wm", "--format", "svg"])
    assert refused.exit_code == 2
    assert runner.invoke(cli, ["score", "a.wm", "--format", "svg", "-o", "charts"]).exit_code == 0
    assert sorted(p.name for p in (project / "charts").iterdir()) == ["a.orders.svg", "a.second.svg"]
    overwrite = runner.invoke(cli, ["score", "a.wm", "-o", "a.wm"])
    assert overwrite.exit_code == 2
    assert "refusing to write over" in overwrite.output


def test_the_schema_option_prints_the_schema() -> None:
    result = CliRunner().invoke(cli, ["score", "--schema"])
    assert result.exit_code == 0
    assert json.loads(result.output)["title"] == "wmdsl scores"


def _git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


def test_git_shows_each_scores_change_since_a_revision(project: Path) -> None:
    (project / "specs").mkdir()
    spec = project / "specs" / "orders.wm"
    spec.write_text(missing("completion.wip"), encoding="utf-8")
    _git(project, "init", "-q")
    _git(project, "add", ".")
    _git(project, "commit", "-q", "-m", "first")
    spec.write_text(GOOD, encoding="utf-8")  # the fix, not committed: the work tree against HEAD
    status_before = subprocess.run(
        ["git", "status", "--porcelain"], cwd=project, capture_output=True, text=True
    )
    runner = CliRunner()
    result = runner.invoke(cli, ["score", "specs", "--git", "HEAD", "--format", "json"])
    assert result.exit_code == 0, result.output
    compared = json.loads(result.output)["comparison"]
    assert compared["revision"] == "HEAD"
    completion = next(c for c in compared["workflows"][0]["changes"] if c["id"] == "completion")
    assert (completion["before"], completion["after"]) == (75, 100)
    text = runner.invoke(cli, ["score", "specs", "--git", "HEAD"]).output
    assert "against HEAD" in text
    assert "100 +25" in text
    after = subprocess.run(["git", "status", "--porcelain"], cwd=project, capture_output=True, text=True)
    assert after.stdout == status_before.stdout  # the work tree and index are untouched
    unknown = runner.invoke(cli, ["score", "specs", "--git", "no-such-rev"])
    assert unknown.exit_code == 2
    assert "unknown revision" in unknown.output
    option = runner.invoke(cli, ["score", "specs", "--git=--output=x"])
    assert option.exit_code == 2


def test_the_readme_shows_a_real_scorecard(monkeypatch: pytest.MonkeyPatch) -> None:
    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    shown = re.search(r"^\$ wmdsl score examples/procurement\.wm\n(.*?)^```", readme, re.S | re.M)
    assert shown, (
        "README.md has a Scorecards section with the output of `wmdsl score examples/procurement.wm`"
    )
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli, ["score", "examples/procurement.wm"])
    assert result.exit_code == 0
    assert result.output == shown.group(1)


def test_explain_lists_what_raises_each_score_too(project: Path) -> None:
    (project / "a.wm").write_text(GOOD, encoding="utf-8")
    runner = CliRunner()
    plain = runner.invoke(cli, ["score", "a.wm"]).output
    explained = runner.invoke(cli, ["score", "a.wm", "--explain"]).output
    assert "+ stage `check` has a definition of done (a.wm:" not in plain
    assert "+ stage `check` has a definition of done (a.wm:" in explained
    assert all(len(line) <= 100 for line in explained.splitlines())


def test_specs_without_a_workflow_have_nothing_to_score(project: Path) -> None:
    (project / "people.wm").write_text('person @ana "Ana Lima"\n', encoding="utf-8")
    runner = CliRunner()
    text = runner.invoke(cli, ["score", "people.wm"])
    assert text.exit_code == 0
    assert text.output == "No workflow to score.\n"
    svg = runner.invoke(cli, ["score", "people.wm", "--format", "svg"])
    assert svg.exit_code == 2
    assert "no workflow to draw" in svg.output
