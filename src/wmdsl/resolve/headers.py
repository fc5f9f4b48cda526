"""The header of a declaration: ``NAME "Title"``, and ``in LANE`` for a stage.

:func:`read_header` reads it for :mod:`wmdsl.resolve.resolver`, and when the
words are not in that order says what is wrong and how to write it.
"""

from __future__ import annotations

import itertools
from typing import Any

from wmdsl.diagnostics import codes
from wmdsl.resolve import values
from wmdsl.resolve.context import Context
from wmdsl.resolve.readers import LANE
from wmdsl.resolve.schema import KINDS, Kind
from wmdsl.resolve.scope import a
from wmdsl.syntax.ast import Arg, ArgKind, Statement

_NAMED_BY = (ArgKind.WORD, ArgKind.HANDLE)  # what a declaration's name may be
_TITLES = (ArgKind.STRING, ArgKind.TEXT)


def read_header(ctx: Context, kind: Kind, stmt: Statement) -> tuple[str, dict[str, Any]] | None:
    """Read ``NAME "Title"`` (and ``in LANE`` for stages) from a declaration."""
    args = stmt.args
    if not args or args[0].kind not in _NAMED_BY:
        where = args[0].span if args else stmt.keyword.span
        ctx.sink.error(codes.BAD_ARGUMENTS, where, *_missing_name(kind, list(args)))
        return None
    if kind.handle:
        name = values.read_handle(ctx.sink, args[0])
    else:
        name = values.read_name(ctx.sink, args[0], kind.keyword)
    fields: dict[str, Any] = {}
    rest = args[1:]
    if rest and rest[0].kind in _TITLES:
        fields["title"] = rest[0].value
        rest = rest[1:]
    if kind.keyword == "stage" and len(rest) >= 2 and rest[0].raw == "in":
        lane = values.read_ref(ctx.sink, rest[1])
        if lane is not None:
            fields["lane"] = ctx.use(lane, LANE, f"the lane of stage `{name}`")
        rest = rest[2:]
    if rest:
        message, hint = _header_advice(kind, args[0].raw, list(rest), "title" in fields)
        ctx.sink.error(codes.BAD_ARGUMENTS, rest[0].span.to(rest[-1].span), message, hint)
    return (name, fields) if name else None


def _missing_name(kind: Kind, args: list[Arg]) -> tuple[str, str]:
    """What to say when a declaration does not start with its name."""
    keyword = kind.keyword
    titled = bool(args) and args[0].kind in (ArgKind.STRING, ArgKind.TEXT)
    if titled and len(args) > 1 and args[1].kind in (ArgKind.WORD, ArgKind.HANDLE):
        return (
            f"the name of {a(keyword)} comes before its title",
            f"write `{keyword} {args[1].raw} {args[0].raw}`",
        )
    if titled:
        name = values.slug(args[0].value)
        name = f"@{name}" if kind.handle else name
        fix = f"`{keyword} {name} {args[0].raw}`"
        return f"`{keyword}` needs a name", f"write the name before the title, e.g. {fix}"
    return f"`{keyword}` needs a name", f"e.g. `{kind.example}`"


def _header_advice(kind: Kind, name: str, rest: list[Arg], titled: bool) -> tuple[str, str]:
    """What to say about extra words after a declaration's name and title."""
    keyword, first = kind.keyword, rest[0]
    form = f"`{kind.example} {{ … }}`"
    if keyword == "stage" and first.raw == "in":
        return "`in` needs the name of a lane", f"write the lane after it, e.g. `{kind.example}`"
    if first.kind in (ArgKind.STRING, ArgKind.TEXT) and titled:
        return (
            f"{keyword} `{name}` has two titles",
            'keep one; longer text goes in `description "…"` inside the block',
        )
    if first.kind in (ArgKind.STRING, ArgKind.TEXT):
        return (
            f"unexpected title {first.describe()} in the header of {keyword} `{name}`",
            f"the title comes right after the name: {form}",
        )
    if keyword == "stage" and len(rest) == 1 and first.kind is ArgKind.WORD and first.raw not in kind.attrs:
        return (
            f"unexpected {first.describe()} in the header of stage `{name}`",
            f"the lane of a stage comes after `in`: write `in {first.raw}`",
        )
    words = list(itertools.takewhile(lambda arg: arg.raw != "in", rest))
    title_words = all(arg.kind in (ArgKind.WORD, ArgKind.NUMBER) for arg in words)
    one_word = len(words) == 1 and first.raw not in KINDS and first.raw != "workflow"
    if not titled and title_words and (len(words) >= 2 or one_word) and first.raw not in kind.attrs:
        quoted = '"' + " ".join(arg.raw for arg in words) + '"'
        after = " ".join(arg.raw for arg in rest[len(words) :])
        written = " ".join(part for part in (keyword, name, quoted, after) if part)
        return (
            f"the title of {keyword} `{name}` is not in double quotes",
            f"a title goes in double quotes: `{written}`",
        )
    if first.raw in KINDS or first.raw == "workflow":
        return (
            f"`{first.raw}` starts a second statement on the line of {keyword} `{name}`",
            f"put `{first.raw} …` on a new line, or write `;` before it",
        )
    if first.raw in kind.attrs:
        written = " ".join(arg.raw for arg in rest)
        return (
            f"unexpected {first.describe()} in the header of {keyword} `{name}`",
            f"`{first.raw}` is an attribute: move it into the block, `{{ {written} }}`",
        )
    return (
        f"unexpected {first.describe()} in the header of {keyword} `{name}`",
        f"{a(keyword)} is declared as {form}; attributes go inside the block",
    )
