"""The onboarding handbook: structure, links, escaping, no scripts, no CDN."""

from __future__ import annotations

import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from tests.goldens import EXAMPLES, examples
from tests.test_render_raci import HOSTILE
from wmdsl import api
from wmdsl.handbook import build_handbook
from wmdsl.handbook.blocks import Diagram, Heading, Page, line
from wmdsl.handbook.context import safe_file_name
from wmdsl.handbook.html import ZOOM_SCRIPT, write_html
from wmdsl.handbook.markdown import write_markdown
from wmdsl.handbook.site import diagram_file
from wmdsl.handbook.svg import sanitize_svg
from wmdsl.model import Document

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
FAKE_SVG = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x.dtd">\n'
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert(1)">'
    "<script>alert('svg')</script><SCRIPT type=\"text/javascript\">alert(2)</SCRIPT>"
    '<rect width="10" height="10" onclick=\'alert(3)\'/>'
    '<a href="javascript:alert(4)"><text x="1" y="9">a &lt;b&gt; &amp; c</text></a></svg>'
)
REMOTE = re.compile(r"""(?:\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//)|url\(|@import""", re.I)
# The one script a page may hold: the zoom of its diagrams, allowed by its hash.
ZOOM = f"<script>{ZOOM_SCRIPT}</script>"
SVG_HREF = re.compile(r'<a href="([^"]*)"')


class Parsed(HTMLParser):
    """Checks that tags balance and collects links and text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.links: list[str] = []
        self.text: list[str] = []
        self.seen: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.add(tag)
        self.links += [value for name, value in attrs if name in ("href", "src") and value is not None]
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.add(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(text: str) -> Parsed:
    page = Parsed()
    page.feed(text)
    page.close()
    return page


def _load(spec: Path) -> Document:
    return api.load(spec)


def _resolve(page: str, link: str) -> str:
    target = link.split("#", 1)[0]
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), target))


def _check_site(files: dict[str, bytes]) -> None:
    """Every page parses, balances, links inside the site only, and runs nothing."""
    assert "index.html" in files
    assert "findings.html" in files
    markdown = MarkdownIt("commonmark").enable("table")
    for path, content in files.items():
        assert not path.startswith("/")
        assert ".." not in path.split("/")
        text = content.decode("utf-8")
        if path.endswith(".svg"):
            assert "<script" not in text.lower()
            for link in SVG_HREF.findall(text):  # a diagram opened on its own links to the lane pages too
                assert _resolve(path, link) in files, (path, link)
            continue
        html = text if path.endswith(".html") else markdown.render(text)
        page = parse_html(html)
        if path.endswith(".html"):
            assert not page.errors, (path, page.errors)
            assert not page.stack, (path, page.stack)
            assert {"html", "head", "body", "main", "nav", "title", "style"} <= page.seen
            assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in text
            assert html.count(ZOOM) == (1 if "<figure" in html else 0), path
            html = html.replace(ZOOM, "")
        assert "<script" not in html.lower(), path
        assert not REMOTE.search(html), (path, REMOTE.search(html))
        for link in page.links:
            assert not re.match(r"[a-z]+:", link), (path, link)
            assert _resolve(path, link) in files, (path, link)
            expected = ".html" if path.endswith(".html") else ".md"
            assert link.endswith((expected, ".svg")), (path, link)


def _lanes_used(document: Document) -> set[str]:
    """Own lanes plus every shared lane a workflow's data mentions (found independently of the code)."""
    shared = {lane.name for lane in document.shared.lanes}
    found: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)
        elif isinstance(value, str) and value in shared:
            found.add(value)

    for workflow in document.workflows:
        walk(workflow.model_dump())
        found |= {lane.name for lane in workflow.lanes}
    return found


