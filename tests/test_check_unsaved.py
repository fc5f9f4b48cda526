"""api.check_unsaved: a file checked as `wmdsl check` would, on the editor's text of it and its imports."""

from __future__ import annotations

from pathlib import Path

from wmdsl import api

PEOPLE = 'person @ana "Ana Lima"\n'
SPEC = """\
import "people.wm"

workflow fixes "Bug fixes" {
  owner @ana
}
"""


def _write(project: Path) -> Path:
    (project / "people.wm").write_text(PEOPLE, encoding="utf-8")
    spec = project / "fixes.wm"
    spec.write_text(SPEC, encoding="utf-8")
    return spec


def test_the_text_given_is_checked_not_the_file(project: Path) -> None:
    spec = _write(project)
    on_disk = api.check_unsaved(spec)
    assert [d.code for d in on_disk.report.diagnostics if d.code.startswith("SYN")] == []
    edited = api.check_unsaved(spec, SPEC.replace("@ana", "@anna"))
    assert [d.code for d in edited.report.diagnostics if d.code.startswith("SYN")] == ["SYN002"]
    assert edited.compilation.document is None


def test_an_import_is_read_from_the_unsaved_text_of_its_file(project: Path) -> None:
    spec = _write(project)
    people = (project / "people.wm").resolve()
    found = api.check_unsaved(spec, unsaved={people: 'person @anna "Ana Lima"\n'})
    assert [d.message for d in found.report.diagnostics if d.code == "SYN002"] == ["unknown person `@ana`"]
    assert (project / "people.wm").read_text(encoding="utf-8") == PEOPLE
    assert any(read.real == str(people) for read in found.compilation.reads)


def test_the_same_findings_as_wmdsl_check(project: Path) -> None:
    spec = _write(project)
    checked = api.check_unsaved(spec, spec.read_text(encoding="utf-8"))
    report = api.check([spec])
    assert [(d.code, d.message) for d in checked.report.diagnostics] == [
        (d.code, d.message) for d in report.diagnostics
    ]


def test_a_file_with_language_errors_keeps_the_model_that_could_be_read(project: Path) -> None:
    spec = _write(project)
    found = api.check_unsaved(spec, SPEC.replace("  owner @ana\n", "  owner @ana\n  stage s in nowhere\n"))
    assert found.compilation.document is None
    partial = found.compilation.partial
    assert partial is not None
    assert [stage.name for stage in partial.workflows[0].stages] == ["s"]
