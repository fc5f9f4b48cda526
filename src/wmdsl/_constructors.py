"""Each model class's ``make``, written by `python -m wmdsl.constructors`. Do not edit."""

from __future__ import annotations

# fmt: off
from collections.abc import Callable, Mapping
from typing import Any

#: The fields each constructor was written for, by class.
FIELDS: dict[str, tuple[str, ...]] = {
    'Allow': ('span', 'code', 'reason'),
    'Board': ('span', 'name', 'title', 'description', 'allows', 'owner', 'shows', 'audience'),
    'Cadence': ('span', 'name', 'title', 'description', 'allows', 'owner', 'every', 'reviews'),
    'Decision': ('span', 'name', 'title', 'description', 'allows', 'decides', 'recommends', 'approves', 'consults', 'informs', 'escalates', 'delegate'),
    'Duration': ('span', 'text', 'hours'),
    'Element': ('span',),
    'Escalation': ('span', 'to', 'after'),
    'Exit': ('span', 'name', 'title', 'description', 'allows', 'kind'),
    'Handoff': ('span', 'source', 'target', 'label', 'gate', 'sla', 'chance', 'rework', 'allows'),
    'Intake': ('span', 'name', 'title', 'description', 'allows', 'owner', 'channel', 'accepts', 'criteria', 'arrivals'),
    'Lane': ('span', 'name', 'title', 'description', 'allows', 'owner', 'members', 'purpose', 'delegate'),
    'Member': ('span', 'person', 'allocation'),
    'Metric': ('span', 'name', 'title', 'description', 'allows', 'owner', 'start', 'end', 'target', 'throughput'),
    'Named': ('span', 'name', 'title', 'description', 'allows'),
    'Percent': ('span', 'text', 'fraction'),
    'Person': ('span', 'name', 'title', 'description', 'allows', 'capacity', 'kind'),
    'Rate': ('span', 'text', 'per_hour'),
    'Ref': ('span', 'name'),
    'Stage': ('span', 'name', 'title', 'description', 'allows', 'lane', 'owner', 'wip', 'effort', 'done'),
    'Target': ('span', 'within', 'percentile'),
    'WorkType': ('span', 'name', 'title', 'description', 'allows', 'kind', 'sle'),
    'Workflow': ('span', 'name', 'title', 'description', 'allows', 'owner', 'purpose', 'people', 'lanes', 'work', 'intakes', 'stages', 'exits', 'handoffs', 'decisions', 'boards', 'metrics', 'cadences'),
}


def _Allow(cls: type, defaults: Mapping[str, Any]) -> Callable[..., Any]:
    new = object.__new__
    set_span = cls.span.__set__  # type: ignore[attr-defined]
    set_code = cls.code.__set__  # type: ignore[attr-defined]
    set_reason = cls.reason.__set__  # type: ignore[attr-defined]

    def make(*, span: Any, code: Any, reason: Any) -> Any:
        self: Any = new(cls)
        set_span(self, span)
        set_code(self, code)
        set_reason(self, reason)
        return self

    return make


def _Board(cls: type, defaults: Mapping[str, Any]) -> Callable[..., Any]:
    new = object.__new__
    set_span = cls.span.__set__  # type: ignore[attr-defined]
    set_name = cls.name.__set__  # type: ignore[attr-defined]
    set_title = cls.title.__set__  # type: ignore[attr-defined]
    set_description = cls.description.__set__  # type: ignore[attr-defined]
    set_allows = cls.allows.__set__  # type: ignore[attr-defined]
    set_owner = cls.owner.__set__  # type: ignore[attr-defined]
    set_shows = cls.shows.__set__  # type: ignore[attr-defined]
    set_audience = cls.audience.__set__  # type: ignore[attr-defined]

    def make(*, span: Any, name: Any, title: Any = defaults['title'], description: Any = defaults['description'], allows: Any = defaults['allows'], owner: Any = defaults['owner'], shows: Any = defaults['shows'], audience: Any = defaults['audience']) -> Any:
        self: Any = new(cls)
        set_span(self, span)
        set_name(self, name)
        set_title(self, title)
        set_description(self, description)
        set_allows(self, allows)
        set_owner(self, owner)
        set_shows(self, shows)
        set_audience(self, audience)
        return self

    return make


