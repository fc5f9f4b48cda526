"""`wmdsl check --watch`: the findings again after every change, until Ctrl-C (exit 0)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.running import Running
from tests.test_serve import DESK
from wmdsl.cli import cli
from wmdsl.serve.watch import SpecFilter, folders


def test_check_watch_prints_new_findings_after_a_change_and_stops_on_ctrl_c(
    project: Path, private_cache: Path
) -> None:
    (project / "specs").mkdir()
    spec = project / "specs" / "desk.wm"
    spec.write_text(DESK, encoding="utf-8")
    running = Running("check", "--watch", "specs", cwd=project)
    try:
        running.wait_for("All clear: 1 file checked, no findings.")
        running.wait_for("watching for changes", stderr=True)
        seen = len(running.stdout)
        spec.write_text(DESK.replace("{ owner @ana; arrivals", "{ arrivals"), encoding="utf-8")
        running.wait_for("CLR003 [error] intake `inbox` has no owner", after=seen, timeout=10)
        running.wait_for("Found 1 error in 1 file.", after=seen)
        running.wait_for("checked again after a change to specs/desk.wm", stderr=True)
        # A file the first check did not know of is found in the folder too.
        seen = len(running.stdout)
        (project / "specs" / "more.wm").write_text(DESK.replace("desk", "more"), encoding="utf-8")
        running.wait_for("2 files", after=seen, timeout=10)
        assert running.interrupt() == 0
    finally:
        running.kill()
    assert "Traceback" not in running.stderr
    assert "\x1b[2J" not in running.stdout  # the screen is cleared on a terminal only
    assert any(private_cache.iterdir()), "a watched check uses the result cache as a check does"


def test_check_watch_survives_a_configuration_mistake(project: Path) -> None:
    (project / "desk.wm").write_text(DESK, encoding="utf-8")
    running = Running("check", "--watch", "desk.wm", cwd=project)
    try:
        running.wait_for("watching for changes", stderr=True)
        (project / "wmdsl.toml").write_text("select = [\n", encoding="utf-8")
        running.wait_for("error:", stderr=True, timeout=10)
        (project / "wmdsl.toml").write_text('select = ["CLR003"]\n', encoding="utf-8")
        seen = len(running.stdout)
        running.wait_for("All clear", after=seen, timeout=10)
        assert running.interrupt() == 0
    finally:
        running.kill()
    assert "Traceback" not in running.stderr


@pytest.mark.parametrize("other", ["--fix", "--show-settings"])
def test_check_watch_refuses_options_that_write_or_stop(project: Path, other: str) -> None:
    (project / "desk.wm").write_text(DESK, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--watch", other, "desk.wm"])
    assert result.exit_code == 2
    assert "--watch cannot be used with" in result.output


def test_watched_folders_hold_the_paths_and_what_they_read(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "x.wm").write_text("", encoding="utf-8")
    found = folders([tmp_path / "a", tmp_path / "a" / "b"], [str(tmp_path / "c" / "x.wm"), "/nowhere/y.wm"])
    assert found == [tmp_path / "a", tmp_path / "c"]


@pytest.mark.parametrize(
    ("path", "counts"),
    [
        ("/p/specs/a.wm", True),
        ("/p/wmdsl.toml", True),
        ("/p/pyproject.toml", True),
        ("/p/out/a.svg", False),
        ("/p/notes.md", False),
        ("/p/specs/.a.wm.swp", False),
        ("/p/specs/a.wm~", False),
        ("/p/.git/a.wm", False),
        ("/p/node_modules/x/a.wm", False),
    ],
)
def test_only_changes_to_specs_and_configuration_count(path: str, counts: bool) -> None:
    from watchfiles import Change

    assert SpecFilter()(Change.modified, path) is counts
