"""The parse layer: text in, lark-free AST and syntax diagnostics out.

lark is used only inside this package; nothing it defines leaks past
:func:`parse`.
"""

from __future__ import annotations

from wmdsl.syntax.ast import Arg, ArgKind, Block, Handoff, ParsedFile, Statement
from wmdsl.syntax.parser import parse

__all__ = ["Arg", "ArgKind", "Block", "Handoff", "ParsedFile", "Statement", "parse"]
