"""Reading typed values (durations, percentages, rates, names) from arguments.

Each reader returns ``None`` after reporting what was wrong, so the resolver
can carry on and report every mistake in one run.

Time is *working* time: ``1d`` is 8 working hours, ``1w`` is 5 working days.
"""

from __future__ import annotations

import re

from wmdsl.diagnostics import codes
from wmdsl.model import Duration, Percent, Rate, Ref, Target
from wmdsl.resolve.sink import Sink, did_you_mean, one_of
from wmdsl.syntax.ast import Arg, ArgKind

HOURS_PER_UNIT = {"m": 1 / 60, "h": 1.0, "d": 8.0, "w": 40.0}
UNIT_WORDS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
RATE_UNITS = {"hour": 1.0, "day": 8.0, "week": 40.0, "month": 160.0}
# Words people write for a duration or a missing limit, and what to write instead.
EVERY_WORDS = {
    "hour": "1h",
    "day": "1d",
    "week": "1w",
    "month": "4w",
    "hourly": "1h",
    "daily": "1d",
    "weekly": "1w",
    "biweekly": "2w",
    "fortnightly": "2w",
    "monthly": "4w",
}
NO_LIMIT_WORDS = frozenset({"none", "no", "off", "unlimited", "infinite", "inf", "unbounded", "any"})
OTHER_RATE_UNITS = {"fortnight": ("week", 2.0), "quarter": ("month", 3.0), "year": ("month", 12.0)}
# Numbers have at most this many digits before the point: far beyond any real
# count, duration or rate, while whole numbers stay exact as floats and sums
# and products of them stay finite (400 digits would read as infinity).
MAX_DIGITS = 15
# The widest spread a `cv` may give: past it a few extreme draws make the mean
# of a run, so no simulation settles on it (and a gamma of shape 1/cv² draws
# times that underflow to 0 for all but a few items).
MAX_CV = 10.0
NAME = re.compile(r"[a-z_][a-z0-9_]*\Z")
HANDLE = re.compile(r"@[a-z0-9_.\-]+\Z")
_NUMBER = re.compile(r"(-?[0-9]+(?:\.[0-9]+)?)(.*)\Z", re.S)
_UNIT_CHARACTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_%"  # what may follow a number


def is_name(text: str) -> bool:
    """Whether ``text`` is a name (:data:`NAME`: lower-case letters, digits, ``_``)."""
    # An ASCII identifier with a lower-case letter and no capital is one: three
    # string tests in C, without the regular expression, which is the common
    # case of every name a spec uses. The rest (no letter at all, or not a name)
    # is left to the expression.
    return (text.islower() and text.isascii() and text.isidentifier()) or NAME.match(text) is not None


def is_handle_token(raw: str) -> bool:
    """Whether a HANDLE token (``@`` and letters, digits, ``_ . -``) is a valid handle (:data:`HANDLE`)."""
    # The lexer admits only those characters, so a lower-case letter and no
    # capital settle it; the expression decides the rest (``@``, ``@1``, ``@A``).
    return raw.islower() or HANDLE.match(raw) is not None


def split_number(arg: Arg) -> tuple[float, str] | None:
    """``("3d")`` → ``(3.0, "d")``; ``None`` when ``arg`` is not a number."""
    if arg.kind is not ArgKind.NUMBER:
        return None
    # A NUMBER token is digits, `-` and `.`, then perhaps a unit of letters, `_`
    # or `%`: stripping the unit's characters leaves the number.
    raw = arg.raw
    number = raw.rstrip(_UNIT_CHARACTERS)
    return float(number), raw[len(number) :]


def in_range(sink: Sink, arg: Arg) -> bool:
    """Whether number ``arg`` has at most :data:`MAX_DIGITS` digits before the point (reported if not)."""
    if len(arg.raw) <= MAX_DIGITS:  # the commonest: too short to have too many digits
        return True
    match = _NUMBER.match(arg.raw)
    assert match is not None, "only called on numbers"
    whole = match.group(1).lstrip("-").partition(".")[0].lstrip("0")
    if len(whole) <= MAX_DIGITS:
        return True
    shown = arg.describe()
    if len(arg.raw) > 30:
        shown = f"`{arg.raw[:12]}…{arg.raw[-8:]}` ({len(whole)} digits)"
    sink.error(
        codes.BAD_VALUE,
        arg.span,
        f"number {shown} is too {'small' if arg.raw.startswith('-') else 'large'}",
        f"a number has at most {MAX_DIGITS} digits before the point (up to {'9' * MAX_DIGITS})",
    )
    return False


