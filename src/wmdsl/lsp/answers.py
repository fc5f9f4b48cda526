"""The language server's answers, as plain data: hovers, completions, symbols, folds and edits.

Each function takes what :mod:`wmdsl.lsp.state` holds and returns text,
wmdsl spans and names; :mod:`wmdsl.lsp.server` turns them into the
protocol's types. Keeping pygls out of here keeps these testable alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from wmdsl._generated.keywords import SECTIONS
from wmdsl.diagnostics import codes
from wmdsl.flow.results import Analysis, StageFlow, format_hours
from wmdsl.lsp.index import Declaration, Index, Reference
from wmdsl.lsp.text import Context
from wmdsl.model import Decision, Exit, Intake, Lane, Named, Person, Stage, Workflow
from wmdsl.model.span import Span
from wmdsl.resolve import readers
from wmdsl.resolve.phrases import DISTRIBUTIONS
from wmdsl.resolve.schema import HANDOFF_ATTRS, KINDS, SHARED_KINDS, WORKFLOW_ATTRS
from wmdsl.resolve.values import HANDLE, is_name
from wmdsl.syntax.ast import ArgKind, Block, Handoff, ParsedFile, Statement

#: What the names after each attribute (and `in`, handoff ends) may name: the kinds the resolver accepts.
REFERENCES: dict[str, frozenset[str]] = {
    "owner": readers.OWNER,
    "members": readers.PERSON,
    "delegate": readers.PERSON,
    "accepts": readers.WORK,
    "gate": readers.DECISION,
    "decides": readers.OWNER,
    "recommends": readers.OWNER,
    "approves": readers.OWNER,
    "consults": readers.OWNER,
    "informs": readers.OWNER,
    "escalates": readers.ESCALATION,
    "shows": readers.NODE,
    "from": readers.NODE,
    "to": readers.NODE,
    "audience": readers.OWNER,
    "reviews": readers.ANYTHING,
    "hours": readers.CALENDAR,
    "in": readers.LANE,
}

#: The words an attribute takes from a fixed list, by the keyword of its block.
CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("person", "kind"): ("human", "bot", "tool", "channel"),
    ("work", "kind"): ("project", "workstream", "task", "request", "recurring", "operations", "coordination"),
    ("exit", "kind"): ("done", "rejected", "cancelled"),
    ("stage", "variability"): DISTRIBUTIONS,
    ("intake", "variability"): DISTRIBUTIONS,
}
#: The distributions that take a `cv` after them (`variability gamma cv 2`).
SPREAD = ("lognormal", "gamma")

TOP_LEVEL = ("import", "workflow", *SHARED_KINDS, "allow")
IN_WORKFLOW = (*KINDS, *WORKFLOW_ATTRS, "allow")


# -- completion ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Offer:
    """One completion: the text, what sort of thing it is, and a line about it."""

    label: str
    sort: str  # "keyword", "name", "handle", "code", "value"
    detail: str = ""


def block_kind(block: tuple[str, ...]) -> str:
    """What a block belongs to: the keyword of its statement, or ``handoff``."""
    if "->" in block:
        return "handoff"
    return block[0] if block else ""


def _workflow_of(ctx: Context, index: Index | None) -> Workflow | None:
    if index is None or not ctx.blocks or block_kind(ctx.blocks[0]) != "workflow":
        return None
    header = ctx.blocks[0]
    name = header[1] if len(header) > 1 else ""
    return next((w for w in index.document.workflows if w.name == name), None)


def complete(ctx: Context, index: Index | None) -> list[Offer]:
    """What may be written where ``ctx`` is, starting with what is being typed."""
    if ctx.quiet:
        return []
    words = ctx.words
    within = block_kind(ctx.blocks[-1]) if ctx.blocks else ""
    workflow = _workflow_of(ctx, index)
    if not words:
        keywords = _statement_keywords(within)
        offers = [Offer(k, "keyword", _summary(k, within)) for k in keywords]
        if within == "workflow":  # a handoff starts with its source
            offers += _names(index, workflow, readers.SOURCE)
        return _starting(offers, ctx.prefix)
    first = words[0]
    if first == "allow" and len(words) == 1:
        return _starting(
            [
                Offer(c.code, "code", f"{c.name}: {c.summary}")
                for c in codes.all_codes()
                if c.family.name != "SYN"
            ],
            ctx.prefix,
        )
    if "->" in words:
        if words[-1] == "->" or (len(words) > 2 and words[-2] == "->"):
            return _starting(_names(index, workflow, readers.TARGET), ctx.prefix)
        return []
    if first in KINDS and len(words) >= 2:
        if first == "stage" and words[-1] == "in":
            return _starting(_names(index, workflow, readers.LANE), ctx.prefix)
        return []
    kinds = REFERENCES.get(first)
    choices = CHOICES.get((within, first))
    if choices is not None and first == "variability" and len(words) > 1:
        # After the distribution: its `cv`, where it takes one.
        spread = len(words) == 2 and words[1] in SPREAD
        offers = [Offer("cv", "keyword", "the spread: standard deviation over mean")] if spread else []
        return _starting(offers, ctx.prefix)
    if choices is not None:
        return _starting([Offer(c, "value", f"`{first}` of {within}") for c in choices], ctx.prefix)
    if kinds is not None and first in _attributes(within) | {"in"}:
        return _starting(_names(index, workflow, kinds), ctx.prefix)
    return []


def _statement_keywords(within: str) -> tuple[str, ...]:
    if within == "":
        return TOP_LEVEL
    if within == "workflow":
        return IN_WORKFLOW
    return (*sorted(_attributes(within)), "allow")


def _attributes(within: str) -> set[str]:
    if within == "handoff":
        return set(HANDOFF_ATTRS)
    if within == "workflow":
        return set(WORKFLOW_ATTRS)
    kind = KINDS.get(within)
    return set(kind.attrs) if kind is not None else set()


def _names(index: Index | None, workflow: Workflow | None, kinds: frozenset[str]) -> list[Offer]:
    if index is None:
        return []
    found = []
    for declaration in index.visible(workflow):
        if declaration.kind in kinds:
            element = declaration.element
            sort = "handle" if element.name.startswith("@") else "name"
            found.append(Offer(element.name, sort, f"{declaration.kind}: {element.label}"))
    return sorted(found, key=lambda offer: offer.label)


def _starting(offers: list[Offer], prefix: str) -> list[Offer]:
    return [offer for offer in offers if offer.label.startswith(prefix)]


def _summary(keyword: str, within: str) -> str:
    section = SECTIONS.get(keyword)
    if within not in ("", "workflow") or (within == "workflow" and keyword in WORKFLOW_ATTRS):
        row = _attribute_row(keyword, within)
        if row is not None:
            return row[1]
    if section is not None:
        return _plain(str(section["summary"]).split(". ")[0])
    return ""


def _plain(text: str) -> str:
    return text.replace("**", "")


# -- hover ---------------------------------------------------------------


def _attribute_row(keyword: str, within: str) -> tuple[str, str, str] | None:
    section = SECTIONS.get(within)
    if section is None:
        return None
    attributes: dict[str, tuple[str, str, str]] = section["attributes"]
    return attributes.get(keyword)


def keyword_doc(keyword: str, within: str) -> str | None:
    """What docs/language.md says of ``keyword`` written inside a block of ``within``, in Markdown."""
    row = _attribute_row(keyword, within) if within else None
    if row is not None and not (keyword in KINDS and within == "workflow"):
        value, meaning, repeatable = row
        where = f"the block of {'a handoff' if within == 'handoff' else f'`{within}`'}"
        again = " (may be repeated)" if repeatable == "yes" else ""
        return f"**`{keyword}`** {value}{again}\n\n{meaning}, in {where}."
    section = SECTIONS.get(keyword)
    if section is None:
        return None
    parts = [f"**`{keyword}`**", str(section["summary"])]
    facts: tuple[tuple[str, str], ...] = section["facts"]
    parts += [f"- {name}: {value}" for name, value in facts]
    attributes: dict[str, tuple[str, str, str]] = section["attributes"]
    if attributes:
        parts.append("Attributes: " + ", ".join(f"`{name}`" for name in attributes))
    kind = KINDS.get(keyword)
    if kind is not None and kind.example:
        parts.append(f"```wm\n{kind.example}\n```")
    return "\n\n".join(parts)


def rule_doc(code: str, href: str) -> str | None:
    """A rule's summary and rationale, with a link to its page, in Markdown."""
    found = codes.lookup(code)
    if found is None:
        return None
    text = f"**{found.code}** `{found.name}` ({found.severity.label}): {found.summary}"
    if found.family.name != "SYN":
        from wmdsl.rules.registry import all_rules

        rule = next((r for r in all_rules() if r.code.code == found.code), None)
        if rule is not None:
            text += f"\n\n*{rule.principle.title}.* {rule.rationale}"
    return f"{text}\n\n[{found.code}]({href})"


