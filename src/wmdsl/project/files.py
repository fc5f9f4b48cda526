"""Writing outputs safely: atomically, and only where asked.

An output is written to a temporary file in the destination folder and then
renamed over the destination, so a reader never sees half a file and a failed
run leaves the previous output intact.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path


class OutputError(Exception):
    """An output cannot be written where it was asked to go."""


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` all at once (temp file + rename in the same folder)."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    folder = path.parent if str(path.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    import tempfile  # here: it loads shutil and random, which a run that writes nothing need not pay for

    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        # mkstemp creates the file private (0600); give it the mode a plain
        # open() would: the replaced file's, or the default under the umask.
        os.chmod(temporary, mode_for(path))
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def mode_for(path: Path, fresh: int = 0o666) -> int:
    """The mode of ``path`` as it is, or, when there is none yet, ``fresh`` under the umask.

    What a replacement should get: the replaced file's (or folder's) mode, or
    the one a plain ``open()`` (``mkdir()``: ``fresh=0o777``) would give.
    """
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return fresh & ~umask


def overwritten_input(output: Path, inputs: Iterable[Path]) -> Path | None:
    """The file of ``inputs`` that writing ``output`` would replace, if any.

    Compared by device and inode, so a relative path, a link or a second hard
    link to an input is caught as surely as its own name. Any existing ``.wm``
    file counts too: a report is never a spec, and an import found in the cache
    is not listed among the inputs of a run that did not read it again.
    """
    try:
        written = output.stat()
    except OSError:
        return None  # nothing there yet: nothing to overwrite
    if output.suffix == ".wm":
        return output
    for path in inputs:
        try:
            read = path.stat()
        except OSError:
            continue
        if (read.st_dev, read.st_ino) == (written.st_dev, written.st_ino):
            return path
    return None


def inside(folder: Path, name: str) -> Path:
    """``folder / name``, refusing any name that would land outside ``folder``."""
    target = (folder / name).resolve()
    if not target.is_relative_to(folder.resolve()) or target == folder.resolve():
        raise OutputError(f"refusing to write {name!r} outside {folder}")
    return target


class NotRegularFile(OSError):
    """A path names a folder, a pipe, a device or a socket, not a file."""


def read_regular(path: Path, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of ``path``, refusing anything but a regular file.

    The file is opened without blocking and checked through its descriptor,
    so a pipe or a device is refused before a byte is read (a pipe would hang
    the run, ``/dev/zero`` would never end), and a file swapped for one of
    them between a check and the open is refused all the same. Reading one
    byte past ``limit`` tells a caller that the file is too large without
    reading the rest of it.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    handle = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise NotRegularFile(0, "not a regular file", str(path))
        chunks: list[bytes] = []
        wanted = limit + 1
        while wanted > 0:
            chunk = os.read(handle, min(wanted, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            wanted -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(handle)
