"""Write the TextMate grammar of wmdsl from the compiler's own keyword tables.

    python editors/generate.py          # write the grammar (both copies)
    python editors/generate.py --check  # exit 1 if a committed copy is stale

The keywords come from ``wmdsl.resolve.schema`` (declaration kinds and the
attributes of each, of handoffs and of workflows), the values of ``kind`` from
the enumerations its readers accept, the units from ``wmdsl.resolve.values``
and the days and distributions from ``wmdsl.resolve.phrases``. So adding a keyword to the schema
and running this script is all the grammar needs; ``tests/test_editors.py``
fails while the committed grammar differs from what this script writes.

The grammar follows the surface syntax (``grammar/wmdsl.lark``): a statement
is ``keyword argument* { statement* }?`` or ``source -> target argument* {…}?``.
Keywords are not reserved, so a word is highlighted as a keyword only where a
statement starts (at the start of a line, or after ``{`` or ``;``); the words
after it are names. A statement ends at the end of its line, at ``;``, ``{``
or ``}``, except after a comma at the end of a line, which continues the list
on the next line as the language does.
"""

from __future__ import annotations

import argparse
import inspect
import json
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from wmdsl.resolve import phrases, values
from wmdsl.resolve.resolver import ALL_KEYWORDS, WORKFLOW
from wmdsl.resolve.schema import HANDOFF_ATTRS, KINDS, WORKFLOW_ATTRS, Attr

HERE = Path(__file__).resolve().parent
OUTPUTS = (HERE / "wmdsl.tmLanguage.json", HERE / "vscode" / "syntaxes" / "wmdsl.tmLanguage.json")

# Statements that are not declarations of a kind: `import "path"` and
# `allow CODE "reason"` (read by the loader and the resolver themselves).
IMPORT, ALLOW = "import", "allow"
# Words that join the parts of a value (``escalates @dana after 3d``,
# ``target 10d at 85%``, ``arrivals 6 per week``, ``from a to b``); the readers
# in ``wmdsl.resolve.phrases`` and ``wmdsl.resolve.values`` look for them.
CONNECTIVES = ("after", "at", "per", "to")
# The only kind whose header takes ``in LANE`` (``wmdsl.resolve.headers``).
IN_LANE_KINDS = ("stage",)

NAME = r"[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*"  # WORD of the lexer
HANDLE = r"(@)[A-Za-z0-9_.\-]*"  # HANDLE of the lexer, `@` captured
CODE = r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*"  # FLW004 or intake-without-decline
NUMBER = r"-?[0-9]+(?:\.[0-9]+)?"
# Where a statement may start: at the start of a line, or after `{` or `;`.
START = r"(?:^|(?<=[{;]))[ \t\f]*"
# Not in the middle of a word, a handle or a number.
BEFORE_VALUE = r"(?<![A-Za-z0-9_.\-@])"
AFTER_VALUE = r"(?![A-Za-z0-9_.%\-])"
# The end of the line ends a statement, unless a comma at the end of the line
# was matched with its line break (an end of line right after `\n`).
END = r"(?=[;{}])|(?<!\n)$"


def words(items: Iterable[str]) -> str:
    """An alternation of whole words, longest first so that none hides another."""
    return "|".join(re.escape(w) for w in sorted(set(items), key=lambda w: (-len(w), w)))


def choices(attr: Attr) -> tuple[str, ...]:
    """The words a ``choice(Enum)`` reader accepts, or nothing for other readers."""
    try:
        closure = inspect.getclosurevars(attr.read).nonlocals
    except TypeError:  # not a Python function (a class or a partial)
        return ()
    allowed = closure.get("allowed")
    return tuple(allowed) if isinstance(allowed, list) else ()


def reads_hours(attr: Attr) -> bool:
    """Whether the attribute takes opening hours (``hours 9-17 mon-fri``)."""
    readers: tuple[Callable[..., Any], ...] = (phrases.hours, phrases.working_hours)
    return attr.read in readers


def reads_variability(attr: Attr) -> bool:
    """Whether the attribute takes a distribution (``variability lognormal cv 0.8``)."""
    return attr.read is phrases.variability


