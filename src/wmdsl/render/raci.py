"""RACI matrices: who plays which part in each decision (Markdown and CSV).

Rows are decisions: for each workflow, its own decisions in declaration order,
then the shared (imported or top-level) decisions it uses — through a gate or
an escalation — in their declaration order. A document without workflows
lists its shared decisions. Columns are the parties: every person and lane
that plays a role in one of the rows, in order of first appearance (rows in
order, roles in the order of the legend).

Letters (the legend printed under the Markdown table):

- ``A``  — ``decides``: accountable, makes the decision (wmdsl's ``decides`` is RACI's A)
- ``R``  — ``recommends``: responsible, prepares the recommendation
- ``Ap`` — ``approves``: must approve before the decision holds
- ``C``  — ``consults``: consulted before the decision
- ``I``  — ``informs``: informed after the decision
- ``E``  — ``escalates``: where the decision goes when it is not made in time
- ``B``  — ``delegate``: backup, decides when the decider is away

In Markdown, parties are written ```@handle` (Name)`` and ```lane` (Title)``.
A party with several roles gets the letters joined by ``/`` in that order
(``A/I``). Escalations to another decision (not a party) appear in the
*Escalation* column only.

CSV: RFC 4180 quoting, ``\\n`` line endings (a field that holds ``,``, ``"``,
``\\r`` or ``\\n`` is quoted and keeps them, ``"`` doubled), one header row
``Workflow,Decision,Title,Escalation,<parties…>``. Parties are written
``Name (@handle)`` / ``Title (lane)`` there, label first, and any cell that a
spreadsheet would read as a formula is prefixed with ``'``: one starting with
``= + - @`` (also after whitespace or invisible characters, and in their
full-width and small forms such as ``＝``), a tab or a carriage return.

Both are finished by :mod:`wmdsl.output.safe`: Markdown with character
references for bidirectional controls, CSV as plain text (other control
characters spelt out, ``\\x1b``); in neither does a line start a CI runner's
command.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from wmdsl.model import Decision, Document, Lane, Person, Ref, Workflow
from wmdsl.output.safe import for_csv, for_markdown
from wmdsl.render.labels import newlines

ROLES: tuple[tuple[str, str, str], ...] = (
    ("A", "decides", "accountable: makes the decision (wmdsl's `decides` is RACI's A)"),
    ("R", "recommends", "responsible: prepares the recommendation"),
    ("Ap", "approves", "must approve before the decision holds"),
    ("C", "consults", "consulted before the decision"),
    ("I", "informs", "informed after the decision"),
    ("E", "escalates", "escalation target: where the decision goes when it is not made in time"),
    ("B", "delegate", "backup: decides when the decider is away"),
)
JOIN = "/"
IDENT = re.compile(r"@?[a-z0-9_][a-z0-9_.-]*")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#&~])")
_BLOCK_START = re.compile(r"^(\d+)([.)])|^([-+=])")
_FORMULA_START = ("=", "+", "-", "@")
_CSV_QUOTED = re.compile(r'[,"\r\n]')


def escape_markdown(text: str, newline: str = "<br>") -> str:
    """``text`` as literal Markdown inline content that cannot break a table or inject HTML.

    Punctuation with a meaning in (GitHub-flavoured) Markdown is escaped with a
    backslash, line breaks (``\\n``, ``\\r``, U+2028, U+2029) become ``newline``
    and other control characters spaces. Text that starts a paragraph needs
    :func:`escape_block_start` too.
    """
    text = newlines(text)
    text = "".join(" " if c != "\n" and unicodedata.category(c) == "Cc" else c for c in text)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\n", newline)


def escape_block_start(text: str) -> str:
    """Escaped text that begins a paragraph, made unable to start a list or a heading underline."""
    text = text.lstrip()
    return _BLOCK_START.sub(_escape_block_start, text)


def _escape_block_start(match: re.Match[str]) -> str:
    if match.group(3):
        return "\\" + match.group(3)
    return f"{match.group(1)}\\{match.group(2)}"


def markdown_ident(name: str) -> str:
    """A name or handle as a code span (or escaped text, should it not be a plain name)."""
    return f"`{name}`" if IDENT.fullmatch(name) else escape_markdown(name)


@dataclass(frozen=True)
class Party:
    """A person or lane that plays a role in some decision."""

    name: str  # ``@handle`` or lane name
    title: str | None
    workflow: str | None  # the workflow that declares it; None when shared

    @property
    def key(self) -> tuple[str, str]:
        """Identity: two workflows may each declare their own lane ``eng``."""
        return (self.workflow or "", self.name)


@dataclass(frozen=True)
class Scope:
    """The people, lanes and decisions a workflow (or the shared scope) can name."""

    workflow: Workflow | None
    people: dict[str, Person]
    lanes: dict[str, Lane]
    decisions: dict[str, Decision]

    @classmethod
    def of(cls, document: Document, workflow: Workflow | None) -> Scope:
        """The scope of ``workflow``, or the shared scope when it is ``None``."""
        shared = document.shared
        people, lanes, decisions = shared.people, shared.lanes, shared.decisions
        if workflow is not None:
            people, lanes = (*people, *workflow.people), (*lanes, *workflow.lanes)
            decisions = (*decisions, *workflow.decisions)
        return cls(
            workflow,
            {p.name: p for p in people},
            {lane.name: lane for lane in lanes},
            {d.name: d for d in decisions},
        )

    def party(self, ref: Ref) -> Party | None:
        """The person or lane ``ref`` names (``None`` for a decision)."""
        named: Person | Lane | None = self.people.get(ref.name) if ref.is_person else self.lanes.get(ref.name)
        if named is None:
            return Party(ref.name, None, None) if ref.is_person else None
        local = self.workflow is not None and ref.name in self.local_names
        return Party(ref.name, named.title, self.workflow.name if local and self.workflow else None)

    @functools.cached_property
    def local_names(self) -> frozenset[str]:
        """Names the workflow declares itself (they shadow the shared ones)."""
        if self.workflow is None:
            return frozenset()
        return frozenset(n.name for n in (*self.workflow.people, *self.workflow.lanes))


@dataclass(frozen=True)
class Row:
    """One decision of the matrix and the workflow it is used in."""

    workflow: Workflow | None
    decision: Decision
    shared: bool


class _Scopes:
    """One :class:`Scope` per workflow, built once (rows of a workflow share it)."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.built: dict[int, Scope] = {}

    def of(self, workflow: Workflow | None) -> Scope:
        key = id(workflow)  # the workflows outlive this object
        if key not in self.built:
            self.built[key] = Scope.of(self.document, workflow)
        return self.built[key]


