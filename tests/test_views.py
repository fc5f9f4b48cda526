"""The views without a browser: same bytes every time, safe with any text, an error that helps, linear cost.

(Their layout is measured in a browser by ``test_views_browser.py``.)
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

import wmdsl
from tests.generated import generated_spec
from tests.test_output_safety import wm
from wmdsl import api
from wmdsl.model import Document
from wmdsl.views import THEMES, VIEWS, ViewError, pictures, render_view, view_names
from wmdsl.views.layout import Drawing, place

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SVG = "{http://www.w3.org/2000/svg}"


def load(path: Path) -> Document:
    """A spec, loaded from its own folder: titles name the file as given, the same from anywhere."""
    cwd = Path.cwd()
    os.chdir(path.parent)
    try:
        return api.load(path.name)
    finally:
        os.chdir(cwd)


load_example = functools.cache(load)


def example_files() -> list[Path]:
    """The examples that hold workflows: the files under ``examples/`` and in its ``org*`` folders."""
    found = sorted(EXAMPLES.glob("*.wm")) + sorted(EXAMPLES.glob("org*/*.wm"))
    return [path for path in found if load_example(path).workflows]


def example_name(path: Path) -> str:
    return path.relative_to(EXAMPLES).as_posix()


EXAMPLE_VIEWS = [
    (example_name(path), view) for path in example_files() for view in view_names(load_example(path))
]


def nodes(svg: str) -> list[ET.Element]:
    root = ET.fromstring(svg)
    return [g for g in root.iter(f"{SVG}g") if "node" in (g.get("class") or "").split()]


# -- Every view of every example ----------------------------------------------------------------------


def test_the_examples_have_workflows_and_lanes() -> None:
    names = {name for name, _ in EXAMPLE_VIEWS}
    assert {"procurement.wm", "org-multi/referrals.wm"} <= names
    for name in names:
        views = {view for example, view in EXAMPLE_VIEWS if example == name}
        assert set(VIEWS) <= views
        assert any(view.startswith("lane:") for view in views), name


@pytest.mark.parametrize(("example", "view"), EXAMPLE_VIEWS)
def test_every_view_of_every_example_draws_shapes(example: str, view: str) -> None:
    document = load_example(EXAMPLES / example)
    for theme in THEMES:
        svg = render_view(document, view, theme=theme)
        root = ET.fromstring(svg)
        assert root.tag == f"{SVG}svg"
        assert root.get("data-view") == view
        assert root.get("data-theme") == theme
        drawn = nodes(svg)
        assert drawn, f"{example}: the {view} view draws nothing"
        for node in drawn:
            assert node.get("data-kind")
            outline = next(element for element in node.iter() if element.get("class") == "shape")
            assert outline.tag in (f"{SVG}rect", f"{SVG}polygon")


def test_a_lane_view_shows_its_lane_and_fades_the_neighbours() -> None:
    document = load_example(EXAMPLES / "procurement.wm")
    svg = render_view(document, "lane:legal")
    drawn = {node.get("data-element"): node for node in nodes(svg)}
    assert "faded" not in (drawn["procurement.legal_review"].get("class") or "")
    assert "faded" in (drawn["procurement.reviewed"].get("class") or "")
    assert "procurement.order" not in drawn  # two handoffs away


def test_a_lane_view_draws_the_parallel_work_it_takes_part_in_whole() -> None:
    document = load_example(EXAMPLES / "procurement.wm")
    legal = {node.get("data-element") for node in nodes(render_view(document, "lane:legal"))}
    assert "procurement.qualify" in legal  # the stage that forks the work to legal, faded
    buying = render_view(document, "lane:buying")
    arrows = [g for g in ET.fromstring(buying).iter(f"{SVG}g") if (g.get("class") or "") == "edge"]
    into_join = [g for g in arrows if (g.get("data-element") or "").endswith("->reviewed")]
    assert len(into_join) >= 2  # the join "Both reviews done" shows both reviews it waits for


def _segments(drawing: Drawing) -> dict[tuple[str, int], list[tuple[int, int, str, str, str]]]:
    """The straight pieces of every route, by direction and line: (from, to, source, target, arrow)."""
    found: dict[tuple[str, int], list[tuple[int, int, str, str, str]]] = {}
    for route in drawing.routes:
        arrow = route.arrow
        for (x1, y1), (x2, y2) in zip(route.points, route.points[1:], strict=False):
            key, low, high = (("h", y1), x1, x2) if y1 == y2 else (("v", x1), y1, y2)
            found.setdefault(key, []).append(
                (min(low, high), max(low, high), arrow.source, arrow.target, arrow.id)
            )
    return found


@pytest.mark.parametrize(("example", "view"), EXAMPLE_VIEWS)
def test_no_two_arrows_are_drawn_on_the_same_line(example: str, view: str) -> None:
    """Lines of different arrows may cross, or meet where they leave or enter a shape; never run together."""
    for picture in pictures(load_example(EXAMPLES / example), view):
        for line, pieces in _segments(place(picture)).items():
            pieces.sort()
            running: list[tuple[int, int, str, str, str]] = []
            for piece in pieces:
                running = [other for other in running if other[1] > piece[0] + 2]
                for other in running:
                    shared = min(other[1], piece[1]) - piece[0]
                    same_end = other[2] == piece[2] or other[3] == piece[3]
                    assert shared <= 2 or other[4] == piece[4] or same_end, (line, other, piece)
                running.append(piece)


# -- Same input, same bytes ---------------------------------------------------------------------------

# Renders every view of every example in both themes and prints one digest per SVG.
_DIGESTS = """
import hashlib, os, sys
from pathlib import Path
from types import ModuleType
from wmdsl import api
from wmdsl.views import THEMES, render_view, view_names
for name in sys.argv[1:]:
    path = Path(name)
    os.chdir(path.parent)
    document = api.load(path.name)
    for view in view_names(document):
        for theme in THEMES:
            svg = render_view(document, view, theme=theme)
            print(path.name, view, theme, hashlib.sha256(svg.encode()).hexdigest())
