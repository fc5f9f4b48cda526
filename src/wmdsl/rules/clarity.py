"""Clarity over Chaos: every part of the work system has someone accountable."""

from __future__ import annotations

from collections.abc import Iterator

from wmdsl.diagnostics import codes
from wmdsl.model import Lane, Named, Ref, Workflow, WorkType
from wmdsl.rules.examples import TICKETS
from wmdsl.rules.registry import Finding, Group, Options, RuleContext, rule, subjects, workflow_key


@rule(
    codes.ORPHANED_LANE,
    "A lane without an owner is a team nobody is accountable for: its priorities, "
    "capacity and way of working drift because no one can say yes or no for it.",
    bad="""
person @ana "Ana Lima"
lane support "Support" { members @ana }
""",
    fix=(("{ members @ana }", "{ owner @ana; members @ana }"),),
)
def orphaned_lane(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for workflow, lane in ctx.lanes():
        if lane.owner is None:
            yield Finding(
                lane.span,
                f"lane `{lane.name}` has no owner",
                f"add `owner {ctx.someone(workflow, prefer=[m.person.name for m in lane.members])}` "
                f"to lane `{lane.name}`: the one person accountable for it",
                subjects("lane", lane, workflow),
            )


@rule(
    codes.ORPHANED_STAGE,
    "Work waiting in a stage nobody owns is work nobody will unblock: every stage "
    "needs an owner, its own or its lane's.",
    bad="""
workflow tickets "Tickets" {
  person @ana "Ana Lima"
  intake inbox "Inbox" { owner @ana }
  stage answer "Answer"
  exit done "Done"
  inbox -> answer
  answer -> done
}
""",
    fix=(('stage answer "Answer"', 'stage answer "Answer" { owner @ana }'),),
)
def orphaned_stage(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for workflow, stage in ctx.stages():
        if stage.owner is not None:
            continue
        lane = ctx.lane_table(workflow).get(stage.lane.name) if stage.lane else None
        if lane is not None and lane.owner is not None:
            continue
        if stage.lane is None:
            why, fix = "is in no lane", f"put it in a lane (`stage {stage.name} … in LANE`) or "
        else:
            why, fix = f"is in lane `{stage.lane.name}`, which has no owner", "give the lane an owner or "
        yield Finding(
            stage.span,
            f"stage `{stage.name}` has no owner and {why}",
            fix + f"add `owner {ctx.someone(workflow, prefer=_members(lane))}` to stage `{stage.name}`",
            subjects("stage", stage, workflow),
        )


def _listed(lane: Lane) -> str:
    """The members of ``lane`` as a `members` list would name them."""
    return ", ".join(
        f"{m.person.name} {m.allocation.text}" if m.allocation is not None else m.person.name
        for m in lane.members
    )


def _members(lane: Lane | None) -> list[str]:
    return [member.person.name for member in lane.members] if lane is not None else []


@rule(
    codes.ORPHANED_INTAKE,
    "Requests arriving through an on-ramp nobody owns are accepted or refused by "
    "whoever happens to see them; an owner sets and applies the entry criteria.",
    bad="""
workflow tickets "Tickets" {
  person @ana "Ana Lima"
  intake inbox "Inbox" { channel "support@ mailbox" }
  stage answer "Answer" { owner @ana }
  exit done "Done"
  inbox -> answer
  answer -> done
}
""",
    fix=(('"Inbox" { channel', '"Inbox" { owner @ana; channel'),),
)
def orphaned_intake(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for workflow, intake in ctx.intakes():
        if intake.owner is None:
            yield Finding(
                intake.span,
                f"intake `{intake.name}` has no owner",
                f"add `owner {ctx.someone(workflow)}` to intake `{intake.name}`: who decides what gets in",
                subjects("intake", intake, workflow),
            )


@rule(
    codes.DECISION_WITHOUT_SINGLE_DECIDER,
    "A decision with no decider is never made; one with several is made twice or "
    "argued forever. Exactly one person or lane is accountable (the A in RACI).",
    bad="""
person @ana "Ana Lima"
person @bo "Bo Berg"
decision refund "Approve a refund" { decides @ana, @bo }
""",
    fix=(("decides @ana, @bo", "decides @ana; consults @bo"),),
)
def decision_without_single_decider(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for workflow, decision in ctx.decisions():
        deciders = decision.decides
        if len(deciders) == 1:
            continue
        if not deciders:
            message = f"decision `{decision.name}` has no decider"
            hint = f"add `decides @someone` to decision `{decision.name}`"
        else:
            names = ", ".join(f"`{d.name}`" for d in deciders)
            message = f"decision `{decision.name}` has {len(deciders)} deciders ({names})"
            hint = "keep one in `decides`; move the others to `approves` or `consults`"
        yield Finding(decision.span, message, hint, subjects("decision", decision, workflow))


@rule(
    codes.UNDEFINED_DONE,
    "Without an explicit definition of done, everyone decides for themselves when "
    "work may leave a stage, and the next stage finds out by receiving half-finished "
    "work. A `done` statement is the contract of the handoff; a blank one counts as none. "
    "It is in the recommended preset: every stage needs one, and writing it is one line.",
    bad=TICKETS,
    fix=(
        (
            '"Answer" { owner @ana }',
            '"Answer" { owner @ana; done "Customer has a reply that solves the question" }',
        ),
    ),
    group=Group(
        "stages have no definition of done", 'add `done "what must be true before work leaves it"` to each'
    ),
)
def undefined_done(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for workflow, stage in ctx.stages():
        if stage.done is None or not stage.done.strip():
            yield Finding(
                stage.span,
                f"stage `{stage.name}` has no definition of done",
                f'add `done "what must be true before work leaves it"` to stage `{stage.name}`',
                subjects("stage", stage, workflow),
            )


@rule(
    codes.WORKFLOW_WITHOUT_PURPOSE,
    "A work system needs someone accountable for it as a whole and a stated reason "
    "to exist: without an owner nobody can change its design, and without a purpose "
    "nobody can say whether a piece of work belongs in it or whether it works. "
    "A blank purpose counts as none. It is in the recommended preset: both are one line, "
    "and the purpose is what every other design decision is argued against.",
    bad=TICKETS,
    fix=(
        (
            'workflow tickets "Tickets" {\n',
            'workflow tickets "Tickets" {\n  owner @ana\n'
            '  purpose "Answer customer questions within a working day"\n',
        ),
    ),
)
def workflow_without_purpose(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for workflow in ctx.workflows:
        missing = []
        if workflow.owner is None:
            missing.append(("owner", f"owner {ctx.someone(workflow)}"))
        if workflow.purpose is None or not workflow.purpose.strip():
            missing.append(("purpose", 'purpose "why this work system exists"'))
        if not missing:
            continue
        what = " and no ".join(name for name, _ in missing)
        fix = " and ".join(f"`{text}`" for _, text in missing)
        yield Finding(
            workflow.span,
            f"workflow `{workflow.name}` has no {what}",
            f"add {fix} to workflow `{workflow.name}`",
            subjects("workflow", None, workflow),
        )


@rule(
    codes.OWNER_NOT_MEMBER,
    "An owner outside the lane is accountable for work they do not see from the "
    "inside, and their time is not counted in the lane's capacity. That is sometimes "
    "deliberate (a manager who owns several teams), so this is information rather "
    "than a warning, and the rule is not in the recommended preset. Lanes owned by "
    "another lane, and lanes that list no members at all, are not judged.",
    bad="""
person @ana "Ana Lima"
person @bo "Bo Berg"
lane support "Support" { owner @ana; members @bo }
""",
    fix=(("members @bo", "members @ana, @bo"),),
    recommended=False,
)
def owner_not_member(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for workflow, lane in ctx.lanes():
        owner = lane.owner
        if owner is None or not owner.is_person or not lane.members:
            continue
        if any(member.person.name == owner.name for member in lane.members):
            continue
        yield Finding(
            owner.span,
            f"`{owner.name}` owns lane `{lane.name}` but is not one of its members",
            f"add them to its members, with the share of their time they give it: "
            f"`members {owner.name} 20%, {_listed(lane)}` in place of `members {_listed(lane)}`; "
            "or make a member its owner",
            subjects("lane", lane, workflow),
        )


#: What an unused declaration of each kind could be used for, as an example.
_USES = {
    "person": "make them an `owner`, list them in a lane's `members`, or give them a role in a decision",
    "lane": 'put stages in it (`stage build "Build" in {name}`) or make it an owner',
    "work": "name it in an intake's `accepts`",
    "calendar": "use it as the `hours` of the workflow or of a lane: `hours {name}`",
    "decision": "gate a handoff with it (`gate {name}`) or escalate to it",
    "board": "give it an `audience`, or review it in a cadence",
}


@rule(
    codes.UNUSED_DECLARATION,
    "A declaration nothing refers to is a claim about the organisation that the "
    "design does not back: a person who left, a team that was merged, a board "
    "nobody looks at. It makes the spec longer and the handbook wrong. People, "
    "lanes, work types, calendars and decisions are used when something names "
    "them; a board when it has an audience or a cadence reviews it. Only what a "
    "workflow declares for itself is judged: what a file declares for others to "
    "import may be used by files this check does not see.",
    bad="""
workflow tickets "Tickets" {
  person @ana "Ana Lima"
  person @bo "Bo Berg"
  intake inbox "Inbox" { owner @ana }
  stage answer "Answer" { owner @ana }
  exit done "Done"
  inbox -> answer
  answer -> done
}
""",
    fix=(('  person @bo "Bo Berg"\n', ""),),
)
def unused_declaration(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for workflow in ctx.workflows:
        used = _referenced(workflow)
        reviewed = {ref.name for cadence in workflow.cadences for ref in cadence.reviews}
        declared: list[tuple[str, Named]] = [
            *(("person", p) for p in workflow.people),
            *(("lane", lane) for lane in workflow.lanes),
            *(("work", w) for w in workflow.work),
            *(("calendar", c) for c in workflow.calendars),
            *(("decision", d) for d in workflow.decisions),
        ]
        for kind, element in declared:
            if element.name not in used:
                yield _unused(workflow, kind, element)
        for board in workflow.boards:
            if not board.audience and board.name not in reviewed:
                yield _unused(workflow, "board", board)


def _unused(workflow: Workflow, kind: str, element: Named) -> Finding:
    what = "nobody looks at it" if kind == "board" else "nothing refers to it"
    return Finding(
        element.span,
        f"{kind} `{element.name}` is declared in workflow `{workflow.name}` but {what}",
        f"remove it if it is gone; otherwise {_USES[kind].format(name=element.name)}",
        subjects(kind, element, workflow),
    )


def _referenced(workflow: Workflow) -> set[str]:
    """Every name a reference in ``workflow`` uses, read from the fields that hold references.

    One pass over the workflow's elements, linear in its size; only the
    fields a reference can be written in are read.
    """
    refs: list[Ref | None] = [workflow.owner, workflow.calendar]
    for lane in workflow.lanes:
        refs += [lane.owner, lane.delegate, lane.calendar, *(m.person for m in lane.members)]
    for intake in workflow.intakes:
        refs += [intake.owner, *intake.accepts]
    for stage in workflow.stages:
        refs += [stage.lane, stage.owner]
    for handoff in workflow.handoffs:
        refs += [handoff.source, handoff.target, handoff.gate]
    for decision in workflow.decisions:
        refs += [*decision.decides, *decision.recommends, *decision.approves, *decision.consults]
        refs += [*decision.informs, decision.delegate, *(e.to for e in decision.escalates)]
    for board in workflow.boards:
        refs += [board.owner, *board.shows, *board.audience]
    for metric in workflow.metrics:
        refs += [metric.owner, metric.start, metric.end]
    for cadence in workflow.cadences:
        refs += [cadence.owner, *cadence.reviews]
    return {ref.name for ref in refs if ref is not None}


@rule(
    codes.UNEXPLAINED_WORK,
    "The Coordination Stack asks of every kind of work who does it, what it is, by "
    "when, how it flows and why it matters. A work type names the *what*, but until "
    "it says what a finished item delivers (`outcome`) and why the work is taken on "
    "at all (`purpose`), the people doing it cannot tell a good result from a busy "
    "one, nor argue for saying no. Only work types that an intake accepts are checked: "
    "those are the ones people are handed. A blank text counts as none.",
    bad="""
workflow tickets "Tickets" {
  person @ana "Ana Lima"
  work question "Question" { kind request }
  intake inbox "Inbox" { owner @ana; accepts question }
  stage answer "Answer" { owner @ana }
  exit done "Done"
  inbox -> answer
  answer -> done
}
""",
    fix=(
        (
            "{ kind request }",
            '{\n    kind request\n    purpose "Customers can use what they bought"\n'
            '    outcome "The customer confirms the answer solved it"\n  }',
        ),
    ),
    group=Group(
        "work types do not say why they matter or what they deliver",
        'add `purpose "why it is done"` and `outcome "what a finished item delivers"` to each',
    ),
)
def unexplained_work(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    seen: set[int] = set()
    for workflow in ctx.workflows:
        local = {kind.name: kind for kind in workflow.work}
        shared = {kind.name: kind for kind in ctx.document.shared.work}
        for intake in workflow.intakes:
            for ref in intake.accepts:
                kind = local.get(ref.name) or shared.get(ref.name)
                if kind is None or id(kind) in seen:
                    continue
                seen.add(id(kind))
                missing = [name for name in ("purpose", "outcome") if _blank(getattr(kind, name))]
                if missing:
                    yield _unexplained(kind, missing, workflow if ref.name in local else None, workflow)


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def _unexplained(kind: WorkType, missing: list[str], owner: Workflow | None, workflow: Workflow) -> Finding:
    said = {"purpose": "why it matters (`purpose`)", "outcome": "what it delivers (`outcome`)"}
    example = {"purpose": 'purpose "why it is done"', "outcome": 'outcome "what a finished item delivers"'}
    # A shared work type is reported once, wherever it is accepted: its keys name no workflow.
    keys = subjects("work", kind, owner) if owner is not None else subjects("work", kind, None)
    return Finding(
        kind.span,
        f"work type `{kind.name}` does not say {' or '.join(said[name] for name in missing)}",
        f"add {' and '.join(f'`{example[name]}`' for name in missing)} to work type `{kind.name}`",
        (*keys, workflow_key(workflow)) if owner is None else keys,
    )
