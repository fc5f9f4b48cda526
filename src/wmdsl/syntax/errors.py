"""Turning lark's parse errors into messages in the user's words.

lark reports terminal names (``RBRACE``, ``$END``); users typed ``}`` and
reached the end of a file. This module translates, adds a hint where the
mistake is a common one, and drives error recovery so that independent
mistakes in one file are all reported in one run.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from typing import Any

from lark import Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from wmdsl import codes
from wmdsl.codes import Code
from wmdsl.diagnostics import Diagnostic
from wmdsl.span import Span

MAX_ERRORS = 25

# What each terminal is called in a message, in the order they are listed.
_WORDS = {
    "WORD": "a name",
    "HANDLE": "a @handle",
    "NUMBER": "a number",
    "STRING": "a string",
    "TEXT": "a string",
    "COMMA": "`,`",
    "ARROW": "`->`",
    "LBRACE": "`{`",
    "RBRACE": "`}`",
    "_NL": "the end of the line",
    "_SEMI": "`;`",
    "$END": "the end of the file",
}


def expected_words(expected: set[str] | frozenset[str]) -> str:
    """``a name, `{` or the end of the line`` for a set of terminal names."""
    words: list[str] = []
    for terminal, word in _WORDS.items():
        if terminal in expected and word not in words:
            words.append(word)
    if "_SEMI" in expected and "_NL" in expected:
        words.remove("`;`")
    if not words:
        return "something else"
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def describe_char(char: str) -> str:
    """A character as a user can recognise it, even when it is invisible."""
    if char.isprintable() and not char.isspace():
        return f"`{char}`"
    name = unicodedata.name(char, "control character")
    return f"U+{ord(char):04X} ({name.lower()})"


def describe_token(token: Token) -> str:
    """An unexpected token described for a message."""
    if token.type == "$END":
        return "end of file"
    if token.type in ("_NL",):
        return "end of line"
    text = str(token)
    if token.type in ("STRING", "TEXT"):
        return "string " + (text if len(text) <= 30 else text[:27] + '..."')
    if token.type == "HANDLE":
        return f"handle `{text}`"
    if token.type == "NUMBER":
        return f"number `{text}`"
    if token.type == "WORD":
        return f"name `{text}`"
    return f"`{text}`"


class ErrorCollector:
    """Collects syntax errors for one file and steers lark's recovery."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.diagnostics: list[Diagnostic] = []
        self._last_line = 0
        self._skipped_braces = 0
        self._previous_type = "_NL"

    # lark calls this for every error; returning True resumes the parse.
    def on_error(self, error: UnexpectedInput) -> bool:
        if isinstance(error, UnexpectedToken) and error.token.type == "$END":
            self.record(error)
            return False
        if isinstance(error, UnexpectedToken) and self._absorb_brace(error.token):
            return True
        self.record(error)
        if isinstance(error, UnexpectedToken) and error.token.type in ("_NL", "_SEMI"):
            _end_statement(error)
        return len(self.diagnostics) < MAX_ERRORS

    def _absorb_brace(self, token: Token) -> bool:
        # A skipped `{` (say, a block put on the line after its statement)
        # must take its `}` with it, or every such mistake is reported twice.
        if token.type == "LBRACE":
            self._skipped_braces += 1
        elif token.type == "RBRACE" and self._skipped_braces:
            self._skipped_braces -= 1
            return True
        return False

    def record(self, error: UnexpectedInput) -> None:
        """Translate ``error``; at most one error per line, to avoid cascades."""
        line = getattr(error, "line", -1)
        if isinstance(error, UnexpectedEOF) or line in (-1, None):
            self._at_end(error)
            return
        if line <= self._last_line and self.diagnostics:
            return
        col = error.column
        if isinstance(error, UnexpectedCharacters):
            pos = error.pos_in_stream or 0
            if error.char == '"' and self.text[max(pos - 2, 0) : pos] == '""':
                # `"""` with no closing quotes lexes as `""` and a lone `"`.
                self._add(line, col - 2, 3, "unterminated text block", 'close it with `"""`')
                return
            self._add(line, col, 1, *self._bad_character(error))
        elif isinstance(error, UnexpectedToken):
            token = error.token
            if token.type == "$END":
                self._at_end(error)
            else:
                width = max(1, (token.end_column or col + 1) - col) if token.end_line == line else 1
                self._add(line, col, width, *self._bad_token(error))

    def add_custom(self, span: Span, message: str, hint: str | None, code: Code = codes.SYNTAX) -> None:
        """Record an error found while building the AST (a bad escape, a limit)."""
        self.diagnostics.append(Diagnostic(code.code, code.severity, message, span, hint))

    def _add(self, line: int, col: int, width: int, message: str, hint: str | None) -> None:
        self._last_line = line
        if len(self.diagnostics) >= MAX_ERRORS:
            return
        span = Span(file=self.path, line=line, col=col, end_line=line, end_col=col + width)
        if len(self.diagnostics) == MAX_ERRORS - 1:
            hint = "too many syntax errors; stopping here (fix these and run again)"
        self.add_custom(span, message, hint)

    def _end_position(self) -> tuple[int, int]:
        lines = self.text.splitlines() or [""]
        ends_with_newline = self.text.endswith(("\n", "\r"))
        if ends_with_newline:
            return len(lines) + 1, 1
        return len(lines), len(lines[-1]) + 1

    def _at_end(self, error: UnexpectedInput) -> None:
        """The file ended too soon: point at the unclosed `{` if that is why."""
        opener = _innermost_open_brace(error)
        if opener is not None and opener.line is not None and opener.column is not None:
            hint = "add the missing `}` where the block should end"
            suspect = misindented_block(self.text)
            if suspect is not None and suspect != (opener.line, opener.column):
                hint = (
                    f"the `}}` missing may be that of the block opened at {suspect[0]}:{suspect[1]}, "
                    "whose closing brace is not indented like its first line"
                )
            self._add(opener.line, opener.column, 1, "this `{` is never closed: the file ends first", hint)
            return
        line, col = self._end_position()
        expected: set[str] = getattr(error, "expected", set()) or set()
        self._add(line, col, 1, f"unexpected end of file; expected {expected_words(expected)}", None)

    def _bad_character(self, error: UnexpectedCharacters) -> tuple[str, str | None]:
        char = error.char
        if char == '"':
            if self.text.startswith('"""', error.pos_in_stream):
                return "unterminated text block", 'close it with `"""`'
            return (
                "unterminated string",
                'close it with `"` on the same line, or use `"""` for text over several lines',
            )
        if char == "'":
            return "unexpected `'`", 'strings are written in double quotes: "like this"'
        if char in "=:":
            return (
                f"unexpected `{char}`",
                "attributes are written `keyword value`, without `=` or `:` (e.g. `wip 4`)",
            )
        if char == "-":
            return "unexpected `-`", "a handoff is written `source -> target`"
        if char == "@":
            return "unexpected `@`", "a handle is `@` followed by a name, e.g. `@dana`"
        if char == "/":
            return "unexpected `/`", "rates are written with `per`, e.g. `arrivals 6 per week`"
        return f"unexpected character {describe_char(char)}", None

    def _bad_token(self, error: UnexpectedToken) -> tuple[str, str | None]:
        token, expected = error.token, error.expected
        message = f"unexpected {describe_token(token)}; expected {expected_words(expected)}"
        hint: str | None = None
        if token.type == "LBRACE" and "WORD" in expected:
            hint = "a block `{` must start on the same line as the statement it belongs to"
        elif token.type == "RBRACE" and "RBRACE" not in expected:
            message = "unexpected `}`: no block is open here"
            hint = "remove it, or check for a missing `{` earlier"
        elif token.type == "ARROW":
            hint = "a handoff is written `source -> target`, both names"
        elif "WORD" in expected and expected <= {"WORD"}:
            hint = "a handoff connects two names, e.g. `triage -> build`"
        elif token.type in ("STRING", "HANDLE", "NUMBER", "COMMA") and "WORD" in expected:
            hint = 'every statement starts with a keyword, e.g. `stage build "Build"`'
        return message, hint


