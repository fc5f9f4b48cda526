"""The language server itself: pygls, and the protocol's types for what :mod:`wmdsl.lsp.answers` says.

One process serves an editor for as long as it runs: each open file's last
check stays in memory (:class:`wmdsl.lsp.state.State`), an edit checks the
file again and every open file that imports it, and requests are answered
from what the last check made. Checks run on the server's event loop one at
a time; edits that arrive while one runs are checked together once it is
done, so a burst of typing costs one check, not one per keystroke.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable
from typing import Any

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from wmdsl import __version__
from wmdsl.diagnostics import Diagnostic, Severity, codes
from wmdsl.links import code_url
from wmdsl.lsp import answers
from wmdsl.lsp.index import Declaration, Index, Reference, where
from wmdsl.lsp.state import State, real
from wmdsl.lsp.text import Context, Lines, folds, tokens
from wmdsl.model.span import Span
from wmdsl.project.settings import ConfigError
from wmdsl.resolve.schema import KINDS

#: The LSP error code of a request that was understood but could not be carried out.
REQUEST_FAILED = -32803

SEVERITY = {
    Severity.ERROR: lsp.DiagnosticSeverity.Error,
    Severity.WARNING: lsp.DiagnosticSeverity.Warning,
    Severity.INFO: lsp.DiagnosticSeverity.Information,
}

TOKEN_TYPES = ["keyword", "variable", "property", "string", "number", "comment", "operator"]
TOKEN_MODIFIERS = ["declaration"]
LEGEND = lsp.SemanticTokensLegend(token_types=TOKEN_TYPES, token_modifiers=TOKEN_MODIFIERS)

# Words that are part of a value rather than names: `in LANE`, `6 per week`, `10d at 85%`, `after 3d`.
_VALUE_WORDS = frozenset(
    {
        "in",
        "per",
        "at",
        "after",
        "hour",
        "day",
        "week",
        "month",
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
    }
)
_DECLARING = frozenset({*KINDS, "workflow"})


class WmdslServer(LanguageServer):
    """pygls' server with wmdsl's state: the open files, what was checked, and the settings."""

    def __init__(self) -> None:
        super().__init__("wmdsl", __version__)
        self.state = State()
        # Code links go to each code's page on the documentation site of the file checked last
        # (its `docs-url` setting), unless the editor gives a URL of its own (``rulesUrl``).
        self.rules_url: str | None = None
        self.docs_url: str | None = None
        self.pending: set[str] = set()

    # -- positions -------------------------------------------------------

    def lines_of(self, path: str, compilation: Any = None) -> Lines:
        """The lines of ``path`` as the server sees it, for converting positions."""
        found = self.state.lines(path)
        if found is not None:
            return found
        return Lines(self.state.text_of(path, compilation) or "", self.state.encoding)

    def range(self, span: Span, lines: Lines) -> lsp.Range:
        line, character, end_line, end_character = lines.span(span)
        return lsp.Range(lsp.Position(line, character), lsp.Position(end_line, end_character))

    def location(self, span: Span, cache: dict[str, Lines] | None = None) -> lsp.Location:
        path = real(span.file)
        cache = {} if cache is None else cache
        if path not in cache:
            cache[path] = self.lines_of(path)
        return lsp.Location(from_fs_path(path) or path, self.range(span, cache[path]))

    def at(self, uri: str, position: lsp.Position) -> tuple[str, int, int]:
        """The open file's real path, and the wmdsl line and column of ``position`` in it."""
        path = path_of(uri)
        lines = self.state.lines(path) or self.lines_of(path)
        line, col = lines.from_client(position.line, position.character)
        return path, line, col

    # -- checking --------------------------------------------------------

    def schedule(self, path: str) -> None:
        """Check ``path`` (and the open files that import it) once the edits already received are in."""
        if path in self.pending:
            return
        self.pending.add(path)
        asyncio.get_running_loop().call_soon(self.recheck, path)

    def recheck(self, path: str) -> None:
        self.pending.discard(path)
        self.publish(path)
        for other in self.state.dependents(path):
            self.publish(other)

    def publish(self, path: str) -> None:
        """Check the open file ``path`` and send its diagnostics."""
        file = self.state.files.get(path)
        if file is None:
            return
        # The previous check is let go of only once the new diagnostics are sent: freeing a
        # large model takes a while, and the editor need not wait for it.
        previous = file.checked
        try:
            checked = self.state.check(path)
        except ConfigError as error:
            problem = lsp.Diagnostic(
                range=lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0)),
                message=f"wmdsl cannot read its configuration: {error}",
                severity=lsp.DiagnosticSeverity.Error,
                source="wmdsl",
            )
            self.send(file.uri, file.version, [problem])
            return
        if checked is None:
            return
        self.docs_url = checked.report.docs_url
        found = list(self.diagnostics(path, checked.report.diagnostics, checked.compilation))
        self.send(file.uri, file.version, found)
        del previous

    def send(self, uri: str, version: int | None, diagnostics: list[lsp.Diagnostic]) -> None:
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, version=version, diagnostics=diagnostics)
        )

    def diagnostics(
        self, path: str, found: Iterable[Diagnostic], compilation: Any
    ) -> Iterable[lsp.Diagnostic]:
        """The diagnostics of ``path``: its own, and at an import the errors of the files it leads to."""
        lines = self.lines_of(path)
        others: dict[str, list[Diagnostic]] = {}
        cache = {path: lines}
        for diagnostic in found:
            file = real(diagnostic.span.file)
            if file == path:
                yield self.convert(diagnostic, lines, cache, compilation)
            elif diagnostic.severity is Severity.ERROR:
                others.setdefault(file, []).append(diagnostic)
        for file, errors in sorted(others.items()):
            yield self.imported_errors(path, lines, file, errors, cache, compilation)

    def convert(
        self, diagnostic: Diagnostic, lines: Lines, cache: dict[str, Lines], compilation: Any
    ) -> lsp.Diagnostic:
        related = []
        for other in diagnostic.related:
            file = real(other.span.file)
            if file not in cache:
                cache[file] = self.lines_of(file, compilation)
            related.append(lsp.DiagnosticRelatedInformation(self.location(other.span, cache), other.message))
        message = diagnostic.message + (f"\nhint: {diagnostic.hint}" if diagnostic.hint else "")
        tags = [lsp.DiagnosticTag.Unnecessary] if diagnostic.code == codes.UNUSED_ALLOW.code else None
        data: dict[str, Any] = {"subjects": list(diagnostic.subjects), "hint": diagnostic.hint}
        return lsp.Diagnostic(
            range=self.range(diagnostic.span, lines),
            message=message,
            severity=SEVERITY[diagnostic.severity],
            code=diagnostic.code,
            code_description=lsp.CodeDescription(href=self.rule_url(diagnostic.code)),
            source="wmdsl",
            related_information=related or None,
            tags=tags,
            data=data,
        )

    def imported_errors(
        self,
        path: str,
        lines: Lines,
        file: str,
        errors: list[Diagnostic],
        cache: dict[str, Lines],
        compilation: Any,
    ) -> lsp.Diagnostic:
        """One error at the import that leads to ``file``, listing the errors found there."""
        if file not in cache:
            cache[file] = self.lines_of(file, compilation)
        span = _import_leading_to(path, lines.text, file)
        shown = os.path.relpath(file, os.path.dirname(path))
        count = f"{len(errors)} error{'s' if len(errors) != 1 else ''}"
        first = errors[0]
        return lsp.Diagnostic(
            range=self.range(span, lines),
            message=f"`{shown}` has {count}: {first.code} {first.message}",
            severity=lsp.DiagnosticSeverity.Error,
            code=first.code,
            code_description=lsp.CodeDescription(href=self.rule_url(first.code)),
            source="wmdsl",
            related_information=[
                lsp.DiagnosticRelatedInformation(self.location(e.span, cache), f"{e.code} {e.message}")
                for e in errors
            ],
        )

    def rule_url(self, code: str) -> str:
        """The page of ``code``: ``rulesUrl`` ({code} replaced, else the code appended), else the site's."""
        if self.rules_url is None:
            return code_url(code, self.docs_url)
        return self.rules_url.replace("{code}", code) if "{code}" in self.rules_url else self.rules_url + code

    # -- names -----------------------------------------------------------

    def found_at(self, uri: str, position: lsp.Position) -> tuple[str, Index | None, Any]:
        path, line, col = self.at(uri, position)
        index = self.state.index(path)
        return path, index, index.at(path, line, col) if index is not None else None

    def uses(self, declaration: Declaration) -> tuple[list[Span], list[Index]]:
        """Every place ``declaration``'s name is written, in every open file and workspace spec."""
        key = declaration.key
        spans: dict[tuple[str, int, int], Span] = {}
        seen: list[Index] = []
        for _path, index in self.state.indexes():
            mine = [d for d in index.declarations if d.key == key]
            if not mine and declaration.kind != "workflow":
                continue
            seen.append(index)
            for d in mine:
                spans.setdefault(where(d.name), d.name)
            for reference in index.references:
                if reference.target is not None and reference.target.key == key:
                    spans.setdefault(where(reference.ref.span), reference.ref.span)
        return [spans[k] for k in sorted(spans)], seen


