"""The documentation site: built as CI builds it, every link checked, and followed in Chromium.

`mkdocs build --strict` (mkdocs.yml, docs/hooks.py) must build without a
warning; docs/check_links.py must find every internal link and anchor of the
HTML it wrote; every code's page must be there; and a SARIF `helpUri`,
mapped onto the local build, must open the right rule page in a real browser.
Skipped where MkDocs (the `docs` extra) is not installed; the browser test
also where Selenium, Chromium or its driver is missing (`.ci/run` installs
them all).
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.browser import chromium_driver
from wmdsl import SCHEMA_VERSION, api
from wmdsl.diagnostics import codes
from wmdsl.links import DOCS_URL, DOCS_URL_ENV, code_url
from wmdsl.output.sarif import sarif_document

pytest.importorskip("mkdocs", reason="MkDocs is not installed (pip install '.[docs]')")
pytest.importorskip("material", reason="Material for MkDocs is not installed (pip install '.[docs]')")

ROOT = Path(__file__).resolve().parent.parent


def _checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_links", ROOT / "docs" / "check_links.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check_links = _checker()


def build(site: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` of this repository into ``site``, as CI runs it."""
    environment = {k: v for k, v in os.environ.items() if k != DOCS_URL_ENV}
    environment.update(NO_MKDOCS_2_WARNING="1", **env)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(ROOT / "mkdocs.yml"),
            "-d",
            str(site),
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
        timeout=600,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("site") / "site"
    done = build(folder)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "WARNING" not in done.stderr
    return folder


def _page(site: Path, url: str) -> Path:
    """The file of the built site that ``url`` (under :data:`DOCS_URL`) names."""
    assert url.startswith(DOCS_URL)
    path = url[len(DOCS_URL) :].partition("#")[0]
    return site / path / "index.html" if path.endswith("/") or not path else site / path


def test_every_link_and_anchor_of_the_site_resolves(site: Path) -> None:
    assert check_links.broken_links(site, DOCS_URL) == []
    done = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "check_links.py"), str(site), DOCS_URL],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout
    assert done.stdout.startswith("0 broken links in ")


