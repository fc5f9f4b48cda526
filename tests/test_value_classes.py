"""The value classes outside the model: standard dataclasses, of one style.

Diagnostics, findings, settings, the syntax tree, the resolver's and the
rules' records and the flow analysis's results are dataclasses: frozen and
slotted, unless a class says why not (built once per token or reference,
assigned to after it is built, or keeping cached properties in a
``__dict__``). They compare, hash, pickle, copy and ``replace`` as
dataclasses do. (The model has tests of its own: tests/test_model_types.py.)
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import importlib
import pickle
import pkgutil
from pathlib import Path

import pytest

import wmdsl
from wmdsl import api
from wmdsl.diagnostics import Diagnostic, Related, Severity
from wmdsl.flow.analysis import analyze
from wmdsl.model.span import point
from wmdsl.project.limits import Limits
from wmdsl.project.settings import Overrides
from wmdsl.rules.registry import all_rules

ROOT = Path(__file__).resolve().parents[1]

#: The dataclasses that are not frozen, and why.
MUTABLE = {
    "wmdsl.model.span.Span": "one or more per token",
    "wmdsl.syntax.ast.Arg": "one per token",
    "wmdsl.syntax.ast.Statement": "the resolver lets go of a workflow's block",
    "wmdsl.resolve.scope.Use": "one per reference",
    "wmdsl.resolve.scope.Scope": "filled while names are declared",
    "wmdsl.resolve.context.Context": "collects uses while a document is read",
    "wmdsl.resolve.compile.Compilation": "a result the caller may amend",
    "wmdsl.diagnostics.report.Report": "a result the caller may amend",
    "wmdsl.api.Rendering": "a result the caller may amend",
    "wmdsl.rules.humanity._Membership": "one per member of a lane",
    "wmdsl.rules.humanity._Accountable": "one per owner, decider or delegate",
    "wmdsl.syntax.format._Comma": "filled in as the formatter reads its tokens",
    "wmdsl.syntax.format._Block": "filled in as the formatter reads its tokens",
    "wmdsl.syntax.format._Stmt": "filled in as the formatter reads its tokens",
    "wmdsl.commands.fmt._Run": "filled in as the files are formatted",
    "wmdsl.lsp.state.OpenFile": "follows the edits of a file open in the editor",
    "wmdsl.lsp.state.State": "the language server's memory, changed by every edit",
    "wmdsl.serve.state._Reading": "filled in as the live preview reads the project",
}
#: Packages with dataclasses of their own making (the renderers' and the handbook's working values).
ELSEWHERE = ("wmdsl.render", "wmdsl.handbook")


def _dataclasses() -> dict[str, type]:
    found: dict[str, type] = {}
    for module in pkgutil.walk_packages(wmdsl.__path__, "wmdsl."):
        if module.name.startswith(ELSEWHERE) or module.name == "wmdsl.__main__":
            continue
        for value in vars(importlib.import_module(module.name)).values():
            if (
                isinstance(value, type)
                and dataclasses.is_dataclass(value)
                and value.__module__ == module.name
            ):
                found[f"{module.name}.{value.__qualname__}"] = value
    return found


def test_value_classes_are_frozen_slotted_dataclasses_unless_they_say_why() -> None:
    found = _dataclasses()
    assert len(found) > 50
    assert set(MUTABLE) <= set(found)
    for name, cls in found.items():
        params = cls.__dataclass_params__  # type: ignore[attr-defined]
        assert params.frozen == (name not in MUTABLE), name
        cached = [v for v in vars(cls).values() if isinstance(v, functools.cached_property)]
        # A cached property keeps its value in the instance's __dict__, which a slotted class has not.
        assert ("__slots__" in cls.__dict__) == (not cached), name


def test_diagnostics_compare_and_hash_without_their_subjects() -> None:
    here = point("a.wm", 2, 3)
    related = (Related(point("a.wm", 1, 1), "first declared here"),)
    one = Diagnostic("SYN003", Severity.ERROR, "m", here, "h", related, ("workflow:w",))
    other = Diagnostic("SYN003", Severity.ERROR, "m", here, "h", related, ("workflow:v",))
    assert one == other
    assert hash(one) == hash(other)
    assert one != dataclasses.replace(one, span=point("a.wm", 9, 9))  # a diagnostic's place counts
    assert one != dataclasses.replace(one, related=())
    assert repr(one).startswith("Diagnostic(code='SYN003', severity=<Severity.ERROR: 3>, message='m', ")
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.message = "changed"  # type: ignore[misc]


def test_a_report_and_its_diagnostics_pickle_and_copy() -> None:
    # Results cross process boundaries when files are checked in parallel.
    report = api.check(sorted((ROOT / "examples" / "broken").glob("*.wm")), jobs=1)
    assert len(report.diagnostics) > 50
    assert any(d.related for d in report.diagnostics)
    again = pickle.loads(pickle.dumps(report))
    assert again == report
    assert [d.subjects for d in again.diagnostics] == [d.subjects for d in report.diagnostics]
    for diagnostic in report.diagnostics:
        for copied in (copy.copy(diagnostic), copy.deepcopy(diagnostic), dataclasses.replace(diagnostic)):
            assert copied == diagnostic
            assert copied.subjects == diagnostic.subjects


def test_an_analysis_pickles_copies_and_keeps_its_lookups() -> None:
    document = api.load(ROOT / "examples" / "software-delivery.wm")
    analysis = analyze(document)
    workflow = analysis.workflows[0]
    stage = workflow.stages[0]
    assert workflow.stage(stage.name) is stage  # fills a cached property
    for copied in (pickle.loads(pickle.dumps(analysis)), copy.copy(analysis), copy.deepcopy(analysis)):
        assert copied == analysis
        assert copied.workflows[0].stage(stage.name) == stage
    with pytest.raises(dataclasses.FrozenInstanceError):
        workflow.bottleneck = None  # type: ignore[misc]


def test_settings_values_replace_and_name_their_keys() -> None:
    overrides = Overrides(preset="strict", isolated=True)
    narrowed = dataclasses.replace(overrides, select=("FLW001",))
    assert (narrowed.preset, narrowed.isolated, narrowed.select) == ("strict", True, ("FLW001",))
    assert overrides.select is None
    assert Overrides() == Overrides(severity={}, options={})
    with pytest.raises(TypeError):
        Overrides("strict")  # type: ignore[misc]
    assert Limits.keys()["max-file-size"] == "max_file_size"
    assert Limits(max_depth=3) == dataclasses.replace(Limits(), max_depth=3)


def test_a_rule_shows_its_code_and_reads_its_texts_once() -> None:
    rule = next(r for r in all_rules() if r.bad)
    assert "check=" not in repr(rule)
    assert repr(rule).startswith(f"Rule(code={rule.code!r}, ")
    assert rule.rationale is rule.rationale  # dedented when first read, then kept
    assert rule.bad.startswith(rule.bad.lstrip())
