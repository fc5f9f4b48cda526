"""The BPMN renderer: valid for bpmn-moddle and bpmnlint, sane geometry, exact names.

The validators are the real npm packages, installed as CI does::

    npm install --prefix .ci/node --no-audit --no-fund bpmnlint bpmn-moddle

The validation test is skipped only when node or those packages are absent.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from tests.goldens import EXAMPLES, examples, rendered
from tests.tracing import lines_run
from wmdsl import api
from wmdsl.render.bpmn import render_bpmn
from wmdsl.render.layers import Box

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / ".ci" / "node" / "node_modules"
VALIDATE = Path(__file__).resolve().parent / "bpmn_validate.js"
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
}
FLOW_NODES = ("startEvent", "userTask", "exclusiveGateway", "parallelGateway", "endEvent")
GATEWAYS = ("exclusiveGateway", "parallelGateway")
NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]*$")

HOSTILE = r"""
person @ana "Ana \"A\" O'Neil <script>alert(1)</script>"
lane eng "R&D ]]> 100% \"team\" 'x'" { owner @ana; members @ana }

workflow w "Flow <end> & \"quotes\" 'single' ]]> %s" {
  owner @ana
  purpose "Purpose with <b>tags</b> & ]]>"
  intake inbox "Inbox: <script>alert('x')</script>" { owner @ana; channel "<mail> & \"co\"" }
  stage build "Build & ship\nsecond line 🚀 end" in eng { wip 2; done "Done <b>bold</b> ]]>" }
  stage end "end" in eng { wip 1 }
  exit shipped "Shipped 100% \"really\"\tтабуляция"
  exit rejected "Rejected ]]> <!-- comment -->" { kind rejected }
  decision go "Approve <it> & \"go\"" { decides @ana }
  inbox -> build
  build -> end "label with <tag> & \"quote\" ]]>" { gate go; chance 60% }
  build -> rejected "no 🙅" { chance 40% }
  end -> shipped
  end -> build "back\r\nagain" { rework; chance 10% }
}
"""

# Several workflows with the same node names, a stage without a lane, a self-loop,
# an intake straight to an exit, and names that invite id collisions.
TWO_WORKFLOWS = """
person @ana "Ana"
lane ops "Operations" { owner @ana; members @ana }

workflow first "First" {
  owner @ana
  intake inbox "Inbox" { owner @ana }
  stage work "Work" in ops { wip 1 }
  stage work_split "Work split" { owner @ana; wip 1 }
  exit done "Done"
  exit dropped "Dropped" { kind cancelled }
  inbox -> work
  inbox -> dropped
  work -> work "again" { chance 10% }
  work -> work_split
  work_split -> done
  work_split -> dropped
}

workflow second "Second" {
  owner @ana
  intake inbox "Inbox" { owner @ana }
  stage work "Work" in ops { wip 1 }
  exit done "Done"
  inbox -> work
  work -> done
}
"""

NO_STAGES = """
person @ana "Ana"
workflow bare "Bare" {
  owner @ana
  intake inbox "Inbox" { owner @ana }
  exit done "Done"
  inbox -> done
}
"""

# Forks, joins and conditions in every combination the renderer plans for: a fork that
# is one of several alternatives, a fork that is the only way on, two forks out of one
# node, a join with alternatives out, conditions next to routes without one (the
# first becomes the default flow, the next stands on its label), and a lone
# conditional handoff that leaves no gateway.
PARALLEL = """
person @ana "Ana"
lane ops "Operations" { owner @ana; members @ana }
lane law "Legal" { owner @ana; members @ana; hours 9-17 mon-thu }
calendar office "Office <hours> & 'more'" { hours 8-16 mon-fri }

