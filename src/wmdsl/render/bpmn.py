"""BPMN 2.0 XML with diagram geometry, for bpmn.io, Camunda Modeler and friends.

Each workflow becomes a collaboration with one pool (participant) and its
process: a lane per lane that has stages, a message start event per intake
(work arrives through a channel; several blank start events in one process
would be ambiguous), a user task per stage, a converging parallel gateway
per join and a plain end event per exit. Handoffs become sequence flows.

Choosing between a node's handoffs is exclusive, with a fork's branches
counting as one alternative: a node with several alternatives out gets an
exclusive gateway after it, and a fork a diverging parallel gateway (after
that exclusive gateway, when there is one). A node other than a join with
several handoffs in gets a merging exclusive gateway before it (BPMN reads
several flows into a task as a fake join); a join is itself the gateway its
handoffs enter. The flows out of an exclusive gateway are named after their
``when`` condition, else their label (with the chance); a condition is also
the flow's ``conditionExpression``, and where some flows out of a gateway
have one, the first without becomes the gateway's default flow. Everything
else the spec says (WIP limits, definitions of done, chances, SLAs, gates,
decision rights, working hours) goes into ``documentation`` for people and
into ``extensionElements`` in the wmdsl namespace for programs.

Intakes, joins and exits have no lane in wmdsl: a start event joins the
lane of the first stage it hands work to, a join the lane of the first stage
that hands work to it (else of the first it hands work to), an end event the
lane of the first stage that hands work to it. Stages without a lane share
an "Unassigned" lane. The geometry comes from :mod:`wmdsl.render.bpmn_layout`.
"""

from __future__ import annotations

import enum
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from wmdsl.flow.calendar import calendars
from wmdsl.model import (
    Decision,
    Document,
    Duration,
    Exit,
    Handoff,
    Intake,
    Join,
    Lane,
    Member,
    Percent,
    Rate,
    Ref,
    Stage,
    Workflow,
)
from wmdsl.output.safe import for_xml
from wmdsl.render.bpmn_layout import Flow, Kind, Node, layout
from wmdsl.render.layers import Box, Point
from wmdsl.render.scope import hours_text, workflow_hours

NAMESPACES = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "wm": "https://wmdsl.dev/schema/bpmn",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
TARGET_NAMESPACE = "https://wmdsl.dev/schema/bpmn/model"
UNASSIGNED = "Unassigned"
OTHERWISE = "otherwise"  # the name of a flow without a label or chance next to conditional ones
XSI_TYPE = f"{{{NAMESPACES['xsi']}}}type"

for _prefix, _uri in NAMESPACES.items():
    ET.register_namespace(_prefix, _uri)

ModelNode = Intake | Stage | Join | Exit
# For each kind of node: its id prefix, its BPMN element and its size class.
_KINDS: dict[type, tuple[str, str, Kind]] = {
    Intake: ("StartEvent", "startEvent", "event"),
    Stage: ("Task", "userTask", "task"),
    Join: ("Gateway", "parallelGateway", "gateway"),
    Exit: ("EndEvent", "endEvent", "event"),
}


_ROOT_IDS = ("Collaboration", "Participant", "Process", "LaneSet", "Diagram", "Plane")


def _tag(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NAMESPACES[prefix]}}}{local}"


def _sub(
    parent: ET.Element, name: str, attributes: Mapping[str, str | None] | None = None, text: str | None = None
) -> ET.Element:
    """Append element ``prefix:local`` with those of ``attributes`` that are not None."""
    element = ET.SubElement(
        parent, _tag(name), {k: v for k, v in (attributes or {}).items() if v is not None}
    )
    element.text = text
    return element


