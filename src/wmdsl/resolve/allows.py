"""``allow CODE "reason"``: a finding accepted, with the reason why.

An ``allow`` may stand at the top of a file or in any block; this module
reads one, and reports a missing or invisible reason, an unknown code, and a
code that no ``allow`` could ever suppress. :mod:`wmdsl.resolve.resolver`
collects them where they are written.
"""

from __future__ import annotations

from wmdsl.diagnostics import codes
from wmdsl.model import Allow
from wmdsl.resolve.hidden import describe, first_hidden, has_visible_text
from wmdsl.resolve.readers import plain
from wmdsl.resolve.sink import Sink, did_you_mean
from wmdsl.syntax.ast import Arg, ArgKind, Statement


def read_allow(sink: Sink, stmt: Statement) -> list[Allow]:
    """``allow CODE "reason"``."""
    args = plain(stmt)
    if stmt.block is not None:
        sink.error(
            codes.BAD_ARGUMENTS,
            stmt.block.span,
            "`allow` takes no block",
            "an `allow` applies to the block it is written in",
        )
    if (
        len(stmt.args) != 2
        or args[0].kind is not ArgKind.WORD
        or args[1].kind
        not in (
            ArgKind.STRING,
            ArgKind.TEXT,
        )
        or not args[1].value.strip()
    ):
        where = args[0].span.to(args[-1].span) if args else stmt.keyword.span
        sink.error(
            codes.BAD_ARGUMENTS,
            where,
            "an `allow` needs a code and a reason",
            'e.g. `allow SYS002 "QA is a service lane for now"`',
        )
        return []
    if not has_visible_text(args[1].value):
        _invisible_reason(sink, args[1])
        return []
    found = codes.lookup(args[0].raw)
    if found is None:
        known = [c.code for c in codes.all_codes()] + [c.name for c in codes.all_codes()]
        sink.error(
            codes.BAD_VALUE,
            args[0].span,
            f"unknown code {args[0].describe()} in `allow`",
            did_you_mean(args[0].raw, known) or "`wmdsl rules` lists every code",
        )
        return []
    if found.family is codes.Family.SYN:
        _not_allowable(sink, found, args[0])
        return []
    span = stmt.keyword.span.to(args[-1].span)
    return [Allow(code=found.code, reason=args[1].value, span=span)]


def _invisible_reason(sink: Sink, reason: Arg) -> None:
    """Report a reason that only looks written: spaces and invisible characters."""
    hidden = first_hidden(reason.value)
    such_as = f", such as {describe(hidden)}" if hidden else ""
    sink.error(
        codes.BAD_ARGUMENTS,
        reason.span,
        "the reason of this `allow` has no visible text",
        f"it has only spaces and invisible characters{such_as}; write why the finding is "
        'acceptable, e.g. `allow SYS002 "QA is a service lane for now"`',
    )


def _not_allowable(sink: Sink, found: codes.Code, arg: Arg) -> None:
    """Report an ``allow`` of a ``SYN`` code: it could never suppress anything.

    Silently accepting one would let a change look as if it silenced a
    language error; an error says plainly that it cannot.
    """
    if found is codes.UNUSED_ALLOW:
        message = f"`allow {found.code}`: an unused `allow` cannot be allowed"
        hint = (
            f'remove the unused `allow`, or turn {found.code} off with `ignore = ["{found.code}"]` '
            "in wmdsl.toml"
        )
    else:
        message = f"`allow {found.code}`: language errors cannot be allowed"
        rules = ", ".join(family.name for family in codes.Family if family is not codes.Family.SYN)
        hint = f"fix the error instead: `allow` accepts rule findings only ({rules})"
    sink.error(codes.BAD_VALUE, arg.span, message, hint)
