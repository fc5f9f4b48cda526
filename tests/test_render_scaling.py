"""Every renderer does work linear in the spec: counted in lines of wmdsl run, not timed.

A scan of every stage per lane, of every handoff per board or of every person
per decision makes the count grow sixty-fourfold when the spec grows eightfold.
(BPMN has its own, finer test in ``test_render_bpmn.py``.)
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

import wmdsl
from tests.test_render_bpmn import _chain
from wmdsl import api
from wmdsl.render import render

PACKAGE = str(Path(wmdsl.__file__).resolve().parent)


def _lines_run(text: str, name: str) -> int:
    document = api.loads(text)
    render(document, name)  # first-use imports and caches are not the renderer's work
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
        render(document, name)
    finally:
        sys.settrace(previous)
    return lines


@pytest.mark.parametrize("name", ["dot", "mermaid", "board", "raci-md", "raci-csv", "json"])
def test_rendering_work_grows_linearly(name: str) -> None:
    small, large = _lines_run(_chain(50), name), _lines_run(_chain(400), name)
    assert small > 0
    assert large < 10 * small, f"{name}: {small} lines for 50 stages, {large} for 400"
