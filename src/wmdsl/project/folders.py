"""Writing a whole folder of outputs (the handbook) safely.

The folder is refused unless it is new, empty, or marked as one wmdsl wrote
before: a mistyped ``-o`` (``/``, a home folder, the project itself) must not
be filled with pages, let alone emptied. A marked folder belongs to wmdsl and
is replaced as a whole, so pages of deleted lanes do not linger.

The new contents are built in a sibling folder and swapped in with two
renames: the old folder is moved aside, the new one takes its name, and only
then is the old one deleted. A run that fails or is stopped while building
leaves the old folder as it was (and at most a ``.NAME.*.new`` sibling); one
killed between the two renames leaves the old folder whole in a
``.NAME.*.old`` sibling.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from wmdsl.project.files import OutputError, inside, mode_for


def replace_folder(
    folder: Path,
    contents: Mapping[str, bytes],
    marker: str,
    *,
    force: bool = False,
    protected: Iterable[Path] = (),
) -> None:
    """Make ``folder`` hold exactly ``contents`` (relative path → bytes) and the file ``marker``.

    Raises :class:`~wmdsl.project.files.OutputError` when ``folder`` may not be
    replaced: it is not empty and has no ``marker`` (unless ``force``), or —
    whatever ``force`` says — it is a link, a file system root, or holds the
    working directory or one of the ``protected`` files.
    """
    target = Path(os.path.abspath(folder))
    check_replaceable(target, marker, force, protected)
    import shutil  # here, as tempfile is in files.write_atomic: only a run that writes a folder needs them
    import tempfile

    target.parent.mkdir(parents=True, exist_ok=True)
    built = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".new", dir=target.parent))
    try:
        os.chmod(built, mode_for(target, 0o777))  # mkdtemp makes it private
        for name, data in contents.items():
            path = inside(built, name)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        (built / marker).write_text(
            "This folder was written by wmdsl, which replaces it as a whole when it writes it again.\n",
            encoding="utf-8",
        )
        _swap(built, target)
    except BaseException:
        shutil.rmtree(built, ignore_errors=True)
        raise


def check_replaceable(target: Path, marker: str, force: bool, protected: Iterable[Path]) -> None:
    """Raise :class:`~wmdsl.project.files.OutputError` when ``target`` may not be replaced."""
    if target.parent == target:
        raise OutputError(f"refusing to replace the root folder {target}")
    if target.is_symlink():
        raise OutputError(f"refusing to replace {target}: it is a link; name the folder it leads to")
    if not os.path.lexists(target):
        return
    if not target.is_dir():
        raise OutputError(f"refusing to replace {target}: it is not a folder")
    real = Path(os.path.realpath(target))
    if Path.cwd().resolve().is_relative_to(real):
        raise OutputError(f"refusing to replace {target}: it holds the working directory")
    for path in protected:
        if Path(os.path.realpath(path)).is_relative_to(real):
            raise OutputError(f"refusing to replace {target}: it holds {path}, which this run read")
    if force or (target / marker).is_file():
        return
    with os.scandir(target) as entries:
        if next(entries, None) is None:
            return
    raise OutputError(
        f"refusing to write into {target}: it is not empty and is not a folder wmdsl wrote "
        f"(it has no {marker}); name a new or empty folder, or use --replace to replace it "
        "with everything in it"
    )


def _swap(built: Path, target: Path) -> None:
    """Put ``built`` in the place of ``target``, which is deleted only once that is done."""
    import shutil
    import tempfile

    if not os.path.lexists(target):
        os.rename(built, target)
        return
    aside = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
    old = aside / target.name
    os.rename(target, old)
    try:
        os.rename(built, target)
    except BaseException:
        os.rename(old, target)
        os.rmdir(aside)
        raise
    shutil.rmtree(aside, ignore_errors=True)  # the new folder is in place: a leftover is no failure
