"""The language server end to end: `wmdsl lsp` started as a subprocess and driven as an editor would.

One server serves the whole module (as one serves an editor session); each
test opens the files it needs. Files are changed only in the editor, never
on disk, so the examples stay as they are.
"""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import pytest_lsp
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from wmdsl.links import DOCS_URL

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
PROCUREMENT = EXAMPLES / "procurement.wm"
PEOPLE = EXAMPLES / "org" / "people.wm"

pytestmark = pytest.mark.asyncio(loop_scope="module")


class Published:
    """Every publishDiagnostics the client received, by URI, and a way to wait for the next."""

    def __init__(self) -> None:
        self.by_uri: dict[str, list[lsp.PublishDiagnosticsParams]] = {}
        self.arrived = asyncio.Condition()

    async def record(self, params: lsp.PublishDiagnosticsParams) -> None:
        async with self.arrived:
            self.by_uri.setdefault(params.uri, []).append(params)
            self.arrived.notify_all()

    def count(self, uri: str) -> int:
        return len(self.by_uri.get(uri, []))

    async def after(self, uri: str, count: int, timeout: float = 30) -> list[lsp.Diagnostic]:
        """The diagnostics of the first publication for ``uri`` after the first ``count``."""
        async with self.arrived:
            await asyncio.wait_for(self.arrived.wait_for(lambda: self.count(uri) > count), timeout)
            return list(self.by_uri[uri][count].diagnostics)

    async def latest(self, uri: str, version: int, count: int, timeout: float = 30) -> list[lsp.Diagnostic]:
        """The diagnostics published for ``version`` of ``uri`` after the first ``count`` publications."""

        def found() -> list[lsp.PublishDiagnosticsParams]:
            return [p for p in self.by_uri.get(uri, [])[count:] if p.version == version]

        async with self.arrived:
            await asyncio.wait_for(self.arrived.wait_for(lambda: bool(found())), timeout)
            return list(found()[-1].diagnostics)


PUBLISHED: dict[int, Published] = {}


def _client() -> LanguageClient:
    client = LanguageClient(converter_factory=default_converter)
    published = PUBLISHED[id(client)] = Published()

    async def publish(client: LanguageClient, params: lsp.PublishDiagnosticsParams) -> None:
        await published.record(params)

    features = dict(DEFAULT_CLIENT_FEATURES)
    features[lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish
    register_lsp_features(client, features)
    return client


@pytest_lsp.fixture(
    scope="module",
    config=ClientServerConfig(server_command=[sys.executable, "-m", "wmdsl", "lsp"], client_factory=_client),
)
async def client(lsp_client: LanguageClient) -> AsyncIterator[None]:
    await lsp_client.initialize_session(
        lsp.InitializeParams(
            capabilities=lsp.ClientCapabilities(),
            root_uri=ROOT.as_uri(),
            workspace_folders=[lsp.WorkspaceFolder(uri=EXAMPLES.as_uri(), name="examples")],
        )
    )
    yield
    await lsp_client.shutdown_session()


class Editor:
    """The files a test has open, and what it does to them."""

    def __init__(self, client: LanguageClient) -> None:
        self.client = client
        self.published = PUBLISHED[id(client)]
        self.versions: dict[str, int] = {}
        self.texts: dict[str, str] = {}

    async def open(self, path: Path, text: str | None = None) -> list[lsp.Diagnostic]:
        uri = path.as_uri()
        self.texts[uri] = path.read_text(encoding="utf-8") if text is None else text
        self.versions[uri] = 1
        count = self.published.count(uri)
        self.client.text_document_did_open(
            lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "wmdsl", 1, self.texts[uri]))
        )
        return await self.published.latest(uri, 1, count)

    async def change(self, path: Path, text: str) -> list[lsp.Diagnostic]:
        uri = path.as_uri()
        self.versions[uri] += 1
        self.texts[uri] = text
        count = self.published.count(uri)
        self.client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
                content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        return await self.published.latest(uri, self.versions[uri], count)

    def close(self, path: Path) -> None:
        uri = path.as_uri()
        self.client.text_document_did_close(lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(uri)))
        self.versions.pop(uri, None)

    def position(self, path: Path, needle: str, offset: int = 0) -> lsp.Position:
        """Where ``needle`` first appears in the open text of ``path`` (plus ``offset`` characters)."""
        text = self.texts[path.as_uri()]
        at = text.index(needle) + offset
        line = text.count("\n", 0, at)
        return lsp.Position(line, at - (text.rfind("\n", 0, at) + 1))

    def doc(self, path: Path) -> lsp.TextDocumentIdentifier:
        return lsp.TextDocumentIdentifier(path.as_uri())


