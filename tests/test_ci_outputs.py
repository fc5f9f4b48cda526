"""What CI systems read: SARIF paths from the top of the repository; JUnit that agrees with the exit."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from wmdsl import api
from wmdsl.cli import cli
from wmdsl.output import FORMATTERS

# Warnings (no purpose, no board, ...) and, with the orphaned stage `b`, errors.
WARNINGS_ONLY = """\
workflow w {
  owner @ana
  person @ana "Ana"
  lane desk "Desk" { owner @ana; members @ana }
  intake inbox "Inbox" { owner @ana }
  stage a "A" in desk { wip 2 }
  exit done "Done"
  inbox -> a
  a -> done
}
"""
SPEC = WARNINGS_ONLY.replace('  exit done "Done"', '  stage b "B"\n  exit done "Done"')


def check(*args: str) -> tuple[int, str]:
    done = CliRunner().invoke(cli, ["check", "--no-cache", *args])
    assert done.exception is None or isinstance(done.exception, SystemExit), done.output
    return done.exit_code, done.output


def sarif_uris(text: str) -> set[str]:
    results: list[dict[str, Any]] = json.loads(text)["runs"][0]["results"]
    assert results
    places = [r["locations"][0] for r in results]
    places += [place for r in results for place in r.get("relatedLocations", [])]
    artifacts = [place["physicalLocation"]["artifactLocation"] for place in places]
    assert {a["uriBaseId"] for a in artifacts} == {"%SRCROOT%"}
    return {a["uri"] for a in artifacts}


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository (``.git`` found by looking, never by running git) with a spec two folders down."""
    top = tmp_path / "repo"
    (top / ".git").mkdir(parents=True)
    (top / "org" / "specs").mkdir(parents=True)
    (top / "org" / "specs" / "c.wm").write_text(SPEC, encoding="utf-8")
    monkeypatch.chdir(top)
    return top


@pytest.mark.parametrize(
    ("where", "named"),
    [(".", "org/specs/c.wm"), ("org", "specs/c.wm"), ("org/specs", "c.wm"), ("..", "repo/org/specs/c.wm")],
)
def test_sarif_uris_are_relative_to_the_top_of_the_repository_from_any_folder(
    repository: Path, monkeypatch: pytest.MonkeyPatch, where: str, named: str
) -> None:
    monkeypatch.chdir(repository / where)
    status, text = check(named, "--format", "sarif")
    assert status == 1
    assert sarif_uris(text) == {"org/specs/c.wm"}


def test_sarif_fingerprints_do_not_depend_on_the_working_folder(
    repository: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def prints(named: str) -> list[str]:
        log = json.loads(check(named, "--format", "sarif")[1])
        return [r["partialFingerprints"]["wmdsl/v1"] for r in log["runs"][0]["results"]]

    at_the_top = prints("org/specs/c.wm")
    monkeypatch.chdir(repository / "org" / "specs")
    assert prints("c.wm") == at_the_top


def test_a_worktree_whose_git_is_a_file_is_a_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    top = tmp_path / "worktree"
    (top / "specs").mkdir(parents=True)
    (top / ".git").write_text("gitdir: /elsewhere/.git/worktrees/x\n", encoding="utf-8")
    (top / "specs" / "c.wm").write_text(SPEC, encoding="utf-8")
    monkeypatch.chdir(top / "specs")
    assert sarif_uris(check("c.wm", "--format", "sarif")[1]) == {"specs/c.wm"}


def test_outside_a_repository_uris_are_relative_to_the_project_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "project" / "specs").mkdir(parents=True)
    (tmp_path / "project" / "wmdsl.toml").write_text("", encoding="utf-8")
    (tmp_path / "project" / "specs" / "c.wm").write_text(SPEC, encoding="utf-8")
    monkeypatch.chdir(tmp_path / "project" / "specs")
    assert sarif_uris(check("c.wm", "--format", "sarif")[1]) == {"specs/c.wm"}
    # The root the run is given counts before the markers.
    monkeypatch.chdir(tmp_path)
    given = check("project/specs/c.wm", "--format", "sarif", "--root", "project/specs")[1]
    assert sarif_uris(given) == {"c.wm"}


def test_the_other_formats_keep_the_path_as_given(repository: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repository / "org")
    assert '"file": "specs/c.wm"' in check("specs/c.wm", "--format", "json")[1]
    assert "file=specs/c.wm," in check("specs/c.wm", "--format", "github")[1]


def junit(text: str) -> tuple[ET.Element, list[ET.Element]]:
    root = ET.fromstring(text)
    return root, root.findall(".//testcase")


