"""Specs as they were at a git revision, copied out of the repository into a temporary folder.

Only what a check reads is copied: the ``.wm`` files and the configuration
files (``wmdsl.toml``, ``pyproject.toml``) that are regular files in the
revision's tree. Symbolic links and submodules are left out (a link in a
revision could lead anywhere on the machine that runs the diff), and so is
anything under a ``.git`` folder. The work tree, the index and the
repository's refs are never touched: the tree is listed with ``git ls-tree``
and the files are read from the object database with ``git cat-file``
(one process for all of them, which ``git show REV:path`` per file is not),
without filters or conversions.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from wmdsl.diff.sides import DiffError

CONFIG_FILES = frozenset({"wmdsl.toml", "pyproject.toml"})
_REGULAR = frozenset({"100644", "100755"})


@dataclass(frozen=True, slots=True)
class Revisions:
    """The two revisions of ``--git BASE[..HEAD]``: as written, and as commit ids."""

    base: str
    head: str
    base_id: str
    head_id: str


def _git(top: Path | None, *args: str, data: bytes | None = None) -> bytes:
    """The output of ``git args`` in ``top`` (None: the working directory); DiffError when it fails."""
    command = ["git", *(["-C", str(top)] if top is not None else []), *args]
    # Nothing here takes a lock or asks for a password; the environment says so.
    environment = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        done = subprocess.run(command, input=data, capture_output=True, env=environment, check=False)
    except FileNotFoundError as error:
        raise DiffError("--git needs the `git` program, which was not found on PATH") from error
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DiffError(said[-1] if said else f"git {args[0]} failed (exit status {done.returncode})")
    return done.stdout


def top_level(folder: Path | None = None) -> Path:
    """The top folder of the git work tree ``folder`` (default: the working directory) is in."""
    try:
        shown = _git(folder, "rev-parse", "--show-toplevel")
    except DiffError as error:
        here = folder if folder is not None else Path.cwd()
        if "not a git repository" in str(error):
            raise DiffError(f"{here} is not in a git repository; --git compares revisions of one") from error
        raise DiffError(f"git cannot read the repository at {here}: {error}") from error
    return Path(os.fsdecode(shown.rstrip(b"\n")))


def _commit(top: Path, revision: str) -> str:
    if not revision or revision.startswith("-"):
        raise DiffError(f"not a revision: {revision!r}")
    try:
        found = _git(top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}")
    except DiffError as error:
        raise DiffError(f"unknown revision {revision!r}: git knows no commit by that name") from error
    return found.decode("ascii").strip()


def revisions(top: Path, spec: str) -> Revisions:
    """``BASE``, ``BASE..HEAD`` or ``BASE...HEAD`` (from their merge base) as two commits.

    ``HEAD`` defaults to the repository's ``HEAD``: the last commit, not the
    work tree.
    """
    if "..." in spec:
        base, head = spec.split("...", 1)
        head = head or "HEAD"
        head_id = _commit(top, head)
        found = _git(top, "merge-base", _commit(top, base), head_id)
        return Revisions(base, head, found.decode("ascii").strip(), head_id)
    base, _, head = spec.partition("..")
    head = head or "HEAD"
    return Revisions(base, head, _commit(top, base), _commit(top, head))


def _wanted(path: str) -> bool:
    """True for the files a check reads: specs and configuration, outside any ``.git`` folder."""
    parts = path.split("/")
    if any(part.lower() == ".git" or part in ("", ".", "..") for part in parts):
        return False
    return path.endswith(".wm") or parts[-1] in CONFIG_FILES


def export(top: Path, commit: str, folder: Path) -> list[str]:
    """Write the specs and configuration of ``commit`` below ``folder``; the paths written, sorted.

    ``folder`` must be new and empty. Paths are as git gives them, relative
    to the top of the repository.
    """
    listing = _git(top, "ls-tree", "-r", "-z", "--full-tree", commit)
    wanted: list[tuple[str, str]] = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        header, _, raw = entry.partition(b"\t")
        mode, kind, blob = header.decode("ascii").split()
        path = os.fsdecode(raw)
        if kind == "blob" and mode in _REGULAR and _wanted(path):
            wanted.append((path, blob))
    wanted.sort()
    if not wanted:
        return []
    stream = _git(top, "cat-file", "--batch", data="".join(f"{blob}\n" for _, blob in wanted).encode())
    offset = 0
    for path, blob in wanted:
        end = stream.index(b"\n", offset)
        name, kind, size = stream[offset:end].decode("ascii").split()
        if name != blob or kind != "blob":
            raise DiffError(f"git cat-file gave {name} {kind} for {path}")
        start = end + 1
        target = folder.joinpath(*path.split("/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(stream[start : start + int(size)])
        offset = start + int(size) + 1  # the content is followed by a newline
    return [path for path, _ in wanted]
