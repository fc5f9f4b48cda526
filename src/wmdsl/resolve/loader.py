"""Reading files and following imports.

Imports are paths relative to the importing file. They must stay inside the
project root (no absolute paths, no ``..`` or symlink escapes), may not form
a cycle, and a file reached twice is parsed once.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterator
from pathlib import Path

from wmdsl import codes
from wmdsl.diagnostics import Diagnostic, Related, sorted_unique
from wmdsl.limits import DEFAULT, Limits, size
from wmdsl.model import Document
from wmdsl.record import Record
from wmdsl.resolve.resolver import Resolver
from wmdsl.resolve.schema import plain
from wmdsl.resolve.sink import Sink
from wmdsl.span import Span, point
from wmdsl.syntax import ParsedFile, Statement, parse
from wmdsl.syntax.ast import ArgKind

ROOT_MARKERS = ("wmdsl.toml", "pyproject.toml", ".git")


class Compilation(Record):
    """Everything one entry file produced: the model (if it resolved), all
    diagnostics, and the text of every file read (for code frames)."""

    __slots__ = ("diagnostics", "document", "files", "path", "sources")
    path: str
    document: Document | None
    diagnostics: list[Diagnostic]
    sources: dict[str, str]
    files: list[Path]  # every file read (resolved paths)

    def __init__(
        self,
        path: str,
        document: Document | None,
        diagnostics: list[Diagnostic],
        sources: dict[str, str] | None = None,
        files: list[Path] | None = None,
    ) -> None:
        self.path = path
        self.document = document
        self.diagnostics = diagnostics
        self.sources = {} if sources is None else sources
        self.files = [] if files is None else files

    @property
    def ok(self) -> bool:
        """True when no language error was found (rules may still run)."""
        return self.document is not None


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when inside it, with ``/``."""
    try:
        return path.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def find_root(path: Path) -> Path:
    """The project root: nearest folder upward with a marker, else the file's folder."""
    for folder in path.parents:
        if any((folder / marker).exists() for marker in ROOT_MARKERS):
            return folder
    return path.parent


def decode(data: bytes, shown: str) -> tuple[str | None, Diagnostic | None]:
    """UTF-8 text (a byte-order mark is dropped), or a diagnostic with the bad byte's place."""
    try:
        return normalize_newlines(_without_bom(data.decode("utf-8"))), None
    except UnicodeDecodeError as error:
        offset = error.start
        # Everything before the bad byte decoded fine: count columns in characters.
        before = normalize_newlines(_without_bom(data[:offset].decode("utf-8")))
        line = before.count("\n") + 1
        col = len(before) - (before.rfind("\n") + 1) + 1
        return None, Diagnostic(
            codes.UNREADABLE.code,
            codes.UNREADABLE.severity,
            f"not valid UTF-8: byte 0x{data[offset]:02X} at offset {offset}",
            point(shown, line, col),
            "wmdsl specs are UTF-8 text; re-save the file as UTF-8",
        )


def _without_bom(text: str) -> str:
    # As the "utf-8-sig" codec does, without importing it (a third of a
    # millisecond of every check).
    return text[1:] if text.startswith("\ufeff") else text