def attributes() -> dict[str, list[Attr]]:
    """Every attribute keyword, with each way it is read (several kinds share ``owner``)."""
    found: dict[str, list[Attr]] = {}
    tables = [kind.attrs for kind in KINDS.values()] + [HANDOFF_ATTRS, WORKFLOW_ATTRS]
    for table in tables:
        for keyword, attr in table.items():
            found.setdefault(keyword, []).append(attr)
    return dict(sorted(found.items()))


def comment() -> dict[str, Any]:
    return {
        "name": "comment.line.number-sign.wmdsl",
        "match": "(#).*$",
        "captures": {"1": {"name": "punctuation.definition.comment.wmdsl"}},
    }


def escapes() -> list[dict[str, Any]]:
    return [
        {"name": "constant.character.escape.wmdsl", "match": r'\\(?:["\\ntr]|u\{[0-9A-Fa-f]{1,6}\})'},
        {"name": "invalid.illegal.unknown-escape.wmdsl", "match": r"\\.?"},
    ]


def text_block() -> dict[str, Any]:
    return {
        "name": "string.quoted.triple.wmdsl",
        "begin": '"""',
        "beginCaptures": {"0": {"name": "punctuation.definition.string.begin.wmdsl"}},
        "end": '"""',
        "endCaptures": {"0": {"name": "punctuation.definition.string.end.wmdsl"}},
        "patterns": [{"include": "#escape"}],
    }


def string() -> dict[str, Any]:
    # A string ends on its line: one without its closing quote stops there.
    return {
        "name": "string.quoted.double.wmdsl",
        "begin": '"',
        "beginCaptures": {"0": {"name": "punctuation.definition.string.begin.wmdsl"}},
        "end": '(")|$',
        "endCaptures": {"1": {"name": "punctuation.definition.string.end.wmdsl"}},
        "patterns": [{"include": "#escape"}],
    }


def numbers() -> list[dict[str, Any]]:
    units = words(values.UNIT_WORDS)
    return [
        {
            # `9-17`, `8.5-17`: opening hours (two numbers to the lexer).
            "match": rf"{BEFORE_VALUE}([0-9]+(?:\.[0-9]+)?)(-)([0-9]+(?:\.[0-9]+)?){AFTER_VALUE}",
            "captures": {
                "1": {"name": "constant.numeric.wmdsl"},
                "2": {"name": "punctuation.separator.range.wmdsl"},
                "3": {"name": "constant.numeric.wmdsl"},
            },
        },
        {
            "name": "constant.numeric.percentage.wmdsl",
            "match": rf"{BEFORE_VALUE}{NUMBER}(%){AFTER_VALUE}",
            "captures": {"1": {"name": "keyword.other.unit.percent.wmdsl"}},
        },
        {
            "name": "constant.numeric.duration.wmdsl",
            "match": rf"{BEFORE_VALUE}{NUMBER}({units}){AFTER_VALUE}",
            "captures": {"1": {"name": "keyword.other.unit.duration.wmdsl"}},
        },
        {
            # `2days`, `2D`, `90s`: the lexer reads them, the resolver refuses them.
            "name": "constant.numeric.wmdsl",
            "match": rf"{BEFORE_VALUE}{NUMBER}([A-Za-z_][A-Za-z0-9_]*){AFTER_VALUE}",
            "captures": {"1": {"name": "invalid.illegal.unit.wmdsl"}},
        },
        {"name": "constant.numeric.wmdsl", "match": rf"{BEFORE_VALUE}{NUMBER}{AFTER_VALUE}"},
    ]


def values_patterns() -> list[dict[str, Any]]:
    """What may follow a keyword: the arguments of any statement."""
    return [
        {"include": "#comment"},
        {
            # A comma at the end of a line continues the list on the next line.
            "match": r"(,)[ \t\f]*((#)[^\n]*)?\n",
            "captures": {
                "1": {"name": "punctuation.separator.comma.wmdsl"},
                "2": {"name": "comment.line.number-sign.wmdsl"},
                "3": {"name": "punctuation.definition.comment.wmdsl"},
            },
        },
        {"name": "punctuation.separator.comma.wmdsl", "match": ","},
        {"include": "#text-block"},
        {"include": "#string"},
        {"include": "#handle"},
        {"include": "#number"},
        {"name": "variable.other.reference.wmdsl", "match": rf"\b{NAME}"},
    ]