def used_decisions(document: Document, workflow: Workflow) -> list[Row]:
    """The decisions of ``workflow``: its own, then the shared ones its gates or escalations use."""
    own = {d.name for d in workflow.decisions}
    shared = {d.name: d for d in document.shared.decisions if d.name not in own}
    frontier = [h.gate.name for h in workflow.handoffs if h.gate is not None]
    frontier += [e.to.name for d in workflow.decisions for e in d.escalates]
    wanted: set[str] = set()
    while frontier:
        name = frontier.pop()
        if name in shared and name not in wanted:
            wanted.add(name)
            frontier += [e.to.name for e in shared[name].escalates]
    rows = [Row(workflow, decision, False) for decision in workflow.decisions]
    return rows + [Row(workflow, d, True) for d in shared.values() if d.name in wanted]


def decision_rows(document: Document) -> list[Row]:
    """Every row of the matrix, workflow by workflow (shared decisions when there is none)."""
    if not document.workflows:
        return [Row(None, decision, True) for decision in document.shared.decisions]
    return [row for workflow in document.workflows for row in used_decisions(document, workflow)]


def roles(decision: Decision) -> Iterator[tuple[str, Ref]]:
    """``(letter, who)`` for every role in ``decision``, in legend order."""
    for letter, attribute, _ in ROLES[:5]:
        for ref in getattr(decision, attribute):
            yield letter, ref
    for escalation in decision.escalates:
        yield "E", escalation.to
    if decision.delegate is not None:
        yield "B", decision.delegate


def cells(decision: Decision, scope: Scope) -> dict[tuple[str, str], str]:
    """Party key → letters for one decision (parties without a role are absent)."""
    letters: dict[tuple[str, str], list[str]] = {}
    for letter, ref in roles(decision):
        party = scope.party(ref)
        if party is not None and letter not in letters.setdefault(party.key, []):
            letters[party.key].append(letter)
    return {key: JOIN.join(found) for key, found in letters.items()}


def parties(rows: list[Row], document: Document) -> list[Party]:
    """The parties of ``rows`` in order of first appearance."""
    found: dict[tuple[str, str], Party] = {}
    scopes = _Scopes(document)
    for row in rows:
        scope = scopes.of(row.workflow)
        for _, ref in roles(row.decision):
            party = scope.party(ref)
            if party is not None:
                found.setdefault(party.key, party)
    return list(found.values())


def _escalation(decision: Decision, scope: Scope, label: Callable[[Party], str]) -> str:
    """The escalations as words: ``<who> after 2d; decision <title>``."""
    out = []
    for escalation in decision.escalates:
        party = scope.party(escalation.to)
        target = label(party) if party is not None else f"decision {_decision_label(scope, escalation.to)}"
        out.append(target + (f" after {escalation.after.text}" if escalation.after else ""))
    return "; ".join(out)


def _decision_label(scope: Scope, ref: Ref) -> str:
    decision = scope.decisions.get(ref.name)
    return f"{decision.title} ({ref.name})" if decision is not None and decision.title else ref.name


# -- Markdown -----------------------------------------------------------------


def _markdown_party(party: Party) -> str:
    title = f" ({escape_markdown(party.title)})" if party.title else ""
    return markdown_ident(party.name) + title


