"""Every view of every example, measured in a real browser: no label overlaps another or leaves its box.

The SVGs of all the examples' views, in both themes, go into one HTML page
with a script that parses each (as XML, as a browser opening the file
would), lays it out and measures its texts with ``getBoundingClientRect``:
so the boxes are those of the fonts the browser really uses, not of the
widths the layout assumed. The script writes its verdict as JSON into the
page, and headless Chromium prints the page (``--dump-dom``): one browser
run for every picture, and no WebDriver.

What is checked, for each picture:

* no two ``<text>`` elements' boxes overlap, anywhere in the picture;
* every text of a node lies inside the box of the node's outline (its
  first element of class ``shape``), and every text of a band's header
  inside the header's rectangle;
* every text lies inside the picture, and no two nodes' outlines overlap;
* the ``flow`` view is at most three times as wide as it is high.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.browser import BROWSER, page_verdict
from tests.test_views import EXAMPLE_VIEWS, EXAMPLES, load_example
from wmdsl.views import THEMES, render_view

pytestmark = pytest.mark.skipif(BROWSER is None, reason="Chromium is not installed")

MAX_ASPECT = 3.0  # width over height of the flow view
TOLERANCE = 0.5  # px: what two boxes may share, or a text may stand out of its box, for rounding


CASES = [(name, view, theme) for name, view in EXAMPLE_VIEWS for theme in THEMES]

# Runs in the page: parses each SVG as XML, measures it, and writes the verdict into <pre id="verdict">.
SCRIPT = r"""
const TOLERANCE = %(tolerance)s;
const cases = JSON.parse(document.getElementById("cases").textContent);
const stage = document.getElementById("stage");
const verdict = {};

function box(element, origin) {
  const r = element.getBoundingClientRect();
  return {x: r.left - origin.left, y: r.top - origin.top, right: r.right - origin.left,
          bottom: r.bottom - origin.top};
}
function round(b) {
  return [b.x, b.y, b.right, b.bottom].map(v => Math.round(v * 10) / 10);
}
function shared(a, b) {
  const w = Math.min(a.right, b.right) - Math.max(a.x, b.x);
  const h = Math.min(a.bottom, b.bottom) - Math.max(a.y, b.y);
  return w > TOLERANCE && h > TOLERANCE;
}
function inside(inner, outer) {
  return inner.x >= outer.x - TOLERANCE && inner.right <= outer.right + TOLERANCE
      && inner.y >= outer.y - TOLERANCE && inner.bottom <= outer.bottom + TOLERANCE;
}
function where(text) {
  const node = text.closest("g.node");
  if (node) return "node " + (node.getAttribute("data-element") || node.getAttribute("data-kind"));
  const band = text.closest("g.band");
  if (band) return "band " + band.getAttribute("data-band");
  if (text.closest("g.legend")) return "legend";
  return text.getAttribute("class") || "text";
}
function describe(text, b) {
  return {text: text.textContent, where: where(text), box: round(b)};
}