@pytest.mark.parametrize("spec", examples(), ids=lambda p: p.stem)
@pytest.mark.parametrize("diagrams", [False, True], ids=["no-diagrams", "diagrams"])
def test_handbook_of_each_example(spec: Path, diagrams: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLES)
    document = api.load(spec.name)
    report = api.check([spec.name])
    files = build_handbook(document, report, diagrams=diagrams)
    _check_site(files)
    for lane in _lanes_used(document):
        assert f"lanes/{lane}.html" in files
        assert f"lanes/{lane}.md" in files
    index = files["index.html"].decode()
    workflow = document.workflows[0]
    assert workflow.label in parse_html(index).text
    for title in ("Lanes", "Intakes", "Exits", "Boards", "Metrics", "Cadences"):
        assert f"<h2>{title}</h2>" in index
    if not diagrams:
        assert "<svg" not in index
        assert not any(path.endswith(".svg") for path in files)
    else:
        for view in ("flow", "handoffs", "value-stream"):
            assert f'data-view="{view}"' in index
            assert f"diagrams/{view}.svg" in files
        assert "![Diagram of" in files["index.md"].decode()
        assert "[Open the full-size diagram](diagrams/flow.svg)" in files["index.md"].decode()


def test_an_svg_is_inlined_and_written_only_once_cleaned() -> None:
    diagram = Diagram(FAKE_SVG, "lanes/diagrams/eng.svg", "A")
    page = Page("lanes/eng", "Eng", (Heading(1, line("Eng")), diagram))
    for where in (write_html(page), diagram_file(diagram, page.key)):
        assert "<rect" in where
        assert "a &lt;b&gt; &amp; c" in where
        for gone in ("<script", "onload", "onclick", "javascript:", "<?xml", "<!DOCTYPE svg"):
            assert gone.lower() not in where.replace(ZOOM, "").lower()
    assert "![A](diagrams/eng.svg)" in write_markdown(page)


def test_lane_page_contents(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLES)
    files = build_handbook(api.load("software-delivery.wm"), None, None)
    page = files["lanes/eng.md"].decode()
    for expected in (
        "# Scheduling squad engineering",
        "**Owner:** Kenji Watanabe `@kenji`",
        "| Build `build` | lane owner | 6 | 1.5d | Code merged behind a feature flag",
        "## Handoffs in",
        "| ready for development | — | Ready for development `ready` | — | 75% |",
        "## Handoffs out",
        "| Ready for development `ready` | consults: [Scheduling squad engineering](eng.md) |",
        "Squad delivery board `squad_board`",
        "Delivery retrospective `retro`",
    ):
        assert expected in page
    platform = files["lanes/platform.md"].decode()
    assert "**Declared:** shared (imported or top level)" in platform
    assert "| release candidate | — | Approve a production deployment `deploy` | 1d |" in platform
    assert "Approve a production deployment `deploy` (shared) | decides: Erik Johansson `@erik`" in platform


def test_intakes_owned_by_a_member_are_on_the_lane_page(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLES)
    files = build_handbook(api.load("hiring.wm"), None, None)
    talent = files["lanes/talent.md"].decode()
    for intake in ("Careers page `applications`", "Employee referrals `referrals`", "Sourced by recruiters"):
        assert intake in talent
    assert "`applications`" not in files["lanes/panel.md"].decode()
    assert "| Kenji Watanabe `@kenji` | 30% | 1 FTE |" in files["lanes/panel.md"].decode()


def test_hostile_labels_are_escaped_everywhere() -> None:
    document = api.loads(HOSTILE)
    files = build_handbook(document, api.check_text(HOSTILE))
    _check_site(files)
    index = parse_html(files["index.html"].decode())
    text = "".join(index.text)
    assert "W <script>alert(1)</script> | # end\n🚀" in text
    assert 'Inbox, "quoted" | pipe' in text
    lane = parse_html(files["lanes/eng.html"].decode())
    assert "Eng | <script>alert(1)</script> # end\nsecond line, with comma 🚀" in "".join(lane.text)
    markdown = MarkdownIt("commonmark").enable("table")
    rendered = markdown.render(files["index.md"].decode())
    assert "<b>" not in rendered
    assert "<li>not a list" not in rendered
    ops = markdown.render(files["lanes/ops.md"].decode())
    assert '<a href="x">' not in ops
    assert "<h1>- list? 1. item `code` *bold* _it_ [link](x) \\ back &amp;amp; ~x~</h1>" in ops


