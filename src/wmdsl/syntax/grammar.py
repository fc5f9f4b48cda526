"""The grammar text shipped with wmdsl."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]


def grammar_text() -> str:
    """The grammar shipped in the wheel, or the source tree's when run from it.

    Read with plain paths (``importlib.resources`` is a start-up cost every
    check would pay); a package imported from a zip file falls back to it.
    """
    for candidate in (_PACKAGE / "grammar" / "wmdsl.lark", _PACKAGE.parents[1] / "grammar" / "wmdsl.lark"):
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    from importlib import resources

    return resources.files("wmdsl").joinpath("grammar", "wmdsl.lark").read_text(encoding="utf-8")
