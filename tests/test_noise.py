"""The noise budget: a first run leads with what is wrong, not with everything absent.

With the default preset, a realistic spec gets at most one warning per five
declared elements: the examples, first drafts written as a new user would
(tests/noise/), and the benchmark's generated organisation. Findings a rule
makes about several elements of one workflow for one reason are told once,
which is most of what keeps the count down. Every planted mistake in
examples/broken still fires (tests/test_broken_examples.py).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from wmdsl import api
from wmdsl.model import Document

ROOT = Path(__file__).resolve().parents[1]
BUDGET = 1 / 5  # warnings per declared element
SPECS = sorted(
    [
        *ROOT.glob("examples/*.wm"),
        *ROOT.glob("examples/org-multi/*.wm"),
        *ROOT.glob("tests/noise/*.wm"),
    ]
)


def declared(document: Document) -> int:
    """Declarations in ``document``: its own shared ones and those of its workflows (handoffs not counted)."""
    shared = document.shared
    own = [
        element
        for group in (shared.people, shared.lanes, shared.work, shared.decisions, shared.calendars)
        for element in group
        if element.span.file == document.file
    ]
    count = len(own)
    for workflow in document.workflows:
        count += 1 + sum(
            len(group)
            for group in (
                workflow.people,
                workflow.lanes,
                workflow.work,
                workflow.calendars,
                workflow.intakes,
                workflow.stages,
                workflow.joins,
                workflow.exits,
                workflow.decisions,
                workflow.boards,
                workflow.metrics,
                workflow.cadences,
            )
        )
    return count


def within_budget(spec: Path) -> tuple[int, int]:
    report = api.check([spec])
    warnings = sum(1 for d in report.diagnostics if d.severity.label == "warning")
    return warnings, declared(api.load(spec))


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_realistic_spec_stays_within_the_noise_budget(spec: Path) -> None:
    warnings, elements = within_budget(spec)
    assert warnings <= BUDGET * elements, f"{warnings} warnings for {elements} declared elements"


def test_the_first_drafts_still_say_what_they_lack() -> None:
    # The budget is met by telling repeated findings once, not by saying nothing.
    report = api.check([ROOT / "tests" / "noise" / "feature-delivery.wm"])
    assert sorted(d.code for d in report.diagnostics) == ["ADP001", "CLR005", "HUM005", "PRG003"]
    done = next(d for d in report.diagnostics if d.code == "CLR005")
    assert done.message.startswith("5 stages have no definition of done")
    assert len(done.related) == 5


def test_the_generated_organisation_stays_within_the_noise_budget(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    out = tmp_path / "generated"
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "gen.py"), "300", "--out", str(out)],
        check=True,
        capture_output=True,
    )
    (spec,) = sorted(out.rglob("*.wm"))
    warnings, elements = within_budget(spec)
    assert elements > 300
    assert warnings <= BUDGET * elements