class _Ids:
    """Hands out XML ids (or names), unique in the document: ``base``, then ``base_2``, ``base_3``…"""

    def __init__(self) -> None:
        self.used: set[str] = set()
        # The count of the last id given for each base: the ones before it are all taken.
        self.counts: dict[str, int] = {}

    def __call__(self, *parts: str) -> str:
        base = "_".join(parts)
        count = self.counts.get(base, 1)
        candidate = base if count == 1 else f"{base}_{count}"
        while candidate in self.used:
            count += 1
            candidate = f"{base}_{count}"
        self.counts[base] = count
        self.used.add(candidate)
        return candidate


@dataclass
class _LanePlan:
    id: str
    name: str
    model: Lane | None


@dataclass
class _NodePlan:
    node: Node
    tag: str
    name: str | None
    model: ModelNode | None = None
    direction: str | None = None  # of a gateway: Diverging or Converging
    default: str | None = None  # of an exclusive gateway: the flow taken when no condition holds


@dataclass
class _FlowPlan:
    flow: Flow
    name: str | None = None
    handoff: Handoff | None = None
    condition: str | None = None  # of a flow out of an exclusive gateway


@dataclass
class _Process:
    """One workflow as BPMN elements and ids, before any XML is written."""

    workflow: Workflow
    ids: dict[str, str]
    lanes: list[_LanePlan] = field(default_factory=list)
    nodes: list[_NodePlan] = field(default_factory=list)
    flows: list[_FlowPlan] = field(default_factory=list)
    messages: dict[str, tuple[str, str]] = field(default_factory=dict)  # intake -> message, definition ids


def render_bpmn(document: Document) -> str:
    """``document`` as BPMN 2.0 XML: one collaboration, process and diagram per workflow."""
    ids = _Ids()
    attributes = {"id": ids("Definitions"), "targetNamespace": TARGET_NAMESPACE, "exporter": "wmdsl"}
    definitions = ET.Element(_tag("bpmn:definitions"), attributes)
    several = len(document.workflows) > 1
    plans = [_plan(document, w, ids, w.name if several else None) for w in document.workflows]
    _messages(definitions, plans)
    for plan in plans:
        _collaboration(definitions, plan, document)
        _process(definitions, plan, document)
    for plan in plans:
        _diagram(definitions, plan, ids)
    ET.indent(definitions, space="  ")
    xml = ET.tostring(definitions, encoding="UTF-8", xml_declaration=True).decode("utf-8")
    return for_xml(xml) + "\n"


# -- Planning: wmdsl nodes and handoffs as BPMN nodes and flows ----------------------------------


