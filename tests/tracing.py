"""Counting work instead of timing it: lines of wmdsl code a call runs."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import wmdsl

PACKAGE = str(Path(wmdsl.__file__).resolve().parent)


def lines_run(call: Callable[[], object]) -> int:
    """How many lines of the wmdsl package ``call()`` executes (a deterministic measure of work)."""
    lines = 0

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal lines
        lines += event == "line"
        return local

    def trace(frame: FrameType, event: str, arg: Any) -> Any:
        return local if frame.f_code.co_filename.startswith(PACKAGE) else None

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        call()
    finally:
        sys.settrace(previous)
    return lines
