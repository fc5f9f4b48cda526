"""Hypothesis strategies for wmdsl: random valid specs, hostile text and mutations.

:func:`specs` draws a whole ``.wm`` file that is valid by construction (no
``SYN`` errors), written with every spelling the language allows: shared and
local declarations in a random order, inline and multi-line blocks, ``;`` and
newlines, comments (full-line, trailing, after ``{`` and before ``}``), blank lines and
odd blanks between tokens, lists continued after a comma, ``\\n``/``\\r\\n``/``\\r``
line endings, strings and text blocks with escapes. Its titles, labels and
free text come from :data:`HOSTILE_PIECES` (quotes, backslashes, markup,
diagram-language syntax, controls, bidi overrides, emoji) and its names from
keywords of wmdsl, DOT and Mermaid. Alongside the text, a :class:`Spec`
records what the model must contain: the names of every element and the
decoded value of every string, so that a property can compare the two.

The graph of each workflow is built so that every node is reachable from an
intake and can reach an exit: a *spine* runs from the first intake through
every stage, in order, to a ``done`` exit; the other intakes feed a stage or an
exit, the other exits are fed by a node, and random extra edges and rework
loops (back to an earlier stage or the same one) are added on top. Chances are
drawn per source in tenths of a percent out of what is left, so they never add
up past 100%.

Everything that decides what a spec says is drawn from small integers, lists
and ``sampled_from`` choices that shrink towards "absent" and "fewer"; the
layout (which does not change the meaning) comes from one seeded
:class:`random.Random`, or is plain. So Hypothesis shrinks a failure to a
small spec, written plainly, with short names and text.

:func:`mutants` and :data:`mutations` damage a text (byte flips, truncation,
token deletion, duplication and swaps, insertions of odd characters, CR-only
line endings) for the never-crash properties.
"""

from __future__ import annotations

import functools
import itertools
import random
import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from hypothesis import strategies as st

T = TypeVar("T")
Draw = Callable[[st.SearchStrategy[Any]], Any]

# -- vocabulary ---------------------------------------------------------------

NEWLINES = ("\n", "\r\n", "\r")
# Bidirectional controls, as docs/language.md lists them: a spec may hold them
# only as `\u{…}` escapes (raw, they are SYN015).
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

# Words that mean something to a diagram language or to a file system.
DIAGRAM_KEYWORDS = (
    "end", "graph", "style", "node", "edge", "subgraph", "class", "default", "digraph", "strict",
    "flowchart", "click", "call", "href", "direction", "linkstyle", "classdef", "interpolate",
    "o", "x", "o_", "x_",
)  # fmt: skip
LANGUAGE_KEYWORDS = (
    "workflow", "person", "lane", "work", "intake", "stage", "exit", "decision", "board", "metric",
    "cadence", "import", "allow", "owner", "purpose", "description", "members", "delegate", "kind",
    "sle", "channel", "accepts", "criteria", "arrivals", "in", "wip", "effort", "done", "gate", "sla",
    "chance", "rework", "decides", "recommends", "approves", "consults", "informs", "escalates",
    "after", "shows", "audience", "from", "to", "target", "every", "reviews", "per", "at", "capacity",
    "rejected", "cancelled", "human", "bot", "tool", "request", "task", "week", "day",
    "variability", "cv", "fixed", "lognormal",
)  # fmt: skip
FILE_NAMES = ("index", "findings", "diagram", "lanes", "con", "nul", "aux", "prn", "com1", "lpt1", "_", "__")
KEYWORD_NAMES = DIAGRAM_KEYWORDS + LANGUAGE_KEYWORDS + FILE_NAMES
HOSTILE_HANDLES = ("@end", "@-", "@.", "@..", "@_", "@0", "@a.b-c", "@x-", "@graph", "@style", "@--")

# Pieces of text that are syntax somewhere: wmdsl, DOT, Mermaid, HTML, XML,
# Markdown, CSV and spreadsheets, terminals.
HOSTILE_PIECES = (
    '"', "'", "\\", "\\\\", '\\"', "<script>alert(1)</script>", "<SCRIPT>", "</script>", "]]>",
    "<![CDATA[", "<!--", "-->", "%", "%%", "%%{init: {'theme':'dark'}}%%", "#", "#35;", "#quot;",
    "&", "&amp;", "&lt;", "&#0;", "\n", "\r", "\r\n", "\t", "\x00", "\x07", "\x1b[31m", "\x0b", "\x0c",
    "\x7f", "\x85", "\u2028", "\u2029", "\ufeff", "\ufffd", "\ufffe", "\u202e", "\u200b", "\u0301",
    "🚀", "👩‍👩‍👧", "\U0010ffff", "é", "ß", "İ", "end", "graph", "subgraph", "style", "classDef", "click",
    "\\N", "\\G", "\\E", "\\T", "\\H", "\\L", "\\l", "\\n", "\\r", "<b>", "</b>", "<br/>", "<i>x</i>",
    "<img src=x onerror=alert(1)>", "|", "`", "``", "*", "_", "[", "]", "(", ")", "{", "}", ";", ",",
    "->", "-->", "-.->", ":::", "=", "=HYPERLINK(\"x\")", "+", "-", "@", "@x", "- ", "1. ", "> ",
    "javascript:", "${x}", "{{x}}", "  ", " ", ":", "/", "../", "C:\\", "\\u{41}", "$", "~",
)  # fmt: skip

