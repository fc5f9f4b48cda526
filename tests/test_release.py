"""What a release states: its license, its changelog, its version numbers, and the docs that quote them."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from click.testing import CliRunner

from wmdsl import LANGUAGE_VERSION, SCHEMA_VERSION, __version__, api
from wmdsl.cli import cli
from wmdsl.project.settings import Overrides

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
VERSION_LINE = f"wmdsl {__version__} (language {LANGUAGE_VERSION}, JSON Schema {SCHEMA_VERSION})"
# Keep a Changelog's kinds of change, in its order.
KINDS = ["Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"]


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_the_license_is_the_mit_license_pyproject_names() -> None:
    project = tomllib.loads(_read(ROOT / "pyproject.toml"))["project"]
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
    assert "version" in project["dynamic"]
    text = _read(ROOT / "LICENSE")
    assert text.startswith("MIT License\n\nCopyright (c) ")
    assert " the wmdsl authors\n" in text.splitlines(keepends=True)[2]
    assert 'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND' in text


def test_the_versions_are_numbers_of_their_kind() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)
    assert re.fullmatch(r"\d+\.\d+", LANGUAGE_VERSION)
    assert re.fullmatch(r"\d+\.\d+", SCHEMA_VERSION)
    result = CliRunner().invoke(cli, ["--version"])
    assert result.output == VERSION_LINE + "\n"
    # The language reference's title names the language's major version.
    title = _read(DOCS / "language.md").splitlines()[0]
    assert title == f"# The wmdsl language (v{LANGUAGE_VERSION.split('.')[0]})"


def test_the_changelog_keeps_a_changelog() -> None:
    text = _read(ROOT / "CHANGELOG.md")
    releases = re.findall(r"^## \[([^\]]+)\](.*)$", text, re.MULTILINE)
    assert releases[0] == ("Unreleased", "")
    assert all(re.fullmatch(r" - \d{4}-\d{2}-\d{2}", date) for _, date in releases[1:])
    numbers = [name for name, _ in releases[1:]]
    assert numbers[-1] == "0.1.0"
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", n) for n in numbers)
    assert numbers == sorted(numbers, key=lambda n: tuple(map(int, n.split("."))), reverse=True)
    # The released version is the package's, or the package's is the next one.
    assert __version__ in numbers or "## [Unreleased]" in text
    for section in re.split(r"^## ", text, flags=re.MULTILINE)[1:]:
        kinds = re.findall(r"^### (.+)$", section, re.MULTILINE)
        assert kinds, section[:40]
        assert all(kind in KINDS for kind in kinds), kinds
        assert kinds == sorted(kinds, key=KINDS.index), kinds
    # The newest section says which language and schema it speaks.
    unreleased = text.split("## [Unreleased]", 1)[1].split("\n## ", 1)[0]
    assert f"Language {LANGUAGE_VERSION} and JSON Schema {SCHEMA_VERSION}" in unreleased


def test_the_docs_quote_the_version_line_wmdsl_prints() -> None:
    for page in ("getting-started.md", "versioning.md"):
        text = _read(DOCS / page)
        quoted = re.findall(r"^\$ wmdsl --version\n(.*)$", text, re.MULTILINE)
        assert quoted == [VERSION_LINE], page


def test_the_versioning_policy_covers_what_a_release_may_change() -> None:
    text = _read(DOCS / "versioning.md")
    for subject in ("language", "diagnostic codes", "JSON Schema", "exit statuses", "report formats"):
        assert f"| **{subject}** |" in text, subject
    assert "LANGUAGE_VERSION" in text
    assert "SCHEMA_VERSION" in text


def test_the_first_spec_of_getting_started_checks_clean_under_the_default_rules(tmp_path: Path) -> None:
    text = _read(DOCS / "getting-started.md")
    (spec,) = re.findall(r"^```wm\n(.*?)^```", text, re.DOTALL | re.MULTILINE)
    path = tmp_path / "intake.wm"
    path.write_text(spec, encoding="utf-8")
    report = api.check([path], overrides=Overrides(isolated=True))
    assert report.diagnostics == []
    assert "All clear: 1 file checked, no findings." in text


def test_the_scorecard_picture_in_the_docs_is_the_examples() -> None:
    # The same bytes as the golden of `wmdsl score procurement.wm --format svg`, which
    # `python -m tests.goldens` makes again: copy it over when it changes.
    golden = (ROOT / "tests" / "scores" / "procurement.procurement.svg").read_bytes()
    assert (DOCS / "images" / "scorecard-procurement.svg").read_bytes() == golden, (
        "cp tests/scores/procurement.procurement.svg docs/images/scorecard-procurement.svg"
    )
