"""The attributes with a little grammar of their own.

``members @a, @b 50%`` (people and their shares), ``escalates @dana after
3d``, ``from requests to shipped``, ``target 10d at 85%``, durations
(``effort 2d``, with advice for ``2 days`` and ``1d 4h``), opening hours and
``variability lognormal cv 0.8``: each is a
:data:`~wmdsl.resolve.readers.Reader` named in the tables of
:mod:`wmdsl.resolve.schema`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from wmdsl.diagnostics import Related, codes
from wmdsl.model import Distribution, Escalation, Hours, Member, Ref, Variability
from wmdsl.model.span import Span
from wmdsl.resolve import values
from wmdsl.resolve.context import Context
from wmdsl.resolve.readers import CALENDAR, ESCALATION, NODE, PERSON, list_items, phrase, plain, single
from wmdsl.resolve.scope import Use
from wmdsl.resolve.sink import Sink, did_you_mean, one_of
from wmdsl.syntax.ast import Arg, ArgKind, Statement


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


_single_duration = single(_duration, "2d")


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


DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ROUND_THE_CLOCK = {"24x7": DAYS, "24x6": DAYS[:6], "24x5": DAYS[:5]}
_HOURS_EXAMPLE = "`hours 9-17 mon-fri`, `hours 8-20 mon-sat` or `hours 24x7`"


def working_hours(ctx: Context, stmt: Statement, role: str) -> dict[str, Any] | None:
    """``hours 24x7``, ``hours 9-17 mon-fri``, or the name of a calendar: ``hours office``."""
    args = stmt.args
    if len(args) == 1 and args[0].kind is ArgKind.WORD and values.is_name(args[0].raw):
        word = args[0].raw
        if word.lower() not in ROUND_THE_CLOCK and word.lower().partition("-")[0] not in DAYS:
            found = values.read_ref(ctx.sink, args[0])
            return {"calendar": ctx.use(found, CALENDAR, f"the hours of {role}")} if found else None
    schedule = hours(ctx, stmt, role)
    return {"hours": schedule} if schedule else None


def hours(ctx: Context, stmt: Statement, role: str) -> Hours | None:
    """``hours 24x7``, ``hours 9-17 mon-fri``, ``hours 8.5-17 mon, wed, fri``.

    The lexer splits ``9-17`` and ``24x7`` in two numbers; written without a
    space they are one word of this phrase.
    """
    words = _glued(stmt.args)
    if not words:
        ctx.sink.error(
            codes.BAD_ARGUMENTS, stmt.keyword.span, "`hours` needs opening hours", f"e.g. {_HOURS_EXAMPLE}"
        )
        return None
    (first, first_span), rest = words[0], words[1:]
    span = first_span.to(words[-1][1])
    text = " ".join(word for word, _ in words).replace(" ,", ",")
    if first.lower() in ROUND_THE_CLOCK:
        if rest:
            ctx.sink.error(
                codes.BAD_ARGUMENTS,
                rest[0][1].to(rest[-1][1]),
                f"`{first}` already says which days",
                f"for every hour of some days only, write `hours 0-24 {' '.join(w for w, _ in rest)}`; "
                f"or `hours {first}` alone".replace(" ,", ","),
            )
            return None
        return Hours(text=first.lower(), start=0.0, end=24.0, days=ROUND_THE_CLOCK[first.lower()], span=span)
    window = _window(first)
    if window is None:
        ctx.sink.error(
            codes.BAD_VALUE,
            first_span,
            f"expected opening hours such as `9-17`, found `{first}`",
            f"write the first and last hour of the day: {_HOURS_EXAMPLE}",
        )
        return None
    start, end = window
    if not 0 <= start < end <= 24:
        ctx.sink.error(
            codes.BAD_VALUE,
            first_span,
            f"opening hours `{first}` are not a time of day",
            "hours run from 0 to 24 and the first comes before the last, e.g. `9-17`; "
            "work past midnight is written as `24x7` or `0-24`",
        )
        return None
    days = _days(ctx, rest) if rest else DAYS[:5]
    if days is None:
        return None
    return Hours(text=text, start=start, end=end, days=days, span=span)


def _glued(args: tuple[Arg, ...]) -> list[tuple[str, Span]]:
    """The words of ``args``, with tokens written without a space between them joined."""
    words: list[tuple[str, Span]] = []
    for arg in args:
        if words and arg.kind is not ArgKind.COMMA:
            last, span = words[-1]
            if span.end_line == arg.span.line and span.end_col == arg.span.col and last != ",":
                words[-1] = (last + arg.raw, span.to(arg.span))
                continue
        words.append((arg.raw.strip() if arg.kind is ArgKind.COMMA else arg.raw, arg.span))
    return words


def _window(word: str) -> tuple[float, float] | None:
    start, dash, end = word.partition("-")
    if not dash:
        return None
    try:
        return float(start), float(end)
    except ValueError:
        return None


def _days(ctx: Context, words: list[tuple[str, Span]]) -> tuple[str, ...] | None:
    """``mon-fri`` or ``mon, wed, fri``: the open days, in week order."""
    found: set[str] = set()
    for word, span in words:
        if word == ",":
            continue
        first, dash, last = word.lower().partition("-")
        unknown = next((d for d in (first, last) if d and d not in DAYS), None)
        if unknown is not None or (dash and not last):
            ctx.sink.error(
                codes.BAD_VALUE,
                span,
                f"unknown day `{unknown or word}` in opening hours",
                (did_you_mean(unknown, DAYS) if unknown else None)
                or f"days are {one_of(DAYS)}; a range is `mon-fri`",
            )
            return None
        if dash:
            i, j = DAYS.index(first), DAYS.index(last)
            if i > j:
                ctx.sink.error(
                    codes.BAD_VALUE,
                    span,
                    f"the days `{word}` run backwards",
                    "a range runs forward through the week, e.g. `mon-fri`; "
                    "list days that wrap past Sunday one by one: `fri, sat, sun, mon`",
                )
                return None
            found.update(DAYS[i : j + 1])
        else:
            found.add(first)
    return tuple(d for d in DAYS if d in found)


DISTRIBUTIONS = tuple(member.value for member in Distribution)
_VARIABILITY_EXAMPLE = "`variability lognormal cv 0.8`"
_NOT_NORMAL = "a normal distribution can draw negative times; a lognormal cannot, and is skewed as work is"
# Words people write for a distribution wmdsl names otherwise, and why that one.
_DISTRIBUTION_WORDS = {
    "poisson": ("exponential", "Poisson arrivals are exponential times between them"),
    "markov": ("exponential", "memoryless times are exponential"),
    "markovian": ("exponential", "memoryless times are exponential"),
    "memoryless": ("exponential", "memoryless times are exponential"),
    "random": ("exponential", "purely random arrivals (Poisson) are exponential times between them"),
    "regular": ("fixed", "a regular drumbeat is the same time every time"),
    "constant": ("fixed", "times that never vary are `fixed`"),
    "deterministic": ("fixed", "times that never vary are `fixed`"),
    "none": ("fixed", "times that never vary are `fixed`"),
    "normal": ("lognormal", _NOT_NORMAL),
    "gaussian": ("lognormal", _NOT_NORMAL),
    "erlang": ("gamma", "an Erlang of k phases is a gamma with `cv` 1/√k: `gamma cv 0.5` for k = 4"),
    "bursty": ("gamma", "bursty times spread more than exponential ones: `gamma cv 2`"),
}


def variability(ctx: Context, stmt: Statement, role: str) -> Variability | None:
    """``variability lognormal cv 0.8``: the distribution of random times around their mean."""
    return read_variability(ctx.sink, phrase(ctx, stmt), stmt.keyword.span)


def read_variability(sink: Sink, args: list[Arg], keyword: Span) -> Variability | None:
    """``lognormal cv 0.8`` after ``variability`` (written at ``keyword``), also for ``--set``."""
    if not args:
        sink.error(
            codes.BAD_ARGUMENTS,
            keyword,
            "`variability` needs a distribution",
            f"e.g. {_VARIABILITY_EXAMPLE}; the distributions are {one_of(DISTRIBUTIONS)}",
        )
        return None
    first, rest = args[0], args[1:]
    if first.kind is ArgKind.NUMBER:
        sink.error(
            codes.BAD_ARGUMENTS,
            first.span,
            f"`variability` starts with a distribution, found {first.describe()}",
            f"name the distribution first: `variability lognormal cv {first.raw}` (or `gamma`)",
        )
        return None
    distribution = read_distribution(sink, first)
    if distribution is None:
        return None
    cv: float | None = None
    if rest:
        written = _cv_words(sink, first, rest)
        if written is None:
            return None
        cv = values.read_cv(sink, written)
        if cv is None:
            return None
        if not cv_fits(sink, distribution, cv, rest[0].span.to(written.span)):
            return None
    effective = {Distribution.FIXED: 0.0, Distribution.EXPONENTIAL: 1.0}.get(distribution, cv or 1.0)
    text = " ".join(arg.raw for arg in args)
    return Variability(text=text, distribution=distribution, cv=effective, span=first.span.to(args[-1].span))


def read_distribution(sink: Sink, arg: Arg) -> Distribution | None:
    """One of :data:`DISTRIBUTIONS`; the words people use for them get the name to write."""
    if arg.kind is ArgKind.WORD and arg.raw in DISTRIBUTIONS:
        return Distribution(arg.raw)
    known = f"the distributions are {one_of(DISTRIBUTIONS)}"
    word = arg.raw if arg.kind is ArgKind.WORD else arg.value
    advice = _DISTRIBUTION_WORDS.get(word.lower())
    if advice is not None:
        hint = f"write `{advice[0]}`: {advice[1]}"
    elif arg.kind in (ArgKind.STRING, ArgKind.TEXT) and word in DISTRIBUTIONS:
        hint = f"write it without quotes: `variability {word}`"
    else:
        hint = did_you_mean(word.lower(), DISTRIBUTIONS) or known
    sink.error(codes.BAD_VALUE, arg.span, f"unknown distribution {arg.describe()}", hint)
    return None


def _cv_words(sink: Sink, first: Arg, rest: list[Arg]) -> Arg | None:
    """The number of ``cv NUMBER`` after the distribution, reporting any other words."""
    if rest[0].raw == "cv" and len(rest) == 2:
        return rest[1]
    span = rest[0].span.to(rest[-1].span)
    if rest[0].raw != "cv" and len(rest) == 1 and rest[0].kind is ArgKind.NUMBER:
        message = f"`cv` is missing before `{rest[0].raw}`"
        hint = f"write `variability {first.raw} cv {rest[0].raw}`"
    elif rest[0].raw == "cv" and len(rest) == 1:
        message = "`cv` needs a number"
        hint = f"give the standard deviation over the mean: `variability {first.raw} cv 0.8`"
    elif rest[0].raw == "cv":
        span = rest[2].span.to(rest[-1].span)
        message = "too many values for `variability`"
        hint = f"write it as `variability {first.raw} cv {rest[1].raw}`"
    else:
        message = f"expected `cv` after the distribution, found {rest[0].describe()}"
        hint = f"write it as `variability {first.raw} cv 0.8`, or `variability {first.raw}` alone"
    sink.error(codes.BAD_ARGUMENTS, span, message, hint)
    return None


def cv_fits(sink: Sink, distribution: Distribution, cv: float, span: Span) -> bool:
    """Whether ``distribution`` can have this ``cv``: a fixed time has none, an exponential's is 1."""
    if distribution is Distribution.FIXED:
        sink.error(
            codes.BAD_VALUE,
            span,
            "`fixed` times do not vary: `fixed` takes no `cv`",
            f"remove `cv {cv:g}`, or write `gamma cv {cv:g}` or `lognormal cv {cv:g}` for times that vary",
        )
        return False
    if distribution is Distribution.EXPONENTIAL and cv != 1:
        sink.error(
            codes.BAD_VALUE,
            span,
            f"an exponential's `cv` is always 1, found `cv {cv:g}`",
            f"for another spread write `gamma cv {cv:g}` or `lognormal cv {cv:g}`",
        )
        return False
    return True