workflow par "Parallel work" {
  owner @ana
  hours office
  intake inbox "Inbox" { owner @ana }
  stage check "Check" in ops { wip 1 }
  stage a "A" in ops { wip 1 }
  stage b "B" in law { wip 1 }
  stage c "C" in ops { wip 1 }
  stage d "D" in law { wip 1 }
  stage big "Big" in ops { wip 1 }
  stage small "Small" in ops { wip 1 }
  join ab "A and B done"
  join cd "C & D <done>"
  exit done "Done"
  exit dropped "Dropped" { kind cancelled }
  exit odd "Odd" { kind rejected }
  inbox -> check
  check -> a, b "both" { chance 50%; when "x > 1 & <y>" }
  check -> c, d { chance 30% }
  check -> dropped "not ours" { chance 20% }
  a -> ab
  b -> ab
  c -> cd
  d -> cd
  ab -> big { when "amount over 50k"; chance 40% }
  ab -> small "small" { chance 30% }
  ab -> odd "odd" { chance 30% }
  cd -> done { when "always" }
  big -> done
  small -> done
}
"""

SPECS = {
    "hostile": HOSTILE,
    "two-workflows": TWO_WORKFLOWS,
    "no-stages": NO_STAGES,
    "parallel": PARALLEL,
}


def _outputs() -> dict[str, str]:
    """Every rendering under test, by name: the examples, then the small specs."""
    found = {spec.stem: rendered(spec, "bpmn").decode("utf-8") for spec in examples()}
    found.update({name: render_bpmn(api.loads(text)) for name, text in SPECS.items()})
    return found


OUTPUTS = _outputs()


def _local(element: ET.Element) -> str:
    return element.tag.split("}")[1]


def _bounds(root: ET.Element) -> dict[str, tuple[int, int, int, int]]:
    found = {}
    for shape in root.iter(f"{{{NS['bpmndi']}}}BPMNShape"):
        bounds = shape.find("dc:Bounds", NS)
        assert bounds is not None
        box = tuple(int(bounds.get(key, "")) for key in ("x", "y", "width", "height"))
        found[shape.get("bpmnElement", "")] = (box[0], box[1], box[2], box[3])
    return found


def _inside(inner: tuple[int, int, int, int], outer: tuple[int, int, int, int]) -> bool:
    x, y, w, h = inner
    ox, oy, ow, oh = outer
    return ox <= x and oy <= y and x + w <= ox + ow and y + h <= oy + oh


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    """Touching counts, as in bpmnlint's no-overlapping-elements."""
    return a[0] <= b[0] + b[2] and b[0] <= a[0] + a[2] and a[1] <= b[1] + b[3] and b[1] <= a[1] + a[3]


@pytest.mark.parametrize("name", OUTPUTS)
def test_output_is_well_formed_utf8_xml(name: str) -> None:
    text = OUTPUTS[name]
    assert text.startswith("<?xml version='1.0' encoding='UTF-8'?>\n")
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == f"{{{NS['bpmn']}}}definitions"


@pytest.mark.parametrize("name", OUTPUTS)
def test_ids_are_unique_ncnames_and_references_resolve(name: str) -> None:
    root = ET.fromstring(OUTPUTS[name].encode("utf-8"))
    ids = [element.get("id", "") for element in root.iter() if element.get("id")]
    assert len(ids) == len(set(ids))
    assert all(NCNAME.match(i) for i in ids), [i for i in ids if not NCNAME.match(i)]
    known = set(ids)
    refs = [e.get(a) for e in root.iter() for a in ("bpmnElement", "sourceRef", "targetRef", "processRef")]
    texts = [e.text for e in root.iter() if _local(e) in ("incoming", "outgoing", "flowNodeRef")]
    assert {r for r in [*refs, *texts] if r} <= known