def _Cadence(cls: type, defaults: Mapping[str, Any]) -> Callable[..., Any]:
    new = object.__new__
    set_span = cls.span.__set__  # type: ignore[attr-defined]
    set_name = cls.name.__set__  # type: ignore[attr-defined]
    set_title = cls.title.__set__  # type: ignore[attr-defined]
    set_description = cls.description.__set__  # type: ignore[attr-defined]
    set_allows = cls.allows.__set__  # type: ignore[attr-defined]
    set_owner = cls.owner.__set__  # type: ignore[attr-defined]
    set_every = cls.every.__set__  # type: ignore[attr-defined]
    set_reviews = cls.reviews.__set__  # type: ignore[attr-defined]

    def make(*, span: Any, name: Any, title: Any = defaults['title'], description: Any = defaults['description'], allows: Any = defaults['allows'], owner: Any = defaults['owner'], every: Any = defaults['every'], reviews: Any = defaults['reviews']) -> Any:
        self: Any = new(cls)
        set_span(self, span)
        set_name(self, name)
        set_title(self, title)
        set_description(self, description)
        set_allows(self, allows)
        set_owner(self, owner)
        set_every(self, every)
        set_reviews(self, reviews)
        return self

    return make


def _Decision(cls: type, defaults: Mapping[str, Any]) -> Callable[..., Any]:
    new = object.__new__
    set_span = cls.span.__set__  # type: ignore[attr-defined]
    set_name = cls.name.__set__  # type: ignore[attr-defined]
    set_title = cls.title.__set__  # type: ignore[attr-defined]
    set_description = cls.description.__set__  # type: ignore[attr-defined]
    set_allows = cls.allows.__set__  # type: ignore[attr-defined]
    set_decides = cls.decides.__set__  # type: ignore[attr-defined]
    set_recommends = cls.recommends.__set__  # type: ignore[attr-defined]
    set_approves = cls.approves.__set__  # type: ignore[attr-defined]
    set_consults = cls.consults.__set__  # type: ignore[attr-defined]
    set_informs = cls.informs.__set__  # type: ignore[attr-defined]
    set_escalates = cls.escalates.__set__  # type: ignore[attr-defined]
    set_delegate = cls.delegate.__set__  # type: ignore[attr-defined]

    def make(*, span: Any, name: Any, title: Any = defaults['title'], description: Any = defaults['description'], allows: Any = defaults['allows'], decides: Any = defaults['decides'], recommends: Any = defaults['recommends'], approves: Any = defaults['approves'], consults: Any = defaults['consults'], informs: Any = defaults['informs'], escalates: Any = defaults['escalates'], delegate: Any = defaults['delegate']) -> Any:
        self: Any = new(cls)
        set_span(self, span)
        set_name(self, name)
        set_title(self, title)
        set_description(self, description)
        set_allows(self, allows)
        set_decides(self, decides)
        set_recommends(self, recommends)
        set_approves(self, approves)
        set_consults(self, consults)
        set_informs(self, informs)
        set_escalates(self, escalates)
        set_delegate(self, delegate)
        return self

    return make


def _Duration(cls: type, defaults: Mapping[str, Any]) -> Callable[..., Any]:
    new = object.__new__
    set_span = cls.span.__set__  # type: ignore[attr-defined]
    set_text = cls.text.__set__  # type: ignore[attr-defined]
    set_hours = cls.hours.__set__  # type: ignore[attr-defined]

    def make(*, span: Any, text: Any, hours: Any) -> Any:
        self: Any = new(cls)
        set_span(self, span)
        set_text(self, text)
        set_hours(self, hours)
        return self

    return make


def _Element(cls: type, defaults: Mapping[str, Any]) -> Callable[..., Any]:
    new = object.__new__
    set_span = cls.span.__set__  # type: ignore[attr-defined]

    def make(*, span: Any) -> Any:
        self: Any = new(cls)
        set_span(self, span)
        return self

    return make


def _Escalation(cls: type, defaults: Mapping[str, Any]) -> Callable[..., Any]:
    new = object.__new__
    set_span = cls.span.__set__  # type: ignore[attr-defined]
    set_to = cls.to.__set__  # type: ignore[attr-defined]
    set_after = cls.after.__set__  # type: ignore[attr-defined]

    def make(*, span: Any, to: Any, after: Any = defaults['after']) -> Any:
        self: Any = new(cls)
        set_span(self, span)
        set_to(self, to)
        set_after(self, after)
        return self

    return make


