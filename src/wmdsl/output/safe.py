"""Output made safe for where it is read: a terminal, a CI log, an XML, JSON or Markdown reader.

``wmdsl check`` runs in CI on pull requests, so the text of a spec and the
names of its files are written by whoever opens one. Every formatter and
renderer sends what it writes through one of the ``for_*`` functions here,
as its last step, so that nothing taken from a spec can:

* act on a terminal: control characters (``ESC [2J``, the ``ESC ]8;;``
  hyperlinks, ``CR``) and the bidirectional controls that reorder what is
  shown (U+202E) are made visible or written with the format's own escapes;
* be run by a CI runner: GitHub Actions reads a line that starts with ``::``
  (after spaces) as a workflow command, and ``##[`` (Azure Pipelines also
  ``##vso[``) anywhere in a line as an older one; such text is escaped so
  that it still reads the same to a person;
* make XML that a parser refuses: characters XML 1.0 cannot carry become
  U+FFFD.

Where the format has an escape that readers decode (``\\u202e`` in JSON,
``&#8238;`` in XML and HTML, ``\\:`` in Markdown), it is used, so the text a
program reads back is unchanged; only plain text has to show a stand-in
(``\\x1b``, ``<U+202E>``). Text without any of these characters comes out as
it went in.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

REPLACEMENT = "\ufffd"

# Controls: C0 but tab and newline, DEL, and C1 (which holds NEL and the
# 8-bit CSI and OSC that some terminals act on like ESC [ and ESC ]).
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f"
# Bidirectional controls (marks, embeddings, overrides, isolates): they
# reorder the text around them, so what is shown is not what is there.
BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# Line and paragraph separators end a line for some readers (JavaScript,
# str.splitlines) but not for others; shown escaped, only "\n" ends a line.
_SEPARATORS = "\u2028\u2029"
# Halves of a UTF-16 pair on their own: a file name that is not UTF-8 holds them
# (os.fsdecode), and they cannot be written as UTF-8 at all.
_SURROGATES = "\ud800-\udfff"
# Characters a culture-aware comparison may skip, as .NET's StartsWith and
# IndexOf (which the runners use) do: Unicode's default-ignorable code points
# (DerivedCoreProperties.txt) and the format characters (category Cf, as of
# Unicode 15.1). With them, ":\u200b:" may compare equal to "::".
_IGNORABLE_BMP = (
    "\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u17b4\u17b5"
    "\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb"
)
_IGNORABLE = _IGNORABLE_BMP + (
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
)
# Every character str.splitlines() ends a line at: a superset of what the
# runners read as the end of a line (CR, LF).
_BREAKS = "\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029"

# The patterns are compiled when first used (_compiled): a run prints one
# format and needs few of them, and classes of many ranges are slow to compile.
_UNSAFE = f"[{_CONTROLS}{BIDI}{_SEPARATORS}{_SURROGATES}]"
_UNSAFE_ON_ONE_LINE = f"[\t\n{_CONTROLS}{BIDI}{_SEPARATORS}{_SURROGATES}]"
# Not a Char of XML 1.0 (https://www.w3.org/TR/xml/#charsets), even as a
# character reference; DEL and C1 are allowed but discouraged there, and are
# replaced too, as :func:`wmdsl.render.labels.clean` does for diagrams.
_NOT_XML = f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_SURROGATES}\ufffe\uffff]"
_HIDDEN = f"[\r{BIDI}{_SEPARATORS}]"


# "::" starting a line, after whitespace and ignorable characters (GitHub
# Actions trims the line first), and "##[" or "##vso[" anywhere in a line. A
# match starts at a line break or "#", never at a look-behind, so the regex
# engine skips quickly to the few places where one can start; the first line
# of a text is matched on its own (_FIRST_LINE).
_SPACE = f"[^\\S{_BREAKS}]*"  # whitespace up to the end of the line: each line is read once
_IGNORED = f"[{_IGNORABLE}]*"
_LINE_COMMAND = f"{_SPACE}(?:[{_IGNORABLE}]{_SPACE})*(?P<colon>:)(?={_IGNORED}:)"
_COMMAND = (
    f"[{_BREAKS}]{_LINE_COMMAND}"
    f"|#{_IGNORED}#{_IGNORED}(?:[vV]{_IGNORED}[sS]{_IGNORED}[oO]{_IGNORED})?(?P<bracket>\\[)"
)
_FIRST_LINE = f"\\A{_LINE_COMMAND}"
# The ignorable characters of the BMP, and anything beyond it: a quick first
# look (a class with ranges beyond the BMP is slow to search).
_MAYBE_IGNORABLE = f"[{_IGNORABLE_BMP}\U00010000-\U0010ffff]"

Escape = Callable[[str], str]


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _shown(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0xA0 else f"<U+{code:04X}>"


def backslashed(char: str) -> str:
    """``\\:``: how plain text and Markdown escape a character."""
    return "\\" + char


def character_reference(char: str) -> str:
    """``&#58;``: a character reference, which XML, HTML and Graphviz labels decode."""
    return f"&#{ord(char)};"


