"""lark's parser built once per user, not once per process: lark's own cache, in the user's cache folder.

Building the LALR tables from the grammar is most of what lark costs a
process that reports a syntax error. ``Lark(..., cache=path)`` (lark's public
option) keeps what it built in ``path`` and loads it from there next time,
after checking that the file was made from the same grammar and options by
the same lark under the same minor Python. The file lives in wmdsl's
per-user cache folder (``$WMDSL_CACHE_DIR``, ``$XDG_CACHE_HOME/wmdsl/`` or
``~/.cache/wmdsl/``), never in a temporary folder shared with other users:
what lark loads from it is a pickle, and loading one runs code. A folder that cannot be made, is not the
user's own or may be written by others, or a system without POSIX file
locks, means no cache: lark builds the parser in the process, as it would
without one.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path
from typing import Any

from lark import Lark
from lark import __version__ as lark_version


def user_cache_folder() -> Path | None:
    """wmdsl's per-user cache folder, made private; None when it cannot be used.

    The result cache's (:func:`wmdsl.project.cache.default_folder`, which a test holds
    this to): ``$WMDSL_CACHE_DIR``, else ``$XDG_CACHE_HOME/wmdsl``, else
    ``~/.cache/wmdsl``. Not imported from there: the parse layer sits below it.
    """
    chosen = os.environ.get("WMDSL_CACHE_DIR", "")
    base = os.environ.get("XDG_CACHE_HOME", "")
    try:
        if chosen:
            folder = Path(chosen)
        else:
            # The XDG specification ignores a relative path.
            folder = (Path(base) if os.path.isabs(base) else Path.home() / ".cache") / "wmdsl"
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = folder.stat()
    except (OSError, RuntimeError):  # RuntimeError: no home folder to be found
        return None
    getuid = getattr(os, "getuid", None)  # POSIX only; elsewhere the folder's rights are the system's
    if getuid is not None and (status.st_uid != getuid() or status.st_mode & 0o022):
        return None
    if not os.access(folder, os.W_OK | os.X_OK):
        return None
    return folder


def cache_path(grammar: str, options: dict[str, Any]) -> Path | None:
    """The file lark keeps its parser for ``grammar`` in, or None when there is no usable cache folder.

    The name tells apart what lark tells apart inside the file (the grammar,
    the options, lark's release and the minor Python), so that two
    environments of one user keep a file each instead of rebuilding over
    each other's.
    """
    folder = user_cache_folder()
    if folder is None:
        return None
    key = hashlib.sha256(f"{grammar}\0{sorted(options.items())!r}".encode()).hexdigest()[:16]
    python = "{}.{}".format(*sys.version_info[:2])
    return folder / f"lark-{lark_version}-py{python}-{key}.cache"


def build(grammar: str, options: dict[str, Any], attached: dict[str, Any]) -> Lark:
    """``Lark(grammar, **options, **attached)``, from the user's cache when lark left one there.

    ``options`` shape the tables (and name the file); ``attached`` (the
    transformer, lexer callbacks) are given to the parser as it is loaded.
    """
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock to keep processes from writing over each other
        return Lark(grammar, **options, **attached)
    path = cache_path(grammar, options)
    if path is None:
        return Lark(grammar, **options, **attached)
    # lark writes the file in place (the name it is written under is part of
    # what lark checks it by, so it cannot be written elsewhere and renamed),
    # and loads it, or builds afresh when the file is not what it would build.
    # One process at a time, so that none reads a file another is writing.
    try:
        lock = os.open(path.with_name(f"{path.name}.lock"), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return Lark(grammar, **options, **attached)
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)
        except OSError:  # a file system without locks
            return Lark(grammar, **options, **attached)
        return Lark(grammar, **options, **attached, cache=str(path))
    finally:
        os.close(lock)  # which releases the lock
