"""Reading typed values (durations, percentages, rates, names) from arguments.

Each reader returns ``None`` after reporting what was wrong, so the resolver
can carry on and report every mistake in one run.

Time is *working* time: ``1d`` is 8 working hours, ``1w`` is 5 working days.
"""

from __future__ import annotations

import re

from wmdsl import codes
from wmdsl.model import Duration, Percent, Rate, Ref, Target
from wmdsl.resolve.sink import Sink, did_you_mean, one_of
from wmdsl.syntax.ast import Arg, ArgKind

HOURS_PER_UNIT = {"m": 1 / 60, "h": 1.0, "d": 8.0, "w": 40.0}
UNIT_WORDS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
RATE_UNITS = {"hour": 1.0, "day": 8.0, "week": 40.0, "month": 160.0}
NAME = re.compile(r"[a-z_][a-z0-9_]*\Z")
HANDLE = re.compile(r"@[a-z0-9_.\-]+\Z")
_NUMBER = re.compile(r"(-?[0-9]+(?:\.[0-9]+)?)(.*)\Z", re.S)


def split_number(arg: Arg) -> tuple[float, str] | None:
    """``("3d")`` → ``(3.0, "d")``; ``None`` when ``arg`` is not a number."""
    if arg.kind is not ArgKind.NUMBER:
        return None
    match = _NUMBER.match(arg.raw)
    assert match is not None, "the lexer only produces well-formed numbers"
    return float(match.group(1)), match.group(2)


def read_name(sink: Sink, arg: Arg, what: str) -> str | None:
    """A declared name: lower-case letters, digits and ``_``."""
    if arg.kind is ArgKind.WORD and NAME.match(arg.raw):
        return arg.raw
    if arg.kind is ArgKind.WORD:
        fixed = re.sub(r"[^a-z0-9_]", "_", arg.raw.lower())
        sink.error(
            codes.BAD_VALUE,
            arg.span,
            f"{arg.describe()} is not a valid {what} name",
            f"names are lower-case letters, digits and `_`, e.g. `{fixed}`",
        )
    else:
        sink.error(codes.BAD_ARGUMENTS, arg.span, f"expected a {what} name, found {arg.describe()}")
    return None


def read_handle(sink: Sink, arg: Arg) -> str | None:
    """A person's ``@handle``."""
    if arg.kind is ArgKind.HANDLE and HANDLE.match(arg.raw):
        return arg.raw
    if arg.kind is ArgKind.HANDLE:
        sink.error(
            codes.BAD_VALUE,
            arg.span,
            f"{arg.describe()} is not a valid handle",
            "handles are `@` and lower-case letters, digits, `_`, `.` or `-`, e.g. `@dana`",
        )
    else:
        hint = f"people are written with `@`, e.g. `@{arg.raw}`" if arg.kind is ArgKind.WORD else None
        sink.error(codes.BAD_ARGUMENTS, arg.span, f"expected a @handle, found {arg.describe()}", hint)
    return None


def read_ref(sink: Sink, arg: Arg) -> Ref | None:
    """A reference to a name or a person (resolved later)."""
    if arg.kind is ArgKind.HANDLE:
        handle = read_handle(sink, arg)
        return Ref(name=handle, span=arg.span) if handle else None
    if arg.kind is ArgKind.WORD:
        name = read_name(sink, arg, "referenced")
        return Ref(name=name, span=arg.span) if name else None
    sink.error(codes.BAD_ARGUMENTS, arg.span, f"expected a name or @handle, found {arg.describe()}")
    return None


def read_duration(sink: Sink, arg: Arg) -> Duration | None:
    """``30m``, ``4h``, ``2d``, ``1w`` (positive, in working time)."""
    number = split_number(arg)
    if number is None:
        sink.error(
            codes.BAD_VALUE,
            arg.span,
            f"expected a duration, found {arg.describe()}",
            "write a number and a unit: `30m`, `4h`, `2d` or `1w`",
        )
        return None
    value, unit = number
    if unit not in HOURS_PER_UNIT:
        guess = unit[:1].lower()
        what = f"unknown unit `{unit}` in" if unit else "missing unit in"
        fix = f": write `{value:g}{guess}`" if guess in HOURS_PER_UNIT else ""
        sink.error(
            codes.BAD_VALUE,
            arg.span,
            f"{what} duration {arg.describe()}",
            f"units are m (minutes), h (hours), d (days) and w (weeks){fix}",
        )
        return None
    if value <= 0:
        sink.error(codes.BAD_VALUE, arg.span, f"duration {arg.describe()} must be positive")
        return None
    return Duration(text=arg.raw, hours=value * HOURS_PER_UNIT[unit], span=arg.span)


