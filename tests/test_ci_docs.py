"""docs/ci.md, tested as written.

Every ``yaml`` block parses. Every command its CI jobs run is one this tree
has: each ``wmdsl`` command runs as written on a folder with a clean spec
(and writes the file its ``-o`` names, which the job then uploads), each
pre-commit hook runs its entry with the documented arguments, each install
is from this repository (wmdsl is on no package index), and the Action's
inputs are the ones ``action.yml`` declares.

A command whose subcommand or ``--format`` another part of the work adds
(`wmdsl diff`, `--format gitlab`) is skipped, saying so, until this build has it.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest

from tests.ci_support import CLEAN_SPEC, ROOT, clean_environment

DOC = ROOT / "docs" / "ci.md"
BLOCK = re.compile(r"^```yaml\n(.*?)^```", re.S | re.M)
INSTALL = re.compile(r"(?:python (?:-P )?-m )?pip install (?P<what>.+)")
FROM_HERE = ('"git+https://github.com/wmdsl/wmdsl@', '"$GITHUB_ACTION_PATH"', ".")
KNOWN_ACTIONS = ("actions/checkout@v4", "actions/setup-python@v5", "github/codeql-action/upload-sarif@v3")


def _yaml(text: str) -> Any:
    import yaml

    return yaml.safe_load(text)


def snippets() -> list[Any]:
    return [_yaml(block) for block in BLOCK.findall(DOC.read_text(encoding="utf-8"))]


def _hooks() -> dict[str, dict[str, Any]]:
    return {hook["id"]: hook for hook in _yaml((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}


def _action_inputs() -> dict[str, Any]:
    inputs = _yaml((ROOT / "action.yml").read_text(encoding="utf-8"))["inputs"]
    assert isinstance(inputs, dict)
    return inputs


def _steps(snippet: Any) -> Iterator[list[dict[str, Any]]]:
    """The steps of each job of a GitHub workflow, or a list of steps on its own."""
    if isinstance(snippet, list) and all(isinstance(step, dict) and "repos" not in step for step in snippet):
        yield snippet
    elif isinstance(snippet, dict) and "jobs" in snippet:
        yield from (job["steps"] for job in snippet["jobs"].values())


def _gitlab_jobs(snippet: Any) -> Iterator[dict[str, Any]]:
    if isinstance(snippet, dict) and "jobs" not in snippet and "repos" not in snippet:
        yield from (job for job in snippet.values() if isinstance(job, dict) and "script" in job)


def _lines(script: str) -> list[str]:
    return [line.strip() for line in script.splitlines() if line.strip() and not line.strip().startswith("#")]


def commands() -> list[str]:
    """Every command line the CI snippets run, once each, in the order of the page."""
    found: dict[str, None] = {}
    for snippet in snippets():
        for steps in _steps(snippet):
            for step in steps:
                found.update(dict.fromkeys(_lines(step.get("run", ""))))
        for job in _gitlab_jobs(snippet):
            for key in ("before_script", "script"):
                found.update(dict.fromkeys(job.get(key, [])))
    return list(found)


def hook_uses() -> list[tuple[str, list[str], str]]:
    """Every hook of the pre-commit snippets: its id, its arguments and what it excludes."""
    used = []
    for snippet in snippets():
        for repo in snippet.get("repos", []) if isinstance(snippet, dict) else []:
            assert repo["repo"] == "https://github.com/wmdsl/wmdsl"
            used.extend((hook["id"], hook.get("args", []), hook.get("exclude", "")) for hook in repo["hooks"])
    return used


@pytest.fixture
def specs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with one clean spec in specs/, as the working directory."""
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "intake.wm").write_text(CLEAN_SPEC, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _wmdsl(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wmdsl", *args],
        cwd=cwd,
        env=clean_environment(PYTHONPATH=str(ROOT / "src")),
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )


def _runnable(args: list[str]) -> click.Command:
    """The command of ``wmdsl ARGS``, or a skip when another part of the work is still to add it."""
    from wmdsl.cli import cli

    command = cli.commands.get(args[0])
    if command is None and args[0] == "diff":
        pytest.skip("`wmdsl diff` is not in this build yet")
    assert command is not None, f"docs/ci.md runs `wmdsl {args[0]}`, which does not exist"
    if "--format" in args:
        wanted = args[args.index("--format") + 1]
        (option,) = [p for p in command.params if "--format" in getattr(p, "opts", ())]
        choices = list(getattr(option.type, "choices", []))
        if wanted not in choices and wanted == "gitlab":
            pytest.skip("`--format gitlab` is not in this build yet")
    return command


def test_every_snippet_parses() -> None:
    parsed = snippets()
    assert len(parsed) >= 6
    assert all(isinstance(snippet, dict | list) for snippet in parsed)
    assert len(commands()) >= 6
    assert {hook for hook, _, _ in hook_uses()} == set(_hooks())


@pytest.mark.parametrize("line", commands())
def test_each_command_runs_as_written(line: str, specs: Path) -> None:
    words = shlex.split(line)
    install = INSTALL.fullmatch(line)
    if install is not None:
        # wmdsl is on no package index: an install names this repository or a checkout of it.
        assert install.group("what").startswith(FROM_HERE), line
        return
    if words[:3] == ["python", "-P", "-m"] and words[3] == "wmdsl.ci.github":
        shown = subprocess.run(
            [sys.executable, "-P", "-m", "wmdsl.ci.github", *words[4:], "--help"],
            cwd=specs,
            env=clean_environment(PYTHONPATH=str(ROOT / "src")),
            capture_output=True,
            text=True,
            check=False,
        )
        assert shown.returncode == 0, shown.stderr
        return
    assert words[0] == "wmdsl", f"docs/ci.md runs {line!r}: teach this test what it is"
    assert "$" not in line, line
    _runnable(words[1:])
    assert _wmdsl(words[1], "--help", cwd=specs).returncode == 0
    result = _wmdsl(*words[1:], cwd=specs)
    assert result.returncode == 0, result.stdout + result.stderr
    if "-o" in words:
        assert (specs / words[words.index("-o") + 1]).stat().st_size > 0


@pytest.mark.parametrize(("hook", "args", "exclude"), hook_uses())
def test_each_hook_runs_with_its_arguments(hook: str, args: list[str], exclude: str, specs: Path) -> None:
    # As pre-commit runs it: the entry, the arguments, then the staged files it matches.
    entry = _hooks()[hook]
    words = [*shlex.split(entry["entry"]), *args]
    assert words[0] == "wmdsl"
    staged = "specs/intake.wm"
    assert re.search(entry["files"], staged)
    assert not re.search(entry["files"], "README.md")
    if exclude:  # pre-commit's own `exclude`, a Python regular expression searched in each path
        assert not re.search(exclude, staged)
        assert re.search(exclude, "specs/drafts/idea.wm")
    result = _wmdsl(*words[1:], staged, cwd=specs)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_workflows_use_what_exists() -> None:
    inputs = _action_inputs()
    for snippet in snippets():
        for steps in _steps(snippet):
            written: set[str] = set()
            for step in steps:
                for line in _lines(step.get("run", "")):
                    words = shlex.split(line)
                    if "-o" in words:
                        written.add(words[words.index("-o") + 1])
                uses = step.get("uses")
                if uses is None:
                    continue
                if uses.startswith("wmdsl/wmdsl@"):
                    assert set(step.get("with", {})) <= set(inputs), step
                else:
                    assert uses in KNOWN_ACTIONS, uses
                if uses.startswith("github/codeql-action/upload-sarif@"):
                    assert step["with"]["sarif_file"] in written
        for job in _gitlab_jobs(snippet):
            report = job["artifacts"]["reports"]["codequality"]
            assert any(f"--format gitlab -o {report}" in line for line in job["script"])


def test_the_table_of_inputs_is_the_action_s() -> None:
    rows = re.findall(r"^\| `([\w-]+)` \| (.*?) \|", DOC.read_text(encoding="utf-8"), re.M)
    documented = dict(rows)
    inputs = _action_inputs()
    assert set(documented) == set(inputs)
    for name, entry in inputs.items():
        default = str(entry["default"])
        if not default.startswith("${{"):
            assert documented[name] == f"`{default}`", name
