"""From statements to the typed model.

Resolution runs in two passes so that declarations are order-free: first
every declaration is entered into its scope (reporting duplicates), then each
is read into its model class while references are recorded; finally every
reference is checked against the complete scope. Nothing stops at the first
mistake: every error in the file is reported.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from wmdsl.diagnostics import Related, codes
from wmdsl.model import Allow, Declarations, Document, Element, Handoff, Named, Ref, Workflow
from wmdsl.model.span import Span, point
from wmdsl.resolve import values
from wmdsl.resolve.allows import read_allow
from wmdsl.resolve.context import Context
from wmdsl.resolve.headers import read_header
from wmdsl.resolve.readers import SOURCE, TARGET, unqualified
from wmdsl.resolve.schema import HANDOFF_ATTRS, KINDS, QUALIFIERS, SHARED_KINDS, WORKFLOW_ATTRS, Attr, Kind
from wmdsl.resolve.scope import Scope, Symbol, a, check_uses
from wmdsl.resolve.sink import Sink, closest, did_you_mean, one_of
from wmdsl.syntax.ast import Arg, ArgKind, ParsedFile, Statement, span_of
from wmdsl.syntax.ast import Handoff as HandoffSyntax

Item = Statement | HandoffSyntax
T = TypeVar("T", bound=Element)
Taken = TypeVar("Taken")
WORKFLOW_KINDS = tuple(KINDS)
ALL_KEYWORDS = frozenset(
    {"workflow", "import", "allow", *KINDS, *WORKFLOW_ATTRS, *HANDOFF_ATTRS}
    | {attr for kind in KINDS.values() for attr in kind.attrs}
)
WORKFLOW = Kind("workflow", Workflow, WORKFLOW_ATTRS, example='workflow delivery "Product delivery"')
PLURAL = {"person": "people", "work": "work"}


@dataclass(frozen=True, slots=True)
class Declared:
    """A declaration entered in a scope, waiting to be read."""

    kind: Kind
    name: str
    fields: dict[str, Any]
    statement: Statement


class Resolver:
    """Resolves one entry file and the files it imports into a :class:`Document`."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        self.shared = Scope()
        # Names of declarations too broken to read (`stge answer`, `person ana`),
        # entered at the end of the pass so that their uses are not reported too.
        self.placeholders: list[tuple[Scope, str, str, Span]] = []

    # -- pass 1: declare -------------------------------------------------

    def declare(self, ctx: Context, stmt: Statement, kind: Kind) -> Declared | None:
        header = read_header(ctx, kind, stmt)
        if header is None:
            first = stmt.args[0] if stmt.args else None
            if kind.handle and first is not None and first.kind is ArgKind.WORD:
                self.placeholder(ctx.scope, kind.keyword, f"@{first.raw}", stmt.keyword.span.to(first.span))
            return None
        name, fields = header
        if not ctx.scope.declare(self.sink, kind.keyword, name, span_of(stmt.keyword, stmt.args[0])):
            return None
        return Declared(kind, name, fields, stmt)

    # -- pass 2: read ----------------------------------------------------

    def read(self, ctx: Context, declared: Declared) -> Named | None:
        stmt, kind, name = declared.statement, declared.kind, declared.name
        fields = dict(declared.fields)
        role = f"{kind.keyword} `{name}`"
        allows = self.read_block(ctx, stmt, kind.attrs, fields, role)
        span = span_of(stmt.keyword, stmt.args[0])
        qualifiers = QUALIFIERS.get(kind.keyword)
        if qualifiers is not None and stmt.block is not None:
            unqualified(self.sink, stmt.block, qualifiers, fields, role)
        if kind.keyword == "calendar" and "hours" not in fields:
            # A calendar is its hours: one without them would silently be office hours.
            self.sink.error(
                codes.BAD_ARGUMENTS,
                span,
                f"calendar `{name}` says no hours",
                "give it its opening hours: "
                f"`calendar {' '.join(a.raw for a in stmt.args[:2])} {{ hours 9-17 mon-fri }}`"
                if stmt.block is None
                else "add `hours 9-17 mon-fri` (or its own hours) to its block",
            )
        return self.build(kind.model, span, name=name, allows=tuple(allows), **fields)

    def read_block(
        self,
        ctx: Context,
        stmt: Statement,
        attrs: dict[str, Attr],
        fields: dict[str, Any],
        role: str,
    ) -> list[Allow]:
        """Read the attributes in ``stmt``'s block into ``fields``; return its allows."""
        allows: list[Allow] = []
        seen: dict[str, Statement] = {}
        for item in stmt.block.items if stmt.block else ():
            attr = attrs.get(item.keyword.raw) if type(item) is Statement else None
            if attr is not None and item.block is None:  # the commonest: an attribute, well placed
                self.read_attribute(ctx, item, attr, fields, seen, role)  # type: ignore[arg-type]
            elif isinstance(item, HandoffSyntax):
                self.misplaced_handoff(item, f"inside {role}")
            elif item.keyword.raw == "allow":
                allows.extend(read_allow(self.sink, item))
            elif self.attribute_ok(item, attrs, role):
                self.read_attribute(ctx, item, attrs[item.keyword.raw], fields, seen, role)
        return allows

    def attribute_ok(self, item: Statement, attrs: dict[str, Attr], role: str) -> bool:
        keyword = item.keyword.raw
        if keyword not in attrs:
            self.unknown_keyword(item, [*attrs, "allow"], f"inside {role}")
            return False
        if item.block is not None:
            self.sink.error(
                codes.BAD_ARGUMENTS,
                item.block.span,
                f"`{keyword}` takes no block",
                "only declarations such as `lane` or `stage` have `{ … }` blocks",
            )
            return False
        return True

    def read_attribute(
        self,
        ctx: Context,
        item: Statement,
        attr: Attr,
        fields: dict[str, Any],
        seen: dict[str, Statement],
        role: str,
    ) -> None:
        value = attr.read(ctx, item, role)
        if value is None:
            return
        if attr.many:
            fields[attr.field] = (*fields.get(attr.field, ()), *value)
            return
        if not isinstance(value, dict) and attr.field not in seen:  # the commonest: set once
            seen[attr.field] = item
            fields[attr.field] = value
            return
        updates = value if isinstance(value, dict) else {attr.field: value}
        if isinstance(value, dict) and item.keyword.raw == "hours":
            # `hours office` then `hours 24x7` set different fields but say the same thing twice
            # (a metric's two `target`s, a lead time and a throughput, are both allowed).
            first = seen.get(f"keyword {attr.field}")
            if first is not None and first.keyword.raw == item.keyword.raw:
                self.sink.error(
                    codes.DUPLICATE,
                    item.keyword.span,
                    f"`{item.keyword.raw}` is set twice for {role}",
                    "keep one of them",
                    [Related(first.keyword.span, "first set here")],
                )
                return
            seen[f"keyword {attr.field}"] = item
        for field_name, field_value in updates.items():
            first = seen.get(field_name)
            if first is not None:
                self.sink.error(
                    codes.DUPLICATE,
                    item.keyword.span,
                    f"`{item.keyword.raw}` is set twice for {role}",
                    "keep one of them",
                    [Related(first.keyword.span, "first set here")],
                )
                continue
            seen[field_name] = item
            fields[field_name] = field_value

    def build(self, model: type[T], span: Any, **fields: Any) -> T:
        return model(span=span, **fields)

    # -- errors ----------------------------------------------------------

    def unknown_keyword(self, item: Statement, allowed: Iterable[str], where: str) -> None:
        keyword = item.keyword.raw
        allowed = list(allowed)
        listed = f"allowed here: {one_of(sorted(allowed))}"
        if keyword in ("workflow", "import"):
            message, hint = (
                f"`{keyword}` is not allowed {where}",
                f"`{keyword}` goes at the top level of a file",
            )
        elif keyword in ALL_KEYWORDS:
            message, hint = f"`{keyword}` is not allowed {where}", belongs(keyword) or listed
        else:
            message = f"unknown keyword `{keyword}` {where}"
            hint = did_you_mean(keyword, allowed) or listed
        self.sink.error(codes.UNKNOWN_KEYWORD, item.keyword.span, message, hint)

    def guess_declaration(self, scope: Scope, item: Statement, kinds: Iterable[str]) -> None:
        """Remember the name of a declaration whose keyword is misspelt (`stge answer`)."""
        guess = closest(item.keyword.raw, sorted(kinds))
        if guess is None or not item.args:
            return
        kind, first = KINDS[guess], item.args[0]
        if first.kind is (ArgKind.HANDLE if kind.handle else ArgKind.WORD):
            self.placeholder(scope, kind.keyword, first.raw, item.keyword.span.to(first.span))

    def placeholder(self, scope: Scope, kind: str, name: str, span: Span) -> None:
        """Remember ``name`` (if it is a valid name or handle) for :meth:`fill_placeholders`."""
        if values.is_name(name) or values.HANDLE.match(name):
            self.placeholders.append((scope, kind, name, span))

    def fill_placeholders(self) -> None:
        """Enter remembered names no real declaration took: their uses are not errors too."""
        for scope, kind, name, span in self.placeholders:
            if scope.get(name) is None:
                scope.symbols[name] = Symbol(kind, span)
        self.placeholders.clear()

    def misplaced_handoff(self, item: HandoffSyntax, where: str) -> None:
        self.sink.error(
            codes.UNKNOWN_KEYWORD,
            item.source.span.to(item.target.span),
            f"a handoff is not allowed {where}",
            f"move `{item.source.raw} -> {item.target.raw}` directly into the `workflow` block",
        )

    # -- documents -------------------------------------------------------

    def resolve(self, entry: ParsedFile, imported: list[ParsedFile]) -> Document:
        ctx = Context(self.sink, self.shared)
        shared: list[Declared] = []
        for parsed in [*imported, entry]:
            self.sink.damaged.update(parsed.damaged)
            shared.extend(self.declare_top(ctx, parsed, is_entry=parsed is entry))
        self.fill_placeholders()
        workflows = [s for s in entry.items if isinstance(s, Statement) and s.keyword.raw == "workflow"]
        declarations = self.read_shared(ctx, shared)
        check_uses(self.sink, self.shared, ctx.uses)
        file_allows = [
            allow
            for parsed in [*imported, entry]
            for s in parsed.items
            if isinstance(s, Statement) and s.keyword.raw == "allow"
            for allow in read_allow(self.sink, s)
        ]
        built = [wf for s in workflows if (wf := self.workflow(s)) is not None]
        self.sink.fold_unknown()
        if not workflows and not any(d.severity.label == "error" for d in self.sink.diagnostics):
            self.nothing_declared(entry)
        return Document(
            file=entry.path,
            imports=tuple(p.path for p in imported),
            shared=declarations,
            allows=tuple(file_allows),
            workflows=tuple(built),
        )

    def nothing_declared(self, entry: ParsedFile) -> None:
        """An empty file, or one with nothing but imports: checking it checks nothing."""
        statements = [s for s in entry.items if isinstance(s, Statement)]
        if any(s.keyword.raw not in ("import", "allow") for s in statements):
            return  # something else is written there, and was reported if wrong
        imports = [s for s in statements if s.keyword.raw == "import"]
        where = imports[0].span if imports else point(entry.path, 1, 1)
        what = "only imports other files" if imports else "declares nothing"
        self.sink.error(
            codes.NOTHING_DECLARED,
            where,
            f"this file {what}: no workflow and nothing to share",
            'declare a workflow here (`workflow support "Support" { owner @someone }`), '
            "or check the files that declare one",
        )

    def declare_top(self, ctx: Context, parsed: ParsedFile, is_entry: bool) -> list[Declared]:
        found: list[Declared] = []
        allowed = [*SHARED_KINDS, "workflow", "import", "allow"]
        for item in parsed.items:
            if isinstance(item, HandoffSyntax):
                self.misplaced_handoff(item, "at the top level of a file")
                continue
            keyword = item.keyword.raw
            if keyword in SHARED_KINDS:
                declared = self.declare(ctx, item, KINDS[keyword])
                found.extend([declared] if declared else [])
            elif keyword == "workflow" and is_entry:
                self.declare_workflow_name(item)
            elif keyword not in ("workflow", "import", "allow"):
                self.unknown_keyword(item, allowed, "at the top level of a file")
                self.guess_declaration(self.shared, item, SHARED_KINDS)
        return found

    def declare_workflow_name(self, stmt: Statement) -> None:
        # Workflows have a namespace of their own; a space keeps it apart.
        args = stmt.args
        if args and args[0].kind is ArgKind.WORD and values.is_name(args[0].raw):
            span = stmt.keyword.span.to(args[0].span)
            self.shared.declare(self.sink, "workflow", "workflow " + args[0].raw, span, args[0].raw)

    def read_shared(self, ctx: Context, declared: list[Declared]) -> Declarations:
        groups: dict[str, list[Any]] = defaultdict(list)
        for item in declared:
            element = self.read(ctx, item)
            if element is not None:
                groups[item.kind.keyword].append(element)
        return Declarations(
            people=tuple(groups["person"]),
            lanes=tuple(groups["lane"]),
            work=tuple(groups["work"]),
            decisions=tuple(groups["decision"]),
            calendars=tuple(groups["calendar"]),
        )

    def workflow(self, stmt: Statement) -> Workflow | None:
        args = list(stmt.args)
        header = read_header(Context(self.sink, self.shared), WORKFLOW, stmt)
        if header is None:
            return None
        name, fields = header
        ctx = Context(self.sink, Scope(parent=self.shared))
        role = f"workflow `{name}`"
        declared, handoffs, attribute_items = self.declare_workflow_items(ctx, stmt, role)
        own = _only(stmt, attribute_items)
        # The statements of the block now live in these lists alone, and each
        # is let go once read: the syntax tree of a workflow is larger than its
        # model, and both were in memory at once (most of a big check's peak).
        stmt.block = None
        self.fill_placeholders()
        allows = self.read_block(ctx, own, WORKFLOW_ATTRS, fields, role)
        groups: dict[str, list[Any]] = defaultdict(list)
        for item in _consumed(declared):
            element = self.read(ctx, item)
            if element is not None:
                groups[item.kind.keyword].append(element)
        built_handoffs = self.read_handoffs(ctx, handoffs)
        check_uses(self.sink, ctx.scope, ctx.uses)
        self.check_chances(built_handoffs)
        plural = {k: PLURAL.get(k, k + "s") for k in WORKFLOW_KINDS}
        collections = {plural[k]: tuple(groups[k]) for k in WORKFLOW_KINDS}
        span = stmt.keyword.span.to(args[0].span)
        return self.build(
            Workflow,
            span,
            name=name,
            allows=tuple(allows),
            handoffs=tuple(built_handoffs),
            **fields,
            **collections,
        )

    def declare_workflow_items(
        self,
        ctx: Context,
        stmt: Statement,
        role: str,
    ) -> tuple[list[Declared], list[HandoffSyntax], list[Statement]]:
        declared: list[Declared] = []
        handoffs: list[HandoffSyntax] = []
        attributes: list[Statement] = []
        for item in stmt.block.items if stmt.block else ():
            if isinstance(item, HandoffSyntax):
                handoffs.append(item)
            elif item.keyword.raw in KINDS:
                found = self.declare(ctx, item, KINDS[item.keyword.raw])
                declared.extend([found] if found else [])
            elif item.keyword.raw in WORKFLOW_ATTRS or item.keyword.raw == "allow":
                attributes.append(item)
            else:
                allowed = [*KINDS, *WORKFLOW_ATTRS, "allow"]
                self.unknown_keyword(item, allowed, f"inside {role}")
                self.guess_declaration(ctx.scope, item, KINDS)
        return declared, handoffs, attributes

    def read_handoffs(self, ctx: Context, items: list[HandoffSyntax]) -> list[Handoff]:
        built: list[Handoff] = []
        seen: dict[tuple[str, str], Handoff] = {}
        for item in _consumed(items):
            for handoff in self.read_handoff(ctx, item):
                pair = (handoff.source.name, handoff.target.name)
                if pair in seen:
                    self.sink.error(
                        codes.DUPLICATE,
                        handoff.span,
                        f"handoff `{pair[0]} -> {pair[1]}` is declared twice",
                        "merge the two into one handoff",
                        [Related(seen[pair].span, "first declared here")],
                    )
                    continue
                seen[pair] = handoff
                built.append(handoff)
        return built

    def read_handoff(self, ctx: Context, item: HandoffSyntax) -> list[Handoff]:
        """The handoffs of one statement: ``a -> b``, or a fork ``a -> b, c`` (one per branch)."""
        source = values.read_ref(self.sink, item.source)
        first = values.read_ref(self.sink, item.target)
        more, rest = _branches(item.args)
        targets = [first, *(values.read_ref(self.sink, arg) for arg in more)]
        if source is None or any(target is None for target in targets):
            return []
        branches = [target for target in targets if target is not None]
        names = [target.name for target in branches]
        fork = f"{source.name}->{','.join(names)}" if len(branches) > 1 else None
        role = f"{'fork' if fork else 'handoff'} `{source.name} -> {', '.join(names)}`"
        ctx.use(source, SOURCE, "a handoff's source")
        for target in branches:
            ctx.use(target, TARGET, "a handoff's target")
        twice = _repeated(branches)
        if twice is not None:
            self.sink.error(
                codes.DUPLICATE,
                twice.span,
                f"`{twice.name}` is named twice in {role}",
                "each branch of a fork goes to a different node: name it once",
            )
            return []
        fields: dict[str, Any] = {}
        label = self.handoff_label(rest)
        if label is not None:
            fields["label"] = label
        as_statement = Statement(item.source, (), item.block, item.span)
        allows = self.read_block(ctx, as_statement, HANDOFF_ATTRS, fields, role)
        if fork is not None and fields.get("rework"):
            self.sink.error(
                codes.BAD_ARGUMENTS,
                item.source.span.to(branches[-1].span),
                f"{role} is marked `rework`",
                "a loop back goes to one earlier node: write it as a handoff of its own",
            )
            fields.pop("rework")
        return [
            self.build(
                Handoff,
                span_of(item.source, item.target) if target is first else item.source.span.to(target.span),
                source=source,
                target=target,
                fork=fork,
                allows=tuple(allows),
                **fields,
            )
            for target in branches
        ]

    def handoff_label(self, args: tuple[Arg, ...]) -> str | None:
        if not args:
            return None
        if args[0].kind is ArgKind.COMMA:
            self.sink.error(
                codes.BAD_ARGUMENTS,
                args[0].span,
                "a fork needs another branch after `,`",
                "name the node that works at the same time (`review -> legal, security`), "
                "or remove the comma",
            )
            return None
        if len(args) == 1 and args[0].kind in (ArgKind.STRING, ArgKind.TEXT):
            return args[0].value
        message = "a handoff takes at most one label string"
        hint = 'e.g. `triage -> build "accepted" { gate scope }`; attributes go inside the block'
        words = [arg.raw for arg in args]
        if words[0] in HANDOFF_ATTRS:
            message = f"`{words[0]}` goes inside the handoff's block"
            hint = f"move it into the block: `{{ {' '.join(words)} }}`"
        elif all(arg.kind is ArgKind.WORD for arg in args):
            message = "the label of a handoff is a string in double quotes"
            hint = f'write `"{" ".join(words)}"`'
        self.sink.error(codes.BAD_ARGUMENTS, args[0].span.to(args[-1].span), message, hint)
        return None

    def check_chances(self, handoffs: list[Handoff]) -> None:
        """The chances out of one node may not add up past 100%."""
        by_source: dict[str, list[Handoff]] = defaultdict(list)
        forks: set[str] = set()
        for handoff in handoffs:
            if handoff.chance is not None and (handoff.fork is None or handoff.fork not in forks):
                by_source[handoff.source.name].append(handoff)
                forks.update([handoff.fork] if handoff.fork else [])
        for source, group in by_source.items():
            total = sum(h.chance.fraction for h in group if h.chance is not None)
            if total > 1 + 1e-9:
                first, *rest = group
                self.sink.error(
                    codes.CHANCES,
                    first.chance.span if first.chance else first.span,
                    f"the chances of handoffs out of `{source}` add up to {total * 100:g}%",
                    f"work leaves a node by exactly one handoff: the chances out of `{source}` "
                    "may add up to 100% at most",
                    [Related(h.chance.span, "also counted") for h in rest if h.chance],
                )


