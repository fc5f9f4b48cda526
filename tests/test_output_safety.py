"""Every output is safe to print in a CI log and to open in the program it is for.

``wmdsl check`` runs on pull requests, so the text of a spec and the names of
its files are written by whoever opens one. Whatever they hold, no output may
start a line with a workflow command of GitHub Actions (``::warning::``,
``::stop-commands::``) or Azure Pipelines (``##[``, ``##vso[``), carry a
terminal escape sequence or a bidirectional control, be XML that a strict
parser refuses, or hold a CSV cell that a spreadsheet runs as a formula.

The formats are read from their registries, so a new one is covered as soon
as it is registered.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import unicodedata
import xml.dom.minidom
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wmdsl import api
from wmdsl.diagnostics import Diagnostic, Related, Severity
from wmdsl.diagnostics.report import Baselined, BaselineEntry
from wmdsl.diff import Diff, compare_paths
from wmdsl.diff.formats import FORMATS as DIFF_FORMATS
from wmdsl.flow.analysis import analyze
from wmdsl.handbook.html import CSS
from wmdsl.model import Document
from wmdsl.model.span import Span
from wmdsl.output import FORMATTERS
from wmdsl.output.analysis import format_analysis_json, format_analysis_text
from wmdsl.output.safe import (
    Escape,
    character_reference,
    for_csv,
    for_json,
    for_markdown,
    for_terminal,
    for_xml,
    no_commands,
    visible,
    xml_chars,
)
from wmdsl.render import RENDERERS, RenderError, render
from wmdsl.render.raci import csv_safe

# What an attacker would put in a title, a text block or a file name: a new
# line that is a workflow command, a command that stops command processing (so
# that the tool's own annotations are ignored), colour and hyperlink escape
# sequences, a right-to-left override, the two characters XML cannot hold,
# Azure Pipelines commands and a line break that is not "\n".
PAYLOAD = (
    "a\n::warning::x\n::stop-commands::tok\n  ::error file=a.wm::y \x1b[31mred\x1b[0m "
    "\x1b]8;;http://x\x07link\x1b]8;;\x07 \u202eevil\u2066 \ufffe\uffff "
    "##[error]z ##vso[task.setvariable variable=x]w \u2028::notice::u\r::debug::v"
)
# A file name cannot hold "/" or NUL; everything else goes.
FILE_NAME = "x\n::warning::file\x1b[31m\u202e\ufffe ##[error]f.wm"
# Not UTF-8: Python names the file with a lone surrogate (U+DCFF).
RAW_FILE_NAME = b"raw\xff\n::error::z.wm"


def wm(text: str) -> str:
    """``text`` as a string literal of the language (anything unusual as ``\\u{…}``)."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif " " <= char <= "~":
            out.append(char)
        else:
            out.append(f"\\u{{{ord(char):x}}}")
    return '"' + "".join(out) + '"'


P = wm(PAYLOAD)
# Raw lines in a text block (escapes inside it are decoded too).
BLOCK = '"""\n    ::warning::block\n    ::stop-commands::t\n    \\u{1b}[2J\\u{202e}\n    """'

SPEC = f"""
person @ana {P}
person @raj {P} {{ description {P} }}
calendar office {P} {{ hours 8-16 mon-fri; description {P} }}
lane eng {P} {{ owner @ana; members @ana, @raj; purpose {P}; description {P}; hours office }}
workflow w {P} {{
  owner @ana
  purpose {P}
  description {BLOCK}
  hours office
  intake inbox {P} {{ owner @ana; channel {P}; criteria {P}; arrivals 2 per week; description {P} }}
  stage triage {P} in eng {{ wip 2; effort 1h; done {P}; description {P} }}
  stage fix {BLOCK} in eng {{ wip 1; effort 2h; done {BLOCK} }}
  stage check {P} in eng {{ wip 1; effort 1h; done {P} }}
  join both {P}
  exit finished {P} {{ description {P} }}
  exit nope {P} {{ kind rejected }}
  inbox -> triage {P}
  triage -> fix, check {P} {{ gate go; sla 1d; chance 60%; when {P} }}
  triage -> nope {{ chance 40% }}
  fix -> triage {BLOCK} {{ rework; chance 10% }}
  fix -> both
  check -> both
  both -> finished {P} {{ when {P} }}
  decision go {P} {{
    decides @ana; recommends eng; approves @raj; consults eng; informs @raj; escalates @raj after 1d
  }}
  board main {P} {{ owner @ana; shows inbox, triage, fix, finished; audience eng; description {P} }}
  metric lt {P} {{ from inbox to finished; target 5d at 85% }}
  cadence weekly {P} {{ owner @ana; every 1w; reviews main, triage }}
}}
"""
# Language errors whose messages quote the wrong value: a text block where a
# number belongs, and a string full of escape sequences.
BROKEN = f"""
workflow w {P} {{
  stage s {P} {{ wip {BLOCK} }}
  stage t {{ wip {P} }}
  stage u {{ effort {P} }}
}}
unknown {P}
"""