@pytest.mark.parametrize("name", OUTPUTS)
def test_every_flow_node_is_in_exactly_one_lane_and_flows_are_wired(name: str) -> None:
    root = ET.fromstring(OUTPUTS[name].encode("utf-8"))
    for process in root.findall("bpmn:process", NS):
        nodes = {e.get("id"): e for e in process if _local(e) in FLOW_NODES}
        refs = [r.text for r in process.iterfind("bpmn:laneSet/bpmn:lane/bpmn:flowNodeRef", NS)]
        assert sorted(refs, key=str) == sorted(nodes, key=str)
        for flow in process.findall("bpmn:sequenceFlow", NS):
            source, target = nodes[flow.get("sourceRef")], nodes[flow.get("targetRef")]
            assert flow.get("id") in [e.text for e in source.findall("bpmn:outgoing", NS)]
            assert flow.get("id") in [e.text for e in target.findall("bpmn:incoming", NS)]
        for node in nodes.values():
            # Tasks and events never join or fork by themselves: gateways do.
            if _local(node) not in GATEWAYS:
                assert len(node.findall("bpmn:incoming", NS)) <= 1
                assert len(node.findall("bpmn:outgoing", NS)) <= 1


@pytest.mark.parametrize("name", OUTPUTS)
def test_geometry_nodes_inside_their_lanes_and_never_overlapping(name: str) -> None:
    root = ET.fromstring(OUTPUTS[name].encode("utf-8"))
    bounds = _bounds(root)
    for collaboration, process in zip(
        root.findall("bpmn:collaboration", NS), root.findall("bpmn:process", NS), strict=True
    ):
        participant = collaboration.find("bpmn:participant", NS)
        assert participant is not None
        pool = bounds[participant.get("id", "")]
        lanes = process.findall("bpmn:laneSet/bpmn:lane", NS)
        assert lanes
        for lane in lanes:
            lane_box = bounds[lane.get("id", "")]
            assert _inside(lane_box, pool)
            for ref in lane.findall("bpmn:flowNodeRef", NS):
                assert _inside(bounds[ref.text or ""], lane_box), ref.text
        for a, b in itertools.combinations([bounds[lane.get("id", "")] for lane in lanes], 2):
            assert a[1] + a[3] <= b[1] or b[1] + b[3] <= a[1], "lanes overlap"
        shapes = [(e.get("id"), bounds[e.get("id", "")]) for e in process if _local(e) in FLOW_NODES]
        for (first, a), (second, b) in itertools.combinations(shapes, 2):
            assert not _overlap(a, b), f"{first} overlaps {second}"