def _Exit(cls: type, defaults: Mapping[str, Any]) -> Callable[..., Any]:
    new = object.__new__
    set_span = cls.span.__set__  # type: ignore[attr-defined]
    set_name = cls.name.__set__  # type: ignore[attr-defined]
    set_title = cls.title.__set__  # type: ignore[attr-defined]
    set_description = cls.description.__set__  # type: ignore[attr-defined]
    set_allows = cls.allows.__set__  # type: ignore[attr-defined]
    set_kind = cls.kind.__set__  # type: ignore[attr-defined]

    def make(*, span: Any, name: Any, title: Any = defaults['title'], description: Any = defaults['description'], allows: Any = defaults['allows'], kind: Any = defaults['kind']) -> Any:
        self: Any = new(cls)
        set_span(self, span)
        set_name(self, name)
        set_title(self, title)
        set_description(self, description)
        set_allows(self, allows)
        set_kind(self, kind)
        return self

    return make


def _Handoff(cls: type, defaults: Mapping[str, Any]) -> Callable[..., Any]:
    new = object.__new__
    set_span = cls.span.__set__  # type: ignore[attr-defined]
    set_source = cls.source.__set__  # type: ignore[attr-defined]
    set_target = cls.target.__set__  # type: ignore[attr-defined]
    set_label = cls.label.__set__  # type: ignore[attr-defined]
    set_gate = cls.gate.__set__  # type: ignore[attr-defined]
    set_sla = cls.sla.__set__  # type: ignore[attr-defined]
    set_chance = cls.chance.__set__  # type: ignore[attr-defined]
    set_rework = cls.rework.__set__  # type: ignore[attr-defined]
    set_allows = cls.allows.__set__  # type: ignore[attr-defined]

    def make(*, span: Any, source: Any, target: Any, label: Any = defaults['label'], gate: Any = defaults['gate'], sla: Any = defaults['sla'], chance: Any = defaults['chance'], rework: Any = defaults['rework'], allows: Any = defaults['allows']) -> Any:
        self: Any = new(cls)
        set_span(self, span)
        set_source(self, source)
        set_target(self, target)
        set_label(self, label)
        set_gate(self, gate)
        set_sla(self, sla)
        set_chance(self, chance)
        set_rework(self, rework)
        set_allows(self, allows)
        return self

    return make


def _Intake(cls: type, defaults: Mapping[str, Any]) -> Callable[..., Any]:
    new = object.__new__
    set_span = cls.span.__set__  # type: ignore[attr-defined]
    set_name = cls.name.__set__  # type: ignore[attr-defined]
    set_title = cls.title.__set__  # type: ignore[attr-defined]
    set_description = cls.description.__set__  # type: ignore[attr-defined]
    set_allows = cls.allows.__set__  # type: ignore[attr-defined]
    set_owner = cls.owner.__set__  # type: ignore[attr-defined]
    set_channel = cls.channel.__set__  # type: ignore[attr-defined]
    set_accepts = cls.accepts.__set__  # type: ignore[attr-defined]
    set_criteria = cls.criteria.__set__  # type: ignore[attr-defined]
    set_arrivals = cls.arrivals.__set__  # type: ignore[attr-defined]

    def make(*, span: Any, name: Any, title: Any = defaults['title'], description: Any = defaults['description'], allows: Any = defaults['allows'], owner: Any = defaults['owner'], channel: Any = defaults['channel'], accepts: Any = defaults['accepts'], criteria: Any = defaults['criteria'], arrivals: Any = defaults['arrivals']) -> Any:
        self: Any = new(cls)
        set_span(self, span)
        set_name(self, name)
        set_title(self, title)
        set_description(self, description)
        set_allows(self, allows)
        set_owner(self, owner)
        set_channel(self, channel)
        set_accepts(self, accepts)
        set_criteria(self, criteria)
        set_arrivals(self, arrivals)
        return self

    return make


