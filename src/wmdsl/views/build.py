"""The views of one model, each a :class:`~wmdsl.views.picture.Picture` per workflow.

* ``flow``: every intake, stage, join and exit of a workflow in its lane's
  band, with every handoff (the diagram the other renderers draw too).
* ``lane:NAME``: the stages of one lane, with the shapes one handoff away
  from them drawn faded in their own bands.
* ``handoffs``: lanes as shapes, and one arrow for the handoffs from one lane
  to another, saying how many there are and how much work they carry.
* ``decisions``: who decides, recommends, approves, is consulted on and is
  informed of each decision, and where each escalates.
* ``value-stream``: the flow's stages with their touch time (effort) and the
  time work waits before them (from the analysis), and the flow efficiency.

Element keys (``data-element`` in the SVG, keys of ``links``) are
``<workflow>.<name>`` for what a workflow declares and the bare name for the
shared declarations of a document.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import replace

from wmdsl.flow.results import Analysis, WorkflowAnalysis, format_hours
from wmdsl.model import Decision, Document, ExitKind, Ref, Workflow
from wmdsl.render.scope import Names
from wmdsl.views.picture import Arrow, ArrowStyle, Band, Picture, Shape, ShapeKind

NO_LANE = "(no lane)"
EXIT_KINDS: dict[ExitKind, ShapeKind] = {
    ExitKind.DONE: "done",
    ExitKind.REJECTED: "rejected",
    ExitKind.CANCELLED: "cancelled",
}
Links = Mapping[str, str]
Figures = Callable[[], Analysis]


def _scope(document: Document, workflow: Workflow) -> Names:
    return Names(workflow, *Names.lookups(document, workflow))


def flow(document: Document, workflow: Workflow, links: Links, view: str = "flow") -> Picture:
    """The ``flow`` view of ``workflow``: every node in its lane's band, every handoff."""
    names = _scope(document, workflow)
    key = f"{workflow.name}.".__add__
    bands: list[Band] = []
    band_of: dict[str, str] = {}
    for tone, (lane, stages) in enumerate(names.lanes_with_stages()):
        details = []
        if lane.owner:
            details.append(f"owner: {names.person(lane.owner.name)}")
        hours = names.lane_hours(lane)
        if hours:
            details.append(f"hours: {hours}")
        bands.append(
            Band(
                id=lane.name,
                title=lane.label,
                details=tuple(details),
                tone=tone,
                href=links.get(key(lane.name)),
            )
        )
        for stage in stages:
            band_of[stage.name] = lane.name
    if any(stage.lane is None for stage in workflow.stages) or not bands:
        bands.append(Band(id=NO_LANE, title="No lane", tone=len(bands)))
    tone_of = {band.id: band.tone for band in bands}
    # Nodes outside lanes go in the band of the stage they meet first.
    neighbour: dict[str, str] = {}
    for handoff in workflow.handoffs:
        source, target = handoff.source.name, handoff.target.name
        neighbour.setdefault(source, target)
        neighbour.setdefault(target, source)

    def band(name: str, seen: int = 0) -> str:
        if name in band_of:
            return band_of[name]
        other = neighbour.get(name)
        if other is None or seen > 2:
            return bands[0].id
        return band(other, seen + 1)

    shapes: list[Shape] = []

    def add(
        name: str, kind: ShapeKind, title: str, details: tuple[str, ...] = (), tooltip: str | None = None
    ) -> None:
        lane = band_of.get(name) or band(name)
        shapes.append(
            Shape(
                id=name,
                kind=kind,
                band=lane,
                title=title,
                details=details,
                element=key(name),
                href=links.get(key(name)),
                tooltip=tooltip,
                tone=tone_of.get(lane, 0),
            )
        )

    for intake in workflow.intakes:
        about = " | ".join(text for text in (intake.channel, intake.criteria, intake.description) if text)
        add(
            intake.name,
            "intake",
            intake.label,
            (intake.arrivals.text,) if intake.arrivals else (),
            about or None,
        )
    for stage in workflow.stages:
        band_of.setdefault(stage.name, NO_LANE)
        written = names.stage_details(stage)
        tooltip = f"Done when: {stage.done}" if stage.done else stage.description
        add(stage.name, "stage", stage.label, (written,) if written else (), tooltip)
    for join in workflow.joins:
        add(
            join.name,
            "join",
            f"+ {join.label}",
            (),
            "Join: work goes on once every handoff into it has arrived.",
        )
    for exit_ in workflow.exits:
        add(exit_.name, EXIT_KINDS[exit_.kind], exit_.label, (), exit_.description)
    arrows: list[Arrow] = []
    forks: set[str] = set()
    for number, handoff in enumerate(workflow.handoffs):
        source, target = handoff.source.name, handoff.target.name
        style: ArrowStyle = "rework" if handoff.rework else "gate" if handoff.gate else "plain"
        element = key(f"{source}->{target}")
        text = tuple(names.handoff_text(handoff))
        if handoff.fork is None:
            arrows.append(
                Arrow(
                    id=f"h{number}",
                    source=source,
                    target=target,
                    text=text,
                    style=style,
                    rework=handoff.rework,
                    element=element,
                )
            )
            continue
        point = f"fork.{handoff.fork}"
        if handoff.fork not in forks:  # the first branch: the fork point, and the one arrow into it
            forks.add(handoff.fork)
            home = band(source)
            shapes.append(
                Shape(
                    id=point,
                    kind="fork",
                    band=home,
                    title="+",
                    tone=tone_of.get(home, 0),
                    tooltip="Fork: the work goes to every branch at once",
                )
            )
            arrows.append(
                Arrow(id=f"h{number}", source=source, target=point, text=text, style=style, element=element)
            )
        arrows.append(
            Arrow(id=f"h{number}.branch", source=point, target=target, style="parallel", element=element)
        )
    return Picture(
        view=view, title=workflow.label, bands=tuple(bands), shapes=tuple(shapes), arrows=tuple(arrows)
    )


