"""Decoding of string literals (``"…"`` and ``\"\"\"…\"\"\"``)."""

from __future__ import annotations

import re

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_ESCAPE = re.compile(r"\\(u\{[0-9A-Fa-f]{1,6}\}|[\s\S])")


class EscapeError(ValueError):
    """An unknown escape sequence at ``offset`` characters into the literal."""

    def __init__(self, sequence: str, offset: int) -> None:
        super().__init__(sequence)
        self.sequence = sequence
        self.offset = offset


def _unescape(body: str, base: int) -> str:
    def replace(match: re.Match[str]) -> str:
        escape = match.group(1)
        if escape in _ESCAPES:
            return _ESCAPES[escape]
        if escape.startswith("u{"):
            codepoint = int(escape[2:-1], 16)
            if codepoint <= 0x10FFFF and not 0xD800 <= codepoint <= 0xDFFF:
                return chr(codepoint)
        raise EscapeError(match.group(0), base + match.start())

    return _ESCAPE.sub(replace, body) if "\\" in body else body


def decode_string(raw: str) -> str:
    """The value of a ``"…"`` literal (``raw`` includes the quotes)."""
    return _unescape(raw[1:-1], 1)


def decode_text(raw: str) -> str:
    r"""The value of a triple-quoted text block.

    Layout is taken from the literal text only: a line break right after the
    opening quotes, the indentation shared by all lines and trailing blanks
    are removed, so a text block can be indented with the code around it.
    Escapes are applied afterwards, so an escaped ``\n`` or ``\t`` is always
    content and never layout.
    """
    body = raw[3:-3]
    _unescape(body, 3)  # report a bad escape at its place in the source
    layout = body.replace("\r\n", "\n").replace("\r", "\n")
    if layout.startswith("\n"):
        layout = layout[1:]
    import textwrap  # here: most specs have no text block, and a check need not load it

    layout = textwrap.dedent(layout).rstrip(" \t\n")
    return _unescape(layout, 3)
