"""RACI matrices: letters, order, escaping, CSV round trips (goldens: tests/test_goldens.py)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt

from wmdsl import api
from wmdsl.model import Document
from wmdsl.render.raci import (
    csv_safe,
    escape_block_start,
    escape_markdown,
    raci_table,
    render_raci_csv,
    render_raci_markdown,
)

# Labels that try to break every output format: quotes, HTML, table pipes,
# headings, keywords, escaped newlines, emoji, commas, Markdown and formulas.
HOSTILE = r"""
person @ana "Ana \"The Boss\" O'Neil <script>alert(1)</script>"
person @raj "=HYPERLINK(\"x\") | # end, 🚀"
lane eng "Eng | <script>alert(1)</script> # end\nsecond line, with comma 🚀" {
  owner @ana; members @ana 50%, @raj
}
lane ops "- list? 1. item `code` *bold* _it_ [link](x) \\ back &amp; ~x~" { owner @raj; members @raj }
workflow w "W <script>alert(1)</script> | # end\n🚀" {
  owner @ana
  purpose "Line one\n\n- not a list\n1. not a list\n<script>alert(1)</script>"
  intake inbox "Inbox, \"quoted\" | pipe" {
    owner @ana; channel "<script>alert(1)</script>"; criteria "a | b\nc"; arrivals 2 per week
  }
  stage triage "Triage | <b>bold</b>\nnext" in eng {
    wip 2; effort 1h; done "Done when \"x\" | y\n# heading?"
  }
  stage fix "Fix 🚀, now" in ops { wip 1; done "end" }
  exit finished "Done | <script>alert(1)</script>"
  exit nope "No, ' \"" { kind rejected }
  inbox -> triage "in | <i>label</i>"
  triage -> fix "to fix\nnow" { gate go; sla 1d; chance 60% }
  triage -> nope { chance 40% }
  fix -> triage "back | again" { rework; chance 10% }
  fix -> finished
  decision go "Go? | <script>alert(1)</script>\n# end" {
    decides @ana; recommends eng; approves @raj; consults ops; informs eng; escalates @raj after 1d
  }
  board main "Board | <script>alert(1)</script>" {
    owner @ana; shows inbox, triage, fix, finished; audience eng, ops
  }
  metric lt "Lead | time" { from inbox to finished; target 5d at 85% }
  cadence weekly "Weekly, \"sync\"" { owner @ana; every 1w; reviews main, triage }
}
"""

SMALL = """
person @dana "Dana Ruiz"
person @lee "Lee Chen"
person @omar "Omar Haddad"
lane eng "Engineering" { owner @omar; members @omar }
lane qa "Quality" { owner @dana; members @dana }
decision budget "Approve budget" { decides @dana; escalates @lee }
decision unused "Never gated" { decides @omar }
workflow delivery "Delivery" {
  owner @dana
  intake requests { owner @lee }
  stage triage in eng
  exit shipped
  requests -> triage
  triage -> shipped { gate scope }
  decision scope "Approve scope" {
    decides @lee
    recommends eng
    approves @dana
    consults @omar
    informs qa
    escalates @dana after 3d
    escalates budget
    delegate @dana
  }
}
"""


def _csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _markdown_tables(text: str) -> list[list[list[str]]]:
    """Every table of ``text`` as rows of cell texts, as a GFM renderer sees them."""
    html = MarkdownIt("commonmark").enable("table").render(text)

    class Tables(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.tables: list[list[list[str]]] = []
            self.cell: list[str] | None = None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "table":
                self.tables.append([])
            elif tag == "tr":
                self.tables[-1].append([])
            elif tag in ("td", "th"):
                self.cell = []
            elif tag == "br" and self.cell is not None:
                self.cell.append("\n")

        def handle_endtag(self, tag: str) -> None:
            if tag in ("td", "th") and self.cell is not None:
                self.tables[-1][-1].append("".join(self.cell))
                self.cell = None

        def handle_data(self, data: str) -> None:
            if self.cell is not None:
                self.cell.append(data)

    parser = Tables()
    parser.feed(html)
    return parser.tables


def test_letters_follow_the_legend() -> None:
    document = api.loads(SMALL)
    header, *rows = raci_table(document)
    assert header[:4] == ["Workflow", "Decision", "Title", "Escalation"]
    cells = {row[1]: dict(zip(header[4:], row[4:], strict=True)) for row in rows}
    assert cells["scope"] == {
        "Lee Chen (@lee)": "A",
        "Engineering (eng)": "R",
        "Dana Ruiz (@dana)": "Ap/E/B",
        "Omar Haddad (@omar)": "C",
        "Quality (qa)": "I",
    }
    assert cells["budget"]["Dana Ruiz (@dana)"] == "A"
    assert cells["budget"]["Lee Chen (@lee)"] == "E"


def test_rows_are_own_decisions_then_used_shared_ones() -> None:
    rows = raci_table(api.loads(SMALL))[1:]
    # `budget` is reached through an escalation of `scope`; `unused` is not used.
    assert [row[1] for row in rows] == ["scope", "budget"]
    assert rows[0][3] == "Dana Ruiz (@dana) after 3d; decision Approve budget (budget)"


def test_parties_in_order_of_first_appearance() -> None:
    header = raci_table(api.loads(SMALL))[0]
    assert header[4:] == [
        "Lee Chen (@lee)",
        "Engineering (eng)",
        "Dana Ruiz (@dana)",
        "Omar Haddad (@omar)",
        "Quality (qa)",
    ]


def test_without_workflows_the_shared_decisions_are_listed() -> None:
    document = api.loads('person @dana "Dana"\ndecision budget "Budget" { decides @dana }\n')
    assert raci_table(document)[1][:3] == ["", "budget", "Budget"]
    assert "## Shared decisions" in render_raci_markdown(document)


def test_markdown_has_a_legend_under_the_table() -> None:
    text = render_raci_markdown(api.loads(SMALL))
    table_end = text.rindex("|")
    legend = text.index("**Legend**")
    assert table_end < legend
    assert "- **A**: `decides`, accountable" in text
    assert "RACI's A" in text
    [table] = _markdown_tables(text)
    assert table[0][:3] == ["Decision", "Escalation", "@lee (Lee Chen)"]
    assert table[1][:4] == [
        "Approve scope (scope)",
        "@dana (Dana Ruiz) after 3d; decision Approve budget (budget)",
        "A",
        "R",
    ]


def test_csv_round_trips_to_the_same_cells() -> None:
    for text in (SMALL, HOSTILE):
        document = api.loads(text)
        expected = [[csv_safe(cell) for cell in row] for row in raci_table(document)]
        rows = _csv_rows(render_raci_csv(document))
        assert rows == expected
        assert len({len(row) for row in rows}) == 1


def test_csv_uses_newline_endings_and_guards_formulas() -> None:
    text = render_raci_csv(api.loads(HOSTILE))
    assert "\r" not in text
    assert text.endswith("\n")
    header = _csv_rows(text)[0]
    assert '\'=HYPERLINK("x") | # end, 🚀 (@raj)' in header
    assert "'- list? 1. item `code` *bold* _it_ [link](x) \\ back &amp; ~x~ (ops)" in header
    assert 'Ana "The Boss" O\'Neil <script>alert(1)</script> (@ana)' in header


def test_hostile_labels_keep_the_markdown_table_intact() -> None:
    text = render_raci_markdown(api.loads(HOSTILE))
    [table] = _markdown_tables(text)
    assert {len(row) for row in table} == {6}
    header, row = table
    assert header[2] == '@ana (Ana "The Boss" O\'Neil <script>alert(1)</script>)'
    assert header[3] == "eng (Eng | <script>alert(1)</script> # end\nsecond line, with comma 🚀)"
    assert header[5] == "ops (- list? 1. item `code` *bold* _it_ [link](x) \\ back &amp; ~x~)"
    assert row[0] == "Go? | <script>alert(1)</script>\n# end (go)"
    assert row[2:] == ["A", "R/I", "Ap/E", "C"]
    html = MarkdownIt("commonmark").enable("table").render(text)
    assert "<script" not in html
    assert "<b>" not in html


@pytest.mark.parametrize("render", [render_raci_markdown, render_raci_csv])
def test_output_is_deterministic(render: Callable[[Document], str]) -> None:
    assert render(api.loads(HOSTILE)) == render(api.loads(HOSTILE))


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("a|b", "a\\|b"),
        ("<script>", "\\<script\\>"),
        ("*x* _y_ `z` [l] # ~s~ & \\", "\\*x\\* \\_y\\_ \\`z\\` \\[l\\] \\# \\~s\\~ \\& \\\\"),
        ("one\ntwo\r\nthree\rfour", "one<br>two<br>three<br>four"),
        ("tab\there\x00", "tab here "),
    ],
)
def test_escape_markdown(text: str, escaped: str) -> None:
    assert escape_markdown(text) == escaped


@pytest.mark.parametrize(
    ("text", "escaped"),
    [("- x", "\\- x"), ("1. x", "1\\. x"), ("12) x", "12\\) x"), ("+", "\\+"), ("a-b", "a-b")],
)
def test_escape_block_start(text: str, escaped: str) -> None:
    assert escape_block_start(text) == escaped
