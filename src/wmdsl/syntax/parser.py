"""The parser: the grammar's four rules, run over the text as one loop.

The grammar (``grammar/wmdsl.lark``) is a node language small enough to
recognise with a handful of states and a stack of open blocks::

    start:     _SEP? ((statement | handoff) (_SEP (statement | handoff))* _SEP?)?
    statement: WORD (WORD | HANDLE | NUMBER | STRING | TEXT | COMMA)* block?
    handoff:   WORD ARROW WORD (WORD | HANDLE | NUMBER | STRING | TEXT | COMMA)* block?
    block:     LBRACE _SEP? ((statement | handoff) (_SEP (statement | handoff))* _SEP?)? RBRACE

so this module does exactly that: one regular expression, generated from
lark's terminals (:mod:`wmdsl.syntax.lexgen` writes it to
``wmdsl/_generated/lexer.py``), finds the tokens in the order lark's lexer
tries them, and each token either extends the statement being read, ends it,
opens or closes a block, or is refused. The syntax tree is built as the tokens
arrive: no parse tree, no shift/reduce tables, no recursion (deeply nested
input cannot exhaust the stack) and no import of lark. A check of a valid file
neither loads lark nor runs its general automaton, which is what this loop is
for (docs/performance.md has the figures).

The loop only ever accepts: at the first thing it cannot take (a character no
terminal matches, a token the grammar does not allow there, a bad escape, a
limit passed), :mod:`wmdsl.syntax.recovery` parses the file again with lark,
whose error recovery reports every independent mistake in the user's words.
A valid file gives the same AST either way, and lark refuses every file this
loop refuses: tests hold the two equal on every example and mistake, and on
generated, mutated and arbitrary text. :data:`RULES` is the grammar this loop
implements; a test fails when the grammar's rules say anything else.

``WMDSL_PARSER=lark`` in the environment sends every file to lark instead: the
one switch between the two, for tests that run both and for ruling this loop
out when a parse looks wrong.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable
from typing import Any

from wmdsl.model.span import Span
from wmdsl.project.limits import DEFAULT, Limits
from wmdsl.syntax.ast import TERMINAL_KINDS, Arg, ArgKind, Block, Handoff, ParsedFile, Statement
from wmdsl.syntax.grammar import grammar_text
from wmdsl.syntax.strings import EscapeError, decode_string, decode_text

#: The environment variable that, set to ``lark``, makes lark parse every file.
SWITCH = "WMDSL_PARSER"

#: The rules of ``grammar/wmdsl.lark`` that :class:`FastParser` implements, as written there.
RULES = (
    "start: _SEP? ((statement | handoff) (_SEP (statement | handoff))* _SEP?)?",
    "statement: WORD (WORD | HANDLE | NUMBER | STRING | TEXT | COMMA)* block?",
    "handoff: WORD ARROW WORD (WORD | HANDLE | NUMBER | STRING | TEXT | COMMA)* block?",
    "block: LBRACE _SEP? ((statement | handoff) (_SEP (statement | handoff))* _SEP?)? RBRACE",
)

# What a token is to the loop, by terminal. Names, handles, numbers, braces and
# arrows never hold a line break (a lexer that says otherwise is not used);
# every other token is searched for them.
_WORD, _NAME, _STRING, _TEXT, _COMMA, _OPEN, _CLOSE, _SEPARATOR, _ARROW, _IGNORED, _UNEXPECTED = range(11)
_TOKEN = {
    "WORD": _WORD,
    "HANDLE": _NAME,
    "NUMBER": _NAME,
    "STRING": _STRING,
    "TEXT": _TEXT,
    "COMMA": _COMMA,
    "LBRACE": _OPEN,
    "RBRACE": _CLOSE,
    "_SEP": _SEPARATOR,
    "ARROW": _ARROW,
}
_ON_ONE_LINE = ("WORD", "HANDLE", "NUMBER", "LBRACE", "RBRACE", "ARROW")

# Where the loop is in a list of statements (a file or a block):
_OPENED = 0  # at its start: a separator, a statement, or its end may come
_AFTER_SEP = 1  # after a separator: a statement or the end of the list
_HEAD = 2  # after a statement's first word: `->`, an argument, `{`, or its end
_AFTER_ARROW = 3  # after `source ->`: the target, a word
_ARGS = 4  # in a statement's arguments: another, `{`, or its end
_CLOSED = 5  # after a statement's block: a separator or the end of the list


class _Reject(Exception):
    """The text is not a valid file (or passes a limit): recovery takes over."""


def _item(head: Arg, target: Arg | None, args: list[Arg], block: Block | None) -> Statement | Handoff:
    """The statement (or, with a ``target``, the handoff) read so far."""
    if block is not None:
        end_line, end_col = block.span.end_line, block.span.end_col
    else:
        last = args[-1] if args else target if target is not None else head
        end_line, end_col = last.end_line, last.end_col
    span = Span(head.file, head.line, head.col, end_line, end_col)
    if target is None:
        return Statement(head, tuple(args), block, span)
    return Handoff(head, target, tuple(args), block, span)


class FastParser:
    """The grammar's rules over the generated lexer (one per process, shared: it holds no state)."""

    def __init__(self, data: Any) -> None:
        self.pattern = re.compile(data.PATTERN)
        self._tail = data.TAIL  # compiled (and kept by `re`) only for a file that ends in it, which few do
        ignored = set(data.IGNORE)
        # Per group of the pattern: what the loop makes of it, and its argument kind.
        self.tokens: tuple[int, ...] = tuple(
            _IGNORED if name in ignored else _TOKEN.get(name or "", _UNEXPECTED) for name in data.GROUPS
        )
        self.kinds: tuple[ArgKind | None, ...] = tuple(TERMINAL_KINDS.get(name or "") for name in data.GROUPS)

    def run(self, text: str, path: str, limits: Limits) -> tuple[Statement | Handoff, ...] | None:
        """The file's statements, or None when the text has any problem at all."""
        try:
            return self._run(text, path, limits)
        except _Reject:
            return None

    def _run(self, text: str, path: str, limits: Limits) -> tuple[Statement | Handoff, ...]:
        tokens, kinds, word = self.tokens, self.kinds, ArgKind.WORD
        max_length, max_depth = limits.max_string_length, limits.max_depth
        items: list[Statement | Handoff] = []  # of the list being read
        open_blocks: list[tuple[list[Statement | Handoff], Arg, Arg | None, list[Arg], int, int]] = []
        phase = _OPENED
        head: Arg | None = None
        target: Arg | None = None
        args: list[Arg] = []
        line, line_start, pos = 1, 0, 0
        # One string object per distinct name: keywords, handles and names
        # repeat throughout a spec, and a copy of each would be a large part of the tree.
        names: dict[str, str] = {}
        seen = names.setdefault

        # The pattern matches at every position but the end of the text, so
        # the matches follow each other without a gap.
        for match in self.pattern.finditer(text):
            group = match.lastindex or 0
            what = tokens[group]
            start = match.start(group)
            pos = end = match.end()
            if what == _WORD:  # the commonest: a keyword, a name, a word argument
                if end - start > max_length:
                    raise _Reject
                raw = text[start:end]
                raw = seen(raw, raw)
                arg = Arg(word, raw, raw, path, line, start - line_start + 1, line, end - line_start + 1)
                if phase == _ARGS:
                    args.append(arg)
                elif phase <= _AFTER_SEP:
                    head, target, args, phase = arg, None, [], _HEAD
                elif phase == _HEAD:
                    args.append(arg)
                    phase = _ARGS
                elif phase == _AFTER_ARROW:
                    target, phase = arg, _ARGS
                else:
                    raise _Reject
            elif what == _SEPARATOR:
                if phase in (_ARGS, _HEAD):
                    items.append(_item(head, target, args, None))  # type: ignore[arg-type]
                elif phase in (_AFTER_SEP, _AFTER_ARROW):
                    raise _Reject
                phase = _AFTER_SEP
                breaks = text.count("\n", start, end)
                if breaks:
                    line += breaks
                    line_start = text.rindex("\n", start, end) + 1
            elif what == _NAME:
                if phase not in (_ARGS, _HEAD) or end - start > max_length:
                    raise _Reject
                raw = text[start:end]
                raw = seen(raw, raw)
                col, end_col = start - line_start + 1, end - line_start + 1
                args.append(Arg(kinds[group], raw, raw, path, line, col, line, end_col))  # type: ignore[arg-type]
                phase = _ARGS
            elif what == _OPEN:
                if phase not in (_ARGS, _HEAD):
                    raise _Reject
                if len(open_blocks) >= max_depth:
                    raise _Reject
                open_blocks.append((items, head, target, args, line, start - line_start + 1))  # type: ignore[arg-type]
                items, phase = [], _OPENED
            elif what == _CLOSE:
                if not open_blocks or phase == _AFTER_ARROW:
                    raise _Reject
                if phase in (_ARGS, _HEAD):
                    items.append(_item(head, target, args, None))  # type: ignore[arg-type]
                inner = tuple(items)
                items, head, target, args, open_line, open_col = open_blocks.pop()
                block = Block(inner, Span(path, open_line, open_col, line, start - line_start + 2))
                items.append(_item(head, target, args, block))
                phase = _CLOSED
            elif what in (_STRING, _COMMA, _TEXT):
                if phase not in (_ARGS, _HEAD) or end - start > max_length:
                    raise _Reject
                token_line, col = line, start - line_start + 1
                breaks = text.count("\n", start, end)
                if breaks:
                    line += breaks
                    line_start = text.rindex("\n", start, end) + 1
                if what == _COMMA:
                    args.append(Arg(ArgKind.COMMA, ",", ",", path, token_line, col, token_line, col + 1))
                else:
                    raw = text[start:end]
                    if what == _STRING:
                        value = raw[1:-1] if "\\" not in raw else _decoded(decode_string, raw)
                    else:
                        value = _decoded(decode_text, raw)
                    end_col = end - line_start + 1
                    args.append(Arg(kinds[group], raw, value, path, token_line, col, line, end_col))  # type: ignore[arg-type]
                phase = _ARGS
            elif what == _ARROW:
                if phase != _HEAD:
                    raise _Reject
                phase = _AFTER_ARROW
            elif what == _IGNORED:  # a comment that no separator took in (before one, or last)
                breaks = text.count("\n", start, end)
                if breaks:
                    line += breaks
                    line_start = text.rindex("\n", start, end) + 1
            else:
                raise _Reject

        if pos != len(text) and re.compile(self._tail).fullmatch(text, pos) is None:
            raise _Reject
        if open_blocks or phase == _AFTER_ARROW:
            raise _Reject
        if phase in (_ARGS, _HEAD):
            items.append(_item(head, target, args, None))  # type: ignore[arg-type]
        return tuple(items)


def _decoded(decode: Callable[[str], str], raw: str) -> str:
    try:
        return decode(raw)
    except EscapeError:
        raise _Reject from None


@functools.cache
def fast_parser() -> FastParser | None:
    """The parser over the shipped lexer, when that was made from the shipped grammar."""
    try:
        from wmdsl._generated import lexer as _lexer
    except ImportError:  # pragma: no cover - a broken install; lark parses instead
        return None
    if grammar_text() != _lexer.GRAMMAR:
        return None
    if any(terminal in _ON_ONE_LINE for terminal in _lexer.NEWLINE):  # pragma: no cover
        return None
    return FastParser(_lexer)


def parse(text: str, path: str = "<string>", limits: Limits = DEFAULT) -> ParsedFile:
    """Parse ``text`` (the contents of ``path``) into statements and syntax errors.

    Never raises for bad input: every problem becomes a ``SYN001`` diagnostic,
    and parsing recovers to report later, independent mistakes too.
    """
    runner = None if os.environ.get(SWITCH, "").strip().lower() == "lark" else fast_parser()
    if runner is not None:
        items = runner.run(text, path, limits)
        if items is not None:
            return ParsedFile(path, items, ())
    from wmdsl.syntax import recovery

    return recovery.parse(text, path, limits)