def path_of(uri: str) -> str:
    return real(to_fs_path(uri) or uri)


def _import_leading_to(path: str, text: str, file: str) -> Span:
    """The import statement of ``path`` that names ``file``, else its first import (or line 1)."""
    folder = os.path.dirname(path)
    first: Span | None = None
    written = list(tokens(text))
    lines = Lines(text)
    for number, token in enumerate(written):
        if token.kind != "WORD" or token.text != "import" or number + 1 >= len(written):
            continue
        argument = written[number + 1]
        if argument.kind != "STRING":
            continue
        line, col = lines.position(token.start)
        end_line, end_col = lines.position(argument.end)
        span = Span(path, line, col, end_line, end_col)
        first = first or span
        if real(os.path.join(folder, argument.text.strip('"'))) == file:
            return span
    return first or Span(path, 1, 1, 1, 1)


def make_server() -> WmdslServer:
    """The server with every feature registered."""
    server = WmdslServer()

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: WmdslServer, params: lsp.InitializeParams) -> None:
        options = params.initialization_options
        if isinstance(options, dict) and isinstance(options.get("rulesUrl"), str):
            ls.rules_url = options["rulesUrl"]
        folders = [f.uri for f in params.workspace_folders or []] or (
            [params.root_uri] if params.root_uri else []
        )
        ls.state.folders = [path_of(uri) for uri in folders]

    @server.feature(lsp.INITIALIZED)
    def initialized(ls: WmdslServer, params: lsp.InitializedParams) -> None:
        found = ls.workspace.position_encoding
        ls.state.encoding = str(getattr(found, "value", found) or "utf-16")

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: WmdslServer, params: lsp.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        path = path_of(item.uri)
        ls.state.open(path, item.uri, item.text, item.version)
        ls.schedule(path)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: WmdslServer, params: lsp.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        path = path_of(uri)
        text = ls.workspace.get_text_document(uri).source
        if ls.state.change(path, text, params.text_document.version) is not None:
            ls.schedule(path)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: WmdslServer, params: lsp.DidSaveTextDocumentParams) -> None:
        ls.schedule(path_of(params.text_document.uri))

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: WmdslServer, params: lsp.DidCloseTextDocumentParams) -> None:
        path = path_of(params.text_document.uri)
        importers = ls.state.dependents(path)
        ls.state.close(path)
        ls.send(params.text_document.uri, None, [])
        for other in importers:
            ls.schedule(other)

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(ls: WmdslServer, params: lsp.DidChangeWatchedFilesParams) -> None:
        ls.state.edits += 1
        for path in sorted(ls.state.files):
            ls.schedule(path)

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover(ls: WmdslServer, params: lsp.HoverParams) -> lsp.Hover | None:
        path, line, col = ls.at(params.text_document.uri, params.position)
        file = ls.state.files.get(path)
        if file is None:
            return None
        lines = ls.lines_of(path)
        offset = lines.offset(line, col)
        word = _word_at(file.text, offset)
        if word is None:
            return None
        kind, start, end, text = word
        span = Span(path, *lines.position(start), *lines.position(end))
        found = _hover_text(ls, path, line, col, kind, text, file.context(start))
        if found is None:
            return None
        return lsp.Hover(
            contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=found),
            range=ls.range(span, lines),
        )

    @server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: WmdslServer, params: lsp.DefinitionParams) -> lsp.Location | None:
        _path, _index, found = ls.found_at(params.text_document.uri, params.position)
        declaration = answers.target(found)
        return ls.location(declaration.name) if declaration is not None else None

    @server.feature(lsp.TEXT_DOCUMENT_REFERENCES)
    def references(ls: WmdslServer, params: lsp.ReferenceParams) -> list[lsp.Location] | None:
        _path, _index, found = ls.found_at(params.text_document.uri, params.position)
        declaration = answers.target(found)
        if declaration is None:
            return None
        spans, _ = ls.uses(declaration)
        if not params.context.include_declaration:
            spans = [s for s in spans if where(s) != where(declaration.name)]
        cache: dict[str, Lines] = {}
        return [ls.location(span, cache) for span in spans]

    @server.feature(lsp.TEXT_DOCUMENT_PREPARE_RENAME)
    def prepare_rename(ls: WmdslServer, params: lsp.PrepareRenameParams) -> lsp.Range | None:
        path, _index, found = ls.found_at(params.text_document.uri, params.position)
        if answers.target(found) is None:
            return None
        span = found.ref.span if isinstance(found, Reference) else found.name
        return ls.range(span, ls.lines_of(path))

    @server.feature(lsp.TEXT_DOCUMENT_RENAME, lsp.RenameOptions(prepare_provider=True))
    def rename(ls: WmdslServer, params: lsp.RenameParams) -> lsp.WorkspaceEdit | None:
        _path, _index, found = ls.found_at(params.text_document.uri, params.position)
        declaration = answers.target(found)
        if declaration is None:
            raise JsonRpcException("there is no declared name here to rename", code=REQUEST_FAILED)
        spans, indexes = ls.uses(declaration)
        problem = answers.rename_problem(declaration, params.new_name, indexes)
        if problem is not None:
            raise JsonRpcException(
                f"cannot rename `{declaration.element.name}`: {problem}", code=REQUEST_FAILED
            )
        changes: dict[str, list[lsp.TextEdit]] = {}
        cache: dict[str, Lines] = {}
        for span in spans:
            location = ls.location(span, cache)
            changes.setdefault(location.uri, []).append(lsp.TextEdit(location.range, params.new_name))
        return lsp.WorkspaceEdit(changes=changes)

    @server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=["@", " ", ">"]))
    def completion(ls: WmdslServer, params: lsp.CompletionParams) -> lsp.CompletionList:
        path, line, col = ls.at(params.text_document.uri, params.position)
        file = ls.state.files.get(path)
        if file is None:
            return lsp.CompletionList(is_incomplete=False, items=[])
        lines = ls.state.lines(path)
        assert lines is not None
        offers = answers.complete(file.context(lines.offset(line, col)), ls.state.known(path))
        items = [
            lsp.CompletionItem(label=o.label, kind=_COMPLETION_KIND[o.sort], detail=o.detail or None)
            for o in offers
        ]
        return lsp.CompletionList(is_incomplete=False, items=items)

    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]),
    )
    def code_action(ls: WmdslServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction] | None:
        uri = params.text_document.uri
        path = path_of(uri)
        parsed = ls.state.parsed(path)
        lines = ls.state.lines(path)
        if parsed is None or lines is None:
            return None
        actions: list[lsp.CodeAction] = []
        for diagnostic in params.context.diagnostics:
            if diagnostic.source != "wmdsl" or not isinstance(diagnostic.code, str):
                continue
            data = diagnostic.data if isinstance(diagnostic.data, dict) else {}
            fixed = _safe_fix(diagnostic, data, Lines(lines.text, ls.state.encoding), path, uri)
            if fixed is not None:
                actions.append(fixed)
            code = codes.lookup(diagnostic.code)
            if code is None or code.family is codes.Family.SYN:
                continue
            start = lines.from_client(diagnostic.range.start.line, diagnostic.range.start.character)
            at = Span(path, *start, *start)
            subjects = tuple(str(s) for s in data.get("subjects", ()))
            insertion = answers.allow_insertion(parsed, lines.lines, subjects, at, code.code, path)
            if insertion is None:
                continue
            position = lsp.Position(
                *Lines(lines.text, ls.state.encoding).to_client(insertion.line, insertion.col)
            )
            edit = lsp.TextEdit(lsp.Range(position, position), insertion.text)
            actions.append(
                lsp.CodeAction(
                    title=f'Add `allow {code.code} "…"` (write why the finding is acceptable)',
                    kind=lsp.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic],
                    edit=lsp.WorkspaceEdit(changes={uri: [edit]}),
                )
            )
        return actions

    @server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbol(ls: WmdslServer, params: lsp.DocumentSymbolParams) -> list[lsp.DocumentSymbol] | None:
        path = path_of(params.text_document.uri)
        parsed = ls.state.parsed(path)
        file = ls.state.files.get(path)
        if parsed is None or file is None:
            return None
        lines = ls.lines_of(path)
        return [_symbol(ls, symbol, lines) for symbol in answers.outline(parsed)]

    @server.feature(lsp.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, LEGEND)
    def semantic_tokens(ls: WmdslServer, params: lsp.SemanticTokensParams) -> lsp.SemanticTokens:
        file = ls.state.files.get(path_of(params.text_document.uri))
        if file is None:
            return lsp.SemanticTokens(data=[])
        return lsp.SemanticTokens(data=_semantic(file.text, ls.state.encoding))

    @server.feature(lsp.TEXT_DOCUMENT_FOLDING_RANGE)
    def folding_range(ls: WmdslServer, params: lsp.FoldingRangeParams) -> list[lsp.FoldingRange]:
        file = ls.state.files.get(path_of(params.text_document.uri))
        if file is None:
            return []
        return [lsp.FoldingRange(start_line=a - 1, end_line=b - 1) for a, b in folds(file.text)]

    @server.feature(lsp.TEXT_DOCUMENT_FORMATTING)
    def formatting(ls: WmdslServer, params: lsp.DocumentFormattingParams) -> list[lsp.TextEdit] | None:
        # The whole file in the canonical layout of `wmdsl fmt`, as one edit; a file
        # with syntax errors is left as it is (its errors are already shown).
        from wmdsl.syntax.format import FormatError, format_text

        path = path_of(params.text_document.uri)
        file = ls.state.files.get(path)
        if file is None:
            return None
        try:
            formatted = format_text(file.text, path)
        except FormatError:
            return None
        if formatted == file.text:
            return []
        lines = Lines(file.text, ls.state.encoding)
        end = lines.to_client(file.text.count("\n") + 1, len(file.text.rsplit("\n", 1)[-1]) + 1)
        whole = lsp.Range(lsp.Position(0, 0), lsp.Position(*end))
        return [lsp.TextEdit(whole, formatted)]

    return server