def declaration_doc(declaration: Declaration, figures: Analysis | None, shown: str, index: Index) -> str:
    """A name's declaration: its kind, title, where it is declared, and what is known of it."""
    element = declaration.element
    title = f" “{element.title}”" if element.title else ""
    scope = f"in workflow `{declaration.workflow.name}`" if declaration.workflow else "shared"
    lines = [f"**{declaration.kind}** `{element.name}`{title}", f"Declared at {shown} ({scope})."]
    if element.description:
        lines.append(element.description.strip())
    lines.extend(_facts(declaration, figures, index))
    return "\n\n".join(lines)


def _ref(value: object) -> str:
    return f"`{value}`" if value is not None else "none"


def _facts(declaration: Declaration, figures: Analysis | None, index: Index) -> Iterator[str]:
    element: Named = declaration.element
    if isinstance(element, Stage):
        found = index.lookup(element.lane.name, declaration.workflow) if element.lane is not None else None
        lane = found.element if found is not None and isinstance(found.element, Lane) else None
        owner = element.owner or (lane.owner if lane is not None else None)
        wip = str(element.wip) if element.wip is not None else "no limit"
        effort = f", effort {element.effort.text}" if element.effort is not None else ""
        if element.effort is not None and element.variability is not None:
            effort += f" ({element.variability.text})"
        yield f"Owner {_ref(owner)}, lane {_ref(element.lane)}, WIP {wip}{effort}."
        flow = _stage_flow(declaration, figures)
        if flow is not None:
            yield from _stage_figures(flow, figures, declaration)
    elif isinstance(element, Lane):
        members = ", ".join(m.person.name for m in element.members) or "none"
        yield f"Owner {_ref(element.owner)}; members {members}."
    elif isinstance(element, Person):
        yield f"{element.capacity:g} FTE ({element.kind.value})."
    elif isinstance(element, Intake):
        rate = element.arrivals.text if element.arrivals is not None else "unknown"
        if element.arrivals is not None and element.variability is not None:
            rate += f" ({element.variability.text})"
        yield f"Owner {_ref(element.owner)}; arrivals {rate}."
    elif isinstance(element, Exit):
        yield f"Kind {element.kind.value}."
    elif isinstance(element, Decision):
        decides = ", ".join(r.name for r in element.decides) or "nobody"
        yield f"Decided by {decides}."
    elif isinstance(element, Workflow):
        yield f"Owner {_ref(element.owner)}; {len(element.stages)} stages."


