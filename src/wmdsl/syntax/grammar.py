"""The grammar text shipped with wmdsl, and its fingerprint."""

from __future__ import annotations

import functools
import hashlib
from importlib import resources
from pathlib import Path


def grammar_sha256(grammar: str) -> str:
    """The fingerprint of a grammar text, as recorded in the generated tables."""
    return hashlib.sha256(grammar.encode("utf-8")).hexdigest()


def grammar_text() -> str:
    """The grammar shipped in the wheel, or the source tree's when run from it."""
    shipped = resources.files("wmdsl").joinpath("grammar", "wmdsl.lark")
    if shipped.is_file():
        return shipped.read_text(encoding="utf-8")
    source_tree = Path(__file__).resolve().parents[3] / "grammar" / "wmdsl.lark"
    return source_tree.read_text(encoding="utf-8")


@functools.cache
def shipped_sha256() -> str:
    """The fingerprint of :func:`grammar_text`, computed once per process."""
    return grammar_sha256(grammar_text())