def normalize_newlines(text: str) -> str:
    """CRLF and lone CR become LF, so lines are counted the same for every file."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def read_text(path: Path, shown: str, limits: Limits = DEFAULT) -> tuple[str | None, Diagnostic | None]:
    """Read and decode ``path``; never raises for a missing, unreadable or huge file."""
    try:
        if path.exists() and not path.is_file():
            raise IsADirectoryError(21, "not a regular file")
        with path.open("rb") as stream:
            # Read at most one byte past the limit: never more, whatever the file is.
            data = stream.read(limits.max_file_size + 1)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        return None, Diagnostic(
            codes.UNREADABLE.code,
            codes.UNREADABLE.severity,
            f"cannot read file: {reason.lower()}",
            point(shown, 1, 1),
        )
    if len(data) > limits.max_file_size:
        return None, Diagnostic(
            codes.LIMIT.code,
            codes.LIMIT.severity,
            f"file is larger than the limit of {size(limits.max_file_size)}",
            point(shown, 1, 1),
            "split it into files that import each other, or raise `max-file-size` under "
            "[limits] in wmdsl.toml",
        )
    return decode(data, shown)


class Loader:
    """Parses an entry file and, transitively, what it imports."""

    def __init__(self, root: Path, sink: Sink, limits: Limits = DEFAULT) -> None:
        self.root = root.resolve()
        self.sink = sink
        self.limits = limits
        self.parsed: dict[Path, ParsedFile] = {}
        self.order: list[Path] = []
        self.sources: dict[str, str] = {}

    def load(self, path: Path, text: str | None = None) -> ParsedFile | None:
        """Parse ``path`` (or ``text`` as its contents) and everything it imports."""
        resolved = path.resolve()
        shown = display_path(resolved) if text is None else path.as_posix()
        if text is None:
            text, problem = read_text(resolved, shown, self.limits)
            if problem is not None:
                self.sink.extend([problem])
                return None
        assert text is not None
        text = normalize_newlines(text)
        entry = self.parse(resolved, shown, text)
        self.follow(resolved, entry, [resolved])
        return entry

    def parse(self, resolved: Path, shown: str, text: str) -> ParsedFile:
        parsed = parse(text, shown, self.limits)
        self.sources[shown] = text
        self.parsed[resolved] = parsed
        self.sink.extend(parsed.errors)
        return parsed

    def follow(self, path: Path, parsed: ParsedFile, chain: list[Path]) -> None:
        """Load the imports of ``parsed`` depth-first, reporting cycles."""
        for stmt in parsed.items:
            if not isinstance(stmt, Statement) or stmt.keyword.raw != "import":
                continue
            target = self.target(path, stmt)
            if target is None:
                continue
            if target in chain:
                self.cycle(stmt, [*chain[chain.index(target) :], target])
                continue
            if target in self.parsed:
                continue
            if self.over_limit(stmt, chain):
                continue
            text, problem = read_text(target, display_path(target), self.limits)
            if problem is not None:
                self.sink.extend([problem])
                continue
            assert text is not None
            imported = self.parse(target, display_path(target), text)
            self.follow(target, imported, [*chain, target])
            self.order.append(target)

    def over_limit(self, stmt: Statement, chain: list[Path]) -> bool:
        """Report (and refuse) an import past the file-count or depth limit."""
        where = plain(stmt)[0].span
        if len(self.parsed) >= self.limits.max_imports:
            message = f"more than {self.limits.max_imports} files are imported"
            key = "max-imports"
        elif len(chain) >= self.limits.max_import_depth:
            message = f"imports nest deeper than {self.limits.max_import_depth} files"
            key = "max-import-depth"
        else:
            return False
        self.sink.error(codes.LIMIT, where, message, f"raise `{key}` under [limits] in wmdsl.toml")
        return True

    def target(self, importer: Path, stmt: Statement) -> Path | None:
        """The file an ``import`` names, if it is allowed and exists."""
        args = plain(stmt)
        if len(args) != 1 or args[0].kind is not ArgKind.STRING or stmt.block is not None:
            where = args[0].span if args else stmt.keyword.span
            self.sink.error(
                codes.BAD_ARGUMENTS,
                where,
                "`import` takes one path in double quotes",
                'e.g. `import "people.wm"`',
            )
            return None
        arg = args[0]
        written = arg.value
        if not written.strip():
            self.sink.error(
                codes.BAD_ARGUMENTS, arg.span, "`import` needs a file path", 'e.g. `import "people.wm"`'
            )
            return None
        if (
            os.path.isabs(written)
            or written.startswith(("/", "\\"))
            or (len(written) > 1 and written[1] == ":")
        ):
            self.sink.error(
                codes.IMPORT_OUTSIDE,
                arg.span,
                f"import of absolute path `{written}` refused",
                'imports are relative to the importing file, e.g. `import "people.wm"`',
            )
            return None
        target = (importer.parent / written).resolve()
        if not target.is_relative_to(self.root):
            self.sink.error(
                codes.IMPORT_OUTSIDE,
                arg.span,
                f"import of `{written}` leaves the project root",
                f"imports must stay inside the project root `{display_path(self.root)}` "
                "(the nearest folder upward with wmdsl.toml, pyproject.toml or .git)",
            )
            return None
        if not target.is_file():
            self.sink.error(
                codes.IMPORT_NOT_FOUND,
                arg.span,
                f"imported file `{written}` not found",
                f"looked for {display_path(target)}",
            )
            return None
        return target

    def cycle(self, stmt: Statement, loop: list[Path]) -> None:
        where = plain(stmt)[0].span
        if len(loop) == 2:
            self.sink.error(codes.IMPORT_CYCLE, where, "this file imports itself", "remove this import")
            return
        chain = " → ".join(display_path(p) for p in loop)
        self.sink.error(
            codes.IMPORT_CYCLE,
            where,
            f"import cycle: {chain}",
            "move what the files share into a third file that both import",
        )

    def imported(self, entry: Path) -> list[ParsedFile]:
        """Imported files in dependency order (each after the files it imports)."""
        return [self.parsed[p] for p in self.order if p != entry]


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    # Compiling allocates millions of small acyclic objects; the cyclic
    # collector would rescan the growing heap again and again (superlinear
    # time on big specs) while finding nothing to free.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def compile_file(
    path: Path, root: Path | None = None, text: str | None = None, limits: Limits = DEFAULT
) -> Compilation:
    """Read, parse and resolve ``path`` and its imports into a :class:`Document`."""
    with collector_paused():
        return _compile(path, root, text, limits)


def _compile(path: Path, root: Path | None, text: str | None, limits: Limits) -> Compilation:
    sink = Sink()
    loader = Loader(root if root is not None else find_root(path.resolve()), sink, limits)
    entry = loader.load(path, text)
    document: Document | None = None
    if entry is not None:
        resolver = Resolver(sink)
        resolved = resolver.resolve(entry, loader.imported(path.resolve()))
        language_errors = [d for d in sink.diagnostics if d.code.startswith("SYN")]
        document = None if any(d.severity.label == "error" for d in language_errors) else resolved
    shown = entry.path if entry is not None else display_path(path.resolve())
    return Compilation(shown, document, sorted_unique(sink.diagnostics), loader.sources, list(loader.parsed))


def compile_text(
    text: str, path: str = "<string>", root: Path | None = None, limits: Limits = DEFAULT
) -> Compilation:
    """Compile ``text`` as if it were the contents of ``path``."""
    return compile_file(Path(path), root if root is not None else Path.cwd(), text, limits)


__all__ = ["Compilation", "Related", "Span", "compile_file", "compile_text"]
