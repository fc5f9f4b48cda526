"""`wmdsl render` and `wmdsl docs`: refuse broken specs, write atomically, keep old outputs."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from wmdsl.cli import cli

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


@pytest.fixture
def spec(project: Path) -> Path:
    shutil.copytree(ROOT / "examples", project / "examples", ignore=shutil.ignore_patterns("broken"))
    return project / "examples" / "hiring.wm"


def test_render_to_stdout_and_to_a_file(spec: Path, project: Path) -> None:
    code, output = run("render", str(spec), "--to", "json")
    assert code == 0
    assert json.loads(output[output.index("{") :])["workflows"][0]["name"] == "hiring"
    code, _ = run("render", str(spec), "--to", "json", "-o", "out/model.json")
    assert code == 0
    assert json.loads((project / "out" / "model.json").read_text())["workflows"]


def test_several_formats_need_a_folder(spec: Path, project: Path) -> None:
    code, output = run("render", str(spec), "--to", "json", "--to", "board")
    assert code == 2
    assert "need -o FOLDER" in output
    code, _ = run("render", str(spec), "--to", "json", "--to", "board", "-o", "site")
    assert code == 0
    assert sorted(p.name for p in (project / "site").iterdir()) == ["hiring.board.json", "hiring.json"]


def test_render_refuses_a_spec_with_errors_and_keeps_old_output(project: Path) -> None:
    (project / "bad.wm").write_text('person @a "A"\nlane l "L" { members @a }\n', encoding="utf-8")
    (project / "out.json").write_text("previous", encoding="utf-8")
    code, output = run("render", "bad.wm", "--to", "json", "-o", "out.json")
    assert code == 1
    assert "CLR001" in output
    assert "not rendered" in output
    assert (project / "out.json").read_text() == "previous"
    code, _ = run("render", "bad.wm", "--to", "json", "-o", "out.json", "--force")
    assert code == 0
    assert json.loads((project / "out.json").read_text())["shared"]["lanes"]


def test_render_refuses_to_write_over_its_spec_or_an_import(spec: Path, project: Path) -> None:
    before = spec.read_bytes()
    code, output = run("render", str(spec), "--to", "json", "-o", str(spec))
    assert code == 2
    assert "refusing to write over" in output
    assert spec.read_bytes() == before
    (project / "out").mkdir()
    (project / "out" / "hiring.json").hardlink_to(spec)  # (a link out of the folder is refused by `inside`)
    code, output = run("render", str(spec), "--to", "board", "--to", "json", "-o", "out")
    assert code == 2
    assert "refusing to write over" in output
    assert spec.read_bytes() == before
    assert sorted(p.name for p in (project / "out").iterdir()) == ["hiring.json"]  # nothing written


def test_unknown_format_is_a_usage_error(spec: Path) -> None:
    code, output = run("render", str(spec), "--to", "visio")
    assert code == 2
    assert "unknown format 'visio'" in output


def test_docs_builds_a_handbook(spec: Path, project: Path) -> None:
    code, output = run("docs", str(spec), "-o", "handbook")
    assert code == 0, output
    site = project / "handbook"
    assert (site / "index.html").exists()
    assert (site / "findings.md").exists()
    assert list((site / "lanes").glob("*.html"))
    assert not list(site.rglob("*.tmp"))


def test_docs_refuses_a_broken_spec(project: Path) -> None:
    (project / "bad.wm").write_text('person @a "A"\nlane l "L" { members @a }\n', encoding="utf-8")
    code, output = run("docs", "bad.wm", "-o", "handbook")
    assert code == 1
    assert "handbook not built" in output
    assert not (project / "handbook").exists()


def test_analyze_prints_a_table_and_json(spec: Path) -> None:
    code, output = run("analyze", str(spec))
    assert code == 0, output
    assert "bottleneck:" in output
    code, output = run("analyze", str(spec), "--format", "json")
    assert code == 0
    assert json.loads(output)


def test_analyze_refuses_a_spec_with_language_errors(project: Path) -> None:
    (project / "bad.wm").write_text("workflow w {\n  stge x\n}\n", encoding="utf-8")
    code, output = run("analyze", "bad.wm")
    assert code == 1
    assert "SYN007" in output


def test_a_renderer_crash_leaves_earlier_outputs_intact(
    spec: Path, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = project / "site"
    site.mkdir()
    (site / "hiring.json").write_text("previous json", encoding="utf-8")
    (site / "hiring.board.json").write_text("previous board", encoding="utf-8")

    def explode(document: object) -> str:
        raise RuntimeError("renderer bug")

    import wmdsl.render.board

    monkeypatch.setattr(wmdsl.render.board, "render_board", explode)
    code, output = run("render", str(spec), "--to", "json", "--to", "board", "-o", "site")
    assert code != 0
    assert "Traceback" not in output
    assert (site / "hiring.json").read_text() == "previous json"
    assert (site / "hiring.board.json").read_text() == "previous board"
    assert sorted(p.name for p in site.iterdir()) == ["hiring.board.json", "hiring.json"]


def test_output_names_cannot_escape_the_folder(project: Path) -> None:
    from wmdsl.project.files import OutputError, inside

    with pytest.raises(OutputError):
        inside(project / "out", "../evil.json")
    with pytest.raises(OutputError):
        inside(project / "out", "/etc/passwd")
    assert inside(project / "out", "lanes/eng.html") == (project / "out" / "lanes" / "eng.html").resolve()


def _site(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_docs_marks_its_folder_and_replaces_it_as_a_whole(spec: Path, project: Path) -> None:
    assert run("docs", str(spec), "-o", "handbook")[0] == 0
    site = project / "handbook"
    assert (site / ".wmdsl-handbook").is_file()
    first = _site(site)
    (site / "lanes" / "gone.html").write_text("a page of a lane deleted since", encoding="utf-8")
    code, output = run("docs", str(spec), "-o", "handbook")
    assert code == 0, output
    assert _site(site) == first  # the stale page went with the old site
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".handbook")) == []


def test_docs_refuses_a_folder_that_is_not_empty_and_not_a_handbook(spec: Path, project: Path) -> None:
    (project / "notes").mkdir()
    (project / "notes" / "todo.txt").write_text("keep me", encoding="utf-8")
    code, output = run("docs", str(spec), "-o", "notes")
    assert code == 2
    assert "is not empty and is not a folder wmdsl wrote (it has no .wmdsl-handbook)" in output
    assert "Traceback" not in output
    assert (project / "notes" / "todo.txt").read_text() == "keep me"
    assert sorted(p.name for p in (project / "notes").iterdir()) == ["todo.txt"]


def test_docs_writes_into_an_empty_folder_and_replaces_any_other_when_told(spec: Path, project: Path) -> None:
    (project / "empty").mkdir()
    assert run("docs", str(spec), "-o", "empty")[0] == 0
    assert (project / "empty" / "index.html").is_file()
    (project / "notes").mkdir()
    (project / "notes" / "todo.txt").write_text("old", encoding="utf-8")
    assert run("docs", str(spec), "-o", "notes", "--replace")[0] == 0
    assert not (project / "notes" / "todo.txt").exists()
    assert (project / "notes" / ".wmdsl-handbook").is_file()


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("examples", "it holds examples/hiring.wm, which this run read"),
        (".", "it holds the working directory"),
    ],
)
def test_docs_never_replaces_its_own_inputs_or_the_root(
    spec: Path, project: Path, where: str, message: str
) -> None:
    before = _site(project / "examples")
    code, output = run("docs", "examples/hiring.wm", "-o", where, "--replace")
    assert code == 2
    assert message in output
    assert _site(project / "examples") == before


def test_a_docs_run_that_fails_midway_leaves_the_previous_site(
    spec: Path, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("docs", str(spec), "-o", "handbook")[0] == 0
    previous = _site(project / "handbook")
    import wmdsl.project.folders

    written: list[str] = []
    original = wmdsl.project.folders.inside

    def fail_on_the_third(folder: Path, name: str) -> Path:
        written.append(name)
        if len(written) == 3:
            raise OSError(28, "No space left on device")
        return original(folder, name)

    monkeypatch.setattr(wmdsl.project.folders, "inside", fail_on_the_third)
    code, _ = run("docs", str(spec), "-o", "handbook")
    assert code != 0
    assert len(written) == 3
    assert _site(project / "handbook") == previous
    assert [p.name for p in project.iterdir() if p.name.startswith(".handbook")] == []


def test_a_docs_run_that_fails_at_the_swap_puts_the_previous_site_back(
    spec: Path, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("docs", str(spec), "-o", "handbook")[0] == 0
    previous = _site(project / "handbook")
    import os

    renames: list[str] = []
    original = os.rename

    def second_fails(source: str, target: str) -> None:
        renames.append(str(target))
        if len(renames) == 2:  # the old site is aside; the new one cannot take its place
            raise OSError(5, "Input/output error")
        original(source, target)

    monkeypatch.setattr(os, "rename", second_fails)
    code, _ = run("docs", str(spec), "-o", "handbook")
    assert code != 0
    assert len(renames) == 3  # aside, the failed swap, and back
    assert _site(project / "handbook") == previous
    assert [p.name for p in project.iterdir() if p.name.startswith(".handbook")] == []


@pytest.mark.parametrize("force", [False, True])
def test_the_root_folder_is_never_replaced(force: bool) -> None:
    # Asked of the guard alone: a test that ran `wmdsl docs -o /` would write
    # into / if the guard ever failed.
    from wmdsl.project.files import OutputError
    from wmdsl.project.folders import check_replaceable

    root = Path(Path.cwd().anchor)
    with pytest.raises(OutputError, match="refusing to replace the root folder"):
        check_replaceable(root, ".wmdsl-handbook", force, [])


@pytest.mark.skipif(os.name != "posix", reason="the fake Graphviz is a shell script")
def test_a_graphviz_that_takes_too_long_stops_png_but_not_svg_or_docs(
    spec: Path, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = project / "bin"
    slow.mkdir()
    for name in ("dot", "neato"):
        (slow / name).write_text("#!/bin/sh\nexec sleep 30\n", encoding="utf-8")
        (slow / name).chmod(0o755)
    monkeypatch.setenv("PATH", f"{slow}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("WMDSL_GRAPHVIZ_TIMEOUT", "0.2")
    code, output = run("docs", str(spec), "-o", "handbook")
    assert code == 0, output  # the handbook's diagrams are wmdsl's own: no Graphviz in them
    assert (project / "handbook" / "index.html").exists()
    code, output = run("render", str(spec), "--to", "svg", "-o", "out.svg")
    assert code == 0, output
    code, output = run("render", str(spec), "--to", "png", "-o", "out.png")
    assert code == 2
    assert "cannot render: Graphviz did not finish drawing the diagram in 0.2 s" in output
    assert "Traceback" not in output
    assert not (project / "out.png").exists()


@pytest.mark.skipif(not Path("/proc/self/cwd").exists(), reason="finds processes by their folder in /proc")
def test_a_command_stopped_by_its_timeout_stops_graphviz_too(spec: Path, project: Path) -> None:
    from tests.test_cli import _processes_in, wmdsl

    slow = project / "bin"
    slow.mkdir()
    (slow / "neato").write_text("#!/bin/sh\nexec sleep 60\n", encoding="utf-8")
    (slow / "neato").chmod(0o755)
    environment = {"PATH": f"{slow}{os.pathsep}{os.environ['PATH']}", "WMDSL_GRAPHVIZ_TIMEOUT": "60"}
    with pytest.MonkeyPatch.context() as patch:
        for name, value in environment.items():
            patch.setenv(name, value)
        done = wmdsl("render", str(spec), "--to", "png", "-o", "out.png", "--timeout", "1", cwd=project)
    assert done.returncode == 2
    assert "stopped after the --timeout of 1 s" in done.stderr
    assert _processes_in(project) == []  # no Graphviz left drawing for nobody
