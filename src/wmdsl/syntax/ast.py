"""The syntax tree: statements with arguments and optional blocks.

These are plain slotted records (:mod:`wmdsl.record`: cheap to build, no
validation, and no ``@dataclass`` to run at import), built by
:mod:`wmdsl.syntax.parser` and read by the resolver, which turns them into the
typed model. They are not frozen: a frozen record sets each field through
``object.__setattr__``, which makes building one several times slower (there
is one :class:`Arg` per token), and nothing assigns to them.
"""

from __future__ import annotations

import enum

from wmdsl.diagnostics import Diagnostic
from wmdsl.record import Record
from wmdsl.span import Span


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


class Arg(Record):
    """One argument as written: its kind, raw text, decoded value and where it is.

    The position is kept as plain fields and :attr:`span` builds the
    :class:`Span` when asked: there is one argument per token, and a span
    object of its own for each was 40 of the 136 bytes an argument took.
    """

    __slots__ = ("col", "end_col", "end_line", "file", "kind", "line", "raw", "value")
    kind: ArgKind
    raw: str
    value: str
    file: str
    line: int
    col: int
    end_line: int
    end_col: int

    def __init__(
        self, kind: ArgKind, raw: str, value: str, file: str, line: int, col: int, end_line: int, end_col: int
    ) -> None:
        self.kind = kind
        self.raw = raw
        self.value = value
        self.file = file
        self.line = line
        self.col = col
        self.end_line = end_line
        self.end_col = end_col

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


class Block(Record):
    """``{ … }``: the statements inside and the span of the braces."""

    __slots__ = ("items", "span")
    items: tuple[Statement | Handoff, ...]
    span: Span

    def __init__(self, items: tuple[Statement | Handoff, ...], span: Span) -> None:
        self.items = items
        self.span = span


class Statement(Record):
    """``keyword arg* block?``."""

    __slots__ = ("args", "block", "keyword", "span")
    keyword: Arg
    args: tuple[Arg, ...]
    block: Block | None
    span: Span

    def __init__(self, keyword: Arg, args: tuple[Arg, ...], block: Block | None, span: Span) -> None:
        self.keyword = keyword
        self.args = args
        self.block = block
        self.span = span


class Handoff(Record):
    """``source -> target arg* block?``."""

    __slots__ = ("args", "block", "source", "span", "target")
    source: Arg
    target: Arg
    args: tuple[Arg, ...]
    block: Block | None
    span: Span

    def __init__(
        self, source: Arg, target: Arg, args: tuple[Arg, ...], block: Block | None, span: Span
    ) -> None:
        self.source = source
        self.target = target
        self.args = args
        self.block = block
        self.span = span


class ParsedFile(Record):
    """The result of parsing one file: its statements and any syntax errors."""

    __slots__ = ("errors", "items", "path")
    path: str
    items: tuple[Statement | Handoff, ...]
    errors: tuple[Diagnostic, ...]

    def __init__(
        self, path: str, items: tuple[Statement | Handoff, ...], errors: tuple[Diagnostic, ...]
    ) -> None:
        self.path = path
        self.items = items
        self.errors = errors


def span_of(first: Arg, last: Arg) -> Span:
    """Where ``first`` starts to where ``last`` ends (``first.span.to(last.span)``, in one object)."""
    return Span(first.file, first.line, first.col, last.end_line, last.end_col)
