"""Pre-computed LALR tables for the grammar, so a process does not rebuild them.

Building the parser from ``grammar/wmdsl.lark`` (grammar analysis, LALR table
construction, lexer set-up) costs about 0.25–0.4 s, which used to be most of
the time ``wmdsl check`` spent on a small file. lark can serialise a built
parser to plain data (dicts, lists, strings, numbers); this module writes that
data as a Python module, ``_tables.py``, shipped with the package. Loading it
is a module import (marshalled from ``.pyc``) plus lark's deserialisation:
a few milliseconds. No pickle and no cache folder are involved, so there is
nothing to go stale per user and nothing unsafe to load.

The tables are only used when they were made from the very grammar text being
shipped and by the installed lark version; otherwise the parser is built from
the grammar as before (:func:`wmdsl.syntax.parser._parser`). A test fails when
the grammar changes without regenerating::

    python -m wmdsl.syntax.tables          # rewrites src/wmdsl/syntax/_tables.py

lark numbers tokens and states in the order it meets them in sets, so two runs
of the generator can write the same automaton with different numbers; either is
correct, and the file only changes in git when the grammar or lark does.
"""

from __future__ import annotations

import pprint
from pathlib import Path

from wmdsl.syntax.parser import OPTIONS, grammar_sha256, grammar_text

TARGET = Path(__file__).with_name("_tables.py")


def module_source() -> str:
    """The text of ``_tables.py`` for the current grammar and lark version."""
    import lark
    from lark.grammar import Rule
    from lark.lexer import TerminalDef

    grammar = grammar_text()
    built = lark.Lark(grammar, **OPTIONS)
    data, memo = built.memo_serialize([TerminalDef, Rule])
    return (
        '"""LALR tables for grammar/wmdsl.lark, made by `python -m wmdsl.syntax.tables`. Do not edit."""\n'
        "\n"
        "# fmt: off\n"
        "from typing import Any\n"
        "\n"
        f"GRAMMAR_SHA256 = {grammar_sha256(grammar)!r}\n"
        f"LARK_VERSION = {lark.__version__!r}\n"
        f"DATA: dict[str, Any] = {pprint.pformat(data, width=110, sort_dicts=False)}\n"
        f"MEMO: dict[Any, Any] = {pprint.pformat(memo, width=110, sort_dicts=False)}\n"
    )


def main() -> int:
    """Rewrite ``_tables.py`` from the grammar."""
    from wmdsl.files import write_atomic

    write_atomic(TARGET, module_source())
    print(f"wrote {TARGET.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
