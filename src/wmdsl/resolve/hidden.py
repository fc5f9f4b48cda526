"""Characters that hide what a spec says.

Bidirectional controls make a line display in another order than the one it is
read and compiled in ("Trojan Source"): a reviewer can be shown a string, a
comment or a name that is not what the file holds. :func:`bidi_controls` reports
each one, wherever it is written. A reason made only of invisible characters
looks written in a review while saying nothing: :func:`has_visible_text` tells.

``unicodedata`` is imported only for text beyond ASCII, which a clean check of
plain specs never meets here.
"""

from __future__ import annotations

import re

from wmdsl.diagnostics import Diagnostic, codes
from wmdsl.model.span import point

# The controls the Unicode Bidirectional Algorithm obeys, by name (no
# ``unicodedata`` needed to name them): embeddings, overrides and isolates,
# which reorder everything up to their end, and the three marks, which move
# neutral characters such as punctuation across strong ones.
BIDI_CONTROLS = {
    "\u061c": "arabic letter mark",
    "\u200e": "left-to-right mark",
    "\u200f": "right-to-left mark",
    "\u202a": "left-to-right embedding",
    "\u202b": "right-to-left embedding",
    "\u202c": "pop directional formatting",
    "\u202d": "left-to-right override",
    "\u202e": "right-to-left override",
    "\u2066": "left-to-right isolate",
    "\u2067": "right-to-left isolate",
    "\u2068": "first strong isolate",
    "\u2069": "pop directional isolate",
}
_BIDI = re.compile("[" + "".join(BIDI_CONTROLS) + "]")

# Reported one by one up to this many per file; the next one's report counts
# the rest, so a file full of them gives a short report.
MAX_REPORTS = 10


def bidi_controls(text: str, shown: str) -> list[Diagnostic]:
    """A ``SYN015`` diagnostic for each bidirectional control in ``text`` (the file ``shown``).

    One pass over the text: lines are counted between one control and the
    next, never from the start again.
    """
    if text.isascii():  # known without a scan: Python records it with the string
        return []
    found: list[Diagnostic] = []
    line, line_start, last = 1, 0, 0
    for match in _BIDI.finditer(text):
        at = match.start()
        newlines = text.count("\n", last, at)
        if newlines:
            line += newlines
            line_start = text.rfind("\n", last, at) + 1
        last = at
        char = match.group()
        message = f"bidirectional control character U+{ord(char):04X} ({BIDI_CONTROLS[char]})"
        if len(found) == MAX_REPORTS:
            # Counted by str.count, control by control: a fixed number of
            # passes in C, where a Python loop over millions of them would not be.
            rest = sum(text.count(control, at + 1) for control in BIDI_CONTROLS)
            if rest:
                message += f"; {rest} more after it in this file are not reported one by one"
        found.append(
            Diagnostic(
                codes.BIDI_CONTROL.code,
                codes.BIDI_CONTROL.severity,
                message,
                point(shown, line, at - line_start + 1),
                "it can make this line display in another order than the one it is read in "
                f"(Trojan Source); delete it, or write it as the escape `\\u{{{ord(char):04X}}}` "
                "in a string if the text needs it",
            )
        )
        if len(found) > MAX_REPORTS:
            break
    return found


# Letters and symbols that a font draws as nothing: the Hangul fillers and the
# blank Braille pattern. Their categories (Lo, So) would count them as visible.
_BLANK = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def has_visible_text(text: str) -> bool:
    """True when ``text`` has a letter, digit, punctuation mark or symbol a reader can see.

    Spaces, controls, format characters (zero-width spaces and joiners, word
    joiner, byte-order mark, bidirectional controls) and combining marks
    alone show nothing, so text made only of them says nothing.
    """
    if text.isascii():
        return any("!" <= char <= "~" for char in text)
    import unicodedata

    return any(char not in _BLANK and unicodedata.category(char)[0] in "LNPS" for char in text)


def first_hidden(text: str) -> str | None:
    """The first character of ``text`` that is neither visible nor a plain space, if any."""
    return next((char for char in text if char not in " \t\n" and not has_visible_text(char)), None)


def describe(char: str) -> str:
    """``U+200B (zero width space)``: a character named, since it cannot be shown."""
    import unicodedata

    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" ({name.lower()})" if name else "")
