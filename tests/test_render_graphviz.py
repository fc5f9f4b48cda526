"""Graphviz renderers: structure, acceptance by the real ``dot``, hostile text, determinism."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import graphviz
import pytest

from tests.goldens import EXAMPLES, examples
from wmdsl import api
from wmdsl.model import Document
from wmdsl.render import RenderError, render
from wmdsl.render.dot import render_dot
from wmdsl.render.graphviz_run import TIMEOUT, graphviz_timeout
from wmdsl.render.labels import clean, dot_lines, dot_text, dot_tooltip
from wmdsl.views.render import render_pdf, render_png, render_svg

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")
SVG = "{http://www.w3.org/2000/svg}"

# Every piece of user text carries something a diagram language could read
# as syntax. Names are chosen to be keywords of DOT and Mermaid.
HOSTILE = r'''
person @amy "Amy \"Q\" <script>alert(1)</script>"
workflow graph "Quote \" apostrophe ' #1 & <b>bold</b> ]]> 100% \\N \\G \\l end 🚀 bell\u{7}" {
  owner @amy
  lane subgraph "Lane \"x\" <script>alert(1)</script> `tick` |pipe| %%{init: {'theme':'dark'}}%%" {
    owner @amy
  }
  lane style "style:#quot; classDef:#35; \\E \\T \\H" { owner @amy }
  work click "Work" { kind task }
  intake default "In <img src=x onerror=alert(1)>\nline two" { owner @amy; accepts click }
  stage end """
    End \\N stage "quoted"
    second line with \\l and \\ and &lt; 🚀
    """ in subgraph { wip 2; done "<script>alert('done')</script> ]]> \\N" }
  stage class "class A\nB" in style { wip 1 }
  stage node "<b>node</b>" in subgraph
  stage default_ "default_ %% ]]>" in style
  exit edge "Edge # exit \\" { kind done }
  exit strict "<i>strict</i>" { kind rejected }
  exit digraph "digraph end" { kind cancelled }
  decision scope "Approve \"scope\" <now> %% #" { decides @amy }
  default -> end "go \"now\" | <x> \\N" { sla 1d }
  end -> class "gate <b>" { gate scope; chance 50% }
  end -> node { chance 50% }
  node -> default_
  default_ -> edge
  class -> end "rework ` %% \\l" { rework; chance 10% }
  class -> edge
  class -> strict
  class -> digraph
}
'''

TWO_WORKFLOWS = """
person @amy "Amy Adams"
lane ops "Operations" { owner @amy }
workflow alpha "Alpha" {
  owner @amy
  work job "Job" { kind task }
  intake inbox "Inbox" { owner @amy; accepts job }
  stage triage "Triage" in ops { wip 2 }
  stage loose "No lane"
  exit done "Done" { kind done }
  exit dropped "Dropped" { kind rejected }
  inbox -> triage
  triage -> loose
  loose -> done
  triage -> dropped
}
workflow beta "Beta" {
  owner @amy
  work job "Job" { kind task }
  intake inbox "Inbox B" { owner @amy; accepts job }
  stage triage "Triage B" in ops { wip 3 }
  exit done "Done B" { kind done }
  exit dropped "Dropped B" { kind cancelled }
  inbox -> triage
  triage -> done
  triage -> dropped
}
"""


# A fork, a join and conditions, every title and condition hostile; the names are
# words DOT and Mermaid give a meaning to.
PARALLEL = r"""
person @amy "Amy"
calendar subgraph "Cal \"x\" <script>alert(1)</script> %% ]]> \\N" { hours 8-16 mon-fri }
lane style "Lane" { owner @amy; members @amy; hours subgraph }
lane click "Other" { owner @amy; members @amy; hours 9-17 mon-thu }
workflow end "Parallel" {
  owner @amy
  hours subgraph
  intake default "In" { owner @amy }
  stage class "A" in style { wip 1 }
  stage node "B" in click { wip 1 }
  join graph "Join \"both\" <b>x</b> |pipe| %%{init}%% #35; \\N ]]> `t`"
  exit edge "Done"
  exit strict "No" { kind rejected }
  default -> class, node "fork \"x\" <y> |z|" {
    chance 70%
    when "amount > 50k & \"urgent\" | <b> %% \\N #quot;"
  }
  default -> strict { chance 30% }
  class -> graph
  node -> graph
  graph -> edge { when "always ]]> \\l" }
}
"""


def load_example(name: str) -> Document:
    cwd = Path.cwd()
    os.chdir(EXAMPLES)
    try:
        return api.load(f"{name}.wm")
    finally:
        os.chdir(cwd)


def dot_binary(source: str, fmt: str = "svg") -> subprocess.CompletedProcess[bytes]:
    """The real ``dot`` run on ``source`` (given on stdin)."""
    return subprocess.run(["dot", f"-T{fmt}"], input=source.encode("utf-8"), capture_output=True, timeout=60)


def svg_texts(svg: str) -> list[str]:
    return [element.text or "" for element in ET.fromstring(svg).iter(f"{SVG}text")]


# -- labels -----------------------------------------------------------------


def test_dot_text_makes_escapes_and_entities_literal() -> None:
    assert dot_text(r"a\N\l\\b") == r"a\\N\\l\\\\b"
    assert dot_text("R&D &lt;") == "R&amp;D &amp;lt;"
    assert dot_text("one\ntwo") == r"one\ntwo"
    assert dot_lines(["a", "b"]) == r"a\nb"
    assert dot_lines(["a", "b"], left=True) == r"a\lb\l"


def test_tooltips_avoid_backslashes_and_newlines() -> None:
    assert dot_tooltip("a\\N\nb  c&d") == "a\uff3cN b c&amp;d"


def test_control_characters_are_replaced() -> None:
    assert clean("a\x07b\x00c\r\nd\te\ufffe") == "a\ufffdb\ufffdc\nd e\ufffd"


def test_quotes_and_html_are_left_to_graphviz_quoting() -> None:
    # What the graphviz package writes for a nohtml value that looks like HTML.
    graph = graphviz.Digraph()
    graph.node("n", graphviz.nohtml(dot_text('<b>"x"</b>')))
    assert 'label="<b>\\"x\\"</b>"' in graph.source


# -- structure ----------------------------------------------------------------


@pytest.fixture(scope="module")
def delivery() -> str:
    return render_dot(load_example("software-delivery"))


def test_one_cluster_per_lane_with_title_and_owner(delivery: str) -> None:
    clusters = re.findall(r'subgraph "cluster_lane_delivery\.(\w+)"', delivery)
    assert clusters == ["product", "eng", "qa", "platform", "security"]
    assert r'label="Scheduling squad engineering\lowner: Kenji Watanabe\l"' in delivery


def test_stages_sit_in_their_lane_cluster(delivery: str) -> None:
    eng = delivery.split('subgraph "cluster_lane_delivery.eng" {')[1].split("}")[0]
    assert '"delivery.build" [label="Build\\nWIP 6"' in eng
    assert '"delivery.review" [label="Code review\\nWIP 4 · Sara Costa"' in eng
    assert "delivery.verify" not in eng


def test_shapes_by_kind(delivery: str) -> None:
    assert re.search(r'"delivery\.roadmap" \[[^]]*shape=cds', delivery)
    assert re.search(r'"delivery\.shipped" \[[^]]*shape=doublecircle', delivery)
    assert re.search(r'"delivery\.wont_do" \[[^]]*color="#c62828"[^]]*shape=octagon', delivery)
    assert re.search(r'"delivery\.withdrawn" \[[^]]*shape=circle style="filled,dashed"', delivery)


def test_rework_is_dashed_and_gates_show_the_decision(delivery: str) -> None:
    rework = [line for line in delivery.splitlines() if "style=dashed" in line and "->" in line]
    assert len(rework) == 4
    assert '"delivery.review" -> "delivery.build" [label="changes requested\\n25%"' in rework[0]
    gate = next(line for line in delivery.splitlines() if '"delivery.triage" -> "delivery.build"' in line)
    assert "◆ gate: Ready for\\ndevelopment" in gate
    release = next(
        line for line in delivery.splitlines() if '"delivery.verify" -> "delivery.release"' in line
    )
    assert "SLA 1d" in release


def test_graph_attributes(delivery: str) -> None:
    assert "rankdir=LR" in delivery
    assert 'fontname="Helvetica,Arial,sans-serif"' in delivery
    assert 'label="Scheduling squad: product delivery"' in delivery


def test_several_workflows_are_clusters_with_distinct_ids() -> None:
    source = render_dot(api.loads(TWO_WORKFLOWS))
    assert re.findall(r"subgraph (cluster_workflow_\w+)", source) == [
        "cluster_workflow_alpha",
        "cluster_workflow_beta",
    ]
    assert '"alpha.triage"' in source
    assert '"beta.triage"' in source
    assert '"cluster_lane_alpha.ops"' in source
    assert '"cluster_lane_beta.ops"' in source
    laneless = source.split('"cluster_lane_alpha.ops" {')[1].split("}", 1)[1]
    assert laneless.lstrip().startswith('"alpha.loose"')


@pytest.mark.parametrize("spec", examples(), ids=lambda p: p.stem)
def test_dot_is_deterministic(spec: Path) -> None:
    document = load_example(spec.stem)
    assert render_dot(document) == render_dot(load_example(spec.stem))


# -- the real dot -------------------------------------------------------------


@needs_dot
@pytest.mark.parametrize("spec", examples(), ids=lambda p: p.stem)
def test_dot_accepts_every_example(spec: Path) -> None:
    result = dot_binary(render_dot(load_example(spec.stem)))
    assert result.returncode == 0, result.stderr.decode()
    assert result.stderr == b""


@needs_dot
@pytest.mark.parametrize("spec", examples(), ids=lambda p: p.stem)
def test_svg_of_every_example_is_well_formed(spec: Path) -> None:
    svg = render_svg(load_example(spec.stem))
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert len(list(root.iter(f"{SVG}text"))) > 10


@needs_dot
def test_binary_formats_are_deterministic() -> None:
    document = load_example("hiring")
    assert render_svg(document) == render_svg(document)
    png = render_png(document)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert png == render_png(document)
    pdf = render_pdf(document)
    assert pdf.startswith(b"%PDF")
    assert pdf == render_pdf(document)
    assert b"/CreationDate (D:19700101000000" in pdf


@needs_dot
def test_registry_renders_svg_as_utf8_bytes() -> None:
    assert render(api.loads(TWO_WORKFLOWS), "svg").startswith(b"<?xml")


# -- hostile text ---------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile() -> Document:
    return api.loads(HOSTILE)


def test_hostile_dot_quotes_every_user_value(hostile: Document) -> None:
    source = render_dot(hostile)
    assert "\x07" not in source
    for line in source.splitlines():
        # With the quoted strings taken out, no quote and no `<` is left:
        # no value ends early and none is an HTML-like label.
        bare = re.sub(r'"(?:[^"\\]|\\.)*"', "S", line)
        assert '"' not in bare, line
        assert "<" not in bare, line


@needs_dot
def test_hostile_dot_parses_and_text_round_trips(hostile: Document) -> None:
    source = render_dot(hostile)
    result = dot_binary(source)
    assert result.returncode == 0, result.stderr.decode()
    svg = render_svg(hostile)
    root = ET.fromstring(svg)  # well-formed, control character and all
    assert not [e for e in root.iter() if e.tag.endswith("script")]
    shown = " ".join(svg_texts(svg))
    for piece in [
        '"Q"',
        "<script>alert(1)</script>",
        "<b>bold</b>",
        "]]>",
        "100%",
        r"\N",
        r"\G",
        r"\l",
        r"\E",
        r"\T",
        r"\H",
        "'",
        "&lt;",
        "🚀",
        "`tick`",
        "%%{init:",
        "#quot;",
        "<img",
        '"quoted"',
        "Edge # exit \\",
        "<i>strict</i>",
        "<b>node</b>",
        "◆ gate: Approve",
        '"scope"',
        "rework ` %%",
        "bell\ufffd",
    ]:
        assert piece in shown, piece
    assert "graph wmdsl" not in shown  # \N, \G were not substituted


@needs_dot
def test_hostile_tooltips_are_literal(hostile: Document) -> None:
    svg = render_svg(hostile)
    titles = [e.text for e in ET.fromstring(svg).iter(f"{SVG}title")]
    assert "Done when: <script>alert('done')</script> ]]> \\N" in titles  # written as it is


@needs_dot
def test_hostile_output_is_deterministic(hostile: Document) -> None:
    assert render_dot(hostile) == render_dot(api.loads(HOSTILE))
    assert render_svg(hostile) == render_svg(hostile)


# -- without Graphviz -------------------------------------------------------------


def _fake_dot(folder: Path, script: str) -> None:
    """``dot`` and ``neato`` in ``folder``, running ``script`` (a POSIX shell script) instead of Graphviz."""
    for name in ("dot", "neato"):
        program = folder / name
        program.write_text("#!/bin/sh\n" + script + "\n", encoding="utf-8")
        program.chmod(0o755)


posix_only = pytest.mark.skipif(os.name != "posix", reason="the fake `dot` is a shell script")


def test_missing_dot_binary_says_how_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` anywhere
    document = api.loads(TWO_WORKFLOWS)
    for render_binary in (render_png, render_pdf):
        with pytest.raises(RenderError) as caught:
            render_binary(document)
        message = str(caught.value)
        assert "Graphviz 'neato' program is not installed" in message
        assert "apt-get install graphviz" in message
        assert "brew install graphviz" in message
        assert "https://graphviz.org/download/" in message
        assert "--to svg' still works" in message
        assert isinstance(caught.value.__cause__, FileNotFoundError)
    assert render_dot(document).startswith("digraph wmdsl {")
    assert render_svg(document).startswith("<?xml")  # drawn by wmdsl itself: no Graphviz needed
    with pytest.raises(RenderError, match=r"apt-get install graphviz.*brew install graphviz"):
        render(document, "png")


@posix_only
def test_dot_failure_is_a_render_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_dot(tmp_path, "cat > /dev/null; echo 'Error: out of memory' >&2; exit 1")
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(RenderError, match="Graphviz could not draw the diagram: Error: out of memory"):
        render_png(api.loads(TWO_WORKFLOWS))


@posix_only
def test_dot_that_takes_too_long_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_dot(tmp_path, "exec sleep 30")
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("WMDSL_GRAPHVIZ_TIMEOUT", "0.2")
    started = time.monotonic()
    with pytest.raises(RenderError) as caught:
        render_png(api.loads(TWO_WORKFLOWS))
    assert time.monotonic() - started < 10
    message = str(caught.value)
    assert message.startswith("Graphviz did not finish drawing the diagram in 0.2 s and was stopped")
    assert "WMDSL_GRAPHVIZ_TIMEOUT" in message
    assert isinstance(caught.value.__cause__, subprocess.TimeoutExpired)


@pytest.mark.parametrize("value", ["soon", "0", "-5", "inf", "nan"])
def test_a_timeout_that_is_no_number_of_seconds_is_a_render_error(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WMDSL_GRAPHVIZ_TIMEOUT", value)
    with pytest.raises(RenderError, match="WMDSL_GRAPHVIZ_TIMEOUT must be a number of seconds above 0"):
        render_png(api.loads(TWO_WORKFLOWS))


def test_the_timeout_has_a_default_and_may_be_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WMDSL_GRAPHVIZ_TIMEOUT", raising=False)
    assert graphviz_timeout() == TIMEOUT == 60
    monkeypatch.setenv("WMDSL_GRAPHVIZ_TIMEOUT", " 600 ")
    assert graphviz_timeout() == 600


# -- forks, joins and conditions -------------------------------------------------------


def test_a_fork_is_one_labelled_edge_into_a_fork_point_and_a_join_a_titled_diamond() -> None:
    source = render_dot(api.loads(PARALLEL))
    point = '"end.fork.default->class,node"'
    assert f'{point} [label="+"' in source
    assert "shape=diamond" in source.split(f"{point} [")[1].split("\n")[0]
    edges = [line.strip() for line in source.splitlines() if " -> " in line]
    into = [edge for edge in edges if edge.startswith(f'"end.default" -> {point}')]
    assert len(into) == 1
    assert "fork" in into[0]
    assert "[amount" in into[0]
    assert "70%" in into[0]
    branches = [edge for edge in edges if edge.startswith(f"{point} -> ")]
    assert [edge.split(" [")[0] for edge in branches] == [f'{point} -> "end.class"', f'{point} -> "end.node"']
    assert all("label=" not in edge and "#0f766e" in edge for edge in branches)
    join = next(line for line in source.splitlines() if line.strip().startswith('"end.graph" ['))
    assert 'label="+"' in join
    assert "xlabel=" in join
    assert "shape=diamond" in join
    assert "hours: 8-16 mon-fri (subgraph)" in source
    assert "hours: 9-17 mon-thu" in source


@needs_dot
def test_hostile_conditions_and_join_titles_round_trip() -> None:
    document = api.loads(PARALLEL)
    source = render_dot(document)
    for line in source.splitlines():
        bare = re.sub(r'"(?:[^"\\]|\\.)*"', "S", line)
        assert '"' not in bare, line
        assert "<" not in bare, line
    svg = render_svg(document)
    shown = " ".join(svg_texts(svg))
    for piece in [
        'Join "both" <b>x</b> |pipe| %%{init}%% #35; \\N ]]> `t`',
        '[amount > 50k & "urgent" | <b> %% \\N',
        "#quot;]",
        "[always ]]> \\l]",
        'fork "x" <y> |z|',
    ]:
        assert piece in shown, piece
