"""The syntax tree: statements with arguments and optional blocks.

These are frozen, slotted dataclasses (cheap to build, no validation), built
by :mod:`wmdsl.syntax.parser` and read by the resolver, which turns them into
the typed model. :class:`Arg`, of which there is one per token, is not frozen
(see :mod:`wmdsl.model.span` for why), nor is :class:`Statement`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from wmdsl.diagnostics import Diagnostic
from wmdsl.model.span import Span


class ArgKind(enum.Enum):
    """The lexical kind of an argument."""

    WORD = "a name"
    HANDLE = "a @handle"
    NUMBER = "a number"
    STRING = "a string"
    TEXT = "a text block"
    COMMA = "`,`"


#: The argument kind of each grammar terminal that is an argument.
TERMINAL_KINDS = {
    "WORD": ArgKind.WORD,
    "HANDLE": ArgKind.HANDLE,
    "NUMBER": ArgKind.NUMBER,
    "STRING": ArgKind.STRING,
    "TEXT": ArgKind.TEXT,
    "COMMA": ArgKind.COMMA,
}


@dataclass(slots=True)
class Arg:
    """One argument as written: its kind, raw text, decoded value and where it is.

    The position is kept as plain fields and :attr:`span` builds the
    :class:`Span` when asked: there is one argument per token, and a span
    object of its own for each would be a second object per token, which
    few readers ever ask for (docs/performance.md has the figures).
    """

    kind: ArgKind
    raw: str
    value: str
    file: str
    line: int
    col: int
    end_line: int
    end_col: int

    @classmethod
    def at(cls, kind: ArgKind, raw: str, value: str, span: Span) -> Arg:
        """An argument written at ``span``."""
        return cls(kind, raw, value, span.file, span.line, span.col, span.end_line, span.end_col)

    @property
    def span(self) -> Span:
        """Where the argument is written."""
        return Span(self.file, self.line, self.col, self.end_line, self.end_col)

    def describe(self) -> str:
        """How to name this argument in a message: `raw` in backticks."""
        text = self.raw if len(self.raw) <= 40 else self.raw[:37] + "..."
        return f"`{text}`"


@dataclass(frozen=True, slots=True)
class Block:
    """``{ … }``: the statements inside and the span of the braces."""

    items: tuple[Statement | Handoff, ...]
    span: Span


@dataclass(slots=True)
class Statement:
    """``keyword arg* block?``.

    Not frozen: the resolver lets go of a workflow's block once it has taken
    the statements out of it (see :meth:`wmdsl.resolve.resolver.Resolver.workflow`).
    """

    keyword: Arg
    args: tuple[Arg, ...]
    block: Block | None
    span: Span


@dataclass(frozen=True, slots=True)
class Handoff:
    """``source -> target arg* block?``."""

    source: Arg
    target: Arg
    args: tuple[Arg, ...]
    block: Block | None
    span: Span


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """The result of parsing one file: its statements and any syntax errors."""

    path: str
    items: tuple[Statement | Handoff, ...]
    errors: tuple[Diagnostic, ...]
    # Names that statements dropped for a syntax error may declare: a use of
    # one is not reported as unknown, since the declaration is what is broken.
    damaged: frozenset[str] = frozenset()


def span_of(first: Arg, last: Arg) -> Span:
    """Where ``first`` starts to where ``last`` ends (``first.span.to(last.span)``, in one object)."""
    return Span(first.file, first.line, first.col, last.end_line, last.end_col)
