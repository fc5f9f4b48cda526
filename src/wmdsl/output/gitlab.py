"""GitLab Code Quality: the report a merge request's code quality widget reads.

A JSON array with one object per finding (the subset of the Code Climate
issue format GitLab reads): ``description`` (the message, and the hint in
brackets, as SARIF gives it), ``check_name`` (the code), ``fingerprint`` (the
one SARIF publishes, see :mod:`wmdsl.diagnostics.fingerprints`), ``severity``
and ``location`` (``path`` from the top of the repository, as GitLab
resolves it, with ``lines.begin`` and ``lines.end``).

GitLab compares the fingerprints of a merge request with those of its target
branch to tell new findings from fixed ones, and shows findings with one
fingerprint as one: the fingerprints name each file from the top of its
repository (:mod:`wmdsl.project.places`), so they do not depend on the folder
a job runs in, and two equal findings are told apart by their count.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from wmdsl.diagnostics import Severity
from wmdsl.output.safe import for_json

if TYPE_CHECKING:
    from wmdsl.diagnostics.report import Report

# GitLab's scale is info, minor, major, critical, blocker. An error is
# "major": what GitLab keeps above it (critical, blocker) is for findings a
# tool knows to break a running system, which a spec's design findings are not.
SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def fingerprints(report: Report) -> list[str]:
    """The fingerprint SARIF publishes for each finding of ``report``, in order (files named from the top)."""
    from wmdsl.diagnostics.fingerprints import fingerprints as of
    from wmdsl.project.places import relocated

    placed = relocated(report)
    return of(placed.diagnostics, placed.sources)


def gitlab_document(report: Report) -> list[dict[str, Any]]:
    """The report as GitLab Code Quality issues (plain data)."""
    from wmdsl.project.places import relocated

    placed = relocated(report)
    issues = []
    for d, fingerprint in zip(placed.diagnostics, fingerprints(report), strict=True):
        issues.append(
            {
                "description": d.message + (f" ({d.hint})" if d.hint else ""),
                "check_name": d.code,
                "fingerprint": fingerprint,
                "severity": SEVERITY[d.severity],
                "location": {"path": d.span.file, "lines": {"begin": d.span.line, "end": d.span.end_line}},
            }
        )
    return issues


def format_gitlab(report: Report, color: bool = False) -> str:
    """The report as GitLab Code Quality JSON text."""
    return for_json(json.dumps(gitlab_document(report), indent=2, ensure_ascii=False)) + "\n"
