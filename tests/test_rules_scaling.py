"""Every rule does work linear in the spec: counted in lines of wmdsl run, not timed.

A scan of every lane per decision, or of every handoff per stage, makes the
count grow sixty-fourfold when the spec grows eightfold. The specs are the
benchmark's (``bench/gen.py``): lanes, gated decisions, boards and rework
loops, so every rule has something to look at; and a chain whose every stage
can send work back to the start, one strongly connected component the size
of the spec; and the worst cases of ``bench/shapes.py``, where one mistake
repeats at every stage (a finding, a component or a handoff of one busy
stage per stage, a path or an escalation chain as long as the spec per
intake or decision, a loop too tangled to solve node by node). Rules left
out of the recommended preset are measured too: ``--preset strict`` runs
them. The flow analysis (routing, the traffic equations, main paths) is
counted on its own, and the whole check, formatters included, on the worst
cases as well.
"""

from __future__ import annotations

import functools

import pytest

from tests.generated import generated_spec, loop_spec, shape_spec
from tests.tracing import lines_run
from wmdsl import api
from wmdsl.flow.analysis import analyze
from wmdsl.model import Document
from wmdsl.rules.registry import Rule, RuleContext, all_rules

SMALL, LARGE = 100, 800


SHAPES = ("islands", "fan", "traps", "gates", "intakes", "escalations", "grid")
SPECS = {
    "generated": generated_spec,
    "one-loop": loop_spec,
    **{shape: functools.partial(shape_spec, shape) for shape in SHAPES},
}


@pytest.fixture(scope="module", params=sorted(SPECS))
def documents(request: pytest.FixtureRequest) -> dict[int, Document]:
    return {n: api.loads(SPECS[request.param](n)) for n in (SMALL, LARGE)}


def _lines_run(rule: Rule, document: Document) -> int:
    def check() -> None:
        list(rule.check(RuleContext(document), rule.defaults()))

    check()  # first-use imports and caches are not the rule's work
    return lines_run(check)


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.code.code)
def test_rule_work_grows_linearly(rule: Rule, documents: dict[int, Document]) -> None:
    small, large = _lines_run(rule, documents[SMALL]), _lines_run(rule, documents[LARGE])
    growth = LARGE // SMALL
    assert small > 0
    assert large < 1.5 * growth * small, (
        f"{rule.code.code}: {small} lines for {SMALL} stages, {large} for {LARGE}"
    )


def test_flow_analysis_work_grows_linearly(documents: dict[int, Document]) -> None:
    small, large = (lines_run(functools.partial(analyze, documents[n])) for n in (SMALL, LARGE))
    growth = LARGE // SMALL
    assert large < 1.5 * growth * small, f"analysis: {small} lines for {SMALL} stages, {large} for {LARGE}"


@pytest.mark.parametrize("fmt", ["text", "sarif", "github"])
@pytest.mark.parametrize("shape", SHAPES)
def test_checking_and_reporting_a_worst_case_grows_linearly(shape: str, fmt: str) -> None:
    from wmdsl.output import FORMATTERS
    from wmdsl.project.settings import Overrides

    texts = {n: shape_spec(shape, n) for n in (SMALL, LARGE)}

    def check(n: int) -> None:
        report = api.check_text(texts[n], path="shape.wm", overrides=Overrides(preset="strict"))
        FORMATTERS[fmt](report, False)

    check(SMALL)  # first-use imports
    small, large = lines_run(lambda: check(SMALL)), lines_run(lambda: check(LARGE))
    growth = LARGE // SMALL
    assert large < 1.5 * growth * small, f"{shape} ({fmt}): {small} lines at {SMALL}, {large} at {LARGE}"
