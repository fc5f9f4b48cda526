"""What each keyword means: headers, attributes and how to read them.

A declaration is ``keyword header-args { attribute* }``. This module holds,
for every declaration kind, how to read its header and which attributes its
block accepts, each attribute with its reader (from
:mod:`wmdsl.resolve.readers` and :mod:`wmdsl.resolve.phrases`);
:mod:`wmdsl.resolve.resolver` applies them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wmdsl.model import (
    Board,
    Cadence,
    Calendar,
    Decision,
    Exit,
    ExitKind,
    Intake,
    Join,
    Lane,
    Metric,
    MetricLevel,
    Named,
    Person,
    PersonKind,
    Stage,
    WorkKind,
    WorkType,
)
from wmdsl.resolve import values
from wmdsl.resolve.context import Context
from wmdsl.resolve.phrases import (
    duration,
    escalation,
    hours,
    measured_range,
    members,
    metric_target,
    variability,
    working_hours,
)
from wmdsl.resolve.readers import (
    ANYTHING,
    DECISION,
    NODE,
    OWNER,
    PERSON,
    WORK,
    Reader,
    choice,
    flag,
    phrase,
    ref,
    refs,
    single,
    text,
)

# The loader reads statements with it too, and imports it from here.
from wmdsl.syntax.ast import Arg, Statement


def _percent(ctx: Context, arg: Arg, keyword: str) -> Any:
    return values.read_percent(ctx.sink, arg, keyword)


def _count(ctx: Context, arg: Arg, keyword: str) -> Any:
    return values.read_count(ctx.sink, arg, keyword)


def _positive(ctx: Context, arg: Arg, keyword: str) -> Any:
    return values.read_positive(ctx.sink, arg, keyword)


def _rate(ctx: Context, stmt: Statement, role: str) -> Any:
    return values.read_rate(ctx.sink, phrase(ctx, stmt))


def _sle(ctx: Context, stmt: Statement, role: str) -> Any:
    return values.read_target(ctx.sink, phrase(ctx, stmt), "sle")


@dataclass(frozen=True, slots=True)
class Attr:
    """How to read one attribute into a model field.

    ``many`` attributes may repeat and their values accumulate; a reader that
    returns a dict sets several fields at once. ``needs`` names the attribute
    this one qualifies, with a value for the hint (``variability`` spreads
    the times of ``effort``): written without it, it is an error.
    """

    field: str
    read: Reader
    many: bool = False
    needs: tuple[str, str] | None = None


DURATION = duration
PERCENT = single(_percent, "30%")
DESCRIPTION = Attr("description", text)


@dataclass(frozen=True, slots=True)
class Kind:
    """A declaration kind: its model class, header shape and attributes."""

    keyword: str
    model: type[Named]
    attrs: dict[str, Attr] = field(default_factory=dict)
    handle: bool = False  # named by @handle rather than by name
    example: str = ""


KINDS: dict[str, Kind] = {
    kind.keyword: kind
    for kind in [
        Kind(
            "person",
            Person,
            {
                "capacity": Attr("capacity", single(_positive, "1.0")),
                "kind": Attr("kind", choice(PersonKind)),
            },
            handle=True,
            example='person @dana "Dana Ruiz"',
        ),
        Kind(
            "lane",
            Lane,
            {
                "owner": Attr("owner", ref(OWNER)),
                "members": Attr("members", members, many=True),
                "purpose": Attr("purpose", text),
                "delegate": Attr("delegate", ref(PERSON)),
                "hours": Attr("hours", working_hours),
            },
            example='lane eng "Engineering"',
        ),
        Kind(
            "work",
            WorkType,
            {
                "kind": Attr("kind", choice(WorkKind)),
                "sle": Attr("sle", _sle),
                "purpose": Attr("purpose", text),
                "outcome": Attr("outcome", text),
            },
            example='work feature "Feature"',
        ),
        Kind(
            "intake",
            Intake,
            {
                "owner": Attr("owner", ref(OWNER)),
                "channel": Attr("channel", text),
                "accepts": Attr("accepts", refs(WORK), many=True),
                "criteria": Attr("criteria", text),
                "arrivals": Attr("arrivals", _rate),
                "variability": Attr("variability", variability, needs=("arrivals", "6 per week")),
            },
            example='intake requests "Requests"',
        ),
        Kind(
            "stage",
            Stage,
            {
                "owner": Attr("owner", ref(OWNER)),
                "wip": Attr("wip", single(_count, "4")),
                "effort": Attr("effort", DURATION),
                "variability": Attr("variability", variability, needs=("effort", "2h")),
                "done": Attr("done", text),
            },
            example='stage build "Build" in eng',
        ),
        Kind("exit", Exit, {"kind": Attr("kind", choice(ExitKind))}, example='exit shipped "Shipped"'),
        Kind("join", Join, {}, example='join reviewed "Reviews done"'),
        Kind(
            "calendar",
            Calendar,
            {"hours": Attr("hours", hours)},
            example='calendar support "Support hours"',
        ),
        Kind(
            "decision",
            Decision,
            {
                "decides": Attr("decides", refs(OWNER), many=True),
                "recommends": Attr("recommends", refs(OWNER), many=True),
                "approves": Attr("approves", refs(OWNER), many=True),
                "consults": Attr("consults", refs(OWNER), many=True),
                "informs": Attr("informs", refs(OWNER), many=True),
                "escalates": Attr("escalates", escalation, many=True),
                "delegate": Attr("delegate", ref(PERSON)),
            },
            example='decision scope "Approve scope"',
        ),
        Kind(
            "board",
            Board,
            {
                "owner": Attr("owner", ref(OWNER)),
                "shows": Attr("shows", refs(NODE), many=True),
                "audience": Attr("audience", refs(OWNER), many=True),
            },
            example='board delivery "Delivery board"',
        ),
        Kind(
            "metric",
            Metric,
            {
                "owner": Attr("owner", ref(OWNER)),
                "from": Attr("range", measured_range),
                "to": Attr("range_end", measured_range),
                "target": Attr("target", metric_target),
                "level": Attr("level", choice(MetricLevel)),
            },
            example='metric lead_time "Lead time"',
        ),
        Kind(
            "cadence",
            Cadence,
            {
                "owner": Attr("owner", ref(OWNER)),
                "every": Attr("every", DURATION),
                "reviews": Attr("reviews", refs(ANYTHING), many=True),
            },
            example='cadence retro "Retrospective"',
        ),
    ]
}

for _kind in KINDS.values():
    _kind.attrs.setdefault("description", DESCRIPTION)

#: Per kind, the attributes that qualify another (see :attr:`Attr.needs`): keyword -> (field, needs).
QUALIFIERS: dict[str, dict[str, tuple[str, tuple[str, str]]]] = {
    kind.keyword: found
    for kind in KINDS.values()
    if (found := {key: (attr.field, attr.needs) for key, attr in kind.attrs.items() if attr.needs})
}

HANDOFF_ATTRS: dict[str, Attr] = {
    "gate": Attr("gate", ref(DECISION)),
    "sla": Attr("sla", DURATION),
    "chance": Attr("chance", PERCENT),
    "rework": Attr("rework", flag),
    "when": Attr("condition", text),
}

WORKFLOW_ATTRS: dict[str, Attr] = {
    "owner": Attr("owner", ref(OWNER)),
    "purpose": Attr("purpose", text),
    "hours": Attr("hours", working_hours),
    "description": DESCRIPTION,
}

SHARED_KINDS = ("person", "lane", "work", "decision", "calendar")


def keywords() -> frozenset[str]:
    """Every keyword of a declaration, attribute or handoff attribute."""
    attrs = {name for kind in KINDS.values() for name in kind.attrs}
    return frozenset({*KINDS, *attrs, *HANDOFF_ATTRS, "allow"})
