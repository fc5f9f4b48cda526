"""Pre-computed parse tables for the grammar, so a process does not rebuild them.

Two modules are generated from ``grammar/wmdsl.lark`` and shipped with the
package; both are plain data (no pickle, no cache folder, nothing to go stale
per user or unsafe to load):

``_lexer.py``
    The lexer's terminals as one regular expression, in the order lark's
    lexer tries them. :mod:`wmdsl.syntax.parser` runs the grammar's rules
    over its tokens without importing lark.
``_tables.py``
    lark's own serialisation of the same parser, which
    :mod:`wmdsl.syntax.recovery` loads (in milliseconds instead of the
    0.25–0.4 s a build from the grammar costs) when a file has a syntax error
    and lark's error recovery is wanted.

Each is used only when it was made from the very grammar text being shipped
(and, for ``_tables.py``, by the installed lark version); otherwise the parser
is built from the grammar. A test fails when the grammar changes without
regenerating::

    python -m wmdsl.syntax.tables          # rewrites both modules

``_lexer.py`` only changes when the grammar does; lark numbers the states of
``_tables.py`` in the order it meets them in sets, so any regeneration may
renumber them.
"""

from __future__ import annotations

import importlib
import pprint
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from wmdsl.syntax.grammar import grammar_sha256, grammar_text
from wmdsl.syntax.parser import compiled_pattern, sre_engine
from wmdsl.syntax.recovery import OPTIONS

TABLES = Path(__file__).with_name("_tables.py")
#: The group of the lexer pattern that matches a character no terminal does
#: (lowercase: it cannot be the name of one of lark's terminals).
UNEXPECTED = "unexpected"
LEXER = Path(__file__).with_name("_lexer.py")


def _built() -> Any:
    import lark

    return lark.Lark(grammar_text(), **OPTIONS)


def module_source() -> str:
    """The text of ``_tables.py`` for the current grammar and lark version."""
    import lark
    from lark.grammar import Rule
    from lark.lexer import TerminalDef

    data, memo = _built().memo_serialize([TerminalDef, Rule])
    return (
        '"""LALR tables for grammar/wmdsl.lark, made by `python -m wmdsl.syntax.tables`. Do not edit."""\n'
        "\n"
        "# fmt: off\n"
        "from typing import Any\n"
        "\n"
        f"GRAMMAR_SHA256 = {grammar_sha256(grammar_text())!r}\n"
        f"LARK_VERSION = {lark.__version__!r}\n"
        f"DATA: dict[str, Any] = {pprint.pformat(data, width=110, sort_dicts=False)}\n"
        f"MEMO: dict[Any, Any] = {pprint.pformat(memo, width=110, sort_dicts=False)}\n"
    )


def lexer_source() -> str:
    """The text of ``_lexer.py``: lark's terminals as one regular expression, as plain data.

    The lexer is one alternation of the terminals in the order lark's lexer
    tries them (priority, then longest possible match), each as a named
    group, preceded by any run of ignored terminals (blanks, comments).
    """
    from lark.lexer import _regexp_has_newline

    built = _built()
    conf = built.lexer_conf
    terminals = sorted(
        conf.terminals, key=lambda t: (-t.priority, -t.pattern.max_width, -len(t.pattern.value), t.name)
    )
    # Ignored terminals that cannot hold a line break (blanks) are skipped in
    # front of every token; the others (comments) are matched as tokens of
    # their own, so that line counting only ever looks inside tokens.
    newline = {t.name for t in terminals if _regexp_has_newline(t.pattern.to_regexp())}
    skipped = [t for t in terminals if t.name in conf.ignore and t.name not in newline]
    assert all(not t.pattern.flags for t in terminals), "terminal flags are not supported"
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

    # The code `re` makes of the pattern, for this Python: see parser.compiled_pattern.
    parsed = importlib.import_module("re._parser").parse(pattern, 0)
    code = tuple(int(op) for op in importlib.import_module("re._compiler")._code(parsed, 0))
    names: list[str | None] = [None] * (compiled.groups + 1)
    for name, index in compiled.groupindex.items():
        names[index] = name
    sre = (sre_engine(), compiled.flags, tuple(names), code)
    stored = SimpleNamespace(PATTERN=pattern, SRE=sre)
    assert compiled_pattern(stored) == compiled, "the stored code is not what `re` makes"

    ignore = sorted(conf.ignore)
    blanks = ", ".join(t.name for t in skipped) or "none"
    return (
        '"""The lexer of grammar/wmdsl.lark, made by `python -m wmdsl.syntax.tables`. Do not edit."""\n'
        "\n"
        "# fmt: off\n"
        "#: The grammar itself: the parser compares it with the shipped one, without hashing.\n"
        f"GRAMMAR = {grammar_text()!r}\n"
        f"#: The terminals, each a named group; ignored blanks ({blanks}) are skipped before each.\n"
        f"PATTERN = {pattern!r}\n"
        "#: What may follow the last token: the ignored blanks.\n"
        f"TAIL = {f'(?:{skip})*+'!r}\n"
        "#: Terminals the parser skips.\n"
        f"IGNORE: tuple[str, ...] = {tuple(ignore)!r}\n"
        "#: The terminal each group of PATTERN matches, by group number (None: a group inside one).\n"
        f"GROUPS: tuple[str | None, ...] = {tuple(groups)!r}\n"
        "#: Terminals that can hold a line break.\n"
        f"NEWLINE: tuple[str, ...] = {tuple(sorted(newline))!r}\n"
        "#: PATTERN as `re` compiles it, and the engine that does (Python version, sre magic number,\n"
        "#: code size, limits): flags, group names and code. Used under that engine only.\n"
        f"SRE: tuple[tuple[int, ...], int, tuple[str | None, ...], tuple[int, ...]] = {sre!r}\n"
    )


def main() -> int:
    """Rewrite ``_tables.py`` and ``_lexer.py`` from the grammar."""
    from wmdsl.files import write_atomic

    write_atomic(TABLES, module_source())
    write_atomic(LEXER, lexer_source())
    print(f"wrote {TABLES.name} and {LEXER.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
