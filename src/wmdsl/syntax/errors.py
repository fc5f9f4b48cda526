"""Turning lark's parse errors into messages in the user's words.

lark reports terminal names (``RBRACE``, ``$END``); users typed ``}`` and
reached the end of a file. This module translates, adds a hint where the
mistake is a common one, and drives error recovery so that independent
mistakes in one file are all reported in one run.
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from lark import Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from wmdsl.diagnostics import Diagnostic, Related, codes
from wmdsl.diagnostics.codes import Code
from wmdsl.model.span import Span

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
    "_SEP": "the end of the line",
    "$END": "the end of the file",
}


def expected_words(expected: set[str] | frozenset[str]) -> str:
    """``a name, `{` or the end of the line`` for a set of terminal names."""
    words: list[str] = []
    for terminal, word in _WORDS.items():
        if terminal in expected and word not in words:
            words.append(word)
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
    if token.type == "_SEP":  # a run of line ends and `;`
        return "`;`" if token.startswith(";") else "end of line"
    if token.type == "COMMA":
        return "`,`"  # the token also holds the blank space after the comma
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
        self._previous_type = "_SEP"
        # Set by an error about a brace or the end of the file: blocks may then
        # hold statements that belong elsewhere, so nothing built is kept.
        self.structural = False

    # lark calls this for every error; returning True resumes the parse.
    def on_error(self, error: UnexpectedInput) -> bool:
        if isinstance(error, UnexpectedToken) and error.token.type == "$END":
            self.record(error)
            return False
        if isinstance(error, UnexpectedToken) and self._absorb_brace(error.token):
            return True
        if (
            isinstance(error, UnexpectedToken)
            and error.token.type == "_SEP"
            and _last_token_is(error, "_SEP")
        ):
            # The lexer joins a run of line ends into one token, so two only
            # meet when a bad token between them was dropped: nothing new.
            return True
        self.record(error)
        if isinstance(error, UnexpectedToken) and error.token.type == "_SEP":
            _end_statement(error)
        return len(self.diagnostics) < MAX_ERRORS

    def _absorb_brace(self, token: Token) -> bool:
        # A skipped `{` (say, a block put on the line after its statement)
        # must take its `}` with it, or every such mistake is reported twice.
        if token.type == "LBRACE":
            self._skipped_braces += 1
            self.structural = True
        elif token.type == "RBRACE" and self._skipped_braces:
            self._skipped_braces -= 1
            return True
        return False

    def record(self, error: UnexpectedInput) -> None:
        """Translate ``error``; at most one error per line, to avoid cascades."""
        line = getattr(error, "line", -1)
        token_type = error.token.type if isinstance(error, UnexpectedToken) else None
        if isinstance(error, UnexpectedEOF) or token_type in ("LBRACE", "RBRACE", "$END"):
            self.structural = True
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
                width = 1 if token.type == "COMMA" else width
                self._add(line, col, width, *self._bad_token(error))

    def add_custom(
        self,
        span: Span,
        message: str,
        hint: str | None,
        code: Code = codes.SYNTAX,
        related: tuple[Related, ...] = (),
    ) -> None:
        """Record an error found while building the AST (a bad escape, a limit)."""
        self.diagnostics.append(Diagnostic(code.code, code.severity, message, span, hint, related))

    def _add(
        self,
        line: int,
        col: int,
        width: int,
        message: str,
        hint: str | None,
        related: tuple[Related, ...] = (),
    ) -> None:
        self._last_line = line
        if len(self.diagnostics) >= MAX_ERRORS:
            return
        span = Span(file=self.path, line=line, col=col, end_line=line, end_col=col + width)
        if len(self.diagnostics) == MAX_ERRORS - 1:
            hint = "too many syntax errors; stopping here (fix these and run again)"
        self.add_custom(span, message, hint, related=related)

    def _end_position(self) -> tuple[int, int]:
        lines = self.text.splitlines() or [""]
        ends_with_newline = self.text.endswith(("\n", "\r"))
        if ends_with_newline:
            return len(lines) + 1, 1
        return len(lines), len(lines[-1]) + 1

    def _brace_at(self, line: int, col: int) -> Span:
        return Span(file=self.path, line=line, col=col, end_line=line, end_col=col + 1)

    def _at_end(self, error: UnexpectedInput) -> None:
        """The file ended too soon: point at the unclosed `{` if that is why."""
        opener = _innermost_open_brace(error)
        if opener is not None and opener.line is not None and opener.column is not None:
            hint: str | None = "add the missing `}` where the block should end"
            related: tuple[Related, ...] = ()
            suspect = misindented_block(self.text)
            if suspect is not None and suspect.opener != (opener.line, opener.column):
                (line, col), closer = suspect.opener, suspect.closer
                hint = (
                    f"the block opened at {line}:{col} probably lacks its `}}`: the `}}` that "
                    f"closes it now, on line {closer[0]}, is not indented like line {line}"
                )
                related = (Related(self._brace_at(line, col), "probably never closed"),)
            message = "this `{` is never closed: the file ends first"
            self._add(opener.line, opener.column, 1, message, hint, related)
            return
        line, col = self._end_position()
        expected: set[str] = getattr(error, "expected", set()) or set()
        hint = (
            "a handoff connects two names, e.g. `triage -> build`" if _last_token_is(error, "ARROW") else None
        )
        self._add(line, col, 1, f"unexpected end of file; expected {expected_words(expected)}", hint)

    def _bad_character(self, error: UnexpectedCharacters) -> tuple[str, str | None]:
        char, pos = error.char, error.pos_in_stream or 0
        if char == '"':
            if self.text.startswith('"""', pos):
                return "unterminated text block", 'close it with `"""`'
            return (
                "unterminated string",
                'close it with `"` on the same line, or use `"""` for text over several lines',
            )
        return character_advice(self.text, pos)

    def _bad_token(self, error: UnexpectedToken) -> tuple[str, str | None, tuple[Related, ...]]:
        token, expected = error.token, error.expected
        message = f"unexpected {describe_token(token)}; expected {expected_words(expected)}"
        hint: str | None = None
        if _last_token_is(error, "ARROW"):
            hint = "a handoff connects two names, e.g. `triage -> build`"
        elif token.type == "LBRACE" and "WORD" in expected:
            hint = "a block `{` must start on the same line as the statement it belongs to"
        elif token.type == "RBRACE" and "RBRACE" not in expected:
            return self._extra_brace()
        elif token.type == "ARROW":
            return (*self._misplaced_arrow(token), ())
        elif token.type == "COMMA" and "WORD" in expected:
            message = "unexpected `,`: a statement cannot start with a comma"
            hint = (
                "a list goes on to the next line only when the line ends with a comma: "
                "move the `,` to the end of the line before"
            )
        elif token.type in ("STRING", "HANDLE", "NUMBER") and "WORD" in expected:
            hint = 'every statement starts with a keyword, e.g. `stage build "Build"`'
        elif token.type == "WORD" and "_SEP" in expected:
            hint = (
                f"a statement ends at the end of its line: put `{token}` on a new line, "
                "or write `;` before it"
            )
        return message, hint, ()

    def _extra_brace(self) -> tuple[str, str | None, tuple[Related, ...]]:
        message = "unexpected `}`: no block is open here"
        suspect = misindented_block(self.text)
        if suspect is None:
            return message, "remove it, or check for a missing `{` earlier", ()
        (line, col), (end_line, end_col) = suspect.opener, suspect.closer
        unopened = block_without_brace(self.text, end_line)
        if unopened is not None:
            hint = (
                f"line {unopened[0]} probably lacks a `{{` at its end: the lines after it are "
                f"indented as its block, and the `}}` at {end_line}:{end_col} closes it"
            )
            return message, hint, (Related(self._brace_at(*unopened), "probably missing `{` here"),)
        hint = (
            f"the `}}` at {end_line}:{end_col} may be one too many: it closes the block opened at "
            f"{line}:{col}, but is not indented like that line"
        )
        return message, hint, (Related(self._brace_at(end_line, end_col), "probably the extra `}`"),)

    def _misplaced_arrow(self, token: Token) -> tuple[str, str | None]:
        start = self.text.rfind("\n", 0, token.start_pos or 0) + 1
        end = self.text.find("\n", token.end_pos or 0)
        line = self.text[start : len(self.text) if end == -1 else end].split("#")[0]
        nodes = [part.strip() for part in line.split("->")]
        if len(nodes) > 2 and all(_SIMPLE_NAME.fullmatch(n) for n in nodes):
            pairs = " and ".join(f"`{a} -> {b}`" for a, b in itertools.pairwise(nodes))
            return (
                "unexpected `->`: a handoff has one arrow",
                f"write a chain as one handoff per line: {pairs}",
            )
        return (
            "unexpected `->`: a handoff starts with the name of its source",
            "a handoff is written `source -> target`, one name on each side of the arrow",
        )


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