@pytest_asyncio.fixture(loop_scope="module")
async def editor(client: LanguageClient) -> AsyncIterator[Editor]:
    opened = Editor(client)
    yield opened
    for uri in list(opened.versions):
        opened.close(Path(uri.removeprefix("file://")))


def _project(tmp_path: Path) -> Path:
    (tmp_path / "wmdsl.toml").write_text("", encoding="utf-8")
    return tmp_path


SPEC = """\
person @ana "Ana Lima"
person @bo "Bo Berg"
lane eng "Engineering" { owner @ana; members @ana, @bo }

workflow fixes "Bug fixes" {
  owner @ana
  purpose "Fix what customers report"
  intake reports "Bug reports" { owner @ana; arrivals 4 per week }
  stage fix "Fix the bug" in eng {
    wip 3
    effort 4h
    done "Fix merged with a regression test"
  }
  exit fixed "Fixed"
  exit wontfix "Won't fix" { kind rejected }
  reports -> fix
  fix -> fixed
  fix -> wontfix
}
"""


# -- diagnostics -----------------------------------------------------------


async def test_the_examples_open_without_diagnostics(editor: Editor) -> None:
    assert await editor.open(PROCUREMENT) == []


async def test_diagnostics_on_open_carry_code_place_link_hint_and_related_places(
    editor: Editor, tmp_path: Path
) -> None:
    spec = _project(tmp_path) / "fixes.wm"
    text = SPEC.replace("reports -> fix\n", "reports -> fxi\n").replace(
        '  exit fixed "Fixed"\n', '  exit fixed "Fixed"\n  exit fixed "Done"\n'
    )
    found = await editor.open(spec, text)
    unknown = next(d for d in found if d.code == "SYN002")
    assert unknown.severity == lsp.DiagnosticSeverity.Error
    assert unknown.range == lsp.Range(editor.position(spec, "fxi"), editor.position(spec, "fxi", 3))
    assert "unknown" in unknown.message
    assert "did you mean `fix`?" in unknown.message
    assert unknown.code_description is not None
    # A language error links to the table of language errors on the documentation site.
    assert unknown.code_description.href == f"{DOCS_URL}language/#53-codes"
    duplicate = next(d for d in found if "already declared" in d.message)
    assert duplicate.related_information is not None
    [first] = duplicate.related_information
    assert first.location.uri == spec.as_uri()
    assert first.location.range.start == editor.position(spec, 'exit fixed "Fixed"')
    assert first.message == "first declared here"


async def test_an_unused_allow_is_marked_unnecessary(editor: Editor, tmp_path: Path) -> None:
    spec = _project(tmp_path) / "fixes.wm"
    text = SPEC.replace("    wip 3\n", '    wip 3\n    allow FLW003 "no reason to"\n')
    found = await editor.open(spec, text)
    unused = next(d for d in found if d.code == "SYN013")
    assert list(unused.tags or ()) == [lsp.DiagnosticTag.Unnecessary]
    assert unused.range.start == editor.position(spec, "allow FLW003")