def region(name: str, begin: str, captures: dict[str, str], patterns: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "name": name,
        "begin": begin,
        "beginCaptures": {group: {"name": scope} for group, scope in captures.items()},
        "end": END,
        "patterns": patterns,
    }


def declaration(keyword: str, handle: bool) -> dict[str, Any]:
    name_scope = f"entity.name.type.{keyword}.wmdsl"
    captures = {"1": f"storage.type.{keyword}.wmdsl", "2": name_scope}
    if handle:
        begin = rf"{START}\b({re.escape(keyword)})\b(?!-)(?:[ \t\f]+({HANDLE}))?"
        captures["3"] = "punctuation.definition.handle.wmdsl"
    else:
        begin = rf"{START}\b({re.escape(keyword)})\b(?!-)(?:[ \t\f]+({NAME}))?"
    patterns: list[dict[str, Any]] = []
    if keyword in IN_LANE_KINDS:
        patterns.append(
            {
                "match": rf"\b(in)\b(?:[ \t\f]+({NAME}))?",
                "captures": {
                    "1": {"name": "keyword.other.in.wmdsl"},
                    "2": {"name": "variable.other.lane.wmdsl"},
                },
            }
        )
    patterns.append({"include": "#values"})
    return region(f"meta.declaration.{keyword}.wmdsl", begin, captures, patterns)


def attribute(keywords: Iterable[str], extra: list[dict[str, Any]]) -> dict[str, Any]:
    begin = rf"{START}\b({words(keywords)})\b(?!-)"
    connective = {
        "match": rf"\b(per)[ \t\f]+((?i:{words(values.RATE_UNITS)})s?)\b",
        "captures": {
            "1": {"name": "keyword.other.connective.wmdsl"},
            "2": {"name": "keyword.other.unit.rate.wmdsl"},
        },
    }
    joins = {"name": "keyword.other.connective.wmdsl", "match": rf"\b(?:{words(CONNECTIVES)})\b(?![\-,])"}
    patterns = [*extra, connective, joins, {"include": "#values"}]
    return region("meta.attribute.wmdsl", begin, {"1": "keyword.other.attribute.wmdsl"}, patterns)