# -- cached strategies (building a strategy costs more than drawing from it) ----

BOOLS = st.booleans()


@functools.cache
def _ints(low: int, high: int) -> st.SearchStrategy[int]:
    return st.integers(low, high)


@functools.cache
def _choice(options: Sequence[T]) -> st.SearchStrategy[T]:
    return st.sampled_from(options)


@functools.cache
def _indexes(size: int, min_size: int, max_size: int) -> st.SearchStrategy[list[int]]:
    return st.lists(
        st.integers(0, size - 1), min_size=min(min_size, size), max_size=min(max_size, size), unique=True
    )


# -- text and literals --------------------------------------------------------

hostile_text: st.SearchStrategy[str] = st.builds(
    lambda before, pieces, after: before + "".join(pieces) + after,
    st.text(max_size=4),
    st.lists(_choice(HOSTILE_PIECES), max_size=4),
    st.text(max_size=4),
)
"""Short text built from hostile pieces and arbitrary characters (never surrogates)."""

_LOWER = "abcdefghijklmnopqrstuvwxyz"
names: st.SearchStrategy[str] = st.one_of(
    st.builds(str.__add__, _choice(_LOWER + "_"), st.text(_LOWER + "0123456789_", max_size=8)),
    _choice(KEYWORD_NAMES),
)
"""Declared names: ``[a-z_][a-z0-9_]*``, often a keyword of wmdsl, DOT or Mermaid."""

handles: st.SearchStrategy[str] = st.one_of(
    st.text(_LOWER + "0123456789_.-", min_size=1, max_size=8).map("@".__add__),
    _choice(HOSTILE_HANDLES),
)
"""People: ``@[a-z0-9_.-]+``."""


def escape_string(value: str, mode: str = "raw", upper_hex: bool = False) -> str:
    """``value`` as a wmdsl ``"…"`` literal.

    ``mode`` says which characters are written as ``\\u{…}``: ``raw`` none
    (controls are legal in strings), ``controls`` control characters, ``all``
    every character outside printable ASCII. Bidirectional controls are
    escaped in every mode: raw, they are ``SYN015``.
    """
    out = ['"']
    for ch in value:
        out.append(_escape_char(ch, mode, upper_hex, in_text_block=False))
    out.append('"')
    return "".join(out)


def _escape_char(ch: str, mode: str, upper_hex: bool, *, in_text_block: bool) -> str:
    simple = {'"': '\\"', "\\": "\\\\", "\r": "\\r"}
    if ch in simple:
        return simple[ch]
    if ch == "\n" and not in_text_block:
        return "\\n"
    if ch == "\t":
        return "\\t" if mode != "raw" else "\t"
    code = ord(ch)
    if ch in BIDI_CONTROLS:  # the language refuses them raw (SYN015): a valid spec escapes them
        return "\\u{" + (f"{code:X}" if upper_hex else f"{code:x}") + "}"
    control = code < 0x20 or 0x7F <= code <= 0x9F
    if (mode == "controls" and control) or (mode == "all" and (control or code > 0x7E)):
        digits = f"{code:X}" if upper_hex else f"{code:x}"
        return "\\u{" + digits + "}"
    return ch


_ESCAPE = re.compile(r"\\(u\{[0-9A-Fa-f]{1,6}\}|[\s\S])")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def unescape(body: str) -> str:
    """``body`` with its (valid) escapes decoded, as docs/language.md defines them."""

    def replace(match: re.Match[str]) -> str:
        escape = match.group(1)
        return chr(int(escape[2:-1], 16)) if escape.startswith("u{") else _ESCAPES[escape]

    return _ESCAPE.sub(replace, body)


def text_block_value(body: str) -> str:
    """The value of a text block whose literal text between the quotes is ``body``.

    Layout comes from the literal text only (src/wmdsl/syntax/strings.py,
    ``decode_text``): line breaks become ``\\n``, one line break after the
    opening quotes is dropped, the common indentation is removed
    (``textwrap.dedent``) and so are trailing blanks and line breaks; escapes
    are decoded last, so an escaped ``\\n``, ``\\r`` or ``\\t`` is always
    content. As the file's line breaks are normalised first, the value does not
    depend on the line endings a spec is saved with.
    """
    layout = body.replace("\r\n", "\n").replace("\r", "\n")
    if layout.startswith("\n"):
        layout = layout[1:]
    return unescape(textwrap.dedent(layout).rstrip(" \t\n"))


def text_block(value: str, newline: str, indent: str, mode: str, indented: bool) -> tuple[str, str]:
    """``value`` as a ``\"\"\"…\"\"\"`` literal, and the value the language gives it.

    Newlines in ``value`` are written raw (as ``newline``); with ``indented``
    the body starts on its own line and every line is indented by ``indent``.
    """
    lines = [
        "".join(_escape_char(ch, mode, False, in_text_block=True) for ch in line)
        for line in value.split("\n")
    ]
    if indented:
        body = newline + "".join(indent + line + newline for line in lines) + indent
    else:
        body = newline.join(lines)
    return '"""' + body + '"""', text_block_value(body)


