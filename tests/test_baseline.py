"""Baselines: today's findings recorded, only new ones reported; a baseline that is wrong stops the run."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from wmdsl import api
from wmdsl.cli import cli
from wmdsl.diagnostics import Diagnostic, Severity
from wmdsl.diagnostics.report import BaselineEntry
from wmdsl.model.span import Span
from wmdsl.project import baseline

# Errors (the orphaned, unreachable dead end `b`) and warnings.
SPEC = """\
workflow w {
  owner @ana
  person @ana "Ana"
  lane desk "Desk" { owner @ana; members @ana }
  intake inbox "Inbox" { owner @ana }
  stage a "A" in desk { wip 2 }
  stage b "B"
  exit done "Done"
  inbox -> a
  a -> done
}
"""
NAME = "wmdsl-baseline.json"


def check(*args: str) -> tuple[int, str, str]:
    done = CliRunner().invoke(cli, ["check", "--no-cache", *args])
    assert done.exception is None or isinstance(done.exception, SystemExit), done.output
    assert "Traceback" not in done.stderr
    return done.exit_code, done.stdout, done.stderr


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "a.wm").write_text(SPEC, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def recorded(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def formatted(name: str, report: api.Report) -> str:
    from wmdsl.output import FORMATTERS

    return FORMATTERS[name](report, False)


def test_a_written_baseline_hides_what_it_records(repository: Path) -> None:
    assert check("specs")[0] == 1
    status, out, err = check("specs", "--write-baseline", NAME)
    assert status == 0
    assert "recorded 12 findings" in err
    assert out.startswith("All clear")
    status, out, _ = check("specs", "--baseline", NAME)
    assert status == 0
    assert out.splitlines() == [
        "All clear: 1 file checked, no findings.",
        "Baseline wmdsl-baseline.json: 12 recorded findings not shown.",
    ]


def test_the_file_is_versioned_sorted_one_finding_a_line_and_the_same_every_time(repository: Path) -> None:
    check("specs", "--write-baseline", NAME)
    first = (repository / NAME).read_bytes()
    check("specs", "--write-baseline", NAME)
    assert (repository / NAME).read_bytes() == first
    document = recorded(repository / NAME)
    assert (document["version"], document["fingerprints"]) == (1, "wmdsl/v1")
    findings = document["findings"]
    assert [sorted(f) for f in findings] == [["code", "file", "fingerprint", "message"]] * len(findings)
    assert findings == sorted(findings, key=lambda f: (f["file"], f["code"], f["message"], f["fingerprint"]))
    assert {f["file"] for f in findings} == {"specs/a.wm"}
    lines = first.decode("utf-8").splitlines()
    assert len(lines) == len(findings) + 6
    report = api.check(["specs"])
    assert {f["code"] for f in findings} == {d.code for d in report.diagnostics}
    sarif = json.loads(formatted("sarif", report))["runs"][0]["results"]
    assert {f["fingerprint"] for f in findings} == {r["partialFingerprints"]["wmdsl/v1"] for r in sarif}


def test_only_new_findings_are_reported_and_set_the_exit_status(repository: Path) -> None:
    check("specs", "--write-baseline", NAME)
    spec = repository / "specs" / "a.wm"
    # Lines moved: the same findings, hidden still.
    spec.write_text("# moved\n\n" + SPEC, encoding="utf-8")
    assert check("specs", "--baseline", NAME)[0] == 0
    # A new warning alone leaves the status 0; a new error makes it 1.
    spec.write_text(SPEC.replace('"Done"', '"Done"\n  stage c "C" in desk { wip 1 }\n  a -> c\n  c -> done'))
    status, out, _ = check("specs", "--baseline", NAME, "--format", "json")
    found = json.loads(out)["diagnostics"]
    assert found
    assert {d["severity"] for d in found} == {"warning"}
    assert status == 0
    assert check("specs", "--baseline", NAME, "--fail-on", "warning")[0] == 1
    spec.write_text(SPEC.replace('"Done"', '"Done"\n  stage c "C"'), encoding="utf-8")
    status, out, _ = check("specs", "--baseline", NAME, "--format", "json")
    assert status == 1
    assert {d["message"] for d in json.loads(out)["diagnostics"] if d["severity"] == "error"} >= {
        "stage `c` has no owner and is in no lane"
    }


def test_entries_that_no_longer_occur_are_listed(repository: Path) -> None:
    check("specs", "--write-baseline", NAME)
    (repository / "specs" / "a.wm").write_text(SPEC.replace('  stage b "B"\n', ""), encoding="utf-8")
    status, out, _ = check("specs", "--baseline", NAME)
    assert status == 0
    info = [line for line in out.splitlines() if ": info: no longer occurs: " in line]
    assert (
        f"{NAME}: info: no longer occurs: CLR002 in specs/a.wm: stage `b` has no owner and is in no lane"
        in info
    )
    assert len(info) >= 4
    assert f"--write-baseline {NAME}" in out
    status, out, _ = check("specs", "--baseline", NAME, "--format", "json")
    document = json.loads(out)
    gone = document["baseline"]["gone"]
    assert document["baseline"]["file"] == NAME
    assert len(gone) == len(info)
    assert any((entry["code"], entry["file"]) == ("CLR002", "specs/a.wm") for entry in gone)
    assert all(entry["message"] != d["message"] for entry in gone for d in document["diagnostics"])
    # Formats with no place for them say them on standard error.
    status, out, err = check("specs", "--baseline", NAME, "--format", "sarif")
    assert json.loads(out)["version"] == "2.1.0"
    assert ": info: no longer occurs: CLR002" in err


def test_a_baseline_works_from_any_folder(repository: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    check("specs", "--write-baseline", NAME)
    monkeypatch.chdir(repository / "specs")
    status, out, _ = check("a.wm", "--baseline", f"../{NAME}")
    assert (status, out.splitlines()[0]) == (0, "All clear: 1 file checked, no findings.")


def test_an_entry_hides_only_the_finding_it_names_exactly(repository: Path) -> None:
    check("specs", "--write-baseline", NAME)
    document = recorded(repository / NAME)
    # An entry whose message says something else, with the right fingerprint, hides nothing.
    edited = next(f for f in document["findings"] if f["code"] == "CLR002")
    edited["message"] = "nothing to see here"
    (repository / NAME).write_text(json.dumps(document), encoding="utf-8")
    status, out, _ = check("specs", "--baseline", NAME, "--format", "json")
    assert status == 1
    result = json.loads(out)
    assert [d["code"] for d in result["diagnostics"]] == ["CLR002"]
    assert [entry["message"] for entry in result["baseline"]["gone"]] == ["nothing to see here"]


def test_language_errors_are_never_recorded_nor_hidden(repository: Path) -> None:
    (repository / "specs" / "b.wm").write_text(SPEC.replace("owner @ana\n", "owner @nobody\n", 1))
    assert check("specs", "--write-baseline", NAME)[0] == 1
    assert not any(f["code"].startswith("SYN") for f in recorded(repository / NAME)["findings"])
    # Even a baseline that lists one by the fingerprint SARIF publishes does not hide it.
    report = api.check(["specs"])
    results = json.loads(formatted("sarif", report))["runs"][0]["results"]
    syntax = [
        BaselineEntry(result["partialFingerprints"]["wmdsl/v1"], d.code, d.span.file, d.message)
        for d, result in zip(report.diagnostics, results, strict=True)
        if d.code.startswith("SYN")
    ]
    assert syntax
    pairs = zip(baseline.entries(report), report.diagnostics, strict=True)
    assert all(entry is None for entry, d in pairs if d.code.startswith("SYN"))
    assert baseline.apply(report, syntax, NAME).diagnostics == report.diagnostics
    status, out, _ = check("specs", "--baseline", NAME)
    assert status == 1
    assert "SYN002" in out


def test_equal_findings_are_told_apart_by_their_count() -> None:
    span = Span(file="a.wm", line=1, col=1, end_line=1, end_col=2)
    twice = [Diagnostic("CLR001", Severity.ERROR, "lane `x` has no owner", span)] * 2
    report = api.Report(["a.wm"], twice, {"a.wm": "lane x\n"})
    first, second = baseline.entries(report)
    assert first is not None
    assert second is not None
    assert first.fingerprint.endswith(":1")
    assert second.fingerprint.endswith(":2")
    left = baseline.apply(report, [first], "b.json")
    assert len(left.diagnostics) == 1
    assert left.baseline is not None
    assert (left.baseline.hidden, left.baseline.gone) == (1, ())


GOOD_ENTRY = {"code": "CLR001", "file": "a.wm", "fingerprint": "0" * 32 + ":1", "message": "m"}


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"", "wmdsl-baseline.json:1:1: the baseline is not JSON"),
        (b'{"version": 1,\n "findings": [}', "wmdsl-baseline.json:2:15: the baseline is not JSON"),
        (b"\xff\xfe{}", "byte 1 is not UTF-8"),
        (b"[]", "it is not a JSON object"),
        (b'{"version": 2, "fingerprints": "wmdsl/v1", "findings": []}', "`version` is 2"),
        (b'{"version": true, "fingerprints": "wmdsl/v1", "findings": []}', "`version` is true"),
        (b'{"version": 1, "fingerprints": "other", "findings": []}', "`fingerprints` is not"),
        (b'{"version": 1, "fingerprints": "wmdsl/v1"}', "`findings` is not a list"),
        (b'{"version": 1, "fingerprints": "wmdsl/v1", "findings": [], "x": 1}', "unknown key `x`"),
        (b'{"version": 1, "fingerprints": "wmdsl/v1", "findings": [1]}', "findings[0] is not an object"),
        (
            json.dumps({"version": 1, "fingerprints": "wmdsl/v1", "findings": [{"code": "CLR001"}]}).encode(),
            "findings[0] has no `file`, no `fingerprint`, no `message`",
        ),
        (
            json.dumps(
                {"version": 1, "fingerprints": "wmdsl/v1", "findings": [{**GOOD_ENTRY, "fingerprint": "abc"}]}
            ).encode(),
            "findings[0]: `fingerprint` is not one wmdsl makes",
        ),
        (
            json.dumps(
                {"version": 1, "fingerprints": "wmdsl/v1", "findings": [{**GOOD_ENTRY, "message": 3}]}
            ).encode(),
            "findings[0]: `message` is not a non-empty string",
        ),
        (
            json.dumps(
                {"version": 1, "fingerprints": "wmdsl/v1", "findings": [GOOD_ENTRY, GOOD_ENTRY]}
            ).encode(),
            "findings[1] repeats the fingerprint",
        ),
        (b"[" * 100_000, "nested too deeply"),
    ],
)
def test_a_malformed_baseline_stops_the_run(repository: Path, content: bytes, said: str) -> None:
    (repository / NAME).write_bytes(content)
    status, out, err = check("specs", "--baseline", NAME)
    assert status == 2
    assert out == ""
    assert said in err
    assert err.startswith("Error: ")


def test_an_unreadable_baseline_stops_the_run(repository: Path) -> None:
    status, out, err = check("specs", "--baseline", "missing.json")
    assert (status, out) == (2, "")
    assert "cannot read baseline missing.json: no such file or directory" in err
    (repository / "folder.json").mkdir()
    assert check("specs", "--baseline", "folder.json")[0] == 2
    if hasattr(os, "mkfifo"):
        os.mkfifo(repository / "pipe.json")
        status, _, err = check("specs", "--baseline", "pipe.json")
        assert status == 2
        assert "not a regular file" in err


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--baseline", NAME, "--write-baseline", NAME), "cannot be used together"),
        (("--write-baseline", "specs/new.wm"), "a baseline is not a spec"),
        (("--write-baseline", "specs/a.wm"), "a baseline is not a spec"),
        (("--baseline", NAME, "-o", NAME), "-o names the baseline"),
    ],
)
def test_usage_mistakes_exit_two(repository: Path, args: tuple[str, ...], said: str) -> None:
    (repository / NAME).write_text('{"version": 1, "fingerprints": "wmdsl/v1", "findings": []}')
    status, _, err = check("specs", *args)
    assert status == 2
    assert said in err
    assert (repository / "specs" / "a.wm").read_text(encoding="utf-8") == SPEC


def test_a_baseline_is_never_written_over_an_input(repository: Path) -> None:
    (repository / "wmdsl.toml").write_text("", encoding="utf-8")
    status, _, err = check("specs", "--write-baseline", "wmdsl.toml")
    assert status == 2
    assert "refusing to write over wmdsl.toml" in err


def test_what_a_baseline_says_is_shown_safely(repository: Path) -> None:
    hostile = {**GOOD_ENTRY, "message": "\x1b[2Jgone\n::error::planted \u202eevil"}
    (repository / NAME).write_text(
        json.dumps({"version": 1, "fingerprints": "wmdsl/v1", "findings": [hostile]}), encoding="utf-8"
    )
    status, out, _ = check("specs", "--baseline", NAME, "--exit-zero")
    assert status == 0
    assert "\x1b" not in out
    assert "\u202e" not in out
    assert not any(line.lstrip().startswith("::") for line in out.splitlines())
    assert "\\x1b[2Jgone\\x0a::error::planted <U+202E>evil" in out
    status, out, _ = check("specs", "--baseline", NAME, "--exit-zero", "--format", "json")
    assert json.loads(out)["baseline"]["gone"][0]["message"] == hostile["message"]


def test_a_watched_check_applies_the_baseline_to_every_run(
    repository: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wmdsl.commands import watch

    check("specs", "--write-baseline", NAME)
    seen: list[api.Report] = []

    def instead(paths: Any, first: api.Report, run: Any, show: Any, configs: Any) -> None:
        seen.extend([first, run()])
        raise SystemExit(0)

    monkeypatch.setattr(watch, "watch_and_check", instead)
    assert check("specs", "--watch", "--baseline", NAME)[0] == 0
    assert [(r.diagnostics, r.baseline is not None and r.baseline.hidden) for r in seen] == [([], 12)] * 2