def grammar() -> dict[str, Any]:
    attrs = attributes()
    kinds: dict[str, set[str]] = {}  # `kind` takes other words for people, work and exits
    for keyword, read in attrs.items():
        for attr in read:
            kinds.setdefault(keyword, set()).update(choices(attr))
    kinds = {keyword: found for keyword, found in kinds.items() if found}
    hours = sorted({keyword for keyword, read in attrs.items() if any(reads_hours(a) for a in read)})
    spreads = sorted({keyword for keyword, read in attrs.items() if any(reads_variability(a) for a in read)})
    special = {*kinds, *hours, *spreads}
    plain = [keyword for keyword in attrs if keyword not in special]
    kind_words = sorted({value for found in kinds.values() for value in found})
    days = words(phrases.DAYS)

    declared = [*KINDS, WORKFLOW.keyword, IMPORT, ALLOW]
    generated = set(declared) | set(attrs)
    if generated != ALL_KEYWORDS:  # a keyword the resolver knows and this script does not
        raise SystemExit(f"keywords out of step with the resolver: {sorted(generated ^ ALL_KEYWORDS)}")

    repository: dict[str, Any] = {
        "comment": comment(),
        "escape": {"patterns": escapes()},
        "text-block": text_block(),
        "string": string(),
        "handle": {
            "name": "variable.other.handle.wmdsl",
            "match": rf"{HANDLE}",
            "captures": {"1": {"name": "punctuation.definition.handle.wmdsl"}},
        },
        "number": {"patterns": numbers()},
        "values": {"patterns": values_patterns()},
        "block": {
            "name": "meta.block.wmdsl",
            "begin": r"\{",
            "beginCaptures": {"0": {"name": "punctuation.section.block.begin.wmdsl"}},
            "end": r"\}",
            "endCaptures": {"0": {"name": "punctuation.section.block.end.wmdsl"}},
            "patterns": [{"include": "#statements"}],
        },
        # A handoff's words name nodes: its source and its targets.
        "handoff": region(
            "meta.handoff.wmdsl",
            rf"{START}({NAME})[ \t\f]*(->)",
            {"1": "variable.other.node.wmdsl", "2": "keyword.operator.arrow.wmdsl"},
            [
                {"include": "#comment"},
                {"name": "variable.other.node.wmdsl", "match": rf"\b{NAME}"},
                {"include": "#values"},
            ],
        ),
        "import": region(
            "meta.import.wmdsl",
            rf"{START}\b({IMPORT})\b(?!-)",
            {"1": "keyword.control.import.wmdsl"},
            [{"include": "#values"}],
        ),
        "allow": region(
            "meta.allow.wmdsl",
            rf"{START}\b({ALLOW})\b(?!-)(?:[ \t\f]+({CODE}))?",
            {"1": "keyword.other.allow.wmdsl", "2": "constant.other.rule-code.wmdsl"},
            [{"include": "#values"}],
        ),
    }
    statements: list[dict[str, Any]] = [
        {"include": "#comment"},
        {"include": "#block"},
        {"name": "punctuation.terminator.statement.wmdsl", "match": ";"},
        # First: a node may be called like a keyword (`done -> shipped`).
        {"include": "#handoff"},
        {"include": "#import"},
        {"include": "#allow"},
    ]
    for keyword in [WORKFLOW.keyword, *KINDS]:
        handle = keyword in KINDS and KINDS[keyword].handle
        repository[f"declaration-{keyword}"] = declaration(keyword, handle)
        statements.append({"include": f"#declaration-{keyword}"})
    repository["attribute-kind"] = attribute(
        kinds,
        [{"name": "constant.language.kind.wmdsl", "match": rf"\b(?:{words(kind_words)})\b(?![\-])"}],
    )
    repository["attribute-hours"] = attribute(
        hours,
        [
            {
                "name": "constant.language.hours.wmdsl",
                "match": rf"{BEFORE_VALUE}(?:{words(phrases.ROUND_THE_CLOCK)}){AFTER_VALUE}",
            },
            {
                "match": rf"\b({days})(?:(-)({days}))?\b(?!-)",
                "captures": {
                    "1": {"name": "constant.language.day.wmdsl"},
                    "2": {"name": "punctuation.separator.range.wmdsl"},
                    "3": {"name": "constant.language.day.wmdsl"},
                },
            },
        ],
    )
    repository["attribute-variability"] = attribute(
        spreads,
        [
            {
                "name": "constant.language.distribution.wmdsl",
                "match": rf"\b(?:{words(phrases.DISTRIBUTIONS)})\b(?![\-])",
            },
            # `cv` joins a distribution to its spread, as `at` joins a target's parts.
            {"name": "keyword.other.connective.wmdsl", "match": r"\bcv\b(?![\-,])"},
        ],
    )
    repository["attribute"] = attribute(plain, [])
    statements += [
        {"include": "#attribute-kind"},
        {"include": "#attribute-hours"},
        {"include": "#attribute-variability"},
        {"include": "#attribute"},
        # An unknown keyword (`stge build`): its arguments are still shown as such.
        region("meta.statement.wmdsl", rf"{START}\b({NAME})\b", {}, [{"include": "#values"}]),
    ]
    repository["statements"] = {"patterns": statements}
    return {
        "$schema": "https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json",
        "name": "wmdsl",
        "scopeName": "source.wmdsl",
        "fileTypes": ["wm"],
        "comment": "Generated by editors/generate.py from the wmdsl keyword tables; do not edit.",
        "patterns": [
            {"include": "#statements"},
            {"name": "invalid.illegal.stray-brace.wmdsl", "match": r"\}"},
        ],
        "repository": dict(sorted(repository.items())),
    }


def render() -> str:
    return json.dumps(grammar(), indent=2, ensure_ascii=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a committed copy is stale")
    options = parser.parse_args(argv)
    text = render()
    stale = [path for path in OUTPUTS if not path.exists() or path.read_text(encoding="utf-8") != text]
    if options.check:
        for path in stale:
            print(
                f"{path.relative_to(HERE.parent)} is stale: run python editors/generate.py", file=sys.stderr
            )
        return 1 if stale else 0
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
