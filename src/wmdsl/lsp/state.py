"""What the language server holds in memory: the open files, their checks, and what is made from them.

An open file is checked with :func:`wmdsl.api.check_unsaved` on the
editor's text, the editor's text of every other open file standing in for
what is on disk when it is imported. A check keeps its compilation; the
index of names, the syntax tree and the flow analysis are made from it when
first asked for, and dropped with it when the file is checked again, so the
memory held is that of the latest check of each open file.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from wmdsl.api import Checked, check_unsaved
from wmdsl.diagnostics import WmdslError
from wmdsl.lsp.index import Index
from wmdsl.lsp.text import Context, Lines, Scanner
from wmdsl.model import Document
from wmdsl.project.settings import ConfigError
from wmdsl.resolve.compile import Compilation, compile_file
from wmdsl.syntax import ParsedFile, parse

if TYPE_CHECKING:
    from wmdsl.flow.results import Analysis


@functools.lru_cache(maxsize=4096)
def real(file: str) -> str:
    """The real path of a file as a span names it (relative to the working directory, or absolute)."""
    return os.path.realpath(file)


@dataclass(slots=True)
class OpenFile:
    """A file open in the editor, and what has been made of its current text."""

    path: str  # real path
    uri: str
    text: str
    version: int
    checked: Checked | None = None
    # Made when first asked for, for this check (or this text) only.
    index: Index | None = None
    parsed: ParsedFile | None = None
    lines: Lines | None = None
    figures: Analysis | None = None
    # The last model that could be read, for completion while the file does not compile.
    known: Document | None = None
    scanner: Scanner = field(default_factory=Scanner)

    def context(self, offset: int) -> Context:
        """Where index ``offset`` of the current text is: the blocks around it, the statement it is in."""
        return self.scanner.context(self.text, offset)


@dataclass(frozen=True, slots=True)
class _OnDisk:
    """A workspace file that is not open, compiled for references and renames."""

    stamp: tuple[int, int]  # the state of the open files and the file's mtime it was compiled at
    index: Index | None


@dataclass(slots=True)
class State:
    """Every open file by real path, the workspace folders, and the files found in them."""

    files: dict[str, OpenFile] = field(default_factory=dict)
    folders: list[str] = field(default_factory=list)
    encoding: str = "utf-16"  # how the editor counts characters: utf-8, utf-16 or utf-32
    edits: int = 0  # how many times an open file's text changed: what on-disk indexes depend on
    _disk: dict[str, _OnDisk] = field(default_factory=dict)

    # -- open files ------------------------------------------------------

    def open(self, path: str, uri: str, text: str, version: int) -> OpenFile:
        opened = self.files[path] = OpenFile(path, uri, text, version)
        self.edits += 1
        return opened

    def change(self, path: str, text: str, version: int) -> OpenFile | None:
        found = self.files.get(path)
        if found is None:
            return None
        found.text, found.version = text, version
        found.parsed = found.lines = None
        self.edits += 1
        return found

    def close(self, path: str) -> None:
        self.files.pop(path, None)
        self.edits += 1

    def unsaved(self, but: str | None = None) -> dict[Path, str]:
        """The editor's text of every open file but ``but``, by real path."""
        return {Path(path): file.text for path, file in self.files.items() if path != but}

    def check(self, path: str) -> Checked | None:
        """Check the open file ``path`` again on its current text (and the other open files')."""
        file = self.files.get(path)
        if file is None:
            return None
        checked = check_unsaved(path, file.text, unsaved=self.unsaved(path))
        file.checked = checked
        file.index = None
        file.figures = None
        partial = checked.compilation.partial
        if partial is not None:
            file.known = partial
        return checked

    def dependents(self, path: str) -> list[str]:
        """The open files (other than ``path``) whose last check read ``path``: they import it."""
        found = []
        for other, file in sorted(self.files.items()):
            if other == path or file.checked is None:
                continue
            if any(read.real == path for read in file.checked.compilation.reads):
                found.append(other)
        return found

    # -- what is made from a check ----------------------------------------

    def lines(self, path: str) -> Lines | None:
        file = self.files.get(path)
        if file is None:
            return None
        if file.lines is None:
            file.lines = Lines(file.text, self.encoding)
        return file.lines

    def parsed(self, path: str) -> ParsedFile | None:
        """The syntax tree of the open file's current text."""
        file = self.files.get(path)
        if file is None:
            return None
        if file.parsed is None:
            file.parsed = parse(file.text, path)
        return file.parsed

    def index(self, path: str) -> Index | None:
        """The names of the open file's last check (of its partial model when it has errors)."""
        file = self.files.get(path)
        if file is None or file.checked is None:
            return None
        if file.index is None:
            document = file.checked.compilation.partial
            if document is None:
                return None
            file.index = Index(document)
        return file.index

    def known(self, path: str) -> Index | None:
        """The index of the last model of the file that could be read (for completion)."""
        found = self.index(path)
        if found is not None:
            return found
        file = self.files.get(path)
        return Index(file.known) if file is not None and file.known is not None else None

    def figures(self, path: str) -> Analysis | None:
        """The flow analysis of the open file, when it compiles."""
        file = self.files.get(path)
        if file is None or file.checked is None or file.checked.compilation.document is None:
            return None
        if file.figures is None:
            from wmdsl.flow.analysis import analyze

            file.figures = analyze(file.checked.compilation.document)
        return file.figures

    def text_of(self, path: str, compilation: Compilation | None = None) -> str | None:
        """The text of ``path``: the editor's, or as a compilation read it, or on disk."""
        if path in self.files:
            return self.files[path].text
        if compilation is not None:
            for shown, text in compilation.sources.items():
                if real(shown) == path:
                    return text
        try:
            return Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    # -- the whole workspace ---------------------------------------------

    def indexes(self) -> Iterator[tuple[str, Index]]:
        """The index of every open file and of every spec in the workspace folders.

        Files that are not open are compiled (not checked) when first asked
        for, and again only once an open file or the file itself changed.
        """
        seen: set[str] = set()
        for path in sorted(self.files):
            found = self.index(path)
            seen.add(path)
            if found is not None:
                yield path, found
        for path in self._workspace_specs():
            if path in seen:
                continue
            seen.add(path)
            found = self._on_disk(path)
            if found is not None:
                yield path, found

    def _workspace_specs(self) -> list[str]:
        if not self.folders:
            return []
        from wmdsl.project.specs import discover

        try:
            return sorted({real(str(p)) for p in discover(self.folders)})
        except (OSError, ValueError, WmdslError, ConfigError):  # a folder gone, a bad configuration
            return []

    def _on_disk(self, path: str) -> Index | None:
        try:
            stamp = (self.edits, os.stat(path).st_mtime_ns)
        except OSError:
            return None
        cached = self._disk.get(path)
        if cached is not None and cached.stamp == stamp:
            return cached.index
        try:
            compilation = compile_file(Path(path), unsaved=self.unsaved())
        except (OSError, ValueError, RuntimeError, MemoryError):
            compilation = None
        partial = compilation.partial if compilation is not None else None
        index = Index(partial) if partial is not None else None
        self._disk[path] = _OnDisk(stamp, index)
        return index