"""


def _digests(hash_seed: str) -> str:
    source = str(Path(wmdsl.__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [source, env.get("PYTHONPATH")]))
    files = [str(path) for path in example_files()]
    done = subprocess.run(
        [sys.executable, "-c", _DIGESTS, *files], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_same_spec_gives_the_same_bytes() -> None:
    for path in example_files():
        first, second = load(path), load(path)
        for view in view_names(first):
            for theme in THEMES:
                svg = render_view(first, view, theme=theme)
                assert render_view(first, view, theme=theme) == svg, f"{path.name} {view}"
                assert render_view(second, view, theme=theme) == svg, f"{path.name} {view}"


def test_the_bytes_do_not_depend_on_the_hash_seed() -> None:
    here = [
        f"{path.name} {view} {theme} "
        + hashlib.sha256(render_view(load_example(path), view, theme=theme).encode()).hexdigest()
        for path in example_files()
        for view in view_names(load_example(path))
        for theme in THEMES
    ]
    zero, other = _digests("0"), _digests("4242")
    assert zero.splitlines() == here
    assert other == zero


# -- Hostile text -------------------------------------------------------------------------------------

# Markup, an end of CDATA, quotes, controls (C0, DEL, C1, a terminal escape),
# bidirectional controls, a line separator, non-characters, and text that
# looks like a script or a link.
HOSTILE = (
    "A <b>bold</b> & \"quoted\" 'single' ]]> <![CDATA[x]]> <!-- c --> <?pi x?> "
    "<script>alert(1)</script> <img src=x onerror=alert(1)> javascript:alert(1) "
    "\x00\x01\x08\x0b\x0c\x1b[31m\x7f\x85\x9b \u202eevil\u2066\u200f \u2028\u2029 \ufffe\uffff &amp; end"
)
_TEXT = wm(HOSTILE)
HOSTILE_SPEC = f"""
person @ana {_TEXT}
person @raj {_TEXT}
lane eng {_TEXT} {{ owner @ana; members @ana, @raj }}
lane ops {_TEXT} {{ owner @raj; members @raj }}
workflow w {_TEXT} {{
  owner @ana
  intake inbox {_TEXT} {{ owner @ana; channel {_TEXT}; criteria {_TEXT}; arrivals 2 per week }}
  stage triage {_TEXT} in eng {{ wip 2; effort 1h; done {_TEXT} }}
  stage fix {_TEXT} in ops {{ wip 1; effort 2h; done {_TEXT}; description {_TEXT} }}
  stage check {_TEXT} in ops {{ wip 1; effort 1h }}
  join both {_TEXT}
  exit finished {_TEXT} {{ description {_TEXT} }}
  exit nope {_TEXT} {{ kind rejected }}
  inbox -> triage {_TEXT}
  triage -> fix, check {_TEXT} {{ gate go; chance 80% }}
  triage -> nope {_TEXT} {{ chance 20% }}
  fix -> triage {_TEXT} {{ rework; chance 10% }}
  fix -> both
  check -> both
  both -> finished {_TEXT} {{ when {_TEXT} }}
  decision go {_TEXT} {{ decides @ana; recommends eng; consults ops; informs @raj; escalates @raj after 1d }}
}}
"""
SCRIPT_LINKS = ("javascript:alert(1)", " JaVaScRiPt:alert(2)", "java\tscript:alert(3)", "data:text/html,x")
ACTIVE_ELEMENTS = {"script", "foreignobject", "iframe", "object", "embed", "animate", "set", "handler"}
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _hostile() -> Document:
    return api.loads(HOSTILE_SPEC)


def _links(document: Document) -> dict[str, str]:
    """A script link for every element key a view can link, and a harmless one for one of them."""
    keys = ["w.inbox", "w.triage", "w.fix", "w.check", "w.finished", "w.nope", "w.eng", "w.ops", "w.go"]
    keys += ["@ana", "@raj", "eng", "ops"]
    links = {key: SCRIPT_LINKS[number % len(SCRIPT_LINKS)] for number, key in enumerate(keys)}
    links["w.check"] = "lanes/ops.html#check"
    return links


@pytest.mark.parametrize("theme", list(THEMES))
def test_hostile_text_gives_well_formed_svg_without_active_content(theme: str) -> None:
    document = _hostile()
    assert len(view_names(document)) == len(VIEWS) + 2
    for view in view_names(document):
        svg = render_view(document, view, theme=theme, links=_links(document))
        root = ET.fromstring(svg.encode("utf-8"))  # well-formed
        assert not BIDI.search(svg), f"{view}: a raw bidirectional control"
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", svg), f"{view}: a raw control"
        assert "<![CDATA[" not in svg
        assert "<!--" not in svg
        assert svg.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg ')
        assert svg.count("<?") == 1  # the declaration, and no processing instruction
        links = []
        for element in root.iter():
            name = element.tag.rpartition("}")[2].lower()
            assert name not in ACTIVE_ELEMENTS, f"{view}: <{name}>"
            for attribute, value in element.attrib.items():
                local = attribute.rpartition("}")[2].lower()
                assert not local.startswith("on"), f"{view}: {attribute}={value!r}"
                if local == "href":
                    links.append(value)
                    scheme = re.sub(r"[\x00-\x20]+", "", value).lower()
                    assert not scheme.startswith(("javascript:", "vbscript:", "data:")), f"{view}: {value!r}"
                assert "javascript:" not in value.lower(), f"{view}: {attribute}={value!r}"
        # The text is shown as written (escaped, not dropped), markup and all,
        # though maybe wrapped at its spaces.
        texts = "".join("".join(text.itertext()) for text in root.iter(f"{SVG}text")).replace(" ", "")
        assert "<script>alert(1)</script>" in texts, view
        assert "]]><![CDATA[x]]>" in texts, view
        if view in ("flow", "lane:ops"):
            assert "lanes/ops.html#check" in links, view


def test_a_script_link_is_left_out_and_the_shape_still_drawn() -> None:
    document = _hostile()
    svg = render_view(document, "flow", links={"w.triage": "javascript:alert(1)", "w.fix": "fix.html"})
    drawn = {node.get("data-element"): node for node in nodes(svg)}
    assert drawn["w.triage"].find(f"{SVG}a") is None
    link = drawn["w.fix"].find(f"{SVG}a")
    assert link is not None
    assert link.get("href") == "fix.html"


# -- Errors and empty views ---------------------------------------------------------------------------


def test_an_unknown_view_is_an_error_that_names_the_views() -> None:
    document = load_example(EXAMPLES / "procurement.wm")
    with pytest.raises(ViewError) as raised:
        render_view(document, "flwo")
    message = str(raised.value)
    assert "'flwo'" in message
    assert "did you mean 'flow'?" in message
    for view in view_names(document):
        assert view in message
    with pytest.raises(ViewError, match=r"did you mean 'lane:legal'\?"):
        render_view(document, "lane:legl")
    with pytest.raises(ViewError, match="lane:buying"):
        render_view(document, "lane:nobody")
    with pytest.raises(ViewError, match="light or dark"):
        render_view(document, "flow", theme="sepia")
    assert isinstance(raised.value, ValueError)


PLAIN_SPEC = """
person @a "A"
lane l "L" { owner @a; members @a }
workflow w "W" {
  owner @a
  intake i "I" { owner @a; arrivals 1 per week }
  stage s "S" in l { wip 1; effort 1h }
  exit d "D"
  i -> s
  s -> d
}
"""


def test_the_decisions_view_of_a_spec_without_decisions_is_empty_but_valid() -> None:
    document = api.loads(PLAIN_SPEC)
    assert "decisions" in view_names(document)
    assert pictures(document, "decisions") == []
    for theme in THEMES:
        svg = render_view(document, "decisions", theme=theme)
        root = ET.fromstring(svg)
        assert root.tag == f"{SVG}svg"
        assert int(root.get("width", "0")) > 0
        assert int(root.get("height", "0")) > 0
        assert nodes(svg) == []
    assert nodes(render_view(document, "flow"))


# -- Linear cost --------------------------------------------------------------------------------------


def _seconds(call: Callable[[], object], runs: int = 3) -> float:
    """The fastest of ``runs`` calls: the least disturbed by whatever else the machine does."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    return best


