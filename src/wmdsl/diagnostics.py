"""Diagnostics: what wmdsl tells its users.

A diagnostic names a code (``CLR001``), a severity, a message, where it applies
(a :class:`~wmdsl.span.Span`), an optional hint saying what to do, and related
places (``first defined here``). It also records the *subject*: the element it
is about, which is how ``allow`` suppressions find the findings they cover.
"""

from __future__ import annotations

import enum

from wmdsl.record import Frozen, set_field
from wmdsl.span import Span


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


class Related(Frozen):
    """Another place that explains a diagnostic."""

    __slots__ = ("message", "span")
    span: Span
    message: str

    def __init__(self, span: Span, message: str) -> None:
        set_field(self, "span", span)
        set_field(self, "message", message)


class Diagnostic(Frozen):
    """One finding or error, ready to be formatted."""

    __slots__ = ("code", "hint", "message", "related", "severity", "span", "subjects")
    _uncompared = ("subjects",)
    code: str
    severity: Severity
    message: str
    span: Span
    hint: str | None
    related: tuple[Related, ...]
    # Keys of the elements this diagnostic is about, innermost first, e.g.
    # ("workflow:delivery/stage:build", "workflow:delivery"). Used by `allow`.
    subjects: tuple[str, ...]

    def __init__(
        self,
        code: str,
        severity: Severity,
        message: str,
        span: Span,
        hint: str | None = None,
        related: tuple[Related, ...] = (),
        subjects: tuple[str, ...] = (),
    ) -> None:
        set_field(self, "code", code)
        set_field(self, "severity", severity)
        set_field(self, "message", message)
        set_field(self, "span", span)
        set_field(self, "hint", hint)
        set_field(self, "related", related)
        set_field(self, "subjects", subjects)

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
