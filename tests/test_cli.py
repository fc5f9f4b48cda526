"""The command line: output, exit codes, and clear errors for bad requests."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.generated import generated_spec
from tests.probe import run_wmdsl
from wmdsl import LANGUAGE_VERSION, SCHEMA_VERSION, __version__
from wmdsl.cli import cli

ROOT = Path(__file__).resolve().parents[1]
GOOD = """\
workflow w "W" {
  owner @ana
  person @ana "Ana"
  lane desk "Desk" { owner @ana; members @ana }
  intake inbox "Inbox" { owner @ana }
  stage answer "Answer" in desk { wip 2 }
  exit done "Done"
  exit refused "Refused" { kind rejected }
  inbox -> answer
  answer -> done
  answer -> refused
}
"""


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def wmdsl(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real entry point in a subprocess (as a user would)."""
    return subprocess.run(
        [sys.executable, "-m", "wmdsl", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        stdin=subprocess.DEVNULL,
        timeout=300,  # a hang fails the test instead of the whole run
    )


def test_version() -> None:
    line = f"wmdsl {__version__} (language {LANGUAGE_VERSION}, JSON Schema {SCHEMA_VERSION})\n"
    assert run("--version") == (0, line)


def test_clean_spec_exits_zero(project: Path) -> None:
    (project / "good.wm").write_text(GOOD, encoding="utf-8")
    code, output = run("check", "good.wm")
    assert code == 0
    assert output == "All clear: 1 file checked, no findings.\n"


def test_errors_exit_one_with_frame_and_summary(project: Path) -> None:
    (project / "bad.wm").write_text(
        GOOD.replace("owner @ana }", "}", 1).replace("inbox -> answer", "inbox -> anser")
    )
    code, output = run("check", "bad.wm", "--no-color")
    assert code == 1
    assert output == (
        "bad.wm:9:12: SYN002 [error] unknown name `anser`\n"
        "  |\n"
        "9 |   inbox -> anser\n"
        "  |            ^^^^^\n"
        "  = hint: did you mean `answer`?\n"
        "\n"
        "Found 1 error in 1 file.\n"
    )


def test_warnings_alone_exit_zero(project: Path) -> None:
    (project / "warn.wm").write_text(
        GOOD.replace("  answer -> refused\n", "").replace('  exit refused "Refused" { kind rejected }\n', ""),
        encoding="utf-8",
    )
    code, output = run("check", "warn.wm")
    assert code == 0
    assert "FLW004 [warning]" in output
    assert output.endswith("Found 1 warning in 1 file.\n")


def test_directories_are_searched_recursively_in_sorted_order(project: Path) -> None:
    (project / "b").mkdir()
    (project / "b" / "z.wm").write_text("lane x\n", encoding="utf-8")
    (project / "a.wm").write_text("lane y\n", encoding="utf-8")
    (project / "notes.txt").write_text("not a spec", encoding="utf-8")
    code, output = run("check", ".", "--format", "json")
    document = json.loads(output)
    assert code == 1
    assert document["files"] == ["a.wm", "b/z.wm"]
    assert [(d["file"], d["code"]) for d in document["diagnostics"]] == [
        ("a.wm", "CLR001"),
        ("b/z.wm", "CLR001"),
    ]
    assert document["summary"] == {"files": 2, "errors": 2, "warnings": 0, "infos": 0}


def test_json_diagnostic_shape(project: Path) -> None:
    (project / "dup.wm").write_text('lane x "X" { owner @a }\nlane x "Y"\nperson @a "A"\n', encoding="utf-8")
    code, output = run("check", "dup.wm", "--format", "json")
    assert code == 1
    (diagnostic,) = json.loads(output)["diagnostics"]
    assert diagnostic == {
        "code": "SYN003",
        "name": "duplicate-definition",
        "severity": "error",
        "message": "name `x` is already declared (as a lane)",
        "file": "dup.wm",
        "line": 2,
        "column": 1,
        "end_line": 2,
        "end_column": 7,
        "hint": "rename one of them, or remove the repeat",
        "related": [
            {
                "message": "first declared here",
                "file": "dup.wm",
                "line": 1,
                "column": 1,
                "end_line": 1,
                "end_column": 7,
            }
        ],
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("check", "missing.wm"), "no such file or directory: missing.wm"),
        (("check", "empty_dir"), "no .wm files found under empty_dir"),
        (("check",), "Missing argument"),
        (("check", "x.wm", "--format", "xml"), "Invalid value for '--format'"),
        (("frobnicate",), "No such command"),
    ],
)
def test_usage_errors_exit_two_without_traceback(project: Path, args: tuple[str, ...], message: str) -> None:
    (project / "empty_dir").mkdir()
    (project / "x.wm").write_text(GOOD, encoding="utf-8")
    result = wmdsl(*args, cwd=project)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_non_utf8_file_is_reported_with_its_position(project: Path) -> None:
    (project / "latin1.wm").write_bytes('person @zoe "Zoë"\nperson @rene "René"\n'.encode("latin-1"))
    code, output = run("check", "latin1.wm", "--no-color")
    assert code == 1
    assert output.startswith("latin1.wm:1:16: SYN012 [error] not valid UTF-8: byte 0xEB at offset 15\n")