def _plan(document: Document, workflow: Workflow, ids: _Ids, prefix: str | None) -> _Process:
    def make(kind: str, *names: str) -> str:
        return ids(kind, *([prefix] if prefix else []), *names)

    plan = _Process(workflow, {k: make(k) for k in _ROOT_IDS})
    lane_ids = _plan_lanes(plan, document, make)
    outgoing: dict[str, list[Handoff]] = defaultdict(list)
    incoming: dict[str, list[Handoff]] = defaultdict(list)
    for handoff in workflow.handoffs:
        outgoing[handoff.source.name].append(handoff)
        incoming[handoff.target.name].append(handoff)
    into: dict[str, str] = {}  # where handoffs to a node arrive: its merging gateway, or the node
    out_of: dict[str, str] = {}  # where handoffs from a node leave: its branching gateway, or the node
    forks: dict[str, str] = {}  # the parallel gateway of each fork
    choices: dict[str, int] = {}  # of each node: how many exclusive alternatives leave it
    models: list[ModelNode] = [*workflow.intakes, *workflow.stages, *workflow.joins, *workflow.exits]
    for model in models:
        kind, tag, size = _KINDS[type(model)]
        node = Node(make(kind, model.name), size, lane_ids[model.name])
        into[model.name] = out_of[model.name] = node.id
        # A join is itself the converging parallel gateway every handoff into it enters.
        if len(incoming[model.name]) > 1 and not isinstance(model, Join):
            into[model.name] = _gateway(plan, make, model.name, node, split=False)
        direction = "Converging" if isinstance(model, Join) else None
        plan.nodes.append(_NodePlan(node, tag, _name(model.label, model.name), model, direction))
        alternatives = _alternatives(outgoing[model.name])
        choices[model.name] = len(alternatives)
        if len(alternatives) > 1:
            out_of[model.name] = _gateway(plan, make, model.name, node, split=True)
        for branches in alternatives:
            if branches[0].fork is not None:
                forks[branches[0].fork] = _fork_gateway(plan, make, model.name, node)
        if isinstance(model, Intake):
            plan.messages[model.name] = (make("Message", model.name), ids(node.id, "message"))
    entered: set[str] = set()  # the forks whose parallel gateway has its flow in
    for handoff in workflow.handoffs:
        source, target = handoff.source.name, handoff.target.name
        exclusive = choices[source] > 1  # the handoff leaves an exclusive gateway
        start = out_of[source]
        if handoff.fork is not None:
            start = forks[handoff.fork]
            if handoff.fork not in entered:
                # The first branch of the fork: the one flow into its parallel gateway first.
                entered.add(handoff.fork)
                flow = Flow(make("Flow", source, "fork"), out_of[source], start)
                condition = _condition(handoff) if exclusive else None
                plan.flows.append(
                    _FlowPlan(flow, _branch_name(handoff) if exclusive else None, None, condition)
                )
            exclusive = False  # the branches leave the parallel gateway, unnamed and unconditional
        flow = Flow(make("Flow", source, target), start, into[target], handoff.rework)
        condition = _condition(handoff) if exclusive else None
        plan.flows.append(_FlowPlan(flow, _branch_name(handoff) if exclusive else None, handoff, condition))
    _complete_conditions(plan)
    return plan


def _condition(handoff: Handoff) -> str | None:
    """The ``when`` of ``handoff``, unless it is blank."""
    return handoff.condition if handoff.condition and handoff.condition.strip() else None


def _alternatives(handoffs: list[Handoff]) -> list[list[Handoff]]:
    """``handoffs`` (out of one node) as exclusive alternatives: a fork's branches are one, in order."""
    groups: dict[str, list[Handoff]] = {}
    for handoff in handoffs:
        groups.setdefault(handoff.fork or f"->{handoff.target.name}", []).append(handoff)
    return list(groups.values())


def _plan_lanes(plan: _Process, document: Document, make: Callable[..., str]) -> dict[str, str]:
    """Plan the lanes (in the order stages use them); return the lane id of every node."""
    workflow = plan.workflow
    lane_of = _node_lanes(workflow)
    lane_ids: dict[str, str] = {}
    declared: dict[str, Lane] = {}  # the first lane of each name, the workflow's before the shared ones
    for each in (*workflow.lanes, *document.shared.lanes):
        declared.setdefault(each.name, each)
    for name in dict.fromkeys([*(lane_of[s.name] for s in workflow.stages), *lane_of.values()]):
        lane = declared.get(name)
        lane_ids[name] = make("Lane", name or "unassigned")
        plan.lanes.append(_LanePlan(lane_ids[name], _name(lane.label, name) if lane else UNASSIGNED, lane))
    return {node: lane_ids[lane] for node, lane in lane_of.items()}


def _fork_gateway(plan: _Process, make: Callable[..., str], owner: str, node: Node) -> str:
    """Add the diverging parallel gateway of a fork out of ``node``; return its id."""
    gateway = make("Gateway", owner, "fork")
    plan.nodes.append(
        _NodePlan(Node(gateway, "gateway", node.lane), "parallelGateway", None, None, "Diverging")
    )
    return gateway