async def test_diagnostics_follow_changes_and_saves(editor: Editor, tmp_path: Path) -> None:
    spec = _project(tmp_path) / "fixes.wm"
    assert not [d for d in await editor.open(spec, SPEC) if d.severity == lsp.DiagnosticSeverity.Error]
    broken = await editor.change(spec, SPEC.replace("in eng {", "in engg {"))
    assert [d.code for d in broken if d.severity == lsp.DiagnosticSeverity.Error] == ["SYN002"]
    fixed = await editor.change(spec, SPEC)
    assert not [d for d in fixed if d.severity == lsp.DiagnosticSeverity.Error]
    count = editor.published.count(spec.as_uri())
    editor.client.text_document_did_save(lsp.DidSaveTextDocumentParams(editor.doc(spec)))
    assert await editor.published.after(spec.as_uri(), count) == fixed


async def test_an_edit_of_an_imported_file_updates_the_files_that_import_it(editor: Editor) -> None:
    assert await editor.open(PROCUREMENT) == []
    people = PEOPLE.read_text(encoding="utf-8")
    uri = PROCUREMENT.as_uri()
    count = editor.published.count(uri)
    await editor.open(PEOPLE)
    assert await editor.published.after(uri, count) == []  # checked again with the open file's text
    count = editor.published.count(uri)
    await editor.change(PEOPLE, people.replace("person @petra ", "person @petra_n "))
    found = await editor.published.after(uri, count)
    errors = [d for d in found if d.severity == lsp.DiagnosticSeverity.Error]
    assert {d.code for d in errors} == {"SYN002"}
    assert {d.message.split("\n")[0] for d in errors} == {"unknown person `@petra`"}
    assert len(errors) == PROCUREMENT.read_text(encoding="utf-8").count("@petra")
    count = editor.published.count(uri)
    await editor.change(PEOPLE, people)
    assert await editor.published.after(uri, count) == []


async def test_errors_in_an_imported_file_are_shown_at_its_import(editor: Editor, tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / "people.wm").write_text('person @ana "Ana"\n', encoding="utf-8")
    spec = root / "fixes.wm"
    text = 'import "people.wm"\n' + SPEC.replace('person @ana "Ana Lima"\n', "")
    assert not [d for d in await editor.open(spec, text) if d.severity == lsp.DiagnosticSeverity.Error]
    count = editor.published.count(spec.as_uri())
    await editor.open(root / "people.wm")
    await editor.published.after(spec.as_uri(), count)
    count = editor.published.count(spec.as_uri())
    await editor.change(root / "people.wm", 'person @ana "Ana" { capacity many }\n')
    found = await editor.published.after(spec.as_uri(), count)
    at_import = next(d for d in found if "people.wm` has 1 error" in d.message)
    assert at_import.range.start == lsp.Position(0, 0)
    assert at_import.related_information is not None
    assert at_import.related_information[0].location.uri == (root / "people.wm").as_uri()


# -- hover -----------------------------------------------------------------


async def _hover(editor: Editor, path: Path, needle: str, offset: int = 1) -> str:
    found = await editor.client.text_document_hover_async(
        lsp.HoverParams(editor.doc(path), editor.position(path, needle, offset))
    )
    assert found is not None, needle
    assert isinstance(found.contents, lsp.MarkupContent)
    return found.contents.value


async def test_hover_explains_keywords_from_the_language_reference(editor: Editor) -> None:
    await editor.open(PROCUREMENT)
    stage = await _hover(editor, PROCUREMENT, "  stage qualify", 3)
    assert "**`stage`**" in stage
    assert "step of work" in stage
    assert 'stage build "Build" in eng' in stage
    wip = await _hover(editor, PROCUREMENT, "wip 4")
    assert "**`wip`**" in wip
    assert "work-in-progress limit" in wip
    assert "`stage`" in wip
    gate = await _hover(editor, PROCUREMENT, "gate vendor_risk")
    assert "traffic signal" in gate
    assert "a handoff" in gate


