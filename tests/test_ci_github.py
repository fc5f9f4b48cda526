"""The pull-request comment of the GitHub Action (``python -m wmdsl.ci.github``), and ``action.yml``.

The script runs as the Action runs it: in a git repository whose last commit
is the pull request's head, with a ``pull_request`` event file and the
``GITHUB_*`` variables, against a fake GitHub API on 127.0.0.1 that records
every request. The diff is a stand-in command given with ``--diff-command``
(it prints the commits it was given and the files they change), so these
tests hold whatever ``wmdsl diff`` prints; the last test runs the real one
when this build has it.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.ci_support import BROKEN_SPEC, CLEAN_SPEC, ROOT, clean_environment, commit, new_repository
from tests.fake_github import BOT, FakeGitHub
from wmdsl.ci import github

TOKEN = "ghs_s3cr3tT0kenThatMustNeverBePrinted"
MARKER = "<!-- wmdsl-diff -->"

# Prints what it was asked for and what changed between the two commits, as `wmdsl diff` would print Markdown.
STAND_IN = """\
import subprocess, sys
git, span, fmt, kind = sys.argv[1:]
assert (git, fmt, kind) == ("--git", "--format", "markdown"), sys.argv
base, head = span.split("..")
names = ["git", "diff", "--name-only", base, head]
changed = subprocess.run(names, capture_output=True, text=True, check=True)
print(f"**wmdsl diff** {span}\\n\\nchanged: {', '.join(changed.stdout.split())}")
"""


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    api = FakeGitHub()
    server = api.start()
    yield api
    server.shutdown()
    server.server_close()


class PullRequest:
    """A repository with a base and a head commit, its pull request's event, and how to run the script."""

    def __init__(self, root: Path) -> None:
        self.repo = root / "repo"
        self.base = new_repository(self.repo, {"specs/intake.wm": CLEAN_SPEC})
        self.head = commit(self.repo, {"specs/intake.wm": CLEAN_SPEC.replace("wip 3", "wip 5")}, "more wip")
        self.event = root / "event.json"
        self.write_event({"number": 7, "base": {"sha": self.base}, "head": {"sha": self.head}})
        self.stand_in = root / "stand_in.py"
        self.stand_in.write_text(STAND_IN, encoding="utf-8")

    def write_event(self, pull: Any) -> None:
        self.event.write_text(json.dumps({"action": "synchronize", "pull_request": pull}), encoding="utf-8")

    def run(self, api: FakeGitHub, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        variables = {
            "GITHUB_EVENT_PATH": str(self.event),
            "GITHUB_REPOSITORY": api.repository,
            "GITHUB_API_URL": api.url,
            "GITHUB_TOKEN": TOKEN,
            **env,
        }
        diff = f"{shlex.quote(sys.executable)} {shlex.quote(str(self.stand_in))}"
        return subprocess.run(
            # As action.yml runs it: -P, so that the checkout's files are not on the module path.
            [sys.executable, "-P", "-m", "wmdsl.ci.github", "--diff-command", diff, *args],
            cwd=self.repo,
            env=clean_environment(**{k: v for k, v in variables.items() if v is not None}),
            capture_output=True,
            text=True,
            check=False,
            stdin=subprocess.DEVNULL,
            timeout=120,
        )


@pytest.fixture
def pull(tmp_path: Path) -> PullRequest:
    return PullRequest(tmp_path)


def _never_printed(result: subprocess.CompletedProcess[str]) -> None:
    assert TOKEN not in result.stdout
    assert TOKEN not in result.stderr


def test_first_run_posts_one_comment_and_the_second_updates_it(pull: PullRequest, fake: FakeGitHub) -> None:
    # Comments of other people, one carrying the marker too: ours is found past the first page.
    fake.add(7, "Looks good", "maya")
    fake.add(7, f"{MARKER}\nquoted from an earlier run", "theo")
    fake.add(7, "One question", "theo")

    first = pull.run(fake)
    assert first.returncode == 0, first.stderr
    assert [r.method for r in fake.requests] == ["GET", "GET", "POST"]
    assert [r.path for r in fake.requests] == ["/repos/octo/specs/issues/7/comments"] * 3
    ours = fake.comments[7][-1]
    assert ours["user"]["login"] == BOT
    assert ours["body"].startswith(MARKER + "\n")
    assert f"**wmdsl diff** {pull.base}..{pull.head}" in ours["body"]
    assert "changed: specs/intake.wm" in ours["body"]
    assert f"posted comment {ours['id']} on pull request #7" in first.stdout

    # The pull request moves on; the same comment is edited, no second one posted.
    newer = commit(pull.repo, {"specs/other.wm": CLEAN_SPEC}, "another spec")
    pull.write_event({"number": 7, "base": {"sha": pull.base}, "head": {"sha": newer}})
    fake.requests.clear()
    second = pull.run(fake)
    assert second.returncode == 0, second.stderr
    assert fake.methods() == ["GET", "GET", "PATCH"]
    assert fake.requests[-1].path == f"/repos/octo/specs/issues/comments/{ours['id']}"
    assert len(fake.comments[7]) == 4
    assert fake.comments[7][-1]["id"] == ours["id"]
    assert "changed: specs/intake.wm, specs/other.wm" in fake.comments[7][-1]["body"]
    assert f"updated comment {ours['id']} on pull request #7" in second.stdout
    # The other comment with the marker is someone else's: never edited.
    assert fake.comments[7][1]["body"] == f"{MARKER}\nquoted from an earlier run"

    for result in (first, second):
        _never_printed(result)
    for request in [*fake.requests]:
        assert request.headers["authorization"] == f"Bearer {TOKEN}"
        assert request.headers["accept"] == "application/vnd.github+json"
        assert TOKEN not in json.dumps(request.body)


def test_the_base_is_where_the_pull_request_left_its_branch(pull: PullRequest, fake: FakeGitHub) -> None:
    # The base branch moved on after the pull request branched off: only its own change is compared.
    from tests.ci_support import git

    git(pull.repo, "checkout", "--quiet", "-b", "later", pull.base)
    moved = commit(pull.repo, {"specs/unrelated.wm": CLEAN_SPEC}, "meanwhile on main")
    pull.write_event({"number": 7, "base": {"sha": moved}, "head": {"sha": pull.head}})
    result = pull.run(fake)
    assert result.returncode == 0, result.stderr
    assert f"**wmdsl diff** {pull.base}..{pull.head}" in fake.comments[7][0]["body"]
    assert "changed: specs/intake.wm\n" in fake.comments[7][0]["body"]


def test_the_comment_author_can_be_named(pull: PullRequest, fake: FakeGitHub) -> None:
    kept = fake.add(7, f"{MARKER}\nold diff", "wmdsl-app[bot]")
    result = pull.run(fake, WMDSL_COMMENT_AUTHOR="wmdsl-app[bot]")
    assert result.returncode == 0, result.stderr
    assert fake.methods() == ["GET", "PATCH"]
    assert fake.requests[-1].path.endswith(f"/issues/comments/{kept}")


def test_an_event_that_is_not_a_pull_request_does_nothing(pull: PullRequest, fake: FakeGitHub) -> None:
    pull.event.write_text(json.dumps({"ref": "refs/heads/main", "after": pull.head}), encoding="utf-8")
    result = pull.run(fake, GITHUB_TOKEN="")
    assert result.returncode == 0, result.stderr
    assert "not about a pull request" in result.stdout
    assert fake.requests == []


@pytest.mark.parametrize(
    ("variable", "said"),
    [
        ("GITHUB_TOKEN", "GITHUB_TOKEN is not set: pass the job's token"),
        ("GITHUB_EVENT_PATH", "GITHUB_EVENT_PATH is not set: run this inside a GitHub Actions job"),
        ("GITHUB_REPOSITORY", "GITHUB_REPOSITORY is not set"),
    ],
)
def test_a_missing_variable_is_named(pull: PullRequest, fake: FakeGitHub, variable: str, said: str) -> None:
    result = pull.run(fake, **{variable: ""})
    assert result.returncode == 2
    assert f"error: {said}" in result.stderr
    assert "Traceback" not in result.stderr
    assert fake.requests == []


@pytest.mark.parametrize(
    ("event", "said"),
    [
        ("{not json", "is not JSON"),
        (json.dumps({"pull_request": {"base": {"sha": "a" * 40}}}), "has no pull request number"),
        (
            json.dumps(
                {"pull_request": {"number": 7, "base": {"sha": "--upload-pack=x"}, "head": {"sha": "b" * 40}}}
            ),
            "has no commit for the pull request's base",
        ),
    ],
)
def test_a_malformed_event_is_refused(pull: PullRequest, fake: FakeGitHub, event: str, said: str) -> None:
    pull.event.write_text(event, encoding="utf-8")
    result = pull.run(fake)
    assert result.returncode == 2
    assert said in result.stderr
    assert "Traceback" not in result.stderr
    assert fake.requests == []


def test_a_refusal_is_explained_and_the_token_is_blanked_out(pull: PullRequest, fake: FakeGitHub) -> None:
    # Even an answer that quotes the token back does not put it in the log.
    fake.refuse["POST"] = (403, f"Resource not accessible by integration ({TOKEN})")
    result = pull.run(fake)
    assert result.returncode == 1
    assert "error: GitHub refused POST /repos/octo/specs/issues/7/comments: 403 Forbidden" in result.stderr
    assert "Resource not accessible by integration (***)" in result.stderr
    assert "pull-requests: write" in result.stderr
    _never_printed(result)


def test_a_server_error_is_a_failure(pull: PullRequest, fake: FakeGitHub) -> None:
    fake.refuse["GET"] = (500, "Server Error")
    result = pull.run(fake)
    assert result.returncode == 1
    assert "GitHub refused GET /repos/octo/specs/issues/7/comments: 500" in result.stderr
    assert fake.methods() == ["GET"]


def test_a_redirect_is_not_followed(pull: PullRequest, fake: FakeGitHub) -> None:
    fake.redirect["GET"] = f"{fake.url}/elsewhere"
    result = pull.run(fake)
    assert result.returncode == 1
    assert "GitHub refused GET /repos/octo/specs/issues/7/comments: 302" in result.stderr
    assert [r.path for r in fake.requests] == ["/repos/octo/specs/issues/7/comments"]


def test_a_next_page_on_another_host_is_not_followed(pull: PullRequest, fake: FakeGitHub) -> None:
    for number in range(3):
        fake.add(7, f"comment {number}", "maya")
    fake.next_link = "https://example.invalid/repos/octo/specs/issues/7/comments?page=2"
    result = pull.run(fake)
    assert result.returncode == 1
    assert "refusing to follow a next page outside" in result.stderr
    assert fake.methods() == ["GET"]


def test_an_unreachable_api_is_named(pull: PullRequest, fake: FakeGitHub) -> None:
    result = pull.run(fake, GITHUB_API_URL="http://127.0.0.1:9")
    assert result.returncode == 1
    assert "cannot reach the GitHub API at http://127.0.0.1:9" in result.stderr
    _never_printed(result)


def test_the_token_is_never_sent_in_the_clear_to_another_machine(pull: PullRequest, fake: FakeGitHub) -> None:
    result = pull.run(fake, GITHUB_API_URL="http://api.example.com")
    assert result.returncode == 2
    assert "GITHUB_API_URL must be an https:// address" in result.stderr
    assert github.api_root("https://ghe.example.com/api/v3/") == "https://ghe.example.com/api/v3"
    assert github.api_root("http://[::1]:8080") == "http://[::1]:8080"


def test_a_failing_diff_is_reported_with_what_it_said(pull: PullRequest, fake: FakeGitHub) -> None:
    pull.stand_in.write_text("import sys\nsys.exit('error: not a git revision')\n", encoding="utf-8")
    result = pull.run(fake)
    assert result.returncode == 1
    assert "failed (exit status 1):\nerror: not a git revision" in result.stderr
    assert fake.requests == []


def test_a_commit_missing_from_the_checkout_is_named(pull: PullRequest, fake: FakeGitHub) -> None:
    pull.write_event({"number": 7, "base": {"sha": "c" * 40}, "head": {"sha": pull.head}})
    result = pull.run(fake)
    assert result.returncode == 1
    assert f"commit {'c' * 40} is not in the checkout" in result.stderr
    assert "fetch-depth: 0" in result.stderr
    assert fake.requests == []


def test_a_long_diff_is_cut_at_a_line_below_the_limit() -> None:
    body = github.comment_body("".join(f"- change {n}\n" for n in range(20_000)), limit=5_000)
    assert len(body) <= 5_000
    assert body.startswith(MARKER + "\n- change 0\n")
    assert "- change 400" not in body
    assert body.endswith("shows all.*\n")
    assert re.search(r"- change \d+\n\n\*Cut short", body)


def test_the_comment_is_safe_markdown() -> None:
    body = github.comment_body("::error::injected\nright\u202eleft")
    assert "\n\\::error::injected" in body
    assert "&#8238;" in body


def test_the_real_diff_when_this_build_has_it(pull: PullRequest, fake: FakeGitHub) -> None:
    from wmdsl.cli import cli

    if "diff" not in cli.commands:
        pytest.skip("`wmdsl diff` is not in this build yet")
    result = pull.run(fake, "--diff-command", "")
    assert result.returncode == 0, result.stderr
    assert fake.comments[7][0]["body"].startswith(MARKER)


# -- action.yml ------------------------------------------------------------------------------------


def _action() -> dict[str, Any]:
    import yaml

    loaded = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _step(name: str) -> dict[str, Any]:
    (found,) = [step for step in _action()["runs"]["steps"] if step.get("name") == name]
    return found


def test_action_yml_declares_its_inputs_and_steps() -> None:
    action = _action()
    assert action["runs"]["using"] == "composite"
    inputs = action["inputs"]
    assert set(inputs) == {
        "paths",
        "fail-on",
        "sarif",
        "comment",
        "python-version",
        "token",
        "comment-author",
    }
    assert {name: inputs[name]["default"] for name in ("paths", "fail-on", "sarif", "comment")} == {
        "paths": ".",
        "fail-on": "error",
        "sarif": "true",
        "comment": "true",
    }
    assert all(entry.get("description") for entry in inputs.values())
    steps = action["runs"]["steps"]
    assert [step.get("uses", "").split("@")[0] for step in steps if "uses" in step] == [
        "actions/setup-python",
        "github/codeql-action/upload-sarif",
    ]
    assert _step("Set up Python")["with"]["python-version"] == "${{ inputs.python-version }}"
    assert (
        'python -P -m pip install --quiet --disable-pip-version-check "$GITHUB_ACTION_PATH"'
        in _step("Install wmdsl from this action's checkout")["run"]
    )
    upload = _step("Upload the findings to code scanning")
    assert upload["if"] == "inputs.sarif == 'true'"
    assert upload["with"]["sarif_file"] == "${{ steps.check.outputs.sarif-file }}"
    comment = _step("Comment with the semantic diff")
    assert comment["run"] == "python -P -m wmdsl.ci.github"
    assert comment["if"].startswith("inputs.comment == 'true' && ")
    assert comment["env"]["GITHUB_TOKEN"] == "${{ inputs.token }}"
    for step in steps:
        # Inputs reach scripts through the environment, never as text of the script.
        assert "${{" not in step.get("run", "")
        assert "run" not in step or step["shell"] == "bash"


def _run_step(
    name: str, folder: Path, **inputs: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    """Run a `run` step of action.yml in bash as the runner would, with ``wmdsl`` this tree's."""
    step = _step(name)
    given = {key: str(entry.get("default", "")) for key, entry in _action()["inputs"].items()} | inputs
    temp = folder / "runner-temp"
    temp.mkdir(exist_ok=True)

    def evaluate(text: str) -> str:
        def value(match: re.Match[str]) -> str:
            expression = match.group(1)
            if expression == "runner.temp":
                return str(temp)
            assert expression.startswith("inputs."), expression
            return given[expression.removeprefix("inputs.")]

        return re.sub(r"\$\{\{\s*([\w.-]+)\s*\}\}", value, text)

    shims = folder / "bin"
    shims.mkdir(exist_ok=True)
    shim = shims / "wmdsl"
    shim.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m wmdsl "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    outputs = folder / "github-output"
    outputs.write_text("", encoding="utf-8")
    environment = clean_environment(
        PATH=f"{shims}{os.pathsep}{os.environ['PATH']}",
        PYTHONPATH=str(ROOT / "src"),
        GITHUB_OUTPUT=str(outputs),
        **{key: evaluate(str(value)) for key, value in step.get("env", {}).items()},
    )
    result = subprocess.run(
        ["bash", "-c", step["run"]],
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    written = dict(line.split("=", 1) for line in outputs.read_text(encoding="utf-8").splitlines())
    return result, written


def test_the_check_step_reports_clean_specs_with_sarif(tmp_path: Path) -> None:
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "intake.wm").write_text(CLEAN_SPEC, encoding="utf-8")
    result, outputs = _run_step("Check the specs", tmp_path, paths="specs")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert outputs["status"] == "0"
    sarif = json.loads(Path(outputs["sarif-file"]).read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    assert sarif["runs"][0]["results"] == []


def test_the_check_step_annotates_findings_and_keeps_going(tmp_path: Path) -> None:
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "intake.wm").write_text(BROKEN_SPEC, encoding="utf-8")
    (tmp_path / "specs" / "fine.wm").write_text(
        CLEAN_SPEC.replace("workflow intake", "workflow requests"), encoding="utf-8"
    )
    # Two paths, on two lines.
    result, outputs = _run_step("Check the specs", tmp_path, paths="specs/intake.wm\n  specs/fine.wm")
    assert result.returncode == 0, result.stderr
    assert outputs["status"] == "1"
    assert "::error file=specs/intake.wm,line=20," in result.stdout
    sarif = json.loads(Path(outputs["sarif-file"]).read_text(encoding="utf-8"))
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["SYN002"]

    failed, _ = _run_step("Fail on findings", tmp_path)
    assert failed.returncode == 1
    assert "findings reach --fail-on error" in failed.stderr


def test_the_check_step_stops_on_a_wrong_input(tmp_path: Path) -> None:
    (tmp_path / "intake.wm").write_text(CLEAN_SPEC, encoding="utf-8")
    result, outputs = _run_step("Check the specs", tmp_path, **{"fail-on": "never", "sarif": "false"})
    assert result.returncode == 2
    assert "'never' is not one of" in result.stderr
    assert outputs == {}
    globbed, _ = _run_step("Check the specs", tmp_path, paths="*.wm", sarif="false")
    assert globbed.returncode == 2  # `*.wm` is a name here, and there is no such file
    assert not (tmp_path / "runner-temp" / "wmdsl.sarif").exists()


def test_a_wmdsl_folder_in_the_checkout_does_not_stand_in_for_wmdsl(
    pull: PullRequest, fake: FakeGitHub
) -> None:
    # The default diff runs `python -P -m wmdsl diff` in the checkout, whose files the pull request wrote.
    planted = pull.repo / "wmdsl"
    planted.mkdir()
    (planted / "__init__.py").write_text("", encoding="utf-8")
    (planted / "__main__.py").write_text("print('planted code ran')\n", encoding="utf-8")
    result = pull.run(fake, "--diff-command", "")
    assert "planted code ran" not in result.stdout + result.stderr
    # This tree's wmdsl answered: with a diff, or saying it has none yet.
    assert result.returncode == 0 or "No such command 'diff'" in result.stderr, result.stderr
    assert all("planted code ran" not in comment["body"] for comment in fake.comments.get(7, []))


def test_a_shallow_checkout_fetches_the_base_and_says_what_it_compares(
    pull: PullRequest, fake: FakeGitHub, tmp_path: Path
) -> None:
    # As actions/checkout leaves it by default: the head alone, the rest on `origin`.
    from tests.ci_support import git

    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "--quiet", "--depth=1", f"file://{pull.repo}", str(shallow))
    pull.repo = shallow
    result = pull.run(fake)
    assert result.returncode == 0, result.stderr
    assert "note: the history between the base and the head is not in the checkout" in result.stderr
    assert f"**wmdsl diff** {pull.base}..{pull.head}" in fake.comments[7][0]["body"]