def _stage_flow(declaration: Declaration, figures: Analysis | None) -> StageFlow | None:
    if figures is None or declaration.workflow is None:
        return None
    for result in figures.workflows:
        if result.name == declaration.workflow.name:
            return next((s for s in result.stages if s.name == declaration.element.name), None)
    return None


def _stage_figures(flow: StageFlow, figures: Analysis | None, declaration: Declaration) -> Iterator[str]:
    if flow.rate is None:
        return
    bound = "at least " if flow.lower_bound else ""
    per_day = 8.0
    if figures is not None and declaration.workflow is not None:
        result = next(r for r in figures.workflows if r.name == declaration.workflow.name)
        per_day = result.schedule.per_day
    week = flow.per_week if flow.per_week is not None else 0.0
    parts = [f"{bound}{week:.1f} arrivals a week"]
    if flow.utilisation is not None:
        parts.append(f"{bound}{flow.utilisation * 100:.0f}% busy")
    if flow.unstable:
        parts.append("the queue grows without bound")
    elif flow.wait is not None:
        parts.append(f"expected wait {bound}{format_hours(flow.wait, per_day)}")
    yield "Flow: " + ", ".join(parts) + "."


# -- rename --------------------------------------------------------------


def rename_problem(declaration: Declaration, new: str, indexes: list[Index]) -> str | None:
    """Why ``declaration`` may not be renamed to ``new`` (None: it may)."""
    old = declaration.element.name
    if declaration.kind == "person":
        if not HANDLE.match(new):
            return (
                f"`{new}` is not a valid @handle: write `@` and lower-case letters, digits, `_`, `.` or `-`"
            )
    elif not is_name(new):
        return (
            f"`{new}` is not a valid name: use lower-case letters, digits and `_`, not starting with a digit"
        )
    if new == old:
        return None
    for index in indexes:
        if declaration.kind == "workflow":
            clash = index.workflows.get(new)
            if clash is not None and any(d.key == declaration.key for d in index.workflows.values()):
                return f"workflow `{new}` is already declared"
            continue
        mine = [d for d in index.declarations if d.key == declaration.key]
        if not mine:
            continue
        where = mine[0].workflow
        scopes = [where] if where is not None else [None, *index.document.workflows]
        for workflow in scopes:
            clash = index.lookup(new, workflow)
            if clash is not None:
                return f"`{new}` is already declared here ({clash.kind} at {_place(clash.name)})"
    return None


