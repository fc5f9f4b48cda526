"""Reading files and following imports.

Imports are paths relative to the importing file. They must stay inside the
project root (no absolute paths, no ``..`` or symlink escapes), may not form
a cycle, and a file reached twice is parsed once.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from wmdsl.diagnostics import Diagnostic, Related, codes, sorted_unique
from wmdsl.model import Document
from wmdsl.model.span import Span, point
from wmdsl.project.files import read_regular
from wmdsl.project.limits import DEFAULT, Limits, size
from wmdsl.resolve.hidden import bidi_controls
from wmdsl.resolve.resolver import Resolver
from wmdsl.resolve.schema import plain
from wmdsl.resolve.sink import Sink
from wmdsl.syntax import ParsedFile, Statement, parse
from wmdsl.syntax.ast import ArgKind

ROOT_MARKERS = ("wmdsl.toml", "pyproject.toml", ".git")


@dataclass(frozen=True, slots=True)
class Read:
    """A file a compilation looked for: as named, what that led to, and what was parsed.

    ``named`` is the absolute path as written (links not followed), ``real``
    the real path it led to ("" when the system refused the name), ``exists``
    whether anything was there, and ``digest`` the fingerprint of the bytes
    parsed, when the compilation was asked for fingerprints (the result cache
    asks for SHA-256): "" when the file could not be read or no fingerprint
    was asked for, None when the file was not to be read (missing, refused).
    A cached result is valid while every read of its check would come out the
    same: that is how a re-pointed link, an edited file and an import created
    later are noticed.
    """

    named: str
    real: str
    exists: bool
    digest: str | None


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
    """The project root: nearest folder upward with a marker, else the file's folder.

    ``path`` is taken as written (made absolute, links not followed): the root
    of a link is where the link lies, so a link cannot move its own root to
    wherever it points.
    """
    for folder in Path(os.path.abspath(path)).parents:
        if any((folder / marker).exists() for marker in ROOT_MARKERS):
            return folder
    return Path(os.path.abspath(path)).parent


def refusal(real: str, root: Path) -> str | None:
    """Why the file at real path ``real`` may not be read under ``root`` (None: it may).

    Only files inside the project root are specs, and nothing under a
    ``.git`` folder is: its config may hold a checkout's credentials, and a
    code frame would quote them.
    """
    path = Path(real)
    if not path.is_relative_to(root):
        return "outside"
    if any(part.lower() == ".git" for part in path.relative_to(root).parts):
        return "git"
    return None


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
    return text[1:] if text.startswith("\ufeff") else text


def normalize_newlines(text: str) -> str:
    """CRLF and lone CR become LF, so lines are counted the same for every file."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def read_bytes(path: Path, shown: str, limits: Limits = DEFAULT) -> tuple[bytes | None, Diagnostic | None]:
    """The bytes of a regular file within the size limit, or a diagnostic (never raises)."""
    try:
        data = read_regular(path, limits.max_file_size)
    except (OSError, ValueError) as error:
        reason = (error.strerror if isinstance(error, OSError) else None) or str(error)
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
    return data, None


def read_text(path: Path, shown: str, limits: Limits = DEFAULT) -> tuple[str | None, Diagnostic | None]:
    """Read and decode ``path``; never raises for a missing, unreadable or huge file."""
    data, problem = read_bytes(path, shown, limits)
    return (None, problem) if data is None else decode(data, shown)


def _read(named: Path, real: Path, digest: str | None) -> Read:
    # os.path.exists, unlike Path.exists, answers False for names the system refuses.
    return Read(str(named), str(real), os.path.exists(real), digest)


def _short(written: str, limit: int = 80) -> str:
    return written if len(written) <= limit else written[: limit - 1] + "…"


