"""Writes the lexer of :mod:`wmdsl.syntax.parser`: lark's terminals as one regular expression.

The grammar's terminals, in the order lark's lexer tries them (priority, then
the longest possible match), become one alternation, each a named group,
behind any run of ignored blanks. :mod:`wmdsl.syntax.parser` runs the
grammar's rules over its matches without importing lark, so a check of a
valid file never loads it. The module is plain data, written by
``python -m wmdsl.generate`` to ``wmdsl/_generated/lexer.py``; only the
generator needs lark, and only lark's public API.
"""

from __future__ import annotations

import re
from typing import Any

from wmdsl.syntax.grammar import grammar_text
from wmdsl.syntax.recovery import OPTIONS

#: The group of the lexer pattern that matches a character no terminal does
#: (lowercase: it cannot be the name of one of lark's terminals).
UNEXPECTED = "unexpected"


def may_hold_line_break(regexp: str) -> bool:
    """Whether a terminal's pattern may match a line break, read cautiously from its text.

    A pattern that may is searched for line breaks in every token it
    matches; one that says so wrongly costs a search, one that failed to
    say so would put every later token on the wrong line, so any doubt
    (a negated class, ``\\s``, a dot that matches everything) counts as yes.
    """
    return (
        "\n" in regexp
        or "\\n" in regexp
        or "\\s" in regexp
        or "[^" in regexp
        or ("(?s" in regexp and "." in regexp)
    )


def _terminals() -> tuple[list[Any], set[str]]:
    """lark's terminals for the shipped grammar, in the order its lexer tries them, and the ignored ones."""
    import lark

    conf = lark.Lark(grammar_text(), **OPTIONS).lexer_conf
    terminals = sorted(
        conf.terminals, key=lambda t: (-t.priority, -t.pattern.max_width, -len(t.pattern.value), t.name)
    )
    return terminals, set(conf.ignore)


def lexer_source(header: str) -> str:
    """The text of the generated lexer module, below ``header``."""
    terminals, ignore = _terminals()
    if any(t.pattern.flags for t in terminals):
        raise ValueError("the lexer cannot express a terminal with flags")
    # Ignored terminals that cannot hold a line break (blanks) are skipped in
    # front of every token; the others (comments) are matched as tokens of
    # their own, so that line counting only ever looks inside tokens.
    newline = {t.name for t in terminals if may_hold_line_break(t.pattern.to_regexp())}
    skipped = [t for t in terminals if t.name in ignore and t.name not in newline]
    skip = "|".join(t.pattern.to_regexp() for t in skipped)
    alternatives = "|".join(
        f"(?P<{t.name.lstrip('_') or t.name}>{t.pattern.to_regexp()})" for t in terminals if t not in skipped
    )
    # Last, any one character: the lexer stops there (lark would report it), and
    # the pattern matches at every position but the end, so no text is skipped.
    alternatives += rf"|(?P<{UNEXPECTED}>[\s\S])"
    pattern = f"(?:{skip})*+(?:{alternatives})" if skip else f"(?:{alternatives})"
    compiled = re.compile(pattern)
    groups: list[str | None] = [None] * (compiled.groups + 1)
    by_group = {t.name.lstrip("_") or t.name: t.name for t in terminals} | {UNEXPECTED: UNEXPECTED}
    for group, index in compiled.groupindex.items():
        groups[index] = by_group[group]

    blanks = ", ".join(t.name for t in skipped) or "none"
    return (
        f"{header}"
        "#: The grammar itself: the parser compares it with the shipped one, without hashing.\n"
        f"GRAMMAR = {grammar_text()!r}\n"
        f"#: The terminals, each a named group; ignored blanks ({blanks}) are skipped before each.\n"
        f"PATTERN = {pattern!r}\n"
        "#: What may follow the last token: the ignored blanks.\n"
        f"TAIL = {f'(?:{skip})*+'!r}\n"
        "#: Terminals the parser skips.\n"
        f"IGNORE: tuple[str, ...] = {tuple(sorted(ignore))!r}\n"
        "#: The terminal each group of PATTERN matches, by group number (None: a group inside one).\n"
        f"GROUPS: tuple[str | None, ...] = {tuple(groups)!r}\n"
        "#: Terminals that can hold a line break.\n"
        f"NEWLINE: tuple[str, ...] = {tuple(sorted(newline))!r}\n"
    )
