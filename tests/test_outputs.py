"""Report formats: SARIF (validated by Microsoft's SARIF multitool), GitHub, JUnit."""

from __future__ import annotations

import json
import os
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from wmdsl import api
from wmdsl.diagnostics import Diagnostic, Severity
from wmdsl.model.span import Span
from wmdsl.output import FORMATTERS
from wmdsl.output.github import escape_data, escape_property

ROOT = Path(__file__).resolve().parent.parent
MULTITOOL = (
    ROOT / ".ci" / "node" / "node_modules" / "@microsoft" / "sarif-multitool-linux" / "Sarif.Multitool"
)


def broken_report() -> api.Report:
    cwd = Path.cwd()
    os.chdir(ROOT)
    try:
        return api.check(sorted(Path("examples").rglob("*.wm")))  # the broken ones too, named
    finally:
        os.chdir(cwd)


def hostile_report() -> api.Report:
    span = Span(file="dir with space/a%b.wm", line=2, col=3, end_line=2, end_col=9)
    message = '100% wrong: a, b\nsecond line \r with <xml> & "quotes" ::error::'
    diagnostic = Diagnostic("CLR001", Severity.ERROR, message, span, hint="fix: it, now")
    return api.Report(["dir with space/a%b.wm"], [diagnostic], {"dir with space/a%b.wm": "x\n  lane l\n"})


def test_sarif_structure() -> None:
    report = broken_report()
    sarif = json.loads(FORMATTERS["sarif"](report, False))
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert sarif["version"] == "2.1.0"
    assert {r["id"] for r in rules} >= {d.code for d in report.diagnostics}
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert not uri.startswith("/")
        assert result["partialFingerprints"]["wmdsl/v1"]
    fingerprints = [r["partialFingerprints"]["wmdsl/v1"] for r in run["results"]]
    assert len(set(fingerprints)) == len(fingerprints)
    assert all(r["helpUri"].startswith("https://") and r["help"]["markdown"] for r in rules)


def test_sarif_fingerprints_survive_unrelated_edits() -> None:
    text = 'person @a "A"\nlane l "L" { members @a }\n'
    before = json.loads(FORMATTERS["sarif"](api.check_text(text, path="f.wm", select=["CLR001"]), False))
    shifted = json.loads(
        FORMATTERS["sarif"](api.check_text("\n\n" + text, path="f.wm", select=["CLR001"]), False)
    )
    prints = [r["runs"][0]["results"][0]["partialFingerprints"] for r in (before, shifted)]
    assert prints[0] == prints[1]


@pytest.mark.skipif(not MULTITOOL.exists(), reason="sarif-multitool not installed (.ci/run installs it)")
def test_sarif_passes_the_multitool_validator(tmp_path: Path) -> None:
    for number, report in enumerate([broken_report(), hostile_report()]):
        log = tmp_path / f"report{number}.sarif"
        log.write_text(FORMATTERS["sarif"](report, False), encoding="utf-8")
        result_file = tmp_path / f"validation{number}.sarif"
        done = subprocess.run(
            [
                str(MULTITOOL),
                "validate",
                str(log),
                "--rule-kind",
                "Gh;Sarif",
                "--level",
                "Error;Warning",
                "--output",
                str(result_file),
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        results = json.loads(result_file.read_text(encoding="utf-8"))["runs"][0].get("results", [])
        problems = [
            (r["ruleId"], r["message"]) for r in results if r.get("level", "warning") in ("error", "warning")
        ]
        assert problems == []


def unescape(text: str) -> str:
    """What the Actions runner does with an escaped annotation field."""
    for escaped, plain in (("%0A", "\n"), ("%0D", "\r"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, plain)
    return text


def test_github_annotations_round_trip_hostile_text() -> None:
    output = FORMATTERS["github"](hostile_report(), False)
    (line,) = output.splitlines()
    match = re.fullmatch(r"::error (?P<props>[^:]*)::(?P<message>.*)", line)
    assert match, line
    props = dict(item.split("=", 1) for item in match["props"].split(","))
    assert unescape(props["file"]) == "dir with space/a%b.wm"
    assert (props["line"], props["col"], props["endColumn"]) == ("2", "3", "9")
    assert unescape(props["title"]) == "CLR001 orphaned-lane"
    assert unescape(match["message"]) == hostile_report().diagnostics[0].message + "\nfix: it, now"
    assert escape_data("50%\n") == "50%25%0A"
    assert escape_property("a:b,c") == "a%3Ab%2Cc"


def test_junit_is_well_formed_and_counts() -> None:
    report = broken_report()
    root = ET.fromstring(FORMATTERS["junit"](report, False))
    assert root.tag == "testsuites"
    failing = [d for d in report.diagnostics if d.severity >= report.fail_on]
    assert 0 < int(root.get("failures", "0")) == len(failing) < len(report.diagnostics)
    assert len(root.findall(".//testcase")) >= len(report.diagnostics)
    hostile = ET.fromstring(FORMATTERS["junit"](hostile_report(), False))
    failure = hostile.find(".//failure")
    assert failure is not None
    assert failure.get("message") == hostile_report().diagnostics[0].message


def test_clean_file_is_a_passing_junit_case(project: Path) -> None:
    (project / "people.wm").write_text('person @ana "Ana Lima"\n', encoding="utf-8")
    root = ET.fromstring(FORMATTERS["junit"](api.check(["people.wm"]), False))
    assert root.get("failures") == "0"
    assert root.find(".//testcase") is not None


@pytest.mark.parametrize("name", sorted(FORMATTERS))
def test_every_format_is_deterministic(name: str) -> None:
    assert FORMATTERS[name](broken_report(), False) == FORMATTERS[name](broken_report(), False)