def _place(span: Span) -> str:
    return f"{span.file}:{span.line}:{span.col}"


def target(found: Declaration | Reference | None) -> Declaration | None:
    """The declaration a name at the cursor stands for."""
    if isinstance(found, Reference):
        return found.target
    return found


# -- allow ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Insertion:
    """Text to insert at a wmdsl position (line, column from 1)."""

    line: int
    col: int
    text: str


def allow_insertion(
    parsed: ParsedFile, lines: list[str], subjects: tuple[str, ...], at: Span, code: str, file: str
) -> Insertion | None:
    """Where and how to write ``allow CODE "…"`` in the block of the element a finding is about.

    ``subjects`` are the finding's subject keys, innermost first (the first
    that is written in this file is taken; ``file:`` stands for the top
    level); without them, the declaration that starts where the finding is.
    """
    allow = f'allow {code} "…"'
    for key in subjects:
        if key.startswith("file:"):
            return _top_level(parsed, allow)
        statement = _subject(parsed, key)
        if statement is not None:
            return _into(statement, lines, allow)
    for statement in _statements(parsed.items):
        span = statement.span if isinstance(statement, Statement) else statement.source.span
        if span.line == at.line and span.col == at.col:
            return _into(statement, lines, allow)
    return None


def _statements(items: tuple[Statement | Handoff, ...]) -> Iterator[Statement | Handoff]:
    for item in items:
        yield item
        if item.block is not None:
            yield from _statements(item.block.items)


def _named(item: Statement | Handoff, keyword: str, name: str) -> bool:
    if not isinstance(item, Statement) or item.keyword.raw != keyword:
        return False
    args = [a for a in item.args if a.kind is not ArgKind.COMMA]
    return bool(args) and args[0].raw == name


