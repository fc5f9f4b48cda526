"""GitHub Actions workflow commands: one annotation per diagnostic.

Messages and properties are escaped as the runner expects (``%``, CR and LF
everywhere; ``:`` and ``,`` in properties too), so any message text survives
and none can end the command or start another: each finding is one line. What
else would act on a terminal or a log viewer (escape sequences, bidirectional
controls, line separators) is spelt out by :func:`wmdsl.output.safe.visible`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wmdsl.diagnostics import Severity, codes
from wmdsl.output.safe import visible

if TYPE_CHECKING:
    from wmdsl.diagnostics.report import Report

COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message (the runner decodes it back, CR and LF included)."""
    return visible(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    """Escape a command property value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(report: Report, color: bool = False) -> str:
    """The report as ``::error file=…,line=…::message`` lines."""
    lines = []
    for d in report.diagnostics:
        entry = codes.lookup(d.code)
        title = f"{d.code} {entry.name}" if entry else d.code
        properties = [
            f"file={escape_property(d.span.file)}",
            f"line={d.span.line}",
            f"col={d.span.col}",
            f"endLine={d.span.end_line}",
            f"endColumn={d.span.end_col}",
            f"title={escape_property(title)}",
        ]
        message = d.message + (f"\n{d.hint}" if d.hint else "")
        lines.append(f"::{COMMAND[d.severity]} {','.join(properties)}::{escape_data(message)}")
    return "".join(line + "\n" for line in lines)
