"""Configuration files and overrides: presets, selection, severity, options, errors."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from wmdsl import api
from wmdsl.cli import cli
from wmdsl.diagnostics import Severity
from wmdsl.project.settings import ConfigError, Overrides, expand, resolve, settings_for
from wmdsl.rules import all_rules

ORPHAN = 'person @a "A"\nlane l "L" { members @a }\n'  # CLR001 (error)
NO_DECLINE = """\
workflow w "W" {
  person @a "A"
  intake i "I" { owner @a }
  stage s "S" { owner @a }
  exit done "Done"
  i -> s
  s -> done
}
"""  # FLW004 (warning)


def write(project: Path, config: str, name: str = "wmdsl.toml") -> None:
    (project / name).write_text(config, encoding="utf-8")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def codes_of(report: api.Report) -> list[str]:
    return [d.code for d in report.diagnostics]


def test_selectors_accept_codes_names_prefixes_and_all() -> None:
    assert expand("CLR001", "t") == {"CLR001"}
    assert expand("orphaned-lane", "t") == {"CLR001"}
    assert expand("clr001", "t") == {"CLR001"}
    assert {"CLR001", "CLR002"} <= expand("CLR", "t")
    assert expand("ALL", "t") >= {r.code.code for r in all_rules()}


@pytest.mark.parametrize(
    ("selector", "message"),
    [
        ("CLR01", "unknown rule `CLR01`; did you mean `CLR001`?"),
        ("orphaned-lan", "did you mean `orphaned-lane`?"),
        ("SYN001", "is a language error, which is always reported"),
    ],
)
def test_bad_selectors_are_errors_with_suggestions(selector: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("?", r"\?").replace("`", "`")):
        expand(selector, "t")


def test_presets() -> None:
    rules = {r.code.code: r for r in all_rules()}
    strict = resolve({"preset": "strict"}, Overrides(), None).enabled
    recommended = resolve({}, Overrides(), None).enabled
    correctness = resolve({"preset": "correctness"}, Overrides(), None).enabled
    assert strict >= set(rules)
    assert recommended == {c for c, r in rules.items() if r.recommended} | {"SYN013"}
    assert correctness == {c for c, r in rules.items() if r.code.severity is Severity.ERROR}


def test_config_file_is_found_upward_and_applies(project: Path) -> None:
    (project / "specs" / "deep").mkdir(parents=True)
    (project / "specs" / "deep" / "orphan.wm").write_text(ORPHAN, encoding="utf-8")
    write(project, 'select = ["CLR00", "HUM00"]\nignore = ["orphaned-lane", "HUM005", "HUM006"]\n')
    assert codes_of(api.check(["specs"])) == []
    write(project / "specs", '[tool.wmdsl]\nselect = ["CLR"]\n', "pyproject.toml")
    assert codes_of(api.check(["specs"])) == ["CLR001"]  # the nearer file wins


def test_pyproject_without_a_wmdsl_table_is_skipped(project: Path) -> None:
    (project / "sub").mkdir()
    write(project / "sub", "[project]\nname = 'x'\n", "pyproject.toml")
    write(project, 'ignore = ["CLR001"]\n')
    (project / "sub" / "o.wm").write_text(ORPHAN, encoding="utf-8")
    assert settings_for(project / "sub" / "o.wm").source == project / "wmdsl.toml"


def test_severity_override_and_fail_on(project: Path) -> None:
    (project / "w.wm").write_text(NO_DECLINE, encoding="utf-8")
    write(project, 'select = ["FLW004"]\n')
    assert run("check", "w.wm")[0] == 0  # a warning does not fail by default
    assert run("check", "w.wm", "--fail-on", "warning")[0] == 1
    assert run("check", "w.wm", "--fail-on", "warning", "--exit-zero")[0] == 0
    write(project, 'select = ["FLW004"]\nfail-on = "warning"\n')
    assert run("check", "w.wm")[0] == 1
    write(project, 'select = ["FLW004"]\n[severity]\nintake-without-decline = "error"\n')
    code, output = run("check", "w.wm", "--format", "json")
    assert code == 1
    assert json.loads(output)["diagnostics"][0]["severity"] == "error"


def test_cli_selection_overrides_the_file(project: Path) -> None:
    (project / "o.wm").write_text(ORPHAN, encoding="utf-8")
    write(project, 'select = ["FLW"]\n')
    assert run("check", "o.wm")[0] == 0
    assert run("check", "o.wm", "--select", "CLR001")[0] == 1
    assert run("check", "o.wm", "--select", "CLR", "--ignore", "CLR001")[0] == 0
    assert run("check", "o.wm", "--isolated")[0] == 1


def test_per_file_ignores(project: Path) -> None:
    (project / "legacy").mkdir()
    (project / "legacy" / "old.wm").write_text(ORPHAN, encoding="utf-8")
    (project / "new.wm").write_text(ORPHAN, encoding="utf-8")
    write(project, 'select = ["CLR001"]\n[per-file-ignores]\n"legacy/*.wm" = ["CLR001"]\n')
    assert [d.span.file for d in api.check(["."]).diagnostics] == ["new.wm"]


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ('selcet = ["CLR"]\n', "unknown key `selcet`; did you mean `select`?"),
        ('select = ["CLR01"]\n', "unknown rule `CLR01`; did you mean `CLR001`?"),
        ('select = "CLR001"\n', "expected a list of rule codes"),
        ('preset = "strikt"\n', "unknown preset 'strikt'; did you mean `strict`?"),
        ('fail-on = "fatal"\n', "unknown severity 'fatal'"),
        ("[options.FLW001]\nmax = 2\n", "unknown option `max`"),
        ("select = [\n", "invalid TOML"),
    ],
)
def test_config_mistakes_exit_two_with_a_suggestion(project: Path, config: str, message: str) -> None:
    (project / "o.wm").write_text(ORPHAN, encoding="utf-8")
    write(project, config)
    code, output = run("check", "o.wm")
    assert code == 2
    assert message in output
    assert "Traceback" not in output


def test_option_types_are_checked(project: Path) -> None:
    with_options = [r for r in all_rules() if r.options]
    if not with_options:
        pytest.skip("no rule has options yet")
    rule, option = with_options[0], with_options[0].options[0]
    write(project, f'[options.{rule.code.code}]\n{option.name} = "not a number"\n')
    (project / "o.wm").write_text(ORPHAN, encoding="utf-8")
    if option.kind is str:
        pytest.skip("first option is a string")
    code, output = run("check", "o.wm")
    assert code == 2
    assert f"expected {option.kind.__name__}" in output


def test_show_settings(project: Path) -> None:
    (project / "o.wm").write_text(ORPHAN, encoding="utf-8")
    write(project, 'preset = "strict"\nignore = ["SYS"]\n[severity]\nCLR001 = "warning"\n')
    code, output = run("check", "o.wm", "--show-settings")
    settings = json.loads(output)
    assert code == 0
    assert settings["preset"] == "strict"
    assert settings["config"].endswith("wmdsl.toml")
    assert "SYS001" not in settings["enabled"]
    assert "CLR001" in settings["enabled"]
    assert settings["severity"] == {"CLR001": "warning"}


def test_ignore_allows_reports_what_they_hide(project: Path) -> None:
    spec = 'person @a "A"\nlane l "L" { members @a; allow CLR001 "migrating" }\n'
    (project / "o.wm").write_text(spec, encoding="utf-8")
    assert run("check", "o.wm")[0] == 0
    assert run("check", "o.wm", "--ignore-allows")[0] == 1


def test_statistics_and_output_file(project: Path) -> None:
    for name in ("a", "b"):
        (project / f"{name}.wm").write_text(ORPHAN, encoding="utf-8")
    code, output = run("check", ".", "--statistics")
    assert (code, output) == (1, "Clarity over Chaos (CLR): 2\n  2  CLR001  orphaned-lane\n")
    code, output = run("check", ".", "--format", "json", "-o", "report.json")
    assert code == 1
    assert output == ""
    assert json.loads((project / "report.json").read_text())["summary"]["errors"] == 2


def test_parallel_check_is_deterministic(project: Path) -> None:
    for number in range(40):
        (project / f"s{number:02}.wm").write_text(ORPHAN, encoding="utf-8")
    serial = api.check(["."], jobs=1)
    parallel = api.check(["."], jobs=2)
    assert serial.diagnostics == parallel.diagnostics
    assert serial.files == parallel.files


def test_config_exclude_skips_files_found_in_folders(project: Path) -> None:
    (project / "specs" / "drafts").mkdir(parents=True)
    (project / "specs" / "legacy").mkdir()
    for name in ("specs/ok.wm", "specs/drafts/a.wm", "specs/legacy/b.wm", "specs/legacy/c.wm"):
        (project / name).write_text(ORPHAN, encoding="utf-8")
    write(project, 'select = ["CLR001"]\nexclude = ["drafts", "specs/legacy/b.wm"]\n')
    assert api.check(["specs"]).files == ["specs/legacy/c.wm", "specs/ok.wm"]
    # The globs are relative to the configuration file's folder, wherever the check starts.
    assert api.check(["specs/legacy"]).files == ["specs/legacy/c.wm"]
    # A file named explicitly is checked anyway; --isolated ignores the file and its exclude.
    assert api.check(["specs/drafts/a.wm"]).files == ["specs/drafts/a.wm"]
    assert len(api.check(["specs"], overrides=Overrides(isolated=True)).files) == 4


def test_config_exclude_is_relative_to_its_own_folder(project: Path) -> None:
    (project / "sub" / "old").mkdir(parents=True)
    (project / "old").mkdir()
    for name in ("sub/new.wm", "sub/old/a.wm", "old/b.wm"):
        (project / name).write_text(ORPHAN, encoding="utf-8")
    write(project, 'select = ["CLR001"]\n')
    write(project / "sub", 'select = ["CLR001"]\nexclude = ["old/*"]\n')
    # sub/wmdsl.toml excludes sub/old/, not old/ at the top: that one's configuration has no exclude.
    assert api.check(["."]).files == ["old/b.wm", "sub/new.wm"]


def test_cli_exclude_adds_to_the_config_exclude(project: Path) -> None:
    (project / "specs" / "drafts").mkdir(parents=True)
    (project / "specs" / "wip").mkdir()
    for name in ("specs/drafts/a.wm", "specs/wip/b.wm", "specs/c.wm"):
        (project / name).write_text(ORPHAN, encoding="utf-8")
    write(project, 'select = ["CLR001"]\nexclude = ["drafts"]\n')
    code, output = run("check", "specs", "--exclude", "wip", "--statistics")
    assert (code, output) == (1, "Clarity over Chaos (CLR): 1\n  1  CLR001  orphaned-lane\n")
    code, output = run("check", "specs", "--exclude", "wip", "--show-settings")
    assert json.loads(output)["exclude"] == ["drafts"]
    code, output = run("check", "specs", "--format", "json")
    assert json.loads(output)["files"] == ["specs/c.wm", "specs/wip/b.wm"]


def test_each_run_reads_the_configuration_afresh(project: Path) -> None:
    from wmdsl import api

    (project / "a.wm").write_text('lane l "L" { members @x }\nperson @x "X"\n', encoding="utf-8")
    config = project / "wmdsl.toml"
    config.write_text('select = ["CLR001"]\n', encoding="utf-8")
    stamp = config.stat()
    assert [d.code for d in api.check(["a.wm"]).diagnostics] == ["CLR001"]
    config.write_text('select = ["CLR002"]\n', encoding="utf-8")  # same size
    os.utime(config, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))  # and the same time
    assert [d.code for d in api.check(["a.wm"]).diagnostics] == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX feature")
def test_a_configuration_that_is_a_pipe_is_refused_not_waited_on(project: Path) -> None:
    (project / "wmdsl.toml").unlink()
    os.mkfifo(project / "wmdsl.toml")
    assert settings_for(project / "a.wm").source is None  # found upward: not a configuration file
    with pytest.raises(ConfigError, match="not a regular file"):
        settings_for(project / "a.wm", Overrides(config=project / "wmdsl.toml"))


def test_a_configuration_that_links_out_of_its_folder_is_refused(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "x.toml"
    elsewhere.write_text('[limits]\nmax-depth = "U0VDUkVU"\n', encoding="utf-8")
    (project / "wmdsl.toml").unlink()
    (project / "wmdsl.toml").symlink_to(elsewhere)
    with pytest.raises(ConfigError, match="link to a file outside its folder") as raised:
        settings_for(project / "a.wm")
    assert "U0VDUkVU" not in str(raised.value)
    # Named on the command line, the same file is read.
    with pytest.raises(ConfigError, match="U0VDUkVU"):
        settings_for(project / "a.wm", Overrides(config=elsewhere))
