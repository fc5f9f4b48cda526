"""The canonical layout of a spec (``wmdsl fmt``).

The parser drops comments and blanks, so the formatter reads the tokens of the
generated lexer (``wmdsl/_generated/lexer.py``, the one the parser runs on)
into a small tree of its own that keeps them: statements with their parts,
blocks, full-line comments, trailing comments and the blank lines between
statements. That tree is written back out in one layout (docs/formatting.md):

- two spaces of indentation per block level; one space around ``->``, after
  a comma and before ``{``; no space before a comma;
- one statement per line; a block stays on one line, ``{ a; b }``, when it
  was written on one line and is short (:func:`_fits`);
- at most one blank line in a row, where the author put one, and none at the
  start or the end of a block or of the file;
- a list continued after a comma stays continued, its next lines aligned
  with its first item;
- full-line comments on their own line at the indentation of the block,
  trailing comments two spaces after what they follow;
- strings quoted canonically (:func:`quote`), text blocks verbatim;
- no trailing blanks (but inside a text block, whose text they are), ``\\n``
  line ends and one at the end.

Nothing is reordered or dropped but blanks, ``;`` and a byte-order mark, so
the meaning cannot change; each result is parsed again and its syntax tree
compared with the input's (spans and spellings aside) before it is returned,
which turns a formatter bug into an error instead of a changed spec.
Everything here is linear in the size of the text.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from wmdsl.diagnostics import Diagnostic, WmdslError
from wmdsl.project.limits import DEFAULT, Limits
from wmdsl.syntax.ast import Arg, ArgKind, Block, Handoff, Statement
from wmdsl.syntax.parser import parse
from wmdsl.syntax.strings import decode_string

#: Longest line (in characters, indentation included) a block is kept on one line within.
WIDTH = 100
#: Most statements a block kept on one line holds.
ONE_LINE_STATEMENTS = 3
INDENT = "  "
#: What separates a trailing comment from the code before it.
BEFORE_COMMENT = "  "

_ESCAPED = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}
# Bidirectional controls (refused raw: SYN015), line and paragraph separators
# and the byte-order mark: characters that hide or move text, written as escapes.
_HIDDEN = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029\ufeff"
)
# The pieces of a separator or of a comma's tail: a line break, `;`, a comment, blanks.
_TRIVIA = re.compile(r"\n|;|#[^\n]*|[^\n;#]+")


class FormatError(WmdslError):
    """A spec cannot be formatted: it has syntax errors, which ``diagnostics`` lists."""

    def __init__(self, diagnostics: list[Diagnostic], source: str) -> None:
        self.diagnostics = diagnostics
        self.source = source  # the text the diagnostics point into (line ends normalised)
        first = diagnostics[0]
        more = f" (and {len(diagnostics) - 1} more)" if len(diagnostics) > 1 else ""
        super().__init__(f"{first.span}: {first.code} {first.message}{more}")


def quote(value: str) -> str:
    """``value`` as its canonical ``"…"`` literal.

    Quotes, backslashes, line feeds, tabs and carriage returns get their short
    escapes; other control characters and the characters that hide or reorder
    text get ``\\u{…}`` (upper-case hex); everything else is written as is.
    """
    out = ['"']
    for char in value:
        escaped = _ESCAPED.get(char)
        if escaped is not None:
            out.append(escaped)
        elif char < " " or "\x7f" <= char <= "\x9f" or char in _HIDDEN:
            out.append(f"\\u{{{ord(char):X}}}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


# The formatter's tree. Not frozen (but comments): each node is filled in as
# its tokens arrive (a trailing comment is only known after the statement it follows).


@dataclass(slots=True, kw_only=True)
class _Comma:
    """``,`` and what its token swallowed: whether the list goes on on the next line, and comments."""

    breaks: bool = False
    comments: list[tuple[str, bool]] = field(default_factory=list)  # (text, on the comma's line)


@dataclass(slots=True, kw_only=True)
class _Block:
    entries: list[_Stmt | _Comment] = field(default_factory=list)
    opened: str | None = None  # a comment after `{`
    open_line: int = 0
    one_line: bool = False  # `{` and `}` on one line of the source


@dataclass(slots=True, kw_only=True)
class _Stmt:
    parts: list[str | _Comma] = field(default_factory=list)  # tokens as they will be written
    # Arguments written against the one before, without a space: `9-17` is two
    # tokens, `9` and `-17`, which the resolver reads as one word.
    glued: set[int] = field(default_factory=set)
    block: _Block | None = None
    trailing: str | None = None  # a comment after the statement (after its `}`)
    blank_before: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class _Comment:
    text: str
    blank_before: bool = False


@functools.cache
def _lexer() -> tuple[re.Pattern[str], tuple[str | None, ...]]:
    from wmdsl._generated import lexer

    return re.compile(lexer.PATTERN), lexer.GROUPS


def _read(text: str) -> list[_Stmt | _Comment]:
    """The formatter's tree of ``text``, a file without syntax errors (line ends normalised)."""
    pattern, groups = _lexer()
    top: list[_Stmt | _Comment] = []
    entries = top
    stack: list[tuple[_Stmt, list[_Stmt | _Comment]]] = []
    current: _Stmt | None = None
    line = 1
    breaks = 0  # line breaks between statements since the last token or comment: 2 make a blank line
    anchor: tuple[int, _Stmt | _Block] | None = None  # where a comment on that line belongs
    last_end = -1  # where the statement's last token ended

    def comment(raw: str) -> None:
        nonlocal breaks
        body = raw.rstrip()
        if anchor is not None and anchor[0] == line:
            target = anchor[1]
            if isinstance(target, _Block) and target.opened is None:
                target.opened = body
                return
            if isinstance(target, _Stmt) and target.trailing is None:
                target.trailing = body
                return
        entries.append(_Comment(text=body, blank_before=breaks >= 2))
        breaks = 0

    def finish() -> None:
        """End the statement being read (its comments move out of a comma that ends it)."""
        nonlocal current
        if current is not None:
            same_line, others = _settle(current)
            if same_line is not None:
                current.trailing = same_line
            entries.extend(_Comment(text=other) for other in others)
            current = None

    for match in pattern.finditer(text):
        group = match.lastindex or 0
        kind = groups[group]
        raw = match.group(group)
        if kind == "_SEP":
            for piece in _TRIVIA.findall(raw):
                if piece == "\n":
                    finish()
                    line += 1
                    breaks += 1
                elif piece == ";":
                    finish()
                elif piece.startswith("#"):
                    finish()
                    comment(piece)
            continue
        if kind == "COMMENT":
            finish()
            comment(raw)
            continue
        if kind == "RBRACE":
            finish()
            closed, entries = stack.pop()
            assert closed.block is not None
            closed.block.one_line = closed.block.open_line == line
            anchor, breaks = (line, closed), 0
            continue
        if current is None:
            current = _Stmt(blank_before=breaks >= 2)
            entries.append(current)
        breaks = 0
        if kind == "LBRACE":
            block = current.block = _Block(open_line=line)
            same_line, others = _settle(current)
            block.opened = same_line
            block.entries.extend(_Comment(text=other) for other in others)
            stack.append((current, entries))
            entries, current = block.entries, None
            anchor = (line, block)
            continue
        if kind == "COMMA":
            tail = _Comma()
            for piece in _TRIVIA.findall(raw[1:]):
                if piece == "\n":
                    tail.breaks = True
                    line += 1
                elif piece.startswith("#"):
                    tail.comments.append((piece.rstrip(), not tail.breaks))
            current.parts.append(tail)
        elif kind in ("WORD", "HANDLE", "NUMBER", "ARROW", "TEXT", "STRING"):
            if match.start(group) == last_end and _is_argument(current.parts, len(current.parts) - 1):
                current.glued.add(len(current.parts))
            current.parts.append(quote(decode_string(raw)) if kind == "STRING" else raw)
            line += raw.count("\n")
        else:  # pragma: no cover - the text parsed without errors
            raise ValueError(f"unexpected {raw!r} on line {line}")
        anchor, last_end = (line, current), match.end()
    finish()
    return top


