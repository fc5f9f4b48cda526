"""Writes the generated code in ``wmdsl/_generated/`` from the sources it is made from.

    python -m wmdsl.generate            # rewrite every generated module
    python -m wmdsl.generate --check    # rewrite nothing; exit 1 naming the stale ones
    python -m wmdsl.generate --out DIR  # write them into DIR instead

Each module records the fingerprint of its inputs (the files it is made
from, its generator's source and this file's), so whether it is current is
known without generating it again: what a generator makes may differ between
releases of the libraries it uses (lark, for the lexer), which an exact
comparison would report as stale. A test fails when a fingerprint is not that
of the inputs as they are; tests of behaviour hold the generated code to what
it is made from (the lexer, for one, to lark's own parser on every example
and on fuzzed text).

To generate one more module, add an :class:`Artefact` to :data:`ARTEFACTS`.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

PACKAGE = Path(__file__).resolve().parent
FOLDER = PACKAGE / "_generated"
_FINGERPRINT = re.compile(r"^INPUTS_SHA256 = '([0-9a-f]{64})'$", re.M)


class Artefact(NamedTuple):
    """A generated module: what it is made from and how."""

    #: Its file name in ``wmdsl/_generated/``.
    name: str
    #: What it is: the first line of its docstring.
    title: str
    #: The module whose ``<function>(header)`` writes it (imported only to generate).
    generator: str
    function: str
    #: The files it is made from besides the generators' sources, relative to the package.
    inputs: tuple[str, ...]


ARTEFACTS = (
    Artefact(
        "lexer.py",
        "The lexer of grammar/wmdsl.lark: its terminals as one regular expression.",
        "wmdsl.syntax.lexgen",
        "lexer_source",
        ("grammar/wmdsl.lark",),
    ),
    Artefact(
        "keywords.py",
        "The keyword reference of docs/language.md (section 3), for the language server's hovers.",
        "wmdsl.lsp.docgen",
        "keywords_source",
        ("docs/language.md",),
    ),
)


def _source(relative: str) -> str:
    """An input's text (read as text: a checkout that ends lines with CRLF reads the same)."""
    from wmdsl.syntax.grammar import grammar_text

    if relative == "grammar/wmdsl.lark":  # shipped inside the package, or beside it in a source tree
        return grammar_text()
    if relative.startswith("docs/"):  # the documentation of a source tree, beside the package
        return (PACKAGE.parent.parent / relative).read_text(encoding="utf-8")
    return (PACKAGE / relative).read_text(encoding="utf-8")


def input_files(artefact: Artefact) -> tuple[str, ...]:
    """Everything ``artefact`` is made from, relative to the package."""
    generator = artefact.generator.removeprefix("wmdsl.").replace(".", "/") + ".py"
    return (*artefact.inputs, generator, "generate.py")


def fingerprint(artefact: Artefact) -> str:
    """The SHA-256 of ``artefact``'s inputs as they are now, each preceded by its name and length."""
    digest = hashlib.sha256()
    for relative in input_files(artefact):
        data = _source(relative).encode("utf-8")
        digest.update(f"{relative}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def header(artefact: Artefact) -> str:
    """The lines every generated module starts with: what it is, that it is generated, from what."""
    inputs = ", ".join(input_files(artefact))
    return (
        f'"""{artefact.title}\n\nWritten by `python -m wmdsl.generate` from {inputs}. Do not edit."""\n'
        "\n"
        "# fmt: off\n"
        "#: The fingerprint of the inputs it was made from (see wmdsl.generate).\n"
        f"INPUTS_SHA256 = {fingerprint(artefact)!r}\n"
    )


def recorded(path: Path) -> str | None:
    """The fingerprint a generated module records, or None when there is none (or no module)."""
    try:
        found = _FINGERPRINT.search(path.read_text(encoding="utf-8"))
    except OSError:
        return None
    return found.group(1) if found else None


def stale() -> list[str]:
    """The generated modules whose inputs changed since they were written."""
    return [a.name for a in ARTEFACTS if recorded(FOLDER / a.name) != fingerprint(a)]


def generate(artefact: Artefact) -> str:
    """The text of ``artefact``, made from its inputs now."""
    make: Callable[[str], str] = getattr(importlib.import_module(artefact.generator), artefact.function)
    return make(header(artefact))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m wmdsl.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if any module is stale")
    parser.add_argument("--out", type=Path, help=f"write into this folder (default: {FOLDER})")
    args = parser.parse_args(argv)
    if args.check:
        names = stale()
        for name in names:
            print(f"stale: wmdsl/_generated/{name} (run `python -m wmdsl.generate`)")
        return 1 if names else 0
    from wmdsl.project.files import write_atomic

    out = args.out or FOLDER
    for artefact in ARTEFACTS:
        write_atomic(out / artefact.name, generate(artefact))
        print(f"wrote {out / artefact.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
