"""The language server's reading of half-typed text: positions, the context of the cursor, folds."""

from __future__ import annotations

import random
from pathlib import Path

from wmdsl.lsp.text import Context, Lines, Scanner, context, folds
from wmdsl.model.span import Span

ROOT = Path(__file__).resolve().parent.parent


def _fresh(text: str, offset: int) -> Context:
    return Scanner().context(text, offset)


def test_positions_convert_between_code_points_and_the_clients_units() -> None:
    text = 'person @ana "Ana 😀 Lima" { capacity 1 }\n'
    after = text.index("{")
    for encoding, expected in [("utf-32", after), ("utf-16", after + 1), ("utf-8", after + 3)]:
        lines = Lines(text, encoding)
        assert lines.to_client(1, after + 1) == (0, expected)
        assert lines.from_client(0, expected) == (1, after + 1)
    assert Lines(text).span(Span("f", 1, 1, 1, 7)) == (0, 0, 0, 6)


def test_the_context_names_the_blocks_and_the_statement_before_the_cursor() -> None:
    text = 'workflow w {\n  stage s "S" in eng {\n    owner @a\n  }\n  a -> b { gate d }\n}\n'
    at = text.index("@a") + 2
    assert context(text, at) == Context(
        (("workflow", "w"), ("stage", "s", '"S"', "in", "eng")), ("owner",), "@a"
    )
    assert context(text, text.index("gate") + 4).blocks[-1] == ("a", "->", "b")
    assert context(text, text.index('"S"') + 1).quiet
    members = "lane l {\n  members @a,\n    @b\n}\n"
    assert context(members, members.index("@b")).words == ("members", "@a")


def test_a_resumed_scan_sees_what_a_scan_from_the_start_sees() -> None:
    text = (ROOT / "examples" / "procurement.wm").read_text(encoding="utf-8") * 40
    scanner = Scanner()
    scanner.EVERY = 7
    chosen = random.Random(4)
    for _ in range(60):
        if chosen.random() < 0.5:  # an edit somewhere: what was seen after it is forgotten
            at = chosen.randrange(len(text))
            text = text[:at] + chosen.choice(["{", "}", "\n", ",", '"', "x ", "#"]) + text[at:]
        offset = chosen.randrange(len(text))
        assert scanner.context(text, offset) == _fresh(text, offset), offset


def test_blocks_and_text_blocks_fold() -> None:
    text = 'workflow w {\n  description """\n    two\n    lines\n  """\n  stage s { wip 1 }\n}\n'
    assert folds(text) == [(1, 7), (2, 5)]
