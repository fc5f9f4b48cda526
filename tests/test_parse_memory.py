"""Deeply nested blocks cost memory in proportion to the depth the limit allows, not to the file.

Every open block holds a frame of the parser's stack (lark's: a state and a
token) until its ``}``; a file of nothing but ``{`` could make that stack as
long as the file has bytes. The parse stops at the brace that passes
``max-depth``, so a file of any size costs what 64 levels cost.
"""

from __future__ import annotations

import tracemalloc

import pytest

from wmdsl.diagnostics import codes
from wmdsl.project.limits import DEFAULT
from wmdsl.syntax import ParsedFile, parser

#: Peak bytes allocated while parsing, per byte of input: the target for any input.
BYTES_PER_BYTE = 50
SIZE = 4_000_000  # characters: a few MB

NESTED = {
    "statements": "a {\n",  # the most blocks a spec can open per byte
    "one line": "a { ",
    "braces only": "{",  # a syntax error at the first brace, then one skipped brace after another
    "workflows": "workflow w {\n",
}


def peak_per_byte(text: str) -> tuple[ParsedFile, float]:
    parser.parse("a { b } {", "warm.wm")  # builds the parsers once, as every process does
    tracemalloc.start()
    try:
        parsed = parser.parse(text, "deep.wm")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return parsed, peak / len(text)


@pytest.mark.parametrize("switch", ["", "lark"])
@pytest.mark.parametrize("shape", sorted(NESTED))
def test_deep_nesting_stops_at_the_limit_in_bounded_memory(
    shape: str, switch: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(parser.SWITCH, switch)
    opening = NESTED[shape]
    depth = SIZE // (len(opening) + 2)
    text = opening * depth + "}\n" * depth
    parsed, per_byte = peak_per_byte(text)
    assert per_byte <= BYTES_PER_BYTE, f"{per_byte:.1f} bytes per input byte"
    assert parsed.items == ()
    [limit] = [d for d in parsed.errors if d.code == codes.LIMIT.code]
    assert limit.message == f"blocks nest deeper than {DEFAULT.max_depth} levels"
    assert limit.hint is not None
    assert "max-depth" in limit.hint
    line = 1 if "\n" not in opening else DEFAULT.max_depth + 1
    col = opening.index("{") + 1 + (0 if "\n" in opening else len(opening) * DEFAULT.max_depth)
    assert (limit.span.line, limit.span.col) == (line, col)
    assert len(parsed.errors) <= 2  # the limit, and for bare braces the first of them


def test_nesting_within_the_limit_parses() -> None:
    depth = DEFAULT.max_depth
    text = "a {\n" * depth + "}\n" * depth
    parsed = parser.parse(text, "deep.wm")
    assert not parsed.errors
    block = parsed.items[0].block
    for _ in range(depth - 1):
        assert block is not None
        block = block.items[0].block
    assert block is not None
    assert block.items == ()
