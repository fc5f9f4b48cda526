"""Humanity over Tools: people are not overloaded, single points of failure or replaced by tools.

The people checks count across the whole document: every lane once (shared
lanes and each workflow's own) and every decision once, because a person's
week and attention are one, whichever workflow asks for them. A finding
about a person is placed at their ``person`` declaration and points at the
memberships or decisions behind it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from wmdsl.diagnostics import Related, codes
from wmdsl.flow.load import PooledPerson
from wmdsl.model import (
    Board,
    Cadence,
    Intake,
    Member,
    Metric,
    Named,
    Person,
    PersonKind,
    Ref,
    Stage,
    Workflow,
)
from wmdsl.rules.flow.pooled import SHOWN, by_workflow, fte, percent, plural, stage_notes, threshold_at
from wmdsl.rules.registry import (
    Finding,
    Group,
    Option,
    Options,
    ProjectContext,
    RuleContext,
    project_rule,
    rule,
    subjects,
    workflow_key,
)
from wmdsl.rules.wording import listed

# Shares are written as whole or decimal percentages; this absorbs float noise.
_EPSILON = 1e-9


@dataclass(slots=True)
class _Membership:
    """One person in one lane, with where it is written.

    This and :class:`_Accountable` are not frozen, as the rules make one per
    member and per owner (see :mod:`wmdsl.model.span` for why).
    """

    workflow: Workflow | None
    lane: str
    member: Member


def _declarations(ctx: RuleContext) -> dict[str, tuple[Workflow | None, Person]]:
    """Every person by handle with the workflow declaring them (shared ones win)."""
    found: dict[str, tuple[Workflow | None, Person]] = {}
    for person in ctx.document.shared.people:
        found.setdefault(person.name, (None, person))
    for workflow in ctx.workflows:
        for person in workflow.people:
            found.setdefault(person.name, (workflow, person))
    return found


def _memberships(ctx: RuleContext) -> dict[str, list[_Membership]]:
    """Every lane membership by handle, each lane counted once."""
    result: dict[str, list[_Membership]] = defaultdict(list)
    for workflow, lane in ctx.lanes():
        for member in lane.members:
            result[member.person.name].append(_Membership(workflow, lane.name, member))
    return result


def _person_finding(
    ctx: RuleContext,
    handle: str,
    message: str,
    hint: str,
    involved: list[tuple[Workflow | None, Related]],
) -> Finding:
    """A finding about a person, at their declaration, covering the workflows involved."""
    workflow, person = _declarations(ctx).get(handle, (None, None))
    keys = list(subjects("person", person, workflow))
    for where, _ in involved:
        if where is not None and workflow_key(where) not in keys:
            keys.append(workflow_key(where))
    span = person.span if person is not None else involved[0][1].span
    related = tuple(note for _, note in involved[:_RELATED])
    return Finding(span, message, hint, tuple(keys), related)


# Long lists are cut short in messages (wording.listed); the related notes point at the first places.
_RELATED = 10


def _percent(fraction: float) -> str:
    return f"{fraction * 100:.4g}%"


@rule(
    codes.OVERALLOCATED_PERSON,
    """
    A plan that needs more of someone than they have is a plan that burns them
    out, and the flow numbers built on it are fiction. The shares after a
    handle in `members` (`@ana 60%`) are fractions of that person's capacity
    (`capacity`, in FTE); a member listed without a share gets an equal part
    of whatever the explicit shares leave, so only explicit shares can add up
    past 100%. Every lane of the document counts once, shared ones included.
    """,
    bad="""