def test_findings_grouped_by_severity() -> None:
    spec = 'person @a "A"\nworkflow w "W" {\n  owner @a\n  intake i { owner @a }\n  stage s { owner @a }\n'
    spec += "  exit e\n  i -> s\n  s -> e\n}\n"
    report = api.check_text(spec, path="spec.wm")
    assert report.diagnostics
    files = build_handbook(api.loads(spec, path="spec.wm"), report, None)
    page = files["findings.md"].decode()
    html = files["findings.html"].decode()
    for diagnostic in report.diagnostics:
        assert f"`{diagnostic.span}`" in page
        assert f"`{diagnostic.code}`" in page
        assert f"<code>{diagnostic.code}</code>" in html
    assert "## Warnings (" in page
    assert page.index("## Warnings") < page.index("## Information") if "## Information" in page else True
    assert "No findings" not in page


def test_clean_report_says_no_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLES)
    files = build_handbook(api.load("hiring.wm"), api.check(["hiring.wm"]), None)
    assert "No findings" in files["findings.md"].decode()
    assert "No findings" in files["index.md"].decode()


def test_several_workflows_get_a_folder_each() -> None:
    spec = """
person @a "A"
lane ops "Ops" { owner @a; members @a }
workflow first "First" {
  owner @a
  lane eng "Eng" { owner @a; members @a }
  intake i { owner @a }
  stage s in eng
  exit e
  i -> s
  s -> e
}
workflow con "Second" {
  owner @a
  intake i { owner @a }
  stage s in ops
  exit e
  i -> s
  s -> e
}
"""
    files = build_handbook(api.loads(spec), None)
    _check_site(files)
    assert {"first/index.html", "first/lanes/eng.html", "con_/index.html", "con_/lanes/ops.html"} <= set(
        files
    )
    assert "first/lanes/ops.html" not in files
    hub = files["index.md"].decode()
    assert "[First](first/index.md)" in hub
    assert "[Second](con_/index.md)" in hub
    assert "![Diagram of" not in hub  # each workflow's diagrams are on its own home page
    assert "![Diagram of First](diagrams/flow.svg)" in files["first/index.md"].decode()
    assert "first/diagrams/flow.svg" in files
    assert "[Home](../../index.md)" in files["first/lanes/eng.md"].decode()


def test_a_file_without_workflows_documents_its_shared_lanes() -> None:
    spec = 'person @a "A"\nlane ops "Ops" { owner @a; members @a }\ndecision d { decides ops }\n'
    files = build_handbook(api.loads(spec), None, None)
    _check_site(files)
    assert "lanes/ops.html" in files
    assert "Shared declarations" in files["index.md"].decode()


def test_safe_file_names() -> None:
    taken: set[str] = set()
    assert safe_file_name("eng", taken) == "eng"
    assert safe_file_name("eng", taken) == "eng_2"
    assert safe_file_name("con", taken) == "con_"
    assert safe_file_name("../etc/passwd", taken) == "___etc_passwd"
    assert safe_file_name("", taken) == "_"


def test_sanitize_svg_removes_only_active_content() -> None:
    svg = '<svg><g><text title="a>b" onmouseover="x()">keep &amp; me</text></g>'
    svg += "<foreignObject><p/></foreignObject></svg>"
    assert sanitize_svg(svg) == '<svg><g><text title="a>b">keep &amp; me</text></g></svg>'
    assert sanitize_svg("<svg><scr<script>x</script>ipt>alert(1)</script></svg>").count("<script") == 0


def test_pure_and_deterministic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    document = api.loads(HOSTILE)
    monkeypatch.chdir(tmp_path)
    first = build_handbook(document, api.check_text(HOSTILE))
    assert first == build_handbook(document, api.check_text(HOSTILE))
    assert not any(tmp_path.iterdir())