class Loader:
    """Parses an entry file and, transitively, what it imports."""

    def __init__(
        self,
        root: Path,
        sink: Sink,
        limits: Limits = DEFAULT,
        fingerprint: Callable[[bytes], str] | None = None,
    ) -> None:
        self.fingerprint = fingerprint
        self.root = root.resolve()
        self.sink = sink
        self.limits = limits
        self.parsed: dict[Path, ParsedFile] = {}
        self.order: list[Path] = []
        self.sources: dict[str, str] = {}
        self.reads: list[Read] = []
        self.entry = Path()
        self.shown = ""

    def load(self, path: Path, text: str | None = None) -> ParsedFile | None:
        """Parse ``path`` (or ``text`` as its contents) and everything it imports."""
        self.entry = real = Path(os.path.realpath(path))
        if text is not None:
            self.shown = path.as_posix()
            entry = self.parse(real, self.shown, normalize_newlines(text))
            self.follow(real, entry, [real])
            return entry
        named = Path(os.path.abspath(path))
        why = refusal(str(real), self.root)
        if why is not None:
            self.shown = display_path(named)
            self.reads.append(_read(named, real, None))
            where = point(self.shown, 1, 1)
            self.sink.error(codes.IMPORT_OUTSIDE, where, *self.refused(why, path.as_posix()))
            return None
        self.shown = shown = display_path(real)
        loaded = self.read(named, real, shown)
        if loaded is None:
            return None
        entry = self.parse(real, shown, loaded)
        self.follow(real, entry, [real])
        return entry

    def read(self, named: Path, real: Path, shown: str) -> str | None:
        """The text of an accepted file, remembered with the digest of its bytes."""
        data, problem = read_bytes(real, shown, self.limits)
        mark = "" if data is None or self.fingerprint is None else self.fingerprint(data)
        self.reads.append(_read(named, real, mark))
        if data is not None:
            text, problem = decode(data, shown)
            if text is not None:
                return text
        assert problem is not None
        self.sink.extend([problem])
        return None

    def refused(self, why: str, written: str) -> tuple[str, str]:
        """The message and hint for a file refused by :func:`refusal`."""
        if why == "git":
            return (
                f"`{_short(written)}` is inside a `.git` folder, which is never read",
                "specs live in the project's own folders; `.git` holds the repository's "
                "configuration and credentials",
            )
        return (
            f"`{_short(written)}` leads outside the project root",
            "files must stay inside the project root (the nearest folder upward with "
            "wmdsl.toml, pyproject.toml or .git); links to files elsewhere are not followed",
        )

    def parse(self, resolved: Path, shown: str, text: str) -> ParsedFile:
        parsed = parse(text, shown, self.limits)
        self.sink.extend(bidi_controls(text, shown))
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
            named, real = target
            if real in chain:
                self.cycle(stmt, [*chain[chain.index(real) :], real])
                continue
            if real in self.parsed:
                continue
            if self.over_limit(stmt, chain):
                continue
            shown = display_path(real)
            text = self.read(named, real, shown)
            if text is None:
                continue
            imported = self.parse(real, shown, text)
            self.follow(real, imported, [*chain, real])
            self.order.append(real)

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

    def target(self, importer: Path, stmt: Statement) -> tuple[Path, Path] | None:
        """The file an ``import`` names (as named, and its real path), if allowed and there."""
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
        if any(ord(c) < 32 or c == "\x7f" for c in written):
            self.sink.error(
                codes.BAD_ARGUMENTS,
                arg.span,
                "an import path may not contain control characters",
                'e.g. `import "people.wm"`',
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
                f"import of absolute path `{_short(written)}` refused",
                'imports are relative to the importing file, e.g. `import "people.wm"`',
            )
            return None
        named = Path(os.path.normpath(importer.parent / written))
        try:
            real = Path(os.path.realpath(named))
            why = refusal(str(real), self.root)
            exists = why is None and real.is_file()
        except (OSError, ValueError) as error:
            reason = (error.strerror if isinstance(error, OSError) else None) or str(error)
            self.reads.append(Read(str(named), "", False, None))
            self.sink.error(
                codes.UNREADABLE, arg.span, f"cannot read imported file `{_short(written)}`: {reason.lower()}"
            )
            return None
        if why is not None:
            self.reads.append(_read(named, real, None))
            self.sink.error(codes.IMPORT_OUTSIDE, arg.span, *self.refused(why, written))
            return None
        if not exists:
            self.reads.append(_read(named, real, None))
            self.sink.error(
                codes.IMPORT_NOT_FOUND,
                arg.span,
                f"imported file `{_short(written)}` not found",
                f"looked for {self.relative(real)} in the project root",
            )
            return None
        return named, real

    def relative(self, real: Path) -> str:
        """``real`` relative to the project root: what messages show, whatever the working directory."""
        return real.relative_to(self.root).as_posix() if real.is_relative_to(self.root) else real.as_posix()

    def cycle(self, stmt: Statement, loop: list[Path]) -> None:
        where = plain(stmt)[0].span
        if len(loop) == 2:
            self.sink.error(codes.IMPORT_CYCLE, where, "this file imports itself", "remove this import")
            return
        chain = " → ".join(self.relative(p) for p in loop)
        self.sink.error(
            codes.IMPORT_CYCLE,
            where,
            f"import cycle: {chain}",
            "move what the files share into a third file that both import",
        )

    def imported(self) -> list[ParsedFile]:
        """Imported files in dependency order (each after the files it imports)."""
        return [self.parsed[p] for p in self.order if p != self.entry]


def compile_file(
    path: Path,
    root: Path | None = None,
    text: str | None = None,
    limits: Limits = DEFAULT,
    *,
    fingerprint: Callable[[bytes], str] | None = None,
) -> Compilation:
    """Read, parse and resolve ``path`` and its imports into a :class:`Document`.

    With ``fingerprint``, each file read is remembered with its fingerprint
    (see :class:`Read`).
    """
    sink = Sink()
    loader = Loader(root if root is not None else find_root(path), sink, limits, fingerprint)
    entry = loader.load(path, text)
    document: Document | None = None
    if entry is not None:
        resolver = Resolver(sink)
        resolved = resolver.resolve(entry, loader.imported())
        language_errors = [d for d in sink.diagnostics if d.code.startswith("SYN")]
        document = None if any(d.severity.label == "error" for d in language_errors) else resolved
    return Compilation(
        loader.shown, document, sorted_unique(sink.diagnostics), loader.sources, loader.reads, loader.root
    )


def compile_text(
    text: str, path: str = "<string>", root: Path | None = None, limits: Limits = DEFAULT
) -> Compilation:
    """Compile ``text`` as if it were the contents of ``path``."""
    return compile_file(Path(path), root if root is not None else Path.cwd(), text, limits)


__all__ = ["Compilation", "Related", "Span", "compile_file", "compile_text"]