def read_name(sink: Sink, arg: Arg, what: str) -> str | None:
    """A declared name: lower-case letters, digits and ``_``."""
    if arg.kind is ArgKind.WORD and is_name(arg.raw):
        return arg.raw
    if arg.kind is ArgKind.WORD:
        fixed = re.sub(r"[^a-z0-9_]", "_", arg.raw.lower())
        sink.error(
            codes.BAD_VALUE,
            arg.span,
            f"{arg.describe()} is not a valid {what + ' ' if what else ''}name",
            f"names are lower-case letters, digits and `_`, e.g. `{fixed}`",
        )
    else:
        sink.error(
            codes.BAD_ARGUMENTS,
            arg.span,
            f"expected a {what} name, found {arg.describe()}",
            f"names are lower-case letters, digits and `_`, without quotes, e.g. `{slug(arg.value)}`",
        )
    return None


def slug(text: str) -> str:
    """``"Help desk"`` → ``help_desk``: a valid name made from free text."""
    name = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return name if NAME.match(name) else f"_{name}" if name else "name"


def read_handle(sink: Sink, arg: Arg) -> str | None:
    """A person's ``@handle``."""
    if arg.kind is ArgKind.HANDLE and is_handle_token(arg.raw):
        return arg.raw
    if arg.kind is ArgKind.HANDLE:
        lowered = arg.raw.lower()
        example = lowered if HANDLE.match(lowered) else "@dana"
        sink.error(
            codes.BAD_VALUE,
            arg.span,
            f"{arg.describe()} is not a valid handle",
            f"handles are `@` and lower-case letters, digits, `_`, `.` or `-`, e.g. `{example}`",
        )
    else:
        sink.error(
            codes.BAD_ARGUMENTS,
            arg.span,
            f"expected a @handle, found {arg.describe()}",
            f"people are written with `@`: `@{slug(arg.value)}`",
        )
    return None


def read_ref(sink: Sink, arg: Arg) -> Ref | None:
    """A reference to a name or a person (resolved later)."""
    if arg.kind is ArgKind.HANDLE:
        handle = read_handle(sink, arg)
        return Ref(name=handle, span=arg.span) if handle else None
    if arg.kind is ArgKind.WORD:
        name = read_name(sink, arg, "")
        return Ref(name=name, span=arg.span) if name else None
    hint = "names and @handles are written without quotes"
    if arg.kind in (ArgKind.STRING, ArgKind.TEXT):
        hint += f": `{slug(arg.value)}` or `@{slug(arg.value)}`"
    sink.error(codes.BAD_ARGUMENTS, arg.span, f"expected a name or @handle, found {arg.describe()}", hint)
    return None


def read_duration(sink: Sink, arg: Arg) -> Duration | None:
    """``30m``, ``4h``, ``2d``, ``1w`` (positive, in working time)."""
    number = split_number(arg)
    if number is None:
        every = EVERY_WORDS.get(arg.raw.lower())
        sink.error(
            codes.BAD_VALUE,
            arg.span,
            f"expected a duration, found {arg.describe()}",
            f"write it as a duration: `{every}`"
            if every
            else "write a number and a unit: `30m`, `4h`, `2d` or `1w`",
        )
        return None
    value, unit = number
    if not in_range(sink, arg):
        return None
    if unit not in HOURS_PER_UNIT:
        sink.error(codes.BAD_VALUE, arg.span, *_unit_advice(arg, value, unit))
        return None
    if value <= 0:
        fix = f"`{-value:g}{unit}`" if value < 0 else "a positive time such as `30m`"
        sink.error(codes.BAD_VALUE, arg.span, f"duration {arg.describe()} must be positive", f"write {fix}")
        return None
    return Duration(text=arg.raw, hours=value * HOURS_PER_UNIT[unit], amount=value, unit=unit, span=arg.span)


