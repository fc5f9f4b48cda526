"""Reading files and following imports.

Imports are paths relative to the importing file. They must stay inside the
project root (no absolute paths, no ``..`` or symlink escapes), may not form
a cycle, and a file reached twice is parsed once.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path

from wmdsl.diagnostics import codes
from wmdsl.model.span import point
from wmdsl.project.limits import DEFAULT, Limits
from wmdsl.project.specs import (
    Read,
    decode,
    display_path,
    normalize_newlines,
    read_bytes,
    refusal,
)
from wmdsl.resolve.hidden import bidi_controls
from wmdsl.resolve.readers import plain
from wmdsl.resolve.sink import Sink, closest
from wmdsl.syntax import ParsedFile, Statement, parse
from wmdsl.syntax.ast import ArgKind


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
        unsaved: Mapping[Path, str] | None = None,
    ) -> None:
        self.fingerprint = fingerprint
        self.unsaved = unsaved or {}
        self.root = root.resolve()
        self.sink = sink
        self.limits = limits
        self.parsed: dict[Path, ParsedFile] = {}
        self.order: list[Path] = []
        self.sources: dict[str, str] = {}
        self.reads: list[Read] = []
        self.entry = Path()
        self.shown = ""
        self.listed = False  # a folder was listed for a hint

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
        if real in self.unsaved:  # an editor's text of the file, not yet saved
            self.reads.append(_read(named, real, ""))
            return normalize_newlines(self.unsaved[real])
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
                self.sink.failed_imports.append(self.sink.diagnostics[-1])
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
        self.sink.import_failed(codes.LIMIT, where, message, f"raise `{key}` under [limits] in wmdsl.toml")
        return True

    def target(self, importer: Path, stmt: Statement) -> tuple[Path, Path] | None:
        """The file an ``import`` names (as named, and its real path), if allowed and there."""
        args = plain(stmt)
        if len(args) != 1 or args[0].kind is not ArgKind.STRING or stmt.block is not None:
            where = args[0].span if args else stmt.keyword.span
            self.sink.import_failed(
                codes.BAD_ARGUMENTS,
                where,
                "`import` takes one path in double quotes",
                'e.g. `import "people.wm"`',
            )
            return None
        arg = args[0]
        written = arg.value
        if not written.strip():
            self.sink.import_failed(
                codes.BAD_ARGUMENTS, arg.span, "`import` needs a file path", 'e.g. `import "people.wm"`'
            )
            return None
        if any(ord(c) < 32 or c == "\x7f" for c in written):
            self.sink.import_failed(
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
            self.sink.import_failed(
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
            self.sink.import_failed(
                codes.UNREADABLE, arg.span, f"cannot read imported file `{_short(written)}`: {reason.lower()}"
            )
            return None
        if why is not None:
            self.reads.append(_read(named, real, None))
            self.sink.import_failed(codes.IMPORT_OUTSIDE, arg.span, *self.refused(why, written))
            return None
        if not exists:
            self.reads.append(_read(named, real, None))
            guess = self.sibling(importer, real)
            self.sink.import_failed(
                codes.IMPORT_NOT_FOUND,
                arg.span,
                f"imported file `{_short(written)}` not found",
                f"did you mean `{guess}`?"
                if guess
                else f"looked for {self.relative(real)} in the project root",
            )
            return None
        return named, real

    def sibling(self, importer: Path, missing: Path) -> str | None:
        """The spec file most like ``missing`` next to where it was looked for, as the import would name it.

        Only folders inside the project root are listed. What a folder holds
        is not part of what the result cache checks again, so a compilation
        that listed one is not cached (:attr:`listed`).
        """
        folder, wanted, rest = missing.parent, missing.name, Path()
        while not folder.is_dir() and folder != self.root and folder.is_relative_to(self.root):
            folder, wanted, rest = folder.parent, folder.name, Path(wanted) / rest
        if not folder.is_relative_to(self.root) or refusal(str(folder), self.root) is not None:
            return None
        self.listed = True
        try:
            names = sorted(p.name for p in folder.iterdir() if p.suffix == ".wm" or p.is_dir())
        except OSError:
            return None
        found = closest(wanted, [n for n in names if not n.startswith(".")], cutoff=0.75)
        if found is None:
            return None
        return Path(os.path.relpath(folder / found / rest, importer.parent)).as_posix()

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