def _is_argument(parts: list[str | _Comma], index: int) -> bool:
    """Whether ``parts[index]`` is an argument other than a comma (not the keyword, not `a -> b`)."""
    first = 3 if len(parts) > 1 and parts[1] == "->" else 1
    return index >= first and not isinstance(parts[index], _Comma)


def _settle(stmt: _Stmt) -> tuple[str | None, list[str]]:
    """Take the comments out of a comma that ends ``stmt``'s arguments (before its end or its `{`).

    Such a comma is a mistake the resolver reports, but its comments must not
    swallow what comes after them when it is written out: the one on its line
    becomes the statement's trailing comment (or the block's opening one),
    the others full-line comments after it (or first in the block).
    """
    last = stmt.parts[-1] if stmt.parts else None
    if not isinstance(last, _Comma) or not last.comments:
        return None, []
    comments, last.comments, last.breaks = last.comments, [], False
    if comments[0][1]:
        return comments[0][0], [text for text, _ in comments[1:]]
    return None, [text for text, _ in comments]


def _head(stmt: _Stmt, pad: str) -> str:
    """A statement's tokens on one line, or on several where a list goes on after a comma."""
    parts = stmt.parts
    first = parts[0] if parts and isinstance(parts[0], str) else ""
    # Continued lines start under the first item: the first argument, or the target of `a -> b,`.
    hang = len(first) + (4 if len(parts) > 1 and parts[1] == "->" else 1)
    cont = "\n" + pad + " " * hang
    out: list[str] = []
    before = ""
    for index, part in enumerate(parts):
        if isinstance(part, _Comma):
            # No space before a comma, but a comma after a line break starts the next line.
            out.append(before + "," if before.startswith("\n") else ",")
            for index, (text, same_line) in enumerate(part.comments):
                out.append(BEFORE_COMMENT + text if index == 0 and same_line else cont + text)
            before = cont if part.breaks or part.comments else " "
        else:
            out.append(part if index in stmt.glued else before + part)
            before = " "
    return "".join(out)