# Lines a terminal or a CI runner would act on, and characters that hide text or
# that a terminal acts on: C0 controls but tab and newline, DEL, C1 controls,
# bidirectional controls, line and paragraph separators, lone surrogates.
UNSAFE_CHARACTER = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]"
)
# What the GitHub format prints itself: one command per finding, user values escaped.
OWN_COMMAND = re.compile(
    r"::(error|warning|notice) file=[^:,\n]*,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,"
    r"title=[^:,\n]*::[^\n]*"
)
SGR = re.compile("\x1b\\[[0-9;]*m")  # colours and bold, what `--format text` writes on a terminal


def _skeleton(line: str) -> str:
    """``line`` as a runner may compare it: format characters ignored, leading whitespace trimmed."""
    return "".join(c for c in line if unicodedata.category(c) != "Cf").lstrip()


def assert_log_safe(text: str, *, own_commands: bool = False, carriage_returns: bool = False) -> None:
    """No line of ``text`` is a command to a CI runner, and no character a terminal acts on.

    CSV keeps the carriage returns of quoted fields (``carriage_returns``).
    """
    text.encode("utf-8")  # no lone surrogate
    found = UNSAFE_CHARACTER.search(text.replace("\r", "") if carriage_returns else text)
    assert found is None, f"{found.group()!r} at {found.start()}: {text[max(found.start() - 40, 0) :][:80]!r}"
    for line in text.splitlines():
        skeleton = _skeleton(line)
        if own_commands and OWN_COMMAND.fullmatch(line):
            # The runner reads a line that is a command as that command, and
            # only then looks for an old-style "##[" command (there is none).
            continue
        assert not skeleton.startswith("::"), line
        assert not re.search(r"##(vso)?\[", skeleton, re.IGNORECASE), line


def assert_xml(text: str) -> None:
    ET.fromstring(text.encode("utf-8"))
    xml.dom.minidom.parseString(text.encode("utf-8"))


def assert_no_formula(cells: Iterator[str]) -> None:
    for cell in cells:
        if cell.startswith("'"):
            continue
        assert not cell.startswith(("\t", "\r")), repr(cell)
        first = _skeleton(cell)[:1]
        assert unicodedata.normalize("NFKC", first)[:1] not in ("=", "+", "-", "@"), repr(cell)


def assert_safe_output(text: str, extension: str) -> None:
    """``text`` safe to print, and valid for the format its extension names."""
    assert_log_safe(text, carriage_returns=extension.endswith("csv"))
    if text.startswith("<?xml") or extension in ("svg", "bpmn", "xml"):
        assert_xml(text)
    if extension.endswith("json"):
        json.loads(text)
    if extension.endswith("csv"):
        assert_no_formula(cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row)


# -- The functions every output goes through ----------------------------------------------------------

# Characters that take part in an attack, mixed into arbitrary text.
_ATTACK = st.sampled_from(
    [
        *(":", "::", "#", "##[", "vso", "VSO", "[", " ", "\t", "\n", "\r", "\x0b", "\x1b", "\x07", "\x85"),
        *("\x9b", "\u00a0", "\u2028", "\u3000", "\u200b", "\u00ad", "\ufeff", "\u202e", "\u2066", "\ufffe"),
        "\ud800",
    ]
)
ATTACKS = st.lists(st.one_of(_ATTACK, st.characters()), max_size=40).map("".join)


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("::warning::x", "\\::warning::x"),
        ("  ::x::", "  \\::x::"),
        ("\u3000\t::x::", "\u3000\t\\::x::"),
        ("\u200b::x::", "\u200b\\::x::"),  # a comparison that skips U+200B would see "::"
        (":\u200b:x::", "\\:\u200b:x::"),
        ("a\n::x::\r::y::", "a\n\\::x::\r\\::y::"),
        ("a\u2028::x::", "a\u2028\\::x::"),
        ("a ##[error]b", "a ##\\[error]b"),
        ("##vso[task.x]", "##vso\\[task.x]"),
        ("##VsO[task.x]", "##VsO\\[task.x]"),
        ("#\u200b#[x", "#\u200b#\\[x"),
        # Left alone: what no runner reads as a command.
        ("a::b", "a::b"),
        (": :x", ": :x"),
        ("# [x] ## heading", "# [x] ## heading"),
    ],
)
def test_no_commands(text: str, escaped: str) -> None:
    assert no_commands(text) == escaped