def _Lane(cls: type, defaults: Mapping[str, Any]) -> Callable[..., Any]:
    new = object.__new__
    set_span = cls.span.__set__  # type: ignore[attr-defined]
    set_name = cls.name.__set__  # type: ignore[attr-defined]
    set_title = cls.title.__set__  # type: ignore[attr-defined]
    set_description = cls.description.__set__  # type: ignore[attr-defined]
    set_allows = cls.allows.__set__  # type: ignore[attr-defined]
    set_owner = cls.owner.__set__  # type: ignore[attr-defined]
    set_members = cls.members.__set__  # type: ignore[attr-defined]
    set_purpose = cls.purpose.__set__  # type: ignore[attr-defined]
    set_delegate = cls.delegate.__set__  # type: ignore[attr-defined]

    def make(*, span: Any, name: Any, title: Any = defaults['title'], description: Any = defaults['description'], allows: Any = defaults['allows'], owner: Any = defaults['owner'], members: Any = defaults['members'], purpose: Any = defaults['purpose'], delegate: Any = defaults['delegate']) -> Any:
        self: Any = new(cls)
        set_span(self, span)
        set_name(self, name)
        set_title(self, title)
        set_description(self, description)
        set_allows(self, allows)
        set_owner(self, owner)
        set_members(self, members)
        set_purpose(self, purpose)
        set_delegate(self, delegate)
        return self

    return make


def _Member(cls: type, defaults: Mapping[str, Any]) -> Callable[..., Any]:
    new = object.__new__
    set_span = cls.span.__set__  # type: ignore[attr-defined]
    set_person = cls.person.__set__  # type: ignore[attr-defined]
    set_allocation = cls.allocation.__set__  # type: ignore[attr-defined]

    def make(*, span: Any, person: Any, allocation: Any = defaults['allocation']) -> Any:
        self: Any = new(cls)
        set_span(self, span)
        set_person(self, person)
        set_allocation(self, allocation)
        return self

    return make


def _Metric(cls: type, defaults: Mapping[str, Any]) -> Callable[..., Any]:
    new = object.__new__
    set_span = cls.span.__set__  # type: ignore[attr-defined]
    set_name = cls.name.__set__  # type: ignore[attr-defined]
    set_title = cls.title.__set__  # type: ignore[attr-defined]
    set_description = cls.description.__set__  # type: ignore[attr-defined]
    set_allows = cls.allows.__set__  # type: ignore[attr-defined]
    set_owner = cls.owner.__set__  # type: ignore[attr-defined]
    set_start = cls.start.__set__  # type: ignore[attr-defined]
    set_end = cls.end.__set__  # type: ignore[attr-defined]
    set_target = cls.target.__set__  # type: ignore[attr-defined]
    set_throughput = cls.throughput.__set__  # type: ignore[attr-defined]

    def make(*, span: Any, name: Any, title: Any = defaults['title'], description: Any = defaults['description'], allows: Any = defaults['allows'], owner: Any = defaults['owner'], start: Any = defaults['start'], end: Any = defaults['end'], target: Any = defaults['target'], throughput: Any = defaults['throughput']) -> Any:
        self: Any = new(cls)
        set_span(self, span)
        set_name(self, name)
        set_title(self, title)
        set_description(self, description)
        set_allows(self, allows)
        set_owner(self, owner)
        set_start(self, start)
        set_end(self, end)
        set_target(self, target)
        set_throughput(self, throughput)
        return self

    return make


def _Named(cls: type, defaults: Mapping[str, Any]) -> Callable[..., Any]:
    new = object.__new__
    set_span = cls.span.__set__  # type: ignore[attr-defined]
    set_name = cls.name.__set__  # type: ignore[attr-defined]
    set_title = cls.title.__set__  # type: ignore[attr-defined]
    set_description = cls.description.__set__  # type: ignore[attr-defined]
    set_allows = cls.allows.__set__  # type: ignore[attr-defined]

    def make(*, span: Any, name: Any, title: Any = defaults['title'], description: Any = defaults['description'], allows: Any = defaults['allows']) -> Any:
        self: Any = new(cls)
        set_span(self, span)
        set_name(self, name)
        set_title(self, title)
        set_description(self, description)
        set_allows(self, allows)
        return self

    return make


def _Percent(cls: type, defaults: Mapping[str, Any]) -> Callable[..., Any]:
    new = object.__new__
    set_span = cls.span.__set__  # type: ignore[attr-defined]
    set_text = cls.text.__set__  # type: ignore[attr-defined]
    set_fraction = cls.fraction.__set__  # type: ignore[attr-defined]

    def make(*, span: Any, text: Any, fraction: Any) -> Any:
        self: Any = new(cls)
        set_span(self, span)
        set_text(self, text)
        set_fraction(self, fraction)
        return self

    return make