for (const [key, source] of Object.entries(cases)) {
  const problems = [];
  const parsed = new DOMParser().parseFromString(source, "image/svg+xml");
  const root = parsed.documentElement;
  if (root.localName !== "svg" || parsed.getElementsByTagName("parsererror").length) {
    verdict[key] = {problems: [{kind: "not well-formed", detail: source.slice(0, 200)}]};
    continue;
  }
  const svg = document.importNode(root, true);
  stage.appendChild(svg);
  const origin = svg.getBoundingClientRect();
  const texts = Array.from(svg.querySelectorAll("text"));
  const boxes = texts.map(t => box(t, origin));
  for (let i = 0; i < texts.length; i++) {
    for (let j = i + 1; j < texts.length; j++) {
      if (shared(boxes[i], boxes[j])) {
        problems.push({kind: "overlap", a: describe(texts[i], boxes[i]), b: describe(texts[j], boxes[j])});
      }
    }
  }
  const canvas = {x: 0, y: 0, right: origin.width, bottom: origin.height};
  texts.forEach((text, i) => {
    if (!inside(boxes[i], canvas)) {
      problems.push({kind: "outside the picture", text: describe(text, boxes[i]), frame: round(canvas)});
    }
  });
  const frames = [];
  for (const node of svg.querySelectorAll("g.node")) {
    const outline = node.querySelector(".shape");
    if (!outline) {
      problems.push({kind: "no outline", where: node.getAttribute("data-element")});
      continue;
    }
    const frame = box(outline, origin);
    for (const [other, seen] of frames) {
      if (shared(frame, seen)) {
        problems.push({kind: "shapes overlap", where: where(outline) + " and " + where(other),
                       detail: JSON.stringify([round(frame), round(seen)])});
      }
    }
    frames.push([outline, frame]);
    for (const text of node.querySelectorAll("text")) {
      const b = box(text, origin);
      if (!inside(b, frame)) {
        problems.push({kind: "outside its node", text: describe(text, b), frame: round(frame)});
      }
    }
  }
  for (const band of svg.querySelectorAll("g.band")) {
    const rects = band.querySelectorAll("rect");
    const frame = box(rects[1], origin);
    for (const text of band.querySelectorAll("text")) {
      const b = box(text, origin);
      if (!inside(b, frame)) {
        problems.push({kind: "outside its header", text: describe(text, b), frame: round(frame)});
      }
    }
  }
  verdict[key] = {problems: problems, nodes: frames.length, texts: texts.length,
                  width: origin.width, height: origin.height};
  stage.removeChild(svg);
}
document.getElementById("verdict").textContent = JSON.stringify(verdict);
"""


def _page(svgs: dict[str, str]) -> str:
    cases = json.dumps(svgs).replace("</", "<\\/")  # nothing in the data ends the script element
    script = SCRIPT % {"tolerance": TOLERANCE}
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>views</title>'
        "<style>body{margin:0} #stage svg{display:block}</style></head><body>"
        '<div id="stage"></div><pre id="verdict"></pre>'
        f'<script type="application/json" id="cases">{cases}</script>'
        f"<script>{script}</script></body></html>"
    )


def _key(case: tuple[str, str, str]) -> str:
    return " ".join(case)


@pytest.fixture(scope="module")
def verdict(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The browser's measurements of every case, by ``example view theme``."""
    assert BROWSER is not None
    folder = tmp_path_factory.mktemp("views")
    svgs = {
        _key((name, view, theme)): render_view(load_example(EXAMPLES / name), view, theme=theme)
        for name, view, theme in CASES
    }
    page = folder / "views.html"
    page.write_text(_page(svgs), encoding="utf-8")
    result = page_verdict(page, folder / "profile")
    return result


def _report(problem: dict[str, Any]) -> str:
    if problem["kind"] == "overlap":
        a, b = problem["a"], problem["b"]
        return f"{a['text']!r} ({a['where']}, {a['box']}) overlaps {b['text']!r} ({b['where']}, {b['box']})"
    if "text" in problem:
        text = problem["text"]
        return f"{text['text']!r} ({text['where']}, {text['box']}) is {problem['kind']} {problem['frame']}"
    return f"{problem['kind']}: {problem.get('where', '')} {problem.get('detail', '')}".strip()


def test_every_example_has_views() -> None:
    names = {name for name, _, _ in CASES}
    assert "procurement.wm" in names
    assert any(name.startswith("org") for name in names)
    assert len(CASES) > 50


@pytest.mark.parametrize(("example", "view", "theme"), CASES)
def test_labels_neither_overlap_nor_leave_their_boxes(
    verdict: dict[str, Any], example: str, view: str, theme: str
) -> None:
    found = verdict[_key((example, view, theme))]
    problems = [_report(problem) for problem in found["problems"]]
    assert not problems, f"{example}, view {view}, {theme} theme:\n" + "\n".join(problems)
    assert found["nodes"] > 0
    if view == "flow":
        assert found["width"] <= MAX_ASPECT * found["height"], (
            f"{example}: the flow view is {found['width']}×{found['height']}"
        )