def test_junit_warnings_pass_unless_fail_on_makes_them_fail(project: Path) -> None:
    (project / "w.wm").write_text(WARNINGS_ONLY, encoding="utf-8")
    status, text = check("w.wm", "--format", "junit", "--isolated")
    assert status == 0
    root, cases = junit(text)
    assert root.get("failures") == "0"
    assert len(cases) >= 2
    assert all(case.find("failure") is None for case in cases)
    said = [case.findtext("system-out") or "" for case in cases]
    assert all("[warning]" in text or "[info]" in text for text in said)
    status, text = check("w.wm", "--format", "junit", "--isolated", "--fail-on", "warning")
    assert status == 1
    root, cases = junit(text)
    failing = [case for case in cases if case.find("failure") is not None]
    warned = [case for case in cases if "[warning]" in (case.findtext("failure") or "")]
    assert warned
    assert int(root.get("failures", "")) == len(failing)
    assert all(case.find("system-out") is not None for case in cases if case not in failing)


def test_junit_failures_are_exactly_the_findings_that_fail_the_run(project: Path) -> None:
    (project / "e.wm").write_text(SPEC, encoding="utf-8")
    report = api.check(["e.wm"], overrides=api.Overrides(isolated=True))
    assert {d.severity.label for d in report.diagnostics} >= {"error", "warning"}
    root, cases = junit(FORMATTERS["junit"](report, False))
    errors = [d for d in report.diagnostics if d.severity.label == "error"]
    assert int(root.get("failures", "")) == len(errors) > 0
    assert len(cases) == len(report.diagnostics)
    (suite,) = root.findall("testsuite")
    assert suite.get("failures") == str(len(errors))
    assert suite.get("tests") == str(len(report.diagnostics))


# -- GitLab Code Quality ----------------------------------------------------------------------------------

SCHEMA = Path(__file__).parent / "schemas" / "gitlab-codequality.schema.json"
ROOT = Path(__file__).resolve().parent.parent


def gitlab_issues(text: str) -> list[dict[str, Any]]:
    """The issues of a Code Quality report, validated against GitLab's published format."""
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    assert not text.startswith("\ufeff")  # GitLab's parser refuses a byte order mark
    issues: list[dict[str, Any]] = json.loads(text)
    jsonschema.validate(issues, schema, cls=jsonschema.Draft7Validator)
    return issues


def test_the_schema_refuses_what_gitlab_refuses() -> None:
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    good = {
        "description": "d",
        "check_name": "c",
        "fingerprint": "f",
        "severity": "minor",
        "location": {"path": "a/b.wm", "lines": {"begin": 2}},
    }
    jsonschema.validate([good], schema)
    wrong = [
        {**good, "severity": "warning"},
        {key: value for key, value in good.items() if key != "fingerprint"},
        {**good, "location": {"path": "/abs/b.wm", "lines": {"begin": 2}}},
        {**good, "location": {"path": "a/b.wm"}},
    ]
    for issue in wrong:
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate([issue], schema)


def test_gitlab_reports_of_every_example_match_the_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    report = api.check(sorted(Path("examples").rglob("*.wm")))  # the broken ones too, named
    issues = gitlab_issues(FORMATTERS["gitlab"](report, False))
    assert len(issues) == len(report.diagnostics) > 0
    scale = {"error": "major", "warning": "minor", "info": "info"}
    assert [issue["severity"] for issue in issues] == [scale[d.severity.label] for d in report.diagnostics]
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)
    assert {issue["check_name"] for issue in issues} == {d.code for d in report.diagnostics}
    assert all(issue["location"]["path"].startswith("examples/") for issue in issues)
    sarif = json.loads(FORMATTERS["sarif"](report, False))["runs"][0]["results"]
    assert [issue["fingerprint"] for issue in issues] == [r["partialFingerprints"]["wmdsl/v1"] for r in sarif]
    assert gitlab_issues(FORMATTERS["gitlab"](api.Report([], []), False)) == []


def test_gitlab_paths_and_fingerprints_are_the_repository_s_from_any_folder(
    repository: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    status, text = check("org/specs/c.wm", "--format", "gitlab")
    assert status == 1
    at_the_top = gitlab_issues(text)
    monkeypatch.chdir(repository / "org" / "specs")
    inside = gitlab_issues(check("c.wm", "--format", "gitlab")[1])
    assert inside == at_the_top
    assert {issue["location"]["path"] for issue in inside} == {"org/specs/c.wm"}
    report = api.check(["c.wm"])
    for issue, finding in zip(inside, report.diagnostics, strict=True):
        assert issue["check_name"] == finding.code
        assert issue["description"] == finding.message + (f" ({finding.hint})" if finding.hint else "")
        assert issue["location"]["lines"] == {"begin": finding.span.line, "end": finding.span.end_line}