@st.composite
def literals(draw: Draw, newline: str = "\n", indent: str = "  ") -> tuple[str, str]:
    """A string or text block holding hostile text: (source text, decoded value)."""
    value = draw(hostile_text)
    mode = draw(_choice(("raw", "controls", "all")))
    kind = draw(_choice(("string", "string", "text", "indented")))
    if kind == "string":
        return escape_string(value, mode, draw(BOOLS)), value
    return text_block(value, newline, indent, mode, indented=kind == "indented")


@functools.cache
def _literals(newline: str, indent: str) -> st.SearchStrategy[tuple[str, str]]:
    return literals(newline, indent)


@functools.cache
def _pairs(sources: int, targets: int, max_size: int) -> st.SearchStrategy[list[tuple[int, int]]]:
    return st.lists(st.tuples(st.integers(0, sources - 1), st.integers(0, targets - 1)), max_size=max_size)


# -- numbers ------------------------------------------------------------------


@st.composite
def decimals(draw: Draw, max_int: int = 100) -> str:
    """A positive plain decimal up to ``max_int``: ``3``, ``0.5``, ``12.25`` (no exponent, no leading dot)."""
    places = draw(_choice((0, 0, 1, 2)))
    scale = 10**places
    number = draw(_ints(1, max_int * scale))
    if places == 0:
        return str(number)
    return f"{number // scale}.{number % scale:0{places}d}"


def percent_text(tenths: int) -> str:
    """``tenths`` of a percent as wmdsl writes it: ``70%``, ``12.5%``."""
    return f"{tenths // 10}%" if tenths % 10 == 0 else f"{tenths // 10}.{tenths % 10}%"


capacities: st.SearchStrategy[str] = decimals(3)
percents: st.SearchStrategy[str] = st.integers(0, 1000).map(percent_text)
durations: st.SearchStrategy[str] = st.tuples(decimals(200), st.sampled_from("mhdw")).map("".join)
rates: st.SearchStrategy[str] = st.tuples(
    decimals(500),
    _choice(("hour", "day", "week", "month", "weeks", "Day", "WEEK", "Months")),
).map(lambda pair: f"{pair[0]} per {pair[1]}")
targets: st.SearchStrategy[str] = st.tuples(durations, percents).map(lambda pair: f"{pair[0]} at {pair[1]}")
hours: st.SearchStrategy[str] = _choice(
    ("24x7", "24x5", "9-17 mon-fri", "8.5-17 mon, wed, fri", "0-24 sat-sun", "7-19 mon-sat", "10-14 tue")
)
spreads: st.SearchStrategy[str] = st.one_of(
    _choice(("exponential", "fixed", "lognormal", "gamma", "exponential cv 1")),
    st.tuples(_choice(("lognormal", "gamma")), decimals(10))
    .filter(lambda pair: float(pair[1]) <= 10)
    .map(lambda pair: f"{pair[0]} cv {pair[1]}"),
)
wips: st.SearchStrategy[str] = st.one_of(
    _ints(1, 30).map(str), _ints(1, 10**9).map(str), _ints(1, 9).map(lambda n: f"{n}.0")
)

# -- the spec being written ---------------------------------------------------

SHARED = "shared"  # scope key of top-level declarations; a workflow's is ("workflow", its name)


@dataclass
class Stmt:
    """One statement to write: ``head { attrs }`` (no block when there are no attrs)."""

    head: str
    attrs: list[str] = field(default_factory=list)
    declaration: bool = True  # may be written with an empty block `{ }`


@dataclass(frozen=True)
class Spec:
    """A generated spec and what its model must hold.

    ``names`` maps (scope, collection) to the declared names in declaration
    order per collection, where scope is ``"shared"`` or ``("workflow", name)`` and
    collection a field of :class:`~wmdsl.model.Workflow` (``stages``,
    ``handoffs`` as ``source->target``, …). ``strings`` maps (scope,
    collection, name, field) to the decoded value of each string written.
    """

    text: str
    newline: str
    workflows: tuple[str, ...]
    names: dict[tuple[object, str], tuple[str, ...]]
    strings: dict[tuple[object, str, str, str], str | None]