def test_unreadable_file_is_reported(project: Path) -> None:
    (project / "dir.wm").mkdir()  # a folder named like a spec cannot be read as one
    (project / "ok.wm").write_text(GOOD, encoding="utf-8")
    code, output = run("check", "ok.wm", "dir.wm/")
    assert code in (1, 2)
    assert "Traceback" not in output


def test_a_clean_report_reads_the_same_without_rich() -> None:
    import io

    from rich.console import Console

    from wmdsl.api import Report
    from wmdsl.output.text import format_text, summary

    report = Report(["a.wm", "b.wm"], [], {})
    buffer = io.StringIO()
    console = Console(file=buffer, no_color=True, color_system=None, highlight=False, width=100_000)
    console.print(summary(report))
    assert format_text(report) == buffer.getvalue() == "All clear: 2 files checked, no findings.\n"


def test_color_only_when_asked() -> None:
    from wmdsl.api import Report
    from wmdsl.diagnostics import Diagnostic, Severity
    from wmdsl.model.span import Span
    from wmdsl.output.text import format_text

    report = Report(
        ["f.wm"],
        [Diagnostic("CLR001", Severity.ERROR, "m", Span(file="f.wm", line=1, col=1, end_line=1, end_col=2))],
        {"f.wm": "lane x\n"},
    )
    assert "\x1b[" not in format_text(report, color=False)
    assert "\x1b[" in format_text(report, color=True)


def test_schema_command_prints_json_schema() -> None:
    code, output = run("schema")
    schema = json.loads(output)
    assert code == 0
    assert schema["title"] == "wmdsl document"
    assert "Workflow" in schema["$defs"]
    # Forks, joins, conditions and working hours are described too.
    defs = schema["$defs"]
    assert {"Join", "Calendar", "Hours"} <= set(defs)
    assert {"joins", "calendars", "hours", "calendar"} <= set(defs["Workflow"]["properties"])
    assert {"hours", "calendar"} <= set(defs["Lane"]["properties"])
    handoff = defs["Handoff"]["properties"]
    assert "`when`" in handoff["condition"]["description"]
    assert "fork" in handoff["fork"]["description"]
    assert {"start", "end", "days", "text"} <= set(defs["Hours"]["properties"])


def test_exclude_skips_matching_folders_but_not_named_files(project: Path) -> None:
    (project / "specs" / "broken").mkdir(parents=True)
    (project / "specs" / "good.wm").write_text(GOOD, encoding="utf-8")
    (project / "specs" / "broken" / "bad.wm").write_text("lane x\n", encoding="utf-8")
    assert run("check", "specs", "--exclude", "broken") == (0, "All clear: 1 file checked, no findings.\n")
    code, _ = run("check", "specs", "specs/broken/bad.wm", "--exclude", "broken")
    assert code == 1


def _tree(project: Path) -> dict[str, str]:
    return {p.relative_to(project).as_posix(): p.read_text() for p in project.rglob("*") if p.is_file()}


def _inputs(project: Path) -> dict[str, str]:
    """A spec that imports another (with a name that is not .wm), and a configuration file."""
    (project / "specs").mkdir()
    (project / "people.inc").write_text('person @ana "Ana"\n', encoding="utf-8")
    (project / "good.wm").write_text('import "people.inc"\n' + GOOD.replace('  person @ana "Ana"\n', ""))
    (project / "specs" / "other.wm").write_text(GOOD, encoding="utf-8")
    return _tree(project)