def belongs(keyword: str) -> str | None:
    """Where ``keyword`` may be written: ``a stage is declared directly in a `workflow` block``."""
    if keyword in KINDS:
        where = "a `workflow` block" + (" or at the top level" if keyword in SHARED_KINDS else "")
        return f"{a(keyword)} is declared directly in {where}: move it there"
    owners = [a(kind) for kind, spec in KINDS.items() if keyword in spec.attrs]
    owners += ["a handoff"] * (keyword in HANDOFF_ATTRS) + ["a workflow"] * (keyword in WORKFLOW_ATTRS)
    if not owners:
        return None
    listed = owners[0] if len(owners) == 1 else ", ".join(owners[:-1]) + " or " + owners[-1]
    return f"`{keyword}` belongs in the block of {listed}"


def _branches(args: tuple[Arg, ...]) -> tuple[list[Arg], tuple[Arg, ...]]:
    """``, c, d "label"`` after ``a -> b``: the further targets of a fork, and what follows them."""
    more: list[Arg] = []
    i = 0
    while (
        i + 1 < len(args)
        and args[i].kind is ArgKind.COMMA
        and args[i + 1].kind in (ArgKind.WORD, ArgKind.HANDLE)
    ):
        more.append(args[i + 1])
        i += 2
    return more, args[i:]


def _repeated(refs: list[Ref]) -> Ref | None:
    """The first of ``refs`` whose name came before it."""
    seen: set[str] = set()
    for ref in refs:
        if ref.name in seen:
            return ref
        seen.add(ref.name)
    return None


def _consumed(items: list[Taken]) -> Iterator[Taken]:
    """The items of ``items`` in order, each taken out of the list as it is handed out."""
    items.reverse()
    while items:
        yield items.pop()


def _only(stmt: Statement, items: list[Statement]) -> Statement:
    """``stmt`` with its block reduced to ``items`` (the workflow's own attributes)."""
    if stmt.block is None:
        return stmt
    block = type(stmt.block)(tuple(items), stmt.block.span)
    return Statement(stmt.keyword, stmt.args, block, stmt.span)