@functools.cache
def _generated(stages: int) -> Document:
    return api.loads(generated_spec(stages))


@pytest.mark.parametrize("view", ["flow", "lane:"])
def test_rendering_a_view_grows_linearly(view: str) -> None:
    # Four times the stages may take at most eight times as long (a quadratic
    # layout would take sixteen); timed, as the layout's work is what counts.
    times = []
    for stages in (1000, 4000):
        document = _generated(stages)
        name = view if view != "lane:" else next(n for n in view_names(document) if n.startswith("lane:"))
        render_view(document, name)  # first-use imports and caches are not the view's work
        times.append(_seconds(lambda document=document, name=name: render_view(document, name)))
    small, large = times
    assert large <= 8 * small, f"{view}: {small:.3f} s for 1,000 stages, {large:.3f} s for 4,000"


# -- The screenshots in the docs ----------------------------------------------------------------------

IMAGES = Path(__file__).resolve().parent.parent / "docs" / "images"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_images_generate", IMAGES / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_screenshots_are_the_views_of_the_example() -> None:
    # Names, not pixels: `python docs/images/generate.py` makes them again.
    generate = _generator()
    document = load_example(generate.EXAMPLE)
    wanted = {generate.file_name(view, theme) for view, theme in generate.shots(view_names(document))}
    assert {"view-flow.png", "view-flow-dark.png", "view-lane-legal.png"} <= wanted
    committed = {path.name for path in IMAGES.glob("view-*.png")}
    assert committed == wanted, "run `python docs/images/generate.py`"
    for name in committed:
        assert (IMAGES / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
