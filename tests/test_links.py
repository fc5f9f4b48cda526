"""Links to the documentation site: one constant, moved by `docs-url` or WMDSL_DOCS_URL.

SARIF's helpUri and `wmdsl rules --json` point at each code's page; the
language server's links are tested in test_lsp.py, and that the pages exist
on the built site in test_site.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from wmdsl import SCHEMA_VERSION, api
from wmdsl.cli import cli
from wmdsl.diagnostics import codes
from wmdsl.links import DOCS_URL, DOCS_URL_ENV, DocsUrlError, checked_docs_url, code_url, docs_url, schema_id
from wmdsl.output.sarif import sarif_document

ROOT = Path(__file__).resolve().parent.parent
BROKEN = ROOT / "examples" / "broken"


def _helps(report: api.Report) -> dict[str, str]:
    driver = sarif_document(report)["runs"][0]["tool"]["driver"]
    return {rule["id"]: rule["helpUri"] for rule in driver["rules"]}


def test_every_code_has_a_page_on_the_project_site() -> None:
    assert DOCS_URL.startswith("https://")
    assert DOCS_URL.endswith("/")
    for entry in codes.all_codes():
        url = code_url(entry.code, DOCS_URL)
        if entry.code.startswith("SYN"):
            assert url == f"{DOCS_URL}language/#53-codes"
        else:
            assert url == f"{DOCS_URL}rules/{entry.code}/"


@pytest.mark.parametrize(
    ("given", "base"),
    [
        ("https://docs.example.org/wmdsl", "https://docs.example.org/wmdsl/"),
        ("http://intranet:8080/", "http://intranet:8080/"),
        ("  https://example.org/a/b/  ", "https://example.org/a/b/"),
    ],
)
def test_a_site_url_is_a_base_ending_in_a_slash(given: str, base: str) -> None:
    assert checked_docs_url(given, "docs-url") == base


@pytest.mark.parametrize(
    "given",
    [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,hi",
        "//example.org/docs",
        "https://",
        "https://exa mple.org/",
        "https://example.org/\x1b[31m",
        "https://example.org/?q=1",
        "https://example.org/#top",
        "",
        42,
    ],
)
def test_only_plain_web_addresses_are_taken(given: object) -> None:
    with pytest.raises(DocsUrlError, match=r"^docs-url: "):
        checked_docs_url(given, "docs-url")


def test_the_environment_wins_over_the_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DOCS_URL_ENV, raising=False)
    assert docs_url() == DOCS_URL
    assert docs_url("https://mine.example/") == "https://mine.example/"
    monkeypatch.setenv(DOCS_URL_ENV, "https://ci.example/docs")
    assert docs_url("https://mine.example/") == "https://ci.example/docs/"
    monkeypatch.setenv(DOCS_URL_ENV, "javascript:alert(1)")
    with pytest.raises(DocsUrlError, match=DOCS_URL_ENV):
        docs_url()


def test_sarif_links_follow_the_configuration_and_the_environment(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(DOCS_URL_ENV, raising=False)
    spec = project / "trap.wm"
    spec.write_text((BROKEN / "FLW003-trap-loop.wm").read_text(encoding="utf-8"), encoding="utf-8")
    assert _helps(api.check([spec]))["FLW003"] == f"{DOCS_URL}rules/FLW003/"
    config = project / "wmdsl.toml"
    config.write_text(config.read_text(encoding="utf-8") + 'docs-url = "https://intranet.example/wmdsl"\n')
    report = api.check([spec])
    assert _helps(report)["FLW003"] == "https://intranet.example/wmdsl/rules/FLW003/"
    assert _helps(report)["SYN001"] == "https://intranet.example/wmdsl/language/#53-codes"
    driver = sarif_document(report)["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == "https://intranet.example/wmdsl/"
    monkeypatch.setenv(DOCS_URL_ENV, "https://ci.example/")
    assert _helps(api.check([spec]))["FLW003"] == "https://ci.example/rules/FLW003/"


def test_a_wrong_docs_url_stops_the_run_and_says_where(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(DOCS_URL_ENV, raising=False)
    (project / "a.wm").write_text("", encoding="utf-8")
    (project / "wmdsl.toml").write_text('docs-url = "javascript:alert(1)"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "a.wm"])
    assert result.exit_code == 2
    assert "wmdsl.toml: docs-url: expected an http:// or https:// URL with a host" in result.output
    assert "Traceback" not in result.output


def test_show_settings_and_rules_json_name_the_site(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DOCS_URL_ENV, "https://ci.example/docs/")
    (project / "a.wm").write_text("", encoding="utf-8")
    shown = CliRunner().invoke(cli, ["check", "a.wm", "--show-settings"])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["docs-url"] == "https://ci.example/docs/"
    listed = CliRunner().invoke(cli, ["rules", "--json"])
    assert listed.exit_code == 0, listed.output
    urls = {rule["code"]: rule["url"] for rule in json.loads(listed.output)}
    assert urls["FLW003"] == "https://ci.example/docs/rules/FLW003/"
    monkeypatch.setenv(DOCS_URL_ENV, "ftp://ci.example/")
    refused = CliRunner().invoke(cli, ["rules", "--json"])
    assert refused.exit_code == 2
    assert "WMDSL_DOCS_URL: expected an http:// or https:// URL" in refused.output


def test_the_schema_names_its_version_on_the_project_site() -> None:
    schema = api.json_schema()
    assert schema["$id"] == schema_id() == f"{DOCS_URL}schema/{SCHEMA_VERSION}/document.json"
