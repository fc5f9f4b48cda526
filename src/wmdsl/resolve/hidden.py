"""Text that hides what it says: reasons with nothing visible in them.

``unicodedata`` is imported only for text beyond ASCII, which a clean check of
plain specs never meets here.
"""

from __future__ import annotations

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