@pytest.mark.parametrize(
    ("output", "what"),
    [
        ("good.wm", "a spec"),  # the spec itself
        ("specs/../good.wm", "a spec"),  # by another spelling
        ("people.inc", "a file this run read"),  # an import
        ("wmdsl.toml", "a file this run read"),  # the configuration
        ("specs/other.wm", "a spec"),  # a spec this run did not check
    ],
)
def test_check_refuses_to_write_its_report_over_an_input(project: Path, output: str, what: str) -> None:
    before = _inputs(project)
    code, message = run("check", "good.wm", "-o", output)
    assert code == 2
    assert f"refusing to write over {output}: it is {what}" in message
    assert "Traceback" not in message
    assert _tree(project) == before


def test_check_refuses_to_write_over_an_import_whose_result_came_from_the_cache(project: Path) -> None:
    before = _inputs(project)
    assert run("check", "good.wm")[0] == 0  # fills the cache
    code, message = run("check", "good.wm", "-o", "people.inc")
    assert code == 2
    assert "refusing to write over people.inc: it is a file this run read" in message
    assert _tree(project) == before


def test_check_refuses_a_link_to_an_input(project: Path) -> None:
    before = _inputs(project)
    (project / "report.txt").symlink_to(project / "people.inc")
    (project / "hard.json").hardlink_to(project / "good.wm")
    for name in ("report.txt", "hard.json"):
        code, message = run("check", "good.wm", "-o", name, "--format", "json")
        assert code == 2, message
        assert "refusing to write over" in message
    assert (project / "people.inc").read_text() == before["people.inc"]
    assert (project / "good.wm").read_text() == before["good.wm"]


def test_check_writes_a_report_over_an_old_report(project: Path) -> None:
    _inputs(project)
    (project / "report.json").write_text("old", encoding="utf-8")
    code, _ = run("check", "good.wm", "-o", "report.json", "--format", "json")
    assert code == 0
    assert json.loads((project / "report.json").read_text())["files"] == ["good.wm"]


def test_rules_lists_every_code_with_its_name() -> None:
    code, output = run("rules")
    assert code == 0
    assert "CLR001  orphaned-lane" in output
    assert "SYN001  syntax-error" in output


def test_cli_choices_match_the_registries() -> None:
    from wmdsl.commands import check
    from wmdsl.output import FORMATTERS
    from wmdsl.project.settings import PRESETS

    assert tuple(FORMATTERS) == check.FORMAT_NAMES
    assert tuple(PRESETS) == check.PRESET_NAMES


def test_version_does_not_load_the_compiler() -> None:
    probe = run_wmdsl(["--version"])
    assert probe.codes == [0]
    assert not probe.loaded & {"lark", "pydantic", "networkx"}


def test_plain_reports_read_the_same_without_rich() -> None:
    from wmdsl import api
    from wmdsl.output import text

    broken = sorted((ROOT / "examples" / "broken").glob("*.wm"))
    reports = [api.check([path], jobs=1) for path in broken]
    assert sum(len(report.diagnostics) for report in reports) > 50
    for report in reports:
        printed = text.printed_by_rich(text.report_lines(report), color=False)
        assert text.format_text(report) == "".join(printed)


def test_a_report_with_findings_in_plain_ascii_does_not_import_rich(tmp_path: Path) -> None:
    spec = tmp_path / "spec.wm"
    spec.write_text(GOOD, encoding="utf-8")  # it has warnings: no purpose, no board...
    probe = run_wmdsl(["check", "--no-cache", "--no-color", str(spec)], cwd=tmp_path)
    assert "Found" in probe.stdout
    assert "rich" not in probe.loaded


# -- the console entry point: main, then an immediate exit ---------------------------


class _Exited(Exception):
    pass


def _run_with(monkeypatch: pytest.MonkeyPatch, main: Callable[[], None]) -> list[int]:
    """The statuses ``wmdsl.cli.run`` exits with, ``main`` standing in for the command line."""
    import wmdsl.cli as entry

    statuses: list[int] = []

    def hard_exit(code: int) -> None:
        statuses.append(code)
        raise _Exited

    monkeypatch.setattr(entry.os, "_exit", hard_exit)
    monkeypatch.setattr(entry.gc, "set_threshold", lambda *thresholds: None)  # the test process keeps its own
    monkeypatch.setattr(entry, "main", main)
    with pytest.raises(_Exited):
        entry.run()
    return statuses