async def test_hover_explains_variability_and_shows_it_on_the_stage(editor: Editor, tmp_path: Path) -> None:
    spec = _project(tmp_path) / "fixes.wm"
    await editor.open(
        spec, SPEC.replace("    effort 4h\n", "    effort 4h\n    variability lognormal cv 0.8\n")
    )
    keyword = await _hover(editor, spec, "variability lognormal")
    assert "**`variability`** `VARIABILITY`" in keyword
    assert "spread around the `effort`" in keyword
    stage = await _hover(editor, spec, "fix -> fixed", 1)
    assert "WIP 3, effort 4h (lognormal cv 0.8)." in stage


async def test_hover_explains_the_rule_an_allow_names(editor: Editor, tmp_path: Path) -> None:
    spec = _project(tmp_path) / "fixes.wm"
    await editor.open(spec, SPEC.replace("    wip 3\n", '    wip 3\n    allow FLW003 "fine"\n'))
    text = await _hover(editor, spec, "FLW003")
    assert text.startswith("**FLW003**")
    assert "Flow over Friction" in text
    assert f"]({DOCS_URL}rules/FLW003/)" in text


async def test_code_links_follow_the_docs_url_setting(editor: Editor, tmp_path: Path) -> None:
    (tmp_path / "wmdsl.toml").write_text('docs-url = "https://intranet.example/wmdsl"\n', encoding="utf-8")
    spec = tmp_path / "fixes.wm"
    found = await editor.open(spec, SPEC.replace("reports -> fix\n", "reports -> fxi\n"))
    links = {d.code: d.code_description.href for d in found if d.code_description is not None}
    assert links["SYN002"] == "https://intranet.example/wmdsl/language/#53-codes"


async def test_hover_on_a_name_shows_its_declaration_and_a_stage_its_flow(editor: Editor) -> None:
    await editor.open(PROCUREMENT)
    lane = await _hover(editor, PROCUREMENT, "in security {", 4)
    assert "**lane** `security` “Security engineering”" in lane
    assert "org/platform.wm:25" in lane
    assert "(shared)" in lane
    stage = await _hover(editor, PROCUREMENT, "qualify -> security_review", 1)
    assert "**stage** `qualify`" in stage
    assert "procurement.wm:48" in stage
    assert "Owner `@petra`, lane `buying`, WIP 4, effort 3h." in stage
    assert "arrivals a week" in stage
    assert "% busy" in stage
    assert "expected wait" in stage


# -- navigation and rename -------------------------------------------------


async def test_go_to_definition_follows_imports(editor: Editor) -> None:
    await editor.open(PROCUREMENT)
    found = await editor.client.text_document_definition_async(
        lsp.DefinitionParams(editor.doc(PROCUREMENT), editor.position(PROCUREMENT, "in security {", 4))
    )
    assert isinstance(found, lsp.Location)
    assert found.uri == (EXAMPLES / "org" / "platform.wm").as_uri()
    platform = (EXAMPLES / "org" / "platform.wm").read_text(encoding="utf-8").splitlines()
    assert platform[found.range.start.line][found.range.start.character :].startswith("security ")


async def test_references_are_found_across_the_files_that_import_a_declaration(editor: Editor) -> None:
    await editor.open(PROCUREMENT)
    found = await editor.client.text_document_references_async(
        lsp.ReferenceParams(
            text_document=editor.doc(PROCUREMENT),
            position=editor.position(PROCUREMENT, "owner @petra", 7),
            context=lsp.ReferenceContext(include_declaration=True),
        )
    )
    assert found is not None
    uris = {location.uri for location in found}
    assert PEOPLE.as_uri() in uris
    assert PROCUREMENT.as_uri() in uris
    in_procurement = PROCUREMENT.read_text(encoding="utf-8").count("@petra")
    assert len([f for f in found if f.uri == PROCUREMENT.as_uri()]) == in_procurement


