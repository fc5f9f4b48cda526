"""Collecting diagnostics while resolving."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from wmdsl.diagnostics import Diagnostic, Related
from wmdsl.diagnostics.codes import Code
from wmdsl.model.span import Span


class Sink:
    """Accumulates diagnostics; the resolver reports every error it finds."""

    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []
        # Imports that could not be followed (the diagnostic reporting each):
        # names they would have declared are then unknown for a reason
        # already reported, so they are summed up on that report instead.
        self.failed_imports: list[Diagnostic] = []
        self.unknown_by_import: dict[str, Span] = {}  # name -> its first use
        self.damaged: set[str] = set()  # names a statement dropped for a syntax error may declare

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

    def import_failed(self, code: Code, span: Span, message: str, hint: str | None = None) -> None:
        """Report an import that could not be followed (see :meth:`fold_unknown`)."""
        self.error(code, span, message, hint)
        self.failed_imports.append(self.diagnostics[-1])

    def fold_unknown(self) -> None:
        """Sum up the names left unknown by a failed import on the first such import's report."""
        if not self.failed_imports or not self.unknown_by_import:
            return
        first = self.failed_imports[0]
        names = sorted(self.unknown_by_import, key=lambda n: self.unknown_by_import[n].sort_key)
        more = f" and {len(names) - 5} more" if len(names) > 5 else ""
        listed = ", ".join(f"`{n}`" for n in names[:5]) + more
        note = f"not declared here: {listed}; they are checked once the import is fixed"
        joint = " " if (first.hint or "").endswith("?") else ". "
        hint = f"{first.hint}{joint}{note[0].upper()}{note[1:]}" if first.hint else note
        related = [Related(self.unknown_by_import[n], f"`{n}` is used here") for n in names[:5]]
        index = next(i for i, d in enumerate(self.diagnostics) if d is first)
        self.diagnostics[index] = replace(first, hint=hint, related=(*first.related, *related))


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