def _complete_conditions(plan: _Process) -> None:
    """Give each flow out of an exclusive gateway with conditions a condition, or make it the default.

    BPMN (and bpmnlint's ``conditional-flows``) wants each flow out of a gateway
    that has conditions to have one too, or to be the gateway's default flow: the
    first flow without a ``when`` becomes the default, and any other stands on its
    name (its label or chance), which is what the spec says of that route.
    """
    out: dict[str, list[_FlowPlan]] = defaultdict(list)
    for planned in plan.flows:
        out[planned.flow.source].append(planned)
    for node in plan.nodes:
        if node.tag != "exclusiveGateway" or not any(f.condition for f in out[node.node.id]):
            continue
        for planned in out[node.node.id]:
            if planned.condition:
                continue
            if node.default is None:
                node.default = planned.flow.id
            else:
                planned.name = planned.name or OTHERWISE
                planned.condition = planned.name


def _gateway(plan: _Process, make: Callable[..., str], owner: str, node: Node, split: bool) -> str:
    """Add the branching gateway after ``node`` or the merging one before it; return its id."""
    gateway = make("Gateway", owner, "split" if split else "join")
    name = f"{_name(plan.nodes[-1].name or owner, owner)} outcome?" if split else None
    direction = "Diverging" if split else "Converging"
    plan.nodes.append(
        _NodePlan(Node(gateway, "gateway", node.lane), "exclusiveGateway", name, None, direction)
    )
    flow = make("Flow", owner, "split" if split else "join")
    plan.flows.append(_FlowPlan(Flow(flow, node.id, gateway) if split else Flow(flow, gateway, node.id)))
    return gateway


def _node_lanes(workflow: Workflow) -> dict[str, str]:
    """The lane name of every node ("" for none): events and joins borrow the lane of a neighbouring stage."""
    lane_of = {stage.name: stage.lane.name if stage.lane else "" for stage in workflow.stages}
    first = next(iter(lane_of.values()), "")
    stages = set(lane_of)
    targets: dict[str, list[str]] = defaultdict(list)  # of the handoffs out of each node, in order
    sources: dict[str, list[str]] = defaultdict(list)  # of the handoffs into each node, in order
    for handoff in workflow.handoffs:
        targets[handoff.source.name].append(handoff.target.name)
        sources[handoff.target.name].append(handoff.source.name)
    for intake in workflow.intakes:
        after = targets[intake.name]
        lane_of[intake.name] = next((lane_of[name] for name in after if name in stages), first)
    for join in workflow.joins:
        # the first stage that hands work to it, else the first one it hands work to
        near = [name for name in (*sources[join.name], *targets[join.name]) if name in stages]
        lane_of[join.name] = lane_of[near[0]] if near else first
    for exit_ in workflow.exits:
        # the first stage, else the first intake or join
        before = sorted(sources[exit_.name], key=lambda name: name not in stages)
        lane_of[exit_.name] = next((lane_of[name] for name in before if name in lane_of), first)
    return lane_of


def _decisions(document: Document, workflow: Workflow) -> dict[str, Decision]:
    """The decision each name refers to: the workflow's first, else the first shared one."""
    found: dict[str, Decision] = {}
    for decision in (*workflow.decisions, *document.shared.decisions):
        found.setdefault(decision.name, decision)
    return found


def _unique(decisions: Iterable[Decision]) -> list[Decision]:
    """``decisions`` without the repeated ones, as ``dict.fromkeys`` keeps them.

    Model objects all hash alike, so a dict of many of them is quadratic; equal
    decisions have equal names, so comparing within a name is enough.
    """
    kept: dict[str, list[Decision]] = defaultdict(list)
    unique: list[Decision] = []
    for decision in decisions:
        same_name = kept[decision.name]
        if not any(decision is other or decision == other for other in same_name):
            same_name.append(decision)
            unique.append(decision)
    return unique


def _name(label: str, fallback: str) -> str:
    """A name a modeller can see: the title unless it is blank."""
    return label if label.strip() else fallback


