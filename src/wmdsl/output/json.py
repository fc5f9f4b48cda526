"""Diagnostics as JSON (stable keys, sorted diagnostics)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from wmdsl.diagnostics import Diagnostic, Severity, codes
from wmdsl.model.span import Span
from wmdsl.output.safe import for_json

if TYPE_CHECKING:
    from wmdsl.diagnostics.report import Report


def _where(span: Span) -> dict[str, Any]:
    return {
        "file": span.file,
        "line": span.line,
        "column": span.col,
        "end_line": span.end_line,
        "end_column": span.end_col,
    }


def diagnostic_json(diagnostic: Diagnostic) -> dict[str, Any]:
    """One diagnostic as a JSON object."""
    entry = codes.lookup(diagnostic.code)
    return {
        "code": diagnostic.code,
        "name": entry.name if entry else None,
        "severity": diagnostic.severity.label,
        "message": diagnostic.message,
        **_where(diagnostic.span),
        "hint": diagnostic.hint,
        "related": [{"message": r.message, **_where(r.span)} for r in diagnostic.related],
    }


def format_json(report: Report, color: bool = False) -> str:
    """The whole report as a JSON document."""
    document = {
        "version": 1,
        "files": report.files,
        "diagnostics": [diagnostic_json(d) for d in report.diagnostics],
        "summary": {
            "files": len(report.files),
            "errors": report.count(Severity.ERROR),
            "warnings": report.count(Severity.WARNING),
            "infos": report.count(Severity.INFO),
        },
    }
    if report.baseline is not None:
        # Entries that no longer occur are a list of their own: they are not findings.
        document["baseline"] = {
            "file": report.baseline.file,
            "hidden": report.baseline.hidden,
            "gone": [
                {"fingerprint": e.fingerprint, "code": e.code, "file": e.file, "message": e.message}
                for e in report.baseline.gone
            ],
        }
    return for_json(json.dumps(document, indent=2, ensure_ascii=False)) + "\n"
