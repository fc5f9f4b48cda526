"""The syntax tree: statements with arguments and optional blocks.

These are plain slotted dataclasses (cheap to build, no validation), built by
:mod:`wmdsl.syntax.parser` and read by the resolver, which turns them into the
typed model. They are not ``frozen``: a frozen dataclass sets each field
through ``object.__setattr__``, which makes building one several times slower
(there is one :class:`Arg` per token), and nothing assigns to them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from wmdsl.diagnostics import Diagnostic
from wmdsl.span import Span


class ArgKind(enum.Enum):
    """The lexical kind of an argument."""

    WORD = "a name"
    HANDLE = "a @handle"
    NUMBER = "a number"
    STRING = "a string"
    TEXT = "a text block"
    COMMA = "`,`"


@dataclass(slots=True)
class Arg:
    """One argument as written: its kind, raw text, decoded value and span."""

    kind: ArgKind
    raw: str
    value: str
    span: Span

    def describe(self) -> str:
        """How to name this argument in a message: `raw` in backticks."""
        text = self.raw if len(self.raw) <= 40 else self.raw[:37] + "..."
        return f"`{text}`"


@dataclass(slots=True)
class Block:
    """``{ … }``: the statements inside and the span of the braces."""

    items: tuple[Statement | Handoff, ...]
    span: Span


@dataclass(slots=True)
class Statement:
    """``keyword arg* block?``."""

    keyword: Arg
    args: tuple[Arg, ...]
    block: Block | None
    span: Span


@dataclass(slots=True)
class Handoff:
    """``source -> target arg* block?``."""

    source: Arg
    target: Arg
    args: tuple[Arg, ...]
    block: Block | None
    span: Span


@dataclass(slots=True)
class ParsedFile:
    """The result of parsing one file: its statements and any syntax errors."""

    path: str
    items: tuple[Statement | Handoff, ...]
    errors: tuple[Diagnostic, ...]
