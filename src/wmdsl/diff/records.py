"""What a diff finds: changes to the design, findings introduced and fixed, and analysis deltas.

Plain records, filled by :mod:`wmdsl.diff.compare` and read by the formats
(:mod:`wmdsl.diff.formats`). Names are the new side's (a removed element
keeps its old one); every value is already text as a spec would write it
(``6 per week``, ``@maya``), so the formats only arrange and escape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from wmdsl.diagnostics import Severity

Section = Literal["elements", "decisions", "handoffs", "figures", "attributes"]

#: The sections in the order they are shown, with their headings.
SECTIONS: tuple[tuple[Section, str], ...] = (
    ("elements", "Elements"),
    ("decisions", "Decision rights"),
    ("handoffs", "Handoffs"),
    ("figures", "WIP, capacity, effort, arrivals, SLAs and hours"),
    ("attributes", "Other changes"),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """One change to the design.

    ``action`` is ``added``, ``removed``, ``renamed`` (elements), ``changed``
    (a decision right, a handoff's attribute, a figure or another field),
    ``rerouted`` or ``regated`` (handoffs). ``subject`` is the element's
    name, or ``source->target`` for a handoff; ``before`` is its old name
    (renamed) or old ``source->target`` (rerouted). ``field`` is the changed
    field (``approves``, ``wip``, ``gate``), ``old`` and ``new`` its values
    as written (None: not given); ``gained`` and ``lost`` what a list (the
    people who approve, a board's stages) gained and lost. ``where`` is the
    element's place on the side that has it (the new one when both do).
    """

    section: Section
    action: str
    workflow: str | None  # None: a declaration outside any workflow
    kind: str
    subject: str
    before: str | None = None
    field: str | None = None
    old: str | None = None
    new: str | None = None
    gained: tuple[str, ...] = ()
    lost: tuple[str, ...] = ()
    where: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """A finding one side has and the other does not."""

    code: str
    severity: Severity
    message: str
    where: str  # file:line:col, the file relative to the side's folder
    fingerprint: str  # see wmdsl.diagnostics.fingerprints


@dataclass(frozen=True, slots=True, kw_only=True)
class Delta:
    """A figure of the flow analysis that changed.

    ``measure`` is ``lead time``, ``bottleneck``, ``stage utilisation`` or
    ``lane utilisation``; ``subject`` the stage or lane (None for the
    workflow's). ``old`` and ``new`` are the figures (hours for lead time,
    fractions for utilisation, a stage's name for the bottleneck; None:
    unknown or absent), ``shown_*`` the same as a reader sees them, and
    ``change`` the signed difference (``+0.5d``) where there is one.
    """

    workflow: str
    measure: str
    subject: str | None
    old: float | str | None
    new: float | str | None
    shown_old: str
    shown_new: str
    change: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Diff:
    """Everything that differs between two versions of the specs.

    ``old`` and ``new`` say what was compared (paths, or revisions);
    ``notes`` what could not be compared (a file that does not compile).
    """

    old: str
    new: str
    changes: tuple[Change, ...] = ()
    introduced: tuple[Finding, ...] = ()
    fixed: tuple[Finding, ...] = ()
    deltas: tuple[Delta, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def empty(self) -> bool:
        """True when the two sides say the same thing."""
        return not (self.changes or self.introduced or self.fixed or self.deltas or self.notes)

    def introduces(self, level: Severity) -> bool:
        """True when the new side brings a finding at ``level`` or above."""
        return any(finding.severity >= level for finding in self.introduced)