@pytest.mark.parametrize("name", OUTPUTS)
def test_geometry_every_flow_has_an_orthogonal_edge_from_right_side_to_left_side(name: str) -> None:
    root = ET.fromstring(OUTPUTS[name].encode("utf-8"))
    bounds = _bounds(root)
    edges = {e.get("bpmnElement"): e for e in root.iter(f"{{{NS['bpmndi']}}}BPMNEdge")}
    flows = list(root.iterfind("bpmn:process/bpmn:sequenceFlow", NS))
    assert set(edges) == {flow.get("id") for flow in flows}
    for flow in flows:
        points = [(int(p.get("x", "")), int(p.get("y", ""))) for p in edges[flow.get("id")]]
        assert len(points) >= 2
        sx, sy, sw, sh = bounds[flow.get("sourceRef", "")]
        tx, ty, _, th = bounds[flow.get("targetRef", "")]
        assert points[0] == (sx + sw, sy + sh // 2)
        assert points[-1] == (tx, ty + th // 2)
        for (x1, y1), (x2, y2) in itertools.pairwise(points):
            assert x1 == x2 or y1 == y2, f"{flow.get('id')} has a diagonal segment"


@pytest.mark.parametrize("name", OUTPUTS)
def test_shapes_have_the_standard_sizes(name: str) -> None:
    root = ET.fromstring(OUTPUTS[name].encode("utf-8"))
    bounds = _bounds(root)
    sizes = {
        "startEvent": (36, 36),
        "endEvent": (36, 36),
        "userTask": (100, 80),
        "exclusiveGateway": (50, 50),
        "parallelGateway": (50, 50),
    }
    for element in root.iterfind("bpmn:process/*", NS):
        if _local(element) in sizes:
            assert bounds[element.get("id", "")][2:] == sizes[_local(element)]


def test_hostile_names_round_trip_exactly() -> None:
    document = api.loads(HOSTILE)
    root = ET.fromstring(render_bpmn(document).encode("utf-8"))
    workflow = document.workflows[0]
    names = {e.get("id"): e.get("name") for e in root.iter() if e.get("id")}
    assert names["Participant"] == names["Process"] == workflow.title
    assert names["Lane_eng"] == document.shared.lanes[0].title
    assert names["StartEvent_inbox"] == workflow.intakes[0].title
    assert [names["Task_build"], names["Task_end"]] == [s.title for s in workflow.stages]
    assert [names["EndEvent_shipped"], names["EndEvent_rejected"]] == [e.title for e in workflow.exits]
    assert names["Flow_build_end"] == 'label with <tag> & "quote" ]]> (60%)'
    assert names["Flow_build_rejected"] == "no 🙅 (40%)"
    assert names["Flow_end_build"] == "back\r\nagain (10%)"
    assert names["Gateway_build_split"] == "Build & ship\nsecond line 🚀 end outcome?"
    assert "\t" in (names["EndEvent_shipped"] or "")
    task = root.find("bpmn:process/bpmn:userTask[@id='Task_build']", NS)
    assert task is not None
    assert (
        task.findtext("bpmn:documentation", namespaces=NS)
        == "WIP limit: 2\nDefinition of done: Done <b>bold</b> ]]>"
    )
    back = root.find("bpmn:process/bpmn:sequenceFlow[@id='Flow_end_build']", NS)
    assert back is not None
    assert "Label: back\nagain" in (back.findtext("bpmn:documentation", namespaces=NS) or "")


def test_characters_xml_cannot_carry_are_replaced() -> None:
    text = NO_STAGES.replace('"Inbox"', r'"In\u{1}box\u{FFFE}"')
    root = ET.fromstring(render_bpmn(api.loads(text)).encode("utf-8"))
    start = root.find("bpmn:process/bpmn:startEvent", NS)
    assert start is not None
    assert start.get("name") == "In\ufffdbox\ufffd"


@pytest.mark.parametrize("name", ["software-delivery", "hostile", "two-workflows"])
def test_rendering_is_deterministic(name: str) -> None:
    if name in SPECS:
        again = render_bpmn(api.loads(SPECS[name]))
    else:
        again = rendered(EXAMPLES / f"{name}.wm", "bpmn").decode("utf-8")
    assert again.encode("utf-8") == OUTPUTS[name].encode("utf-8")


def test_several_workflows_get_a_collaboration_process_and_diagram_each() -> None:
    root = ET.fromstring(OUTPUTS["two-workflows"].encode("utf-8"))
    assert len(root.findall("bpmn:collaboration", NS)) == 2
    assert len(root.findall("bpmn:process", NS)) == 2
    planes = [p.get("bpmnElement") for p in root.iterfind("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)]
    assert planes == ["Collaboration_first", "Collaboration_second"]
    tasks = [t.get("id") for t in root.iterfind("bpmn:process/bpmn:userTask", NS)]
    assert tasks == ["Task_first_work", "Task_first_work_split", "Task_second_work"]
    lanes = [lane.get("name") for lane in root.iterfind("bpmn:process/bpmn:laneSet/bpmn:lane", NS)]
    assert lanes == ["Operations", "Unassigned", "Operations"]


def test_gates_and_decisions_travel_as_documentation_and_extensions() -> None:
    root = ET.fromstring(OUTPUTS["software-delivery"].encode("utf-8"))
    flow = root.find("bpmn:process/bpmn:sequenceFlow[@id='Flow_triage_build']", NS)
    assert flow is not None
    assert flow.get("name") == "ready for development (75%)"
    gate = flow.find("bpmn:extensionElements/{https://wmdsl.dev/schema/bpmn}gate", NS)
    assert gate is not None
    assert gate.attrib == {"decision": "ready", "title": "Ready for development", "decides": "@amara"}
    documentation = flow.findtext("bpmn:documentation", namespaces=NS) or ""
    assert "Gate: Ready for development (ready): decides @amara;" in documentation
    decisions = root.findall(
        "bpmn:process/bpmn:extensionElements/{https://wmdsl.dev/schema/bpmn}decision", NS
    )
    assert [d.get("name") for d in decisions] == ["ready", "deploy"]  # its own, then the shared one it uses


def _chain(stages: int) -> str:
    """A workflow of ``stages`` stages in a chain, whose lanes, intakes and decisions grow with it.

    Four stages a lane; an intake every ten stages; skips that branch and merge, rework
    loops, exits on the way and a gate on every third handoff.
    """
    lines = ['person @ana "Ana"']
    lines += [f'lane l{k} "Lane {k}" {{ owner @ana; members @ana }}' for k in range((stages + 3) // 4)]
    lines += ['workflow chain "Chain" {', "  owner @ana"]
    lines += [f'  intake in{i} "In {i}" {{ owner @ana }}' for i in range(0, stages, 10)]
    lines += [f'  stage s{i} "Stage {i}" in l{i // 4} {{ wip 1 }}' for i in range(stages)]
    lines += ['  exit done "Done"', '  exit dropped "Dropped" { kind cancelled }']
    lines += [f"  in{i} -> s{i}" for i in range(0, stages, 10)]
    for i in range(stages - 1):
        lines.append(f"  s{i} -> s{i + 1}" + (f" {{ gate d{i} }}" if i % 3 == 0 else ""))
        if i % 3 == 0:
            lines.append(f'  decision d{i} "Gate {i}" {{ decides @ana }}')
        if i % 4 == 1 and i + 2 < stages:
            lines.append(f"  s{i} -> s{i + 2}")
        if i % 5 == 4:
            lines.append(f"  s{i} -> s{i - 3} {{ rework }}")
        if i % 7 == 6:
            lines.append(f"  s{i} -> dropped")
    lines += [f"  s{stages - 1} -> done", "}"]
    return "\n".join(lines) + "\n"


def _rendering_work(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    """Lines of wmdsl code run, and shapes tested against a segment, while rendering ``text``."""
    document = api.loads(text)
    crossings = 0
    crosses = Box.crosses

    def counting(box: Box, y: int, x1: int, x2: int) -> bool:
        nonlocal crossings
        crossings += 1
        return crosses(box, y, x1, x2)

    with monkeypatch.context() as patch:
        patch.setattr(Box, "crosses", counting)
        lines = lines_run(lambda: render_bpmn(document))
    return lines, crossings


def test_rendering_work_grows_linearly_with_the_spec(monkeypatch: pytest.MonkeyPatch) -> None:
    # Counts, not times: a scan of every node or flow per node or flow (lanes, incoming
    # and outgoing flows, the shapes in a route's way, decisions, intakes) makes the work
    # grow sixteenfold when the spec grows fourfold.
    small_lines, small_crossings = _rendering_work(_chain(40), monkeypatch)
    large_lines, large_crossings = _rendering_work(_chain(160), monkeypatch)
    assert small_crossings > 0
    assert large_crossings < 6 * small_crossings
    assert large_lines < 6 * small_lines


def _validators_missing() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    missing = [name for name in ("bpmnlint", "bpmn-moddle") if not (NODE_MODULES / name).is_dir()]
    if missing:
        return f"{', '.join(missing)} not installed under {NODE_MODULES} (see this module's docstring)"
    return None


@pytest.fixture(scope="module")
def validation(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    reason = _validators_missing()
    if reason:
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("bpmn")
    paths = []
    for name, text in OUTPUTS.items():
        path = folder / f"{name}.bpmn"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    environment = {**os.environ, "NODE_PATH": str(NODE_MODULES)}
    done = subprocess.run(
        ["node", str(VALIDATE), *paths],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    results: dict[str, Any] = json.loads(done.stdout)
    return {Path(path).stem: result for path, result in results.items()}


@pytest.mark.parametrize("name", OUTPUTS)
def test_bpmn_moddle_imports_without_warnings(validation: dict[str, Any], name: str) -> None:
    assert validation[name]["warnings"] == []


@pytest.mark.parametrize("name", OUTPUTS)
def test_bpmnlint_recommended_reports_nothing(validation: dict[str, Any], name: str) -> None:
    # Not only no errors: no warnings either (fake joins, overlaps, superfluous labels…).
    assert validation[name]["lint"] == {}


def _process_of(name: str) -> ET.Element:
    root = ET.fromstring(OUTPUTS[name].encode("utf-8"))
    process = root.find("bpmn:process", NS)
    assert process is not None
    return process


def _flows(process: ET.Element) -> dict[str, ET.Element]:
    return {flow.get("id", ""): flow for flow in process.findall("bpmn:sequenceFlow", NS)}


def _ends(flow: ET.Element) -> tuple[str | None, str | None]:
    return flow.get("sourceRef"), flow.get("targetRef")


def test_a_fork_among_alternatives_is_a_parallel_gateway_after_the_exclusive_one() -> None:
    process = _process_of("procurement")
    fork = process.find("bpmn:parallelGateway[@id='Gateway_qualify_fork']", NS)
    assert fork is not None
    assert fork.get("gatewayDirection") == "Diverging"
    flows = _flows(process)
    into = flows["Flow_qualify_fork"]
    assert _ends(into) == ("Gateway_qualify_split", "Gateway_qualify_fork")
    assert into.get("name") == "vendor pack (90%)"  # the fork's label and chance, once
    for target in ("security_review", "legal_review"):
        branch = flows[f"Flow_qualify_{target}"]
        assert _ends(branch) == ("Gateway_qualify_fork", f"Task_{target}")
        assert branch.get("name") is None  # out of a parallel gateway: bpmnlint's superfluous-label
        assert branch.find("bpmn:conditionExpression", NS) is None
        documentation = branch.findtext("bpmn:documentation", namespaces=NS) or ""
        assert "Parallel: one branch of the fork qualify->security_review,legal_review" in documentation
        extension = branch.find("bpmn:extensionElements/{https://wmdsl.dev/schema/bpmn}handoff", NS)
        assert extension is not None
        assert extension.get("fork") == "qualify->security_review,legal_review"
    assert _ends(flows["Flow_qualify_declined"]) == ("Gateway_qualify_split", "EndEvent_declined")


def test_a_join_is_a_converging_parallel_gateway_its_handoffs_enter() -> None:
    process = _process_of("procurement")
    join = process.find("bpmn:parallelGateway[@id='Gateway_reviewed']", NS)
    assert join is not None
    assert (join.get("name"), join.get("gatewayDirection")) == ("Both reviews done", "Converging")
    assert [e.text for e in join.findall("bpmn:incoming", NS)] == [
        "Flow_security_review_reviewed",
        "Flow_legal_review_reviewed",
    ]
    assert [e.text for e in join.findall("bpmn:outgoing", NS)] == ["Flow_reviewed_split"]
    flows = _flows(process)
    assert _ends(flows["Flow_reviewed_split"]) == ("Gateway_reviewed", "Gateway_reviewed_split")


def test_conditions_name_the_flows_out_of_an_exclusive_gateway_and_become_expressions() -> None:
    flows = _flows(_process_of("procurement"))
    expected = {
        "Flow_reviewed_order": ("total cost up to 50k (80%)", "total cost up to 50k"),
        "Flow_reviewed_sign_off": ("total cost over 50k (20%)", "total cost over 50k"),
    }
    xsi = "{http://www.w3.org/2001/XMLSchema-instance}type"
    for flow_id, (name, condition) in expected.items():
        flow = flows[flow_id]
        assert flow.get("name") == name
        expression = flow.find("bpmn:conditionExpression", NS)
        assert expression is not None
        assert (expression.text, expression.get(xsi)) == (condition, "bpmn:tFormalExpression")
        assert f"Condition: {condition}" in (flow.findtext("bpmn:documentation", namespaces=NS) or "")


def test_a_gateway_with_conditions_gets_a_default_flow_and_conditions_for_the_rest() -> None:
    process = _process_of("parallel")
    gateways = {g.get("id"): g for g in process.findall("bpmn:exclusiveGateway", NS)}
    flows = _flows(process)
    # check -> a, b has a condition: the fork without one is the default, the exit keeps its label.
    assert gateways["Gateway_check_split"].get("default") == "Flow_check_fork_2"
    assert flows["Flow_check_fork"].findtext("bpmn:conditionExpression", namespaces=NS) == "x > 1 & <y>"
    assert flows["Flow_check_fork"].get("name") == "x > 1 & <y> (50%)"
    assert flows["Flow_check_fork_2"].find("bpmn:conditionExpression", NS) is None
    assert flows["Flow_check_dropped"].findtext("bpmn:conditionExpression", namespaces=NS) == "not ours (20%)"
    # ab -> big has the condition; small is the default, odd stands on its label.
    assert gateways["Gateway_ab_split"].get("default") == "Flow_ab_small"
    assert flows["Flow_ab_odd"].findtext("bpmn:conditionExpression", namespaces=NS) == "odd (30%)"
    # Two forks out of one node: a parallel gateway each.
    forks = [g.get("id") for g in process.findall("bpmn:parallelGateway[@gatewayDirection='Diverging']", NS)]
    assert forks == ["Gateway_check_fork", "Gateway_check_fork_2"]
    assert {_ends(flows[f"Flow_check_{t}"])[0] for t in "ab"} == {"Gateway_check_fork"}
    assert {_ends(flows[f"Flow_check_{t}"])[0] for t in "cd"} == {"Gateway_check_fork_2"}
    # A lone handoff with a condition leaves no gateway: the condition is documented only.
    lone = flows["Flow_cd_done"]
    assert lone.get("name") is None
    assert lone.find("bpmn:conditionExpression", NS) is None
    assert "Condition: always" in (lone.findtext("bpmn:documentation", namespaces=NS) or "")


def test_working_hours_are_documented_on_the_pool_and_the_lanes_that_set_them() -> None:
    root = ET.fromstring(OUTPUTS["parallel"].encode("utf-8"))
    participant = root.find("bpmn:collaboration/bpmn:participant", NS)
    assert participant is not None
    assert "Hours: 8-16 mon-fri (office)" in (participant.findtext("bpmn:documentation", namespaces=NS) or "")
    lanes = {lane.get("name"): lane for lane in root.iterfind("bpmn:process/bpmn:laneSet/bpmn:lane", NS)}
    assert "Hours: 9-17 mon-thu" in (lanes["Legal"].findtext("bpmn:documentation", namespaces=NS) or "")
    assert "Hours" not in (lanes["Operations"].findtext("bpmn:documentation", namespaces=NS) or "")
    summary = root.find("bpmn:process/bpmn:extensionElements/{https://wmdsl.dev/schema/bpmn}workflow", NS)
    assert summary is not None
    assert summary.get("hours") == "8-16 mon-fri (office)"
    default = ET.fromstring(OUTPUTS["no-stages"].encode("utf-8")).find(
        "bpmn:collaboration/bpmn:participant", NS
    )
    assert default is not None
    assert "Hours: 9-17 mon-fri" in (default.findtext("bpmn:documentation", namespaces=NS) or "")