def _end_statement(error: UnexpectedToken) -> None:
    """Recover at the end of a broken line: complete the statement and go on.

    Without this, the parser would still be waiting for (say) the target of a
    handoff when the next line starts, and report a second, spurious error
    on a line that is fine.
    """
    parser = error.interactive_parser
    for _ in range(4):
        accepts = parser.accepts()  # type: ignore[no-untyped-call]
        if error.token.type in accepts:
            parser.feed_token(error.token)
            return
        if "WORD" not in accepts:
            return
        parser.feed_token(Token.new_borrow_pos("WORD", "_", error.token))


def _innermost_open_brace(error: UnexpectedInput) -> Token | None:
    parser = getattr(error, "interactive_parser", None)
    if parser is None:
        return None
    stack: list[Any] = parser.parser_state.value_stack
    for value in reversed(stack):
        if isinstance(value, Token) and value.type == "LBRACE":
            return value
    return None


_BRACES = re.compile(r'"""(?:[^"\\]|\\[\s\S]|"(?!""))*"""|"(?:[^"\\\r\n]|\\.)*"|#[^\r\n]*|[{}]')


def misindented_block(text: str) -> tuple[int, int] | None:
    """The first multi-line block whose ``}`` is not indented like its first line.

    When a block loses its ``}``, the parser pairs every later ``}`` with the
    wrong opener and can only say that the outermost block is unclosed; the
    indentation the author used usually shows which block really lost it.
    """
    line_starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    stack: list[int] = []
    for match in _BRACES.finditer(text):
        if match.group() == "{":
            stack.append(match.start())
        elif match.group() == "}" and stack:
            opened = stack.pop()
            first = bisect.bisect_right(line_starts, opened)
            last = bisect.bisect_right(line_starts, match.start())
            if first != last and _indent(text, line_starts, first) != _indent(text, line_starts, last):
                return first, opened - line_starts[first - 1] + 1
    return None


def _indent(text: str, line_starts: list[int], line: int) -> int:
    start = line_starts[line - 1]
    end = line_starts[line] if line < len(line_starts) else len(text)
    content = text[start:end]
    return len(content) - len(content.lstrip(" \t"))
