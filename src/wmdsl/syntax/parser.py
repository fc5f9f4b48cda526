"""The parser: the grammar's LALR(1) automaton, run over the text.

lark builds the automaton from ``grammar/wmdsl.lark`` ahead of time
(:mod:`wmdsl.syntax.tables` writes it to ``_automaton.py``, as plain data).
This module runs it: one regular expression finds the tokens, in the order
lark's lexer tries the terminals, and the shift/reduce loop builds the AST as
rules are reduced. There is no parse tree, no recursion (deeply nested input
cannot exhaust the stack) and no import of lark, which keeps a check of a small
file fast to start and a big one fast to parse.

That loop only ever accepts: at the first thing it cannot take (a character
no terminal matches, a token the automaton has no action for, a bad escape, a
limit passed), :mod:`wmdsl.syntax.recovery` parses the file again with lark,
whose error recovery reports every independent mistake in the user's words.
A valid file gives the same AST either way (tests hold the two equal).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from wmdsl.limits import DEFAULT, Limits
from wmdsl.span import Span
from wmdsl.syntax.ast import TERMINAL_KINDS, Arg, ArgKind, Block, Handoff, ParsedFile, Statement
from wmdsl.syntax.grammar import grammar_text
from wmdsl.syntax.strings import EscapeError, decode_string, decode_text

# What a reduction does with the values of its right-hand side. A symbol's
# value is an AST node, an Arg, a Span (braces), a list (an inlined rule:
# `_x`, `__x_star_n`) or None (a separator or `->`), known from its name.
_BUILD = 0  # a rule of the AST: splice the values into one list, build a node
_LIST = 1  # an inlined rule: a list of the values
_WRAP = 2  # an inlined rule with one value: a list of it
_APPEND = 3  # an inlined rule's left-recursive step with one more value: append it


# What a token is to the parser loop. Names, handles, numbers and braces never
# hold a line break (an automaton whose lexer says otherwise is not used);
# every other token is searched for them.
_NAME, _STRING, _TEXT, _COMMA, _OPEN, _CLOSE, _SEPARATOR, _IGNORED, _UNEXPECTED, _OTHER = range(10)
_WHAT = {
    "WORD": _NAME,
    "HANDLE": _NAME,
    "NUMBER": _NAME,
    "STRING": _STRING,
    "TEXT": _TEXT,
    "COMMA": _COMMA,
    "LBRACE": _OPEN,
    "RBRACE": _CLOSE,
    "_SEP": _SEPARATOR,
    "unexpected": _UNEXPECTED,  # a character no terminal matches (see wmdsl.syntax.tables)
}
_ON_ONE_LINE = (_NAME, _OPEN, _CLOSE)


def _what(terminal: str | None, data: Any) -> int:
    if terminal is None:
        return _OTHER
    return _IGNORED if terminal in data.IGNORE else _WHAT.get(terminal, _OTHER)


class _Reject(Exception):
    """The text is not a valid file (or passes a limit): recovery takes over."""


def _statement(flat: list[Any]) -> Statement:
    keyword = flat[0]
    block = flat[-1] if type(flat[-1]) is Block else None
    args = tuple(flat[1:-1] if block is not None else flat[1:])
    end = block.span if block is not None else args[-1].span if args else keyword.span
    return Statement(keyword, args, block, keyword.span.to(end))


def _handoff(flat: list[Any]) -> Handoff:
    source, target = flat[0], flat[1]
    block = flat[-1] if type(flat[-1]) is Block else None
    args = tuple(flat[2:-1] if block is not None else flat[2:])
    end = block.span if block is not None else args[-1].span if args else target.span
    return Handoff(source, target, args, block, source.span.to(end))


def _block(flat: list[Any]) -> Block:
    return Block(tuple(flat[1:-1]), flat[0].to(flat[-1]))


def _start(flat: list[Any]) -> tuple[Statement | Handoff, ...]:
    return tuple(flat)


_NODES: dict[str, Callable[[list[Any]], Any]] = {
    "statement": _statement,
    "handoff": _handoff,
    "block": _block,
    "start": _start,
}

#: How a reduction is done: left-hand side, size, kind, plan, builder. The plan
#: lists ``(offset from the stack top, splice?)`` for every value kept.
_Rule = tuple[str, int, int, tuple[tuple[int, bool], ...], Callable[[list[Any]], Any] | None]


def _gather(values: list[Any], plan: tuple[tuple[int, bool], ...]) -> list[Any]:
    flat: list[Any] = []
    for offset, splice in plan:
        if splice:
            flat.extend(values[offset])
        else:
            flat.append(values[offset])
    return flat


class Automaton:
    """The generated automaton, ready to run (one per process, shared: it holds no state)."""

    def __init__(self, data: Any) -> None:
        self.pattern = re.compile(data.PATTERN)
        self.tail = re.compile(data.TAIL)
        self.start: int = data.START
        self.end: int = data.END
        self.states: tuple[dict[str, int], ...] = data.STATES
        # Per group of the pattern: (terminal, what the parser makes of it, argument kind).
        self.tokens: tuple[tuple[str, int, ArgKind | None], ...] = tuple(
            (name or "", _what(name, data), TERMINAL_KINDS.get(name or "")) for name in data.GROUPS
        )
        self.rules: list[_Rule] = []
        for origin, expansion in data.RULES:
            size = len(expansion)
            plan = tuple(
                (offset - size, symbol.startswith("_") and symbol.lower() == symbol)
                for offset, symbol in enumerate(expansion)
                if symbol in TERMINAL_KINDS or symbol in ("LBRACE", "RBRACE") or symbol.lower() == symbol
            )
            if not origin.startswith("_"):
                if origin not in _NODES:  # pragma: no cover - a grammar rule without a builder is a bug
                    raise NotImplementedError(f"no AST builder for grammar rule {origin!r}")
                self.rules.append((origin, size, _BUILD, plan, _NODES[origin]))
            elif expansion[:1] == (origin,) and len(plan) == 2 and not plan[1][1]:
                self.rules.append((origin, size, _APPEND, plan[1:], None))
            elif len(plan) == 1 and not plan[0][1]:
                self.rules.append((origin, size, _WRAP, plan, None))
            else:
                self.rules.append((origin, size, _LIST, plan, None))

    def run(self, text: str, path: str, limits: Limits) -> tuple[Statement | Handoff, ...] | None:
        """The file's statements, or None when the text has any problem at all."""
        try:
            return self._run(text, path, limits)
        except _Reject:
            return None

    def _run(self, text: str, path: str, limits: Limits) -> tuple[Statement | Handoff, ...]:
        tokens, states, rules = self.tokens, self.states, self.rules
        max_length, max_depth = limits.max_string_length, limits.max_depth
        state = self.start
        state_stack = [state]
        value_stack: list[Any] = []
        push_state, push_value = state_stack.append, value_stack.append
        line, line_start, pos, depth = 1, 0, 0, 0
        value: Any
        # One string object per distinct name: keywords, handles and names
        # repeat throughout a spec, and a copy of each was a fifth of the tree.
        names: dict[str, str] = {}
        seen = names.setdefault

        # The pattern matches at every position but the end of the text, so
        # the matches follow each other without a gap.
        for match in self.pattern.finditer(text):
            group = match.lastindex or 0
            terminal, what, kind = tokens[group]
            start, end = match.span(group)
            pos = end
            col = start - line_start + 1
            if what == _NAME:  # the commonest: a name, handle or number
                if end - start > max_length:
                    raise _Reject
                raw = text[start:end]
                raw = seen(raw, raw)
                value = Arg(kind, raw, raw, path, line, col, line, end - line_start + 1)  # type: ignore[arg-type]
            elif what == _OPEN:
                depth += 1
                if depth > max_depth:
                    raise _Reject
                value = Span(path, line, col, line, col + 1)
            elif what == _CLOSE:
                depth -= 1
                value = Span(path, line, col, line, col + 1)
            else:
                token_line = line
                breaks = text.count("\n", start, end)
                if breaks:
                    line += breaks
                    line_start = text.rindex("\n", start, end) + 1
                if what in (_SEPARATOR, _OTHER):
                    value = None
                elif what == _UNEXPECTED:
                    raise _Reject
                elif what == _IGNORED:
                    continue
                elif end - start > max_length:
                    raise _Reject
                elif what == _COMMA:
                    value = Arg(kind, ",", ",", path, token_line, col, token_line, col + 1)  # type: ignore[arg-type]
                else:
                    raw = text[start:end]
                    if what == _STRING:
                        decoded = raw[1:-1] if "\\" not in raw else _decoded(decode_string, raw)
                    else:
                        decoded = _decoded(decode_text, raw)
                    value = Arg(kind, raw, decoded, path, token_line, col, line, end - line_start + 1)  # type: ignore[arg-type]
            while True:
                action = states[state].get(terminal)
                if action is None:
                    raise _Reject
                if action >= 0:
                    push_state(action)
                    push_value(value)
                    state = action
                    break
                rule = rules[-1 - action]
                origin, size, how, plan, _ = rule
                if how == _APPEND:  # once per argument: inline; the list stays where it is
                    value_stack[-size].append(value_stack[plan[0][0]])
                    del value_stack[1 - size :]
                    del state_stack[-size:]
                    state = states[state_stack[-1]][origin]
                    push_state(state)
                else:
                    self._reduce(rule, state_stack, value_stack)
                    state = state_stack[-1]

        if pos != len(text) and self.tail.fullmatch(text, pos) is None:
            raise _Reject
        while True:
            action = states[state_stack[-1]].get("$END")
            if action is None or action >= 0:
                raise _Reject
            self._reduce(rules[-1 - action], state_stack, value_stack)
            if state_stack[-1] == self.end:
                result: tuple[Statement | Handoff, ...] = value_stack[-1]
                return result

    def _reduce(self, rule: _Rule, state_stack: list[int], value_stack: list[Any]) -> None:
        origin, size, how, plan, build = rule
        value: Any
        if how == _WRAP:
            value = [value_stack[plan[0][0]]]
        elif how == _APPEND:
            value = value_stack[-size]
            value.append(value_stack[plan[0][0]])
        else:
            value = _gather(value_stack, plan)
            if build is not None:
                value = build(value)
        if size:
            del value_stack[-size:]
            del state_stack[-size:]
        state_stack.append(self.states[state_stack[-1]][origin])
        value_stack.append(value)


def _decoded(decode: Callable[[str], str], raw: str) -> str:
    try:
        return decode(raw)
    except EscapeError:
        raise _Reject from None


@functools.cache
def automaton() -> Automaton | None:
    """The shipped automaton, when it was made from the shipped grammar."""
    try:
        from wmdsl.syntax import _automaton
    except ImportError:  # pragma: no cover - a broken install; lark builds the parser instead
        return None
    if grammar_text() != _automaton.GRAMMAR:
        return None
    if any(_WHAT.get(terminal) in _ON_ONE_LINE for terminal in _automaton.NEWLINE):  # pragma: no cover
        return None
    return Automaton(_automaton)


def parse(text: str, path: str = "<string>", limits: Limits = DEFAULT) -> ParsedFile:
    """Parse ``text`` (the contents of ``path``) into statements and syntax errors.

    Never raises for bad input: every problem becomes a ``SYN001`` diagnostic,
    and parsing recovers to report later, independent mistakes too.
    """
    runner = automaton()
    if runner is not None:
        items = runner.run(text, path, limits)
        if items is not None:
            return ParsedFile(path, items, ())
    from wmdsl.syntax import recovery

    return recovery.parse(text, path, limits)
