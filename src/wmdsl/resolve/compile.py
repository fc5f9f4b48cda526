"""Compiling one entry file: load it and its imports, resolve them into one model.

The loader (:mod:`wmdsl.resolve.loader`) reads and parses files; the
resolver (:mod:`wmdsl.resolve.resolver`) turns their statements into the
typed model. This module runs the two in order and says what came of it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from wmdsl.diagnostics import Diagnostic, sorted_unique
from wmdsl.model import Document
from wmdsl.project.limits import DEFAULT, Limits
from wmdsl.project.specs import Read, find_root
from wmdsl.resolve.loader import Loader
from wmdsl.resolve.resolver import Resolver
from wmdsl.resolve.sink import Sink


@dataclass(slots=True)
class Compilation:
    """Everything one entry file produced: the model (if it resolved), all
    diagnostics, and the text of every file read (for code frames)."""

    path: str
    document: Document | None
    diagnostics: list[Diagnostic]
    sources: dict[str, str] = field(default_factory=dict)
    reads: list[Read] = field(default_factory=list)  # every file looked for, the entry file first
    root: Path = field(default_factory=Path.cwd)
    # False when the outcome depends on more than the files in ``reads`` (a
    # folder listed for a did-you-mean), which the result cache cannot check.
    cacheable: bool = True
    # The model as far as it could be read, also when language errors refuse
    # it (``document`` is None then): what an editor navigates while a file
    # is being written. Elements too broken to read are missing from it.
    partial: Document | None = None

    @property
    def ok(self) -> bool:
        """True when no language error was found (rules may still run)."""
        return self.document is not None


def compile_file(
    path: Path,
    root: Path | None = None,
    text: str | None = None,
    limits: Limits = DEFAULT,
    *,
    fingerprint: Callable[[bytes], str] | None = None,
    unsaved: Mapping[Path, str] | None = None,
) -> Compilation:
    """Read, parse and resolve ``path`` and its imports into a :class:`Document`.

    With ``fingerprint``, each file read is remembered with its fingerprint
    (see :class:`Read`). ``unsaved`` gives the text of files that differ from
    what is on disk (an editor's open files), by real path: an import of one
    reads that text instead of the file.
    """
    sink = Sink()
    loader = Loader(root if root is not None else find_root(path), sink, limits, fingerprint, unsaved)
    entry = loader.load(path, text)
    document: Document | None = None
    resolved: Document | None = None
    if entry is not None:
        resolver = Resolver(sink)
        resolved = resolver.resolve(entry, loader.imported())
        language_errors = [d for d in sink.diagnostics if d.code.startswith("SYN")]
        document = None if any(d.severity.label == "error" for d in language_errors) else resolved
    return Compilation(
        loader.shown,
        document,
        sorted_unique(sink.diagnostics),
        loader.sources,
        loader.reads,
        loader.root,
        cacheable=not loader.listed and not unsaved,
        partial=resolved,
    )


def compile_text(
    text: str, path: str = "<string>", root: Path | None = None, limits: Limits = DEFAULT
) -> Compilation:
    """Compile ``text`` as if it were the contents of ``path``."""
    return compile_file(Path(path), root if root is not None else Path.cwd(), text, limits)


__all__ = ["Compilation", "compile_file", "compile_text"]