def _safe_fix(
    diagnostic: lsp.Diagnostic, data: dict[str, Any], lines: Lines, path: str, uri: str
) -> lsp.CodeAction | None:
    """The fix `wmdsl check --fix` would make for ``diagnostic``, as a preferred quick fix."""
    from wmdsl.diagnostics import Diagnostic as Finding
    from wmdsl.diagnostics import Severity as Level
    from wmdsl.diagnostics.fixes import FIXABLE, fix_of

    if diagnostic.code not in FIXABLE:
        return None
    start = lines.from_client(diagnostic.range.start.line, diagnostic.range.start.character)
    end = lines.from_client(diagnostic.range.end.line, diagnostic.range.end.character)
    hint = data.get("hint")
    finding = Finding(str(diagnostic.code), Level.ERROR, diagnostic.message, Span(path, *start, *end), hint)
    edit = fix_of(finding, lines.text)
    if edit is None:
        return None
    span = edit.span
    begin = lines.to_client(span.line, span.col)
    finish = (
        lines.to_client(span.end_line, span.end_col)
        if span.end_line <= len(lines.lines)
        else (span.end_line - 1, 0)
    )
    change = lsp.TextEdit(lsp.Range(lsp.Position(*begin), lsp.Position(*finish)), edit.text)
    return lsp.CodeAction(
        title=f"Fix: {edit.what}",
        kind=lsp.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        is_preferred=True,
        edit=lsp.WorkspaceEdit(changes={uri: [change]}),
    )


