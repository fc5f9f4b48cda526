"""A stage as a queue: the servers it can draw on and how long work waits for them.

Each stage is an M/M/c queue, as the analysis's docstring
(:mod:`wmdsl.flow.analysis`) lays out; the wait is Erlang C, exact up to
:data:`EXACT_SERVERS` servers and the Halfin–Whitt approximation above.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from wmdsl.model import Lane, Person, Stage


def erlang_c(servers: int, offered: float) -> float:
    """The probability that an arrival waits in an M/M/c queue (Erlang C).

    ``offered`` is the load a = λ/μ in servers; needs ``offered < servers``.
    Computed through the Erlang B recursion, which is numerically stable.
    """
    if servers > EXACT_SERVERS:
        return _halfin_whitt(servers, offered)
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = offered * blocking / (k + offered * blocking)
    return servers * blocking / (servers - offered * (1.0 - blocking))


#: Above this many servers the exact recursion (one step per server) gives way
#: to the Halfin–Whitt approximation, so that a capacity of 10^15 people costs
#: no more than one of 10: a spec cannot make the checks run for hours.
EXACT_SERVERS = 10_000


def _halfin_whitt(servers: int, offered: float) -> float:
    """Erlang C for many servers: 1 / (1 + β·Φ(β)/φ(β)), β = (c − a)/√a.

    From c = 10,000 on it is within 0.002 of the exact value (tested).
    """
    beta = (servers - offered) / math.sqrt(offered)
    if beta > 35:  # φ(β) underflows; the wait probability is 0 to double precision
        return 0.0
    density = math.exp(-beta * beta / 2) / math.sqrt(2 * math.pi)
    cumulative = 0.5 * (1 + math.erf(beta / math.sqrt(2)))
    return 1 / (1 + beta * cumulative / density)


def queue_wait(rate: float, effort: float, servers: float) -> float | None:
    """Expected wait in hours (M/M/c, see :mod:`wmdsl.flow.analysis`); ``None`` when ρ ≥ 1."""
    load = rate * effort
    if load >= servers:
        return None
    if load == 0:
        return 0.0
    whole = max(1, math.floor(servers))
    return erlang_c(whole, whole * load / servers) * effort / (servers - load)


def stage_capacity(
    stage: Stage, lanes: Mapping[str, Lane], fte: Mapping[str, float], people: Mapping[str, Person]
) -> tuple[float | None, str | None]:
    """The FTE a stage can draw on (before its ``wip`` limit), or ``None`` and why not."""
    capacity: float | None
    lane: str | None = None  # the lane whose members are the servers
    if stage.lane is not None:
        lane = stage.lane.name
        capacity = fte.get(lane)
    elif stage.owner is not None and stage.owner.is_person:
        person = people.get(stage.owner.name)
        capacity = person.capacity if person is not None else 1.0
    elif stage.owner is not None and stage.owner.name in lanes:
        lane = stage.owner.name
        capacity = fte.get(lane)
    else:
        return None, f"stage `{stage.name}` has no capacity: it is in no lane and has no owner"
    if not capacity:
        why = f"lane `{lane}` has no members" if lane is not None else ""
        return None, f"stage `{stage.name}` has no capacity: {why}"
    return capacity, None
