"""What each keyword means: headers, attributes and how to read them.

A declaration is ``keyword header-args { attribute* }``. This module holds,
for every declaration kind, how to read its header and which attributes its
block accepts; :mod:`wmdsl.resolve.resolver` applies them.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from wmdsl.diagnostics import Related, codes
from wmdsl.model import (
    Board,
    Cadence,
    Decision,
    Escalation,
    Exit,
    ExitKind,
    Intake,
    Lane,
    Member,
    Metric,
    Named,
    Person,
    PersonKind,
    Ref,
    Stage,
    WorkKind,
    WorkType,
)
from wmdsl.resolve import values
from wmdsl.resolve.context import Context
from wmdsl.resolve.scope import Use
from wmdsl.resolve.sink import did_you_mean, one_of
from wmdsl.syntax.ast import Arg, ArgKind, Statement

Reader = Callable[[Context, Statement, str], Any]

PERSON = frozenset({"person"})
OWNER = frozenset({"person", "lane"})
LANE = frozenset({"lane"})
WORK = frozenset({"work"})
DECISION = frozenset({"decision"})
NODE = frozenset({"intake", "stage", "exit"})
SOURCE = frozenset({"intake", "stage"})
TARGET = frozenset({"stage", "exit"})
ESCALATION = frozenset({"person", "lane", "decision"})
ANYTHING = frozenset(
    {"person", "lane", "work", "intake", "stage", "exit", "decision", "board", "metric", "cadence"}
)


def plain(stmt: Statement) -> list[Arg]:
    """The arguments of ``stmt`` without list commas."""
    return [a for a in stmt.args if a.kind is not ArgKind.COMMA]


def phrase(ctx: Context, stmt: Statement) -> list[Arg]:
    """The words of a phrase-like value (``@dana after 3d``), reporting any comma."""
    words = plain(stmt)
    fixed = " ".join([stmt.keyword.raw, *(a.raw for a in words)])
    for arg in stmt.args:
        if arg.kind is ArgKind.COMMA:
            ctx.sink.error(
                codes.BAD_ARGUMENTS,
                arg.span,
                f"unexpected `,` in `{stmt.keyword.raw}`",
                f"only lists are separated by commas: write `{fixed}`",
            )
    return words


def list_items(ctx: Context, stmt: Statement) -> list[Arg]:
    """The items of a list attribute, reporting a leading, trailing or doubled comma."""
    previous: Arg | None = None
    for arg in stmt.args:
        stray = arg.kind is ArgKind.COMMA and (previous is None or previous.kind is ArgKind.COMMA)
        if stray:
            ctx.sink.error(
                codes.BAD_ARGUMENTS,
                arg.span.to(arg.span),
                "unexpected `,`: a list item is missing here",
                f"list items are separated by single commas: `{stmt.keyword.raw} a, b`",
            )
        previous = arg
    if previous is not None and previous.kind is ArgKind.COMMA and len(stmt.args) > 1:
        ctx.sink.error(
            codes.BAD_ARGUMENTS,
            previous.span,
            "unexpected `,` at the end of the list",
            "remove the trailing comma",
        )
    return plain(stmt)


def _expect_count(ctx: Context, stmt: Statement, count: int, example: str) -> list[Arg] | None:
    if len(stmt.args) == count and all(a.kind is not ArgKind.COMMA for a in stmt.args):
        return list(stmt.args)  # the commonest: just the values asked for
    args = plain(stmt)
    if len(args) == count and len(stmt.args) == count:
        return args
    keyword = stmt.keyword.raw
    if len(args) < count:
        where = stmt.keyword.span
        message = f"`{keyword}` needs a value"
    else:
        where = args[count].span.to(stmt.args[-1].span) if len(args) > count else stmt.span
        message = f"too many values for `{keyword}`"
    ctx.sink.error(codes.BAD_ARGUMENTS, where, message, f"write it as `{keyword} {example}`")
    return None


def text(ctx: Context, stmt: Statement, role: str) -> str | None:
    """One string: ``purpose "…"``."""
    words = stmt.args
    if len(words) > 1 and all(a.kind in (ArgKind.WORD, ArgKind.NUMBER, ArgKind.COMMA) for a in words):
        written = " ".join(a.raw for a in words).replace(" ,", ",")
        ctx.sink.error(
            codes.BAD_ARGUMENTS,
            words[0].span.to(words[-1].span),
            f"`{stmt.keyword.raw}` takes a string in double quotes",
            f'write `{stmt.keyword.raw} "{written}"`',
        )
        return None
    args = _expect_count(ctx, stmt, 1, '"…"')
    if args is None:
        return None
    if args[0].kind not in (ArgKind.STRING, ArgKind.TEXT):
        ctx.sink.error(
            codes.BAD_ARGUMENTS,
            args[0].span,
            f"`{stmt.keyword.raw}` takes a string, found {args[0].describe()}",
            f'put it in double quotes: `{stmt.keyword.raw} "{args[0].raw}"`',
        )
        return None
    return args[0].value


def ref(kinds: frozenset[str]) -> Reader:
    """One reference to a name of one of ``kinds``: ``owner @lee``."""

    def read(ctx: Context, stmt: Statement, role: str) -> Ref | None:
        example = "@someone" if "person" in kinds else "name"
        several = plain(stmt)
        if len(several) > 1 and all(a.kind in (ArgKind.WORD, ArgKind.HANDLE) for a in several):
            keyword = stmt.keyword.raw
            ctx.sink.error(
                codes.BAD_ARGUMENTS,
                several[1].span.to(stmt.args[-1].span),
                f"`{keyword}` takes one {'person' if kinds == PERSON else 'person or lane'}, "
                f"found {len(several)}",
                f"one is accountable: keep `{keyword} {several[0].raw}`"
                + (" and list the others under `members`" if role.startswith("lane") else ""),
            )
            return None
        args = _expect_count(ctx, stmt, 1, example)
        found = values.read_ref(ctx.sink, args[0]) if args else None
        return ctx.use(found, kinds, f"the {stmt.keyword.raw} of {role}") if found else None

    return read


def refs(kinds: frozenset[str]) -> Reader:
    """A list of references: ``shows triage, build``."""

    def read(ctx: Context, stmt: Statement, role: str) -> list[Ref] | None:
        args = list_items(ctx, stmt)
        if not args:
            ctx.sink.error(
                codes.BAD_ARGUMENTS,
                stmt.keyword.span,
                f"`{stmt.keyword.raw}` needs at least one name",
                f"e.g. `{stmt.keyword.raw} a, b`",
            )
            return None
        what = f"the {stmt.keyword.raw} list of {role}"
        line_end_commas = {
            id(arg): comma.span
            for comma, arg in itertools.pairwise(stmt.args)
            if comma.kind is ArgKind.COMMA and arg.span.line > comma.span.line
        }
        found: list[Ref] = []
        swallowed: str | None = None
        for arg in args:
            ref = values.read_ref(ctx.sink, arg)
            if ref is None:
                continue
            comma = line_end_commas.get(id(arg))
            if swallowed is None and comma is not None and arg.raw in _keywords():
                swallowed = arg.raw
                ctx.uses.append(Use(ref, kinds, what, comma=comma))
            else:
                ctx.uses.append(Use(ref, kinds, what, after=swallowed))
            found.append(ref)
        return found

    return read


def _keywords() -> frozenset[str]:
    """Every keyword of a declaration, attribute or handoff attribute."""
    attrs = {name for kind in KINDS.values() for name in kind.attrs}
    return frozenset({*KINDS, *attrs, *HANDOFF_ATTRS, "allow"})


def single(read_one: Callable[[Context, Arg, str], Any], example: str) -> Reader:
    """An attribute with one typed value: ``wip 4``, ``effort 2h``."""

    def read(ctx: Context, stmt: Statement, role: str) -> Any:
        args = _expect_count(ctx, stmt, 1, example)
        return read_one(ctx, args[0], stmt.keyword.raw) if args else None

    return read


def choice(kind: type[enum.Enum]) -> Reader:
    """One word from an enumeration: ``kind rejected``."""
    allowed = [str(member.value) for member in kind]

    def read(ctx: Context, stmt: Statement, role: str) -> enum.Enum | None:
        args = _expect_count(ctx, stmt, 1, allowed[0])
        if args is None:
            return None
        arg = args[0]
        if arg.kind is ArgKind.WORD and arg.raw in allowed:
            return kind(arg.raw)
        ctx.sink.error(
            codes.BAD_VALUE,
            arg.span,
            f"unknown {stmt.keyword.raw} {arg.describe()} for {role}",
            did_you_mean(arg.raw, allowed) or f"use one of {one_of(allowed)}",
        )
        return None

    return read


def flag(ctx: Context, stmt: Statement, role: str) -> bool | None:
    """A keyword on its own: ``rework``."""
    if stmt.args:
        keyword, first = stmt.keyword.raw, stmt.args[0]
        hint = f"write `{keyword}` on its own"
        if first.kind is ArgKind.NUMBER and first.raw.endswith("%"):
            hint = f"give the share of items separately: `{keyword}; chance {first.raw}`"
        ctx.sink.error(
            codes.BAD_ARGUMENTS,
            first.span.to(stmt.args[-1].span),
            f"`{keyword}` takes no value",
            hint,
        )
        return None
    return True


def members(ctx: Context, stmt: Statement, role: str) -> list[Member] | None:
    """``members @a, @b 50%``: people with an optional share of their capacity."""
    result: list[Member] = []
    args = list_items(ctx, stmt)
    if not args:
        ctx.sink.error(
            codes.BAD_ARGUMENTS,
            stmt.keyword.span,
            "`members` needs at least one person",
            "e.g. `members @ana, @raj 50%`",
        )
        return None
    for arg in args:
        if arg.kind is ArgKind.NUMBER and result and result[-1].allocation is None:
            share = values.read_percent(ctx.sink, arg, "an allocation")
            if share is not None:
                result[-1] = replace(result[-1], allocation=share)
            continue
        if arg.kind is ArgKind.NUMBER:
            _misplaced_share(ctx, arg, result[-1] if result else None)
            continue
        if arg.kind is ArgKind.WORD and values.is_name(arg.raw):
            # Whether `desk` is a lane or a person missing its `@` is known
            # only once every name is declared.
            ref = Ref(name=arg.raw, span=arg.span)
            ctx.uses.append(Use(ref, PERSON, f"the members of {role}", bare=True))
            continue
        handle = values.read_handle(ctx.sink, arg)
        if handle is None:
            continue
        twice = next((m for m in result if m.person.name == handle), None)
        if twice is not None:
            ctx.sink.error(
                codes.DUPLICATE,
                arg.span,
                f"`{handle}` is listed twice in the members of {role}",
                "list each person once",
                [Related(twice.span, "first listed here")],
            )
            continue
        person = ctx.use(Ref(name=handle, span=arg.span), PERSON, f"the members of {role}")
        result.append(Member(person=person, span=arg.span))
    return result


def _misplaced_share(ctx: Context, arg: Arg, previous: Member | None) -> None:
    if previous is None:
        message, hint = "a share must follow a person", f"write it after the @handle: `@ana {arg.raw}`"
    else:
        who = previous.person.name
        share = previous.allocation.text if previous.allocation else "50%"
        message = f"`{who}` already has a share"
        hint = f"a member takes one share of their time: keep `{who} {share}` or `{who} {arg.raw}`"
    ctx.sink.error(codes.BAD_ARGUMENTS, arg.span, message, hint)


def escalation(ctx: Context, stmt: Statement, role: str) -> list[Escalation] | None:
    """``escalates @dana after 3d``."""
    args = phrase(ctx, stmt)
    shape_ok = len(args) == 1 or (len(args) == 3 and args[1].raw == "after")
    if not shape_ok:
        span = args[0].span.to(args[-1].span) if args else stmt.keyword.span
        ctx.sink.error(codes.BAD_ARGUMENTS, span, *_escalation_advice(args))
        return None
    to = values.read_ref(ctx.sink, args[0])
    after = values.read_duration(ctx.sink, args[2]) if len(args) == 3 else None
    if to is None or (len(args) == 3 and after is None):
        return None
    ctx.use(to, ESCALATION, f"the escalation of {role}")
    return [Escalation(to=to, after=after, span=args[0].span.to(args[-1].span))]


def _escalation_advice(args: list[Arg]) -> tuple[str, str]:
    who = args[0].raw if args else "@dana"
    if len(args) == 2 and args[1].kind is ArgKind.NUMBER:
        return f"`after` is missing before `{args[1].raw}`", f"write `escalates {who} after {args[1].raw}`"
    if len(args) == 2 and args[1].raw == "after":
        return "`after` needs a duration", f"say how long to wait first: `escalates {who} after 3d`"
    if not args:
        return (
            "`escalates` needs a person, a lane or a decision",
            "say who takes the decision over: `escalates @dana after 3d`",
        )
    return "expected `escalates WHO after DURATION`", "e.g. `escalates @dana after 3d`"


def measured_range(ctx: Context, stmt: Statement, role: str) -> dict[str, Ref] | None:
    """``from requests to shipped`` (or ``to shipped`` alone)."""
    args = phrase(ctx, stmt)
    keyword = stmt.keyword.raw
    if keyword == "from" and len(args) == 3 and args[1].raw == "to":
        pairs = [("start", args[0]), ("end", args[2])]
    elif len(args) == 1:
        pairs = [("start" if keyword == "from" else "end", args[0])]
    else:
        span = args[0].span.to(args[-1].span) if args else stmt.keyword.span
        message, hint = "expected `from NODE to NODE`", "e.g. `from requests to shipped`"
        if keyword == "from" and len(args) == 2 and args[1].raw == "to":
            message = "`to` needs the node where measuring ends"
            hint = f"name the node where it ends, e.g. `from {args[0].raw} to shipped`"
        ctx.sink.error(codes.BAD_ARGUMENTS, span, message, hint)
        return None
    found: dict[str, Ref] = {}
    for field_name, arg in pairs:
        node = values.read_ref(ctx.sink, arg)
        if node is not None:
            found[field_name] = ctx.use(node, NODE, f"the range of {role}")
    return found


def metric_target(ctx: Context, stmt: Statement, role: str) -> dict[str, Any] | None:
    """``target 10d at 85%`` (a lead time) or ``target 5 per week`` (throughput)."""
    args = phrase(ctx, stmt)
    if len(args) >= 2 and args[1].raw == "per":
        rate = values.read_rate(ctx.sink, args)
        return {"throughput": rate} if rate else None
    target = values.read_target(ctx.sink, args, "target")
    return {"target": target} if target else None


def _duration(ctx: Context, arg: Arg, keyword: str) -> Any:
    return values.read_duration(ctx.sink, arg)


def duration(ctx: Context, stmt: Statement, role: str) -> Any:
    """``effort 2d``; ``effort 2 days`` is reported as one mistake, with the fix."""
    if len(stmt.args) <= 1:  # one value (or none): nothing to say about several
        return _single_duration(ctx, stmt, role)
    args = plain(stmt)
    numbers = [arg for arg in args if arg.kind is ArgKind.NUMBER]
    fits = [values.in_range(ctx.sink, arg) for arg in numbers]  # each one too large is reported
    if not all(fits):
        return None
    number = values.split_number(args[0]) if len(args) == 2 else None
    if number is not None and not number[1] and args[1].kind is ArgKind.WORD:
        unit = args[1].raw[:1].lower()
        unit = unit if unit in values.HOURS_PER_UNIT else "d"
        ctx.sink.error(
            codes.BAD_VALUE,
            args[0].span.to(args[1].span),
            f"a duration is one word: `{args[0].raw} {args[1].raw}` has a space",
            f"write `{stmt.keyword.raw} {number[0]:g}{unit}` (units: m, h, d and w)",
        )
        return None
    parts = [values.split_number(arg) for arg in args]
    if len(args) > 1 and all(part and part[1] in values.HOURS_PER_UNIT for part in parts):
        hours = sum(part[0] * values.HOURS_PER_UNIT[part[1]] for part in parts if part)
        ctx.sink.error(
            codes.BAD_VALUE,
            args[0].span.to(args[-1].span),
            f"a duration has one unit: `{' '.join(a.raw for a in args)}` has {len(args)}",
            f"write it in one unit: `{stmt.keyword.raw} {values.in_one_unit(hours)}`",
        )
        return None
    return _single_duration(ctx, stmt, role)


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
    returns a dict sets several fields at once.
    """

    field: str
    read: Reader
    many: bool = False


_single_duration = single(_duration, "2d")
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
            },
            example='lane eng "Engineering"',
        ),
        Kind(
            "work",
            WorkType,
            {"kind": Attr("kind", choice(WorkKind)), "sle": Attr("sle", _sle)},
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
                "done": Attr("done", text),
            },
            example='stage build "Build" in eng',
        ),
        Kind("exit", Exit, {"kind": Attr("kind", choice(ExitKind))}, example='exit shipped "Shipped"'),
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

HANDOFF_ATTRS: dict[str, Attr] = {
    "gate": Attr("gate", ref(DECISION)),
    "sla": Attr("sla", DURATION),
    "chance": Attr("chance", PERCENT),
    "rework": Attr("rework", flag),
}

WORKFLOW_ATTRS: dict[str, Attr] = {
    "owner": Attr("owner", ref(OWNER)),
    "purpose": Attr("purpose", text),
    "description": DESCRIPTION,
}

SHARED_KINDS = ("person", "lane", "work", "decision")