def _branch_name(handoff: Handoff) -> str | None:
    """``condition (chance)`` (its label without a condition), or whichever of the two the handoff has."""
    said = [text for text in (_condition(handoff), handoff.label) if text and text.strip()]
    label = said[0] if said else None
    chance = handoff.chance.text if handoff.chance else None
    return f"{label} ({chance})" if label and chance else label or chance


# -- Semantic XML -----------------------------------------------------------------------------------


def _messages(definitions: ET.Element, plans: list[_Process]) -> None:
    """One message per intake, named uniquely in the document (bpmnlint's ``global`` rule)."""
    names = _Ids()
    for plan in plans:
        for intake in plan.workflow.intakes:
            attributes = {
                "id": plan.messages[intake.name][0],
                "name": names(_name(intake.label, intake.name)),
            }
            _sub(definitions, "bpmn:message", attributes)


def _collaboration(definitions: ET.Element, plan: _Process, document: Document) -> None:
    workflow = plan.workflow
    hours = f"Hours: {workflow_hours(document, workflow)}"
    collaboration = _sub(definitions, "bpmn:collaboration", {"id": plan.ids["Collaboration"]})
    name = _name(workflow.label, workflow.name)
    attributes = {"id": plan.ids["Participant"], "name": name, "processRef": plan.ids["Process"]}
    _documentation(_sub(collaboration, "bpmn:participant", attributes), *_lines(workflow), hours)


def _process(definitions: ET.Element, plan: _Process, document: Document) -> None:
    workflow = plan.workflow
    name = _name(workflow.label, workflow.name)
    attributes = {"id": plan.ids["Process"], "name": name, "isExecutable": "false"}
    process = _sub(definitions, "bpmn:process", attributes)
    named = _decisions(document, workflow)
    gates = [named.get(h.gate.name) for h in workflow.handoffs if h.gate]
    decisions = _unique([*workflow.decisions, *(d for d in gates if d is not None)])
    hours = workflow_hours(document, workflow)
    summary = _wm("workflow", name=workflow.name, owner=_value(workflow.owner), hours=hours)
    known = calendars(document, workflow)
    _extensions(process, summary, *(_decision_extension(d) for d in decisions))
    lane_set = _sub(process, "bpmn:laneSet", {"id": plan.ids["LaneSet"]})
    members: dict[str, list[str]] = defaultdict(list)  # node ids by lane id, in node order
    for node in plan.nodes:
        members[node.node.lane].append(node.node.id)
    for lane in plan.lanes:
        element = _sub(lane_set, "bpmn:lane", {"id": lane.id, "name": lane.name})
        if lane.model:
            own = hours_text(lane.model.hours, lane.model.calendar, known)
            _documentation(element, *_lines(lane.model), f"Hours: {own}" if own else None)
        for member in members[lane.id]:
            _sub(element, "bpmn:flowNodeRef", text=member)
    incoming: dict[str, list[str]] = defaultdict(list)  # flow ids by node id, in flow order
    outgoing: dict[str, list[str]] = defaultdict(list)
    for flow in plan.flows:
        incoming[flow.flow.target].append(flow.flow.id)
        outgoing[flow.flow.source].append(flow.flow.id)
    for node in plan.nodes:
        _flow_node(process, plan, node, incoming[node.node.id], outgoing[node.node.id])
    for flow in plan.flows:
        _sequence_flow(process, flow, named)


def _flow_node(
    process: ET.Element, plan: _Process, planned: _NodePlan, incoming: list[str], outgoing: list[str]
) -> None:
    node, model = planned.node, planned.model
    attributes = {
        "id": node.id,
        "name": planned.name,
        "gatewayDirection": planned.direction,
        "default": planned.default,
    }
    element = _sub(process, f"bpmn:{planned.tag}", attributes)
    if model is not None:
        _documentation(element, *_lines(model))
        kind, keys = _EXTENSIONS[type(model)]
        _extensions(element, _wm(kind, **{key: _value(getattr(model, key)) for key in keys}))
    for flow_id in incoming:
        _sub(element, "bpmn:incoming", text=flow_id)
    for flow_id in outgoing:
        _sub(element, "bpmn:outgoing", text=flow_id)
    if isinstance(model, Intake):
        message, definition = plan.messages[model.name]
        _sub(element, "bpmn:messageEventDefinition", {"id": definition, "messageRef": message})