async def test_rename_edits_every_file_and_refuses_bad_or_clashing_names(editor: Editor) -> None:
    await editor.open(PROCUREMENT)
    position = editor.position(PROCUREMENT, "stage qualify", 7)
    edit = await editor.client.text_document_rename_async(
        lsp.RenameParams(text_document=editor.doc(PROCUREMENT), position=position, new_name="vet")
    )
    assert edit is not None
    assert edit.changes is not None
    assert list(edit.changes) == [PROCUREMENT.as_uri()]
    code = [line.split("#")[0] for line in PROCUREMENT.read_text(encoding="utf-8").splitlines()]
    written = [word for line in code for word in re.findall(r"\bqualify\b", line)]
    assert len(edit.changes[PROCUREMENT.as_uri()]) == len(written) == 5
    shared = await editor.client.text_document_rename_async(
        lsp.RenameParams(
            text_document=editor.doc(PROCUREMENT),
            position=editor.position(PROCUREMENT, "owner @petra", 7),
            new_name="@petra.novak",
        )
    )
    assert shared is not None
    assert shared.changes is not None
    assert {PEOPLE.as_uri(), PROCUREMENT.as_uri()} <= set(shared.changes)
    for bad, why in [("Vet", "not a valid name"), ("sign_off", "already declared"), ("buying", "already")]:
        with pytest.raises(JsonRpcException, match=why):
            await editor.client.text_document_rename_async(
                lsp.RenameParams(text_document=editor.doc(PROCUREMENT), position=position, new_name=bad)
            )


# -- completion ------------------------------------------------------------


async def _complete(editor: Editor, path: Path, text: str, marker: str = "|") -> list[str]:
    at = text.index(marker)
    source = text.replace(marker, "", 1)
    await editor.change(path, source) if path.as_uri() in editor.versions else await editor.open(path, source)
    line = source.count("\n", 0, at)
    position = lsp.Position(line, at - (source.rfind("\n", 0, at) + 1))
    found = await editor.client.text_document_completion_async(
        lsp.CompletionParams(text_document=editor.doc(path), position=position)
    )
    assert isinstance(found, lsp.CompletionList)
    return [item.label for item in found.items]


async def test_completion_offers_the_keywords_valid_at_the_cursor(editor: Editor, tmp_path: Path) -> None:
    spec = _project(tmp_path) / "fixes.wm"
    top = await _complete(editor, spec, "|\n" + SPEC)
    assert {"workflow", "import", "person", "lane", "allow"} <= set(top)
    assert "stage" not in top
    inside = await _complete(editor, spec, SPEC.replace("  purpose", "  st|\n  purpose"))
    assert inside == ["stage"]
    workflow = await _complete(editor, spec, SPEC.replace("  purpose", "  |\n  purpose"))
    assert {"stage", "intake", "exit", "join", "owner", "hours", "allow", "reports", "fix"} <= set(workflow)
    assert "fixed" not in workflow  # an exit never starts a handoff
    stage = await _complete(editor, spec, SPEC.replace("    wip 3\n", "    wip 3\n    |\n"))
    assert set(stage) == {"owner", "wip", "effort", "variability", "done", "description", "allow"}
    handoff = await _complete(editor, spec, SPEC.replace("reports -> fix\n", "reports -> fix { | }\n"))
    assert set(handoff) == {"gate", "sla", "chance", "rework", "when", "allow"}


