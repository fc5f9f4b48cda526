"""Screenshots of the views of ``examples/procurement.wm``, for the README and ``docs/views.md``.

Run from anywhere, with wmdsl importable and Chromium installed::

    python docs/images/generate.py

Every view of the example is rendered to SVG in the light theme, and the
``flow`` view in the dark theme too; headless Chromium takes a screenshot of
each, in a window as large as the picture (pictures wider than
:data:`MAX_WIDTH` pixels are scaled down to it). The files are
``view-<name>.png`` next to this script, a lane's view ``lane:NAME`` being
``view-lane-NAME.png`` and the dark flow view ``view-flow-dark.png``;
screenshots of views the example no longer has are removed.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE.parent.parent / "examples" / "procurement.wm"
MAX_WIDTH = 2000  # px


def file_name(view: str, theme: str = "light") -> str:
    """The screenshot's file name: ``view-flow.png``, ``view-lane-legal.png``, ``view-flow-dark.png``."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", view)
    return f"view-{stem}{'' if theme == 'light' else '-' + theme}.png"


def shots(views: list[str]) -> list[tuple[str, str]]:
    """The (view, theme) pairs drawn: every view in the light theme, and the flow view in the dark."""
    return [(view, "light") for view in views] + [("flow", "dark")]


def _page(svg: str) -> tuple[str, int, int]:
    """An HTML page showing ``svg`` at its size (scaled down to :data:`MAX_WIDTH`), and that size."""
    found = re.search(r'<svg[^>]* width="(\d+)" height="(\d+)"', svg)
    assert found, "the SVG says no size"
    width, height = int(found.group(1)), int(found.group(2))
    if width > MAX_WIDTH:
        width, height = MAX_WIDTH, math.ceil(height * MAX_WIDTH / width)
    svg = re.sub(r"\A<\?xml[^>]*\?>\s*", "", svg)  # HTML has no XML declaration
    page = (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f"<style>html,body{{margin:0;overflow:hidden}} svg{{display:block;width:{width}px;"
        f"height:{height}px}}</style></head><body>{svg}</body></html>"
    )
    return page, width, height


def _screenshot(browser: str, page: Path, shot: Path, width: int, height: int, profile: Path) -> None:
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            f"--screenshot={shot}",
            f"--window-size={width},{height}",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )


def main() -> int:
    from wmdsl import api
    from wmdsl.views import render_view, view_names

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        print("generate.py: Chromium is not installed", file=sys.stderr)
        return 1
    cwd = Path.cwd()
    os.chdir(EXAMPLE.parent)  # the decisions view names the file as it is given
    try:
        document = api.load(EXAMPLE.name)
    finally:
        os.chdir(cwd)
    wanted = shots(view_names(document))
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for view, theme in wanted:
            page, width, height = _page(render_view(document, view, theme=theme))
            html = folder / "view.html"
            html.write_text(page, encoding="utf-8")
            shot = HERE / file_name(view, theme)
            _screenshot(browser, html, shot, width, height, folder / "profile")
            print(f"{shot.relative_to(HERE.parent.parent)}: {view} ({theme}), {width}×{height}")
    keep = {file_name(view, theme) for view, theme in wanted}
    for old in HERE.glob("view-*.png"):
        if old.name not in keep:
            old.unlink()
            print(f"removed {old.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