def _subject(parsed: ParsedFile, key: str) -> Statement | Handoff | None:
    """The statement a subject key (``workflow:w/stage:s``, ``lane:eng``) names, if written here."""
    items = parsed.items
    found: Statement | Handoff | None = None
    for part in key.split("/"):
        kind, _, name = part.partition(":")
        found = next((item for item in items if _matches(item, kind, name)), None)
        if found is None:
            return None
        items = found.block.items if found.block is not None else ()
    return found


def _matches(item: Statement | Handoff, kind: str, name: str) -> bool:
    if kind not in ("handoff", "fork"):
        return _named(item, kind, name)
    if not isinstance(item, Handoff):
        return False
    source, _, ends = name.partition("->")
    targets = [item.target.raw, *(a.raw for a in item.args if a.kind in (ArgKind.WORD, ArgKind.HANDLE))]
    if kind == "handoff":
        return item.source.raw == source and item.target.raw == ends
    return item.source.raw == source and targets[: len(ends.split(","))] == ends.split(",")


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def _into(statement: Statement | Handoff, lines: list[str], allow: str) -> Insertion:
    block: Block | None = statement.block
    first = lines[statement.span.line - 1] if statement.span.line <= len(lines) else ""
    if block is None:
        end = statement.span
        return Insertion(end.end_line, end.end_col, f" {{ {allow} }}")
    closing = block.span.end_line, block.span.end_col - 1  # the `}`
    before = lines[closing[0] - 1][: closing[1] - 1] if closing[0] <= len(lines) else ""
    if block.span.line != block.span.end_line and not before.strip():
        inner = _indent(first) + "  "
        if block.items:
            inner = _indent(lines[block.items[0].span.line - 1])
        return Insertion(closing[0], 1, f"{inner}{allow}\n")
    if block.items:
        last = block.items[-1].span
        return Insertion(last.end_line, last.end_col, f"; {allow}")
    return Insertion(closing[0], closing[1], f"{allow} ")


def _top_level(parsed: ParsedFile, allow: str) -> Insertion:
    imports = [s for s in parsed.items if isinstance(s, Statement) and s.keyword.raw == "import"]
    if imports:
        return Insertion(imports[-1].span.end_line + 1, 1, f"{allow}\n")
    return Insertion(1, 1, f"{allow}\n")


# -- outline -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Symbol:
    """An entry of the outline: a declaration (or handoff) with what it holds."""

    name: str
    detail: str
    kind: str
    span: Span  # the whole statement, block included
    name_span: Span
    children: tuple[Symbol, ...] = ()


def outline(parsed: ParsedFile) -> list[Symbol]:
    """The declarations of a file as a tree: workflows with their lanes, stages, joins, exits…"""
    return list(_symbols(parsed.items, top=True))


def _symbols(items: tuple[Statement | Handoff, ...], top: bool) -> Iterator[Symbol]:
    for item in items:
        if isinstance(item, Handoff):
            if top:
                continue
            ends = [item.target.raw, *(a.raw for a in item.args if a.kind is ArgKind.WORD)]
            name = f"{item.source.raw} -> {', '.join(ends)}"
            yield Symbol(name, "handoff", "handoff", item.span, item.source.span.to(item.target.span))
            continue
        keyword = item.keyword.raw
        if keyword not in KINDS and keyword != "workflow":
            continue
        args = [a for a in item.args if a.kind is not ArgKind.COMMA]
        if not args or args[0].kind not in (ArgKind.WORD, ArgKind.HANDLE):
            continue
        title = next((a.value for a in args[1:2] if a.kind in (ArgKind.STRING, ArgKind.TEXT)), "")
        children = (
            tuple(_symbols(item.block.items, top=False)) if keyword == "workflow" and item.block else ()
        )
        yield Symbol(args[0].raw, title, keyword, item.span, args[0].span, children)