def in_one_unit(hours: float) -> str:
    """``2.5`` → ``2.5h``; ``1.25`` → ``75m``: a duration written with one unit."""
    for unit in ("w", "d", "h"):
        count = hours / HOURS_PER_UNIT[unit]
        if count >= 1 and round(count, 2) == count:
            return f"{count:g}{unit}"
    return f"{round(hours * 60):g}m"


def _unit_advice(arg: Arg, value: float, unit: str) -> tuple[str, str]:
    units = "units are m (minutes), h (hours), d (days) and w (weeks)"
    if not unit:
        return (
            f"missing unit in duration {arg.describe()}",
            f"add a unit: `{value:g}h` (hours) or `{value:g}d` (working days); units are m, h, d and w",
        )
    guess = unit[:1].lower()
    fix = f": write `{value:g}{guess}`" if guess in HOURS_PER_UNIT else ""
    return f"unknown unit `{unit}` in duration {arg.describe()}", f"{units}{fix}"


def read_percent(sink: Sink, arg: Arg, what: str) -> Percent | None:
    """``85%``, between 0% and 100%."""
    number = split_number(arg)
    if number is not None and not in_range(sink, arg):
        return None
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
        sink.error(
            codes.BAD_VALUE,
            arg.span,
            f"{what} must be between 0% and 100%, found {arg.describe()}",
            "a percentage is a share of the whole: from `0%` to `100%`",
        )
        return None
    return Percent(text=arg.raw, fraction=number[0] / 100, span=arg.span)


def read_count(sink: Sink, arg: Arg, what: str) -> int | None:
    """A whole number of at least 1 (a WIP limit)."""
    number = split_number(arg)
    if number is not None and not in_range(sink, arg):
        return None
    if number is None or number[1] or number[0] != int(number[0]) or number[0] < 1:
        sink.error(
            codes.BAD_VALUE,
            arg.span,
            f"`{what}` must be a whole number of at least 1, found {arg.describe()}",
            _count_hint(arg, number, what),
        )
        return None
    return int(number[0])


def _count_hint(arg: Arg, number: tuple[float, str] | None, what: str) -> str:
    if number is None and arg.raw.lower() in NO_LIMIT_WORDS:
        return f"for no limit, leave `{what}` out; otherwise give a count, e.g. `{what} 3`"
    if number is not None and number[1]:
        return f"a limit counts items and has no unit: `{what} {number[0]:g}`"
    if number is not None and number[0] > 1 and number[0] != int(number[0]):
        low = int(number[0])
        return f"a limit counts whole items: `{what} {low}` or `{what} {low + 1}`"
    return f"e.g. `{what} 3`"


def read_positive(sink: Sink, arg: Arg, what: str) -> float | None:
    """A plain positive number (a capacity in FTE)."""
    number = split_number(arg)
    if number is not None and not in_range(sink, arg):
        return None
    if number is None or number[1] or number[0] <= 0:
        hint = f"e.g. `{what} 0.5` for half-time"
        if number is not None and number[1] == "%" and number[0] > 0:
            hint = f"it is a number of full-time people, not a percentage: `{what} {number[0] / 100:g}`"
        sink.error(
            codes.BAD_VALUE,
            arg.span,
            f"`{what}` must be a positive number, found {arg.describe()}",
            hint,
        )
        return None
    return number[0]


def read_cv(sink: Sink, arg: Arg) -> float | None:
    """A coefficient of variation (``cv 0.8``): a plain number above 0 and at most :data:`MAX_CV`."""
    number = split_number(arg)
    if number is not None and not in_range(sink, arg):
        return None
    if number is None or number[1]:
        hint = "it is the standard deviation over the mean, a plain number: `cv 0.8`"
        if number is not None and number[1] == "%":
            hint = f"it is a ratio, not a percentage: `cv {number[0] / 100:g}`"
        sink.error(codes.BAD_VALUE, arg.span, f"`cv` must be a number, found {arg.describe()}", hint)
        return None
    if number[0] <= 0:
        hint = "for times that never vary, write `variability fixed` instead"
        if number[0] < 0:
            hint = f"a spread is never negative: `cv {-number[0]:g}`"
        sink.error(codes.BAD_VALUE, arg.span, f"`cv` must be greater than 0, found {arg.describe()}", hint)
        return None
    if number[0] > MAX_CV:
        sink.error(
            codes.BAD_VALUE,
            arg.span,
            f"`cv` must be at most {MAX_CV:g}, found {arg.describe()}",
            "past that, a handful of extreme times make up the mean and no simulated run settles "
            "on it; the times of real work seldom spread beyond `cv 3`",
        )
        return None
    return number[0]


