"""Flow over Friction, pooled capacity: a lane can do the work of all its stages, in every workflow.

FLW006 and FLW007 look at one stage at a time, and each stage counts its
lane's whole capacity. These rules add up what every stage of a lane asks of
it, in every workflow of every checked file that uses it (see
:mod:`wmdsl.flow.load`), and report the lane once, at its declaration. The
wording helpers here serve the people rules of the same pool (HUM007,
HUM008) as well.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence

from wmdsl.diagnostics import Related, codes
from wmdsl.flow.load import Pool, PooledLane, StageEntry
from wmdsl.model.span import Span
from wmdsl.rules.registry import Finding, Options, ProjectContext, project_rule

# Stages named in a message (the busiest) and places pointed at, at most.
SHOWN = 3
RELATED = 10

BASE = """
person @erik "Erik Johansson"
person @chen "Chen Hao"
lane platform "Platform" {{ owner @erik; members @erik, @chen }}

workflow delivery "Delivery" {{
  owner @erik
  intake releases "Releases" {{ owner @erik; arrivals {releases} per week }}
  stage build "Build" in platform {{ wip 2; effort 1d }}
  exit shipped "Shipped"
  exit dropped "Dropped" {{ kind rejected }}
  releases -> build
  build -> shipped
  build -> dropped {{ chance 10% }}
}}

workflow it_ops "IT operations" {{
  owner @erik
  intake incidents "Incidents" {{ owner @chen; arrivals {incidents} per week }}
  stage restore "Restore service" in platform {{ wip 2; effort 1d }}
  exit restored "Restored"
  exit closed "Closed" {{ kind rejected }}
  incidents -> restore
  restore -> restored
  restore -> closed {{ chance 10% }}
}}
"""


def fte(value: float) -> str:
    """An amount of work or capacity in FTE, as people read it: ``1.9``, ``0.99``, ``2.5``."""
    if 0 < value < 0.005:
        return "<0.01"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def percent(fraction: float) -> str:
    """``1.48`` → ``148%``."""
    return f"{fraction * 100:.0f}%"


def plural(count: int, word: str) -> str:
    """``1 stage``, ``2 stages``."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def by_workflow(busiest: Sequence[StageEntry], count: int, scale: float = 1.0, most: int = SHOWN) -> str:
    """```delivery`: build 1.9, verify 0.8; `it_ops`: restore 0.99`` (each load × ``scale``).

    The first ``most`` of ``busiest`` (the busiest of ``count`` stages) are
    named, grouped by workflow; workflows of the same name in different
    files are told apart by their file.
    """
    shown = busiest[:most]
    files: dict[str, set[str]] = defaultdict(set)
    for stage in shown:
        files[stage.workflow].add(stage.workflow_span.file)
    groups: dict[Span, list[str]] = {}
    for stage in shown:
        groups.setdefault(stage.workflow_span, []).append(f"{stage.stage} {fte((stage.load or 0.0) * scale)}")
    labels = {
        s.workflow_span: f"`{s.workflow}`"
        + (f" of {s.workflow_span.file}" if len(files[s.workflow]) > 1 else "")
        for s in shown
    }
    text = "; ".join(f"{labels[w]}: {', '.join(parts)}" for w, parts in groups.items())
    return text + (f"; … {count - len(shown)} more" if count > len(shown) else "")


def stage_notes(busiest: Sequence[StageEntry], scale: float = 1.0) -> tuple[Related, ...]:
    """The busiest contributing stages as related places."""
    return tuple(
        Related(
            s.span,
            f"stage `{s.stage}` of workflow `{s.workflow}`: {fte((s.load or 0.0) * scale)} FTE of work",
        )
        for s in busiest[:RELATED]
    )


def _threshold(ctx: ProjectContext, at: Span) -> float:
    """The near-capacity threshold at ``at``: FLW007's, one setting for stages, lanes and people."""
    return float(ctx.options(codes.NEAR_CAPACITY_STAGE, at)["threshold"])


def _alone(lane: PooledLane, threshold: float) -> bool:
    """True when the lane's whole load is one stage that FLW006 or FLW007 already reports.

    That stage counts the lane's whole capacity, so its own finding says the
    same thing, with the stage's figures.
    """
    busy = [s for s in lane.stages if (s.load or 0.0) > 0]
    return len(busy) == 1 and (busy[0].utilisation or 0.0) >= threshold


class _Room:
    """Which lane, used by the same workflows, has the most room for a stage's work.

    Built once per check: each workflow keeps the two lanes of its stages
    with the most room (two, so that a lane asking for room is never offered
    itself), so a finding costs the workflows of its lane, and the check
    stays linear in the stages.
    """

    def __init__(self, pool: Pool) -> None:
        self.best: dict[Span, list[PooledLane]] = defaultdict(list)
        for lane in pool.lanes:
            if lane.fte - lane.load <= 0:
                continue
            for span in dict.fromkeys(s.workflow_span for s in lane.stages):
                best = self.best[span]
                best.append(lane)
                best.sort(key=lambda other: -(other.fte - other.load))
                del best[2:]

    def hint(self, lane: PooledLane, limit: float) -> str:
        """``, e.g. stage `verify` (0.8 FTE) to lane `qa`, which has 1.5 FTE to spare``, or nothing.

        The stage named is the smallest whose move would bring the lane under
        ``limit`` of its FTE, else the busiest that fits in the room.
        """
        spare, roomiest = 0.0, None
        for span in dict.fromkeys(s.workflow_span for s in lane.stages):
            for other in self.best.get(span, ()):
                room = other.fte - other.load
                if other is not lane and room > spare:
                    spare, roomiest = room, other
        if roomiest is None:
            return ""
        excess = lane.load - lane.fte * limit
        fitting = [s for s in lane.busiest if 0 < (s.load or 0.0) <= spare]
        if not fitting:
            return ""
        enough = [s for s in fitting if (s.load or 0.0) >= excess]
        stage = min(enough, key=lambda s: s.load or 0.0) if enough else fitting[0]
        return (
            f", e.g. stage `{stage.stage}` ({fte(stage.load or 0.0)} FTE) to lane `{roomiest.lane.name}`, "
            f"which has {fte(spare)} FTE to spare"
        )


