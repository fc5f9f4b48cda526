"""``wmdsl diff``: two versions of specs compared model to model, from folders, files or git revisions."""

from __future__ import annotations

import json
import os
import re
import subprocess
import textwrap
from pathlib import Path

import pytest

from tests.diff_case import (
    AFTER,
    BEFORE,
    CONFIG,
    FORMATS,
    GOLDEN,
    acceptance_repo,
    changed,
    commit,
    git,
    new_repo,
    outputs,
    run,
)
from wmdsl.diff import compare_paths
from wmdsl.diff.formats import format_markdown

pytestmark = pytest.mark.skipif(
    subprocess.run(["git", "--version"], capture_output=True, check=False).returncode != 0,
    reason="git is not installed",
)


@pytest.fixture(scope="module")
def produced(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return outputs(tmp_path_factory.mktemp("acceptance") / "repo")


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_the_acceptance_diff_matches_its_golden(produced: dict[str, str], name: str) -> None:
    golden = GOLDEN / f"acceptance.{FORMATS[name]}"
    assert produced[name] == golden.read_text(encoding="utf-8"), "regenerate with python -m tests.goldens"


def test_the_last_commit_is_exactly_three_changes_their_findings_and_the_lead_time(
    produced: dict[str, str],
) -> None:
    result = json.loads(produced["json"])
    assert [(c["section"], c["action"], c["name"]) for c in result["changes"]] == [
        ("decisions", "changed", "release"),
        ("handoffs", "rerouted", "build->deploy"),
        ("figures", "changed", "requests"),
    ]
    approval, reroute, arrivals = result["changes"]
    assert (approval["field"], approval["gained"], approval["lost"]) == ("approves", ["@theo"], ["@ines"])
    assert reroute["before"] == "build->qa"
    assert (arrivals["field"], arrivals["old"], arrivals["new"]) == ("arrivals", "4 per week", "8 per week")
    # Skipping QA leaves it unreachable; a gate held inside one lane is worth knowing.
    assert [f["code"] for f in result["findings"]["introduced"]] == ["FLW001", "SYS004"]
    assert result["findings"]["fixed"] == []
    (lead,) = [d for d in result["analysis"] if d["measure"] == "lead time"]
    assert lead["new"] > lead["old"]
    assert lead["change"].startswith("+")
    assert "lead time of `delivery` 1.44d → 1.79d (+2.82h)" in produced["text"].splitlines()[0]


def test_markdown_is_one_summary_line_then_collapsible_sections(produced: dict[str, str]) -> None:
    lines = produced["markdown"].splitlines()
    assert lines[0].startswith("**wmdsl diff** `HEAD~1` → `HEAD`: 3 changes")
    assert lines[1] == ""
    assert lines[2] == "<details>"
    assert produced["markdown"].count("<details>") == produced["markdown"].count("</details>") == 5


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The acceptance repository as the working directory."""
    folder = acceptance_repo(tmp_path / "repo")
    monkeypatch.chdir(folder)
    return folder


def test_fail_on_new_exits_1_when_the_new_side_brings_such_a_finding(repo: Path) -> None:
    assert run(repo, "diff", "--git", "HEAD~1")[0] == 0
    assert run(repo, "diff", "--git", "HEAD~1", "--fail-on-new", "error")[0] == 1
    assert run(repo, "diff", "--git", "HEAD~1", "--fail-on-new", "warning")[0] == 1
    # Going back fixes them: nothing is introduced.
    assert run(repo, "diff", "--git", "HEAD..HEAD~1", "--fail-on-new", "warning")[0] == 0


def test_the_work_tree_is_never_read_or_touched(repo: Path) -> None:
    spec = repo / "specs" / "delivery.wm"
    spec.write_text(BEFORE.replace("wip 4", "wip 9"), encoding="utf-8")  # not committed
    status = git(repo, "status", "--porcelain")
    code, output = run(repo, "diff", "--git", "HEAD~1", "--format", "json")
    assert code == 0
    assert "wip" not in {c["field"] for c in json.loads(output)["changes"]}  # HEAD is the last commit
    assert spec.read_text(encoding="utf-8") == BEFORE.replace("wip 4", "wip 9")
    assert git(repo, "status", "--porcelain") == status


def test_a_range_and_a_merge_base(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "feature", "HEAD~1")
    commit(repo, {"specs/delivery.wm": changed(BEFORE, ("wip 4", "wip 6"))}, "more WIP")
    git(repo, "checkout", "-q", "-")
    code, output = run(repo, "diff", "--git", "HEAD...feature", "--format", "json")
    assert code == 0
    listed = json.loads(output)["changes"]
    # From where the branch left: only what the branch did.
    assert [(c["field"], c["old"], c["new"]) for c in listed] == [("wip", "4", "6")]
    two_dots = json.loads(run(repo, "diff", "--git", "HEAD..feature", "--format", "json")[1])
    assert len(two_dots["changes"]) == 4


def test_a_stage_renamed_alone_is_one_rename(repo: Path) -> None:
    renamed = AFTER.replace(" qa ", " verify ").replace("qa -> deploy", "verify -> deploy")
    renamed = renamed.replace("shows build, qa, deploy", "shows build, verify, deploy")
    commit(repo, {"specs/delivery.wm": renamed}, "qa is verify")
    _code, output = run(repo, "diff", "--git", "HEAD~1", "--format", "json")
    result = json.loads(output)
    assert [(c["action"], c["kind"], c["before"], c["name"]) for c in result["changes"]] == [
        ("renamed", "stage", "qa", "verify")
    ]
    # Its finding, and the figures of the stage, follow it under its new name.
    assert result["findings"] == {"introduced": [], "fixed": []}
    assert result["analysis"] == []
    assert "stage `qa` renamed to `verify`" in run(repo, "diff", "--git", "HEAD~1")[1]


def test_reformatting_reports_no_change(repo: Path) -> None:
    cramped = "\n".join(line.strip() for line in AFTER.splitlines()).replace("{ ", "{   ")
    commit(repo, {"specs/delivery.wm": "# moved down\n\n\n" + cramped}, "cramped")
    assert run(repo, "fmt", "specs")[0] == 0
    assert git(repo, "status", "--porcelain")  # fmt did rewrite it
    commit(repo, {}, "formatted")
    code, output = run(repo, "diff", "--git", "HEAD~1")
    assert (code, output) == (0, "wmdsl diff HEAD~1 → HEAD: no change\n")
    # Across both commits too: the findings' lines moved and changed layout, and still match.
    assert run(repo, "diff", "--git", "HEAD~2")[1] == "wmdsl diff HEAD~2 → HEAD: no change\n"


def test_paths_limit_a_git_diff_and_a_revision_without_specs_is_empty(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    commit(repo, {"README.md": "nothing yet\n"}, "empty")
    commit(repo, {"wmdsl.toml": CONFIG, "specs/delivery.wm": BEFORE, "other/x.wm": BEFORE}, "specs")
    code, output = run(repo, "diff", "--git", "HEAD~1", "specs", "--format", "json")
    added = json.loads(output)["changes"]
    assert code == 0
    assert [(c["action"], c["kind"], c["name"]) for c in added] == [("added", "workflow", "delivery")]
    code, output = run(repo, "diff", "--git", "HEAD~1", "nowhere")
    assert code == 2
    assert "no .wm files under nowhere" in output


def test_links_in_a_revision_are_not_followed(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    secret = tmp_path / "secret.wm"
    secret.write_text('workflow secret "Secret" {}\n', encoding="utf-8")
    commit(repo, {"wmdsl.toml": CONFIG, "a.wm": BEFORE}, "one")
    os.symlink(secret, repo / "link.wm")
    os.symlink(secret.parent, repo / "outside")
    commit(repo, {}, "links")
    code, output = run(repo, "diff", "--git", "HEAD~1", "--format", "json")
    assert code == 0
    assert json.loads(output)["changes"] == []
    assert "secret" not in output


def test_a_blob_larger_than_any_limit_is_never_read(tmp_path: Path) -> None:
    from wmdsl.diff import git as revisions

    repo = new_repo(tmp_path / "repo")
    commit(repo, {"small.wm": BEFORE, "big.wm": BEFORE * 3}, "two")
    blobs = revisions._listing(repo, "HEAD")
    revisions._write(repo, blobs, tmp_path / "out", len(BEFORE))
    assert (tmp_path / "out" / "small.wm").read_text(encoding="utf-8") == BEFORE
    # In its place, a file just over the limit that a check refuses for its size.
    assert (tmp_path / "out" / "big.wm").read_bytes() == bytes(len(BEFORE) + 1)


def test_the_revision_s_limits_apply(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    commit(repo, {"wmdsl.toml": CONFIG, "a.wm": BEFORE}, "one")
    commit(repo, {"wmdsl.toml": CONFIG + "[limits]\nmax-file-size = 100\n"}, "smaller files")
    code, output = run(repo, "diff", "--git", "HEAD~1", "--format", "json")
    introduced = json.loads(output)["findings"]["introduced"]
    assert code == 0
    assert [(f["code"], f["where"]) for f in introduced] == [("SYN014", "a.wm:1:1")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--git", "nope"), "unknown revision 'nope'"),
        (("--git", "HEAD~5"), "unknown revision 'HEAD~5'"),
        (("--git", "HEAD~1", "../elsewhere"), "is outside the repository"),
        (("--git", "HEAD~1", "--root", "."), "--root is for OLD NEW"),
        (("only-one",), "give OLD and NEW"),
    ],
)
def test_mistakes_with_git_are_messages_and_exit_2(repo: Path, args: tuple[str, ...], message: str) -> None:
    code, output = run(repo, "diff", *args)
    assert code == 2
    assert message in output
    assert "Traceback" not in output


def test_outside_a_repository_git_is_refused(tmp_path: Path) -> None:
    code, output = run(tmp_path, "diff", "--git", "HEAD~1")
    assert code == 2
    assert "is not in a git repository" in output


# -- files and folders ------------------------------------------------------------------------------

PEOPLE = """\
person @ana "Ana Lima"
person @bo "Bo Berg"
lane ops "Operations" { owner @ana; delegate @bo; members @ana, @bo }
decision refund "Refund a customer" { decides @ana; consults @bo; escalates @bo after 1d }
"""

CARE = """\
import "org/people.wm"

workflow care "Customer care" {
  owner @ana
  purpose "Answer every customer within a day"
  intake inbox "Inbox" { owner @ana; arrivals 20 per week }
  stage answer "Answer" in ops { wip 3; effort 1h; done "Customer answered" }
  stage refunds "Refunds" in ops { wip 2; effort 30m; done "Refund paid" }
  exit done "Done"
  exit refused "Refused" { kind rejected }
  inbox -> answer
  answer -> refunds "refund asked" { chance 20%; sla 2d }
  answer -> done
  answer -> refused { chance 5% }
  refunds -> done { gate refund }
}
"""


def _tree(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def test_folders_against_folders(project: Path) -> None:
    _tree(project / "old", {"org/people.wm": PEOPLE, "care.wm": CARE})
    people = changed(PEOPLE.replace("@bo", "@bea"), ("escalates @bea after 1d", "escalates @bea after 2d"))
    care = changed(
        CARE,
        ("{ chance 20%; sla 2d }", "{ chance 30%; sla 1d }"),
        ("{ gate refund }", ""),
        ("wip 3; effort 1h", "wip 5; effort 1h"),
    )
    care = care.replace("  refunds -> done \n", "  refunds -> done\n  refunds -> refused { chance 10% }\n")
    _tree(project / "new", {"org/people.wm": people, "care.wm": care})
    code, output = run(project, "diff", "old", "new", "--format", "json")
    assert code == 0
    found = {(c["action"], c["kind"], c["name"], c["field"]) for c in json.loads(output)["changes"]}
    assert found == {
        ("renamed", "person", "@bea", None),  # every use of @bo follows: nothing else says so
        ("changed", "decision", "refund", "escalates"),
        ("changed", "stage", "answer", "wip"),
        ("changed", "handoff", "answer->refunds", "chance"),
        ("changed", "handoff", "answer->refunds", "sla"),
        ("regated", "handoff", "refunds->done", "gate"),
        ("added", "handoff", "refunds->refused", None),
    }
    text = run(project, "diff", "old", "new")[1]
    assert "decision `refund`: escalates +`@bea after 2d` −`@bea after 1d`" in text
    assert "workflow `care`: handoff `refunds -> done`: gate `refund` → none" in text
    assert "workflow `care`: stage `answer`: wip 3 → 5  (care.wm:7:3)" in text


def test_two_files_under_different_names_are_one_file(project: Path) -> None:
    _tree(project, {"org/people.wm": PEOPLE, "care.wm": CARE, "care-next.wm": CARE.replace("\n\n", "\n\n\n")})
    assert (
        run(project, "diff", "care.wm", "care-next.wm")[1] == "wmdsl diff care.wm → care-next.wm: no change\n"
    )
    diff = compare_paths(project / "care.wm", project / "care.wm")
    assert diff.empty


def test_declarations_and_lists_in_another_order_say_the_same(project: Path) -> None:
    head, _, rest = CARE.partition("  owner @ana\n")
    body, _, tail = rest.rpartition("}")
    reordered = head + "".join(reversed(body.splitlines(keepends=True))) + "  owner @ana\n}" + tail
    people = PEOPLE.replace("members @ana, @bo", "members @bo, @ana")
    _tree(project / "old", {"org/people.wm": PEOPLE, "care.wm": CARE})
    _tree(project / "new", {"org/people.wm": people, "care.wm": reordered})
    assert compare_paths("old", "new").empty


def test_a_declared_variability_is_a_figure_like_effort(project: Path) -> None:
    spread = CARE.replace("effort 1h;", "effort 1h; variability lognormal cv 0.8;")
    _tree(project, {"org/people.wm": PEOPLE, "a.wm": CARE, "b.wm": spread})
    _tree(project, {"c.wm": spread.replace("variability lognormal cv 0.8", "variability gamma cv 2")})
    added = compare_paths(project / "a.wm", project / "b.wm")
    assert [(c.section, c.subject, c.field, c.old, c.new) for c in added.changes] == [
        ("figures", "answer", "variability", None, "lognormal cv 0.8")
    ]
    text = run(project, "diff", "b.wm", "c.wm")[1]
    assert "workflow `care`: stage `answer`: variability lognormal cv 0.8 → gamma cv 2" in text


def test_findings_fixed(project: Path) -> None:
    broken = CARE.replace("  inbox -> answer\n", "")  # nothing reaches `answer`
    _tree(project, {"org/people.wm": PEOPLE, "a.wm": broken, "b.wm": CARE})
    diff = compare_paths(project / "a.wm", project / "b.wm")
    assert [(c.action, c.subject) for c in diff.changes] == [("added", "inbox->answer")]
    assert diff.introduced == ()
    assert "FLW001" in {f.code for f in diff.fixed}


def test_a_rename_with_the_same_title_and_one_field_changed(project: Path) -> None:
    _tree(project, {"org/people.wm": PEOPLE, "a.wm": CARE})
    renamed = CARE.replace("stage answer", "stage reply").replace("answer ->", "reply ->")
    _tree(project, {"b.wm": renamed.replace("-> answer", "-> reply").replace("wip 3", "wip 4")})
    diff = compare_paths(project / "a.wm", project / "b.wm")
    assert [(c.action, c.kind, c.before, c.subject, c.field) for c in diff.changes] == [
        ("renamed", "stage", "answer", "reply", None),
        ("changed", "stage", None, "reply", "wip"),
    ]
    assert diff.introduced == diff.fixed == ()


def test_an_ambiguous_rename_is_a_removal_and_an_addition(project: Path) -> None:
    spec = 'person @a "A"\nworkflow w "W" {\n  owner @a\n  lane l "L" { owner @a; members @a }\n  %s\n}\n'
    _tree(
        project,
        {
            "a.wm": spec % 'stage x "S" in l\n  stage y "S" in l',
            "b.wm": spec % 'stage p "S" in l\n  stage q "S" in l',
        },
    )
    diff = compare_paths(project / "a.wm", project / "b.wm")
    assert sorted((c.action, c.subject) for c in diff.changes) == [
        ("added", "p"),
        ("added", "q"),
        ("removed", "x"),
        ("removed", "y"),
    ]


def test_a_file_that_does_not_compile_is_a_note_and_its_errors_are_findings(project: Path) -> None:
    _tree(project / "old", {"org/people.wm": PEOPLE, "care.wm": CARE})
    _tree(project / "new", {"org/people.wm": PEOPLE, "care.wm": CARE.replace("stage answer", "stge answer")})
    diff = compare_paths("old", "new")
    assert diff.changes == ()
    assert diff.notes == ("new: care.wm does not compile; its model is not compared",)
    assert any(f.code.startswith("SYN") for f in diff.introduced)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("missing.wm", "care.wm", "no such file or directory: missing.wm"),
        ("org", "care.wm", "compare a file with a file or a folder with a folder"),
        ("fifo.wm", "care.wm", "fifo.wm: cannot read file"),
        ("care.wm", "fifo.wm", "fifo.wm: cannot read file"),
    ],
)
def test_paths_that_cannot_be_compared_are_messages_and_exit_2(
    project: Path, old: str, new: str, message: str
) -> None:
    _tree(project, {"org/people.wm": PEOPLE, "care.wm": CARE})
    os.mkfifo(project / "fifo.wm")
    code, output = run(project, "diff", old, new)
    assert code == 2
    assert message in output
    assert "Traceback" not in output


def test_the_output_file_is_written_whole_and_never_over_a_spec(project: Path) -> None:
    _tree(
        project,
        {"org/people.wm": PEOPLE, "a.wm": CARE, "b.wm": CARE.replace("wip 3", "wip 4"), "a.txt": CARE},
    )
    assert run(project, "diff", "a.wm", "b.wm", "--format", "markdown", "-o", "out/diff.md")[0] == 0
    assert (project / "out" / "diff.md").read_text(encoding="utf-8").startswith("**wmdsl diff**")
    code, output = run(project, "diff", "a.txt", "b.wm", "-o", "a.txt")
    assert code == 2
    assert "refusing to write over a.txt" in output
    code, output = run(project, "diff", "a.wm", "b.wm", "-o", "b.wm")
    assert code == 2
    assert "refusing to write over b.wm" in output
    assert (project / "b.wm").read_text(encoding="utf-8") == CARE.replace("wip 3", "wip 4")


def test_the_command_offers_every_format() -> None:
    from wmdsl.commands.diff import FORMAT_NAMES
    from wmdsl.diff.formats import FORMATS as REGISTERED

    assert tuple(REGISTERED) == FORMAT_NAMES


def test_markdown_escapes_what_the_specs_say(project: Path) -> None:
    hostile = "<img src=x onerror=alert(1)> | `tick ::warning::x"
    _tree(project, {"org/people.wm": PEOPLE, "a.wm": CARE})
    _tree(project, {"b.wm": CARE.replace('"Customer answered"', json.dumps(hostile))})
    text = format_markdown(compare_paths(project / "a.wm", project / "b.wm"))
    assert not re.search(r"(?<!\\)<img", text)
    assert "\\<img" in text
    assert "\\|" in text
    assert "\\`tick" in text
    assert textwrap.dedent(text) == text  # no line is indented into a code block
