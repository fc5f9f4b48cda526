"""What a check found: per file, and for a whole run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from wmdsl.diagnostics import Diagnostic, Severity

if TYPE_CHECKING:
    from wmdsl.flow.load import LoadSheet


@dataclass(frozen=True, slots=True)
class FileResult:
    """What checking one file found (what the result cache keeps of it)."""

    shown: str
    diagnostics: list[Diagnostic]
    sources: dict[str, str]
    fail_on: Severity
    inputs: tuple[str, ...] = ()  # the real path of every file the check read
    # What its document asks of the people and lanes (None when it did not compile), for the
    # checks of the whole run: kept with the result, so a cached file still counts.
    loads: LoadSheet | None = None
    # The signature of the cache record it was read from or stored as (None
    # when it is not cached): what the findings of a whole run are cached by.
    # A result read from the cache leaves ``loads`` to be read when needed.
    stamp: str | None = None


@dataclass(frozen=True, slots=True)
class BaselineEntry:
    """A finding a baseline records: its fingerprint, and its code, file and message for people to read.

    ``file`` is named from the top of its repository, as the fingerprint is
    made (see :mod:`wmdsl.project.places`).
    """

    fingerprint: str
    code: str
    file: str
    message: str


@dataclass(frozen=True, slots=True)
class Baselined:
    """What a baseline did to a report: where it is, how many findings it hid, its entries no longer found."""

    file: str
    hidden: int
    gone: tuple[BaselineEntry, ...] = ()


@dataclass(slots=True)
class Report:
    """The outcome of checking one or more files."""

    files: list[str]
    diagnostics: list[Diagnostic]
    sources: dict[str, str] = field(default_factory=dict)
    fail_on: Severity = Severity.ERROR
    inputs: list[str] = field(default_factory=list)  # the real path of every file read, sorted
    # The project root the run was given (``--root``), absolute: where files outside a
    # repository are named from in the formats that want a repository's paths.
    root: str | None = None
    # The baseline the findings were filtered by (``--baseline``), if any.
    baseline: Baselined | None = None
    # The documentation site the report links each code to (the ``docs-url`` setting);
    # None: the environment's or the project's site (:func:`wmdsl.links.docs_url`).
    docs_url: str | None = None

    def count(self, severity: Severity) -> int:
        """How many diagnostics have ``severity``."""
        return sum(1 for d in self.diagnostics if d.severity is severity)

    def exit_code(self, fail_on: Severity | None = None) -> int:
        """0 when nothing reaches ``fail_on`` (default: the configured level), else 1."""
        level = self.fail_on if fail_on is None else fail_on
        return 1 if any(d.severity >= level for d in self.diagnostics) else 0
