"""The editor packages in ``editors/``: the TextMate grammar and the VS Code extension.

The grammar is generated from the keyword tables (``editors/generate.py``), so
these tests check that the committed copies are what the script writes, that its
scope tests (``editors/tests/*.test.wm``, run by ``vscode-tmgrammar-test``) pass,
and that the extension's manifest points at files that exist.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from wmdsl import __version__
from wmdsl.resolve.resolver import ALL_KEYWORDS

ROOT = Path(__file__).resolve().parent.parent
EDITORS = ROOT / "editors"
VSCODE = EDITORS / "vscode"
GRAMMAR = EDITORS / "wmdsl.tmLanguage.json"
SCOPE_TESTS = sorted((EDITORS / "tests").glob("*.test.wm"))


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("editors_generate", EDITORS / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def test_committed_grammars_are_what_the_generator_writes() -> None:
    generate = _generator()
    expected = generate.render()
    assert [path.relative_to(ROOT).as_posix() for path in generate.OUTPUTS] == [
        "editors/wmdsl.tmLanguage.json",
        "editors/vscode/syntaxes/wmdsl.tmLanguage.json",
    ]
    for path in generate.OUTPUTS:
        assert path.read_text(encoding="utf-8") == expected, (
            f"{path} is stale: run python editors/generate.py"
        )
    assert generate.main(["--check"]) == 0


def test_generator_check_reports_a_stale_copy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    generate = _generator()
    stale = tmp_path / "wmdsl.tmLanguage.json"
    stale.write_text("{}\n", encoding="utf-8")
    generate.OUTPUTS = (stale,)
    generate.HERE = tmp_path / "editors"  # where the message's relative path starts
    stale_check = generate.main(["--check"])
    assert stale_check == 1
    assert "is stale: run python editors/generate.py" in capsys.readouterr().err
    assert stale.read_text(encoding="utf-8") == "{}\n"  # --check writes nothing
    assert generate.main([]) == 0
    assert stale.read_text(encoding="utf-8") == generate.render()


def test_grammar_names_every_keyword_of_the_language() -> None:
    grammar = _json(GRAMMAR)
    assert grammar["scopeName"] == "source.wmdsl"
    assert grammar["fileTypes"] == ["wm"]
    begins = " ".join(
        rule["begin"] for rule in grammar["repository"].values() if isinstance(rule, dict) and "begin" in rule
    )
    alternatives = set(re.findall(r"\\b\(([a-z|]+)\)", begins))
    named = {word for group in alternatives for word in group.split("|")}
    assert named == set(ALL_KEYWORDS)


def test_scope_tests_use_every_keyword() -> None:
    # Each keyword is written at the start of a statement in a scope test, so
    # the assertions cover what the generator makes of it.
    source = [
        line
        for path in SCOPE_TESTS
        for line in path.read_text(encoding="utf-8").splitlines()[1:]
        if not re.match(r"#\s*(\^|<-)", line)
    ]
    assert len(SCOPE_TESTS) >= 4
    untested = [
        keyword
        for keyword in sorted(ALL_KEYWORDS)
        if not any(re.search(rf"(?:^|[{{;])\s*{keyword}\b(?!-)", line) for line in source)
    ]
    assert untested == []


def _npm_missing() -> str | None:
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    return f"{' and '.join(missing)} not installed (.ci/run installs them)" if missing else None


def _installed(folder: Path, binary: str) -> Path:
    """``npm ci`` in ``folder`` unless done, from its committed package-lock.json."""
    path = folder / "node_modules" / ".bin" / binary
    if not path.exists():
        npm = shutil.which("npm")
        assert npm is not None
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    assert path.exists()
    return path


def test_grammar_scope_tests_pass() -> None:
    reason = _npm_missing()
    if reason:
        pytest.skip(reason)
    tester = _installed(EDITORS, "vscode-tmgrammar-test")
    done = subprocess.run(
        [str(tester), "--grammar", str(GRAMMAR), *(str(path) for path in SCOPE_TESTS)],
        cwd=EDITORS,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("run successfuly") == len(SCOPE_TESTS), done.stdout


def test_grammar_scope_tests_fail_on_a_wrong_scope(tmp_path: Path) -> None:
    # The same run on a grammar that names one kind of token differently fails:
    # the assertions are read, and a mismatch is reported.
    reason = _npm_missing()
    if reason:
        pytest.skip(reason)
    tester = _installed(EDITORS, "vscode-tmgrammar-test")
    wrong = tmp_path / "wrong.tmLanguage.json"
    wrong.write_text(GRAMMAR.read_text(encoding="utf-8").replace("keyword.operator.arrow", "x.arrow"))
    done = subprocess.run(
        [str(tester), "--grammar", str(wrong), str(EDITORS / "tests" / "handoffs.test.wm")],
        cwd=EDITORS,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode != 0
    assert "missing required scopes: keyword.operator.arrow.wmdsl" in done.stdout


# -- the VS Code extension ---------------------------------------------------


def test_extension_manifest_points_at_files_that_exist() -> None:
    manifest = _json(VSCODE / "package.json")
    assert (VSCODE / manifest["main"]).is_file()
    (language,) = manifest["contributes"]["languages"]
    assert language["id"] == "wmdsl"
    assert language["extensions"] == [".wm"]
    assert (VSCODE / language["configuration"]).is_file()
    (grammar,) = manifest["contributes"]["grammars"]
    assert grammar["language"] == "wmdsl"
    assert grammar["scopeName"] == "source.wmdsl"
    path = VSCODE / grammar["path"]
    assert path.is_file()
    assert _json(path)["scopeName"] == "source.wmdsl"
    assert path.read_text(encoding="utf-8") == GRAMMAR.read_text(encoding="utf-8")
    for file in ("README.md", "LICENSE.txt", ".vscodeignore", "package-lock.json"):
        assert (VSCODE / file).is_file(), file


def test_extension_manifest_settings_and_versions() -> None:
    manifest = _json(VSCODE / "package.json")
    setting = manifest["contributes"]["configuration"]["properties"]["wmdsl.server.path"]
    assert setting["type"] == "string"
    assert setting["default"] == "wmdsl"
    # A workspace that is not trusted cannot choose the command that is run.
    restricted = manifest["capabilities"]["untrustedWorkspaces"]["restrictedConfigurations"]
    assert restricted == ["wmdsl.server.path"]
    assert "onLanguage:wmdsl" in manifest["activationEvents"]
    assert "vscode-languageclient" in manifest["dependencies"]
    assert manifest["version"] == __version__
    lock = _json(VSCODE / "package-lock.json")
    assert lock["packages"][""]["dependencies"] == manifest["dependencies"]
    assert lock["packages"][""]["devDependencies"] == manifest["devDependencies"]
    editors_lock = _json(EDITORS / "package-lock.json")
    assert (
        editors_lock["packages"][""]["devDependencies"] == _json(EDITORS / "package.json")["devDependencies"]
    )


def test_language_configuration() -> None:
    config = _json(VSCODE / "language-configuration.json")
    assert config["comments"] == {"lineComment": "#"}
    assert config["brackets"] == [["{", "}"]]
    pairs = {(pair["open"], pair["close"]) for pair in config["autoClosingPairs"]}
    assert pairs == {("{", "}"), ('"', '"')}
    increase = re.compile(config["indentationRules"]["increaseIndentPattern"])
    decrease = re.compile(config["indentationRules"]["decreaseIndentPattern"])
    assert increase.search('  stage build "Build" in eng {')
    assert increase.search("lane eng { # the team")
    assert not increase.search('lane eng "Engineering" { owner @ana }')
    assert not increase.search("  owner @ana  # {")
    assert decrease.search("  }")
    assert not decrease.search("  owner @ana")
    word = re.compile(config["wordPattern"])
    for text in ("@dana.ruiz", "orphaned-lane", "lead_time", "85%", "1.5d"):
        found = word.search(f" {text} ")
        assert found is not None
        assert found.group(0) == text


def test_client_starts_the_configured_server(tmp_path: Path) -> None:
    # The client is loaded with stand-ins for the `vscode` and
    # `vscode-languageclient` modules, which record what it asks of them.
    if shutil.which("node") is None:
        pytest.skip("node not installed (.ci/run installs it)")
    script = EDITORS / "tests" / "client.test.js"
    done = subprocess.run(
        ["node", str(script), str(VSCODE / "extension.js")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().endswith("client ok"), done.stdout


def test_ci_installs_and_runs_the_editor_packages() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "npm ci --prefix editors " in ci
    assert "npm ci --prefix editors/vscode " in ci
    assert "vsce package" in ci
    assert "npm test --prefix editors" in ci
    assert "*.vsix" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
