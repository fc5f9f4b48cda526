"""Headless Chromium for the browser tests: a page's verdict, or a browser to drive.

Tests that measure drawings write an HTML page whose script measures what the
browser drew and writes its findings, as JSON, into ``<pre id="verdict">``;
Chromium runs the page once (``--dump-dom``, no WebDriver) and
:func:`page_verdict` reads the verdict back. Tests that click and wait drive
Debian's Chromium through its ``chromedriver`` with Selenium
(:func:`chromium_driver`); no driver or browser is ever downloaded.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver") or (
    "/usr/bin/chromedriver" if os.path.exists("/usr/bin/chromedriver") else None
)


def page_verdict(page: Path, profile: Path) -> dict[str, Any]:
    """Open ``page`` in headless Chromium (with its own ``profile`` folder) and return its verdict."""
    assert BROWSER is not None
    done = subprocess.run(
        [
            BROWSER,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=300,
        check=True,
    )
    found = re.search(r'<pre id="verdict">(.*?)</pre>', done.stdout.decode("utf-8"), re.S)
    assert found, f"no verdict in the page: {done.stderr.decode(errors='replace')[-2000:]}"
    result: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    return result


def chromium_driver(profile: Path, width: int, height: int) -> Any:
    """A headless Chromium of ``width`` × ``height`` driven by Selenium, its console logged; or a skip."""
    webdriver = pytest.importorskip("selenium.webdriver", reason="Selenium is not installed")
    if DRIVER is None or BROWSER is None:
        pytest.skip("Chromium or its driver (Debian's chromium-driver) is not installed")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--window-size={width},{height}",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(argument)
    options.binary_location = BROWSER
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
    driver.set_page_load_timeout(30)
    return driver