def read_percent(sink: Sink, arg: Arg, what: str) -> Percent | None:
    """``85%``, between 0% and 100%."""
    number = split_number(arg)
    if number is None or number[1] != "%":
        example = "30%"
        if number is not None and not number[1]:
            example = f"{number[0] * 100:g}%" if number[0] <= 1 else f"{number[0]:g}%"
        sink.error(
            codes.BAD_VALUE,
            arg.span,
            f"expected a percentage for {what}, found {arg.describe()}",
            f"write it with `%`, e.g. `{example}`",
        )
        return None
    if not 0 <= number[0] <= 100:
        sink.error(codes.BAD_VALUE, arg.span, f"{what} must be between 0% and 100%, found {arg.describe()}")
        return None
    return Percent(text=arg.raw, fraction=number[0] / 100, span=arg.span)


def read_count(sink: Sink, arg: Arg, what: str) -> int | None:
    """A whole number of at least 1 (a WIP limit)."""
    number = split_number(arg)
    if number is None or number[1] or number[0] != int(number[0]) or number[0] < 1:
        sink.error(
            codes.BAD_VALUE,
            arg.span,
            f"`{what}` must be a whole number of at least 1, found {arg.describe()}",
            f"e.g. `{what} 3`",
        )
        return None
    return int(number[0])


def read_positive(sink: Sink, arg: Arg, what: str) -> float | None:
    """A plain positive number (a capacity in FTE)."""
    number = split_number(arg)
    if number is None or number[1] or number[0] <= 0:
        sink.error(
            codes.BAD_VALUE,
            arg.span,
            f"`{what}` must be a positive number, found {arg.describe()}",
            f"e.g. `{what} 0.5` for half-time",
        )
        return None
    return number[0]


def read_rate(sink: Sink, args: list[Arg]) -> Rate | None:
    """``6 per week`` (units: hour, day, week, month)."""
    if len(args) != 3 or args[1].raw != "per":
        span = args[0].span.to(args[-1].span) if args else None
        if span is not None:
            sink.error(
                codes.BAD_ARGUMENTS,
                span,
                "expected a rate such as `6 per week`",
                f"units: {one_of(RATE_UNITS)}",
            )
        return None
    count = split_number(args[0])
    unit = args[2].raw.lower().removesuffix("s")
    if count is None or count[1] or count[0] <= 0:
        sink.error(
            codes.BAD_VALUE, args[0].span, f"expected a positive number of items, found {args[0].describe()}"
        )
        return None
    if unit not in RATE_UNITS:
        sink.error(
            codes.BAD_VALUE,
            args[2].span,
            f"unknown rate unit {args[2].describe()}",
            did_you_mean(unit, RATE_UNITS) or f"units: {one_of(RATE_UNITS)}",
        )
        return None
    text = " ".join(a.raw for a in args)
    return Rate(text=text, per_hour=count[0] / RATE_UNITS[unit], span=args[0].span.to(args[2].span))


def read_target(sink: Sink, args: list[Arg], what: str) -> Target | None:
    """``10d at 85%``."""
    if len(args) != 3 or args[1].raw != "at":
        if args:
            sink.error(
                codes.BAD_ARGUMENTS,
                args[0].span.to(args[-1].span),
                f"expected {what} as `DURATION at PERCENT`",
                f"e.g. `{what} 10d at 85%`",
            )
        return None
    within = read_duration(sink, args[0])
    share = read_percent(sink, args[2], "the percentile")
    if within is None or share is None:
        return None
    return Target(within=within, percentile=share, span=args[0].span.to(args[2].span))