class _Writer:
    """Collects the pieces of one spec while it is drawn.

    Layout (separators, comments, inline or multi-line blocks) does not change
    what a spec means, so it is not drawn choice by choice: a spec is either
    written plainly (``layout`` is ``None``: one statement per line, blocks
    on several lines, no comments) or with a :class:`random.Random` seeded from
    one draw. That keeps the number of draws, and so the time to generate and
    shrink, small; a shrunk failure is written plainly unless the layout
    matters.
    """

    def __init__(self, draw: Draw, newline: str, indent: str, layout: random.Random | None) -> None:
        self.draw = draw
        self.newline = newline
        self.indent = indent
        self.layout = layout
        self.names: dict[tuple[object, str], list[str]] = {}
        self.strings: dict[tuple[object, str, str, str], str | None] = {}

    def literal(self, key: tuple[object, str, str, str], depth: int) -> str:
        raw, value = self.draw(_literals(self.newline, self.indent * depth))
        self.strings[key] = value
        return raw

    def title(self, scope: object, collection: str, name: str, depth: int) -> str | None:
        """An optional title (recorded as ``None`` when left out)."""
        if self.draw(_ints(0, 5)) == 0:
            self.strings[(scope, collection, name, "title")] = None
            return None
        return self.literal((scope, collection, name, "title"), depth)

    def text_attr(
        self, attrs: list[str], keyword: str, key: tuple[object, str, str, str], depth: int
    ) -> None:
        """Maybe add ``keyword "text"`` to ``attrs``."""
        if self.rarely(3):
            attrs.append(f"{keyword} {self.literal(key, depth + 1)}")

    def rarely(self, one_in: int) -> bool:
        """True about one time in ``one_in``; shrinks to False."""
        return bool(self.draw(_ints(0, one_in - 1)) == one_in - 1)

    def style(self, options: Sequence[str]) -> str:
        """A layout choice: the first option when writing plainly."""
        return self.layout.choice(options) if self.layout else options[0]

    def odds(self, one_in: int) -> bool:
        """True one time in ``one_in`` with a random layout, never when writing plainly."""
        return self.layout is not None and self.layout.randrange(one_in) == 0

    def comment(self) -> str:
        assert self.layout is not None
        pieces = self.layout.choices(HOSTILE_PIECES, k=self.layout.randrange(4))
        text = "".join(pieces).replace("\r", " ").replace("\n", " ")
        # A comment has no escapes, and a raw bidirectional control is SYN015.
        return "".join(" " if char in BIDI_CONTROLS else char for char in text)

    def declare(self, scope: object, collection: str, name: str) -> None:
        self.names.setdefault((scope, collection), []).append(name)

    def join_list(self, items: Sequence[str], depth: int) -> str:
        """Items separated by commas, sometimes continued on the next line after one."""
        out = items[0]
        for item in items[1:]:
            style = self.style((", ", ", ", ",", ",NL", ",#NL"))
            if style == ",NL":
                out += "," + self.newline + self.indent * (depth + 2) + item
            elif style == ",#NL":
                out += ", # " + self.comment() + self.newline + self.indent * (depth + 2) + item
            else:
                out += style + item
        return out

    def subset(self, pool: Sequence[T], min_size: int = 0, max_size: int = 4) -> list[T]:
        if not pool:
            return []
        indexes = self.draw(_indexes(len(pool), min_size, max_size))
        return [pool[i] for i in indexes]

    def pick(self, pool: Sequence[T]) -> T:
        return pool[self.draw(_ints(0, len(pool) - 1))]

    def maybe(self, pool: Sequence[T]) -> T | None:
        return self.pick(pool) if pool and self.draw(BOOLS) else None

    def block(self, statements: Sequence[Stmt], depth: int) -> str:
        """Statements at ``depth``, separated by newlines or ``;``, with comments."""
        pad = self.indent * depth
        out: list[str] = []
        line = ""
        for statement in statements:
            text = self.statement(statement, depth)
            if line and self.odds(4):
                line += self.style(("; ", ";", " ;; ")) + text
                continue
            if line:
                out.append(line)
            line = pad + text
        if line:
            out.append(line)
        lines = []
        for text in out:
            if self.odds(5):
                text += self.style(("  # ", "#", "\t# ", " # ")) + self.comment()
            elif self.odds(6):
                text += self.style((" ", "\t", "  \x0c"))  # trailing blanks
            lines.append(text)
            if self.odds(7):
                lines.append(
                    self.style(("", pad + ";", pad + "# " + "-" * 20, "", " " * 3 + "# " + self.comment()))
                )
                if self.odds(3):
                    lines += [""] * self.layout.randrange(1, 4) if self.layout else []  # a run of blank lines
        return self.newline.join(lines)

    def statement(self, statement: Stmt, depth: int) -> str:
        if not statement.attrs:
            if not statement.declaration:
                return statement.head
            return statement.head + self.style(("", "", " {}", " { }", " {;}"))
        if self.odds(3):
            separator = self.style(("; ", ";", " ; ", "  ;\t"))
            opening, closing = self.style((" { ", "{", "\t{  ")), self.style((" }", "}", ";  }"))
            return statement.head + opening + separator.join(statement.attrs) + closing
        inner = self.block([Stmt(attr, declaration=False) for attr in statement.attrs], depth + 1)
        opening = self.style((" {", "{", "  {  "))
        if self.odds(6):  # a comment after `{`
            opening += self.style((" # ", "#")) + self.comment()
        if self.odds(6):  # a comment on a line of its own before `}`
            inner += self.newline + self.indent * (depth + 1) + "# " + self.comment()
        if self.odds(8):  # blank lines just inside the braces
            opening, inner = opening + self.newline, inner + self.newline
        return statement.head + opening + self.newline + inner + self.newline + self.indent * depth + "}"


def _header(keyword: str, name: str, title: str | None, extra: str = "") -> str:
    return " ".join(part for part in (keyword, name, title, extra) if part)