async def test_completion_offers_names_of_the_right_kind_and_rule_codes(
    editor: Editor, tmp_path: Path
) -> None:
    spec = _project(tmp_path) / "fixes.wm"
    await editor.open(spec, SPEC)
    owners = await _complete(editor, spec, SPEC.replace("  owner @ana\n", "  owner |\n"))
    assert owners == ["@ana", "@bo", "eng"]
    handles = await _complete(editor, spec, SPEC.replace("  owner @ana\n", "  owner @a|\n"))
    assert handles == ["@ana"]
    targets = await _complete(editor, spec, SPEC.replace("fix -> fixed\n", "fix -> |\n"))
    assert targets == ["fix", "fixed", "wontfix"]
    lanes = await _complete(editor, spec, SPEC.replace("in eng {", "in | {"))
    assert lanes == ["eng"]
    rules = await _complete(editor, spec, SPEC.replace("    wip 3\n", "    wip 3\n    allow FLW00|\n"))
    assert "FLW003" in rules
    assert all(code.startswith("FLW00") for code in rules)
    kinds = await _complete(editor, spec, SPEC.replace("{ kind rejected }", "{ kind | }"))
    assert kinds == ["done", "rejected", "cancelled"]
    shapes = await _complete(editor, spec, SPEC.replace("    wip 3\n", "    wip 3\n    variability |\n"))
    assert shapes == ["exponential", "fixed", "lognormal", "gamma"]
    spread = await _complete(
        editor, spec, SPEC.replace("    wip 3\n", "    wip 3\n    variability gamma |\n")
    )
    assert spread == ["cv"]
    fixed = await _complete(editor, spec, SPEC.replace("    wip 3\n", "    wip 3\n    variability fixed |\n"))
    assert fixed == []


# -- code actions ----------------------------------------------------------


async def test_a_finding_can_be_allowed_in_the_block_of_its_element(editor: Editor, tmp_path: Path) -> None:
    spec = _project(tmp_path) / "fixes.wm"
    text = SPEC.replace("    wip 3\n", "")
    found = await editor.open(spec, text)
    finding = next(d for d in found if d.code == "FLW005")
    actions = await editor.client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=editor.doc(spec),
            range=finding.range,
            context=lsp.CodeActionContext(diagnostics=[finding]),
        )
    )
    assert actions is not None
    [action] = [a for a in actions if isinstance(a, lsp.CodeAction) and "allow FLW005" in a.title]
    assert action.edit is not None
    assert action.edit.changes is not None
    [edit] = action.edit.changes[spec.as_uri()]
    assert edit.new_text == '    allow FLW005 "…"\n'
    lines = text.splitlines(keepends=True)
    lines.insert(edit.range.start.line, edit.new_text)
    after = await editor.change(spec, "".join(lines))
    assert "FLW005" not in [d.code for d in after]
    assert "SYN013" not in [d.code for d in after]


async def test_allow_goes_into_a_one_line_block_or_a_new_one(editor: Editor, tmp_path: Path) -> None:
    spec = _project(tmp_path) / "fixes.wm"
    text = SPEC.replace("{ owner @ana; arrivals 4 per week }", "{ arrivals 4 per week }")
    found = await editor.open(spec, text)
    finding = next(d for d in found if d.code == "CLR003")
    actions = await editor.client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=editor.doc(spec),
            range=finding.range,
            context=lsp.CodeActionContext(diagnostics=[finding]),
        )
    )
    assert actions is not None
    action = next(a for a in actions if isinstance(a, lsp.CodeAction) and "allow CLR003" in a.title)
    assert action.edit is not None
    assert action.edit.changes is not None
    [edit] = action.edit.changes[spec.as_uri()]
    assert edit.new_text == '; allow CLR003 "…"'
    assert edit.range.start == editor.position(spec, "arrivals 4 per week", len("arrivals 4 per week"))


# -- outline, highlighting, folding -----------------------------------------


async def test_the_outline_lists_workflows_with_what_they_declare(editor: Editor) -> None:
    await editor.open(PROCUREMENT)
    found = await editor.client.text_document_document_symbol_async(
        lsp.DocumentSymbolParams(editor.doc(PROCUREMENT))
    )
    assert found is not None
    symbols: dict[str, Any] = {s.name: s for s in found if isinstance(s, lsp.DocumentSymbol)}
    assert list(symbols) == ["office", "procurement"]
    workflow = symbols["procurement"]
    children = [child.name for child in workflow.children or []]
    for name in [
        "buying",
        "legal",
        "requests",
        "qualify",
        "reviewed",
        "ordered",
        "qualify -> security_review, legal_review",
    ]:
        assert name in children
    assert workflow.kind == lsp.SymbolKind.Module
    assert workflow.range.end.line > workflow.range.start.line