def lane(document: Document, workflow: Workflow, name: str, links: Links) -> Picture | None:
    """The ``lane:NAME`` view: the lane's stages and their neighbours (None: no stages here)."""
    return _lanes(flow(document, workflow, links, f"lane:{name}"), workflow, name).get(name)


def lanes(document: Document, workflow: Workflow, links: Links) -> dict[str, Picture]:
    """Every lane's ``lane:NAME`` view of ``workflow`` (lanes without stages here have none).

    Each is the picture :func:`lane` draws, but the workflow is drawn once
    for all of them and each lane's picture is cut from it through indexes,
    so the time is linear in the workflow and the pictures, not one whole
    workflow per lane (what a page per lane needs).
    """
    return _lanes(flow(document, workflow, links, "lane"), workflow)


def _lanes(whole: Picture, workflow: Workflow, only: str | None = None) -> dict[str, Picture]:
    """The lane views cut from ``whole`` (the flow view): every lane's, or only the lane ``only``.

    A lane's view has the lane's shapes (fork points aside), every arrow from
    or to them and the shapes at their other ends. A fork point drawn brings
    the work that reaches it and its other branches; a join drawn brings the
    other handoffs it waits for: the lane's part in parallel work reads whole.
    """
    placed: dict[str, list[int]] = defaultdict(list)  # shape id -> where it is in whole.shapes
    for index, shape in enumerate(whole.shapes):
        placed[shape.id].append(index)
    touching: dict[str, list[int]] = defaultdict(list)  # shape id -> the arrows from or to it
    leaving: dict[str, list[int]] = defaultdict(list)
    entering: dict[str, list[int]] = defaultdict(list)
    for index, arrow in enumerate(whole.arrows):
        touching[arrow.source].append(index)
        if arrow.target != arrow.source:
            touching[arrow.target].append(index)
        leaving[arrow.source].append(index)
        entering[arrow.target].append(index)
    forks = {shape.id for shape in whole.shapes if shape.kind == "fork"}
    waits = forks | {shape.id for shape in whole.shapes if shape.kind == "join"}
    insides: dict[str, dict[str, None]] = defaultdict(dict)  # lane -> its shapes' ids, in order
    staged: set[str] = set()
    for shape in whole.shapes:
        if shape.kind != "fork" and (only is None or shape.band == only):
            insides[shape.band][shape.id] = None
            if shape.kind == "stage":
                staged.add(shape.band)
    band_at = {band.id: index for index, band in enumerate(whole.bands)}
    found: dict[str, Picture] = {}
    for name, inside in insides.items():
        if name not in staged:
            continue
        taken = {index for shape in inside for index in touching[shape]}
        kept = set(inside)
        for index in taken:
            kept.update((whole.arrows[index].source, whole.arrows[index].target))
        more = {index for point in kept & forks for index in leaving[point]}
        more |= {index for point in kept & waits for index in entering[point]}
        for index in more - taken:
            kept.update((whole.arrows[index].source, whole.arrows[index].target))
        taken |= more
        shapes = tuple(
            shape if shape.id in inside or shape.kind == "fork" else replace(shape, faded=True)
            for shape in (whole.shapes[i] for i in sorted(i for id_ in kept for i in placed[id_]))
        )
        used = sorted({band_at[shape.band] for shape in shapes if shape.band in band_at})
        title = whole.bands[band_at[name]].title if name in band_at else name
        found[name] = Picture(
            view=f"lane:{name}",
            title=f"{title} ({workflow.label})",
            bands=tuple(whole.bands[index] for index in used),
            shapes=shapes,
            arrows=tuple(whole.arrows[index] for index in sorted(taken)),
        )
    return found


