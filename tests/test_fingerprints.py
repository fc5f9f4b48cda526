"""Finding fingerprints: fixed values, blind to line numbers, the ones SARIF publishes."""

from __future__ import annotations

import json

from wmdsl import api
from wmdsl.diagnostics.fingerprints import VERSION, digest, fingerprints
from wmdsl.output import FORMATTERS

TEXT = 'person @a "A"\nlane l "L" { members @a }\n'


def test_the_value_never_changes() -> None:
    # Code scanning tracks alerts by this value: a new basis would reopen every one.
    report = api.check_text(TEXT, path="f.wm", select=["CLR001"])
    assert fingerprints(report.diagnostics, report.sources) == ["ddd82821363442d5a505ab63b1e54b9e:1"]


def test_moved_lines_keep_it_and_repeats_are_counted() -> None:
    report = api.check_text(TEXT, path="f.wm", select=["CLR001"])
    moved = api.check_text("\n\n\n" + TEXT, path="f.wm", select=["CLR001"])
    assert fingerprints(report.diagnostics, report.sources) == fingerprints(moved.diagnostics, moved.sources)
    twice = [report.diagnostics[0], report.diagnostics[0]]
    first = digest(report.diagnostics[0], 'lane l "L" { members @a }')
    assert fingerprints(twice, report.sources) == [f"{first}:1", f"{first}:2"]


def test_sarif_publishes_them() -> None:
    report = api.check_text(TEXT, path="f.wm")
    sarif = json.loads(FORMATTERS["sarif"](report, False))
    published = [r["partialFingerprints"][VERSION] for r in sarif["runs"][0]["results"]]
    assert published == fingerprints(report.diagnostics, report.sources)