def _Person(cls: type, defaults: Mapping[str, Any]) -> Callable[..., Any]:
    new = object.__new__
    set_span = cls.span.__set__  # type: ignore[attr-defined]
    set_name = cls.name.__set__  # type: ignore[attr-defined]
    set_title = cls.title.__set__  # type: ignore[attr-defined]
    set_description = cls.description.__set__  # type: ignore[attr-defined]
    set_allows = cls.allows.__set__  # type: ignore[attr-defined]
    set_capacity = cls.capacity.__set__  # type: ignore[attr-defined]
    set_kind = cls.kind.__set__  # type: ignore[attr-defined]

    def make(*, span: Any, name: Any, title: Any = defaults['title'], description: Any = defaults['description'], allows: Any = defaults['allows'], capacity: Any = defaults['capacity'], kind: Any = defaults['kind']) -> Any:
        self: Any = new(cls)
        set_span(self, span)
        set_name(self, name)
        set_title(self, title)
        set_description(self, description)
        set_allows(self, allows)
        set_capacity(self, capacity)
        set_kind(self, kind)
        return self

    return make


def _Rate(cls: type, defaults: Mapping[str, Any]) -> Callable[..., Any]:
    new = object.__new__
    set_span = cls.span.__set__  # type: ignore[attr-defined]
    set_text = cls.text.__set__  # type: ignore[attr-defined]
    set_per_hour = cls.per_hour.__set__  # type: ignore[attr-defined]

    def make(*, span: Any, text: Any, per_hour: Any) -> Any:
        self: Any = new(cls)
        set_span(self, span)
        set_text(self, text)
        set_per_hour(self, per_hour)
        return self

    return make


def _Ref(cls: type, defaults: Mapping[str, Any]) -> Callable[..., Any]:
    new = object.__new__
    set_span = cls.span.__set__  # type: ignore[attr-defined]
    set_name = cls.name.__set__  # type: ignore[attr-defined]

    def make(*, span: Any, name: Any) -> Any:
        self: Any = new(cls)
        set_span(self, span)
        set_name(self, name)
        return self

    return make


def _Stage(cls: type, defaults: Mapping[str, Any]) -> Callable[..., Any]:
    new = object.__new__
    set_span = cls.span.__set__  # type: ignore[attr-defined]
    set_name = cls.name.__set__  # type: ignore[attr-defined]
    set_title = cls.title.__set__  # type: ignore[attr-defined]
    set_description = cls.description.__set__  # type: ignore[attr-defined]
    set_allows = cls.allows.__set__  # type: ignore[attr-defined]
    set_lane = cls.lane.__set__  # type: ignore[attr-defined]
    set_owner = cls.owner.__set__  # type: ignore[attr-defined]
    set_wip = cls.wip.__set__  # type: ignore[attr-defined]
    set_effort = cls.effort.__set__  # type: ignore[attr-defined]
    set_done = cls.done.__set__  # type: ignore[attr-defined]

    def make(*, span: Any, name: Any, title: Any = defaults['title'], description: Any = defaults['description'], allows: Any = defaults['allows'], lane: Any = defaults['lane'], owner: Any = defaults['owner'], wip: Any = defaults['wip'], effort: Any = defaults['effort'], done: Any = defaults['done']) -> Any:
        self: Any = new(cls)
        set_span(self, span)
        set_name(self, name)
        set_title(self, title)
        set_description(self, description)
        set_allows(self, allows)
        set_lane(self, lane)
        set_owner(self, owner)
        set_wip(self, wip)
        set_effort(self, effort)
        set_done(self, done)
        return self

    return make


def _Target(cls: type, defaults: Mapping[str, Any]) -> Callable[..., Any]:
    new = object.__new__
    set_span = cls.span.__set__  # type: ignore[attr-defined]
    set_within = cls.within.__set__  # type: ignore[attr-defined]
    set_percentile = cls.percentile.__set__  # type: ignore[attr-defined]

    def make(*, span: Any, within: Any, percentile: Any) -> Any:
        self: Any = new(cls)
        set_span(self, span)
        set_within(self, within)
        set_percentile(self, percentile)
        return self

    return make