def _markdown_escalation(decision: Decision, scope: Scope) -> str:
    """Escalations with parties as Markdown; decision titles escaped."""
    out = []
    for escalation in decision.escalates:
        party = scope.party(escalation.to)
        if party is not None:
            target = _markdown_party(party)
        else:
            target = "decision " + escape_markdown(_decision_label(scope, escalation.to))
        out.append(target + (f" after {escape_markdown(escalation.after.text)}" if escalation.after else ""))
    return "; ".join(out)


def _markdown_row(row: Row, columns: list[Party], scope: Scope) -> str:
    decision = row.decision
    name = markdown_ident(decision.name) + (", shared" if row.shared else "")
    head = f"{escape_markdown(decision.title)} ({name})" if decision.title else name
    found = cells(decision, scope)
    values = [head, _markdown_escalation(decision, scope), *(found.get(p.key, "") for p in columns)]
    return _table_line(values)


def _table_line(values: list[str]) -> str:
    return "| " + " | ".join(values) + " |"


def _markdown_table(rows: list[Row], document: Document) -> list[str]:
    if not rows:
        return ["_No decisions._"]
    scope = Scope.of(document, rows[0].workflow)
    columns = parties(rows, document)
    header = ["Decision", "Escalation", *(_markdown_party(party) for party in columns)]
    rule = ["---", "---", *(":-:" for _ in columns)]
    return [_table_line(header), _table_line(rule), *(_markdown_row(r, columns, scope) for r in rows)]


def _legend() -> list[str]:
    lines = ["**Legend**", ""]
    lines += [f"- **{letter}**: `{name}`, {meaning}" for letter, name, meaning in ROLES]
    return [
        *lines,
        "",
        f"A party with several roles shows their letters joined by `{JOIN}`, in this order. "
        "Escalations to another decision appear in the Escalation column only.",
    ]


def _heading(workflow: Workflow) -> str:
    name = markdown_ident(workflow.name)
    return f"## {escape_markdown(workflow.title, ' ')} ({name})" if workflow.title else f"## {name}"


def render_raci_markdown(document: Document) -> str:
    """The RACI matrix of every workflow in ``document``, as GitHub-flavoured Markdown."""
    lines = ["# Decision rights (RACI)", ""]
    if not document.workflows:
        lines += ["## Shared decisions", "", *_markdown_table(decision_rows(document), document), ""]
    for workflow in document.workflows:
        lines += [_heading(workflow), "", *_markdown_table(used_decisions(document, workflow), document), ""]
    return for_markdown("\n".join([*lines, *_legend()]) + "\n")


# -- CSV ----------------------------------------------------------------------


def csv_party(party: Party) -> str:
    """A party as CSV text: ``Name (@handle)``, ``Title (lane)`` or the bare name."""
    return f"{party.title} ({party.name})" if party.title else party.name


def csv_safe(value: str) -> str:
    """``value`` with a leading ``'`` when a spreadsheet would read it as a formula.

    That is when it starts with a tab or a carriage return, or its first
    visible character is ``= + - @`` in any width (NFKC folds ``＝`` and ``﹦`` to ``=``).
    """
    if value.startswith(("\t", "\r")):
        return "'" + value
    # Spreadsheets skip leading spaces; format characters (U+200B, U+FEFF…) do not show.
    first = next((c for c in value if not c.isspace() and unicodedata.category(c) != "Cf"), "")
    return "'" + value if unicodedata.normalize("NFKC", first).startswith(_FORMULA_START) else value


def _csv_headers(columns: list[Party]) -> list[str]:
    """Party headers; two parties with the same text get their workflow appended."""
    labels = [csv_party(party) for party in columns]
    counts = Counter(labels)
    return [
        f"{label} [{party.workflow or 'shared'}]" if counts[label] > 1 else label
        for label, party in zip(labels, columns, strict=True)
    ]


def raci_table(document: Document) -> list[list[str]]:
    """The CSV cells (before the formula guard): a header row, then one row per decision."""
    rows = decision_rows(document)
    columns = parties(rows, document)
    table = [["Workflow", "Decision", "Title", "Escalation", *_csv_headers(columns)]]
    scopes = _Scopes(document)
    for row in rows:
        scope = scopes.of(row.workflow)
        found = cells(row.decision, scope)
        workflow = row.workflow.name if row.workflow is not None else ""
        decision = row.decision
        fixed = [workflow, decision.name, decision.title or "", _escalation(decision, scope, csv_party)]
        table.append([*fixed, *(found.get(party.key, "") for party in columns)])
    return table


def csv_field(value: str) -> str:
    """``value`` as one RFC 4180 field: quoted when it holds ``,``, ``"``, ``\\r`` or ``\\n``.

    Written by hand rather than with :mod:`csv`: its writer quotes only the
    characters of its own line terminator, so with ``\\n`` line endings a lone
    ``\\r`` would be left bare and a reader would end the row there.
    """
    return '"' + value.replace('"', '""') + '"' if _CSV_QUOTED.search(value) else value


def render_raci_csv(document: Document) -> str:
    """The RACI matrix of every workflow in ``document`` as CSV (``\\n`` line endings)."""
    rows = (",".join(csv_field(csv_safe(value)) for value in values) for values in raci_table(document))
    return for_csv("".join(row + "\n" for row in rows))
