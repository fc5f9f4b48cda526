"""`wmdsl serve` in a real browser: Debian's Chromium driven by Selenium through its `chromium-driver`.

Each test serves a copy of an example, changes the files on disk as an
editor would, and looks at what the page shows. Skipped where Selenium,
Chromium or its driver is missing (`.ci/run` installs them); the driver is
never downloaded.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import BROWSER, DRIVER, chromium_driver
from wmdsl.serve.server import PreviewServer
from wmdsl.serve.state import Preview

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

webdriver = pytest.importorskip("selenium.webdriver", reason="Selenium is not installed")
pytestmark = [
    pytest.mark.skipif(DRIVER is None, reason="chromedriver (Debian's chromium-driver) is not installed"),
    pytest.mark.skipif(BROWSER is None, reason="Chromium is not installed"),
]

CHANGE_WITHIN = 2.0  # seconds from a file written to the page showing it


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    driver = chromium_driver(tmp_path_factory.mktemp("chromium-profile"), 1400, 900)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def hiring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the hiring example and the shared people and lanes it imports."""
    shutil.copy(EXAMPLES / "hiring.wm", tmp_path / "hiring.wm")
    shutil.copytree(EXAMPLES / "org", tmp_path / "org")
    (tmp_path / "wmdsl.toml").write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "hiring.wm"


def serve(spec: Path) -> PreviewServer:
    preview = Preview([spec.name])
    preview.refresh()
    server = PreviewServer(preview, port=0)
    server.start()
    server.watch()
    return server


@pytest.fixture
def served(hiring: Path) -> Iterator[PreviewServer]:
    server = serve(hiring)
    try:
        yield server
    finally:
        server.stop()


def wait(browser: Any, condition: Any, timeout: float = 10, message: str = "") -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, timeout, poll_frequency=0.05).until(
        lambda driver: condition(driver), message
    )


def node_text(browser: Any, element: str) -> str:
    return str(
        browser.execute_script(
            "const n = [...document.querySelectorAll('#diagram svg g.node')]"
            ".find(g => g.getAttribute('data-element') === arguments[0]);"
            "return n ? n.textContent : '';",
            element,
        )
    )


def open_page(browser: Any, server: PreviewServer) -> None:
    browser.get(server.url)
    wait(browser, lambda d: d.execute_script("return document.body.dataset.generation") is not None)
    wait(browser, lambda d: "CV" in node_text(d, "hiring.screen"), message="the diagram is not drawn")
    wait(browser, lambda d: "live" in d.find_element("id", "status").text, message="no event stream")


def severe_messages(browser: Any) -> list[str]:
    return [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]


def test_an_edit_on_disk_shows_on_the_page_within_two_seconds(
    browser: Any, served: PreviewServer, hiring: Path
) -> None:
    open_page(browser, served)
    assert "CV screen" in node_text(browser, "hiring.screen")
    text = hiring.read_text(encoding="utf-8")
    started = time.monotonic()
    hiring.write_text(text.replace('"CV screen"', '"CV triage"'), encoding="utf-8")
    wait(browser, lambda d: "CV triage" in node_text(d, "hiring.screen"), CHANGE_WITHIN + 1)
    assert time.monotonic() - started < CHANGE_WITHIN
    assert severe_messages(browser) == []