@dataclass
class _Scope:
    """What a scope can refer to (its own declarations and the shared ones)."""

    people: list[str] = field(default_factory=list)
    lanes: list[str] = field(default_factory=list)
    work: list[str] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)

    def owners(self) -> list[str]:
        return self.people + self.lanes

    def extend(self, other: _Scope) -> _Scope:
        return _Scope(
            self.people + other.people,
            self.lanes + other.lanes,
            self.work + other.work,
            self.decisions + other.decisions,
        )


def _people(w: _Writer, scope_key: object, handles_: list[str], depth: int) -> list[Stmt]:
    statements = []
    for handle in handles_:
        w.declare(scope_key, "people", handle)
        attrs: list[str] = []
        if w.draw(BOOLS):
            attrs.append(f"capacity {w.draw(capacities)}")
        if w.rarely(4):
            attrs.append(f"kind {w.draw(_choice(('human', 'bot', 'tool', 'channel')))}")
        w.text_attr(attrs, "description", (scope_key, "people", handle, "description"), depth)
        title = w.title(scope_key, "people", handle, depth)
        statements.append(Stmt(_header("person", handle, title), attrs))
    return statements


def _lanes(w: _Writer, scope_key: object, lane_names: list[str], visible: _Scope, depth: int) -> list[Stmt]:
    statements = []
    for number, name in enumerate(lane_names):
        w.declare(scope_key, "lanes", name)
        attrs: list[str] = []
        # A lane may be owned by a person or by a lane declared before it.
        owners = visible.people + visible.lanes + lane_names[:number]
        if owners:
            attrs.append(f"owner {w.pick(owners)}")
        members = w.subset(visible.people, 0, 4)
        if members:
            items = [m + (f" {w.draw(percents)}" if w.rarely(3) else "") for m in members]
            attrs.append("members " + w.join_list(items, depth))
        w.text_attr(attrs, "purpose", (scope_key, "lanes", name, "purpose"), depth)
        if visible.people and w.rarely(3):
            attrs.append(f"delegate {w.pick(visible.people)}")
        if w.rarely(4):
            attrs.append(f"hours {w.draw(hours)}")
        w.text_attr(attrs, "description", (scope_key, "lanes", name, "description"), depth)
        title = w.title(scope_key, "lanes", name, depth)
        statements.append(Stmt(_header("lane", name, title), attrs))
    return statements


def _work(w: _Writer, scope_key: object, work_names: list[str], depth: int) -> list[Stmt]:
    statements = []
    kinds = ("project", "workstream", "task", "request", "recurring", "operations", "coordination")
    for name in work_names:
        w.declare(scope_key, "work", name)
        attrs: list[str] = []
        if w.draw(BOOLS):
            attrs.append(f"kind {w.draw(_choice(kinds))}")
        if w.draw(BOOLS):
            attrs.append(f"sle {w.draw(targets)}")
        title = w.title(scope_key, "work", name, depth)
        statements.append(Stmt(_header("work", name, title), attrs))
    return statements


def _decisions(
    w: _Writer, scope_key: object, decision_names: list[str], visible: _Scope, depth: int
) -> list[Stmt]:
    statements = []
    owners = visible.owners()
    for name in decision_names:
        w.declare(scope_key, "decisions", name)
        attrs: list[str] = []
        deciders = w.subset(owners, 1, 2) if w.draw(_ints(0, 5)) else w.subset(owners, 0, 3)
        if deciders:
            attrs.append("decides " + w.join_list(deciders, depth))
        for role in ("recommends", "approves", "consults", "informs"):
            parties = w.subset(owners, 0, 3)
            if parties:
                attrs.append(f"{role} " + w.join_list(parties, depth))
        # Escalations go to a party or another decision (loops are a rule finding, not an error).
        for _ in range(w.draw(_ints(0, 2))):
            target = w.pick(owners + visible.decisions + decision_names)
            after = f" after {w.draw(durations)}" if w.draw(BOOLS) else ""
            attrs.append(f"escalates {target}{after}")
        if visible.people and w.rarely(3):
            attrs.append(f"delegate {w.pick(visible.people)}")
        w.text_attr(attrs, "description", (scope_key, "decisions", name, "description"), depth)
        title = w.title(scope_key, "decisions", name, depth)
        statements.append(Stmt(_header("decision", name, title), attrs))
    return statements


@functools.cache
def _names(count: int) -> st.SearchStrategy[list[str]]:
    return st.lists(names, min_size=count, max_size=count, unique=True)


def _local_names(draw: Draw, taken: set[str], count: int) -> list[str]:
    """``count`` distinct names, none of them in ``taken`` (clashes get a suffix)."""
    found: list[str] = []
    for name in draw(_names(count)):
        while name in taken or name in found:
            name += "_l"
        found.append(name)
    return found


