"""Collecting diagnostics while resolving."""

from __future__ import annotations

from collections.abc import Iterable

from wmdsl.diagnostics import Diagnostic, Related
from wmdsl.diagnostics.codes import Code
from wmdsl.model.span import Span


class Sink:
    """Accumulates diagnostics; the resolver reports every error it finds."""

    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []

    def error(
        self,
        code: Code,
        span: Span,
        message: str,
        hint: str | None = None,
        related: Iterable[Related] = (),
    ) -> None:
        """Report ``message`` at ``span`` under ``code`` (at the code's severity)."""
        self.diagnostics.append(Diagnostic(code.code, code.severity, message, span, hint, tuple(related)))

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        """Add diagnostics found elsewhere (the parser, another file)."""
        self.diagnostics.extend(diagnostics)


def closest(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The candidate most like ``word``, if one is at least ``cutoff`` alike (``difflib``'s ratio)."""
    import difflib  # here: only a mistake needs a suggestion, and a clean check need not load it

    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=cutoff)
    return matches[0] if matches else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """``did you mean `x`?`` for the closest candidate, if one is close."""
    match = closest(word, sorted(set(candidates)))
    return f"did you mean `{match}`?" if match else None


def one_of(words: Iterable[str]) -> str:
    """```a`, `b` or `c``` for a message."""
    quoted = [f"`{w}`" for w in words]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]
