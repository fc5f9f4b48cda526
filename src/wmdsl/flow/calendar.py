"""Working calendars: how rates, elapsed durations and people's time read in a workflow's hours.

A workflow runs by its ``hours`` (or the named ``calendar`` they name), by
default 9-17 Monday to Friday. Every figure of the analysis is in the
workflow's *open hours*, and this module is the one place that converts to
them (see the calendar section of docs/language.md):

- a rate ``N per day`` is N per open day, ``per week`` per week and
  ``per month`` per four weeks: N / per_day, N / per_week or N / (4·per_week)
  items an open hour (``per hour`` stays as written);
- an elapsed duration (an SLA, an SLE, a metric's target, an escalation's
  delay, a cadence) follows the calendar too: ``1d`` is per_day open hours and
  ``1w`` per_week; ``m`` and ``h`` are as written. Effort is a person's work,
  not elapsed time, so it keeps :attr:`wmdsl.model.Duration.hours` (8 hours a day);
- a full-time equivalent works :data:`FTE_HOURS_PER_WEEK` hours a week, so
  one FTE of a lane open ``L`` hours a week gives min(40, L) / W servers for
  each open hour of a workflow open ``W`` hours a week (:func:`servers_per_fte`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from wmdsl.model import Calendar, Document, Duration, Hours, Lane, Rate, Ref, Workflow

__all__ = [
    "FTE_HOURS_PER_WEEK",
    "OFFICE_HOURS",
    "Schedule",
    "calendars",
    "lane_schedule",
    "open_hours",
    "per_open_hour",
    "schedule_of",
    "servers_per_fte",
    "workflow_schedule",
]

#: The hours a week one full-time equivalent works.
FTE_HOURS_PER_WEEK = 40.0
WEEKS_PER_MONTH = 4.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Schedule:
    """Open hours as the analysis uses them: hours a day and a week, and where they come from."""

    text: str  # as written (``24x7``, ``9-17 mon-fri``)
    per_day: float  # open hours in one open day
    per_week: float  # open hours in one week
    calendar: str | None = None  # the named calendar they come from, if any
    defaulted: bool = False  # not written: the default office hours

    @property
    def described(self) -> str:
        """``24x7 (24 h a day, 168 h a week)``, with the calendar's name when there is one."""
        name = f"calendar `{self.calendar}`: " if self.calendar else ""
        return f"{name}{self.text} ({self.per_day:g} h a day, {self.per_week:g} h a week)"

    def days(self, hours: float) -> float:
        """``hours`` of open time in open days."""
        return hours / self.per_day


#: The hours of a workflow that says none.
OFFICE_HOURS = Schedule(text="9-17 mon-fri", per_day=8.0, per_week=40.0, defaulted=True)


def calendars(document: Document, workflow: Workflow | None = None) -> dict[str, Calendar]:
    """The calendars in scope: the document's shared ones, then the workflow's own."""
    found = {c.name: c for c in document.shared.calendars}
    if workflow is not None:
        found.update((c.name, c) for c in workflow.calendars)
    return found


def schedule_of(hours: Hours | None, ref: Ref | None, known: Mapping[str, Calendar]) -> Schedule | None:
    """The schedule of ``hours`` or of the calendar ``ref`` names; ``None`` when neither is given.

    A named calendar without ``hours`` (or one not in ``known``) reads as the
    default office hours, marked :attr:`Schedule.defaulted`.
    """
    if hours is not None:
        return _from_hours(hours, None)
    if ref is None:
        return None
    calendar = known.get(ref.name)
    if calendar is None or calendar.hours is None:
        return Schedule(text=OFFICE_HOURS.text, per_day=8.0, per_week=40.0, calendar=ref.name, defaulted=True)
    return _from_hours(calendar.hours, calendar.name)


def _from_hours(hours: Hours, calendar: str | None) -> Schedule:
    return Schedule(text=hours.text, per_day=hours.per_day, per_week=hours.per_week, calendar=calendar)


def workflow_schedule(workflow: Workflow, known: Mapping[str, Calendar]) -> Schedule:
    """The hours ``workflow`` runs by (the default office hours when it gives none)."""
    return schedule_of(workflow.hours, workflow.calendar, known) or OFFICE_HOURS


def lane_schedule(lane: Lane, known: Mapping[str, Calendar]) -> Schedule | None:
    """The lane's own hours; ``None`` when it works the workflow's."""
    return schedule_of(lane.hours, lane.calendar, known)


def per_open_hour(rate: Rate, schedule: Schedule) -> float:
    """Items per open hour of ``schedule``."""
    if rate.unit == "hour":
        return rate.count
    if rate.unit == "day":
        return rate.count / schedule.per_day
    if rate.unit == "week":
        return rate.count / schedule.per_week
    return rate.count / (WEEKS_PER_MONTH * schedule.per_week)


def open_hours(duration: Duration, schedule: Schedule) -> float:
    """An elapsed duration in open hours of ``schedule`` (``1d`` = a day's open hours)."""
    if duration.unit == "d":
        return duration.amount * schedule.per_day
    if duration.unit == "w":
        return duration.amount * schedule.per_week
    return duration.hours


def servers_per_fte(workflow: Schedule, lane: Schedule | None = None) -> float:
    """The servers one FTE gives each open hour of ``workflow``, working ``lane``'s hours.

    min(40, the lane's open hours a week) / the workflow's: 1 on office
    hours, 40/168 around the clock (one seat around the clock takes 4.2 FTE).
    """
    worked = (lane or workflow).per_week
    return min(FTE_HOURS_PER_WEEK, worked) / workflow.per_week
