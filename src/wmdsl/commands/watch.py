"""``wmdsl check --watch``: the check again after every change, until Ctrl-C."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, NoReturn

import click

from wmdsl.commands.shared import say

if TYPE_CHECKING:
    from wmdsl import api

CLEAR = "\x1b[2J\x1b[3J\x1b[H"  # clear the screen and its scrollback, cursor home


def _interrupt_here_only() -> None:
    """Ctrl-C interrupts this process, and not the worker processes a check forks (they inherit it).

    The workers are ended by the pool they belong to when the check is
    interrupted; left to Python's handler, each would print a traceback.
    """
    main = os.getpid()

    def interrupt(signum: int, frame: FrameType | None) -> None:
        if os.getpid() == main:
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)


def watch_and_check(
    paths: Sequence[Path],
    first: api.Report,
    run: Callable[[], api.Report],
    show: Callable[[api.Report], None],
    configs: Callable[[api.Report], list[Path]],
) -> NoReturn:
    """Show ``first``, then ``run`` and ``show`` again after every change; exit 0 on Ctrl-C.

    What is watched (:mod:`wmdsl.serve.watch`): the folders given, the folder
    of every file the last check read, and the configuration files
    ``configs`` says apply. A check that cannot run (a folder left without
    specs, a configuration file with a mistake) says why and waits for the
    next change.
    """
    from wmdsl import api
    from wmdsl.project.settings import ConfigError
    from wmdsl.serve.watch import changes, folders

    _interrupt_here_only()
    terminal = sys.stdout.isatty()
    latest = first
    known: list[Path] = []

    def targets() -> tuple[list[Path], list[Path]]:
        with contextlib.suppress(ConfigError):  # a configuration file being edited: watch those it was
            known[:] = configs(latest)
        return folders(paths, latest.inputs), list(known)

    def status(what: str) -> None:
        files = len(latest.files)
        say(
            f"[{time.strftime('%H:%M:%S')}] {what}: {files} file{'s' * (files != 1)}; "
            "watching for changes (Ctrl-C to stop)"
        )

    def stamps() -> dict[str, tuple[int, int] | None]:
        found: dict[str, tuple[int, int] | None] = {}
        for name in latest.files:
            try:
                status = os.stat(name)
                found[name] = (status.st_mtime_ns, status.st_size)
            except OSError:
                found[name] = None
        return found

    read = stamps()
    missed: list[str] = []

    def ready() -> None:
        # Watching starts after the first check: a file saved in between is checked now.
        missed.extend(name for name, stamp in stamps().items() if read.get(name) != stamp)
        status("checked")

    def batches() -> Iterator[list[str]]:
        for changed in changes(targets, threading.Event(), ready):
            if missed:
                changed = sorted({*changed, *missed})
                missed.clear()
            yield changed
            if missed:  # found when the watch started, with nothing else changed since
                yield list(missed)
                missed.clear()

    try:
        show(first)
        for changed in batches():
            if not changed:
                continue
            if terminal:
                click.echo(CLEAR, nl=False)
            try:
                latest = run()
                show(latest)
            except (api.UsageError, ConfigError, click.ClickException) as error:
                say(f"error: {error}")
                continue
            shown = ", ".join(os.path.relpath(path) for path in changed[:3])
            more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
            status(f"checked again after a change to {shown}{more}")
    except KeyboardInterrupt:
        pass
    sys.exit(0)
