"""Noticing that a project changed: ``wmdsl serve`` and ``wmdsl check --watch`` read it again then.

What is watched: the folders the command was given, the folder of each file
it was given and of every file the last reading opened (imports included),
each with everything below it, and the configuration files that apply. A
change counts when it is to a ``.wm`` file or a configuration file
(``wmdsl.toml``, ``pyproject.toml``), so outputs written beside the specs,
editors' swap files and the like never start a reading. Files and folders
are watched with :mod:`watchfiles` (the operating system's notifications;
``WATCHFILES_FORCE_POLLING=1`` polls instead, for file systems without
them); a configuration file above those folders is looked at twice a second.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import watchfiles

if TYPE_CHECKING:
    import threading

CONFIG_NAMES = frozenset({"wmdsl.toml", "pyproject.toml"})
DEBOUNCE_MS = 300  # the longest a burst of changes is gathered before a reading starts
STEP_MS = 50  # a burst ends after this long without a change
TICK_MS = 500  # how often configuration files are looked at, and stopping is noticed


def folders(paths: Iterable[Path], inputs: Iterable[str]) -> list[Path]:
    """The folders to watch for ``paths`` and the files a reading opened (``inputs``), none inside another."""
    found: set[Path] = set()
    for path in [*paths, *map(Path, inputs)]:
        absolute = Path(os.path.abspath(path))
        folder = absolute if absolute.is_dir() else absolute.parent
        if folder.is_dir():
            found.add(folder)
    ordered = sorted(found, key=lambda folder: len(folder.parts))
    kept: list[Path] = []
    for folder in ordered:
        if not any(folder.is_relative_to(outer) for outer in kept):
            kept.append(folder)
    return sorted(kept)


class SpecFilter(watchfiles.DefaultFilter):
    """The changes that can change what a reading finds: to specs and configuration files.

    Below the folders :class:`watchfiles.DefaultFilter` leaves out (``.git``,
    ``node_modules``, virtual environments and caches), and not editors' swap
    and backup files.
    """

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        name = os.path.basename(path)
        return (name.endswith(".wm") or name in CONFIG_NAMES) and super().__call__(change, path)


def _stamps(files: Sequence[Path]) -> dict[Path, tuple[int, int] | None]:
    stamps: dict[Path, tuple[int, int] | None] = {}
    for path in files:
        try:
            status = path.stat()
            stamps[path] = (status.st_mtime_ns, status.st_size)
        except OSError:
            stamps[path] = None
    return stamps


def changes(
    targets: Callable[[], tuple[list[Path], list[Path]]],
    stop: threading.Event,
    ready: Callable[[], None] | None = None,
) -> Iterator[list[str]]:
    """The paths that changed, each time something of the project changes, until ``stop`` is set.

    ``targets`` says what to watch (folders, configuration files); it is asked
    again after every change, as a change can add or remove an import.
    ``ready`` is called once, when the first watch is running: a change made
    after it is never missed (one made before it may be, so a caller that
    says it is watching says so then, and looks for changes it missed).
    """
    spec_filter = SpecFilter()
    while not stop.is_set():
        watched, configs = targets()
        stamps = _stamps(configs)
        if not watched:  # every folder is gone: look again shortly
            if stop.wait(TICK_MS / 1000):
                return
            if _stamps(configs) != stamps or targets()[0]:
                yield [str(path) for path in configs]
            continue
        try:
            for batch in watchfiles.watch(
                *watched,
                watch_filter=spec_filter,
                debounce=DEBOUNCE_MS,
                step=STEP_MS,
                stop_event=stop,
                rust_timeout=TICK_MS,
                yield_on_timeout=True,
            ):
                if ready is not None:
                    ready()
                    ready = None
                changed = sorted({path for _, path in batch})
                now = _stamps(configs)
                changed += [str(path) for path in configs if now[path] != stamps[path]]
                stamps = now
                if changed:
                    yield changed
                    if targets() != (watched, configs):
                        break  # watch what the project reads now
        except FileNotFoundError:  # a watched folder was removed as the watch started
            if stop.wait(TICK_MS / 1000):
                return
