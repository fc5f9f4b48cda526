"""Every renderer does work linear in the spec: counted in lines of wmdsl run, not timed.

A scan of every stage per lane, of every handoff per board or of every person
per decision makes the count grow sixty-fourfold when the spec grows eightfold.
(BPMN has its own, finer test in ``test_render_bpmn.py``.)
"""

from __future__ import annotations

import pytest

from tests.test_render_bpmn import _chain
from tests.tracing import lines_run
from wmdsl import api
from wmdsl.render import render


def _lines_run(text: str, name: str) -> int:
    document = api.loads(text)
    render(document, name)  # first-use imports and caches are not the renderer's work
    return lines_run(lambda: render(document, name))


@pytest.mark.parametrize("name", ["dot", "mermaid", "board", "raci-md", "raci-csv", "json"])
def test_rendering_work_grows_linearly(name: str) -> None:
    small, large = _lines_run(_chain(50), name), _lines_run(_chain(400), name)
    assert small > 0
    assert large < 10 * small, f"{name}: {small} lines for 50 stages, {large} for 400"
