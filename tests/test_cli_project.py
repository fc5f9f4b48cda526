"""`wmdsl render`, `analyze` and `docs` of a folder or several specs, found as `check` finds them."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from wmdsl.cli import cli

PEOPLE = """
person @ana "Ana Lima"
person @bo "Bo Berg"
lane ops "Operations" { owner @ana; members @ana, @bo }
"""


def workflow(name: str, stage: str, arrivals: float) -> str:
    return textwrap.dedent(
        f"""
        import "../org/people.wm"

        workflow {name} "{name.title()}" {{
          owner @ana
          purpose "Serve requests"
          intake inbox "Inbox" {{ owner @ana; arrivals {arrivals} per week }}
          stage {stage} "{stage.title()}" in ops {{ wip 2; effort 1d; done "Served" }}
          exit done "Done"
          exit refused "Refused" {{ kind rejected }}
          inbox -> {stage}
          {stage} -> done
          {stage} -> refused {{ chance 10% }}
        }}
        """
    ).lstrip()


@pytest.fixture
def specs(project: Path) -> Path:
    """Two workflows in two folders that share the people and lane of a third."""
    (project / "org").mkdir()
    (project / "org" / "people.wm").write_text(PEOPLE, encoding="utf-8")
    for folder, name, stage in (("sales", "orders", "fulfil"), ("care", "orders", "answer")):
        (project / folder).mkdir()
        (project / folder / f"{name}.wm").write_text(workflow(f"{folder}_{name}", stage, 4), encoding="utf-8")
    return project


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    # Every outcome is a message and an exit status, never a traceback.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_render_of_a_folder_writes_one_output_per_spec_and_format(specs: Path) -> None:
    code, output = run("render", ".", "--to", "mermaid", "--to", "json", "-o", "out")
    assert code == 0, output
    written = sorted(
        p.relative_to(specs / "out").as_posix() for p in (specs / "out").rglob("*") if p.is_file()
    )
    # Two files called orders.wm do not clash; the people file has no workflow to draw, but a model.
    assert written == [
        "care/orders.json",
        "care/orders.mmd",
        "org/people.json",
        "sales/orders.json",
        "sales/orders.mmd",
    ]
    assert "skipped org/people.wm" in output
    assert "flowchart" in (specs / "out" / "care" / "orders.mmd").read_text()


def test_render_of_several_files_names_them_below_their_common_folder(specs: Path) -> None:
    code, output = run("render", "sales/orders.wm", "care/orders.wm", "--to", "mermaid", "-o", "out")
    assert code == 0, output
    assert sorted(p.name for p in (specs / "out").iterdir()) == ["care", "sales"]


def test_a_folder_or_several_specs_need_an_output_folder(specs: Path) -> None:
    code, output = run("render", ".", "--to", "mermaid")
    assert code == 2
    assert "need -o FOLDER" in output
    (specs / "out.mmd").write_text("previous", encoding="utf-8")
    code, output = run("render", "sales/orders.wm", "care/orders.wm", "--to", "mermaid", "-o", "out.mmd")
    assert code == 2
    assert "-o out.mmd is a file" in output
    assert (specs / "out.mmd").read_text() == "previous"


def test_render_of_a_file_without_a_workflow_is_refused_with_a_hint(specs: Path) -> None:
    code, output = run("render", "org/people.wm", "--to", "svg", "-o", "people.svg")
    assert code == 2
    assert "org/people.wm holds no workflow, so there is nothing to draw as svg" in output
    assert "json, raci-md, raci-csv" in output
    assert not (specs / "people.svg").exists()
    code, output = run("render", "org", "--to", "mermaid", "-o", "out")
    assert code == 2
    assert "none of the 1 specs holds a workflow" in output
    code, output = run("render", "org/people.wm", "--to", "json")  # a model of its declarations
    assert code == 0
    assert json.loads(output)["shared"]["lanes"]


def test_render_of_a_folder_with_errors_writes_nothing(specs: Path) -> None:
    (specs / "care" / "broken.wm").write_text('person @x "X"\nlane l "L" { members @x }\n', encoding="utf-8")
    code, output = run("render", ".", "--to", "mermaid", "-o", "out")
    assert code == 1
    assert "CLR001" in output
    assert "not rendered" in output
    assert not (specs / "out").exists()
    code, _ = run("render", ".", "--to", "mermaid", "-o", "out", "--force")
    assert code == 0


def test_errors_are_messages_with_exit_status_2(specs: Path) -> None:
    (specs / "empty").mkdir()
    for command in (["render", "--to", "svg", "-o", "out"], ["analyze"], ["docs", "-o", "site"]):
        code, output = run(command[0], "empty", *command[1:])
        assert code == 2, command
        assert "no .wm files found under empty" in output
        code, output = run(command[0], "missing.wm", *command[1:])
        assert code == 2, command
        assert "no such file or directory: missing.wm" in output
    (specs / "care" / "latin1.wm").write_bytes(b'person @j "Jos\xe9"\n')
    for command in (["render", "--to", "json", "-o", "out"], ["analyze"], ["docs", "-o", "site"]):
        code, output = run(command[0], ".", *command[1:])
        assert code == 2, command
        assert "care/latin1.wm: not valid UTF-8" in output
    assert not (specs / "out").exists()
    assert not (specs / "site").exists()


def test_analyze_of_a_folder_shows_every_workflow_and_their_load_together(specs: Path) -> None:
    code, output = run("analyze", ".")
    assert code == 0, output
    assert "workflow `care_orders` — Care_Orders  (care/orders.wm)" in output
    assert "workflow `sales_orders`" in output
    pooled = output[output.index("across workflows") :]
    # 4 a week at 1d each, twice: 1.6 FTE of work for the 2 people of `ops`.
    assert "ops   care_orders, sales_orders    2     1.6   0.8" in pooled
    assert "@ana    ops    care_orders, sales_orders    1     0.8   0.8" in pooled
    code, output = run("analyze", ".", "--format", "json")
    assert code == 0
    data = json.loads(output)
    assert data["files"] == ["care/orders.wm", "org/people.wm", "sales/orders.wm"]
    assert [(w["name"], w["file"]) for w in data["workflows"]] == [
        ("care_orders", "care/orders.wm"),
        ("sales_orders", "sales/orders.wm"),
    ]
    (lane,) = data["lanes"]
    assert (lane["name"], lane["declared"], lane["fte"], lane["demand_fte"]) == (
        "ops",
        "org/people.wm:4:1",
        2,
        1.6,
    )
    assert [p["handle"] for p in data["people"]] == ["@ana", "@bo"]


def test_analyze_of_one_file_keeps_its_shape(specs: Path) -> None:
    code, output = run("analyze", "care/orders.wm", "--format", "json")
    assert code == 0
    data = json.loads(output)
    assert data["file"] == "care/orders.wm"
    assert "files" not in data
    code, output = run("analyze", "care/orders.wm")
    assert "across workflows" not in output  # one workflow: its own lane table says it all


def test_analyze_refuses_language_errors(specs: Path) -> None:
    (specs / "care" / "bad.wm").write_text("workflow w {\n  a -> b\n}\n", encoding="utf-8")
    code, output = run("analyze", ".")
    assert code == 1
    assert "not analysed" in output


def test_docs_of_a_folder_is_one_handbook_of_every_workflow(specs: Path) -> None:
    code, output = run("docs", ".", "-o", "site")
    assert code == 0, output
    site = specs / "site"
    assert (site / "care_orders" / "index.html").exists()
    assert (site / "sales_orders" / "index.html").exists()
    hub = (site / "index.md").read_text()
    assert "care_orders/index.md" in hub
    assert "sales_orders/index.md" in hub
    capacity = (site / "capacity.md").read_text()
    rows = capacity.splitlines()
    assert [
        row for row in rows if row.startswith("| `ops` |")
    ] == [  # the shared lane once, with both workflows
        "| `ops` | 2 | 1.6 | 80% | `care_orders`, `sales_orders` |"
    ]
    assert len([row for row in rows if row.startswith("| `@ana` |")]) == 1
    lane = (site / "care_orders" / "lanes" / "ops.md").read_text()
    assert "## Load across workflows" in lane
    assert "1.6 FTE (80%)" in lane
    assert "[Capacity across workflows](../../capacity.md)" in lane


def test_docs_needs_a_folder_for_its_output(specs: Path) -> None:
    (specs / "site.txt").write_text("x", encoding="utf-8")
    code, output = run("docs", ".", "-o", "site.txt")
    assert code == 2
    assert "site.txt" in output


ORG_MULTI = Path(__file__).resolve().parents[1] / "examples" / "org-multi"


def test_the_clinic_example_is_clean_and_documented_as_one_organisation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ORG_MULTI.parents[1])
    runner = CliRunner()
    checked = runner.invoke(cli, ["check", "--no-cache", "examples/org-multi/"])
    assert checked.exit_code == 0, checked.output
    assert "All clear: 3 files checked" in checked.output
    analysed = runner.invoke(cli, ["analyze", "--format", "json", "examples/org-multi/"])
    assert analysed.exit_code == 0, analysed.output
    report = json.loads(analysed.output)
    nurses = next(lane for lane in report["lanes"] if lane["name"] == "nurses")
    assert sorted(nurses["workflows"]) == ["follow_up", "referrals"]
    out = tmp_path / "handbook"
    built = runner.invoke(cli, ["docs", "examples/org-multi/", "-o", str(out)])
    assert built.exit_code == 0, built.output
    index = (out / "index.md").read_text(encoding="utf-8")
    assert "referrals" in index
    assert "follow_up" in index