def json_escape(char: str) -> str:
    """``\\u003a``: a JSON string escape."""
    return f"\\u{ord(char):04x}"


def visible(text: str, *, multiline: bool = True) -> str:
    """``text`` for a terminal or a log: what would act on it or hide shown as an escape.

    Controls become ``\\x1b``-style escapes, bidirectional controls, line
    separators and lone surrogates ``<U+202E>``. Newlines and tabs are kept,
    unless ``multiline`` is false (for a file name on a line of its own).
    """
    if text.isprintable():  # most text: nothing to do
        return text
    pattern = _compiled(_UNSAFE if multiline else _UNSAFE_ON_ONE_LINE)
    return pattern.sub(lambda match: _shown(match.group()), text)


def no_commands(text: str, escape: Escape = backslashed, *, starts_line: bool = True) -> str:
    """``text`` with no line a CI runner reads as a command.

    The first ``:`` of a line that starts with ``::`` and the ``[`` of
    ``##[`` and ``##vso[`` are written with ``escape`` (by default
    ``\\::warning::`` and ``##\\[``). For a piece of a line, ``starts_line``
    says whether it is at the start of one (or follows other text).
    """
    if not _may_hold_command(text):
        return text

    def escaped(match: re.Match[str]) -> str:
        group = "colon" if match.group("colon") is not None else "bracket"
        start, end = match.span(group)
        whole = match.group()
        offset = match.start()
        return whole[: start - offset] + escape(match.group(group)) + whole[end - offset :]

    if starts_line:
        text = _compiled(_FIRST_LINE).sub(escaped, text, count=1)
    return _compiled(_COMMAND).sub(escaped, text)


def is_plain(text: str) -> bool:
    """Whether ``text`` is one line that every function here leaves as it is (most text is)."""
    return text.isprintable() and not _may_hold_command(text)


def _may_hold_command(text: str) -> bool:
    """Whether ``text`` has "::" or "##", maybe with ignorable characters between them.

    Checked with string searches first: a long report rarely has either, and
    the pattern looks at every line.
    """
    if "::" in text or "##" in text:
        return True
    return not text.isascii() and _compiled(_MAYBE_IGNORABLE).search(text) is not None


def xml_chars(text: str) -> str:
    """``text`` with every character XML 1.0 cannot carry (and DEL and C1) as U+FFFD."""
    return _compiled(_NOT_XML).sub(REPLACEMENT, text)


# -- One for each kind of output, applied to what a formatter or renderer writes -----------------------


def for_terminal(text: str) -> str:
    """Plain text for a terminal or a log (the text report, the analysis, CSV, messages)."""
    return no_commands(visible(text))


def for_csv(text: str) -> str:
    """CSV as plain text, but with its carriage returns: a quoted field keeps one as written.

    What follows a carriage return is a line of its own to a runner, and is read as one.
    """
    return "\r".join(for_terminal(part) for part in text.split("\r"))


def for_json(text: str) -> str:
    """Serialised JSON, the same data, with what ``json.dumps`` leaves raw written as ``\\uXXXX``.

    Those characters occur only inside strings, where the escape means the
    same character; a lone surrogate is written as its escape too.
    """
    return no_commands(_compiled(_UNSAFE).sub(lambda match: json_escape(match.group()), text), json_escape)


def for_xml(text: str) -> str:
    """Serialised XML or HTML (or Graphviz source, whose labels decode the same references).

    Characters XML cannot carry become U+FFFD; CR, bidirectional controls and
    line separators become character references (the same text to a parser).
    The user's text may only be in text and attribute values: references are
    what they mean there.
    """
    return no_commands(_references(xml_chars(text)), character_reference)


def for_markdown(text: str) -> str:
    """Markdown: character references for what would hide text, backslashes for commands.

    Controls should not reach here (:func:`wmdsl.render.raci.escape_markdown`
    makes them spaces); any that do become U+FFFD, as do lone surrogates.
    """
    return no_commands(_references(xml_chars(text)))


def _references(text: str) -> str:
    """CR, bidirectional controls and line separators as character references."""
    return _compiled(_HIDDEN).sub(lambda match: character_reference(match.group()), text)
