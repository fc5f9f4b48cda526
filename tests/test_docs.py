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


# An install command and what it installs (up to the end of the command).
INSTALL = re.compile(r"\b(?:pipx?|uv(?:\s+pip|\s+tool)?|poetry|pdm)\s+(?:install|add)\b(?P<what>[^\n`;&|#]*)")
THIS_REPOSITORY = "git+https://github.com/wmdsl/wmdsl"


def from_an_index(command: str) -> bool:
    """True when ``command`` installs wmdsl by its name (from a package index) or from somewhere else."""
    match = INSTALL.search(command)
    if match is None:
        return False
    for word in match.group("what").split():
        word = word.strip("'\"")
        if re.fullmatch(r"wmdsl(?:\[[^\]]*\])?(?:[<>=!~].*)?", word):
            return True
        if "://" in word and not word.startswith(THIS_REPOSITORY):
            return True
    return False


def test_every_install_instruction_installs_from_the_repository() -> None:
    # wmdsl is on no package index: the docs install it from a clone (`pip install .`
    # or a path to one) or from this repository itself, never by its name.
    documents = _documents()
    assert DOCS / "configuration.md" in documents
    wrong = [
        f"{path.relative_to(DOCS.parent)}: {match.group(0)}"
        for path in documents
        for match in INSTALL.finditer(path.read_text(encoding="utf-8"))
        if from_an_index(match.group(0))
    ]
    assert wrong == []
    assert from_an_index("- run: pip install wmdsl\n")
    assert from_an_index("pipx install 'wmdsl[lsp]'")
    assert from_an_index("pip install -U wmdsl==0.1")
    assert from_an_index("pip install git+https://example.org/wmdsl")
    assert not from_an_index("pip install ./wmdsl && wmdsl check specs")
    assert not from_an_index("pip install path/to/wmdsl")
    assert not from_an_index('pip install "git+https://github.com/wmdsl/wmdsl@main"')
    assert not from_an_index("pip install -e '.[dev]'")
