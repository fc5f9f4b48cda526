"""What a pull request can make wmdsl read: files of the project, never `.git` or a link's far end.

Each test plants a secret where an attacker would want it quoted (a
checkout's credential line, a file outside the repository, the process
environment) and checks that no output format carries it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from wmdsl import api
from wmdsl.output import FORMATTERS

SECRET = "U0VDUkVUVE9LRU4tZG8tbm90LWxlYWs"
GOOD = 'person @ana "Ana"\nlane desk "Desk" { owner @ana; members @ana }\n'


def outputs(report: api.Report) -> str:
    """Every diagnostics format of ``report``, one after the other."""
    return "\n".join(formatter(report, False) for _, formatter in sorted(FORMATTERS.items()))


def codes_of(report: api.Report) -> list[str]:
    return [d.code for d in report.diagnostics]


@pytest.fixture
def git_secret(project: Path) -> Path:
    (project / ".git").mkdir()
    (project / ".git" / "config").write_text(
        f'[http "https://example.invalid/"]\n\textraheader = AUTHORIZATION: basic {SECRET}\n',
        encoding="utf-8",
    )
    return project


@pytest.mark.parametrize("written", ["../.git/config", ".git/config", "../.git/../.git/config"])
def test_an_import_into_git_is_refused_and_never_quoted(git_secret: Path, written: str) -> None:
    (git_secret / "specs").mkdir()
    entry = "specs/a.wm" if written.startswith("..") else "a.wm"
    (git_secret / entry).write_text(f'import "{written}"\n{GOOD}', encoding="utf-8")
    report = api.check([entry])
    assert codes_of(report) == ["SYN011"]
    assert ".git" in report.diagnostics[0].message
    assert SECRET not in outputs(report)
    assert all(".git" not in name for name in report.sources)


def test_a_link_into_git_is_refused(git_secret: Path) -> None:
    (git_secret / "config.wm").symlink_to(".git/config")
    (git_secret / "a.wm").write_text(f'import "config.wm"\n{GOOD}', encoding="utf-8")
    for paths in (["a.wm"], ["config.wm"], ["."]):
        report = api.check(paths)
        assert "SYN011" in codes_of(report), paths
        assert SECRET not in outputs(report)


def test_folder_discovery_never_enters_git(git_secret: Path) -> None:
    (git_secret / ".git" / "hooks.wm").write_text(f"lane x {{ {SECRET} }}\n", encoding="utf-8")
    (git_secret / "a.wm").write_text(GOOD, encoding="utf-8")
    assert api.discover(["."]) == [Path("a.wm")]


@pytest.fixture
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A file outside the project, as /etc/passwd would be."""
    target = tmp_path_factory.mktemp("elsewhere") / "passwd"
    target.write_text(f"root:x:0:0:{SECRET}:/root:/bin/sh\n", encoding="utf-8")
    return target


def test_a_discovered_link_to_a_file_outside_is_refused(project: Path, outside: Path) -> None:
    (project / "specs").mkdir()
    (project / "specs" / "e.wm").symlink_to(outside)
    (project / "specs" / "ok.wm").write_text(GOOD, encoding="utf-8")
    report = api.check(["specs"], cache=True)
    assert codes_of(report) == ["SYN011"]
    assert report.diagnostics[0].span.file == "specs/e.wm"
    assert SECRET not in outputs(report)
    assert sorted(os.listdir(outside.parent)) == ["passwd"]  # nothing written beside the target


def test_a_named_link_to_a_file_outside_is_refused(project: Path, outside: Path) -> None:
    (project / "p.wm").symlink_to(outside)
    report = api.check(["p.wm"], cache=True)
    assert codes_of(report) == ["SYN011"]
    assert SECRET not in outputs(report)


def test_an_import_through_a_link_to_outside_is_refused(project: Path, outside: Path) -> None:
    (project / "lib").symlink_to(outside.parent, target_is_directory=True)
    (project / "a.wm").write_text(f'import "lib/passwd"\n{GOOD}', encoding="utf-8")
    report = api.check(["a.wm"])
    assert codes_of(report) == ["SYN011"]
    assert SECRET not in outputs(report)


def test_linked_folders_inside_the_root_are_searched_once(project: Path, outside: Path) -> None:
    (project / "real").mkdir()
    (project / "real" / "a.wm").write_text(GOOD, encoding="utf-8")
    (project / "specs").mkdir()
    (project / "specs" / "shared").symlink_to("../real", target_is_directory=True)
    (project / "specs" / "loop").symlink_to("..", target_is_directory=True)
    (project / "specs" / "away").symlink_to(outside.parent, target_is_directory=True)
    report = api.check(["specs"])
    assert report.files == ["real/a.wm"]
    assert codes_of(report) == ["SYN011"]
    assert report.diagnostics[0].severity is api.Severity.WARNING
    assert "specs/away" in report.diagnostics[0].message
    assert SECRET not in outputs(report)


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")
@pytest.mark.parametrize("output_format", sorted(FORMATTERS))
def test_a_link_to_the_process_environment_leaks_nothing(
    project: Path, private_cache: Path, output_format: str
) -> None:
    (project / "specs").mkdir()
    (project / "specs" / "e.wm").symlink_to("/proc/self/environ")
    (project / "specs" / "ok.wm").write_text(GOOD, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "wmdsl", "check", "specs", "--format", output_format],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=project,
        env={**os.environ, "PLANTED_TOKEN": SECRET, "WMDSL_CACHE_DIR": str(private_cache)},
    )
    assert done.returncode == 1, done.stderr
    assert SECRET not in done.stdout + done.stderr
    assert "SYN011" in done.stdout


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("a\\u{0}.wm", "SYN008"),
        ("a\x00.wm", "SYN008"),
        ("a\x01.wm", "SYN008"),
        ("x" * 5000 + ".wm", "SYN012"),
        ("loop.wm", "SYN012"),
    ],
)
def test_a_bad_import_is_a_diagnostic_and_the_run_goes_on(project: Path, written: str, code: str) -> None:
    (project / "loop.wm").symlink_to("loop.wm")
    (project / "a.wm").write_text(f'import "{written}"\n{GOOD}', encoding="utf-8")
    (project / "b.wm").write_text("lane b {\n", encoding="utf-8")
    report = api.check(["a.wm", "b.wm"])
    assert codes_of(report)[0] in {code, "SYN009"}
    assert report.files == ["a.wm", "b.wm"]
    assert "SYN001" in codes_of(report)  # b.wm was still checked
    assert all(len(d.message) < 300 for d in report.diagnostics)
