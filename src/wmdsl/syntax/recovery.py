"""lark's parser, for files with syntax errors: it reports them all, in the user's words.

:mod:`wmdsl.syntax.parser` runs the grammar's rules over valid files without
lark; a file it cannot take comes here, and lark's error recovery finds every
independent mistake in one run. The parser is built once per process, from
the user's cache when lark left it there (:mod:`wmdsl.syntax.lark_cache`).

Transforming during the parse (``Lark(transformer=...)``) builds our AST
directly: no intermediate parse tree, no recursion over it (so deeply nested
input cannot exhaust the Python stack), and spans come straight from tokens.
lark's exceptions are caught here and turned into ``SYN001`` diagnostics that
speak the user's words (see :mod:`wmdsl.syntax.errors`).
"""

from __future__ import annotations

import functools
import threading
from typing import Any

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedInput, VisitError

from wmdsl.diagnostics import Diagnostic, codes
from wmdsl.model.span import Span
from wmdsl.project.limits import DEFAULT, Limits
from wmdsl.syntax.ast import TERMINAL_KINDS, Arg, ArgKind, Block, Handoff, ParsedFile, Statement
from wmdsl.syntax.errors import ErrorCollector
from wmdsl.syntax.grammar import grammar_text
from wmdsl.syntax.strings import EscapeError, decode_string, decode_text

#: Options that shape the parse tables (the generated lexer is made with them
#: too). The transformer and the lexer callbacks are attached when the parser
#: is built or loaded.
OPTIONS: dict[str, Any] = {"parser": "lalr", "lexer": "contextual", "maybe_placeholders": False}


class _TooDeep(Exception):
    """Blocks nest past the limit: the parse ends at the brace that passed it."""


class _Inlined:
    """What an inlined rule (``_x``, ``__anon``) yields: lark splices its children
    into the parent and only reads ``children``, so a lighter object than a
    Tree will do."""

    __slots__ = ("children",)

    def __init__(self, children: list[Any]) -> None:
        self.children = children


class _Builder(Transformer[Token, Any]):
    """Builds AST nodes as lark reduces rules; one method per grammar rule."""

    def __init__(self) -> None:
        super().__init__(visit_tokens=False)
        self.path = "<string>"
        self.errors: ErrorCollector | None = None
        self.limits = DEFAULT
        self.depth = 0

    def start_file(self, path: str, errors: ErrorCollector, limits: Limits) -> None:
        """Reset the per-file state before a parse."""
        self.path, self.errors, self.limits = path, errors, limits
        self.depth = 0

    # Called by the lexer for every brace, before the parser sees it, so that
    # braces the error recovery skips are counted too.
    def open_brace(self, token: Token) -> Token:
        self.depth += 1
        if self.depth > self.limits.max_depth:
            if self.errors is not None:
                self.errors.add_custom(
                    self.span(token),
                    f"blocks nest deeper than {self.limits.max_depth} levels",
                    "real specs nest three levels at most; raise `max-depth` under [limits] if you must",
                    codes.LIMIT,
                )
            # The parse stops here: lark's stack holds a state and a token for
            # every open block, so going on would cost memory in proportion to
            # the depth, which the limit is there to bound.
            raise _TooDeep
        return token

    def close_brace(self, token: Token) -> Token:
        self.depth = max(0, self.depth - 1)
        return token

    def span(self, token: Token) -> Span:
        return Span(
            file=self.path,
            line=token.line or 1,
            col=token.column or 1,
            end_line=token.end_line or token.line or 1,
            end_col=token.end_column or token.column or 1,
        )

    def arg(self, token: Token) -> Arg:
        kind = TERMINAL_KINDS[token.type]
        raw = str(token)
        if len(raw) > self.limits.max_string_length and self.errors is not None:
            self.errors.add_custom(
                self.span(token),
                f"{kind.value} longer than {self.limits.max_string_length} characters",
                "keep long text in a document and link to it; or raise `max-string-length` under [limits]",
                codes.LIMIT,
            )
        value = raw
        if kind is ArgKind.STRING or kind is ArgKind.TEXT:
            try:
                value = decode_string(raw) if kind is ArgKind.STRING else decode_text(raw)
            except EscapeError as error:
                self.bad_escape(token, error)
        elif kind is ArgKind.COMMA:
            # The token also holds the blank lines and comments after the comma.
            raw = value = ","
            line, col = token.line or 1, token.column or 1
            return Arg(kind, raw, value, self.path, line, col, line, col + 1)
        return Arg.at(kind, raw, value, self.span(token))

    def bad_escape(self, token: Token, error: EscapeError) -> None:
        assert self.errors is not None
        start = self.span(token)
        before = str(token)[: error.offset]
        line = start.line + before.count("\n")
        col = (len(before) - before.rfind("\n")) if "\n" in before else start.col + error.offset
        at = Span(file=self.path, line=line, col=col, end_line=line, end_col=col + 2)
        self.errors.add_custom(
            at,
            f"unknown escape `{error.sequence}` in a string",
            'strings know `\\"`, `\\\\`, `\\n`, `\\t`, `\\r` and `\\u{…}`',
        )

    def start(self, children: list[Any]) -> tuple[Statement | Handoff, ...]:
        return tuple(children)

    def statement(self, children: list[Any]) -> Statement:
        keyword = self.arg(children[0])
        block = children[-1] if isinstance(children[-1], Block) else None
        tokens = children[1:-1] if block is not None else children[1:]
        args = tuple(self.arg(token) for token in tokens)
        end = block.span if block is not None else args[-1].span if args else keyword.span
        return Statement(keyword, args, block, keyword.span.to(end))

    def handoff(self, children: list[Any]) -> Handoff:
        source, target = self.arg(children[0]), self.arg(children[2])
        block = children[-1] if isinstance(children[-1], Block) else None
        tokens = children[3:-1] if block is not None else children[3:]
        args = tuple(self.arg(token) for token in tokens)
        end = block.span if block is not None else args[-1].span if args else target.span
        return Handoff(source, target, args, block, source.span.to(end))

    def block(self, children: list[Any]) -> Block:
        opening, closing = self.span(children[0]), self.span(children[-1])
        return Block(tuple(children[1:-1]), opening.to(closing))

    def __default__(self, data: Any, children: Any, meta: Any) -> Any:
        # Rules named `_x` are inlined into their parent by lark, which needs
        # a Tree to splice; any other rule without a method is a bug.
        if str(data).startswith("_"):
            return _Inlined(children)
        raise NotImplementedError(f"no AST builder for grammar rule {data!r}")