def _sequence_flow(process: ET.Element, planned: _FlowPlan, named: dict[str, Decision]) -> None:
    flow, handoff = planned.flow, planned.handoff
    attributes = {"id": flow.id, "name": planned.name, "sourceRef": flow.source, "targetRef": flow.target}
    element = _sub(process, "bpmn:sequenceFlow", attributes)
    if handoff is not None:
        _handoff_details(element, handoff, named)
    if planned.condition is not None:
        _sub(element, "bpmn:conditionExpression", {XSI_TYPE: "bpmn:tFormalExpression"}, planned.condition)


def _handoff_details(element: ET.Element, handoff: Handoff, named: dict[str, Decision]) -> None:
    """The documentation and extension elements of the flow of ``handoff``."""
    decision = named.get(handoff.gate.name) if handoff.gate else None
    gate = None
    if handoff.gate:
        title = f"{decision.label} ({handoff.gate})" if decision else str(handoff.gate)
        gate = f"Gate: {title}" + (f": {_decision_summary(decision)}" if decision else "")
    rework = "Rework: loops back to earlier work" if handoff.rework else None
    fork = f"Parallel: one branch of the fork {handoff.fork}, all taken at once" if handoff.fork else None
    _documentation(element, *_lines(handoff), rework, fork, gate)
    keys = ("source", "target", "label", "condition", "chance", "sla", "rework", "fork")
    found = [_wm("handoff", **{key: _value(getattr(handoff, key)) for key in keys})]
    if handoff.gate:
        decides = _value(decision.decides) if decision else None
        heading = decision.label if decision else None
        found.append(_wm("gate", decision=handoff.gate.name, title=heading, decides=decides))
    _extensions(element, *found)


# What people read (documentation) and programs read (extension attributes) for each element.
_DOCUMENTED: dict[type, tuple[tuple[str, str], ...]] = {
    Workflow: (("Owner", "owner"), ("Purpose", "purpose")),
    Lane: (("Owner", "owner"), ("Delegate", "delegate"), ("Members", "members"), ("Purpose", "purpose")),
    Intake: (
        ("Owner", "owner"),
        ("Channel", "channel"),
        ("Accepts", "accepts"),
        ("Criteria", "criteria"),
        ("Arrivals", "arrivals"),
    ),
    Stage: (("Owner", "owner"), ("WIP limit", "wip"), ("Effort", "effort"), ("Definition of done", "done")),
    Join: (),
    Exit: (("Kind", "kind"),),
    Handoff: (("Label", "label"), ("Condition", "condition"), ("Chance", "chance"), ("SLA", "sla")),
}
_EXTENSIONS: dict[type, tuple[str, tuple[str, ...]]] = {
    Intake: ("intake", ("name", "owner", "arrivals")),
    Stage: ("stage", ("name", "lane", "owner", "wip", "effort")),
    Join: ("join", ("name",)),
    Exit: ("exit", ("name", "kind")),
}


def _lines(element: object) -> list[str | None]:
    """``Key: value`` lines for the attributes of ``element`` that are set, then its description."""
    lines: list[str | None] = []
    for key, attribute in _DOCUMENTED[type(element)]:
        value = _value(getattr(element, attribute), ", ")
        lines.append(f"{key}: {value}" if value else None)
    return [*lines, getattr(element, "description", None)]


