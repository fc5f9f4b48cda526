"""Working weeks on the simulation's clock: when work may arrive and people may work.

The flow analysis counts everything in a workflow's open hours
(:mod:`wmdsl.flow.calendar`). The simulation runs on a clock instead, so
that a lane that keeps other hours than its workflow (a night shift, a
team on another week) works when it is open and not otherwise:

- the clock counts hours from a Monday, 00:00; a :class:`Week` is the open
  intervals of one week on it, repeated every :data:`WEEK` hours;
- :meth:`Week.position` is the open hours from the start of the clock to
  a time, and :meth:`Week.advance` the time at which a number of open hours
  from a given time have passed: work that takes ``x`` open hours of a lane
  started at ``t`` is done at ``lane.advance(t, x)``, paused while the lane
  is closed and resumed when it opens (nobody finishes the work overnight);
- every time the simulation reports (waits, lead times) is counted in the
  open hours of the item's workflow, as the analysis counts them.

When every week in a run is the same, nothing happens while they are all
closed, and the closed hours can be left out: the clock is then the open
hours themselves (:data:`ALWAYS`), which is exact and makes every mapping
the identity (see :func:`clock_weeks`).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass

from wmdsl.model import Hours

__all__ = ["ALWAYS", "DAYS", "WEEK", "Week", "clock_weeks", "week_of"]

WEEK = 168.0  # clock hours in a week
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class Week:
    """Open intervals of a week on the clock: ``(start, end)`` hours from Monday 00:00, in order.

    ``starts``, ``ends`` and ``before`` (the open hours of the week before
    each interval) are kept as tuples for :mod:`bisect`.
    """

    text: str
    starts: tuple[float, ...]
    ends: tuple[float, ...]
    before: tuple[float, ...]
    per_week: float
    always: bool = False  # open all the time: the clock is its open hours

    def position(self, time: float) -> float:
        """Open hours from the start of the clock to ``time``."""
        if self.always:
            return time
        weeks = math.floor(time / WEEK)
        into = time - weeks * WEEK
        i = bisect.bisect_right(self.starts, into) - 1
        done = 0.0 if i < 0 else self.before[i] + min(into, self.ends[i]) - self.starts[i]
        return weeks * self.per_week + done

    def advance(self, time: float, hours: float) -> float:
        """The clock time at which ``hours`` open hours from ``time`` have passed (the earliest)."""
        if self.always:
            return time + hours
        # No time passes while closed: nothing to do from 18:00 is done at 18:00, not at 17:00.
        return max(time, self.at(self.position(time) + hours))

    def at(self, position: float) -> float:
        """The earliest clock time whose :meth:`position` is ``position``."""
        if self.always:
            return position
        weeks = math.floor(position / self.per_week)
        into = position - weeks * self.per_week
        if into <= 0.0 and weeks > 0:  # the end of the last interval of the week before
            return (weeks - 1) * WEEK + self.ends[-1]
        i = max(0, bisect.bisect_left(self.before, into) - 1)
        return weeks * WEEK + self.starts[i] + (into - self.before[i])


def _merged(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Intervals in order, those that touch or overlap made one."""
    merged: list[tuple[float, float]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def week_of(hours: Hours | None, text: str | None = None) -> Week:
    """The week of opening hours (``None``: the default, 9-17 Monday to Friday)."""
    days: tuple[str, ...]
    if hours is None:
        start, end, days, text = 9.0, 17.0, DAYS[:5], text or "9-17 mon-fri"
    else:
        start, end, days, text = hours.start, hours.end, hours.days, text or hours.text
    intervals = _merged([(DAYS.index(d) * 24 + start, DAYS.index(d) * 24 + end) for d in days if d in DAYS])
    if not intervals or end <= start:
        intervals = [(0.0, WEEK)]  # never closed rather than never open: the run must advance
    before, total = [], 0.0
    for a, b in intervals:
        before.append(total)
        total += b - a
    return Week(
        text,
        tuple(a for a, _ in intervals),
        tuple(b for _, b in intervals),
        tuple(before),
        total,
        intervals == [(0.0, WEEK)],
    )


#: The clock of a run whose weeks are all the same: their open hours, as one that never closes.
ALWAYS = Week("open hours", (0.0,), (WEEK,), (0.0,), WEEK, True)


def clock_weeks(weeks: Sequence[Week]) -> tuple[bool, list[Week]]:
    """Whether the run can count open hours as its clock, and the weeks it uses then.

    When every week is the same, the run's clock is their open hours and
    every week becomes :data:`ALWAYS`; otherwise each keeps its hours on
    the clock.
    """
    shapes = {(w.starts, w.ends) for w in weeks}
    if len(shapes) <= 1:
        return True, [ALWAYS for _ in weeks]
    return False, list(weeks)
