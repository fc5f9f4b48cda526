"""A page's verdict from headless Chromium: the browser tests that measure drawings share this.

Each test writes an HTML page whose script measures what the browser drew and
writes its findings, as JSON, into ``<pre id="verdict">``; Chromium runs the
page once (``--dump-dom``, no WebDriver) and the verdict is read back.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")


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