def _last_token_is(error: UnexpectedInput, terminal: str) -> bool:
    """Whether the parser's last shifted symbol is a ``terminal`` token."""
    parser = getattr(error, "interactive_parser", None)
    stack: list[Any] = parser.parser_state.value_stack if parser is not None else []
    return bool(stack) and isinstance(stack[-1], Token) and stack[-1].type == terminal


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


@dataclass(frozen=True, slots=True)
class BracePair:
    """A block's ``{`` and the ``}`` that closes it, as (line, column) pairs."""

    opener: tuple[int, int]
    closer: tuple[int, int]


def misindented_block(text: str) -> BracePair | None:
    """The first multi-line block whose ``}`` is not indented like its first line.

    When a block loses its ``}``, the parser pairs every later ``}`` with the
    wrong opener and can only say that the outermost block is unclosed; the
    indentation the author used usually shows which block really lost it (or
    which ``}`` is one too many).
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
                return BracePair(
                    (first, opened - line_starts[first - 1] + 1),
                    (last, match.start() - line_starts[last - 1] + 1),
                )
    return None


_COMMENT = re.compile(r'("(?:[^"\\]|\\.)*")|#.*')


def block_without_brace(text: str, closer_line: int) -> tuple[int, int] | None:
    """Where a ``{`` seems to be missing: the end of the statement whose indented
    lines the ``}`` on ``closer_line`` closes, when that statement has no ``{``.

    ::

        stage build "Build"      <- no `{` here
          wip 3
        }                        <- closes the enclosing block instead
    """
    lines = re.split(r"\r\n|\r|\n", text)
    indent = _width(lines[closer_line - 1])
    inside = 0
    for number in range(closer_line - 1, 0, -1):
        content = _COMMENT.sub(lambda m: m.group(1) or "", lines[number - 1]).rstrip()
        if not content.strip():
            continue
        if _width(content) > indent:
            inside += 1
            continue
        if _width(content) == indent and inside and not content.endswith(("{", ",")):
            return number, len(content) + 1
        return None
    return None


def _width(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _indent(text: str, line_starts: list[int], line: int) -> int:
    start = line_starts[line - 1]
    end = line_starts[line] if line < len(line_starts) else len(text)
    content = text[start:end]
    return len(content) - len(content.lstrip(" \t"))


# -- characters the lexer cannot read -------------------------------------

_SIMPLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CURLY_QUOTES = "\u201c\u201d\u201e\u201f\u2018\u2019\u00ab\u00bb"
_ARROWS = "\u2192\u27f6\u21d2\u2794\u279c\u279d\u2b62\u2014\u2013"  # → ⟶ ⇒ ➔ ➜ ➝ ⭢ — –
_WORD_CHARS = re.compile(r"[\w@.\-]")


def _around(text: str, pos: int) -> tuple[str, str]:
    """The text of ``pos``'s line before ``pos``, and from ``pos`` on."""
    start = max(text.rfind("\n", 0, pos), text.rfind("\r", 0, pos)) + 1
    ends = [i for i in (text.find("\n", pos), text.find("\r", pos)) if i != -1]
    return text[start:pos], text[pos : min(ends) if ends else len(text)]