def handoffs(
    document: Document, workflow: Workflow, figures: WorkflowAnalysis | None, links: Links
) -> Picture:
    """The ``handoffs`` view: lanes as shapes, the handoffs between two lanes as one arrow."""
    names = _scope(document, workflow)
    lane_of = {stage.name: stage.lane.name for stage in workflow.stages if stage.lane}
    titles = {lane.name: lane.label for lane in names.lanes.values()}
    rate = {stage.name: stage.rate for stage in figures.stages} if figures else {}
    chance = {(route.source, route.target): route.probability for route in figures.routes} if figures else {}
    counts: dict[tuple[str, str], int] = defaultdict(int)
    carried: dict[tuple[str, str], float | None] = {}
    for handoff in workflow.handoffs:
        source, target = lane_of.get(handoff.source.name), lane_of.get(handoff.target.name)
        if source is None or target is None or source == target:
            continue
        pair = (source, target)
        counts[pair] += 1
        flow_rate = rate.get(handoff.source.name)
        probability = chance.get((handoff.source.name, handoff.target.name))
        previous = carried.get(pair, 0.0)
        if flow_rate is None or probability is None or previous is None:
            carried[pair] = None
        else:
            carried[pair] = previous + flow_rate * probability
    week = figures.schedule.per_week if figures else 40.0
    used = [lane.name for lane, _ in names.lanes_with_stages()]
    shapes = tuple(
        Shape(
            id=name,
            kind="lane",
            band="lanes",
            title=titles.get(name, name),
            tone=tone,
            element=f"{workflow.name}.{name}",
            href=links.get(f"{workflow.name}.{name}"),
        )
        for tone, name in enumerate(used)
    )
    arrows = []
    for number, ((source, target), count) in enumerate(counts.items()):
        text = [f"{count} handoff{'s' if count != 1 else ''}"]
        per_hour = carried.get((source, target))
        if per_hour is not None:
            text.append(f"{per_hour * week:.3g} a week")
        arrows.append(Arrow(id=f"l{number}", source=source, target=target, text=tuple(text)))
    bands = (Band(id="lanes", title="Lanes"),)
    return Picture(
        view="handoffs",
        title=f"Handoffs between lanes: {workflow.label}",
        bands=bands,
        shapes=shapes,
        arrows=tuple(arrows),
    )


ROLES: tuple[tuple[ArrowStyle, str], ...] = (
    ("decides", "decides"),
    ("recommends", "recommends"),
    ("approves", "approves"),
    ("consults", "is consulted"),
    ("informs", "is informed"),
    ("escalates", "escalates to"),
)


