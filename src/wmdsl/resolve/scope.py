"""Symbol tables: what each name means, where it was declared."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from wmdsl.diagnostics import Related, codes
from wmdsl.model import Ref
from wmdsl.model.span import Span
from wmdsl.resolve.sink import Sink, closest, did_you_mean, one_of

ARTICLE = {"intake": "an intake", "exit": "an exit", "work": "a work type"}


def a(kind: str) -> str:
    """``a lane``, ``an exit``."""
    return ARTICLE.get(kind, f"a {kind}")


def any_of(kinds: frozenset[str]) -> str:
    """``an intake or a stage`` for a message."""
    words = [a(k) for k in sorted(kinds)]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


@dataclass(frozen=True, slots=True)
class Symbol:
    """A declared name: its kind and where it was declared."""

    kind: str
    span: Span


@dataclass(slots=True)
class Scope:
    """Names declared in one scope, falling back to an enclosing one."""

    parent: Scope | None = None
    symbols: dict[str, Symbol] = field(default_factory=dict)

    def get(self, name: str) -> Symbol | None:
        """The symbol ``name`` means here, if any."""
        found = self.symbols.get(name)
        if found is None and self.parent is not None:
            return self.parent.get(name)
        return found

    def declare(self, sink: Sink, kind: str, name: str, span: Span, shown: str | None = None) -> bool:
        """Declare ``name``; report a duplicate (pointing at both) and return False."""
        first = self.get(name)
        if first is None:
            self.symbols[name] = Symbol(kind, span)
            return True
        if name.startswith("@") or first.kind == "workflow":
            message = f"{first.kind} `{shown or name}` is already declared"
        else:
            message = f"name `{name}` is already declared (as {a(first.kind)})"
        hint = "rename one of them, or remove the repeat"
        if name not in self.symbols:
            # The first one is shared: a workflow sees it and may not redeclare it.
            shared = f"{first.kind} `{shown or name}`"
            hint = f"this workflow already sees the shared {shared}: remove this declaration, or rename it"
        sink.error(codes.DUPLICATE, span, message, hint, [Related(first.span, "first declared here")])
        return False

    def names(self) -> Iterator[tuple[str, Symbol]]:
        """Every name visible here."""
        if self.parent is not None:
            yield from self.parent.names()
        yield from self.symbols.items()


@dataclass(slots=True)
class Use:
    """A reference waiting to be checked once every name is declared.

    Not frozen, as there is one per reference (see :mod:`wmdsl.model.span` for
    why). Only the resolver makes and reads them.
    """

    ref: Ref
    kinds: frozenset[str]
    role: str  # "the owner of lane `eng`"
    bare: bool = False  # a plain name written where only a @handle may stand
    # A keyword read as a list item because the line before ended with a
    # comma (`shows triage,` then `audience eng`): the comma's place, and, for
    # the items after it, the keyword's name.
    comma: Span | None = None
    after: str | None = None


def check_uses(sink: Sink, scope: Scope, uses: list[Use]) -> None:
    """Report every reference that is unknown or names the wrong kind."""
    for use in uses:
        symbol = scope.get(use.ref.name)
        if use.after is not None and scope.get(use.after) is None:
            continue  # swallowed with the keyword before it, which is reported
        if use.bare:
            _bare_person(sink, scope, use, symbol)
        elif symbol is None and use.ref.name in sink.damaged:
            continue  # its declaration may be the statement a syntax error broke
        elif symbol is None and sink.failed_imports:
            sink.unknown_by_import.setdefault(use.ref.name, use.ref.span)
        elif symbol is None:
            _unknown(sink, scope, use)
        elif symbol.kind not in use.kinds:
            sink.error(
                codes.WRONG_KIND,
                use.ref.span,
                f"`{use.ref.name}` is {a(symbol.kind)}, but {use.role} must be {any_of(use.kinds)}",
                _wrong_kind_hint(scope, use, symbol.kind),
                [Related(symbol.span, f"`{use.ref.name}` is declared here")],
            )


def _closest(name: str, scope: Scope, kinds: frozenset[str]) -> str | None:
    """The visible name of one of ``kinds`` most like ``name``, as an example."""
    candidates = sorted({n for n, s in scope.names() if s.kind in kinds})
    return closest(name, candidates, cutoff=0.0)


def _wrong_kind_hint(scope: Scope, use: Use, found: str) -> str:
    kinds = use.kinds
    example = _closest(use.ref.name, scope, kinds)
    such = f", e.g. `{example}`" if example else ""
    if found == "exit" and "exit" not in kinds and "stage" in kinds:
        return f"nothing leaves an exit: work ends there. Start the handoff at {any_of(kinds)}{such}"
    if found == "intake" and "intake" not in kinds and "stage" in kinds:
        return f"work enters only at an intake, never by a handoff; hand it to {any_of(kinds)}{such}"
    if found == "lane" and "stage" in kinds:
        return f"a lane is not a step of work: name one of its stages{such}"
    if found == "stage" and kinds == {"lane"}:
        return f"`in` names the lane the stage belongs to{such}"
    if kinds == {"person"}:
        return f"name a person by their @handle{such}"
    return f"name {any_of(kinds)} here{such}"


def _bare_person(sink: Sink, scope: Scope, use: Use, symbol: Symbol | None) -> None:
    """A plain name where a person's ``@handle`` belongs (``members ana``)."""
    name = use.ref.name
    handle = f"@{name}"
    person = scope.get(handle)
    if person is not None or symbol is None:
        message = f"expected a @handle, found `{name}`"
        hint = f"people are written with `@`: `{handle}`"
        sink.error(codes.BAD_ARGUMENTS, use.ref.span, message, hint)
        return
    example = _closest(handle, scope, frozenset({"person"}))
    such = f", e.g. `{example}`" if example else ""
    sink.error(
        codes.BAD_ARGUMENTS,
        use.ref.span,
        f"expected a @handle, found `{name}` ({a(symbol.kind)})",
        f"{use.role} are people: list them by @handle{such}",
        [Related(symbol.span, f"`{name}` is declared here")],
    )


def _unknown(sink: Sink, scope: Scope, use: Use) -> None:
    name = use.ref.name
    candidates = [n for n, s in scope.names() if s.kind in use.kinds]
    hint = did_you_mean(name, candidates)
    if name.startswith("@"):
        what = "person"
        hint = hint or f'declare them: `person {name} "Full Name"`'
    else:
        what = next(iter(use.kinds)) if len(use.kinds) == 1 else "name"
        if hint is None and scope.get(f"workflow {name}") is not None:
            hint = f"`{name}` is a workflow, and a workflow cannot be named here"
        elif hint is None and candidates:
            hint = f"known here: {one_of(sorted(candidates)[:6])}"
        elif hint is None:
            hint = f"declare {any_of(use.kinds)} called `{name}` (declarations may come in any order)"
    related: list[Related] = []
    if use.comma is not None:
        hint = (
            f"the comma at the end of line {use.comma.line} continues the list onto this line: "
            f"remove it, so that `{name}` starts a statement of its own"
        )
        related.append(Related(use.comma, "this comma continues the list"))
    sink.error(codes.UNKNOWN_NAME, use.ref.span, f"unknown {what} `{name}`", hint, related)
