"""A cache of check results, keyed by content, so an unchanged tree re-checks fast.

A result is stored per checked file under ``.wmdsl_cache/`` in the project
root, named by a hash of everything that could change it: the wmdsl version,
the file's path and bytes, the configuration file's bytes, the command-line
overrides and whether ``allow`` is honoured. The record also lists every file
the check read (imports) with a hash of its bytes; it is used only if all of
them are unchanged. Records are JSON, never pickles: reading a planted cache
file can at worst produce wrong findings, never run code. Writes are atomic,
and any unreadable or inconsistent record is simply a miss.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from wmdsl import __version__
from wmdsl.diagnostics import Diagnostic, Related, Severity
from wmdsl.files import write_atomic
from wmdsl.record import Frozen, set_field
from wmdsl.resolve.loader import find_root
from wmdsl.span import Span

FOLDER = ".wmdsl_cache"
FORMAT = 1


class Entry(Frozen):
    """A cached result: what the check of one file reported."""

    __slots__ = ("diagnostics", "fail_on", "shown", "sources")
    shown: str
    diagnostics: list[Diagnostic]
    sources: dict[str, str]
    fail_on: Severity

    def __init__(
        self, shown: str, diagnostics: list[Diagnostic], sources: dict[str, str], fail_on: Severity
    ) -> None:
        set_field(self, "shown", shown)
        set_field(self, "diagnostics", diagnostics)
        set_field(self, "sources", sources)
        set_field(self, "fail_on", fail_on)


def _digest(data: bytes) -> str:
    import hashlib  # here: OpenSSL's load is a start-up cost a run without the cache need not pay

    return hashlib.sha256(data).hexdigest()


def _file_digest(path: Path) -> str | None:
    # Once per run: every file of a tree that imports a shared file lists it
    # as a dependency, and hashing it again for each was a third of a re-check.
    name = str(path)
    if name not in _DIGESTS:
        try:
            _DIGESTS[name] = _digest(path.read_bytes())
        except OSError:
            _DIGESTS[name] = None
    return _DIGESTS[name]


_DIGESTS: dict[str, str | None] = {}
_ROOTS: dict[Path, Path] = {}


def new_run() -> None:
    """Forget the files hashed and the roots found by an earlier run (they may have changed)."""
    _DIGESTS.clear()
    _ROOTS.clear()


def root_of(path: Path) -> Path:
    """The project root of ``path`` (see :func:`~wmdsl.resolve.loader.find_root`), found once per folder."""
    folder = path.parent
    if folder not in _ROOTS:
        _ROOTS[folder] = find_root(path)
    return _ROOTS[folder]


def key(path: Path, config: Path | None, overrides: str, honour_allows: bool) -> str | None:
    """The cache key of checking ``path`` (resolved) with these settings (None if unreadable)."""
    content = _file_digest(path)
    if content is None:
        return None
    config_digest = _file_digest(config) if config is not None else "-"
    parts = [
        __version__,
        str(FORMAT),
        str(path),
        content,
        str(config_digest),
        overrides,
        str(honour_allows),
    ]
    return _digest("\0".join(parts).encode("utf-8"))


def _span(span: Span) -> list[Any]:
    return [span.file, span.line, span.col, span.end_line, span.end_col]


def _unspan(data: list[Any]) -> Span:
    file, line, col, end_line, end_col = data
    return Span(file=file, line=line, col=col, end_line=end_line, end_col=end_col)


def _dump(diagnostic: Diagnostic) -> dict[str, Any]:
    return {
        "code": diagnostic.code,
        "severity": diagnostic.severity.label,
        "message": diagnostic.message,
        "span": _span(diagnostic.span),
        "hint": diagnostic.hint,
        "related": [[_span(r.span), r.message] for r in diagnostic.related],
    }


def _load(data: dict[str, Any]) -> Diagnostic:
    related = tuple(Related(_unspan(span), message) for span, message in data["related"])
    return Diagnostic(
        data["code"],
        Severity.parse(data["severity"]),
        data["message"],
        _unspan(data["span"]),
        data["hint"],
        related,
    )


class Cache:
    """The result cache of one project root."""

    def __init__(self, root: Path) -> None:
        self.folder = root / FOLDER / f"v{FORMAT}"

    def get(self, entry_key: str) -> Entry | None:
        """The cached result for ``entry_key`` if every file it read is unchanged."""
        try:
            import json  # imported on use: a text check without a cache needs none

            record = json.loads((self.folder / entry_key[:2] / f"{entry_key}.json").read_text("utf-8"))
            for dependency, digest in record["deps"]:
                if _file_digest(Path(dependency)) != digest:
                    return None
            return Entry(
                record["shown"],
                [_load(d) for d in record["diagnostics"]],
                record["sources"],
                Severity.parse(record["fail_on"]),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, entry_key: str, entry: Entry, dependencies: list[Path]) -> None:
        """Store ``entry`` (best effort: a cache that cannot be written is no error)."""
        digests = [(str(p), _file_digest(p)) for p in dependencies]
        if any(digest is None for _, digest in digests):
            return
        used = {d.span.file for d in entry.diagnostics} | {
            r.span.file for d in entry.diagnostics for r in d.related
        }
        record = {
            "shown": entry.shown,
            "deps": digests,
            "diagnostics": [_dump(d) for d in entry.diagnostics],
            "sources": {name: text for name, text in entry.sources.items() if name in used},
            "fail_on": entry.fail_on.label,
        }
        try:
            top = self.folder.parent
            if not top.exists():
                top.mkdir(parents=True)
                (top / ".gitignore").write_text("# Created by wmdsl.\n*\n", encoding="utf-8")
            import json

            write_atomic(self.folder / entry_key[:2] / f"{entry_key}.json", json.dumps(record))
        except OSError:
            pass
