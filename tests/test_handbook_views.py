"""The handbook's diagrams: views of each workflow, linked to the lane pages, zoomable, at any size."""

from __future__ import annotations

import base64
import hashlib
import os
import posixpath
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.browser import chromium_driver
from tests.generated import generated_spec, shape_spec
from tests.goldens import EXAMPLES, examples
from tests.tracing import lines_run
from wmdsl import api
from wmdsl.cli import cli
from wmdsl.handbook import build_handbook
from wmdsl.handbook.html import CSP, ZOOM_SCRIPT
from wmdsl.model import Document
from wmdsl.project.settings import ConfigError
from wmdsl.views import build
from wmdsl.views import lanes as lanes_in_use

# A figure as the HTML writer writes it: the inlined SVG, then the link to its file.
FIGURE = re.compile(
    r'<div class="zoom-frame"[^>]*>\n(?P<svg><svg .*?</svg>)\n</div>\n'
    r'<figcaption><a href="(?P<file>[^"]+)">Open the full-size diagram</a></figcaption>',
    re.S,
)
LINK = re.compile(r'<a href="([^"]*)"')
NODE = re.compile(r'<g class="node[^"]*" data-kind="(\w+)" data-element="([^"]+)"[^>]*><a href="([^"]+)">')
PROJECTS = ("org", "org-multi")
Handbooks = list[tuple[str, dict[str, bytes]]]


def _handbooks() -> Handbooks:
    """The handbook of every example: each spec on its own, and each multi-file project as a whole."""
    found = []
    for spec in examples():
        found.append((spec.stem, build_handbook(api.load(spec), api.check([spec]))))
    for folder in PROJECTS:
        rendering, _ = api.handbook(EXAMPLES / folder)
        assert not rendering.refused
        found.append((folder, rendering.outputs))
    return found


@pytest.fixture(scope="module")
def handbooks() -> Handbooks:
    return _handbooks()


def _pages(files: dict[str, bytes]) -> dict[str, str]:
    return {path: data.decode("utf-8") for path, data in files.items() if path.endswith(".html")}


def _resolve(page: str, link: str) -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), link))


def test_every_link_in_every_inlined_diagram_resolves(handbooks: Handbooks) -> None:
    for name, files in handbooks:
        linked = 0
        for page, html in _pages(files).items():
            for figure in FIGURE.finditer(html):
                for link in LINK.findall(figure["svg"]):
                    assert not re.match(r"[a-z]+:", link), (name, page, link)
                    assert link.endswith(".html"), (name, page, link)
                    assert _resolve(page, link) in files, (name, page, link)
                    linked += 1
        assert linked or not any("lanes/" in path for path in files), name


def test_each_node_links_to_the_page_of_its_lane(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLES)
    for spec in examples():
        document = api.load(spec.name)
        files = build_handbook(document, None)
        workflow = document.workflows[0]
        lane_of = {stage.name: stage.lane.name for stage in workflow.stages if stage.lane}
        seen = 0
        for page, html in _pages(files).items():
            for kind, element, link in NODE.findall(html):
                name = element.removeprefix(f"{workflow.name}.")
                if kind == "stage" and name in lane_of:
                    assert _resolve(page, link) == f"lanes/{lane_of[name]}.html", (spec.name, page, element)
                    seen += 1
                else:
                    assert _resolve(page, link).startswith("lanes/"), (spec.name, page, element)
        assert seen >= len(lane_of), spec.name  # every stage, on the home page and its lane's page at least


def test_lane_pages_carry_their_lane_view(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLES)
    for spec in examples():
        document = api.load(spec.name)
        files = build_handbook(document, None)
        for lane in lanes_in_use(document):
            page = files[f"lanes/{lane}.html"].decode()
            assert page.count('class="wmdsl-diagram" data-view=') == 1, (spec.name, lane)
            assert f'data-view="lane:{lane}"' in page, (spec.name, lane)
            assert f"lanes/diagrams/{lane}.svg" in files
            assert "![" in files[f"lanes/{lane}.md"].decode()


def test_every_lane_view_cut_from_one_drawing_is_the_lane_view() -> None:
    documents = [api.load(spec) for spec in examples()]
    documents += [api.loads(generated_spec(120))]
    documents += [api.loads(shape_spec(shape, 40)) for shape in ("fan", "grid", "traps")]
    for document in documents:
        for workflow in document.workflows:
            links = {f"{workflow.name}.{stage.name}": f"{stage.name}.html" for stage in workflow.stages}
            every = build.lanes(document, workflow, links)
            for lane in lanes_in_use(document):
                assert every.get(lane) == build.lane(document, workflow, lane, links), (document.file, lane)


