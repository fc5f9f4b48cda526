"""Diagnostics: what wmdsl tells its users.

A diagnostic names a code (``CLR001``), a severity, a message, where it applies
(a :class:`~wmdsl.model.span.Span`), an optional hint saying what to do, and related
places (``first defined here``). It also records the *subject*: the element it
is about, which is how ``allow`` suppressions find the findings they cover.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from wmdsl.model.span import Span


class Severity(enum.IntEnum):
    """How serious a finding is; ordered so that ``ERROR > WARNING > INFO``."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        """The lower-case name used in output and configuration."""
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        """The severity named ``text`` (``error``, ``warning`` or ``info``)."""
        return cls[text.upper()]


@dataclass(frozen=True, slots=True)
class Related:
    """Another place that explains a diagnostic."""

    span: Span
    message: str


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding or error, ready to be formatted."""

    code: str
    severity: Severity
    message: str
    span: Span
    hint: str | None = None
    related: tuple[Related, ...] = ()
    # Keys of the elements this diagnostic is about, innermost first, e.g.
    # ("workflow:delivery/stage:build", "workflow:delivery"). Used by `allow`.
    subjects: tuple[str, ...] = field(default=(), compare=False)

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Deterministic order: file, line, column, code, message."""
        return (self.span.file, self.span.line, self.span.col, self.code, self.message)


def sorted_unique(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Sort diagnostics and drop exact repeats (an imported file seen twice)."""
    seen: set[tuple[str, int, int, str, str]] = set()
    result: list[Diagnostic] = []
    for diagnostic in sorted(diagnostics, key=lambda d: d.sort_key):
        if diagnostic.sort_key not in seen:
            seen.add(diagnostic.sort_key)
            result.append(diagnostic)
    return result


class WmdslError(Exception):
    """Base of the errors wmdsl raises on purpose."""


class UsageError(WmdslError):
    """The request itself is wrong: a missing path, a folder without specs."""
