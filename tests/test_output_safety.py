"""Every output is safe to print in a CI log and to open in the program it is for.

``wmdsl check`` runs on pull requests, so the text of a spec and the names of
its files are written by whoever opens one. Whatever they hold, no output may
start a line with a workflow command of GitHub Actions (``::warning::``,
``::stop-commands::``) or Azure Pipelines (``##[``, ``##vso[``), carry a
terminal escape sequence or a bidirectional control, be XML that a strict
parser refuses, or hold a CSV cell that a spreadsheet runs as a formula.

First, the functions of :mod:`wmdsl.output.safe` that every output goes through.
"""

from __future__ import annotations

import json
import re
import unicodedata
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
