"""Every ``wm`` example in the docs is valid and checks clean.

A block starting with ``# file: NAME`` is written to that file, so examples
that import each other work; the others are checked as ``example.wm``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from wmdsl import api

DOCS = Path(__file__).resolve().parent.parent / "docs"
BLOCK = re.compile(r"^```wm\n(.*?)^```", re.S | re.M)


def blocks(doc: Path) -> list[str]:
    return BLOCK.findall(doc.read_text(encoding="utf-8"))


def test_the_language_reference_has_examples() -> None:
    assert len(blocks(DOCS / "language.md")) >= 10


@pytest.mark.parametrize("doc", sorted(DOCS.glob("*.md")), ids=lambda p: p.name)
def test_doc_examples_check_clean(doc: Path, project: Path) -> None:
    written: list[Path] = []
    for number, block in enumerate(blocks(doc)):
        named = re.match(r"# file: (\S+)", block)
        path = project / (named.group(1) if named else f"example{number}.wm")
        path.write_text(block, encoding="utf-8")
        written.append(path)
    for path in written:
        report = api.check([path.name])
        assert report.diagnostics == [], (path.name, report.diagnostics)
