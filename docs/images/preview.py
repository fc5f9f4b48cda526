"""A screenshot of the live preview (`wmdsl serve`) of ``examples/procurement.wm``, for ``docs/views.md``.

Run from anywhere, with wmdsl importable, Selenium (the dev extra) and
Debian's chromium and chromium-driver installed::

    python docs/images/preview.py

The example and the shared people and lanes it imports are copied to a
scratch folder with a configuration of the ``strict`` preset (so the page
lists a few findings), served on the loopback interface as ``wmdsl serve``
serves them, and shown in headless Chromium at 1400×900; the first finding is
clicked, so its element is highlighted in the diagram. The file is
``preview.png`` next to this script.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent.parent / "examples"
SHOT = HERE / "preview.png"
SIZE = (1400, 900)


def main() -> int:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from wmdsl.serve.server import PreviewServer
    from wmdsl.serve.state import Preview

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if browser is None or not os.path.exists(driver_path):
        print("preview.py: Chromium and its driver (chromium-driver) are needed", file=sys.stderr)
        return 1
    cwd = Path.cwd()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        shutil.copy(EXAMPLES / "procurement.wm", folder / "procurement.wm")
        shutil.copytree(EXAMPLES / "org", folder / "org")
        (folder / "wmdsl.toml").write_text('preset = "strict"\n', encoding="utf-8")
        os.chdir(folder)  # the page names the spec as it is given
        try:
            preview = Preview(["procurement.wm"])
            preview.refresh()
            server = PreviewServer(preview, port=0, title="procurement.wm")
            server.start()
            options = webdriver.ChromeOptions()
            for argument in (
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--force-device-scale-factor=1",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--window-size={SIZE[0]},{SIZE[1]}",
                f"--user-data-dir={folder / 'profile'}",
            ):
                options.add_argument(argument)
            options.binary_location = browser
            driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
            try:
                driver.get(server.url)
                wait = WebDriverWait(driver, 20)
                wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#diagram svg g.node"))
                findings = driver.find_elements(By.CSS_SELECTOR, "#findings li")
                if findings:
                    findings[0].click()
                time.sleep(0.5)  # the highlight's transition
                driver.save_screenshot(str(SHOT))
            finally:
                driver.quit()
                server.stop()
        finally:
            os.chdir(cwd)
    print(f"{SHOT.relative_to(HERE.parent.parent)}: the live preview, {SIZE[0]}×{SIZE[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
