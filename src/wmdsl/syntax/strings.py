"""Decoding of string literals (``"…"`` and ``\"\"\"…\"\"\"``)."""

from __future__ import annotations

import re
import textwrap

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
    """The value of a ``\"\"\"…\"\"\"`` block.

    A newline right after the opening quotes and the indentation shared by all
    lines are removed, as are trailing blanks, so a text block can be indented
    with the code around it.
    """
    body = raw[3:-3]
    value = _unescape(body, 3)
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if value.startswith("\n"):
        value = value[1:]
    return textwrap.dedent(value).rstrip()