@functools.cache
def _parser() -> tuple[Lark, _Builder]:
    """lark's parser for the shipped grammar, with the AST builder attached (one per process)."""
    from wmdsl.syntax.lark_cache import build

    builder = _Builder()
    attached: dict[str, Any] = {
        "transformer": builder,
        "lexer_callbacks": {"LBRACE": builder.open_brace, "RBRACE": builder.close_brace},
    }
    return build(grammar_text(), OPTIONS, attached), builder


_LOCK = threading.Lock()


def parse(text: str, path: str = "<string>", limits: Limits = DEFAULT) -> ParsedFile:
    """Parse ``text`` (the contents of ``path``) into statements and syntax errors.

    Never raises for bad input: every problem becomes a ``SYN001`` diagnostic,
    and parsing recovers to report later, independent mistakes too.
    """
    lark, builder = _parser()
    with _LOCK:
        errors = ErrorCollector(path, text)
        builder.start_file(path, errors, limits)
        items: tuple[Statement | Handoff, ...] = ()
        try:
            items = lark.parse(text, on_error=errors.on_error)  # type: ignore[assignment]
        except UnexpectedInput as error:
            errors.record(error)
        except _TooDeep:
            pass  # reported where it was found
        except VisitError as error:  # pragma: no cover - a builder bug, not user input
            raise error.orig_exc from error
        finally:
            builder.errors = None
    diagnostics: tuple[Diagnostic, ...] = tuple(errors.diagnostics)
    damaged: set[str] = set()
    if diagnostics and errors.structural:
        items = ()  # a misplaced brace moves statements into other blocks: nothing built can be trusted
    elif diagnostics:
        items = _intact(items, [d.span for d in diagnostics], damaged)
    assert all(d.code in (codes.SYNTAX.code, codes.LIMIT.code) for d in diagnostics)
    return ParsedFile(path, items, diagnostics, frozenset(damaged))


def _intact(
    items: tuple[Statement | Handoff, ...], errors: list[Span], damaged: set[str]
) -> tuple[Statement | Handoff, ...]:
    """The statements lark's recovery built that no syntax error touches.

    A statement with an error in its own words is dropped (what recovery made
    of it is a guess); one with an error inside its block keeps its words and
    the statements of the block that are intact, so the resolver still checks
    the rest of the file in the same run. The names dropped statements may
    declare go into ``damaged``. Linear in the items times the errors inside them.
    """
    kept: list[Statement | Handoff] = []
    for index, item in enumerate(items):
        # A statement answers for the text up to the next one: recovery ends it
        # early when the error comes after its last good word (`chance 30 %`).
        upto = items[index + 1].span if index + 1 < len(items) else None
        inside = [e for e in errors if _within(e, item.span, upto)]
        if not inside:
            kept.append(item)
            continue
        block = item.block
        if block is None or any(not _within(e, block.span, None, ends=True) for e in inside):
            _names(item, damaged)
            continue
        trimmed = Block(_intact(block.items, inside, damaged), block.span)
        if isinstance(item, Handoff):
            kept.append(Handoff(item.source, item.target, item.args, trimmed, item.span))
        else:
            kept.append(Statement(item.keyword, item.args, trimmed, item.span))
    return tuple(kept)


def _names(item: Statement | Handoff, damaged: set[str]) -> None:
    """Every name ``item`` and the statements of its block could declare (their first words)."""
    pending = [item]
    while pending:
        statement = pending.pop()
        if isinstance(statement, Statement) and statement.args:
            damaged.add(statement.args[0].raw)
        if statement.block is not None:
            pending.extend(statement.block.items)


def _within(error: Span, span: Span, upto: Span | None, *, ends: bool = False) -> bool:
    """Whether ``error`` is in ``span``, or (unless ``ends``) between its end and ``upto``."""
    at = (error.line, error.col)
    if at < (span.line, span.col):
        return False
    if at < (span.end_line, span.end_col) or at == (span.line, span.col):
        return True
    if ends:
        return False
    return upto is None or at < (upto.line, upto.col)