def test_joins_forks_conditions_and_hours_in_the_workflow_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLES)
    files = build_handbook(api.load("procurement.wm"), None, None)
    index = files["index.md"].decode()
    for expected in (
        "- **Hours:** 9-17 mon-fri (Office hours `office`)",
        "## Joins",
        "| Both reviews done `reviewed` | Security review ([Security engineering](lanes/security.md)) "
        "and Contract review ([Legal](lanes/legal.md)) | Place the order",
        "## Handoffs",
        "| From | To | Label | When | Gate | SLA | Chance |",
        # A fork is one row: its branches go all at once.
        "| Qualify and pick a vendor ([Procurement](lanes/buying.md)) | Security review "
        "([Security engineering](lanes/security.md)) and Contract review ([Legal](lanes/legal.md)) "
        "| vendor pack | — | — | — | 90%, all at once |",
        "| Both reviews done (join) | Prepare the spend request ([Procurement](lanes/buying.md)) "
        "| over 50k | total cost over 50k | — | — | 20% |",
    ):
        assert expected in index, expected
    # The join is no stage and sits in no lane.
    stages = index.split("## Stages")[1].split("## Joins")[0]
    assert "reviewed" not in stages
    legal = files["lanes/legal.md"].decode()
    assert "- **Hours:** 9-17 mon-thu" in legal
    assert "| vendor pack | — | — | — | 90%, one of 2 parallel branches |" in legal
    assert "| Contract review ([Legal](legal.md)) | Both reviews done (join) |" in legal
    buying = files["lanes/buying.md"].decode()
    assert "- **Hours:** as the workflow: 9-17 mon-fri (Office hours `office`)" in buying


def test_a_workflow_without_hours_shows_the_default_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLES)
    files = build_handbook(api.load("hiring.wm"), None, None)
    assert "- **Hours:** 9-17 mon-fri (default)" in files["index.md"].decode()
    assert "## Joins" not in files["index.md"].decode()
    assert "- **Hours:** as the workflow: 9-17 mon-fri (default)" in files["lanes/talent.md"].decode()


def test_hostile_joins_conditions_and_calendars_are_escaped() -> None:
    spec = HOSTILE_PARALLEL
    files = build_handbook(api.loads(spec), api.check_text(spec), None)
    _check_site(files)
    text = "".join(parse_html(files["index.html"].decode()).text)
    assert "8-16 mon-fri (Cal | <script>alert(1)</script> # `x` office)" in text
    assert "Join | <b>both</b> # [x](y) `j` both" in text
    assert "a < b | <i>c</i> # *d*" in text
    markdown = MarkdownIt("commonmark").enable("table")
    for page in ("index.md", "lanes/ops.md"):
        rendered = markdown.render(files[page].decode())
        for tag in ("<script", "<b>", "<i>", '<a href="y">'):
            assert tag not in rendered, (page, tag)


HOSTILE_PARALLEL = r"""
person @a "A"
calendar office "Cal | <script>alert(1)</script> # `x`" { hours 8-16 mon-fri }
lane ops "Ops" { owner @a; members @a; hours office }
workflow w "W" {
  owner @a
  hours office
  intake i { owner @a }
  stage s in ops
  stage t in ops
  join both "Join | <b>both</b> # [x](y) `j`"
  exit e
  i -> s, t
  s -> both
  t -> both
  both -> e { when "a < b | <i>c</i> # *d*" }
}
"""


def test_the_scorecard_page_has_every_workflows_scores_and_a_link_from_every_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from wmdsl import score

    monkeypatch.chdir(EXAMPLES)
    documents = [api.load("procurement.wm"), api.load("hiring.wm")]
    files = build_handbook(documents, None, None)
    _check_site(files)
    page = files["scorecard.md"].decode()
    expected = score.scores(score.check(["procurement.wm", "hiring.wm"]))
    for card in expected.workflows:
        scores = " | ".join(str(c.score) for c in card.components)
        assert f"| `{card.workflow}` | {scores} |" in page
    assert "HUM006" in page  # what lowers a score is named, with its place
    assert "(`procurement.wm:" in page
    for name, data in files.items():
        if name.endswith(".html"):
            assert "scorecard.html" in data.decode(), f"{name} has no link to the scorecards"


def test_hostile_text_on_the_scorecard_page_is_escaped() -> None:
    files = build_handbook(api.loads(HOSTILE), None, None)
    _check_site(files)
    rendered = MarkdownIt("commonmark").enable("table").render(files["scorecard.md"].decode())
    assert "<script>" not in rendered
    assert "<script>" not in files["scorecard.html"].decode()