def test_the_link_checker_finds_missing_pages_and_anchors(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text(
        '<h1 id="top">x</h1><a href="a/">ok</a><a href="#top">ok</a><a href="a/#there">ok</a>'
        '<a href="https://elsewhere.example/x">not checked</a><a href="b/">missing</a>'
        '<a href="a/#nowhere">bad anchor</a><img src="pic.png"><a href="../../etc/">out</a>'
        '<a href="https://site.example/docs/a/">own site</a>'
        '<a href="https://site.example/docs/c/">own, gone</a>',
        encoding="utf-8",
    )
    (tmp_path / "a" / "index.html").write_text('<p id="there"><a href="../">up</a></p>', encoding="utf-8")
    found = check_links.broken_links(tmp_path, "https://site.example/docs/")
    assert found == [
        "index.html: b/: no such page or file",
        "index.html: a/#nowhere: no anchor #nowhere on that page",
        "index.html: pic.png: no such page or file",
        "index.html: ../../etc/: no such page or file",
        "index.html: https://site.example/docs/c/: no such page or file",
    ]


def test_every_code_has_its_page_on_the_site(site: Path) -> None:
    for entry in codes.all_codes():
        url = code_url(entry.code, DOCS_URL)
        page = _page(site, url)
        assert page.is_file(), url
        fragment = url.partition("#")[2]
        text = page.read_text(encoding="utf-8")
        if fragment:
            assert f'id="{fragment}"' in text, url
            assert f"<code>{entry.code}</code>" in text, url
        else:
            assert f'>{entry.code} <code>{entry.name}</code><a class="headerlink"' in text, url


def test_the_site_has_the_guides_the_rule_pages_and_search(site: Path) -> None:
    for guide in (
        "getting-started",
        "language",
        "configuration",
        "ci",
        "editors",
        "views",
        "performance",
        "versioning",
        "changelog",
        "rules",
    ):
        assert (site / guide / "index.html").is_file(), guide
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "A compiler and linter for workflow architecture" in home
    # The README's links to docs/ lead to the site's pages, and its screenshot is shown.
    assert 'href="views/"' in home
    assert 'src="images/view-flow.png"' in home
    assert (site / "images" / "view-flow.png").read_bytes() == (
        ROOT / "docs/images/view-flow.png"
    ).read_bytes()
    rules = sorted(p.stem for p in (ROOT / "rules").glob("*.md") if p.stem != "README")
    assert rules
    assert {p.parent.name for p in (site / "rules").glob("*/index.html")} == set(rules)
    for code in rules:  # in the navigation of every page
        assert f'href="rules/{code}/"' in home
    views = (site / "views" / "index.html").read_text(encoding="utf-8")
    assert 'src="../images/view-decisions.png"' in views
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert any("trap-loop" in doc["title"] for doc in index["docs"])
    # Links to files the site has no page for go to the repository.
    performance = (site / "performance" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://github.com/wmdsl/wmdsl/blob/main/bench/README.md"' in performance
    assert not list(site.rglob("*.py"))


def test_the_site_publishes_the_json_schema_of_its_version(site: Path) -> None:
    published = json.loads((site / "schema" / SCHEMA_VERSION / "document.json").read_text(encoding="utf-8"))
    assert published == api.json_schema()
    assert _page(site, published["$id"]).is_file()


def test_a_site_built_for_another_address_links_to_it(tmp_path: Path) -> None:
    done = build(tmp_path / "site", **{DOCS_URL_ENV: "https://intranet.example/wmdsl/"})
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "site" / "rules" / "FLW003" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://intranet.example/wmdsl/rules/FLW003/">' in page


# -- in a browser --------------------------------------------------------------


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    """The built site on a loopback port, as a web server would serve it."""
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # the test's output stays readable
        pass


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    driver = chromium_driver(tmp_path_factory.mktemp("chromium-profile"), 1280, 900)
    try:
        yield driver
    finally:
        driver.quit()


def _help_uris(spec: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The helpUri of each code the SARIF report of ``spec`` reports, as CI would upload it."""
    monkeypatch.delenv(DOCS_URL_ENV, raising=False)
    document = sarif_document(api.check([spec]))
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    return {result["ruleId"]: rules[result["ruleIndex"]]["helpUri"] for result in run["results"]}


def test_a_sarif_help_link_opens_the_rule_page_in_chromium(
    site: Path, served: str, browser: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from selenium.webdriver.common.by import By

    links = _help_uris(ROOT / "examples" / "broken" / "FLW003-trap-loop.wm", monkeypatch)
    help_uri = links["FLW003"]
    assert help_uri == f"{DOCS_URL}rules/FLW003/"
    browser.get(served + help_uri.removeprefix(DOCS_URL))
    heading = browser.find_element(By.CSS_SELECTOR, "article h1")
    assert heading.text.startswith("FLW003 trap-loop")
    assert browser.title.startswith("FLW003")
    sections = [h.text.strip("¶ \n") for h in browser.find_elements(By.CSS_SELECTOR, "article h2")]
    assert sections[:4] == ["What it checks", "Why it matters", "Bad example", "Better"]
    # The page is the one generated from the registry, as `wmdsl rule` prints it.
    generated = (ROOT / "rules" / "FLW003.md").read_text(encoding="utf-8")
    summary = generated.split("## What it checks\n\n", 1)[1].split("\n", 1)[0]
    assert summary in browser.find_element(By.CSS_SELECTOR, "article").text
    # Its navigation leads on to the other rules: follow one.
    browser.find_element(By.CSS_SELECTOR, 'nav a[href$="FLW004/"]').click()
    assert browser.find_element(By.CSS_SELECTOR, "article h1").text.startswith("FLW004")


def test_a_language_error_link_opens_the_table_of_codes(
    site: Path, served: str, browser: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from selenium.webdriver.common.by import By

    links = _help_uris(ROOT / "examples" / "broken" / "SYN002-unknown-name.wm", monkeypatch)
    browser.get(served + links["SYN002"].removeprefix(DOCS_URL))
    target = browser.find_element(By.ID, "53-codes")
    assert target.text.strip("¶ \n") == "5.3 Codes"
    # The browser scrolled to the table: its heading is in view.
    top = browser.execute_script("return arguments[0].getBoundingClientRect().top", target)
    assert 0 <= top < 300
    assert "SYN002" in browser.find_element(By.CSS_SELECTOR, "article").text
