"""Which files are specs, and how they are read: safely, and only inside the project.

The project root is the nearest folder upward with ``wmdsl.toml``,
``pyproject.toml`` or ``.git``. A spec's real path must lie inside it and
outside any ``.git`` folder; anything but a regular file is refused before a
byte is read, and no file is read past ``max-file-size``. Folder discovery
follows the same rules, and never enters ``.git``.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from wmdsl.diagnostics import Diagnostic, Severity, UsageError, codes
from wmdsl.model.span import point
from wmdsl.project.files import read_regular
from wmdsl.project.limits import DEFAULT, Limits, size

if TYPE_CHECKING:
    from wmdsl.project.settings import Configurations, Overrides, Settings

SUFFIX = ".wm"


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


def opened(reads: Iterable[Read]) -> tuple[str, ...]:
    """The real paths of the files of ``reads`` that were there and opened (not missing, not refused)."""
    return tuple(read.real for read in reads if read.exists and read.digest is not None)


def display_path(path: Path, cwd: Path | None = None) -> str:
    """``path`` relative to the working directory (``cwd``, resolved) when inside it, with ``/``."""
    try:
        return path.relative_to(Path.cwd().resolve() if cwd is None else cwd).as_posix()
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


def _excluded(relative: Path, patterns: Sequence[str]) -> bool:
    """True when ``relative`` (a path below some folder), a folder on its way or one of its names matches."""
    parts = relative.parts
    # Every name, and the path of every folder on the way and of the file
    # itself: "drafts", "specs/drafts" and "specs/*/old.wm" all match
    # specs/drafts/old.wm.
    names = [*parts, *("/".join(parts[:end]) for end in range(2, len(parts) + 1))]
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns for name in names)


# Folders folder discovery never enters: a repository's own data, and the
# result cache of versions that kept it in the tree.
SKIPPED_FOLDERS = frozenset({".git", ".wmdsl_cache"})


def _walk(folder: Path, root: Path, notes: list[Diagnostic]) -> Iterator[Path]:
    """Every file below ``folder``, following links to folders that stay inside ``root``.

    A linked folder is entered once (so a link to a folder above it is no
    loop); a link that leads outside the root is reported, not entered.
    """
    seen = {os.path.realpath(folder)}
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            entries = sorted(os.scandir(current), key=lambda entry: entry.name)
        except OSError:
            continue
        for entry in entries:
            path = Path(entry.path)
            if entry.name in SKIPPED_FOLDERS:
                continue
            try:
                is_folder = entry.is_dir()  # follows links: a link to a folder is a folder here
            except OSError:  # a link to itself: the check of the file will say so
                is_folder = False
            if not is_folder:
                yield path
                continue
            real = os.path.realpath(path)
            if entry.is_symlink() and refusal(real, root) is not None:
                notes.append(_link_outside(path))
            elif real not in seen:
                seen.add(real)
                pending.append(path)


def _link_outside(path: Path) -> Diagnostic:
    shown = display_path(Path(os.path.abspath(path)))
    return Diagnostic(
        codes.IMPORT_OUTSIDE.code,
        Severity.WARNING,
        f"folder `{shown}` is a link that leads outside the project root (or into `.git`); not searched",
        point(shown, 1, 1),
        "specs must lie inside the project root; name the folder itself to check it",
    )


def _excluded_by_config(path: Path, searched: Path, settings: Settings) -> bool:
    """True when the ``exclude`` key of the configuration that applies to ``path`` matches it.

    Its globs are relative to the configuration file's folder, as those of
    ``per-file-ignores`` are; a file outside that folder (``--config`` naming
    a file elsewhere) is matched by its path below the folder searched.
    """
    if not settings.exclude or settings.source is None:
        return False
    try:
        # Both as written, links not followed: the configuration was found
        # upward from where the file lies.
        relative = Path(os.path.abspath(path)).relative_to(os.path.abspath(settings.source.parent))
    except ValueError:
        relative = path.relative_to(searched)
    return _excluded(relative, settings.exclude)


def find_specs(
    paths: Iterable[str | Path],
    exclude: Sequence[str],
    root: Path | None = None,
    overrides: Overrides | None = None,
    configs: Configurations | None = None,
) -> tuple[list[Path], list[Diagnostic]]:
    """The spec files named by ``paths``, and what folder discovery refused to enter."""
    if configs is None:
        from wmdsl.project.settings import Configurations  # settings needs the rules; reading specs does not

        configs = Configurations()
    found: set[Path] = set()
    notes: list[Diagnostic] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            confine = (root if root is not None else find_root(path / "_")).resolve()
            specs = {
                p
                for p in _walk(path, confine, notes)
                if p.name.endswith(SUFFIX)
                and not _excluded(p.relative_to(path), exclude)
                and not _excluded_by_config(p, path, configs.settings_for(p, overrides))
            }
            if not specs and not notes:
                raise UsageError(f"no {SUFFIX} files found under {path}")
            found |= specs
        elif os.path.lexists(path):
            found.add(path)
        else:
            raise UsageError(f"no such file or directory: {path}")
    return sorted(found, key=lambda p: p.as_posix()), notes


def discover(
    paths: Iterable[str | Path], exclude: Sequence[str] = (), overrides: Overrides | None = None
) -> list[Path]:
    """The ``.wm`` files named by ``paths`` (folders searched recursively), sorted.

    Files found in folders are skipped when their path below the folder, or a
    folder on the way, matches a glob in ``exclude``, or when the ``exclude``
    key of the configuration that applies to them (read with ``overrides``)
    matches their path below the configuration file's folder. Files named
    explicitly are always checked. ``.git`` folders are never entered, and
    linked folders only when they lead to a folder inside the project root.
    """
    return find_specs(paths, exclude, overrides=overrides)[0]
