"""Human-readable diagnostics with code frames.

::

    examples/broken/CLR001.wm:7:3: CLR001 [error] lane `eng` has no owner
      |
    7 |   lane eng "Engineering" { members @omar }
      |   ^^^^^^^^
      = hint: add `owner @someone` to lane `eng`: ...

Colour is used only when asked for (the CLI asks when writing to a terminal).
Each diagnostic is laid out once as lines of styled pieces; rich prints them
in colour, or the lines that hold more than printable ASCII (it measures the
width of any other character in terminal cells). Plain ASCII lines without
colour, what CI logs and most reports are, are joined directly, and rich is
not imported when there are only those.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from wmdsl.diagnostics import Diagnostic, Severity
from wmdsl.model.span import Span
from wmdsl.output.lines import SourceLines, source_lines
from wmdsl.output.safe import is_plain, no_commands, visible

if TYPE_CHECKING:
    from collections.abc import Mapping

    from rich.text import Text

    from wmdsl.diagnostics.report import Report

TAB = 4
WIDTH = 120  # longest source excerpt shown in a frame
STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow", Severity.INFO: "bold blue"}


def _visible(line: str) -> str:
    """A source line as it should be shown: tabs expanded, escape sequences and bidirectional
    controls spelt out (``\\x1b``, ``<U+202E>``), other unprintable characters replaced."""
    line = visible(line.expandtabs(TAB))
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


# A line of output: the style of the whole line and its pieces of text, each
# with a style of its own ("" for none). Laid out once, then printed plainly
# or through rich.
Piece = tuple[str, str]
Line = tuple[str, list[Piece]]


def _cells(text: str) -> int:
    """How many terminal cells ``text`` takes (rich measures anything beyond ASCII)."""
    if text.isascii():
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)


def _frame(span: Span, lines: list[str], style: str) -> list[Line]:
    if not 1 <= span.line <= len(lines):
        return []
    source = lines[span.line - 1]
    width = len(str(span.line))
    gutter = " " * width + " |"
    start = max(span.col - 1, 0)
    end = span.end_col - 1 if span.end_line == span.line else len(source)
    end = max(min(end, len(source)), start + 1)
    source, start, end = _window(source, start, end)
    pad = _cells(_visible(source[:start]))
    marks = max(_cells(_visible(source[start:end])), 1)
    return [
        ("blue", [(gutter, "")]),
        ("blue", [(f"{span.line:>{width}} | ", ""), (_visible(source), "")]),
        ("", [(gutter + " " + " " * pad, ""), ("^" * marks, style)]),
    ]


def layout(diagnostic: Diagnostic, sources: SourceLines | Mapping[str, str]) -> list[Line]:
    """The lines that show one diagnostic, as styled pieces.

    Pass one :class:`SourceLines` for a whole report: a mapping of texts is split again per call.
    """
    style = STYLE[diagnostic.severity]
    where, label = f"{visible(str(diagnostic.span), multiline=False)}: ", f" [{diagnostic.severity.label}] "
    message = (diagnostic.message, "bold")
    head: Line = ("bold", [(where, ""), (diagnostic.code, style), (label, style), message])
    lines = source_lines(sources).of(diagnostic.span.file)
    out = [head, *_frame(diagnostic.span, lines, style)]
    indent = " " * (len(str(diagnostic.span.line)) + 1)
    if diagnostic.hint:
        out.append(("cyan", [(f"{indent}= hint: ", ""), (diagnostic.hint, "")]))
    for related in diagnostic.related:
        place = visible(str(related.span), multiline=False)
        out.append(("cyan", [(f"{indent}= note: ", ""), (f"{related.message}: {place}", "")]))
    return [_safe(line) for line in out]


def _safe(line: Line) -> Line:
    """``line`` safe to print: messages and hints quote the spec, and may hold several lines.

    Nothing in them may act on the terminal, and none of the lines they make
    may start a CI runner's command, with or without colour.
    """
    base, pieces = line
    if is_plain("".join(text for text, _ in pieces)):
        return line
    safe = [(no_commands(visible(text), starts_line=i == 0), style) for i, (text, style) in enumerate(pieces)]
    return base, safe


def _text(line: Line) -> Text:
    from rich.text import Text

    base, pieces = line
    text = Text(style=base)
    for piece, style in pieces:
        text.append(piece, style=style or None)
    return text


def render_diagnostic(diagnostic: Diagnostic, sources: SourceLines | Mapping[str, str]) -> list[Text]:
    """The lines that show one diagnostic, as rich text."""
    return [_text(line) for line in layout(diagnostic, sources)]


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


def baseline_lines(report: Report) -> list[str]:
    """What the baseline did: how many findings it hid, and an info line per entry that no longer occurs."""
    baseline = report.baseline
    if baseline is None:
        return []
    hidden = f"{baseline.hidden} recorded finding{'s' * (baseline.hidden != 1)}"
    lines = [f"Baseline {baseline.file}: {hidden} not shown."]
    lines += [
        f"{baseline.file}: info: no longer occurs: {entry.code} in {entry.file}: {entry.message}"
        for entry in baseline.gone
    ]
    if baseline.gone:
        lines.append(f"  = hint: `wmdsl check --write-baseline {baseline.file}` records today's findings")
    # The entries are read from the checked tree: each stays on its line, escapes spelt out.
    return [visible(line, multiline=False) for line in lines]


def report_lines(report: Report) -> list[Line]:
    """The whole report: each diagnostic with its frame and a blank line, the summary, the baseline."""
    blank: Line = ("", [])
    sources = SourceLines(report.sources)
    lines = [line for d in report.diagnostics for line in (*layout(d, sources), blank)]
    lines.append(("bold", [(summary(report), "")]))
    lines += [("", [(line, "")]) for line in baseline_lines(report)]
    return lines


def format_text(report: Report, color: bool = False) -> str:
    """The report as text: each diagnostic with its frame, then a summary line.

    A message may quote text of several lines: none of them starts a CI
    runner's command (:func:`wmdsl.output.safe.no_commands`).
    """
    if not report.diagnostics and not color:
        return no_commands("".join(line + "\n" for line in [summary(report), *baseline_lines(report)]))
    lines = report_lines(report)
    if color:
        return no_commands("".join(printed_by_rich(lines, color)))
    # Printable ASCII is printed by rich exactly as written; only the lines
    # with more (an arrow, a tab, a wide or combining character) need rich,
    # which is then imported. Each line is printed on its own, so a report
    # of thousands of plain lines and one arrow is not all laid out by rich.
    plain = ["".join(piece for piece, _ in pieces) for _, pieces in lines]
    odd = [i for i, text in enumerate(plain) if not (text.isascii() and text.isprintable())]
    if odd:
        for i, printed in zip(odd, printed_by_rich([lines[i] for i in odd], color), strict=True):
            plain[i] = printed.removesuffix("\n")
    return no_commands("\n".join(plain) + "\n")


def printed_by_rich(lines: list[Line], color: bool) -> list[str]:
    """Each of ``lines`` as rich prints it, in colour or not (with its newline)."""
    from rich.console import Console

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
    printed = []
    for line in lines:
        console.print(_text(line))
        printed.append(buffer.getvalue())
        buffer.seek(0)
        buffer.truncate()
    return printed
