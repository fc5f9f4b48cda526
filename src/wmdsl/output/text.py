"""Human-readable diagnostics with code frames.

::

    examples/broken/CLR001.wm:7:3: CLR001 [error] lane `eng` has no owner
      |
    7 |   lane eng "Engineering" { members @omar }
      |   ^^^^^^^^
      = hint: add `owner @someone` to lane `eng`: ...

Colour is used only when asked for (the CLI asks when writing to a terminal).
rich lays the lines out and measures their width in terminal cells; it is only
imported when there is something to show besides the summary, so a clean check
starts without it.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from wmdsl.diagnostics import Diagnostic, Severity
from wmdsl.span import Span

if TYPE_CHECKING:
    from rich.text import Text

    from wmdsl.api import Report

TAB = 4
WIDTH = 120  # longest source excerpt shown in a frame
STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow", Severity.INFO: "bold blue"}


def _visible(line: str) -> str:
    """A source line as it should be shown: tabs expanded, control characters replaced."""
    line = line.expandtabs(TAB)
    return "".join(c if c.isprintable() else "\N{REPLACEMENT CHARACTER}" for c in line)


def _window(source: str, start: int, end: int) -> tuple[str, int, int]:
    """Cut a long line down to the part around ``start:end`` (marked with ``…``)."""
    if len(source) <= WIDTH:
        return source, start, end
    end = min(end, start + WIDTH // 2)
    left = max(0, min(start - WIDTH // 4, len(source) - WIDTH))
    right = min(len(source), left + WIDTH)
    prefix = "…" if left else ""
    suffix = "…" if right < len(source) else ""
    shown = prefix + source[left:right] + suffix
    return shown, start - left + len(prefix), end - left + len(prefix)


def _frame(span: Span, lines: list[str], style: str) -> list[Text]:
    from rich.cells import cell_len
    from rich.text import Text

    if not 1 <= span.line <= len(lines):
        return []
    source = lines[span.line - 1]
    width = len(str(span.line))
    gutter = " " * width + " |"
    start = max(span.col - 1, 0)
    end = span.end_col - 1 if span.end_line == span.line else len(source)
    end = max(min(end, len(source)), start + 1)
    source, start, end = _window(source, start, end)
    pad = cell_len(_visible(source[:start]))
    marks = max(cell_len(_visible(source[start:end])), 1)
    caret = Text(gutter + " " + " " * pad)
    caret.append("^" * marks, style=style)
    return [
        Text(gutter, style="blue"),
        Text(f"{span.line:>{width}} | ", style="blue") + Text(_visible(source)),
        caret,
    ]


def render_diagnostic(diagnostic: Diagnostic, sources: dict[str, str]) -> list[Text]:
    """The lines that show one diagnostic."""
    from rich.text import Text

    style = STYLE[diagnostic.severity]
    head = Text(f"{diagnostic.span}: ", style="bold")
    head.append(diagnostic.code, style=style)
    head.append(f" [{diagnostic.severity.label}] ", style=style)
    head.append(diagnostic.message, style="bold")
    text = sources.get(diagnostic.span.file)
    lines = text.splitlines() if text is not None else []
    out = [head, *_frame(diagnostic.span, lines, style)]
    indent = " " * (len(str(diagnostic.span.line)) + 1)
    if diagnostic.hint:
        out.append(Text(f"{indent}= hint: ", style="cyan") + Text(diagnostic.hint))
    for related in diagnostic.related:
        out.append(Text(f"{indent}= note: ", style="cyan") + Text(f"{related.message}: {related.span}"))
    return out


def summary(report: Report) -> str:
    """``Found 2 errors and 1 warning in 3 files.`` or ``All clear: 3 files checked.``"""
    files = f"{len(report.files)} file{'s' * (len(report.files) != 1)}"
    counts = [
        (report.count(severity), word)
        for severity, word in (
            (Severity.ERROR, "error"),
            (Severity.WARNING, "warning"),
            (Severity.INFO, "info"),
        )
    ]
    # "info" is uncountable: "2 errors, 1 warning and 3 info".
    parts = [f"{n} {word}{'s' * (n != 1 and word != 'info')}" for n, word in counts if n]
    if not parts:
        return f"All clear: {files} checked, no findings."
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"Found {listed} in {files}."


def format_text(report: Report, color: bool = False) -> str:
    """The report as text: each diagnostic with its frame, then a summary line."""
    if not report.diagnostics and not color:
        return summary(report) + "\n"
    from rich.console import Console
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=True,
        width=100_000,
    )
    for diagnostic in report.diagnostics:
        for line in render_diagnostic(diagnostic, report.sources):
            console.print(line)
        console.print()
    console.print(Text(summary(report), style="bold"))
    return buffer.getvalue()