person @ana "Ana Lima"
person @bo "Bo Berg"
lane support "Support" { owner @ana; members @ana 80%, @bo }
lane billing "Billing" { owner @bo; members @bo, @ana 50% }
""",
    fix=(
        ("@ana 80%", "@ana 60%"),
        ("@ana 50%", "@ana 40%"),
    ),
)
def overallocated_person(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    places = [_Membership(w, lane.name, member) for w, lane in ctx.lanes() for member in lane.members]
    explicit: dict[str, list[tuple[_Membership, float]]] = defaultdict(list)
    # The allocations follow the lanes in the same order as ctx.lanes().
    for place, allocation in zip(places, ctx.allocations(), strict=True):
        if allocation.explicit:
            explicit[allocation.person].append((place, allocation.share))
    people = {handle: person for handle, (_, person) in _declarations(ctx).items()}
    for handle, shares in explicit.items():
        total = sum(share for _, share in shares)
        if total <= 1.0 + _EPSILON:
            continue
        parts = [f"{_percent(share)} to lane `{place.lane}`" for place, share in shares]
        capacity = people[handle].capacity if handle in people else 1.0
        of = "their capacity" if capacity == 1.0 else f"their {capacity:g} FTE"
        yield _person_finding(
            ctx,
            handle,
            f"`{handle}` is allocated {_percent(total)} of {of}: {listed(parts, quoted=False)}",
            f"lower the shares after `{handle}` in `members` so that they add up to 100% at most, "
            f"or take `{handle}` out of one of these lanes",
            [
                (place.workflow, Related(place.member.span, part))
                for (place, _), part in zip(shares, parts, strict=True)
            ],
        )


@rule(
    codes.SPREAD_THIN,
    """
    Every lane a person belongs to brings its own queue, meetings and
    priorities; past two, they spend their week switching context and every
    team waits on them. A person should have a home lane and help in few
    others. Memberships are counted whatever their share, and each lane of
    the document counts once (shared lanes and each workflow's own).
    """,
    options=(Option("max_lanes", int, 2, "How many lanes one person may be a member of."),),
    bad="""
person @ana "Ana Lima"; person @bo "Bo Berg"; person @cy "Cy Diaz"; person @di "Di Wong"
lane support "Support" { owner @bo; members @bo, @ana }
lane billing "Billing" { owner @cy; members @cy, @ana }
lane onboarding "Onboarding" { owner @di; members @di, @ana }
""",
    fix=(("@di, @ana", "@di, @bo"),),
)
def spread_thin(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    most = int(options["max_lanes"])
    for handle, memberships in _memberships(ctx).items():
        if len(memberships) <= most:
            continue
        lanes = [m.lane for m in memberships]
        yield _person_finding(
            ctx,
            handle,
            f"`{handle}` is a member of {len(lanes)} lanes ({listed(lanes)}); "
            f"more than {most} spreads them thin",
            f"keep `{handle}` in at most {most} lanes: a home lane and the one they help most, "
            f"and take them out of `members` in the others",
            [(m.workflow, Related(m.member.span, f"member of lane `{m.lane}`")) for m in memberships],
        )


@rule(
    codes.DECISION_BOTTLENECK_PERSON,
    """
    When one person decides everything, every traffic signal turns red while
    they are busy, ill or on holiday, and the people doing the work never
    learn to decide. Decisions belong with the people closest to the work;
    the busy person can still approve, be consulted, or be where the
    decisions escalate. Only decisions a person decides in their own name
    count, not those decided by a lane they belong to.
    """,
    options=(Option("max", int, 3, "How many decisions one person may decide."),),
    bad="""
person @dana "Dana Ruiz"
person @lee "Lee Chen"
decision scope "Approve scope" { decides @dana; recommends @lee }
decision budget "Approve budget" { decides @dana }
decision hire "Approve a hire" { decides @dana }
decision release "Approve a release" { decides @dana; consults @lee }
""",
    fix=(
        ("{ decides @dana; recommends @lee }", "{ decides @lee; escalates @dana }"),
        ("{ decides @dana; consults @lee }", "{ decides @lee; consults @dana }"),
    ),
)
def decision_bottleneck_person(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    most = int(options["max"])
    decided: dict[str, list[tuple[Workflow | None, Named]]] = defaultdict(list)
    for workflow, decision in ctx.decisions():
        for handle in dict.fromkeys(ref.name for ref in decision.decides if ref.is_person):
            decided[handle].append((workflow, decision))
    for handle, decisions in decided.items():
        if len(decisions) <= most:
            continue
        names = [d.name for _, d in decisions]
        yield _person_finding(
            ctx,
            handle,
            f"`{handle}` decides {len(names)} decisions ({listed(names)}); more than {most} "
            "makes them a bottleneck",
            f"hand some of these decisions to the people closest to the work (`decides @someone`) "
            f"and keep `{handle}` as `approves`, `consults` or the escalation (`escalates {handle}`)",
            [(w, Related(d.span, f"decided by `{handle}`")) for w, d in decisions],
        )


@dataclass(slots=True)
class _Accountable:
    """A reference to whoever answers for an element: its owner, decider or delegate."""

    workflow: Workflow | None
    kind: str
    element: Named | None  # None: the workflow itself
    role: str
    ref: Ref

    @property
    def described(self) -> str:
        if self.element is None:
            return f"workflow `{self.workflow.name if self.workflow else ''}`"
        return f"{self.kind} `{self.element.name}`"


def _accountable(ctx: RuleContext) -> Iterator[_Accountable]:
    """Every owner, decider and delegate reference in the document."""
    for workflow in ctx.workflows:
        if workflow.owner is not None:
            yield _Accountable(workflow, "workflow", None, "owner", workflow.owner)
        owned: list[tuple[str, tuple[Intake | Stage | Board | Metric | Cadence, ...]]] = [
            ("intake", workflow.intakes),
            ("stage", workflow.stages),
            ("board", workflow.boards),
            ("metric", workflow.metrics),
            ("cadence", workflow.cadences),
        ]
        for kind, elements in owned:
            for element in elements:
                if element.owner is not None:
                    yield _Accountable(workflow, kind, element, "owner", element.owner)
    for lane_workflow, lane in ctx.lanes():
        for role, ref in (("owner", lane.owner), ("delegate", lane.delegate)):
            if ref is not None:
                yield _Accountable(lane_workflow, "lane", lane, role, ref)
    for decision_workflow, decision in ctx.decisions():
        for ref in decision.decides:
            yield _Accountable(decision_workflow, "decision", decision, "decider", ref)
        if decision.delegate is not None:
            yield _Accountable(decision_workflow, "decision", decision, "delegate", decision.delegate)


@rule(
    codes.TOOL_AS_OWNER,
    """
    Accountability is a human commitment: a ticket queue, a bot or a chat
    channel cannot weigh priorities, say no, or be asked why. Tools belong
    where the work happens — a bot can be a lane member or `recommends` a
    decision, a channel is an intake's `channel` — while a person or a lane
    owns each workflow, lane, intake, stage, board, metric and cadence,
    decides each decision and stands in as its delegate. Escalating to a
    channel or a pager is fine: that is how a person is reached.
    """,
    bad="""
person @ana "Ana Lima"
person @helpdesk "Helpdesk bot" { kind bot }
lane support "Support" { owner @helpdesk; members @ana }
""",
    fix=(("{ owner @helpdesk; members @ana }", "{ owner @ana; members @ana, @helpdesk }"),),
)
def tool_as_owner(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for entry in _accountable(ctx):
        person = ctx.people_table(entry.workflow).get(entry.ref.name) if entry.ref.is_person else None
        if person is None or person.kind is PersonKind.HUMAN:
            continue
        nature, who = person.kind.value, f"`{entry.ref.name}`"
        if entry.role == "decider":
            message = f"{entry.described} is decided by {who}, a {nature}, not a person"
            hint = (
                f"make a person or a lane the decider, and let {who} recommend instead "
                f"(`recommends {entry.ref.name}`)"
            )
        else:
            message = f"the {entry.role} of {entry.described} is {who}, a {nature}, not a person"
            hint = f"make a person or a lane the {entry.role}: a {nature} cannot answer for it"
        if person.kind is PersonKind.CHANNEL and entry.kind == "intake":
            hint += '; name the channel in `channel "…"` instead'
        yield Finding(entry.ref.span, message, hint, subjects(entry.kind, entry.element, entry.workflow))


@rule(
    codes.SINGLE_POINT_OF_FAILURE,
    """
    People get ill, take holidays and change jobs. A lane of one person stops
    when they are away, and a decision only one person may make waits for
    them; the work system should plan for that instead of finding out. A
    `delegate` (someone who stands in) or a second member removes the single
    point of failure. A decision decided by a lane depends on the lane's
    members, so only decisions decided by a person count; a delegate who is
    the same person as the only member or decider does not count.
    """,
    bad="""
person @kim "Kim Park"
person @raj "Raj Patel"
lane qa "Quality" { owner @kim; members @kim }
""",
    fix=(("members @kim }", "members @kim; delegate @raj }"),),
    group=Group(
        "lanes and decisions depend on one person with no delegate",
        "add `delegate @someone` to each (who keeps it going when that person is away), "
        "or a second member to a lane",
    ),
)
def single_point_of_failure(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    # Only people are away: a bot or a tool in the role is HUM004's business, not this one's.

    def human(workflow: Workflow | None, handle: str) -> bool:
        person = ctx.people_table(workflow).get(handle)
        return person is None or person.kind is PersonKind.HUMAN

    for workflow, lane in ctx.lanes():
        if len(lane.members) != 1:
            continue
        only = lane.members[0].person.name
        if not human(workflow, only):
            continue
        if lane.delegate is not None and lane.delegate.name != only:
            continue
        yield Finding(
            lane.span,
            f"lane `{lane.name}` depends on one person, `{only}`, {_no_delegate(lane.delegate)}",
            f"add `delegate {_stand_in(ctx, workflow, lane.owner, only)}` "
            f"to lane `{lane.name}` (who keeps it running when `{only}` "
            "is away), or a second member",
            subjects("lane", lane, workflow),
        )
    for workflow, decision in ctx.decisions():
        if len(decision.decides) != 1 or not decision.decides[0].is_person:
            continue
        only = decision.decides[0].name
        if decision.delegate is not None and decision.delegate.name != only:
            continue
        if not human(workflow, only):
            continue
        yield Finding(
            decision.span,
            f"decision `{decision.name}` is decided by `{only}` alone, {_no_delegate(decision.delegate)}",
            f"add `delegate {_stand_in(ctx, workflow, decision.recommends, only)}` "
            f"to decision `{decision.name}`: who decides when `{only}` is away",
            subjects("decision", decision, workflow),
        )


def _stand_in(
    ctx: RuleContext, workflow: Workflow | None, prefer: Ref | tuple[Ref, ...] | None, only: str
) -> str:
    """Who could stand in for ``only``: one of ``prefer`` if a person, else someone else in scope."""
    refs = prefer if isinstance(prefer, tuple) else (prefer,) if prefer is not None else ()
    return ctx.someone(workflow, prefer=[ref.name for ref in refs], besides=[only])


def _no_delegate(delegate: Ref | None) -> str:
    return "with no delegate" if delegate is None else f"and its delegate is `{delegate.name}` too"


@rule(
    codes.TEAM_SIZE,
    """
    A team of one or two cannot cover an absence or review its own work; a
    team of more than about nine people spends its time coordinating, and
    splits informally anyway. Members are counted as heads, not FTE: the
    number of people who must talk to each other is what grows. This rule is
    off in the recommended preset (enable it with `select` or `strict`):
    small specs, one-person roles and service lanes are often deliberate,
    and HUM005 already flags the lanes where one absence stops the work.
    """,
    options=(
        Option("min", int, 3, "Fewest members a lane should have."),
        Option("max", int, 9, "Most members a lane should have."),
    ),
    bad="""
person @ana "Ana Lima"
person @bo "Bo Berg"
lane support "Support" { owner @ana; members @ana, @bo }
""",
    fix=(
        ('person @bo "Bo Berg"\n', 'person @bo "Bo Berg"\nperson @cy "Cy Diaz"\n'),
        ("members @ana, @bo }", "members @ana, @bo, @cy }"),
    ),
    recommended=False,
)
def team_size(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    fewest, most = int(options["min"]), int(options["max"])
    for workflow, lane in ctx.lanes():
        size = len(lane.members)
        if size < fewest:
            counted = "no members" if size == 0 else f"{size} member{'s' if size > 1 else ''}"
            message = f"lane `{lane.name}` has {counted}; a team needs at least {fewest}"
            hint = (
                f"add members to lane `{lane.name}`, or merge it with the lane it works with most; "
                f'if it is a one-person role on purpose, say so with `allow HUM006 "…"`'
            )
        elif size > most:
            message = f"lane `{lane.name}` has {size} members; more than {most} is several teams"
            hint = f"split lane `{lane.name}` into lanes of at most {most} around the work each does"
        else:
            continue
        yield Finding(lane.span, message, hint, subjects("lane", lane, workflow))


PEOPLE_LOAD = """
person @erik "Erik Johansson"
person @chen "Chen Hao"
lane platform "Platform" {{ owner @erik; members @erik, @chen }}

workflow delivery "Delivery" {{
  owner @erik
  intake releases "Releases" {{ owner @erik; arrivals 3 per week }}
  stage approve "Approve release" {{ owner @erik; wip 1; effort {approve} }}
  stage build "Build" in platform {{ wip 2; effort 1d }}
  exit shipped "Shipped"
  exit dropped "Dropped" {{ kind rejected }}
  releases -> approve
  approve -> build
  build -> shipped
  build -> dropped {{ chance 10% }}
  approve -> dropped {{ chance 10% }}
}}

workflow it_ops "IT operations" {{
  owner @erik
  intake incidents "Incidents" {{ owner @chen; arrivals 3 per week }}
  stage restore "Restore service" in platform {{ wip 2; effort 1d }}
  exit restored "Restored"
  exit closed "Closed" {{ kind rejected }}
  incidents -> restore
  restore -> restored
  restore -> closed {{ chance 10% }}
}}
"""


# Parts of a person's load named in a message, at most, and stages named of each when there are several.
_PARTS = 3
_PART_STAGES = 2


def _parts(person: PooledPerson) -> str:
    """``lane `platform` 1.14 (`delivery`: build 0.54; `it_ops`: restore 0.6); stages they own 0.6 (…)``.

    The largest parts first; a part names its busiest stages (each with the
    person's share of its load).
    """
    parts = sorted(person.parts, key=lambda part: -part.load)
    most = SHOWN if len(parts) == 1 else _PART_STAGES
    shown = []
    for part in parts[:_PARTS]:
        if part.lane is None:
            stages = by_workflow(part.busiest, len(part.stages), most=most)
            shown.append(f"stages they own {fte(part.load)} ({stages})")
        else:
            stages = by_workflow(part.busiest, len(part.stages), part.fte / part.lane.fte, most)
            shown.append(f"lane `{part.lane.lane.name}` {fte(part.load)} ({stages})")
    more = len(parts) - _PARTS
    return "; ".join(shown) + (f"; … {more} more" if more > 0 else "")


def _part_notes(person: PooledPerson) -> tuple[Related, ...]:
    notes: list[Related] = []
    for part in person.parts:
        if part.lane is not None and part.member is not None:
            notes.append(
                Related(
                    part.member, f"member of lane `{part.lane.lane.name}`: {fte(part.load)} FTE of its work"
                )
            )
        else:
            notes.extend(stage_notes(part.busiest))
    return tuple(notes[:_RELATED])


def _pooled_people(ctx: ProjectContext) -> Iterator[tuple[PooledPerson, float]]:
    """Every person whose load comes from more than one lane or workflow, with their utilisation.

    A person whose whole load is one lane in one workflow is left to the
    lane's own findings (FLW006, FLW015), which say the same thing.
    """
    for person in ctx.pool().people:
        rho = person.utilisation
        if rho is None or (len(person.parts) < 2 and len(person.workflows) < 2):
            continue
        yield person, rho


def _load_message(person: PooledPerson, rho: float, tail: str) -> str:
    least = "at least " if person.unknown else ""
    handle = person.person.handle
    return (
        f"`{handle}` is asked for {least}{fte(person.load)} FTE of work in "
        f"{plural(len(person.workflows), 'workflow')} and has {fte(person.person.capacity)} FTE "
        f"({percent(rho)}{tail}): {_parts(person)}"
    )


def _levers(person: PooledPerson) -> str:
    """``add people to lanes `a`, `b`, give the stages they own to a lane``: what spreads their work."""
    names = [part.lane.lane.name for part in person.parts if part.lane is not None]
    levers = [f"add people to lane{'s' if len(names) > 1 else ''} {listed(names)}"] if names else []
    if any(part.lane is None for part in person.parts):
        levers.append("give the stages they own to a lane")
    return ", ".join(levers)


@project_rule(
    codes.OVERLOADED_PERSON,
    """
    A person's week is one, whichever lanes and workflows ask for it. Each
    of their lanes takes its part of them (the FTE they give it, as
    `members` says), and each lane's work falls on its members pro rata to
    those FTE; the stages they own outside any lane come on top. This rule
    adds it all up across every workflow of every checked file, and reports
    the person, once, at their declaration, when it reaches 100% of their
    `capacity`: work that needs more of someone than they have is not done,
    or done by burning them out. A person whose load is one lane in one
    workflow is left to that lane's findings.
    """,
    bad=PEOPLE_LOAD.format(approve="1d"),
    fix=(("effort 1d }\n  stage build", "effort 2h }\n  stage build"),),
)
def overloaded_person(ctx: ProjectContext, options: Options) -> Iterator[Finding]:
    for person, rho in _pooled_people(ctx):
        if rho < 1:
            continue
        handle = person.person.handle
        yield Finding(
            person.person.span,
            _load_message(person, rho, ""),
            f"spread the work so that `{handle}` carries less of it: {_levers(person)}, "
            f"or move a stage's work to a lane `{handle}` is not in",
            related=_part_notes(person),
        )


@project_rule(
    codes.NEAR_CAPACITY_PERSON,
    """
    Someone booked to 90% of their week has no room for the unplanned: an
    incident, a colleague's question, a day off. Their queues wait on them
    and they become the bottleneck of every lane they are in. This rule
    pools a person's load as HUM007 does and warns when it reaches the
    near-capacity threshold of FLW007 (its `threshold` option, one setting
    for stages, lanes and people) while staying under 100%.
    """,
    bad=PEOPLE_LOAD.format(approve="4h"),
    fix=(("effort 4h }\n  stage build", "effort 1h }\n  stage build"),),
)
def near_capacity_person(ctx: ProjectContext, options: Options) -> Iterator[Finding]:
    for person, rho in _pooled_people(ctx):
        threshold = threshold_at(ctx, person.person.span)
        if not threshold <= rho < 1:
            continue
        handle = person.person.handle
        yield Finding(
            person.person.span,
            _load_message(person, rho, f", threshold {percent(threshold)}"),
            f"leave `{handle}` room: {_levers(person)}, or move a stage's work to a lane `{handle}` "
            f"is not in, to bring them under {percent(threshold)}",
            related=_part_notes(person),
        )
