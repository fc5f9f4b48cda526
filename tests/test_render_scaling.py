"""Every renderer does work linear in the spec: counted in lines of wmdsl run, not timed.

A scan of every stage per lane, of every handoff per board or of every person
per decision makes the count grow sixty-fourfold when the spec grows eightfold.
(BPMN has its own, finer test in ``test_render_bpmn.py``.)
"""

from __future__ import annotations

import pytest

from tests.generated import generated_spec, shape_spec
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


@pytest.mark.parametrize("name", ["dot", "mermaid", "board", "bpmn", "json"])
@pytest.mark.parametrize("shape", ["islands", "fan", "traps", "gates", "intakes", "escalations", "grid"])
def test_rendering_a_worst_case_grows_linearly(shape: str, name: str) -> None:
    # One stage with a handoff to every other, a third of the stages in sink
    # loops, nothing connected: what a spec being written looks like.
    small, large = _lines_run(shape_spec(shape, 50), name), _lines_run(shape_spec(shape, 400), name)
    assert large < 10 * small, f"{shape} ({name}): {small} lines for 50 stages, {large} for 400"


def test_handbook_work_grows_linearly() -> None:
    # One page per lane: a page that scans the whole workflow makes the
    # handbook quadratic (generated specs, for their many lanes and decisions).
    from wmdsl.handbook import build_handbook

    def lines(stages: int) -> int:
        document = api.loads(generated_spec(stages))
        report = api.Report([document.file], [], {})
        build_handbook(document, report, None)
        return lines_run(lambda: build_handbook(document, report, None))

    small, large = lines(100), lines(800)
    assert small > 0
    assert large < 10 * small, f"{small} lines for 100 stages, {large} for 800"