def _workflow(
    w: _Writer, index: object, name: str, shared: _Scope, taken: set[str], local_handles: list[str]
) -> str:
    draw = w.draw
    n_intakes, n_stages, n_exits = draw(_ints(1, 3)), draw(_ints(1, 6)), draw(_ints(1, 4))
    n_lanes, n_work, n_decisions = draw(_ints(0, 2)), draw(_ints(0, 2)), draw(_ints(0, 3))
    n_boards, n_metrics, n_cadences = draw(_ints(0, 2)), draw(_ints(0, 2)), draw(_ints(0, 2))
    n_joins = draw(_ints(0, 2))
    counts = (
        n_intakes, n_stages, n_exits, n_lanes, n_work, n_decisions, n_boards, n_metrics, n_cadences, n_joins
    )  # fmt: skip
    pool = iter(_local_names(draw, taken, sum(counts)))
    intakes, stages, exits, lanes, work, decisions, boards, metrics, cadences, joins = (
        [next(pool) for _ in range(count)] for count in counts
    )
    local = _Scope(list(local_handles), lanes, work, decisions)
    visible = shared.extend(local)
    statements: list[Stmt] = []
    statements += _people(w, index, local_handles, 1)
    statements += _lanes(w, index, lanes, visible, 1)
    statements += _work(w, index, work, 1)
    statements += _decisions(w, index, decisions, visible, 1)
    owners = visible.owners()

    for intake in intakes:
        w.declare(index, "intakes", intake)
        attrs: list[str] = []
        if owners and draw(_ints(0, 4)):
            attrs.append(f"owner {w.pick(owners)}")
        w.text_attr(attrs, "channel", (index, "intakes", intake, "channel"), 1)
        accepted = w.subset(visible.work, 0, 2)
        if accepted:
            attrs.append("accepts " + w.join_list(accepted, 1))
        w.text_attr(attrs, "criteria", (index, "intakes", intake, "criteria"), 1)
        if draw(BOOLS):
            attrs.append(f"arrivals {draw(rates)}")
            if w.rarely(3):
                attrs.append(f"variability {draw(spreads)}")
        w.text_attr(attrs, "description", (index, "intakes", intake, "description"), 1)
        statements.append(Stmt(_header("intake", intake, w.title(index, "intakes", intake, 1)), attrs))

    for stage in stages:
        w.declare(index, "stages", stage)
        attrs = []
        lane = w.maybe(visible.lanes)
        if owners and w.rarely(3):
            attrs.append(f"owner {w.pick(owners)}")
        if draw(_ints(0, 3)):
            attrs.append(f"wip {draw(wips)}")
        if draw(BOOLS):
            attrs.append(f"effort {draw(durations)}")
            if w.rarely(3):
                attrs.append(f"variability {draw(spreads)}")
        w.text_attr(attrs, "done", (index, "stages", stage, "done"), 1)
        w.text_attr(attrs, "description", (index, "stages", stage, "description"), 1)
        title = w.title(index, "stages", stage, 1)
        statements.append(Stmt(_header("stage", stage, title, f"in {lane}" if lane else ""), attrs))

    exit_kinds = ["done"] + [draw(_choice(("done", "rejected", "cancelled"))) for _ in exits[1:]]
    for exit_, kind in zip(exits, exit_kinds, strict=True):
        w.declare(index, "exits", exit_)
        attrs = []
        if kind != "done" or draw(BOOLS):
            attrs.append(f"kind {kind}")
        w.text_attr(attrs, "description", (index, "exits", exit_, "description"), 1)
        statements.append(Stmt(_header("exit", exit_, w.title(index, "exits", exit_, 1)), attrs))

    for join in joins:
        w.declare(index, "joins", join)
        statements.append(Stmt(_header("join", join, w.title(index, "joins", join, 1))))

    statements += _handoffs(w, index, intakes, stages, exits, joins, visible.decisions)
    nodes = intakes + stages + joins + exits

    for board in boards:
        w.declare(index, "boards", board)
        attrs = []
        if owners and draw(BOOLS):
            attrs.append(f"owner {w.pick(owners)}")
        shown = w.subset(nodes, 1, 5)
        attrs.append("shows " + w.join_list(shown, 1))
        audience = w.subset(owners, 0, 3)
        if audience:
            attrs.append("audience " + w.join_list(audience, 1))
        statements.append(Stmt(_header("board", board, w.title(index, "boards", board, 1)), attrs))

    for metric in metrics:
        w.declare(index, "metrics", metric)
        attrs = []
        start, end = w.maybe(nodes), w.pick(nodes)
        if start is not None and draw(BOOLS):
            attrs.append(f"from {start} to {end}")
        else:
            attrs += ([f"from {start}"] if start is not None else []) + [f"to {end}"]
        if draw(BOOLS):
            attrs.append(f"target {draw(targets)}")
        if draw(BOOLS):
            attrs.append(f"target {draw(rates)}")
        if owners and draw(BOOLS):
            attrs.append(f"owner {w.pick(owners)}")
        statements.append(Stmt(_header("metric", metric, w.title(index, "metrics", metric, 1)), attrs))

    reviewable = visible.people + visible.lanes + visible.work + visible.decisions + nodes + boards + metrics
    for cadence in cadences:
        w.declare(index, "cadences", cadence)
        attrs = []
        if draw(BOOLS):
            attrs.append(f"every {draw(durations)}")
        if owners and draw(BOOLS):
            attrs.append(f"owner {w.pick(owners)}")
        reviewed = w.subset(reviewable + cadences, 0, 4)
        if reviewed:
            attrs.append("reviews " + w.join_list(reviewed, 1))
        statements.append(Stmt(_header("cadence", cadence, w.title(index, "cadences", cadence, 1)), attrs))

    own: list[str] = []
    if owners and draw(_ints(0, 4)):
        own.append(f"owner {w.pick(owners)}")
    if w.rarely(3):
        own.append(f"hours {draw(hours)}")
    if draw(BOOLS):
        own.append(f"purpose {w.literal((index, 'workflows', name, 'purpose'), 1)}")
    else:
        w.strings[(index, "workflows", name, "purpose")] = None
    w.text_attr(own, "description", (index, "workflows", name, "description"), 0)
    statements = [Stmt(attr, declaration=False) for attr in own] + statements
    body = w.block(draw(st.permutations(statements)), 1)
    title = w.title(index, "workflows", name, 0)
    return _header("workflow", name, title) + " {" + w.newline + body + w.newline + "}"


