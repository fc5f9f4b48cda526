"""A ``wmdsl`` command running in a subprocess, read as it prints (for the commands that keep running)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import wmdsl

# The wmdsl under test, whatever the working directory of the command.
SOURCE = str(Path(wmdsl.__file__).resolve().parent.parent)


class Running:
    """``python -m wmdsl ARGS`` in ``cwd``, its output gathered by threads as it comes."""

    def __init__(self, *args: str, cwd: Path) -> None:
        path = os.environ.get("PYTHONPATH")
        env = {**os.environ, "PYTHONPATH": SOURCE + (os.pathsep + path if path else "")}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "wmdsl", *args],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=env,
        )
        self._out: list[str] = []
        self._err: list[str] = []
        self._lock = threading.Lock()
        self._readers = [
            threading.Thread(target=self._read, args=(stream, into), daemon=True)
            for stream, into in ((self.process.stdout, self._out), (self.process.stderr, self._err))
        ]
        for reader in self._readers:
            reader.start()

    def _read(self, stream: object, into: list[str]) -> None:
        for line in stream:  # type: ignore[attr-defined]
            with self._lock:
                into.append(line)

    @property
    def stdout(self) -> str:
        with self._lock:
            return "".join(self._out)

    @property
    def stderr(self) -> str:
        with self._lock:
            return "".join(self._err)

    def wait_for(self, text: str, *, timeout: float = 20, stderr: bool = False, after: int = 0) -> int:
        """Wait until ``text`` is printed (at or after offset ``after``); its offset."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            seen = self.stderr if stderr else self.stdout
            found = seen.find(text, after)
            if found >= 0:
                return found
            if self.process.poll() is not None:
                time.sleep(0.1)  # let the readers take the last lines
                seen = self.stderr if stderr else self.stdout
                if text in seen[after:]:
                    return seen.find(text, after)
                break
            time.sleep(0.05)
        raise AssertionError(f"{text!r} not printed\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}")

    def interrupt(self, timeout: float = 20) -> int:
        """Ctrl-C (SIGINT), as a terminal sends it; the exit status."""
        self.process.send_signal(signal.SIGINT)
        try:
            status = self.process.wait(timeout)
        finally:
            for reader in self._readers:
                reader.join(5)
        return status

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
