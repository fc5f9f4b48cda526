"""Specs as they were at a git revision, copied out of the repository into a temporary folder.

Only what a check reads is copied: the ``.wm`` files and the configuration
files (``wmdsl.toml``, ``pyproject.toml``) that are regular files in the
revision's tree. Symbolic links and submodules are left out (a link in a
revision could lead anywhere on the machine that runs the diff), and so is
anything under a ``.git`` folder. The work tree, the index and the
repository's refs are never touched: the tree is listed with ``git ls-tree``
and the files are read from the object database with ``git cat-file``
(one process for all of them, which ``git show REV:path`` per file is not),
without filters or conversions. A file larger than any configuration of
the revision allows is not read (see :func:`_write`).
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


def _environment() -> dict[str, str]:
    # Nothing here takes a lock or asks for a password; the environment says so.
    return {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}


def _git(top: Path | None, *args: str) -> bytes:
    """The output of ``git args`` in ``top`` (None: the working directory); DiffError when it fails."""
    command = ["git", *(["-C", str(top)] if top is not None else []), *args]
    try:
        done = subprocess.run(command, capture_output=True, env=_environment(), check=False)
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


@dataclass(frozen=True, slots=True)
class _Blob:
    path: str  # relative to the top of the repository, with /
    blob: str
    size: int


def _listing(top: Path, commit: str) -> list[_Blob]:
    """The regular files of ``commit`` that a check reads, sorted by path."""
    listing = _git(top, "ls-tree", "-r", "-l", "-z", "--full-tree", commit)
    wanted = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        header, _, raw = entry.partition(b"\t")
        mode, kind, blob, size = header.decode("ascii").split()
        path = os.fsdecode(raw)
        if kind == "blob" and mode in _REGULAR and _wanted(path):
            wanted.append(_Blob(path, blob, int(size)))
    return sorted(wanted, key=lambda b: b.path)


def _write(top: Path, blobs: list[_Blob], folder: Path, limit: int) -> None:
    """Write ``blobs`` below ``folder``, each read from git as it is written.

    A blob larger than ``limit`` is not read at all: a file of ``limit + 1``
    bytes (sparse, so it costs no disk) takes its place, which a check
    refuses for its size as it would refuse the blob. A blob that compresses
    to nothing in the repository could otherwise cost gigabytes here.
    """
    targets = [(blob, folder.joinpath(*blob.path.split("/"))) for blob in blobs]
    for _, target in targets:
        target.parent.mkdir(parents=True, exist_ok=True)
    read = [(blob, target) for blob, target in targets if blob.size <= limit]
    for blob, target in targets:
        if blob.size > limit:
            with target.open("wb") as stream:
                stream.truncate(limit + 1)
    if not read:
        return
    command = ["git", "-C", str(top), "cat-file", "--batch"]
    pipe = subprocess.PIPE
    with subprocess.Popen(
        command, stdin=pipe, stdout=pipe, stderr=subprocess.DEVNULL, env=_environment()
    ) as git:
        assert git.stdin is not None
        assert git.stdout is not None
        # One object asked and read at a time: git flushes after each, and
        # neither side waits on a full pipe.
        for blob, target in read:
            git.stdin.write(f"{blob.blob}\n".encode("ascii"))
            git.stdin.flush()
            header = git.stdout.readline().decode("ascii", "replace").split()
            if len(header) != 3 or header[0] != blob.blob or header[1] != "blob":
                raise DiffError(f"git cat-file could not read {blob.path} ({' '.join(header)})")
            remaining = int(header[2])
            with target.open("wb") as stream:
                while remaining:
                    chunk = git.stdout.read(min(remaining, 1 << 20))
                    if not chunk:
                        raise DiffError(f"git cat-file stopped while reading {blob.path}")
                    stream.write(chunk)
                    remaining -= len(chunk)
            git.stdout.read(1)  # the newline after each object
        git.stdin.close()


def _largest_limit(folder: Path, configs: list[Path]) -> int:
    """The largest ``max-file-size`` the configuration files below ``folder`` allow (at least the default)."""
    from wmdsl.project.limits import DEFAULT
    from wmdsl.project.settings import ConfigError, Configurations

    found = Configurations()
    largest = DEFAULT.max_file_size
    for config in configs:
        try:
            largest = max(largest, found.settings_for(config.parent / "_.wm").limits.max_file_size)
        except ConfigError:
            continue  # the check of the specs under it says what is wrong with it
    return largest


def export(top: Path, commit: str, folder: Path) -> list[str]:
    """Write the specs and configuration of ``commit`` below ``folder``; the paths written, sorted.

    ``folder`` must be new and empty. Paths are as git gives them, relative
    to the top of the repository. The configuration files are written first:
    the largest ``max-file-size`` they allow bounds what is read of a spec.
    """
    from wmdsl.project.settings import CONFIG_LIMIT

    blobs = _listing(top, commit)
    configs = [blob for blob in blobs if not blob.path.endswith(".wm")]
    _write(top, configs, folder, CONFIG_LIMIT)
    limit = _largest_limit(folder, [folder.joinpath(*blob.path.split("/")) for blob in configs])
    _write(top, [blob for blob in blobs if blob.path.endswith(".wm")], folder, limit)
    return [blob.path for blob in blobs]
