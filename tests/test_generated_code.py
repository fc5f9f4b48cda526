"""The generated code in ``wmdsl/_generated/`` is current, and its generator is deterministic.

Whether a module is current is read from the fingerprint of its inputs that
it records (see :mod:`wmdsl.generate`), not by comparing it with a fresh one:
that would fail under any release of a library the generator uses that
writes the same thing another way. What the generated code does is held to
its sources by tests of behaviour (tests/test_parsers.py for the lexer).
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from wmdsl import generate

STALE = "run `python -m wmdsl.generate` and commit what it writes"


@pytest.mark.parametrize("artefact", generate.ARTEFACTS, ids=lambda a: a.name)
def test_each_generated_module_was_made_from_its_inputs_as_they_are(artefact: generate.Artefact) -> None:
    path = generate.FOLDER / artefact.name
    assert generate.recorded(path) == generate.fingerprint(artefact), STALE
    assert path.read_text(encoding="utf-8").startswith(generate.header(artefact)), STALE


def test_the_generated_folder_holds_only_generated_modules() -> None:
    written = {path.name for path in generate.FOLDER.glob("*.py")} - {"__init__.py"}
    assert written == {artefact.name for artefact in generate.ARTEFACTS}


def test_the_lexer_records_the_grammar_it_was_made_from() -> None:
    from wmdsl._generated import lexer
    from wmdsl.syntax.grammar import grammar_text

    assert grammar_text() == lexer.GRAMMAR, STALE


def test_any_change_to_an_input_makes_a_module_stale(monkeypatch: pytest.MonkeyPatch) -> None:
    [lexer] = [a for a in generate.ARTEFACTS if a.name == "lexer.py"]
    assert set(generate.input_files(lexer)) == {"grammar/wmdsl.lark", "syntax/lexgen.py", "generate.py"}
    before = generate.fingerprint(lexer)
    real = generate._source
    for changed in generate.input_files(lexer):
        monkeypatch.setattr(generate, "_source", lambda r, c=changed: real(r) + ("\n" if r == c else ""))
        assert generate.fingerprint(lexer) != before, changed
        shared = changed == "generate.py"  # an input of every generated module
        assert generate.stale() == (["lexer.py", "keywords.py"] if shared else ["lexer.py"])


def test_the_keyword_reference_is_made_from_the_language_docs(monkeypatch: pytest.MonkeyPatch) -> None:
    from wmdsl._generated.keywords import SECTIONS
    from wmdsl.resolve.schema import HANDOFF_ATTRS, KINDS, WORKFLOW_ATTRS

    [keywords] = [a for a in generate.ARTEFACTS if a.name == "keywords.py"]
    assert set(generate.input_files(keywords)) == {"docs/language.md", "lsp/docgen.py", "generate.py"}
    # Every keyword is documented, and every attribute in the table of its block (a
    # calendar's `hours` has a section of its own).
    assert {*KINDS, "workflow", "import", "allow", "handoff"} <= set(SECTIONS)
    for name, kind in KINDS.items():
        if name != "calendar":
            assert set(kind.attrs) <= set(SECTIONS[name]["attributes"]), name
    assert set(HANDOFF_ATTRS) == set(SECTIONS["handoff"]["attributes"])
    assert set(WORKFLOW_ATTRS) == set(SECTIONS["workflow"]["attributes"])
    real = generate._source
    monkeypatch.setattr(generate, "_source", lambda r: real(r) + ("\n" if r == "docs/language.md" else ""))
    assert generate.stale() == ["keywords.py"]


def test_check_says_whether_anything_is_stale(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert generate.main(["--check"]) == 0
    monkeypatch.setattr(generate, "fingerprint", lambda artefact: "0" * 64)
    assert generate.main(["--check"]) == 1
    assert "stale: wmdsl/_generated/lexer.py" in capsys.readouterr().out


def test_the_command_writes_valid_modules_the_same_way_every_time(tmp_path: Path) -> None:
    outputs = []
    for run in ("first", "second"):
        done = subprocess.run(
            [sys.executable, "-m", "wmdsl.generate", "--out", str(tmp_path / run)],
            capture_output=True,
            text=True,
            check=True,
        )
        assert "wrote" in done.stdout
        outputs.append({p.name: p.read_bytes() for p in sorted((tmp_path / run).iterdir())})
    assert outputs[0] == outputs[1]
    assert set(outputs[0]) == {artefact.name for artefact in generate.ARTEFACTS}
    for artefact in generate.ARTEFACTS:
        text = outputs[0][artefact.name].decode("utf-8")
        ast.parse(text)
        assert generate.recorded(tmp_path / "first" / artefact.name) == generate.fingerprint(artefact)


def test_the_generated_modules_import_without_their_generators() -> None:
    # Generating needs lark; using what was generated must not.
    code = (
        "import sys, importlib\n"
        "from wmdsl import generate\n"
        "for a in generate.ARTEFACTS:\n"
        "    importlib.import_module('wmdsl._generated.' + a.name.removesuffix('.py'))\n"
        "print(sorted(m for m in sys.modules if m == 'lark' or m.endswith('lexgen')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    assert importlib.import_module("wmdsl._generated").__doc__