@pytest.mark.parametrize(("outcome", "status"), [(None, 0), (0, 0), (1, 1), (2, 2), ("a message", 1)])
def test_run_exits_with_the_status_main_gives(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], outcome: object, status: int
) -> None:
    assert _run_with(monkeypatch, lambda: sys.exit(outcome)) == [status]
    assert capsys.readouterr().err == ("a message\n" if outcome == "a message" else "")


def test_run_exits_zero_when_main_returns(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _run_with(monkeypatch, lambda: None) == [0]


def test_the_process_writes_all_its_output_before_it_exits(project: Path) -> None:
    # Far more than a pipe buffer holds: what is still buffered at the end must be flushed.
    (project / "big.wm").write_text(generated_spec(300), encoding="utf-8")
    done = wmdsl("render", "big.wm", "--to", "json", cwd=project)
    expected = CliRunner().invoke(cli, ["render", "big.wm", "--to", "json"])
    assert (done.returncode, done.stdout) == (expected.exit_code, expected.output) == (0, expected.output)
    assert len(done.stdout) > 200_000


def test_a_reader_that_stops_early_gets_no_traceback(project: Path) -> None:
    (project / "big.wm").write_text(generated_spec(300), encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "wmdsl", "render", "big.wm", "--to", "json"],
        cwd=project,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    assert process.stdout.read(10)
    process.stdout.close()
    error = process.stderr.read().decode()
    process.wait(timeout=60)
    assert "Traceback" not in error
    assert "Exception ignored" not in error


def test_process_policy_lives_in_the_entry_point_alone() -> None:
    # The library never touches the collector, ends the process or reaches into
    # CPython's or lark's internals: only the console entry point (cli.py) sets
    # a threshold and exits hard.
    package = Path(__file__).resolve().parent.parent / "src" / "wmdsl"
    pattern = re.compile(r"_sre|re\._|gc\.|_load_from_dict|os\._exit")
    offenders = [
        f"{path.relative_to(package)}:{number}"
        for path in sorted(package.rglob("*.py"))
        if path.name != "cli.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []


def test_a_library_check_leaves_the_collector_as_it_found_it(project: Path) -> None:
    import gc

    from wmdsl import api

    (project / "a.wm").write_text(GOOD, encoding="utf-8")
    before = (gc.isenabled(), gc.get_threshold(), gc.get_freeze_count())
    api.check([project], jobs=1)
    api.render(project / "a.wm", ["json"])
    assert (gc.isenabled(), gc.get_threshold(), gc.get_freeze_count()) == before


def test_a_run_past_its_timeout_stops_with_status_2(project: Path) -> None:
    spec = generated_spec(1000)  # some seconds of work in all, on any machine
    for index in range(24):
        (project / f"s{index:02}.wm").write_text(spec, encoding="utf-8")
    done = wmdsl("check", ".", "--no-cache", "-j", "2", "--timeout", "0.6", cwd=project)
    assert done.returncode == 2
    assert "stopped after the --timeout of 0.6 s" in done.stderr
    assert "Traceback" not in done.stderr
    assert _processes_in(project) == []  # no worker left checking on its own
    done = wmdsl("render", "s00.wm", "--to", "json", "--timeout", "0.01", cwd=project)
    assert (done.returncode, done.stdout) == (2, "")


def _processes_in(folder: Path) -> list[str]:
    """The processes but this one whose working directory is ``folder`` (where /proc tells)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        if entry.name == str(os.getpid()):
            continue
        try:
            if entry.joinpath("cwd").resolve() == folder.resolve():
                found.append(entry.name)
        except OSError:
            continue
    return found


def test_a_timeout_that_is_not_reached_changes_nothing(project: Path) -> None:
    (project / "a.wm").write_text(GOOD, encoding="utf-8")
    assert (
        wmdsl("check", "a.wm", "--timeout", "300", cwd=project).stdout
        == wmdsl("check", "a.wm", cwd=project).stdout
    )