def _multiline(stmt: _Stmt) -> bool:
    """Whether the statement's own tokens take more than one line."""
    return any(
        (part.breaks or bool(part.comments)) if isinstance(part, _Comma) else "\n" in part
        for part in stmt.parts
    )


def _fits(stmt: _Stmt, pad: str, head: str) -> str | None:
    """The one-line form of a statement's block, when it keeps one.

    A block is written ``{ a; b }`` when it was written on one line, holds
    one to three statements, each without a block, a comment or a line
    break of its own, and the whole statement then fits in :data:`WIDTH`
    characters. Otherwise it is written one statement per line.
    """
    block = stmt.block
    assert block is not None
    if not block.one_line or block.opened is not None or not 1 <= len(block.entries) <= ONE_LINE_STATEMENTS:
        return None
    inner: list[str] = []
    for entry in block.entries:
        if not isinstance(entry, _Stmt) or entry.block is not None or entry.trailing is not None:
            return None
        if _multiline(entry):
            return None
        inner.append(_head(entry, ""))
    text = f"{pad}{head} {{ {'; '.join(inner)} }}"
    return text if "\n" not in head and len(text) <= WIDTH else None


def _write(entries: list[_Stmt | _Comment], depth: int, out: list[str]) -> None:
    pad = INDENT * depth
    for index, entry in enumerate(entries):
        if entry.blank_before and index:
            out.append("")
        if isinstance(entry, _Comment):
            out.append(pad + entry.text)
            continue
        head = _head(entry, pad)
        last = entry.parts[-1] if entry.parts else None
        trailing = BEFORE_COMMENT + entry.trailing if entry.trailing is not None else ""
        block = entry.block
        if block is None:
            # A statement ending in a comma keeps a `;` after it: a line break
            # there would continue its list onto the next statement.
            end = ";" if isinstance(last, _Comma) else ""
            out.append(pad + head + end + trailing)
        elif not block.entries and block.opened is None:
            out.append(pad + head + " {}" + trailing)
        elif (one_line := _fits(entry, pad, head)) is not None:
            out.append(one_line + trailing)
        else:
            opened = BEFORE_COMMENT + block.opened if block.opened is not None else ""
            out.append(pad + head + " {" + opened)
            _write(block.entries, depth + 1, out)
            out.append(pad + "}" + trailing)


def _shape(items: tuple[Statement | Handoff, ...]) -> list[object]:
    """What a syntax tree says, without where or how: kinds and decoded values, nested."""

    def block(value: Block | None) -> object:
        return None if value is None else _shape(value.items)

    shape: list[object] = []
    for item in items:
        args = [
            (arg.kind, arg.value, i > 0 and _touch(item.args[i - 1], arg)) for i, arg in enumerate(item.args)
        ]
        if isinstance(item, Handoff):
            shape.append(("->", item.source.value, item.target.value, args, block(item.block)))
        else:
            shape.append((item.keyword.value, args, block(item.block)))
    return shape


def _touch(before: Arg, arg: Arg) -> bool:
    """Whether ``arg`` is written against ``before`` (which the resolver reads as one word)."""
    return (
        before.kind is not ArgKind.COMMA
        and arg.kind is not ArgKind.COMMA
        and (before.end_line, before.end_col) == (arg.line, arg.col)
    )


def format_text(text: str, path: str = "<string>", limits: Limits = DEFAULT) -> str:
    """``text`` (the contents of ``path``) in the canonical layout.

    Raises :class:`FormatError` with the diagnostics when the text has syntax
    errors (or bidirectional controls, which the language refuses anywhere),
    exactly those ``wmdsl check`` reports first.
    """
    from wmdsl.project.specs import normalize_newlines
    from wmdsl.resolve.hidden import bidi_controls

    text = normalize_newlines(text).removeprefix("\ufeff")
    parsed = parse(text, path, limits)
    problems = [*parsed.errors, *bidi_controls(text, path)]
    if problems:
        raise FormatError(sorted(problems, key=lambda d: d.span.sort_key), text)
    out: list[str] = []
    _write(_read(text), 0, out)
    formatted = "\n".join(out) + "\n" if out else ""
    again = parse(formatted, path, limits)
    if again.errors or _shape(again.items) != _shape(parsed.items):
        raise AssertionError(f"formatting {path} would change what it says; please report this as a bug")
    return formatted