def _handoffs(
    w: _Writer,
    index: object,
    intakes: list[str],
    stages: list[str],
    exits: list[str],
    joins: list[str],
    decisions: list[str],
) -> list[Stmt]:
    draw = w.draw
    edges: dict[tuple[str, str], bool] = {}  # (source, target) -> rework

    def add(source: str, target: str, rework: bool = False) -> None:
        edges.setdefault((source, target), rework)

    spine = [intakes[0], *stages, exits[0]]
    for source, target in itertools.pairwise(spine):
        add(source, target)
    for intake in intakes[1:]:
        add(intake, w.pick(stages + exits))
    for exit_ in exits[1:]:
        add(w.pick(intakes + stages), exit_)
    for join in joins:  # usually two ways in and one out (a rule's business when not)
        for _ in range(draw(_ints(1, 2))):
            add(w.pick(intakes + stages), join)
        add(join, w.pick(stages + exits))
    sources, targets_ = intakes + stages + joins, stages + joins + exits
    for source, target in draw(_pairs(len(sources), len(targets_), 5)):
        if source != target or sources[source] not in joins:
            add(sources[source], targets_[target])
    for later, earlier in draw(_pairs(len(stages), len(stages), 3)):
        add(stages[max(later, earlier)], stages[min(later, earlier)], rework=True)
    # A fork: one statement, one handoff per branch, to targets it has no handoff to yet.
    forks: dict[tuple[str, str], list[str]] = {}  # first branch -> the others
    if w.rarely(3):
        source = w.pick(sources)
        free = [t for t in targets_ if t != source and (source, t) not in edges]
        branches = w.subset(free, 2, 3) if len(free) >= 2 else []
        for target in branches:
            add(source, target)
        if branches:
            forks[(source, branches[0])] = branches[1:]
    branch_of = {(key[0], other) for key, others in forks.items() for other in others}

    # Chances per source, in tenths of a percent, out of what is left of 100%.
    chances: dict[tuple[str, str], str] = {}
    for source in sources:
        if not draw(BOOLS):
            continue
        left = 1000
        for key in [key for key in edges if key[0] == source and key not in branch_of]:
            if draw(BOOLS):
                tenths = draw(_ints(0, left))
                left -= tenths
                chances[key] = percent_text(tenths)

    statements = []
    for (source, target), rework in edges.items():
        if (source, target) in branch_of:
            continue  # written with the first branch of its fork
        targets = [target, *forks.get((source, target), [])]
        keys = [f"{source}->{each}" for each in targets]
        for key in keys:
            w.declare(index, "handoffs", key)
        attrs: list[str] = []
        if decisions and w.rarely(4):
            attrs.append(f"gate {w.pick(decisions)}")
        if w.rarely(4):
            attrs.append(f"sla {draw(durations)}")
        if (source, target) in chances:
            attrs.append(f"chance {chances[(source, target)]}")
        if rework:
            attrs.append("rework")
        label = None
        if draw(BOOLS):
            label = w.literal((index, "handoffs", keys[0], "label"), 1)
        else:
            w.strings[(index, "handoffs", keys[0], "label")] = None
        if w.rarely(4):
            attrs.append(f"when {w.literal((index, 'handoffs', keys[0], 'condition'), 1)}")
        for key in keys[1:]:  # the branches of a fork share what the statement says
            for field_ in ("label", "condition"):
                if (index, "handoffs", keys[0], field_) in w.strings:
                    w.strings[(index, "handoffs", key, field_)] = w.strings[
                        (index, "handoffs", keys[0], field_)
                    ]
        arrow = w.style((" -> ", "->", "  ->\t"))
        head = (source + arrow + ", ".join(targets)).strip() + (f" {label}" if label else "")
        statements.append(Stmt(head, attrs))
    return statements


