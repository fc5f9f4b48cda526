"""Symbol tables: what each name means, where it was declared."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from wmdsl import codes
from wmdsl.diagnostics import Related
from wmdsl.model import Ref
from wmdsl.resolve.sink import Sink, did_you_mean, one_of
from wmdsl.span import Span

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


@dataclass
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
        if first is not None:
            what = "person" if name.startswith("@") else "name"
            sink.error(
                codes.DUPLICATE,
                span,
                f"{what} `{shown or name}` is already declared (as {a(first.kind)})",
                "rename one of them, or remove the repeat",
                [Related(first.span, "first declared here")],
            )
            return False
        self.symbols[name] = Symbol(kind, span)
        return True

    def names(self) -> Iterator[tuple[str, Symbol]]:
        """Every name visible here."""
        if self.parent is not None:
            yield from self.parent.names()
        yield from self.symbols.items()


@dataclass(frozen=True, slots=True)
class Use:
    """A reference waiting to be checked once every name is declared."""

    ref: Ref
    kinds: frozenset[str]
    role: str  # "the owner of lane `eng`"


def check_uses(sink: Sink, scope: Scope, uses: list[Use]) -> None:
    """Report every reference that is unknown or names the wrong kind."""
    for use in uses:
        symbol = scope.get(use.ref.name)
        if symbol is None:
            _unknown(sink, scope, use)
        elif symbol.kind not in use.kinds:
            sink.error(
                codes.WRONG_KIND,
                use.ref.span,
                f"`{use.ref.name}` is {a(symbol.kind)}, but {use.role} must be {any_of(use.kinds)}",
                None,
                [Related(symbol.span, f"`{use.ref.name}` is declared here")],
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
        if hint is None and candidates:
            hint = f"known here: {one_of(sorted(candidates)[:6])}"
    sink.error(codes.UNKNOWN_NAME, use.ref.span, f"unknown {what} `{name}`", hint)