_COMPLETION_KIND = {
    "keyword": lsp.CompletionItemKind.Keyword,
    "name": lsp.CompletionItemKind.Reference,
    "handle": lsp.CompletionItemKind.Variable,
    "code": lsp.CompletionItemKind.Value,
    "value": lsp.CompletionItemKind.EnumMember,
}

_SYMBOL_KIND = {
    "workflow": lsp.SymbolKind.Module,
    "person": lsp.SymbolKind.Constant,
    "lane": lsp.SymbolKind.Namespace,
    "work": lsp.SymbolKind.Class,
    "calendar": lsp.SymbolKind.Object,
    "decision": lsp.SymbolKind.Boolean,
    "intake": lsp.SymbolKind.Event,
    "stage": lsp.SymbolKind.Function,
    "join": lsp.SymbolKind.Operator,
    "exit": lsp.SymbolKind.Event,
    "board": lsp.SymbolKind.Array,
    "metric": lsp.SymbolKind.Number,
    "cadence": lsp.SymbolKind.Event,
    "handoff": lsp.SymbolKind.Field,
}


def _symbol(ls: WmdslServer, symbol: answers.Symbol, lines: Lines) -> lsp.DocumentSymbol:
    return lsp.DocumentSymbol(
        name=symbol.name,
        detail=f"{symbol.kind} {symbol.detail}".strip(),
        kind=_SYMBOL_KIND.get(symbol.kind, lsp.SymbolKind.Variable),
        range=ls.range(symbol.span, lines),
        selection_range=ls.range(symbol.name_span, lines),
        children=[_symbol(ls, child, lines) for child in symbol.children] or None,
    )