def _ascii_name(word: str) -> str:
    """``accueil_café`` → ``accueil_cafe``: the nearest valid name or handle."""
    folded = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9_@.\-]", "_", folded)


def character_advice(text: str, pos: int) -> tuple[str, str]:
    """What to say about the character at ``pos`` that no token can start with."""
    char = text[pos]
    before, after = _around(text, pos)
    if char in _CURLY_QUOTES:
        quoted = re.match(f"[{_CURLY_QUOTES}]([^{_CURLY_QUOTES}]*)[{_CURLY_QUOTES}]", after)
        fix = f': `"{quoted.group(1)}"`' if quoted else ""
        return (
            f"unexpected curly quote {describe_char(char)}",
            f"strings are written in straight double quotes{fix} (word processors curl them)",
        )
    if char in _ARROWS or (char == "=" and after.startswith("=>")):
        return f"unexpected {describe_char(char)}", "a handoff arrow is written `->`: a hyphen and `>`"
    if char == "'":
        quoted = re.match(r"'([^'\"]*)'", after)
        example = f'`"{quoted.group(1)}"`' if quoted else '"like this"'
        return "unexpected `'`", f"strings are written in double quotes: {example}"
    if char == ":" and re.search(r"[0-9]$", before) and re.match(r":[0-9]{2}", after):
        # `hours 9:00-17:30`: opening hours are written in hours, with decimals for the minutes.
        return "unexpected `:` in a time", "write hours as numbers, minutes as a decimal: `9-17`, `8.5-17.5`"
    if char in "=:":
        return f"unexpected `{char}`", _assignment_hint(before, after)
    if char == "-":
        if re.match(r"-\s+>", after):
            return "unexpected `-`", "write the handoff arrow without a space inside: `->`"
        if after.startswith("-->"):
            return "unexpected `-`", "the handoff arrow is `->`, with one hyphen"
        return "unexpected `-`", "a handoff is written `source -> target`"
    if char == "@":
        return "unexpected `@`", "a handle is `@` followed by a name, e.g. `@dana`"
    if char == "/":
        return "unexpected `/`", "rates are written with `per`, e.g. `arrivals 6 per week`"
    if char == "%" and re.search(r"[0-9]\s+$", before):
        number = re.search(r"(-?[0-9.]+)\s+$", before)
        return "unexpected `%`", f"write a percentage without a space: `{number.group(1) if number else ''}%`"
    if char == ".":
        return "unexpected `.`", _dot_hint(before, after)
    if char.isalpha() or unicodedata.category(char).startswith("M"):
        return _non_ascii_letter(char, before, after)
    return (
        f"unexpected character {describe_char(char)}",
        "outside double quotes, a spec holds only names, @handles, numbers and `{ } ; , ->`",
    )


