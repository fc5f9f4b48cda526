"""How wide text is, so that every label fits the box drawn round it.

The diagrams name the font family ``Liberation Sans, Arial, Helvetica``:
three faces with the same advance widths (Liberation Sans and Arial were
made to match Helvetica's metrics). The tables below are those widths for
printable ASCII in thousandths of the font size, regular and bold, as
published in Helvetica's font metrics. Other characters are estimated: a
wide (East Asian) character as a full em, a Latin, Greek or Cyrillic letter
as a wide Latin one, and a character of another script more generously, as
the faces that draw them (whichever a machine has) run wider. Boxes get a
little room beyond the measure (:data:`SLACK`) so that a fallback face that
runs slightly wider still fits.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_REGULAR = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
)  # fmt: skip
_BOLD = (
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
)  # fmt: skip
_LATIN = 667  # a Latin, Greek or Cyrillic letter outside the tables
_OTHER = 850  # a character of another script (Indic, Thai, Arabic, …): their faces run wider
_WIDE = 1000  # an East Asian wide or full-width character, or an emoji
SLACK = 1.08  # room for a fallback face a little wider than Helvetica's metrics


@lru_cache(maxsize=4096)
def _advance(char: str, bold: bool) -> int:
    code = ord(char)
    if 32 <= code < 127:
        return (_BOLD if bold else _REGULAR)[code - 32]
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    if unicodedata.east_asian_width(char) in ("W", "F") or code >= 0x1F000:
        return _WIDE
    return _LATIN if code < 0x0530 else _OTHER


def width(text: str, size: float, bold: bool = False) -> float:
    """The advance width of ``text`` at font size ``size`` (pixels), with :data:`SLACK`."""
    return sum(_advance(char, bold) for char in text) * size * SLACK / 1000


def wrap(text: str, limit: float, size: float, bold: bool = False) -> list[str]:
    """``text`` broken at spaces into lines no wider than ``limit`` pixels where it can be.

    The text's own line breaks are kept; a word wider than ``limit`` is cut
    between characters. Empty text gives no lines.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if width(candidate, size, bold) <= limit:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            for char in word:  # a word too long for a line is cut where it has to be
                if line and width(line + char, size, bold) > limit:
                    lines.append(line)
                    line = ""
                line += char
        if line:
            lines.append(line)
    return lines
