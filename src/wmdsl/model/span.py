"""Source positions.

A :class:`Span` says where something was written: file, first line and column,
last line and column (1-based, end column exclusive). Spans travel with every
AST node, model object and diagnostic, but never take part in equality of the
objects that carry them: two specs that say the same thing are equal wherever
they say it.
"""

from __future__ import annotations

from dataclasses import dataclass


# Why a few value classes are not frozen. wmdsl's value classes are frozen,
# slotted dataclasses, except those built in the largest numbers: Span and the
# syntax tree's Arg (one or more per token: millions in a big spec), the
# resolver's Use (one per reference) and the rules' records of each member and
# owner. These are slotted dataclasses that are not frozen: a frozen dataclass
# sets each field through object.__setattr__, which makes building one four to
# six times slower, and nothing assigns to them once built. A span hashes by
# its fields (unsafe_hash) so that spans can be keys. pydantic accepts it as a
# field of the model (and puts it in the schema) without revalidating instances.
@dataclass(slots=True, unsafe_hash=True)
class Span:
    """A region of a source file (1-based lines and columns, end column exclusive)."""

    file: str
    line: int
    col: int
    end_line: int
    end_col: int

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
