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


def _documents() -> list[Path]:
    """Every Markdown and YAML file of the repository a user reads (not installed tools or caches)."""
    root = DOCS.parent
    skipped = {"node_modules", ".git", ".ci", ".venv", "build", "dist"}
    found = [
        path
        for pattern in ("*.md", "*.yml", "*.yaml")
        for path in root.rglob(pattern)
        if not skipped & set(path.relative_to(root).parts[:-1])
    ]
    return sorted(found)


# An installer naming wmdsl itself (not a path to a clone of it), or a URL to fetch it from.
FROM_AN_INDEX = re.compile(
    r"\b(?:pipx?|uv(?:\s+pip|\s+tool)?|poetry|pdm)\s+(?:install|add)\b[^\n`;&|#]*?"
    r"(?:(?<![\w./~$-])wmdsl(?![\w./-])|git\+|https?://)"
)


def test_every_install_instruction_installs_from_the_repository() -> None:
    # wmdsl is not on a package index, and a URL cannot be fetched offline:
    # the docs install it from a clone (`pip install .` or a path to one).
    documents = _documents()
    assert DOCS / "configuration.md" in documents
    wrong = [
        f"{path.relative_to(DOCS.parent)}: {match.group(0)}"
        for path in documents
        for match in FROM_AN_INDEX.finditer(path.read_text(encoding="utf-8"))
    ]
    assert wrong == []
    assert FROM_AN_INDEX.search("- run: pip install wmdsl\n")
    assert FROM_AN_INDEX.search("pipx install 'wmdsl[lsp]'")
    assert FROM_AN_INDEX.search("pip install git+https://example.org/wmdsl")
    assert not FROM_AN_INDEX.search("pip install ./wmdsl && pip install path/to/wmdsl")
