"""Source positions.

A :class:`Span` says where something was written: file, first line and column,
last line and column (1-based, end column exclusive). Spans travel with every
AST node, model object and diagnostic, but never take part in equality of the
objects that carry them: two specs that say the same thing are equal wherever
they say it.
"""

from __future__ import annotations

from dataclasses import dataclass


# A slotted dataclass rather than a pydantic model: a big spec has millions of
# spans, and pydantic accepts dataclass fields (and puts them in the schema)
# without revalidating instances. Not frozen: a frozen dataclass sets each
# field through ``object.__setattr__``, which makes building one four times
# slower, and nothing ever assigns to a span; it hashes (by its fields) so
# spans can be keys. ``__init__``, ``__repr__``, ``__eq__`` and ``__hash__``
# are written here rather than generated: generating them took a share of
# ``wmdsl check``'s start-up.
@dataclass(slots=True, init=False, repr=False, eq=False)
class Span:
    """A region of a source file (1-based lines and columns, end column exclusive)."""

    file: str
    line: int
    col: int
    end_line: int
    end_col: int

    def __init__(self, file: str, line: int, col: int, end_line: int, end_col: int) -> None:
        self.file = file
        self.line = line
        self.col = col
        self.end_line = end_line
        self.end_col = end_col

    def __repr__(self) -> str:
        return (
            f"Span(file={self.file!r}, line={self.line!r}, col={self.col!r}, "
            f"end_line={self.end_line!r}, end_col={self.end_col!r})"
        )

    def _fields(self) -> tuple[str, int, int, int, int]:
        return (self.file, self.line, self.col, self.end_line, self.end_col)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Span) or other.__class__ is not self.__class__:
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def to(self, other: Span) -> Span:
        """The span from the start of this one to the end of ``other``."""
        return Span(
            file=self.file,
            line=self.line,
            col=self.col,
            end_line=other.end_line,
            end_col=other.end_col,
        )

    @property
    def sort_key(self) -> tuple[str, int, int]:
        """Ordering used everywhere diagnostics are listed."""
        return (self.file, self.line, self.col)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


def point(file: str, line: int, col: int) -> Span:
    """A one-character span."""
    return Span(file=file, line=line, col=col, end_line=line, end_col=col + 1)
