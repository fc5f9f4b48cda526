"""The simulation's SVG charts, measured in a real browser: no label overlaps another or leaves the picture.

Every chart of every example (and of a run with an unstable stage, and of a
workflow of a hundred stages, whose flow diagram has a band per lane) goes
into one HTML page with a script that parses each SVG as XML, lays it out
and measures its texts with ``getBoundingClientRect``, with the fonts the
browser really uses; headless Chromium prints the page (``--dump-dom``), as
in tests/test_views_browser.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.browser import BROWSER, page_verdict

pytest.importorskip("simpy")
pytest.importorskip("matplotlib")

from tests.generated import generated_spec
from wmdsl import api
from wmdsl.simulate import simulate
from wmdsl.simulate.plots import charts
from wmdsl.simulate.runner import Settings

pytestmark = pytest.mark.skipif(BROWSER is None, reason="Chromium is not installed")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
TOLERANCE = 0.5  # px
QUICK = Settings(seed=1, replications=2, until=8, jobs=1)

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
function shared(a, b) {
  const w = Math.min(a.right, b.right) - Math.max(a.x, b.x);
  const h = Math.min(a.bottom, b.bottom) - Math.max(a.y, b.y);
  return w > TOLERANCE && h > TOLERANCE;
}
function round(b) { return [b.x, b.y, b.right, b.bottom].map(v => Math.round(v * 10) / 10); }
for (const [key, source] of Object.entries(cases)) {
  const problems = [];
  const parsed = new DOMParser().parseFromString(source, "image/svg+xml");
  if (parsed.documentElement.localName !== "svg" || parsed.getElementsByTagName("parsererror").length) {
    verdict[key] = {problems: [{kind: "not well-formed"}], texts: 0};
    continue;
  }
  const svg = document.importNode(parsed.documentElement, true);
  stage.appendChild(svg);
  const origin = svg.getBoundingClientRect();
  const texts = Array.from(svg.querySelectorAll("text")).filter(t => t.textContent.trim());
  const boxes = texts.map(t => box(t, origin));
  for (let i = 0; i < texts.length; i++) {
    for (let j = i + 1; j < texts.length; j++) {
      if (shared(boxes[i], boxes[j])) {
        problems.push({kind: "overlap", a: texts[i].textContent, b: texts[j].textContent,
                       boxes: [round(boxes[i]), round(boxes[j])]});
      }
    }
    const b = boxes[i];
    if (b.x < -TOLERANCE || b.y < -TOLERANCE || b.right > origin.width + TOLERANCE
        || b.bottom > origin.height + TOLERANCE) {
      problems.push({kind: "outside the picture", a: texts[i].textContent, boxes: [round(b)]});
    }
  }
  verdict[key] = {problems: problems, texts: texts.length};
  stage.removeChild(svg);
}
document.getElementById("verdict").textContent = JSON.stringify(verdict);
"""


def _cases() -> dict[str, str]:
    svgs: dict[str, str] = {}
    for spec in [*sorted(EXAMPLES.glob("*.wm")), EXAMPLES / "org-multi"]:
        built = api.project([spec], rules=False)
        for name, data in charts(simulate(built.documents, QUICK)).items():
            svgs[f"{spec.name}/{name}"] = data.decode()
    overloaded = api.load(EXAMPLES / "broken" / "FLW006-overloaded-stage.wm")
    for name, data in charts(simulate([overloaded], QUICK)).items():
        svgs[f"overloaded/{name}"] = data.decode()
    document = api.loads(generated_spec(100), path="spec.wm")
    for name, data in charts(simulate([document], Settings(seed=1, replications=1, until=4, jobs=1))).items():
        svgs[f"gen100/{name}"] = data.decode()
    return svgs


@pytest.fixture(scope="module")
def verdict(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    assert BROWSER is not None
    folder = tmp_path_factory.mktemp("charts")
    cases = json.dumps(_cases()).replace("</", "<\\/")
    page = folder / "charts.html"
    page.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>charts</title>'
        "<style>body{margin:0} #stage svg{display:block}</style></head><body>"
        '<div id="stage"></div><pre id="verdict"></pre>'
        f'<script type="application/json" id="cases">{cases}</script>'
        f"<script>{SCRIPT % {'tolerance': TOLERANCE}}</script></body></html>",
        encoding="utf-8",
    )
    result = page_verdict(page, folder / "profile")
    return result


def test_no_label_overlaps_another_or_leaves_the_picture(verdict: dict[str, Any]) -> None:
    assert len(verdict) >= 3 * 7
    bad = {key: found["problems"] for key, found in verdict.items() if found["problems"]}
    assert not bad, json.dumps(bad, indent=1)[:4000]
    assert all(found["texts"] > 5 for found in verdict.values())