def test_no_commands_within_a_line() -> None:
    assert no_commands("::x::\n::y::", starts_line=False) == "::x::\n\\::y::"
    assert no_commands("\n::y::", character_reference) == "\n&#58;:y::"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("red \x1b[31m", "red \\x1b[31m"),
        ("\x1b]8;;http://x\x07link", "\\x1b]8;;http://x\\x07link"),
        ("over\rwrite", "over\\x0dwrite"),
        ("\x7f\x85\x9b", "\\x7f\\x85\\x9b"),
        ("\u202eevil\u2066\u200e\u061c", "<U+202E>evil<U+2066><U+200E><U+061C>"),
        ("a\u2028b", "a<U+2028>b"),
        ("raw\udcff", "raw<U+DCFF>"),
        ("keeps\ttabs\nand lines, ünïcode 🚀 \ufffe", "keeps\ttabs\nand lines, ünïcode 🚀 \ufffe"),
    ],
)
def test_visible(text: str, shown: str) -> None:
    assert visible(text) == shown


def test_visible_on_one_line() -> None:
    assert visible("a\nb\tc", multiline=False) == "a\\x0ab\\x09c"


def test_xml_chars() -> None:
    assert xml_chars("a\x00b\x1b\ufffe\uffff\ud800\x85\t\n\r\U0001f680") == "a\ufffdb" + "\ufffd" * 5 + (
        "\t\n\r\U0001f680"
    )


@given(ATTACKS)
def test_terminal_text_is_safe(text: str) -> None:
    assert_log_safe(for_terminal(text))
    assert_log_safe(for_markdown(text))
    assert_log_safe(for_csv(text), carriage_returns=True)


@given(ATTACKS)
def test_json_keeps_the_text(text: str) -> None:
    serialised = for_json(json.dumps({"k": text, "l": [text]}, indent=2, ensure_ascii=False))
    assert_log_safe(serialised)
    assert json.loads(serialised) == {"k": text, "l": [text]}


@given(ATTACKS)
def test_xml_keeps_what_xml_can_hold(text: str) -> None:
    element = ET.Element("e", a=text)
    element.text = text
    ET.SubElement(element, "f").tail = text
    serialised = for_xml(ET.tostring(element, encoding="unicode"))
    assert_log_safe(serialised)
    parsed = ET.fromstring(serialised)
    assert (parsed.text or "", parsed.get("a"), parsed[0].tail or "") == (xml_chars(text),) * 3


@pytest.mark.parametrize("finish", [for_terminal, for_json, for_xml, for_markdown])
def test_ordinary_text_is_unchanged(finish: Escape) -> None:
    text = 'Ship it: "a", <b> & [c] #1, 50% — ünïcode 🚀\n\tindented: yes\n'
    assert finish(text) == text


def test_csv_keeps_carriage_returns_and_escapes_the_line_after() -> None:
    assert for_csv('w,"a\r::warning::x\x1b",b\n') == 'w,"a\r\\::warning::x\\x1b",b\n'


# -- Inputs -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Specs with hostile names: one with language errors, one that compiles, one not named in UTF-8."""
    folder = tmp_path_factory.mktemp("specs")
    (folder / "wmdsl.toml").write_text("", encoding="utf-8")
    (folder / FILE_NAME).write_text(BROKEN, encoding="utf-8")
    (folder / f"ok{FILE_NAME}").write_text(SPEC, encoding="utf-8")
    descriptor = os.open(os.fsencode(folder) + b"/" + RAW_FILE_NAME, os.O_WRONLY | os.O_CREAT, 0o644)
    with os.fdopen(descriptor, "w", encoding="utf-8") as raw:
        raw.write(BROKEN)
    return folder


