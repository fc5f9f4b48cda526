"""The specs as they were at a git revision, copied into a temporary folder for ``wmdsl score --git``.

Only what a score reads is copied: the ``.wm`` files and the configuration
files (``wmdsl.toml``, ``pyproject.toml``) that are regular files of the
revision's tree. Symbolic links and submodules are left out (a link in a
revision could lead anywhere on the machine), and so is anything under a
``.git`` folder. The work tree, the index and the refs are never touched:
the tree is listed with ``git ls-tree`` and each file read from the object
database with ``git cat-file --batch`` (one process for all of them),
without filters. A blob larger than the file size limit is not read: an
empty file one byte over the limit takes its place, so the check refuses it
for its size as it would refuse the blob.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from wmdsl.diagnostics import UsageError

CONFIG_FILES = frozenset({"wmdsl.toml", "pyproject.toml"})
_REGULAR = frozenset({"100644", "100755"})


class GitError(UsageError):
    """The revision cannot be read: not a repository, an unknown revision, or git missing."""


def _environment() -> dict[str, str]:
    # Nothing here takes a lock or asks for a password.
    return {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}


def _git(top: Path | None, *args: str) -> bytes:
    command = ["git", *(["-C", str(top)] if top is not None else []), *args]
    try:
        done = subprocess.run(command, capture_output=True, env=_environment(), check=False)
    except FileNotFoundError as error:
        raise GitError("--git needs the `git` program, which was not found on PATH") from error
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(said[-1] if said else f"git {args[0]} failed (exit status {done.returncode})")
    return done.stdout


def top_level(folder: Path | None = None) -> Path:
    """The top folder of the git work tree that ``folder`` (default: the working directory) is in."""
    try:
        shown = _git(folder, "rev-parse", "--show-toplevel")
    except GitError as error:
        here = folder if folder is not None else Path.cwd()
        raise GitError(f"{here} is not in a git repository that can be read: {error}") from error
    return Path(os.fsdecode(shown.rstrip(b"\n")))


def commit_of(top: Path, revision: str) -> str:
    """The commit id ``revision`` names; a revision that looks like an option is refused."""
    if not revision or revision.startswith("-"):
        raise GitError(f"not a revision: {revision!r}")
    try:
        found = _git(top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}")
    except GitError as error:
        raise GitError(f"unknown revision {revision!r}: git knows no commit by that name") from error
    return found.decode("ascii").strip()


def _wanted(path: str) -> bool:
    parts = path.split("/")
    if any(part.lower() == ".git" or part in ("", ".", "..") for part in parts):
        return False
    return path.endswith(".wm") or parts[-1] in CONFIG_FILES


def _listing(top: Path, commit: str) -> list[tuple[str, str, int]]:
    """``(path, blob, size)`` of the regular files of ``commit`` a score reads, sorted by path."""
    listing = _git(top, "ls-tree", "-r", "-l", "-z", "--full-tree", commit)
    wanted = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        header, _, raw = entry.partition(b"\t")
        mode, kind, blob, size = header.decode("ascii").split()
        path = os.fsdecode(raw)
        if kind == "blob" and mode in _REGULAR and _wanted(path):
            wanted.append((path, blob, int(size)))
    return sorted(wanted)


def export(top: Path, commit: str, folder: Path, limit: int) -> list[str]:
    """Write the specs and configuration files of ``commit`` below ``folder``; their paths, sorted."""
    blobs = _listing(top, commit)
    targets = [(blob, size, folder.joinpath(*path.split("/"))) for path, blob, size in blobs]
    for _, _, target in targets:
        target.parent.mkdir(parents=True, exist_ok=True)
    read = []
    for blob, size, target in targets:
        if size > limit:
            with target.open("wb") as stream:
                stream.truncate(limit + 1)
        else:
            read.append((blob, target))
    if read:
        _cat(top, read)
    return [path for path, _, _ in blobs]


def _cat(top: Path, blobs: list[tuple[str, Path]]) -> None:
    pipe = subprocess.PIPE
    command = ["git", "-C", str(top), "cat-file", "--batch"]
    with subprocess.Popen(
        command, stdin=pipe, stdout=pipe, stderr=subprocess.DEVNULL, env=_environment()
    ) as git:
        assert git.stdin is not None
        assert git.stdout is not None
        # One object asked and read at a time: neither side waits on a full pipe.
        for blob, target in blobs:
            git.stdin.write(f"{blob}\n".encode("ascii"))
            git.stdin.flush()
            header = git.stdout.readline().decode("ascii", "replace").split()
            if len(header) != 3 or header[0] != blob or header[1] != "blob":
                raise GitError(f"git cat-file could not read {target.name}")
            remaining = int(header[2])
            with target.open("wb") as stream:
                while remaining:
                    chunk = git.stdout.read(min(remaining, 1 << 20))
                    if not chunk:
                        raise GitError(f"git cat-file stopped while reading {target.name}")
                    stream.write(chunk)
                    remaining -= len(chunk)
            git.stdout.read(1)  # the newline after each object
        git.stdin.close()