def _demand(lane: PooledLane) -> str:
    """``3.69 FTE for 4 stages in 2 workflows (…)``."""
    least = "at least " if lane.lower_bound else ""
    return (
        f"{least}{fte(lane.load)} FTE for {plural(len(lane.stages), 'stage')} in "
        f"{plural(len(lane.workflows), 'workflow')} ({by_workflow(lane.busiest, len(lane.stages))})"
    )


def _unknown(lane: PooledLane) -> str:
    if not lane.unknown:
        return ""
    return f"; {plural(lane.unknown, 'more stage')} of it lack arrivals or effort"


@project_rule(
    codes.OVERLOADED_LANE,
    "A lane is one group of people, whichever workflow hands it work. FLW006 "
    "looks at one stage at a time and lets each count the lane's whole "
    "capacity, so three stages that each use 60% of a team look fine while the "
    "team is asked for 180% of its time. This rule adds the offered load λ·effort "
    "(in FTE) of every stage of the lane, in every workflow of every checked file "
    "that uses it, and compares it with the FTE its members give it (a person "
    "in several lanes splits their time as `members` says). At 100% or more "
    "the queues of its stages grow without bound whatever order the team works "
    "in. A shared lane is reported once, at its declaration; a lane whose whole "
    "load is one stage already reported by FLW006 is not reported again.",
    bad=BASE.format(releases=6, incidents=5),
    fix=(
        ('person @chen "Chen Hao"', 'person @chen "Chen Hao"\nperson @dmitri "Dmitri Volkov"'),
        ("members @erik, @chen }", "members @erik, @chen, @dmitri }"),
    ),
)
def overloaded_lane(ctx: ProjectContext, options: Options) -> Iterator[Finding]:
    pool = ctx.pool()
    room = _Room(pool)
    for lane in pool.lanes:
        rho = lane.utilisation
        if rho is None or rho < 1 or _alone(lane, 1.0):
            continue
        name, threshold = lane.lane.name, _threshold(ctx, lane.lane.span)
        target = lane.load / threshold if 0 < threshold < 1 else lane.load
        yield Finding(
            lane.lane.span,
            f"lane `{name}` needs {_demand(lane)} and has {fte(lane.fte)} FTE "
            f"({percent(rho)}){_unknown(lane)}",
            f"give lane `{name}` at least {fte(target)} FTE to keep it under {percent(min(threshold, 1.0))} "
            f"(add people, or raise the shares its members give it), or move a stage's work to another "
            f"lane that has room{room.hint(lane, min(threshold, 1.0))}",
            related=stage_notes(lane.busiest),
        )


@project_rule(
    codes.NEAR_CAPACITY_LANE,
    "Waiting grows steeply as a team fills up (an M/M/1 queue waits ρ/(1 − ρ) "
    "service times: nine at 90%), and a lane shared by several stages and "
    "workflows is one team however its work is split. This rule adds the "
    "offered load of every stage of the lane, in every workflow that uses it, and "
    "warns when it reaches the near-capacity threshold of FLW007 (its "
    "`threshold` option, one setting for stages, lanes and people) while staying "
    "under 100%. A lane whose whole load is one stage that FLW007 reports is not "
    "reported again.",
    bad=BASE.format(releases=4.5, incidents=4.5),
    fix=(("owner @chen; arrivals 4.5", "owner @chen; arrivals 2"),),
)
def near_capacity_lane(ctx: ProjectContext, options: Options) -> Iterator[Finding]:
    pool = ctx.pool()
    room = _Room(pool)
    for lane in pool.lanes:
        rho = lane.utilisation
        threshold = _threshold(ctx, lane.lane.span)
        if rho is None or not threshold <= rho < 1 or _alone(lane, threshold):
            continue
        name = lane.lane.name
        target = lane.load / threshold if threshold > 0 else lane.load
        yield Finding(
            lane.lane.span,
            f"lane `{name}` runs near capacity: it needs {_demand(lane)} and has {fte(lane.fte)} FTE "
            f"({percent(rho)}, threshold {percent(threshold)}){_unknown(lane)}",
            f"give lane `{name}` at least {fte(target)} FTE (add people, or raise the shares its members "
            f"give it) to bring it under {percent(threshold)}, or move a stage's work to another lane "
            f"that has room{room.hint(lane, threshold)}",
            related=stage_notes(lane.busiest),
        )


def threshold_at(ctx: ProjectContext, at: Span) -> float:
    """The near-capacity threshold of FLW007 that applies at ``at`` (for the people rules)."""
    return _threshold(ctx, at)