def _word_at(text: str, offset: int) -> tuple[str, int, int, str] | None:
    """The word, handle or number at ``offset`` of ``text``: its kind, start, end and text."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    end = len(text) if end < 0 else end
    for token in tokens(text[start:end]):
        if token.start <= offset - start <= token.end and token.kind in ("WORD", "HANDLE", "NUMBER"):
            return token.kind, start + token.start, start + token.end, token.text
    return None


def _hover_text(
    ls: WmdslServer, path: str, line: int, col: int, kind: str, word: str, ctx: Context
) -> str | None:
    if ctx.words == ("allow",) and kind == "WORD":
        return answers.rule_doc(word, ls.rule_url(word.upper()))
    index = ls.state.index(path)
    found = index.at(path, line, col) if index is not None else None
    declaration = answers.target(found)
    if declaration is not None:
        shown = (
            f"{os.path.relpath(real(declaration.name.file), os.path.dirname(path))}:{declaration.name.line}"
        )
        assert index is not None
        return answers.declaration_doc(declaration, ls.state.figures(path), shown, index)
    if not ctx.words and kind == "WORD":
        within = answers.block_kind(ctx.blocks[-1]) if ctx.blocks else ""
        return answers.keyword_doc(word, within)
    if ctx.words and ctx.words[0] == "stage" and word == "in":
        return answers.keyword_doc("stage", "")
    return None


def _semantic(text: str, encoding: str) -> list[int]:
    """The semantic tokens of ``text``, encoded as the protocol wants (relative positions)."""
    data: list[int] = []
    lines = Lines(text, encoding)
    previous_line, previous_start = 0, 0
    line, line_start = 1, 0  # the line the next token is on, and where it starts in the text
    first = True  # the next word starts a statement
    continued = False  # the last token was a comma: a line break continues the statement
    declaring: str | None = None  # the keyword whose name comes next
    written = list(tokens(lines.text))
    for number, token in enumerate(written):
        kind = token.kind
        token_type: int | None = None
        modifiers = 0
        if kind == "COMMENT":
            token_type = 5
        elif kind in ("STRING", "TEXT"):
            token_type = 3
        elif kind == "NUMBER":
            token_type = 4
        elif kind == "ARROW":
            token_type = 6
        elif kind in ("WORD", "HANDLE"):
            following = written[number + 1] if number + 1 < len(written) else None
            arrow_next = following is not None and following.kind == "ARROW"
            if first and kind == "WORD" and not arrow_next:
                token_type = 0
                declaring = token.text if token.text in _DECLARING else None
            elif declaring is not None:
                token_type = 2 if kind == "HANDLE" else 1
                modifiers = 1
                declaring = None
            elif kind == "HANDLE":
                token_type = 2
            elif token.text in _VALUE_WORDS or all(part in _VALUE_WORDS for part in token.text.split("-")):
                token_type = 0
            else:
                token_type = 1
        if kind in ("OPEN", "CLOSE") or (kind == "END" and not (continued and token.text == "\n")):
            first, declaring = True, None
        elif kind not in ("COMMENT", "END"):
            first = False
        if kind != "COMMENT":
            continued = kind == "COMMA"
        if token_type is not None:
            # A text block may span lines: each line is a token of its own.
            start = token.start
            for piece in token.text.split("\n"):
                client_line, character = lines.to_client(line, start - line_start + 1)
                length = len(piece) if encoding == "utf-32" or piece.isascii() else _length(piece, encoding)
                if length:
                    delta_line = client_line - previous_line
                    delta_start = character - previous_start if delta_line == 0 else character
                    data += [delta_line, delta_start, length, token_type, modifiers]
                    previous_line, previous_start = client_line, character
                start += len(piece) + 1
        breaks = token.text.count("\n")
        if breaks:
            line += breaks
            line_start = token.start + token.text.rfind("\n") + 1
    return data


def _length(text: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)