def _value(value: object, separator: str = " ") -> str | None:
    """The written form of an attribute value (None when unset): as the spec says it."""
    if value is None or value is False or value == ():
        return None
    if value is True:
        return "true"
    if isinstance(value, tuple):
        return separator.join(v for v in (_value(item) for item in value) if v)
    if isinstance(value, Ref):
        return value.name
    if isinstance(value, Member):
        return f"{value.person} ({value.allocation.text})" if value.allocation else value.person.name
    if isinstance(value, Duration | Percent | Rate):
        return value.text
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)


def _documentation(element: ET.Element, *lines: str | None) -> None:
    text = "\n".join(line for line in lines if line)
    if text:
        _sub(element, "bpmn:documentation", text=text.replace("\r\n", "\n").replace("\r", "\n"))


def _extensions(element: ET.Element, *children: ET.Element) -> None:
    if children:
        _sub(element, "bpmn:extensionElements").extend(children)


def _wm(local: str, /, **attributes: str | None) -> ET.Element:
    return ET.Element(_tag(f"wm:{local}"), {k: v for k, v in attributes.items() if v is not None})


_ROLES = ("decides", "recommends", "approves", "consults", "informs")


def _decision_summary(decision: Decision) -> str:
    parts = [f"{role} {_value(getattr(decision, role), ', ')}" for role in _ROLES if getattr(decision, role)]
    for escalation in decision.escalates:
        after = f" after {escalation.after.text}" if escalation.after else ""
        parts.append(f"escalates to {escalation.to}{after}")
    if decision.delegate:
        parts.append(f"delegate {decision.delegate}")
    return "; ".join(parts)


def _decision_extension(decision: Decision) -> ET.Element:
    element = _wm("decision", name=decision.name, title=decision.title, delegate=_value(decision.delegate))
    for role in _ROLES:
        for ref in getattr(decision, role):
            element.append(_wm("role", kind=role, who=ref.name))
    for escalation in decision.escalates:
        element.append(_wm("escalation", to=escalation.to.name, after=_value(escalation.after)))
    return element


# -- Diagram interchange --------------------------------------------------------------------


def _diagram(definitions: ET.Element, plan: _Process, ids: _Ids) -> None:
    lanes = [lane.id for lane in plan.lanes]
    geometry = layout(lanes, [n.node for n in plan.nodes], [f.flow for f in plan.flows])
    name = _name(plan.workflow.label, plan.workflow.name)
    diagram = _sub(definitions, "bpmndi:BPMNDiagram", {"id": plan.ids["Diagram"], "name": name})
    attributes = {"id": plan.ids["Plane"], "bpmnElement": plan.ids["Collaboration"]}
    plane = _sub(diagram, "bpmndi:BPMNPlane", attributes)
    _shape(plane, ids, plan.ids["Participant"], geometry.pool, isHorizontal="true")
    for lane in plan.lanes:
        _shape(plane, ids, lane.id, geometry.lanes[lane.id], isHorizontal="true")
    for node in plan.nodes:
        marker = "true" if node.tag == "exclusiveGateway" else None
        _shape(plane, ids, node.node.id, geometry.shapes[node.node.id], isMarkerVisible=marker)
    for flow in plan.flows:
        _edge(plane, ids, flow.flow.id, geometry.edges[flow.flow.id])


def _shape(plane: ET.Element, ids: _Ids, element: str, box: Box, **flags: str | None) -> None:
    shape = _sub(plane, "bpmndi:BPMNShape", {"id": ids(element, "di"), "bpmnElement": element, **flags})
    bounds = {"x": box.x, "y": box.y, "width": box.width, "height": box.height}
    _sub(shape, "dc:Bounds", {key: str(value) for key, value in bounds.items()})


def _edge(plane: ET.Element, ids: _Ids, element: str, points: list[Point]) -> None:
    edge = _sub(plane, "bpmndi:BPMNEdge", {"id": ids(element, "di"), "bpmnElement": element})
    for x, y in points:
        _sub(edge, "di:waypoint", {"x": str(x), "y": str(y)})
