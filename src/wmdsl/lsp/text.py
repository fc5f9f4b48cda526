"""Positions and tokens of an editor's text.

wmdsl counts lines and columns from 1, columns in code points; the Language
Server Protocol counts from 0, characters in the code units the client and
server agreed on (UTF-16 unless both say otherwise). :class:`Lines` converts
between the two. :func:`tokens` splits text into the tokens an editor shows
(comments included, unfinished strings tolerated), which the completion
context, the highlighting and the folding read: they must work on text that
is half typed, where the parser's syntax tree is not to be relied on.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

from wmdsl.model.span import Span
from wmdsl.project.specs import normalize_newlines


def _units(text: str, encoding: str) -> int:
    """The length of ``text`` in the code units of ``encoding``."""
    if text.isascii() or encoding == "utf-32":
        return len(text)
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


class Lines:
    """The lines of one text, to convert wmdsl positions to the protocol's and back."""

    def __init__(self, text: str, encoding: str = "utf-16") -> None:
        self.text = normalize_newlines(text)
        self.lines = self.text.split("\n")
        self.encoding = encoding
        self._starts: list[int] | None = None

    def line(self, number: int) -> str:
        """Line ``number`` (from 1), or "" past the end."""
        return self.lines[number - 1] if 0 < number <= len(self.lines) else ""

    def to_client(self, line: int, col: int) -> tuple[int, int]:
        """wmdsl's ``line:col`` (from 1, code points) as the protocol's (from 0, code units)."""
        text = self.line(line)
        return max(line - 1, 0), _units(text[: max(col - 1, 0)], self.encoding)

    def span(self, span: Span) -> tuple[int, int, int, int]:
        """``span`` as the protocol's start line, start character, end line, end character."""
        return (*self.to_client(span.line, span.col), *self.to_client(span.end_line, span.end_col))

    def from_client(self, line: int, character: int) -> tuple[int, int]:
        """The protocol's position as wmdsl's ``line:col`` (from 1, code points)."""
        text = self.line(line + 1)
        if text.isascii() or self.encoding == "utf-32":
            return line + 1, min(character, len(text)) + 1
        units = 0
        for index, char in enumerate(text):
            if units >= character:
                return line + 1, index + 1
            units += _units(char, self.encoding)
        return line + 1, len(text) + 1

    def offset(self, line: int, col: int) -> int:
        """The index in the text of wmdsl's ``line:col``."""
        if self._starts is None:
            starts, at = [], 0
            for text in self.lines:
                starts.append(at)
                at += len(text) + 1
            self._starts = starts
        if line > len(self._starts):
            return len(self.text)
        return self._starts[line - 1] + min(col - 1, len(self.lines[line - 1]))

    def position(self, offset: int) -> tuple[int, int]:
        """wmdsl's ``line:col`` of index ``offset`` of the text."""
        line = self.text.count("\n", 0, offset) + 1
        return line, offset - (self.text.rfind("\n", 0, offset) + 1) + 1


# The terminals of grammar/wmdsl.lark as an editor sees them: a string may be
# unfinished (it ends at the line's end), comments are tokens, and anything
# else is one character of its own.
_TOKEN = re.compile(
    r'(?P<TEXT>"""(?:[^"\\]|\\[\s\S]|"(?!""))*(?:"""|\Z))'
    r'|(?P<STRING>"(?:[^"\\\n]|\\[^\n])*"?)'
    r"|(?P<COMMENT>#[^\n]*)"
    r"|(?P<HANDLE>@[A-Za-z0-9_.\-]*)"
    r"|(?P<NUMBER>-?[0-9]+(?:\.[0-9]+)?(?:%|[A-Za-z_]+)?)"
    r"|(?P<WORD>[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*)"
    r"|(?P<ARROW>->)|(?P<COMMA>,)|(?P<OPEN>\{)|(?P<CLOSE>\})|(?P<END>[;\n])"
    r"|(?P<BLANK>[ \t\f\r\ufeff]+)|(?P<OTHER>.)",
    re.S,
)


@dataclass(frozen=True, slots=True)
class Token:
    """One token: its terminal, where it starts and ends in the text, and what it says."""

    kind: str
    start: int
    end: int
    text: str


def tokens(text: str, start: int = 0) -> Iterator[Token]:
    """The tokens of ``text`` from index ``start`` (a token's start) in order, blanks left out."""
    for match in _TOKEN.finditer(text, start):
        kind = match.lastgroup or "OTHER"
        if kind != "BLANK":
            yield Token(kind, match.start(), match.end(), match.group())


