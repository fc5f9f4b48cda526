"""Mermaid renderer: structure, a strict line grammar, hostile text, determinism."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from tests.goldens import examples
from tests.test_render_graphviz import HOSTILE, PARALLEL, TWO_WORKFLOWS, load_example
from wmdsl import api
from wmdsl.model import Document
from wmdsl.render.labels import mermaid_lines, mermaid_text
from wmdsl.render.mermaid import render_mermaid

# Words the flowchart lexer treats specially (flow.jison), in any case.
KEYWORDS = {
    "end", "graph", "flowchart", "flowchart-elk", "subgraph", "style", "linkstyle", "classdef",
    "class", "click", "call", "href", "default", "interpolate", "direction", "acctitle", "accdescr",
}  # fmt: skip
ID = r"[a-z][a-z0-9_]*"
LABEL = r'"([^"]*)"'
NODE = re.compile(rf"({ID})(\[|\(\[|\(\(\(|\(\(|\{{)" + LABEL + r"(\]|\]\)|\)\)\)|\)\)|\}):::(\w+)")
EDGE = re.compile(rf"({ID}) (-->|-\.->|==>)(?:\|{LABEL}\|)? ({ID})")
SUBGRAPH = re.compile(rf"subgraph ({ID})\[{LABEL}\]")
STYLING = re.compile(
    r"(classDef \w+|style " + ID + r"|linkStyle [0-9,]+) [a-z-]+:[#0-9a-z ]+(,[a-z-]+:[#0-9a-z ]+)*"
)
# Mermaid's encodeEntities() drops the last `;` of lines like these.
STYLE_LINE = re.compile(r"(style|classDef).*:\S*#.*;")


def decode(label: str) -> str:
    """What Mermaid shows for a quoted label: entity codes and ``<br/>`` decoded."""
    label = label.replace("<br/>", "\n")
    label = re.sub(r"#(\d+);", r"&#\1;", label)
    label = re.sub(r"#([a-zA-Z]+);", r"&\1;", label)
    return html.unescape(label)


def parse(
    chart: str,
) -> tuple[dict[str, tuple[str, str]], list[tuple[str, str, str | None, str]], dict[str, str]]:
    """Nodes (id -> shape, label), edges and subgraphs; fails on any line outside the grammar."""
    lines = chart.splitlines()
    assert lines[0] == "flowchart LR"
    nodes: dict[str, tuple[str, str]] = {}
    edges: list[tuple[str, str, str | None, str]] = []
    subgraphs: dict[str, str] = {}
    depth = 0
    for line in lines[1:]:
        text = line.strip()
        if match := NODE.fullmatch(text):
            assert match[1] not in nodes
            nodes[match[1]] = (match[2], match[3])
        elif match := EDGE.fullmatch(text):
            edges.append((match[1], match[2], match[3], match[4]))
        elif match := SUBGRAPH.fullmatch(text):
            subgraphs[match[1]] = match[2]
            depth += 1
        elif text == "end":
            depth -= 1
            assert depth >= 0
        else:
            assert STYLING.fullmatch(text), f"line outside the expected grammar: {line!r}"
        assert not STYLE_LINE.search(line), line
    assert depth == 0
    return nodes, edges, subgraphs


def labels_of(chart: str) -> list[str]:
    nodes, edges, subgraphs = parse(chart)
    return [label for _, label in nodes.values()] + [e[2] for e in edges if e[2]] + list(subgraphs.values())


# -- labels -----------------------------------------------------------------


def test_mermaid_text_uses_entity_codes() -> None:
    assert mermaid_text('a"b#c&d<e>f`g|h') == "a#quot;b#35;c#amp;d#lt;e#gt;f#96;g#124;h"
    assert mermaid_text("x\\y") == "x#92;y"
    assert mermaid_text("one\ntwo") == "one<br/>two"
    assert mermaid_lines(["a", "b"]) == "a<br/>b"


def test_percent_is_escaped_only_where_it_could_start_a_comment() -> None:
    assert mermaid_text("75%") == "75%"
    assert mermaid_text("%%{init}%%") == "#37;%{init}#37;%"
    assert "%%" not in mermaid_text("%%%%%")


# -- structure ----------------------------------------------------------------


@pytest.fixture(scope="module")
def delivery() -> str:
    return render_mermaid(load_example("software-delivery"))


def test_one_subgraph_per_lane(delivery: str) -> None:
    _, _, subgraphs = parse(delivery)
    assert list(subgraphs) == ["lane_product", "lane_eng", "lane_qa", "lane_platform", "lane_security"]
    assert subgraphs["lane_eng"] == "Scheduling squad engineering<br/>owner: Kenji Watanabe"
    eng = delivery.split('subgraph lane_eng["')[1].split("    end")[0]
    assert 'st_build["Build<br/>WIP 6"]:::stage' in eng
    assert "st_verify" not in eng


def test_shapes_by_kind(delivery: str) -> None:
    nodes, _, _ = parse(delivery)
    assert nodes["in_roadmap"] == ("([", "Roadmap items<br/>3 per week")
    assert nodes["st_triage"] == ("[", "Triage and shape<br/>WIP 4")
    assert nodes["ex_shipped"][0] == "((("
    assert nodes["ex_wont_do"][0] == "(("
    assert 'ex_wont_do(("Declined")):::rejected' in delivery
    assert 'ex_withdrawn(("Withdrawn or superseded")):::cancelled' in delivery


def test_rework_is_dotted_and_gates_are_in_the_label(delivery: str) -> None:
    _, edges, _ = parse(delivery)
    rework = [(source, target) for source, arrow, _, target in edges if arrow == "-.->"]
    assert rework == [
        ("st_review", "st_build"),
        ("st_appsec", "st_build"),
        ("st_verify", "st_build"),
        ("st_release", "st_build"),
    ]
    gated = [label for _, _, label, _ in edges if label and "◆ gate:" in label]
    assert gated == [
        "ready for development<br/>◆ gate: Ready for development<br/>75%",
        "release candidate<br/>◆ gate: Approve a production deployment<br/>SLA 1d",
    ]
    assert "linkStyle 2,13 stroke:#6a3fb5,stroke-width:2px" in delivery
    assert "linkStyle 7,10,12,14 stroke:#c65a11" in delivery


def test_several_workflows_are_subgraphs_with_distinct_ids() -> None:
    chart = render_mermaid(api.loads(TWO_WORKFLOWS))
    nodes, edges, subgraphs = parse(chart)
    assert list(subgraphs) == ["w1_workflow", "w1_lane_ops", "w2_workflow", "w2_lane_ops"]
    assert {"w1_st_triage", "w2_st_triage", "w1_st_loose", "w2_ex_dropped"} <= set(nodes)
    assert all(source in nodes and target in nodes for source, _, _, target in edges)


@pytest.mark.parametrize("spec", examples(), ids=lambda p: p.stem)
def test_every_example_follows_the_grammar_and_is_deterministic(spec: Path) -> None:
    chart = render_mermaid(load_example(spec.stem))
    nodes, edges, _ = parse(chart)
    assert all(source in nodes and target in nodes for source, _, _, target in edges)
    assert chart == render_mermaid(load_example(spec.stem))


# -- hostile text -----------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile() -> Document:
    return api.loads(HOSTILE)


def test_hostile_labels_cannot_break_out(hostile: Document) -> None:
    chart = render_mermaid(hostile)
    assert "<script" not in chart
    assert "%%" not in chart
    assert "`" not in chart
    for label in labels_of(chart):
        bare = label.replace("<br/>", "")
        assert not set(bare) & set('"<>|&\\'), label
        assert re.fullmatch(r"([^#]|#\w+;)*", bare), label


def test_hostile_ids_are_never_keywords(hostile: Document) -> None:
    nodes, _, subgraphs = parse(render_mermaid(hostile))
    ids = [*nodes, *subgraphs]
    assert sorted(ids) == sorted(
        [
            "in_default",
            "st_end",
            "st_class",
            "st_node",
            "st_default_",
            "ex_edge",
            "ex_strict",
            "ex_digraph",
            "lane_subgraph",
            "lane_style",
        ]
    )
    for id_ in ids:
        assert id_.lower() not in KEYWORDS
        assert not any(id_.lower().startswith(word) for word in KEYWORDS)
        assert id_[0] not in "ox"


def test_hostile_text_round_trips(hostile: Document) -> None:
    nodes, edges, subgraphs = parse(render_mermaid(hostile))
    workflow = hostile.workflows[0]
    assert decode(nodes["st_end"][1]) == f"{workflow.stages[0].title}\nWIP 2"
    assert decode(nodes["ex_edge"][1]) == "Edge # exit \\"
    assert decode(nodes["ex_strict"][1]) == "<i>strict</i>"
    assert decode(nodes["in_default"][1]) == "In <img src=x onerror=alert(1)> line two"
    assert decode(subgraphs["lane_subgraph"]) == (
        "Lane \"x\" <script>alert(1)</script> `tick` |pipe| %%{init: {'theme':'dark'}}%%"
        '\nowner: Amy "Q" <script>alert(1)</script>'
    )
    assert decode(subgraphs["lane_style"]).startswith(r"style:#quot; classDef:#35; \E \T \H")
    shown = [decode(label) for _, _, label, _ in edges if label]
    assert shown == [
        'go "now" | <x> \\N\nSLA 1d',
        'gate <b>\n◆ gate: Approve "scope" <now> %% #\n50%',
        "50%",
        "rework ` %% \\l\n10%",
    ]


def test_hostile_output_is_deterministic(hostile: Document) -> None:
    assert render_mermaid(hostile) == render_mermaid(api.loads(HOSTILE))


# -- forks, joins and conditions -------------------------------------------------------


def test_forks_go_through_a_fork_point_and_joins_are_diamonds() -> None:
    chart = render_mermaid(api.loads(PARALLEL))
    nodes, edges, subgraphs = parse(chart)
    assert all(source in nodes and target in nodes for source, _, _, target in edges)
    assert nodes["fk_1"] == ("{", "+")
    assert nodes["jn_graph"][0] == "{"
    assert decode(nodes["jn_graph"][1]) == '+ Join "both" <b>x</b> |pipe| %%{init}%% #35; \\N ]]> `t`'
    assert 'fk_1{"+"}:::parallel' in chart
    assert "jn_graph{" in chart
    into = [(s, a, label) for s, a, label, t in edges if t == "fk_1"]
    assert len(into) == 1
    assert into[0][:2] == ("in_default", "-->")
    assert decode(into[0][2] or "") == (
        'fork "x" <y> |z|\n[amount > 50k & "urgent" | <b> %% \\N #quot;]\n70%'
    )
    branches = [(s, a, label, t) for s, a, label, t in edges if s == "fk_1"]
    assert branches == [("fk_1", "==>", None, "st_class"), ("fk_1", "==>", None, "st_node")]
    numbers = [i for i, (s, _, _, _) in enumerate(edges) if s == "fk_1"]
    assert f"linkStyle {','.join(map(str, numbers))} stroke:#0f766e,stroke-width:2px" in chart
    last = [label for s, _, label, _ in edges if s == "jn_graph"]
    assert [decode(label or "") for label in last] == ["[always ]]> \\l]"]
    assert decode(subgraphs["lane_style"]) == "Lane\nowner: Amy\nhours: 8-16 mon-fri (subgraph)"
    assert decode(subgraphs["lane_click"]) == "Other\nowner: Amy\nhours: 9-17 mon-thu"


def test_hostile_conditions_and_join_titles_cannot_break_out() -> None:
    chart = render_mermaid(api.loads(PARALLEL))
    assert "%%" not in chart
    assert "`" not in chart
    assert "<b>" not in chart
    for label in labels_of(chart):
        bare = label.replace("<br/>", "")
        assert not set(bare) & set('"<>|&\\'), label
        assert re.fullmatch(r"([^#]|#\w+;)*", bare), label