@st.composite
def specs(draw: Draw, max_workflows: int = 2) -> Spec:
    """A valid spec (no language errors): shared declarations and 0 to ``max_workflows`` workflows."""
    newline = draw(_choice(NEWLINES))
    indent = draw(_choice(("  ", "    ", "\t", " \t")))  # also the indentation of text blocks
    seed = draw(st.none() | st.integers(0, 2**32 - 1))
    w = _Writer(draw, newline, indent, None if seed is None else random.Random(seed))
    n_workflows = draw(_choice((1, 1, 2, 0)) if max_workflows >= 2 else _choice((1, 0)))

    people = draw(st.lists(handles, min_size=1, max_size=6, unique=True))
    # The first person is shared, so that every scope has someone to own things.
    places = [0] + [draw(_ints(0, n_workflows)) for _ in people[1:]]
    shared_people = [p for p, place in zip(people, places, strict=True) if place == 0]
    local_people = [
        [p for p, place in zip(people, places, strict=True) if place == i + 1] for i in range(n_workflows)
    ]

    n_lanes, n_work, n_decisions = draw(_ints(0, 3)), draw(_ints(0, 2)), draw(_ints(0, 2))
    shared_names = draw(_names(n_lanes + n_work + n_decisions))
    lanes = shared_names[:n_lanes]
    work = shared_names[n_lanes : n_lanes + n_work]
    decisions = shared_names[n_lanes + n_work : n_lanes + n_work + n_decisions]
    shared = _Scope(shared_people, [], work, [])
    top: list[Stmt] = []
    top += _people(w, SHARED, shared_people, 0)
    top += _lanes(w, SHARED, lanes, shared, 0)
    shared.lanes = lanes
    top += _work(w, SHARED, work, 0)
    top += _decisions(w, SHARED, decisions, shared, 0)
    shared.decisions = decisions

    pieces = [w.block([statement], 0) for statement in top]
    workflow_names = draw(_names(n_workflows))
    for index, name in enumerate(workflow_names):
        scope = ("workflow", name)
        pieces.append(_workflow(w, scope, name, shared, set(shared_names), local_people[index]))
    pieces = draw(st.permutations(pieces))
    head = w.style(("", "", "\ufeff", "# " + "generated" + newline, newline))
    text = head + w.style((newline * 2, newline)).join(pieces) + w.style((newline, ""))
    return Spec(
        text=text,
        newline=newline,
        workflows=tuple(workflow_names),
        names={key: tuple(value) for key, value in w.names.items()},
        strings=dict(w.strings),
    )


# -- damage -------------------------------------------------------------------

ODD_INSERTIONS = (
    "\x00", "\ufffd", "\ufeff", "\r", "\n", "\r\n", "\u2028", "\x85", "{", "}", "{{", "}}", '"', '"""',
    "\\", "\\u{", "\\u{110000}", "\\u{d800}", "->", "@", ";", ",", "#", "-", ".", "%", "9" * 400, "0.",
    "-1", "1e9", "per", "at", "after", "in", "to", "from", "workflow w {", "stage", "import \"x.wm\"",
    "allow FLW004 \"x\"", "🚀", "\u202e", "\t", "\x0c",
)  # fmt: skip

_TOKEN = re.compile(r'"""[\s\S]*?"""|"(?:[^"\\\r\n]|\\.)*"|->|[{};,]|[^\s{};,"]+')


@dataclass(frozen=True)
class Mutation:
    """One kind of damage at a position given as a number reduced modulo the text length."""

    kind: str
    where: int
    payload: str = ""

    def apply(self, text: str) -> str:
        if self.kind == "cr-only":
            return text.replace("\r\n", "\n").replace("\n", "\r")
        if self.kind == "flip-byte":
            data = bytearray(text.encode("utf-8"))
            if not data:
                return text
            data[self.where % len(data)] = ord(self.payload[0]) % 256 if self.payload else 0xFF
            return data.decode("utf-8", errors="replace")
        if self.kind == "truncate":
            return text[: self.where % (len(text) + 1)]
        if self.kind == "insert":
            at = self.where % (len(text) + 1)
            return text[:at] + self.payload + text[at:]
        tokens = list(_TOKEN.finditer(text))
        if not tokens:
            return text
        token = tokens[self.where % len(tokens)]
        if self.kind == "delete-token":
            return text[: token.start()] + text[token.end() :]
        if self.kind == "duplicate-token":
            return text[: token.end()] + " " + token.group(0) + text[token.end() :]
        if self.kind == "swap-tokens":
            other = tokens[(self.where * 7 + 3) % len(tokens)]
            first, second = sorted((token, other), key=lambda t: t.start())
            if first.end() > second.start():
                return text
            return (
                text[: first.start()]
                + second.group(0)
                + text[first.end() : second.start()]
                + first.group(0)
                + text[second.end() :]
            )
        raise ValueError(self.kind)  # pragma: no cover


mutations: st.SearchStrategy[Mutation] = st.one_of(
    st.builds(Mutation, st.just("flip-byte"), _ints(0, 10**6), st.characters(max_codepoint=255)),
    st.builds(Mutation, st.just("truncate"), _ints(0, 10**6)),
    st.builds(Mutation, _choice(("delete-token", "duplicate-token", "swap-tokens")), _ints(0, 10**6)),
    st.builds(
        Mutation,
        st.just("insert"),
        _ints(0, 10**6),
        st.one_of(_choice(ODD_INSERTIONS), st.text(min_size=1, max_size=8), hostile_text),
    ),
    st.builds(Mutation, st.just("cr-only"), st.just(0)),
)


@st.composite
def mutants(draw: Draw) -> tuple[Spec, list[Mutation], str]:
    """A generated spec, the mutations applied to it, and the damaged text."""
    spec = draw(specs())
    damage = draw(st.lists(mutations, min_size=1, max_size=4))
    text = spec.text
    for mutation in damage:
        text = mutation.apply(text)
    return spec, damage, text