def read_rate(sink: Sink, args: list[Arg]) -> Rate | None:
    """``6 per week`` (units: hour, day, week, month)."""
    if len(args) != 3 or args[1].raw != "per":
        if args:
            sink.error(
                codes.BAD_ARGUMENTS,
                args[0].span.to(args[-1].span),
                "expected a rate such as `6 per week`",
                _rate_shape_hint(args),
            )
        return None
    count = split_number(args[0])
    unit = args[2].raw.lower().removesuffix("s")
    if count is not None and not in_range(sink, args[0]):
        return None
    if count is None or count[1] or count[0] <= 0:
        sink.error(
            codes.BAD_VALUE,
            args[0].span,
            f"expected a positive number of items, found {args[0].describe()}",
            f"a rate is a count of items per unit of time, e.g. `6 per {args[2].raw}`",
        )
        return None
    if unit not in RATE_UNITS:
        sink.error(
            codes.BAD_VALUE,
            args[2].span,
            f"unknown rate unit {args[2].describe()}",
            _rate_unit_hint(count[0], unit),
        )
        return None
    text = " ".join(a.raw for a in args)
    return Rate(
        text=text,
        per_hour=count[0] / RATE_UNITS[unit],
        count=count[0],
        unit=unit,
        span=args[0].span.to(args[2].span),
    )


def _rate_shape_hint(args: list[Arg]) -> str:
    units = f"units: {one_of(RATE_UNITS)}"
    if len(args) == 2 and args[1].raw == "per":
        return f"say per what: `{args[0].raw} per week`; {units}"
    if len(args) == 2 and args[1].kind is ArgKind.WORD:
        return f"write `{args[0].raw} per {args[1].raw}`"
    return units


def _rate_unit_hint(count: float, unit: str) -> str:
    units = f"units: {one_of(RATE_UNITS)}"
    if unit in OTHER_RATE_UNITS:
        base, factor = OTHER_RATE_UNITS[unit]
        return f"{units}; `{count:g} per {unit}` is `{count / factor:g} per {base}`"
    return did_you_mean(unit, RATE_UNITS) or units


def read_target(sink: Sink, args: list[Arg], what: str) -> Target | None:
    """``10d at 85%``."""
    if len(args) != 3 or args[1].raw != "at":
        if args:
            sink.error(codes.BAD_ARGUMENTS, args[0].span.to(args[-1].span), *_target_advice(args, what))
        return None
    within = read_duration(sink, args[0])
    share = read_percent(sink, args[2], "the percentile")
    if within is None or share is None:
        return None
    return Target(within=within, percentile=share, span=args[0].span.to(args[2].span))


def _target_advice(args: list[Arg], what: str) -> tuple[str, str]:
    """What to say about a target that is not ``DURATION at PERCENT``."""
    first = split_number(args[0])
    if len(args) == 1 and first is not None and first[1] in HOURS_PER_UNIT:
        return (
            f"`{what}` needs a percentile as well as a duration",
            f"say for what share of items: `{what} {args[0].raw} at 85%` (85% finish within {args[0].raw})",
        )
    if len(args) == 2 and first is not None and args[1].kind is ArgKind.NUMBER:
        return f"`at` is missing in `{what}`", f"write `{what} {args[0].raw} at {args[1].raw}`"
    if len(args) >= 2 and first is not None and not first[1] and args[1].kind is ArgKind.WORD:
        unit = args[1].raw[:1].lower()
        unit = unit if unit in HOURS_PER_UNIT else "d"
        return (
            f"expected {what} as `DURATION at PERCENT`",
            f"write the duration as one word, without a space: `{first[0]:g}{unit}`",
        )
    return f"expected {what} as `DURATION at PERCENT`", f"e.g. `{what} 10d at 85%`"