async def test_semantic_tokens_tell_keywords_names_handles_strings_numbers_and_comments(
    editor: Editor, tmp_path: Path
) -> None:
    spec = _project(tmp_path) / "tokens.wm"
    await editor.open(spec, '# who\nperson @ana "Ana" { capacity 0.5 }\nlane eng { owner @ana }\n')
    found = await editor.client.text_document_semantic_tokens_full_async(
        lsp.SemanticTokensParams(editor.doc(spec))
    )
    assert found is not None
    data, line, start, tokens = found.data, 0, 0, []
    legend = ["keyword", "variable", "property", "string", "number", "comment", "operator"]
    for i in range(0, len(data), 5):
        line = line + data[i]
        start = data[i + 1] if data[i] else start + data[i + 1]
        tokens.append((line, start, data[i + 2], legend[data[i + 3]], data[i + 4]))
    assert tokens == [
        (0, 0, 5, "comment", 0),
        (1, 0, 6, "keyword", 0),
        (1, 7, 4, "property", 1),
        (1, 12, 5, "string", 0),
        (1, 20, 8, "keyword", 0),
        (1, 29, 3, "number", 0),
        (2, 0, 4, "keyword", 0),
        (2, 5, 3, "variable", 1),
        (2, 11, 5, "keyword", 0),
        (2, 17, 4, "property", 0),
    ]


async def test_blocks_fold(editor: Editor, tmp_path: Path) -> None:
    spec = _project(tmp_path) / "fixes.wm"
    await editor.open(spec, SPEC)
    found = await editor.client.text_document_folding_range_async(lsp.FoldingRangeParams(editor.doc(spec)))
    assert found is not None
    assert [(f.start_line, f.end_line) for f in found] == [(4, 18), (8, 12)]


async def test_formatting_gives_the_layout_of_wmdsl_fmt_and_leaves_a_broken_file(
    editor: Editor, tmp_path: Path
) -> None:
    from wmdsl.syntax.format import format_text

    spec = _project(tmp_path) / "messy.wm"
    messy = 'person   @ana "Ana"\n\n\n\nlane eng "Eng" {owner @ana;members @ana}   # the team\n'
    await editor.open(spec, messy)
    options = lsp.FormattingOptions(tab_size=2, insert_spaces=True)
    edits = await editor.client.text_document_formatting_async(
        lsp.DocumentFormattingParams(editor.doc(spec), options)
    )
    assert edits is not None
    (edit,) = edits
    assert (edit.range.start.line, edit.range.start.character) == (0, 0)
    assert edit.new_text == format_text(messy)
    broken = _project(tmp_path) / "broken.wm"
    await editor.open(broken, 'lane eng "Eng" { owner = @ana }\n')
    assert (
        await editor.client.text_document_formatting_async(
            lsp.DocumentFormattingParams(editor.doc(broken), options)
        )
        is None
    )


async def test_a_misspelt_keyword_has_the_fix_of_check_fix(editor: Editor, tmp_path: Path) -> None:
    spec = _project(tmp_path) / "misspelt.wm"
    text = 'person @ana "Ana"\nlane desk "Desk" { ownr @ana; members @ana }\n'
    found = await editor.open(spec, text)
    finding = next(d for d in found if d.code == "SYN007")
    actions = await editor.client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=editor.doc(spec),
            range=finding.range,
            context=lsp.CodeActionContext(diagnostics=[finding]),
        )
    )
    assert actions is not None
    [action] = [a for a in actions if isinstance(a, lsp.CodeAction) and a.title.startswith("Fix:")]
    assert action.title == "Fix: `ownr` → `owner`"
    assert action.is_preferred
    assert action.edit is not None
    assert action.edit.changes is not None
    [edit] = action.edit.changes[spec.as_uri()]
    assert (edit.range.start.line, edit.range.start.character, edit.new_text) == (1, 19, "owner")
