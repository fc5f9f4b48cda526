"""Property-based fuzzing: valid specs stay valid, nothing crashes, every output is well formed.

The strategies live in tests/fuzz/strategies.py; how to run more examples or
reproduce a failure is in docs/fuzzing.md. Example counts come from the
Hypothesis profile loaded in tests/conftest.py (``WMDSL_FUZZ_PROFILE``,
default ``ci``); the slow Graphviz property runs a fifth of them.
"""

from __future__ import annotations

import csv
import dataclasses
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from tests.fuzz import nightly
from tests.fuzz.strategies import Mutation, Spec, mutants, specs
from tests.test_render_graphviz import HOSTILE
from tests.test_render_mermaid import EDGE, NODE, STYLE_LINE, STYLING, SUBGRAPH
from tests.test_render_mermaid import KEYWORDS as MERMAID_KEYWORDS
from tests.test_render_mermaid import decode as mermaid_decode
from wmdsl import api
from wmdsl.diagnostics import Severity
from wmdsl.handbook import build_handbook
from wmdsl.handbook.html import ZOOM_SCRIPT
from wmdsl.handbook.svg import sanitize_svg
from wmdsl.model import Document
from wmdsl.project.settings import Overrides
from wmdsl.render import RenderError, render
from wmdsl.render.labels import clean, one_line

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
PATH = "fuzz.wm"
TEXT_FORMATS = ("dot", "mermaid", "bpmn", "json", "raci-md", "raci-csv", "board")
STRICT = Overrides(preset="strict")
FEWER = max(5, settings.default.max_examples // 5)
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")
LINE_BREAK = re.compile(r"\r\n|\r|\n")  # the language's line endings (docs/language.md)


# -- helpers ------------------------------------------------------------------


def language_errors(report: api.Report) -> list[str]:
    return [f"{d.span}: {d.code} {d.message}" for d in report.diagnostics if d.code.startswith("SYN")]


def assert_positions(text: str, report: api.Report) -> None:
    """Every diagnostic in ``text`` points inside it: lines and columns exist, the end is after the start.

    Lines are counted the way the language counts them (``\\n``, ``\\r\\n`` or
    ``\\r``); a position may be one past the end of a line (or on the line
    after the last one) to point at the end of the text.
    """
    lines = LINE_BREAK.split(text)
    for diagnostic in report.diagnostics:
        spans = [diagnostic.span, *(related.span for related in diagnostic.related)]
        for span in spans:
            if span.file != PATH:
                continue
            where = f"{diagnostic.code} {diagnostic.message!r} at {span}"
            assert 1 <= span.line <= len(lines) + 1, where
            assert span.col >= 1, where
            assert (span.end_line, span.end_col) >= (span.line, span.col), where
            assert span.end_line <= len(lines) + 1, where
            if span.line <= len(lines):
                assert span.col <= len(lines[span.line - 1]) + 1, where


def check(text: str) -> api.Report:
    """``api.check_text`` with every rule on, so that every rule sees the input."""
    return api.check_text(text, path=PATH, overrides=STRICT)


def strict_json(data: bytes) -> Any:
    """JSON as RFC 8259 has it: ``NaN`` and ``Infinity`` are not JSON."""

    def refuse(name: str) -> None:
        raise ValueError(f"not JSON: {name}")

    return json.loads(data.decode("utf-8"), parse_constant=refuse)


def scopes(document: Document) -> dict[object, Any]:
    return {"shared": document.shared, **{("workflow", w.name): w for w in document.workflows}}


def recorded(document: Document) -> tuple[dict[tuple[object, str], tuple[str, ...]], dict[Any, Any]]:
    """What the model holds, keyed like :class:`Spec` ``names`` and ``strings``."""
    names: dict[tuple[object, str], tuple[str, ...]] = {}
    strings: dict[tuple[object, str, str, str], Any] = {}
    for key, scope in scopes(document).items():
        for collection in (f.name for f in dataclasses.fields(scope)):
            items = getattr(scope, collection)
            if not isinstance(items, tuple) or not items or not hasattr(items[0], "span"):
                continue
            if collection == "handoffs":
                found = tuple(h.key for h in items)
                for h in items:
                    strings[(key, collection, h.key, "label")] = h.label
                    strings[(key, collection, h.key, "condition")] = h.condition
            elif hasattr(items[0], "name"):
                found = tuple(item.name for item in items)
                for item in items:
                    for field in ("title", "description", "purpose", "done", "channel", "criteria"):
                        if hasattr(item, field):
                            strings[(key, collection, item.name, field)] = getattr(item, field)
            else:
                continue
            names[(key, collection)] = found
        if key != "shared":
            for field in ("title", "purpose", "description"):
                strings[(key, "workflows", scope.name, field)] = getattr(scope, field)
    return names, strings


END = ("workflow", "end")


# -- 1. valid specs are valid, and their model is what was written ------------


@given(specs())
@example(
    Spec(
        text='person @a "A"\nworkflow end "x\\u{202E}y" {\n  intake graph\n  stage style "]]>"\n'
        "  exit node\n  graph -> style\n  style -> node\n  metric from { from to to to }\n"
        '  board b { shows graph; audience @a }\n  intake to """\n    \\r;\n      x\n    """\n'
        "  to -> node\n}\n",
        newline="\n",
        workflows=("end",),
        names={
            ("shared", "people"): ("@a",),
            (END, "intakes"): ("graph", "to"),
            (END, "stages"): ("style",),
            (END, "exits"): ("node",),
            (END, "handoffs"): ("graph->style", "style->node", "to->node"),
            (END, "boards"): ("b",),
            (END, "metrics"): ("from",),
        },
        strings={
            (END, "stages", "style", "title"): "]]>",
            (END, "workflows", "end", "title"): "x\u202ey",
            (END, "intakes", "to", "title"): "\r;\n  x",
        },
    )
)
def test_generated_specs_resolve_and_round_trip_through_json(spec: Spec) -> None:
    parsed = api.parse(spec.text, PATH)
    assert not parsed.errors, [f"{d.span}: {d.message}" for d in parsed.errors]
    report = check(spec.text)
    assert not language_errors(report), language_errors(report)
    assert_positions(spec.text, report)

    document = api.loads(spec.text, path=PATH)
    assert sorted(w.name for w in document.workflows) == sorted(spec.workflows)
    names, strings = recorded(document)
    assert set(names) == set(spec.names)
    for key, expected in spec.names.items():  # in any order: declarations are written shuffled
        assert sorted(names[key]) == sorted(expected), key
    for key, value in spec.strings.items():
        assert strings[key] == value, key

    # The same spec saved with other line endings means the same.
    for newline in ("\n", "\r\n", "\r"):
        assert api.loads(LINE_BREAK.sub(newline, spec.text), path=PATH) == document, repr(newline)

    data = document.model_dump(mode="json")
    json.dumps(data, allow_nan=False)
    again = type(document).model_validate(data)
    assert again == document
    assert render(again, "json") == render(document, "json")


# -- 2. nothing crashes, and every diagnostic points into the file -------------


@given(mutants())
@example(
    (
        Spec(text="", newline="\n", workflows=(), names={}, strings={}),
        [Mutation("insert", 0, "workflow w {\x00 stage \ufffd\u2028}")],
        "workflow w {\x00 stage \ufffd\u2028}",
    )
)
def test_mutated_specs_never_crash(case: tuple[Spec, list[Mutation], str]) -> None:
    _, _, text = case
    report = check(text)
    assert_positions(text, report)
    if not any(d.severity is Severity.ERROR and d.code.startswith("SYN") for d in report.diagnostics):
        # A mutant that is still valid must still render.
        document = api.loads(text, path=PATH)
        out = {name: render(document, name) for name in TEXT_FORMATS}
        strict_json(out["json"])
        build_handbook(document, report, None)


@given(st.text())
@example("\r".join(["person @a", "lane l {", "  owner @nobody", "}", "x = 1"]))
@example("\ufeff" + "{" * 50 + "\x00")
def test_arbitrary_text_never_crashes(text: str) -> None:
    report = check(text)
    assert_positions(text, report)


# -- 3. every renderer writes well-formed output -------------------------------


class _Html(HTMLParser):
    """Tags balance (void elements aside); collects what is wrong."""

    VOID = frozenset(
        {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" or any(name.startswith("on") for name, _ in attrs):
            self.errors.append(f"active content <{tag} {attrs}>")
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


def assert_html(text: str, where: str) -> None:
    text = text.replace(f"<script>{ZOOM_SCRIPT}</script>", "", 1)  # the one script a page may hold
    assert "<script" not in text.lower(), where
    parser = _Html()
    parser.feed(text)
    parser.close()
    assert not parser.errors, (where, parser.errors)
    assert not parser.stack, (where, parser.stack)


def table_cells(line: str) -> int:
    """Cells of a Markdown table row: unescaped ``|`` between the outer ones."""
    assert line.startswith("|"), line
    assert line.endswith("|"), line
    pipes, escaped = 0, False
    for ch in line:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "|":
            pipes += 1
    return pipes - 1


def assert_markdown_tables(text: str) -> None:
    """Each table keeps one column count from its header to its last row."""
    tables: list[list[str]] = [[]]
    for line in text.split("\n"):
        if line.startswith("|"):
            tables[-1].append(line)
        elif tables[-1]:
            tables.append([])
    tables = [table for table in tables if table]
    for table in tables:
        assert len({table_cells(row) for row in table}) == 1, table
    rendered = MarkdownIt("commonmark").enable("table").render(text)
    assert rendered.count("<table>") == len(tables)
    assert "<script" not in rendered.lower()


def parse_mermaid(
    chart: str,
) -> tuple[dict[str, tuple[str, str]], list[tuple[str, str, str | None, str]], dict[str, str]]:
    """Nodes, edges and subgraphs; fails on any line outside what the renderer emits.

    The grammar of tests/test_render_mermaid.py, with lines split at ``\\n``,
    the only line break it may hold (no U+2028, no CR: see
    test_mermaid_labels_hold_no_unicode_line_separators).
    """
    lines = chart.split("\n")
    assert lines[0] == "flowchart LR"
    assert lines[-1] == ""
    assert chart.splitlines() == lines[:-1], "a line break other than \\n"
    nodes: dict[str, tuple[str, str]] = {}
    edges: list[tuple[str, str, str | None, str]] = []
    subgraphs: dict[str, str] = {}
    depth = 0
    for line in lines[1:-1]:
        text = line.strip(" ")
        if match := NODE.fullmatch(text):
            assert match[1] not in nodes
            nodes[match[1]] = (match[2], match[3])
        elif match := EDGE.fullmatch(text):
            edges.append((match[1], match[2], match[3], match[4]))
        elif match := SUBGRAPH.fullmatch(text):
            assert match[1] not in subgraphs
            subgraphs[match[1]] = match[2]
            depth += 1
        elif text == "end":
            depth -= 1
            assert depth >= 0
        else:
            assert STYLING.fullmatch(text), f"line outside the expected grammar: {line!r}"
        assert not STYLE_LINE.search(line), line
    assert depth == 0
    return nodes, edges, subgraphs


def assert_mermaid(chart: str, document: Document) -> None:
    nodes, edges, subgraphs = parse_mermaid(chart)  # every line in the emitted grammar, no raw `"`
    assert "%%" not in chart
    assert "`" not in chart
    assert "<script" not in chart.lower()
    for label in (
        [label for _, label in nodes.values()] + [e[2] for e in edges if e[2]] + list(subgraphs.values())
    ):
        bare = label.replace("<br/>", "")
        assert not set(bare) & set('"<>|&\\'), label
        assert re.fullmatch(r"([^#]|#\w+;)*", bare), label
    for id_ in [*nodes, *subgraphs]:
        assert id_.lower() not in MERMAID_KEYWORDS, id_
    assert all(source in nodes and target in nodes for source, _, _, target in edges)
    # The text shown is the text written.
    prefix = len(document.workflows) > 1
    for number, workflow in enumerate(document.workflows, start=1):
        start = f"w{number}_" if prefix else ""
        for intake in workflow.intakes:
            assert mermaid_decode(nodes[f"{start}in_{intake.name}"][1]).startswith(one_line(intake.label))
        for stage in workflow.stages:
            assert mermaid_decode(nodes[f"{start}st_{stage.name}"][1]).startswith(clean(stage.label))
        for exit_ in workflow.exits:
            assert mermaid_decode(nodes[f"{start}ex_{exit_.name}"][1]) == one_line(exit_.label)
        for join in workflow.joins:
            assert mermaid_decode(nodes[f"{start}jn_{join.name}"][1]) == f"+ {one_line(join.label)}"


def assert_csv(text: str) -> None:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows, text
    width = len(rows[0])
    for row in rows:
        assert len(row) == width, row
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def assert_outputs(document: Document, report: api.Report) -> None:
    out = {name: render(document, name) for name in TEXT_FORMATS}
    ET.fromstring(out["bpmn"])
    strict_json(out["json"])
    strict_json(out["board"])
    assert_csv(out["raci-csv"].decode("utf-8"))
    assert_markdown_tables(out["raci-md"].decode("utf-8"))
    assert_mermaid(out["mermaid"].decode("utf-8"), document)
    for path, content in build_handbook(document, report, None).items():
        text = content.decode("utf-8")
        if path.endswith(".svg"):
            ET.fromstring(text)
            assert sanitize_svg(text) == text.strip(), path  # written clean: nothing left to remove
        elif path.endswith(".html"):
            assert_html(text, path)
        else:
            assert_markdown_tables(text)
            assert_html(MarkdownIt("commonmark").enable("table").render(text), path)


@given(specs())
def test_every_renderer_writes_well_formed_output(spec: Spec) -> None:
    document = api.loads(spec.text, path=PATH)
    assert_outputs(document, check(spec.text))


@needs_dot
@settings(max_examples=FEWER)
@given(specs())
def test_graphviz_accepts_every_dot_output(spec: Spec) -> None:
    document = api.loads(spec.text, path=PATH)
    source = render(document, "dot")
    result = subprocess.run(["dot", "-Tsvg"], input=source, capture_output=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert b"syntax error" not in result.stderr, result.stderr
    svg = result.stdout.decode("utf-8")
    ET.fromstring(svg)
    diagram = sanitize_svg(svg)
    assert "<script" not in diagram.lower()
    assert ET.tostring(ET.fromstring(diagram)) == ET.tostring(ET.fromstring(svg))  # nothing to remove


# -- 4. determinism -------------------------------------------------------------


def outputs(text: str) -> tuple[list[Any], dict[str, bytes], dict[str, bytes]]:
    report = check(text)
    document = api.loads(text, path=PATH)
    diagnostics = [(d, d.subjects) for d in report.diagnostics]
    return (
        diagnostics,
        {name: render(document, name) for name in TEXT_FORMATS},
        build_handbook(document, report, None),
    )


@given(specs())
def test_checking_and_rendering_twice_gives_the_same_result(spec: Spec) -> None:
    assert outputs(spec.text) == outputs(spec.text)


def run_with_hash_seed(seed: str, args: Iterable[str]) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONHASHSEED": seed, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "wmdsl", *args],
        cwd=EXAMPLES,
        env=env,
        capture_output=True,
        timeout=300,
        check=False,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize(
    "args",
    [
        # Over every example (also examples/broken): enough files to check them in parallel.
        ("check", "--format", "json", "--preset", "strict", "--no-cache", "--no-color", "."),
        ("render", "--to", "bpmn", "software-delivery.wm"),
        ("render", "--to", "mermaid", "hiring.wm"),
    ],
    ids=["check-json", "render-bpmn", "render-mermaid"],
)
def test_output_does_not_depend_on_the_hash_seed(args: tuple[str, ...]) -> None:
    results = [run_with_hash_seed(seed, args) for seed in ("0", "1", "random")]
    assert results[0].returncode in (0, 1), results[0].stderr
    assert results[0].stdout
    for result in results[1:]:
        assert result.returncode == results[0].returncode
        assert result.stdout == results[0].stdout


# -- regressions found by the fuzzers (docs/fuzzing.md, "Open findings") ----------


SMALL = """
person @a
workflow w {
  intake i "INTAKE"
  stage s "STAGE" { owner @a }
  exit e
  i -> s { gate d }
  s -> e
  decision d "DECISION" { decides @a }
}
"""


@pytest.mark.parametrize(
    ("written", "title"),
    [
        ("a\\rb", "a\rb"),
        ("a\\r", "a\r"),
        ("\\rb", "'\rb"),  # the formula guard, then quoted
        ("a\\r\\nb\\nc", "a\r\nb\nc"),
        ('say \\"hi\\", then', 'say "hi", then'),
    ],
)
def test_raci_csv_quotes_a_lone_carriage_return(written: str, title: str) -> None:
    spec = SMALL.replace('"DECISION"', f'"{written}"')
    text = render(api.loads(spec), "raci-csv").decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert [row[:3] for row in rows] == [["Workflow", "Decision", "Title"], ["w", "d", title]]
    quoted = '"' + title.replace('"', '""') + '"'
    assert text.split("\n", 1)[1].startswith(f"w,d,{quoted},"), text
    assert text.endswith("\n")


# Every character str.splitlines() ends a line at, besides "\n" (CR LF too).
SPLITLINES_BREAKS = ("\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


@pytest.mark.parametrize("brk", SPLITLINES_BREAKS, ids=[repr(b) for b in SPLITLINES_BREAKS])
def test_mermaid_labels_hold_no_unicode_line_separators(brk: str) -> None:
    spec = (
        SMALL.replace("i -> s { gate d }", 'i -> s "h~j" { gate d }')
        .replace('"INTAKE"', '"i~e"')
        .replace('"STAGE"', '"s~e"')
        .replace('"DECISION"', '"d~n"')
        .replace("person @a", 'person @a "n~m"')
        .replace("workflow w", 'workflow w "v~w"')
        .replace("~", "".join(f"\\u{{{ord(c):x}}}" for c in brk))
    )
    document = api.loads(spec)
    assert document.workflows[0].title == f"v{brk}w"
    for name in ("mermaid", "dot", "raci-md"):  # CSV keeps the text as written, quoted where needed
        text = render(document, name).decode("utf-8")
        assert text.splitlines() == text.split("\n")[:-1], name
    nodes, edges, _ = parse_mermaid(render(document, "mermaid").decode("utf-8"))
    is_break = brk in ("\r", "\r\n", "\u2028", "\u2029")  # a line break; the others are controls
    shown = "\n" if is_break else "\ufffd"  # inside a label with several lines
    flat = " " if is_break else "\ufffd"  # inside a one-line label
    assert mermaid_decode(nodes["in_i"][1]) == f"i{flat}e"
    assert mermaid_decode(nodes["st_s"][1]) == f"s{shown}e\nn{shown}m"  # title, then the owner
    assert [mermaid_decode(e[2]) for e in edges if e[2]] == [f"h{shown}j\n◆ gate: d{flat}n"]


SVG_NAMESPACES = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'


@pytest.mark.parametrize(
    "value",
    [
        "Done when: ready when online = true",  # from a stage with `done "ready when online = true"`
        'x" onload="alert(1)',
        "a onclick=b",
        "javascript:alert(1)",
        "<script>",
    ],
)
def test_svg_sanitizer_keeps_attribute_values_whole(value: str) -> None:
    # Graphviz writes the done text as the tooltip `xlink:title="Done when: …"`.
    quoted = value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
    svg = f'<svg {SVG_NAMESPACES}><g><a xlink:title="{quoted}"><text>x</text></a></g></svg>'
    cleaned = sanitize_svg(svg)
    assert cleaned == svg
    link = ET.fromstring(cleaned).find(".//{*}a")
    assert link is not None
    assert link.get("{http://www.w3.org/1999/xlink}title") == value
    # The same value next to real event attributes and a script link: only those go.
    hostile = svg.replace("<a ", '<a onclick="x()" xlink:href=" &#106;avascript:y()" ').replace(
        "<g>", "<g onmouseover='z()'>"
    )
    assert sanitize_svg(hostile) == svg


@pytest.mark.parametrize(
    ("svg", "cleaned"),
    [
        # HTML ends a comment at `<!-->` and a processing instruction at the first `>`.
        ("<svg><!--> <svg onload='x()'> --><?pi > <g onclick='y()'> ?><g/></svg>", "<svg><g/></svg>"),
        # HTML inside <title> reads CDATA as a bogus comment that ends at the first `>`.
        (
            "<svg><title><![CDATA[> <img onerror='x()'>]]></title></svg>",
            "<svg><title>&gt; &lt;img onerror='x()'&gt;</title></svg>",
        ),
        (
            "<svg><a><set attributeName='href' to='javascript:x()'/><animate><g/></animate>t</a></svg>",
            "<svg><a>t</a></svg>",
        ),
        ('<svg><a href="data:text/html,x" HREF="#ok"/></svg>', '<svg><a HREF="#ok"/></svg>'),
        # Not well-formed, or an entity to expand: nothing is inlined.
        ("<svg><scr<script>x</script>ipt>alert(1)</script></svg>", ""),
        ('<!DOCTYPE svg [<!ENTITY e "x">]><svg>&e;</svg>', ""),
        ('<!DOCTYPE svg [<!ENTITY a "]"><!ENTITY b "<svg onload=\'x()\'>">]><svg>&b;</svg>', ""),
    ],
)
def test_svg_sanitizer_leaves_html_nothing_to_read_differently(svg: str, cleaned: str) -> None:
    assert sanitize_svg(svg) == cleaned


HUGE = "9" * 400  # float() reads it as infinity


@pytest.mark.parametrize(
    ("before", "after", "number"),
    [
        ("person @a", "person @a { capacity # }", HUGE),
        ("{ owner @a }", "{ owner @a; effort #h }", HUGE + "h"),
        ("{ owner @a }", "{ owner @a; effort #w }", "9" * 308 + "w"),  # finite, but not once in hours
        ("{ owner @a }", "{ owner @a; wip # }", HUGE),  # int(inf) used to raise OverflowError
        ("decides @a }", "decides @a; escalates @a after #d }", "1" + "0" * 15 + "d"),
        ("{ gate d }", "{ gate d; sla #h }", "1" + "0" * 20 + "h"),
        ('intake i "INTAKE"', 'intake i "INTAKE" { arrivals # per week }', HUGE),
        ("{ gate d }", "{ gate d; chance #% }", HUGE + "%"),
        ("{ owner @a }", "{ owner @a; effort #m }", "-" + HUGE + "m"),
    ],
)
def test_numbers_beyond_float_range_do_not_reach_the_json(before: str, after: str, number: str) -> None:
    spec = SMALL.replace(before, after.replace("#", number.rstrip("hdwm%")))
    report = check(spec)
    errors = [d for d in report.diagnostics if d.code.startswith("SYN")]
    assert [d.code for d in errors] == ["SYN005"], [d.message for d in errors]
    digits = len(number.strip("-hdwm%"))
    shown = f"`{number[:12]}…{number[-8:]}` ({digits} digits)" if len(number) > 30 else f"`{number}`"
    size = "small" if number.startswith("-") else "large"
    assert errors[0].message == f"number {shown} is too {size}"
    (error,) = errors
    line = spec.split("\n")[error.span.line - 1]
    assert line[error.span.col - 1 : error.span.end_col - 1] == number
    assert error.hint == "a number has at most 15 digits before the point (up to 999999999999999)"


def test_the_largest_numbers_reach_the_json_as_numbers() -> None:
    largest = "9" * 15
    spec = SMALL.replace("{ owner @a }", f"{{ owner @a; effort {largest}.99w; wip {largest} }}").replace(
        "person @a", f"person @a {{ capacity {largest} }}"
    )
    assert not language_errors(check(spec))
    data = strict_json(render(api.loads(spec), "json"))
    assert data["shared"]["people"][0]["capacity"] == float(largest)


def test_json_output_refuses_what_is_not_json() -> None:
    data = api.loads(SMALL).model_dump(mode="json")
    data["shared"]["people"][0]["capacity"] = float("inf")
    with pytest.raises(RenderError, match="JSON cannot represent"):
        render(Document.model_validate(data), "json")


# -- the atheris entry point (tests/fuzz/nightly.py) runs without atheris ----------


@pytest.mark.parametrize(
    "data",
    [HOSTILE.encode("utf-8"), SMALL.encode("utf-8"), b"\xff\xfe{\x00", b""],
    ids=["hostile", "small", "garbage", "empty"],
)
def test_atheris_target_never_raises(data: bytes) -> None:
    nightly.one_input(data)


def test_atheris_entry_point_explains_a_missing_atheris(capsys: pytest.CaptureFixture[str]) -> None:
    if importlib.util.find_spec("atheris") is not None:
        pytest.skip("atheris is installed")
    assert nightly.main(["nightly"]) == 2
    assert "pip install atheris" in capsys.readouterr().err