def test_the_written_diagram_files_are_the_inlined_ones(
    handbooks: Handbooks,
) -> None:
    for name, files in handbooks:
        written = {path for path in files if path.endswith(".svg")}
        shown = set()
        for page, html in _pages(files).items():
            markdown = files[page.removesuffix(".html") + ".md"].decode()
            for figure in FIGURE.finditer(html):
                file = _resolve(page, figure["file"])
                shown.add(file)
                # The file lies in a folder below the page: its links go up first, to the same pages.
                up = posixpath.relpath(posixpath.dirname(page) or ".", posixpath.dirname(file)) + "/"
                assert files[file].decode() == figure["svg"].replace('<a href="', f'<a href="{up}') + "\n"
                assert f"]({figure['file']})" in markdown  # the Markdown page shows the same file
        assert shown == written, name


def test_pages_with_diagrams_have_the_zoom_controls_and_the_script_the_policy_allows(
    handbooks: Handbooks,
) -> None:
    digest = base64.b64encode(hashlib.sha256(ZOOM_SCRIPT.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in CSP
    for name, files in handbooks:
        for page, html in _pages(files).items():
            figures = len(FIGURE.findall(html))
            assert html.count('<figure class="diagram">') == figures, (name, page)
            assert html.count('<div class="zoom-bar" hidden>') == figures, (name, page)
            for zoom in ("out", "fit", "actual", "in"):
                assert html.count(f'data-zoom="{zoom}"') == figures, (name, page)
            assert html.count("<script>") == (1 if figures else 0), (name, page)
            assert CSP in html
            assert not re.search(r"\son[a-z]+\s*=", html), (
                name,
                page,
            )  # no inline handler: CSP would block it
    index = dict(handbooks)["procurement"]["index.html"].decode()
    assert 'class="zoom-frame" tabindex="0" role="group"' in index
    for script_part in ("scrollLeft", "getComputedStyle(frame).maxHeight", "bar.hidden = false"):
        assert script_part in ZOOM_SCRIPT


def test_the_page_style_keeps_diagrams_readable_and_scrolling_on_a_phone() -> None:
    from wmdsl.handbook.html import CSS

    assert ".zoom-frame { overflow: auto; max-height: 75vh;" in CSS
    assert ".zoom-frame svg { display: block; max-width: none; }" in CSS  # natural size: 1:1
    assert ".zoom-bar[hidden] { display: none; }" in CSS  # no script: no dead buttons


SMALL = """
person @a "A"
workflow w "W" {
  owner @a
  lane one "One" { owner @a; members @a }
  lane two "Two" { owner @a; members @a }
  intake i { owner @a }
  stage s in one
  stage t in two
  stage u in two
  exit e
  i -> s
  s -> t
  t -> u
  u -> e
}
"""


def _views(html: str) -> list[str]:
    return re.findall(r'class="wmdsl-diagram" data-view="([^"]+)"', html)


def test_past_the_threshold_a_workflow_shows_its_handoffs_and_its_lanes_their_part() -> None:
    document = api.loads(SMALL)
    assert _views(build_handbook(document, None)["index.html"].decode()) == [
        "flow",
        "handoffs",
        "value-stream",
    ]
    files = build_handbook(document, None, diagram_stages=2)
    index = files["index.html"].decode()
    assert _views(index) == ["handoffs"]
    assert "This workflow has 3 stages, more than the 2 a diagram of the whole flow is drawn for" in index
    assert "(the setting <code>diagram-stages</code>)" in index
    assert "each lane&#x27;s page shows the lane&#x27;s part of the flow" in index
    assert "diagrams/flow.svg" not in files
    for lane in ("one", "two"):
        assert _views(files[f"lanes/{lane}.html"].decode()) == [f"lane:{lane}"]
    assert _views(build_handbook(document, None, diagram_stages=3)["index.html"].decode())[0] == "flow"


@pytest.mark.parametrize("config", ["wmdsl.toml", "pyproject.toml"])
def test_the_threshold_is_a_setting_and_the_note_says_what_it_did(project: Path, config: str) -> None:
    table = "[tool.wmdsl]\n" if config == "pyproject.toml" else ""
    (project / "wmdsl.toml").unlink()
    (project / config).write_text(f"{table}diagram-stages = 2\n", encoding="utf-8")
    (project / "w.wm").write_text(SMALL, encoding="utf-8")
    rendering, note = api.handbook("w.wm", force=True)
    assert _views(rendering.outputs["index.html"].decode()) == ["handoffs"]
    assert note is not None
    assert "`w` has 3 stages, more than `diagram-stages` (2)" in note
    code = CliRunner().invoke(cli, ["docs", "w.wm", "--force", "-o", "site"])
    assert code.exit_code == 0, code.output
    assert (
        "note: `w` has 3 stages, more than `diagram-stages` (2): its page shows the handoffs" in code.output
    )
    (project / config).write_text(f"{table}diagram-stages = 3\n", encoding="utf-8")
    rendering, note = api.handbook("w.wm", force=True)
    assert note is None
    assert _views(rendering.outputs["index.html"].decode())[0] == "flow"


@pytest.mark.parametrize("value", ["0", "-5", "true", '"300"', "2.5"])
def test_a_wrong_threshold_is_a_configuration_error(project: Path, value: str) -> None:
    (project / "wmdsl.toml").write_text(f"diagram-stages = {value}\n", encoding="utf-8")
    (project / "w.wm").write_text(SMALL, encoding="utf-8")
    with pytest.raises(ConfigError, match="diagram-stages: expected a whole number of at least 1"):
        api.handbook("w.wm", force=True)
    result = CliRunner().invoke(cli, ["check", "w.wm", "--show-settings"])
    assert result.exit_code == 2


def test_show_settings_shows_the_threshold(project: Path) -> None:
    (project / "w.wm").write_text(SMALL, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "w.wm", "--show-settings"])
    assert '"diagram-stages": 300' in result.output


def test_docs_builds_every_diagram_with_no_graphviz_on_path(
    project: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    import wmdsl.render.graphviz_run as graphviz

    def no_graphviz(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("the handbook ran Graphviz")

    monkeypatch.setattr(graphviz, "run_graphviz", no_graphviz)
    monkeypatch.setenv("PATH", str(tmp_path_factory.mktemp("empty-path")))
    spec = """
person @a "A"
lane ops "Ops" { owner @a; members @a }
decision go "Go" { decides ops }
workflow w "W" {
  owner @a
  intake i { owner @a }
  stage s in ops
  exit e
  i -> s
  s -> e { gate go }
}
"""
    (project / "w.wm").write_text(spec, encoding="utf-8")
    result = CliRunner().invoke(cli, ["docs", "w.wm", "--force", "-o", "site"])
    assert result.exit_code == 0, result.output
    assert "note:" not in result.output
    site = project / "site"
    for name in ("flow", "handoffs", "value-stream", "decisions"):
        assert (site / "diagrams" / f"{name}.svg").read_text(encoding="utf-8").startswith("<svg ")
    assert list((site / "lanes" / "diagrams").glob("*.svg"))
    assert not any(Path(folder, "dot").exists() for folder in os.environ["PATH"].split(os.pathsep))


def _lines(stages: int, limit: int) -> int:
    document = api.loads(generated_spec(stages))
    build_handbook(document, None, diagram_stages=limit)  # first-use imports and caches
    return lines_run(lambda: build_handbook(document, None, diagram_stages=limit))


@pytest.mark.parametrize("limit", [10, 100_000], ids=["handoffs-and-lanes", "whole-flow"])
def test_the_diagrams_grow_linearly(limit: int) -> None:
    small, large = _lines(40, limit), _lines(320, limit)
    assert large < 10 * small, f"{small} lines for 40 stages, {large} for 320"


def test_the_decisions_view_is_of_the_decisions_the_page_lists() -> None:
    spec = """
person @a "A"
lane ops "Ops" { owner @a; members @a }
decision used "Used" { decides ops }
decision unused "Unused" { decides ops }
workflow w "W" {
  owner @a
  intake i { owner @a }
  stage s in ops
  exit e
  i -> s
  s -> e { gate used }
}
"""
    document: Document = api.loads(spec)
    index = build_handbook(document, None)["index.html"].decode()
    decisions = index.split("<h2>Decisions</h2>")[1].split("<h2>")[0]
    assert 'data-view="decisions"' in decisions
    assert 'data-band="used"' in decisions
    assert 'data-band="unused"' not in decisions


def test_the_zoom_works_in_a_browser_on_a_phone_sized_window(tmp_path: Path) -> None:
    files = build_handbook(api.load(EXAMPLES / "procurement.wm"), None)
    for path, data in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(data)
    browser: Any = chromium_driver(tmp_path / "profile", 390, 844)
    try:
        browser.get((tmp_path / "index.html").as_uri())
        figure = browser.find_element("css selector", "figure.diagram")
        bar = figure.find_element("css selector", ".zoom-bar")
        assert bar.is_displayed()  # the script ran: the policy allows it by its hash
        svg = figure.find_element("css selector", ".zoom-frame svg")
        natural = float(svg.get_attribute("width"))
        assert svg.rect["width"] == pytest.approx(natural, abs=1)  # 1:1 to start with

        def width() -> float:
            return float(svg.rect["width"])

        bar.find_element("css selector", '[data-zoom="in"]').click()
        assert width() == pytest.approx(natural * 1.25, abs=1)
        bar.find_element("css selector", '[data-zoom="fit"]').click()
        frame = figure.find_element("css selector", ".zoom-frame")
        assert width() <= frame.rect["width"]
        bar.find_element("css selector", '[data-zoom="actual"]').click()
        assert width() == pytest.approx(natural, abs=1)
        bar.find_element("css selector", '[data-zoom="out"]').click()
        assert width() == pytest.approx(natural / 1.25, abs=1)
        # On a phone the page does not scroll sideways: the frame does.
        assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
        assert browser.execute_script("return arguments[0].scrollWidth > arguments[0].clientWidth", frame)
        errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
        assert not errors, errors
    finally:
        browser.quit()