@pytest.fixture(scope="module")
def checked(folder: Path) -> api.Report:
    report = api.check([folder], cache=False)
    assert {d.code for d in report.diagnostics} >= {"SYN005", "SYN007"}
    return report


def synthetic_report() -> api.Report:
    """Every field of a diagnostic holds the payload, the file name too, and so does a baseline's entry."""
    span = Span(file=FILE_NAME, line=2, col=1, end_line=2, end_col=4)
    diagnostic = Diagnostic(
        "CLR001", Severity.ERROR, PAYLOAD, span, hint=PAYLOAD, related=(Related(span, PAYLOAD),)
    )
    gone = BaselineEntry("0" * 32 + ":1", PAYLOAD, FILE_NAME, PAYLOAD)
    return api.Report(
        [FILE_NAME], [diagnostic], {FILE_NAME: PAYLOAD}, baseline=Baselined(FILE_NAME, 1, (gone,))
    )


@pytest.fixture(scope="module")
def document(folder: Path) -> Document:
    return api.load(folder / f"ok{FILE_NAME}")


# -- Diagnostics: every format of `wmdsl check --format`, and the analysis -----------------------------


@pytest.mark.parametrize("name", sorted(FORMATTERS))
def test_check_formats_are_safe(name: str, checked: api.Report) -> None:
    for report in (checked, synthetic_report()):
        text = FORMATTERS[name](report, False)
        assert_log_safe(text, own_commands=name == "github")
        if text.startswith("<?xml"):
            assert_xml(text)
        if name in ("json", "sarif"):
            json.loads(text)


@pytest.mark.parametrize("name", sorted(FORMATTERS))
def test_check_formats_keep_json_and_commands_whole(name: str) -> None:
    """JSON keeps the exact text (escaped, not altered); GitHub prints one command per finding."""
    text = FORMATTERS[name](synthetic_report(), False)
    if name == "json":
        [found] = json.loads(text)["diagnostics"]
        assert (found["file"], found["message"], found["hint"]) == (FILE_NAME, PAYLOAD, PAYLOAD)
        assert found["related"][0]["message"] == PAYLOAD
        assert json.loads(text)["baseline"]["gone"][0]["message"] == PAYLOAD
    elif name == "sarif":
        [result] = json.loads(text)["runs"][0]["results"]
        assert result["message"]["text"].startswith(PAYLOAD)
    elif name == "github":
        lines = text.splitlines()
        assert len(lines) == 1
        assert OWN_COMMAND.fullmatch(lines[0])


def test_text_format_in_colour_writes_only_colours(checked: api.Report) -> None:
    for report in (checked, synthetic_report()):
        assert_log_safe(SGR.sub("", FORMATTERS["text"](report, True)))


def test_text_format_shows_what_it_replaced() -> None:
    text = FORMATTERS["text"](synthetic_report(), False)
    assert "\\x1b[31mred" in text
    assert "<U+202E>evil" in text
    assert "\\::warning::x" in text


@pytest.mark.parametrize("name", sorted(FORMATTERS))
def test_check_command_prints_safe_output(name: str, folder: Path) -> None:
    """As CI runs it: the real entry point, the report on standard output."""
    done = subprocess.run(
        [sys.executable, "-m", "wmdsl", "check", str(folder), "--no-cache", "--format", name],
        capture_output=True,
        check=False,
        stdin=subprocess.DEVNULL,
        cwd=folder,
    )
    assert done.returncode == 1, done.stderr
    assert_log_safe(done.stdout.decode("utf-8"), own_commands=name == "github")
    assert_log_safe(done.stderr.decode("utf-8"))


def test_analysis_is_safe(document: Document) -> None:
    result = analyze(document)
    assert_log_safe(format_analysis_text(result))
    text = format_analysis_json(result)
    assert_log_safe(text)
    assert json.loads(text)["workflows"][0]["title"] == PAYLOAD