def decisions(document: Document, links: Links) -> Picture | None:
    """The ``decisions`` view of a whole document (None when it declares no decision).

    Each decision gets a band of its own: the people and lanes with a part in
    it on the left, each saying which part, the decision in the middle and
    where it escalates on the right. Someone with a part in several decisions
    is drawn in each of their bands, so every band reads on its own.
    """
    owned: list[tuple[str, Decision]] = [("", decision) for decision in document.shared.decisions]
    owned += [
        (f"{workflow.name}.", decision) for workflow in document.workflows for decision in workflow.decisions
    ]
    if not owned:
        return None
    titles = {person.name: person.label for person in document.shared.people}
    titles.update((lane.name, lane.label) for lane in document.shared.lanes)
    for workflow in document.workflows:
        titles.update((person.name, person.label) for person in workflow.people)
        titles.update((lane.name, lane.label) for lane in workflow.lanes)
    decided = {prefix + decision.name: decision.label for prefix, decision in owned}
    bands: list[Band] = []
    shapes: list[Shape] = []
    arrows: list[Arrow] = []
    for tone, (prefix, decision) in enumerate(owned):
        node = prefix + decision.name
        bands.append(Band(id=node, title=decision.label, tone=tone, href=links.get(node)))
        parts: dict[str, list[ArrowStyle]] = {}
        roles: tuple[tuple[ArrowStyle, tuple[Ref, ...]], ...] = (
            ("decides", decision.decides),
            ("recommends", decision.recommends),
            ("approves", decision.approves),
            ("consults", decision.consults),
            ("informs", decision.informs),
        )
        for style, refs in roles:
            for ref in refs:
                parts.setdefault(ref.name, []).append(style)
        for name, styles in parts.items():
            said = ", ".join(dict(ROLES)[style] for style in styles)
            shape = f"{node}/who/{name}"
            shapes.append(
                Shape(
                    id=shape,
                    kind="person",
                    band=node,
                    title=titles.get(name, name),
                    details=(said,),
                    element=name,
                    href=links.get(name),
                    tone=tone,
                )
            )
            arrows.append(Arrow(id=f"{shape}->", source=shape, target=node, style=styles[0]))
        shapes.append(
            Shape(id=node, kind="decision", band=node, title=decision.label, element=node, tone=tone)
        )
        for escalation in decision.escalates:
            name = escalation.to.name
            key = prefix + name if prefix + name in decided else name
            shape = f"{node}/escalates/{name}"
            when = f"escalated to after {escalation.after.text}" if escalation.after else "escalated to"
            shapes.append(
                Shape(
                    id=shape,
                    kind="decision" if key in decided else "person",
                    band=node,
                    title=decided.get(key) or titles.get(name, name),
                    details=(when,),
                    element=key,
                    href=links.get(key),
                    tone=tone,
                )
            )
            arrows.append(Arrow(id=f"{node}->{shape}", source=node, target=shape, style="escalates"))
    return Picture(
        view="decisions",
        title=f"Decision rights: {document.file}",
        bands=tuple(bands),
        shapes=tuple(shapes),
        arrows=tuple(arrows),
        legend=ROLES,
    )


def value_stream(
    document: Document, workflow: Workflow, figures: WorkflowAnalysis | None, links: Links
) -> Picture:
    """The ``value-stream`` view: stages with touch and waiting time, and the flow efficiency."""
    whole = flow(document, workflow, links, "value-stream")
    stages = {stage.name: stage for stage in figures.stages} if figures else {}
    day = figures.schedule.per_day if figures else 8.0
    touch = wait = 0.0
    known = bool(stages)
    shapes = []
    for shape in whole.shapes:
        found = stages.get(shape.id) if shape.kind == "stage" else None
        if shape.kind != "stage":
            shapes.append(shape)
            continue
        details = []
        if found and found.effort is not None:
            details.append(f"touch {format_hours(found.effort)}")
        if found and found.wait is not None:
            details.append(f"waits {format_hours(found.wait, day)}")
        if found is None or found.effort is None or found.wait is None or found.visits is None:
            known = False
        else:
            touch += found.visits * found.effort
            wait += found.visits * found.wait
        shapes.append(replace(shape, details=tuple(details)))
    arrows = tuple(replace(arrow, text=()) for arrow in whole.arrows)
    if known and touch + wait > 0:
        note = (
            f"Per item: touch time {format_hours(touch)}, waiting {format_hours(wait, day)}, "
            f"flow efficiency {touch / (touch + wait):.0%}"
        )
    else:
        note = "Touch and waiting time need every stage's effort and the intakes' arrivals"
    return Picture(
        view="value-stream",
        title=f"Value stream: {workflow.label}",
        bands=whole.bands,
        shapes=tuple(shapes),
        arrows=arrows,
        notes=(note,),
    )