@dataclass(frozen=True, slots=True)
class Context:
    """Where a position is in the text: the blocks around it and the statement it is in.

    ``blocks`` holds the words of the statement that opened each enclosing
    block, outermost first (``["stage", "build", "in", "eng"]``); ``words``
    the words of the current statement before the position (``"->"`` for an
    arrow); ``prefix`` the part of a name or keyword being typed; ``quiet``
    is true inside a string or comment, where nothing is offered.
    """

    blocks: tuple[tuple[str, ...], ...]
    words: tuple[str, ...]
    prefix: str
    quiet: bool = False


def context(text: str, offset: int) -> Context:
    """The :class:`Context` of index ``offset`` of ``text`` (one pass over the tokens before it)."""
    return Scanner().context(text, offset)


# What a scan has seen at a line break: the enclosing blocks, the current
# statement's words, and whether a comma continues it.
_Seen = tuple[tuple[tuple[str, ...], ...], tuple[str, ...], bool]


class Scanner:
    """:func:`context` of the texts of one file, resumed from what an earlier scan saw.

    A scan records, every :attr:`EVERY` lines, what it has seen so far; the
    next scan starts at the last record before its offset that lies before
    the first character the text changed at. Asked again and again while a
    long file is edited near the cursor, it reads the text from shortly
    before the edit instead of from its start.
    """

    EVERY = 200

    def __init__(self) -> None:
        self.text = ""
        self.seen: list[tuple[int, _Seen]] = [(0, ((), (), False))]

    def context(self, text: str, offset: int) -> Context:
        if text is not self.text:
            changed = _first_difference(self.text, text)
            while self.seen[-1][0] > changed:
                self.seen.pop()
            self.text = text
        index = bisect.bisect_right(self.seen, offset, key=lambda point: point[0]) - 1
        start, (opened, said, continued) = self.seen[index]
        blocks, words = list(opened), list(said)
        lines = 0
        for token in tokens(text, start):
            if token.start >= offset:
                break
            if token.end >= offset:
                unfinished = token.kind == "COMMENT" or (
                    token.kind == "STRING" and not _closed(token.text, '"')
                )
                unfinished = unfinished or (token.kind == "TEXT" and not _closed(token.text, '"""'))
                if token.kind in ("STRING", "TEXT", "COMMENT") and (token.end > offset or unfinished):
                    return Context(tuple(blocks), tuple(words), "", quiet=True)
                if token.kind in ("WORD", "HANDLE", "NUMBER"):
                    return Context(tuple(blocks), tuple(words), token.text[: offset - token.start])
            if token.kind == "COMMENT":
                continue
            if token.kind == "END":
                if not (continued and token.text == "\n"):
                    words = []
                if token.text == "\n":
                    lines += 1
                    if lines % self.EVERY == 0 and token.end > self.seen[-1][0]:
                        self.seen.append((token.end, (tuple(blocks), tuple(words), continued)))
                continue
            continued = token.kind == "COMMA"
            if token.kind == "OPEN":
                blocks.append(tuple(words))
                words = []
            elif token.kind == "CLOSE":
                if blocks:
                    blocks.pop()
                words = []
            elif token.kind == "ARROW":
                words.append("->")
            elif token.kind != "COMMA":
                words.append(token.text)
        return Context(tuple(blocks), tuple(words), "")


def _first_difference(old: str, new: str) -> int:
    """The index of the first character at which ``old`` and ``new`` differ (compared a block at a time)."""
    size = min(len(old), len(new))
    at, step = 0, 65536
    while at < size and old[at : at + step] == new[at : at + step]:
        at += step
    while at < size and old[at] == new[at]:
        at += 1
    return at


def _closed(text: str, quote: str) -> bool:
    return len(text) >= 2 * len(quote) and text.endswith(quote)


def folds(text: str) -> list[tuple[int, int]]:
    """The first and last line (from 1) of every block and text block that spans several lines."""
    found: list[tuple[int, int]] = []
    opened: list[int] = []
    line = 1
    for token in tokens(text):
        if token.kind == "OPEN":
            opened.append(line)
        elif token.kind == "CLOSE" and opened:
            first = opened.pop()
            if line > first:
                found.append((first, line))
        elif token.kind == "TEXT":
            lines = token.text.count("\n")
            if lines:
                found.append((line, line + lines))
        line += token.text.count("\n")
    return sorted(found)