@pytest.fixture(scope="module")
def compared(tmp_path_factory: pytest.TempPathFactory) -> Diff:
    """A diff whose every title, text, message and file name changed to or from the payload."""
    base = tmp_path_factory.mktemp("diff")
    (base / "wmdsl.toml").write_text("", encoding="utf-8")
    for side in ("old", "new"):
        (base / side).mkdir()
    (base / "old" / f"ok{FILE_NAME}").write_text(SPEC, encoding="utf-8")
    (base / "new" / f"ok{FILE_NAME}").write_text(
        SPEC.replace(P, wm(PAYLOAD + "\n::error::2")), encoding="utf-8"
    )
    (base / "new" / FILE_NAME).write_text(BROKEN, encoding="utf-8")
    return compare_paths(base / "old", base / "new")


@pytest.mark.parametrize("name", sorted(DIFF_FORMATS))
def test_diff_formats_are_safe(name: str, compared: Diff) -> None:
    assert compared.changes
    assert compared.introduced
    text = DIFF_FORMATS[name](compared)
    assert_log_safe(text)
    if name == "json":
        values = {change["old"] for change in json.loads(text)["changes"]}
        assert PAYLOAD in values  # the exact text, escaped rather than altered
    if name == "markdown":
        # Markdown has escapes of its own, not the stand-ins of plain text.
        assert "\\x1b" not in text
        assert "<U+202E>" not in text


# -- Renderers: every format of `wmdsl render --to`, and the handbook of `wmdsl docs` -----------------


@pytest.mark.parametrize("name", sorted(RENDERERS))
def test_render_formats_are_safe(name: str, document: Document) -> None:
    try:
        data = render(document, name)
    except RenderError as error:  # Graphviz missing
        pytest.skip(str(error))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pytest.skip("binary output: drawn, not printed")
    assert_safe_output(text, RENDERERS[name].extension)


def test_json_renderers_keep_the_text_exactly(document: Document) -> None:
    model = json.loads(render(document, "json"))
    assert model["workflows"][0]["title"] == PAYLOAD
    assert model["workflows"][0]["joins"][0]["title"] == PAYLOAD
    assert {h["condition"] for h in model["workflows"][0]["handoffs"] if h["condition"]} == {PAYLOAD}
    assert model["shared"]["calendars"][0]["title"] == PAYLOAD
    assert model["file"] == document.file
    board = json.loads(render(document, "board"))
    assert board["workflows"][0]["boards"][0]["title"] == PAYLOAD


class _Strict(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_handbook_is_safe(folder: Path) -> None:
    rendering, _ = api.handbook(folder / f"ok{FILE_NAME}", force=True)
    assert rendering.outputs
    for path, data in rendering.outputs.items():
        text = data.decode("utf-8")
        assert_safe_output(text, path.rpartition(".")[2])
        if path.endswith(".html"):
            assert re.search("[\ufffe\uffff]", text) is None, path
            page = _Strict()
            page.feed(text)
            page.close()


def test_handbook_style_sheet_is_left_alone() -> None:
    # The style sheet is raw text in HTML: a reference there would not be decoded.
    assert for_xml(CSS) == CSS


# -- CSV cells a spreadsheet would run ------------------------------------------------------------------

FORMULAS = [
    "=1+1",
    "+1",
    "-1",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "\n=1",
    " =1",
    "  +cmd",
    "\u3000=1",  # ideographic space
    "\u00a0-1",  # no-break space
    "\u200b=1",  # zero-width space
    "\uff1d1+1",  # full-width = + - @
    "\uff0b1",
    "\uff0d1",
    "\uff20x",
    "\ufe661",  # small =
    "\t",
    "\r",
]


@pytest.mark.parametrize("value", FORMULAS, ids=repr)
def test_csv_formula_guard(value: str) -> None:
    assert csv_safe(value).startswith("'")


@pytest.mark.parametrize("value", ["", "plain", "a=b", "Name (@x)", "1-2", "'quoted"])
def test_csv_guard_leaves_other_cells_alone(value: str) -> None:
    assert csv_safe(value) == value


def test_raci_csv_guards_every_cell() -> None:
    titles = "\n".join(f"decision d{i} {wm(v)} {{ decides @p{i} }}" for i, v in enumerate(FORMULAS))
    people = "\n".join(f"person @p{i} {wm(v)}" for i, v in enumerate(FORMULAS))
    document = api.loads(f"{people}\n{titles}\n")
    text = render(document, "raci-csv").decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == len(FORMULAS) + 1
    assert_no_formula(cell for row in rows for cell in row)
