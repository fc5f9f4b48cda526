"""How an attribute's words are read, by the shape they take.

One string, one reference, a list of references, one typed value, a word
from an enumeration, a keyword on its own: each is a :data:`Reader`, made
here and named in the tables of :mod:`wmdsl.resolve.schema`. Each reports
what is wrong with the words it is given and returns ``None`` then. The
frozensets say which kinds of declaration a reference may name.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Callable
from typing import Any

from wmdsl.diagnostics import codes
from wmdsl.model import Ref
from wmdsl.resolve import values
from wmdsl.resolve.context import Context
from wmdsl.resolve.scope import Use
from wmdsl.resolve.sink import Sink, did_you_mean, one_of
from wmdsl.syntax.ast import Arg, ArgKind, Block, Statement

Reader = Callable[[Context, Statement, str], Any]

PERSON = frozenset({"person"})
OWNER = frozenset({"person", "lane"})
LANE = frozenset({"lane"})
WORK = frozenset({"work"})
DECISION = frozenset({"decision"})
CALENDAR = frozenset({"calendar"})
NODE = frozenset({"intake", "stage", "join", "exit"})
SOURCE = frozenset({"intake", "stage", "join"})
TARGET = frozenset({"stage", "join", "exit"})
ESCALATION = frozenset({"person", "lane", "decision"})
ANYTHING = frozenset(
    {
        "person",
        "lane",
        "work",
        "calendar",
        "intake",
        "stage",
        "join",
        "exit",
        "decision",
        "board",
        "metric",
        "cadence",
    }
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
    # The tables of keywords are made of these readers, so they are looked up
    # only once a list is read.
    from wmdsl.resolve.schema import keywords

    return keywords()


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


def unqualified(
    sink: Sink,
    block: Block,
    qualifiers: dict[str, tuple[str, tuple[str, str]]],
    fields: dict[str, Any],
    role: str,
) -> None:
    """Report an attribute that qualifies another (``variability`` of ``effort``) written without it.

    ``qualifiers`` maps each such keyword to its field and to the keyword it
    needs with a value for the hint; ``fields`` are those read from ``block``.
    """
    written = {item.keyword.raw: item for item in block.items if type(item) is Statement}
    for keyword, (field, (needed, example)) in qualifiers.items():
        item = written.get(keyword)
        if item is None or field not in fields or needed in written:
            continue  # not written, wrong and reported already, or what it qualifies is there
        sink.error(
            codes.BAD_ARGUMENTS,
            item.keyword.span,
            f"{role} has a `{keyword}` but no `{needed}`",
            f"`{keyword}` says how times spread around the mean `{needed}` gives: "
            f"add `{needed} {example}`, or remove `{keyword}`",
        )