def _assignment_hint(before: str, after: str) -> str:
    keyword = re.search(r"([A-Za-z_][A-Za-z0-9_]*)\s*$", before)
    listed = re.match(r".\s*\[([^\]\n;{}#]*)\]", after)
    value = re.match(r".\s*([^\s;{}#]+)", after)
    if keyword and listed:
        # `members = [@ana, @raj]`: a list is its items separated by commas, no brackets.
        items = ", ".join(item.strip() for item in listed.group(1).split(",") if item.strip())
        fix = f"{keyword.group(1)} {items}"
        return f"attributes are written `keyword value`, without `=`, `:` or brackets: `{fix}`"
    if keyword and value:
        fix = f"{keyword.group(1)} {value.group(1)}"
        return f"attributes are written `keyword value`, without `=` or `:`: `{fix}`"
    return "attributes are written `keyword value`, without `=` or `:` (e.g. `wip 4`)"


def _dot_hint(before: str, after: str) -> str:
    if before.strip().startswith("import"):
        path = re.search(r"(\S*)$", before)
        rest = re.match(r"[^\s;#]*", after)
        written = (path.group(1) if path else "") + (rest.group() if rest else "")
        return f'the path of an import is a string in double quotes: `import "{written}"`'
    number = re.match(r"\.[0-9]+[A-Za-z%]*", after)
    if number and not re.search(r"[0-9]$", before):
        return f"a number starts with a digit: `0{number.group()}`"
    return "`.` may appear only in a number (`1.5d`) or a @handle (`@dana.ruiz`)"


def _non_ascii_letter(char: str, before: str, after: str) -> tuple[str, str]:
    start = len(before)
    while start and (_WORD_CHARS.match(before[start - 1]) or not before[start - 1].isascii()):
        start -= 1
    end = 0
    while end < len(after) and (_WORD_CHARS.match(after[end]) or not after[end].isascii()):
        end += 1
    word = before[start:] + after[:end]
    fixed = _ascii_name(word)
    message = f"unexpected character {describe_char(char)}: names and @handles are plain ASCII"
    if fixed.strip("_@") and fixed != word:
        return message, f"write `{fixed}`; titles in double quotes may use any characters"
    return message, "names use `a-z`, `0-9` and `_`; titles in double quotes may use any characters"