def test_a_broken_spec_shows_the_banner_and_keeps_the_picture(
    browser: Any, served: PreviewServer, hiring: Path
) -> None:
    open_page(browser, served)
    good = hiring.read_text(encoding="utf-8")
    banner = browser.find_element("id", "banner")
    assert not banner.is_displayed()
    started = time.monotonic()
    hiring.write_text(
        good.replace('stage screen "CV screen" in talent {', 'stage screen "CV triage" in {'), "utf-8"
    )
    wait(browser, lambda d: d.find_element("id", "banner").is_displayed(), CHANGE_WITHIN + 1)
    assert time.monotonic() - started < CHANGE_WITHIN
    assert "do not compile" in banner.text
    assert "last picture that compiled" in banner.text
    assert "SYN" in browser.find_element("id", "banner-findings").text
    # The picture stays as it was: the change that broke the spec is not drawn.
    assert "CV screen" in node_text(browser, "hiring.screen")
    assert "broken" in (browser.find_element("tag name", "body").get_attribute("class") or "")
    findings = browser.find_elements("css selector", "#findings li.severity-error")
    assert findings
    hiring.write_text(good.replace('"CV screen"', '"CV triage"'), encoding="utf-8")
    wait(browser, lambda d: not d.find_element("id", "banner").is_displayed(), CHANGE_WITHIN + 1)
    wait(browser, lambda d: "CV triage" in node_text(d, "hiring.screen"), CHANGE_WITHIN + 1)
    assert severe_messages(browser) == []


def test_clicking_a_finding_highlights_its_element(browser: Any, hiring: Path) -> None:
    text = hiring.read_text(encoding="utf-8")
    intake = text.index('intake applications "Careers page" {')
    owner = text.index("    owner @zoe\n", intake)
    hiring.write_text(text[:owner] + text[owner + len("    owner @zoe\n") :], encoding="utf-8")
    line = text[:intake].count("\n") + 1
    server = serve(hiring)
    try:
        open_page(browser, server)
        finding = wait(browser, lambda d: d.find_element("css selector", '#findings li[data-code="CLR003"]'))
        link = finding.find_element("css selector", "a.location")
        assert link.text == f"hiring.wm:{line}"
        assert link.get_attribute("href") == f"vscode://file{hiring.resolve().as_posix()}:{line}:3"
        assert browser.find_elements("css selector", "#diagram g.node.highlight") == []
        finding.find_element("css selector", ".message").click()
        highlighted = wait(browser, lambda d: d.find_elements("css selector", "#diagram g.node.highlight"))
        assert [node.get_attribute("data-element") for node in highlighted] == ["hiring.applications"]
        assert "selected" in (finding.get_attribute("class") or "")
    finally:
        server.stop()


def _view_box(browser: Any) -> list[float]:
    value = browser.execute_script("return document.querySelector('#diagram svg').getAttribute('viewBox')")
    return [float(part) for part in str(value).split()]


def test_zoom_buttons_and_dragging_move_the_picture(browser: Any, served: PreviewServer) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    open_page(browser, served)
    home = _view_box(browser)
    browser.find_element("id", "zoom-in").click()
    zoomed = _view_box(browser)
    assert zoomed[2] < home[2]
    assert zoomed[3] < home[3]
    browser.find_element("id", "zoom-out").click()
    browser.find_element("id", "zoom-out").click()
    assert _view_box(browser)[2] > home[2]
    diagram = browser.find_element("id", "diagram")
    before = _view_box(browser)
    ActionChains(browser).move_to_element(diagram).click_and_hold().move_by_offset(
        120, 40
    ).release().perform()
    after = _view_box(browser)
    assert after[0] < before[0]
    assert after[1] < before[1]
    assert after[2:] == before[2:]
    browser.find_element("id", "zoom-fit").click()
    assert _view_box(browser) == home


def test_the_view_switcher_lists_the_views(browser: Any, served: PreviewServer) -> None:
    from selenium.webdriver.support.ui import Select

    open_page(browser, served)
    choose = Select(browser.find_element("id", "view"))
    names = [option.get_attribute("value") for option in choose.options]
    assert names == served.preview.state()["views"]
    assert names[0] == "flow"
    if len(names) > 1:
        choose.select_by_value(names[1])
        wait(browser, lambda d: d.current_url.endswith("#view=" + names[1].replace(":", "%3A")))
        wait(browser, lambda d: d.find_elements("css selector", "#diagram svg"))
    browser.find_element("id", "tab-analysis").click()
    table = wait(browser, lambda d: d.find_element("css selector", "#analysis table"))
    assert "utilisation" in browser.find_element("id", "analysis").text or "ρ" in table.text