def _WorkType(cls: type, defaults: Mapping[str, Any]) -> Callable[..., Any]:
    new = object.__new__
    set_span = cls.span.__set__  # type: ignore[attr-defined]
    set_name = cls.name.__set__  # type: ignore[attr-defined]
    set_title = cls.title.__set__  # type: ignore[attr-defined]
    set_description = cls.description.__set__  # type: ignore[attr-defined]
    set_allows = cls.allows.__set__  # type: ignore[attr-defined]
    set_kind = cls.kind.__set__  # type: ignore[attr-defined]
    set_sle = cls.sle.__set__  # type: ignore[attr-defined]

    def make(*, span: Any, name: Any, title: Any = defaults['title'], description: Any = defaults['description'], allows: Any = defaults['allows'], kind: Any = defaults['kind'], sle: Any = defaults['sle']) -> Any:
        self: Any = new(cls)
        set_span(self, span)
        set_name(self, name)
        set_title(self, title)
        set_description(self, description)
        set_allows(self, allows)
        set_kind(self, kind)
        set_sle(self, sle)
        return self

    return make


def _Workflow(cls: type, defaults: Mapping[str, Any]) -> Callable[..., Any]:
    new = object.__new__
    set_span = cls.span.__set__  # type: ignore[attr-defined]
    set_name = cls.name.__set__  # type: ignore[attr-defined]
    set_title = cls.title.__set__  # type: ignore[attr-defined]
    set_description = cls.description.__set__  # type: ignore[attr-defined]
    set_allows = cls.allows.__set__  # type: ignore[attr-defined]
    set_owner = cls.owner.__set__  # type: ignore[attr-defined]
    set_purpose = cls.purpose.__set__  # type: ignore[attr-defined]
    set_people = cls.people.__set__  # type: ignore[attr-defined]
    set_lanes = cls.lanes.__set__  # type: ignore[attr-defined]
    set_work = cls.work.__set__  # type: ignore[attr-defined]
    set_intakes = cls.intakes.__set__  # type: ignore[attr-defined]
    set_stages = cls.stages.__set__  # type: ignore[attr-defined]
    set_exits = cls.exits.__set__  # type: ignore[attr-defined]
    set_handoffs = cls.handoffs.__set__  # type: ignore[attr-defined]
    set_decisions = cls.decisions.__set__  # type: ignore[attr-defined]
    set_boards = cls.boards.__set__  # type: ignore[attr-defined]
    set_metrics = cls.metrics.__set__  # type: ignore[attr-defined]
    set_cadences = cls.cadences.__set__  # type: ignore[attr-defined]

    def make(*, span: Any, name: Any, title: Any = defaults['title'], description: Any = defaults['description'], allows: Any = defaults['allows'], owner: Any = defaults['owner'], purpose: Any = defaults['purpose'], people: Any = defaults['people'], lanes: Any = defaults['lanes'], work: Any = defaults['work'], intakes: Any = defaults['intakes'], stages: Any = defaults['stages'], exits: Any = defaults['exits'], handoffs: Any = defaults['handoffs'], decisions: Any = defaults['decisions'], boards: Any = defaults['boards'], metrics: Any = defaults['metrics'], cadences: Any = defaults['cadences']) -> Any:
        self: Any = new(cls)
        set_span(self, span)
        set_name(self, name)
        set_title(self, title)
        set_description(self, description)
        set_allows(self, allows)
        set_owner(self, owner)
        set_purpose(self, purpose)
        set_people(self, people)
        set_lanes(self, lanes)
        set_work(self, work)
        set_intakes(self, intakes)
        set_stages(self, stages)
        set_exits(self, exits)
        set_handoffs(self, handoffs)
        set_decisions(self, decisions)
        set_boards(self, boards)
        set_metrics(self, metrics)
        set_cadences(self, cadences)
        return self

    return make



MAKERS: dict[str, Callable[[type, Mapping[str, Any]], Callable[..., Any]]] = {
    'Allow': _Allow,
    'Board': _Board,
    'Cadence': _Cadence,
    'Decision': _Decision,
    'Duration': _Duration,
    'Element': _Element,
    'Escalation': _Escalation,
    'Exit': _Exit,
    'Handoff': _Handoff,
    'Intake': _Intake,
    'Lane': _Lane,
    'Member': _Member,
    'Metric': _Metric,
    'Named': _Named,
    'Percent': _Percent,
    'Person': _Person,
    'Rate': _Rate,
    'Ref': _Ref,
    'Stage': _Stage,
    'Target': _Target,
    'WorkType': _WorkType,
    'Workflow': _Workflow,
}
