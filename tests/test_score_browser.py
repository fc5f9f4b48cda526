"""The radar charts measured in a real browser: no label overlaps another, the rings or the picture's edge.

Every example workflow's chart, and charts of titles long, wide or
hostile, go into one page whose script parses each SVG (as XML, as a browser
opening the file would), lays it out and measures its texts with
``getBoundingClientRect``; headless Chromium prints the verdict
(``--dump-dom``), as in tests/test_views_browser.py.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.browser import BROWSER, page_verdict
from tests.goldens import EXAMPLES, score_targets
from tests.score_specs import GOOD
from wmdsl import score as scoring
from wmdsl.score.radar import render_radar
from wmdsl.score.records import Scorecard

pytestmark = pytest.mark.skipif(BROWSER is None, reason="Chromium is not installed")
TOLERANCE = 0.5

SCRIPT = r"""
const TOLERANCE = %(tolerance)s;
const cases = JSON.parse(document.getElementById("cases").textContent);
const stage = document.getElementById("stage");
const verdict = {};
function box(element, origin) {
  const r = element.getBoundingClientRect();
  return {x: r.left - origin.left, y: r.top - origin.top,
          right: r.right - origin.left, bottom: r.bottom - origin.top};
}
function shared(a, b) {
  const w = Math.min(a.right, b.right) - Math.max(a.x, b.x);
  const h = Math.min(a.bottom, b.bottom) - Math.max(a.y, b.y);
  return w > TOLERANCE && h > TOLERANCE;
}
function distance(b, cx, cy) {  // from the centre to the nearest point of the box
  const dx = Math.max(b.x - cx, 0, cx - b.right);
  const dy = Math.max(b.y - cy, 0, cy - b.bottom);
  return Math.hypot(dx, dy);
}
for (const [key, source] of Object.entries(cases)) {
  const problems = [];
  const parsed = new DOMParser().parseFromString(source, "image/svg+xml");
  if (parsed.documentElement.localName !== "svg" || parsed.getElementsByTagName("parsererror").length) {
    verdict[key] = {problems: [{kind: "not well-formed"}]};
    continue;
  }
  const svg = document.importNode(parsed.documentElement, true);
  stage.appendChild(svg);
  const origin = svg.getBoundingClientRect();
  const texts = Array.from(svg.querySelectorAll("text"));
  const boxes = texts.map(t => box(t, origin));
  for (let i = 0; i < texts.length; i++) {
    for (let j = i + 1; j < texts.length; j++) {
      if (shared(boxes[i], boxes[j])) {
        problems.push({kind: "overlap", a: texts[i].textContent, b: texts[j].textContent});
      }
    }
    const b = boxes[i];
    if (b.x < -TOLERANCE || b.y < -TOLERANCE || b.right > origin.width + TOLERANCE
        || b.bottom > origin.height + TOLERANCE) {
      problems.push({kind: "outside the picture", text: texts[i].textContent});
    }
  }
  const rings = Array.from(svg.querySelectorAll("polygon.ring")).map(r => box(r, origin));
  const outer = rings[rings.length - 1];
  const cx = (outer.x + outer.right) / 2, cy = (outer.y + outer.bottom) / 2;
  const radius = (outer.bottom - outer.y) / 2;
  texts.forEach((text, i) => {
    if (distance(boxes[i], cx, cy) < radius - TOLERANCE) {
      problems.push({kind: "inside the rings", text: text.textContent});
    }
  });
  verdict[key] = {problems: problems, texts: texts.length};
  stage.removeChild(svg);
}
document.getElementById("verdict").textContent = JSON.stringify(verdict);
"""


def _cards() -> dict[str, Scorecard]:
    cards: dict[str, Scorecard] = {}
    for target in score_targets():
        for card in scoring.scores(scoring.check([EXAMPLES / target])).workflows:
            cards[f"{target} {card.workflow}"] = card
    return cards


def _stress(folder: Path) -> dict[str, Scorecard]:
    (folder / "good.wm").write_text(GOOD, encoding="utf-8")
    card = scoring.scores(scoring.check([folder / "good.wm"], root=folder)).workflows[0]
    low = replace(
        card, components=tuple(replace(c, score=None if n % 3 else 0) for n, c in enumerate(card.components))
    )
    long_title = "A very long workflow title that goes on and on past any chart's width, " * 3
    return {
        "long title": replace(card, title=long_title),
        "wide title": replace(card, title="請求書の承認と支払いのワークフロー" * 3),
        "hostile title": replace(card, title="<script>alert(1)</script> & ]]> \u202e"),
        "low and n/a": low,
    }


@pytest.fixture(scope="module")
def verdict(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    assert BROWSER is not None
    folder = tmp_path_factory.mktemp("radar")
    cards = {**_cards(), **_stress(folder)}
    svgs = {key: render_radar(card) for key, card in cards.items()}
    cases = json.dumps(svgs).replace("</", "<\\/")
    page = folder / "radar.html"
    page.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>radar</title>'
        "<style>body{margin:0} #stage svg{display:block}</style></head><body>"
        '<div id="stage"></div><pre id="verdict"></pre>'
        f'<script type="application/json" id="cases">{cases}</script>'
        f"<script>{SCRIPT % {'tolerance': TOLERANCE}}</script></body></html>",
        encoding="utf-8",
    )
    result = page_verdict(page, folder / "profile")
    assert len(result) == len(svgs)
    return result


def test_no_radar_label_overlaps_another_the_rings_or_the_edge(verdict: dict[str, Any]) -> None:
    troubled = {key: found["problems"] for key, found in verdict.items() if found["problems"]}
    assert not troubled, json.dumps(troubled, indent=1, ensure_ascii=False)[:4000]
    assert all(
        found["texts"] >= 16 for found in verdict.values()
    )  # 8 labels of two lines each, and the heading
