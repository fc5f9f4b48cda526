"""What each name of a compiled document means: its declarations and every reference to them.

Built from the model (the partial one when a file has language errors, so
that a file being written can still be navigated): every declaration with the
place of its name, and every :class:`~wmdsl.model.Ref` with the declaration
it names, found by the language's scoping (a workflow's own declarations,
then the shared ones of the file and its imports; workflows in a namespace of
their own). One walk over the model: linear in its size.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, fields

from wmdsl.model import Document, Element, Named, Ref, Workflow
from wmdsl.model.span import Span

#: The kind of declaration each collection of a workflow or of the shared declarations holds.
COLLECTIONS = {
    "people": "person",
    "lanes": "lane",
    "work": "work",
    "calendars": "calendar",
    "decisions": "decision",
    "intakes": "intake",
    "stages": "stage",
    "joins": "join",
    "exits": "exit",
    "boards": "board",
    "metrics": "metric",
    "cadences": "cadence",
}


def where(span: Span) -> tuple[str, int, int]:
    """The place a span starts, with its file as an absolute path: a declaration's identity."""
    return (os.path.abspath(span.file), span.line, span.col)


@dataclass(frozen=True, slots=True)
class Declaration:
    """A declared name: its kind, the element, the place of its name, and its workflow (None: shared)."""

    kind: str
    element: Named
    name: Span
    workflow: Workflow | None

    @property
    def key(self) -> tuple[str, int, int]:
        """What identifies it across documents: where its header starts."""
        return where(self.element.span)


@dataclass(frozen=True, slots=True)
class Reference:
    """A use of a name, and the declaration it names (None: unknown)."""

    ref: Ref
    target: Declaration | None
    workflow: Workflow | None


def name_span(element: Named) -> Span:
    """Where the name of a declaration is written: the end of its header (``stage build``)."""
    span = element.span
    return Span(span.file, span.end_line, span.end_col - len(element.name), span.end_line, span.end_col)


class Index:
    """The declarations and references of one document."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.declarations: list[Declaration] = []
        self.references: list[Reference] = []
        self.shared: dict[str, Declaration] = {}
        self.local: dict[str, dict[str, Declaration]] = {}  # workflow name -> its own names
        self.workflows: dict[str, Declaration] = {}
        for collection, kind in COLLECTIONS.items():
            for element in getattr(document.shared, collection, ()):
                self._declare(kind, element, None, self.shared)
        for workflow in document.workflows:
            self._declare("workflow", workflow, None, self.workflows)
            own = self.local.setdefault(workflow.name, {})
            for collection, kind in COLLECTIONS.items():
                for element in getattr(workflow, collection):
                    self._declare(kind, element, workflow, own)
        for collection in COLLECTIONS:
            for element in getattr(document.shared, collection, ()):
                self._refer(element, None)
        for workflow in document.workflows:
            self._refer(workflow, workflow)

    def _declare(
        self, kind: str, element: Named, workflow: Workflow | None, scope: dict[str, Declaration]
    ) -> None:
        declaration = Declaration(kind, element, name_span(element), workflow)
        self.declarations.append(declaration)
        scope.setdefault(element.name, declaration)

    def _refer(self, element: Element, workflow: Workflow | None) -> None:
        for ref in _refs(element):
            self.references.append(Reference(ref, self.lookup(ref.name, workflow), workflow))

    def lookup(self, name: str, workflow: Workflow | None) -> Declaration | None:
        """The declaration ``name`` means inside ``workflow`` (None: at the top level)."""
        if workflow is not None:
            found = self.local.get(workflow.name, {}).get(name)
            if found is not None:
                return found
        return self.shared.get(name)

    def visible(self, workflow: Workflow | None) -> Iterator[Declaration]:
        """Every declaration a reference inside ``workflow`` may name (its own hide shared ones)."""
        own = self.local.get(workflow.name, {}) if workflow is not None else {}
        yield from own.values()
        yield from (d for name, d in self.shared.items() if name not in own)

    def at(self, file: str, line: int, col: int) -> Declaration | Reference | None:
        """The declaration name or reference written at ``line:col`` of ``file`` (an absolute path)."""
        for reference in self.references:
            if _covers(reference.ref.span, file, line, col):
                return reference
        for declaration in self.declarations:
            if _covers(declaration.name, file, line, col):
                return declaration
        return None


def _covers(span: Span, file: str, line: int, col: int) -> bool:
    if span.line != line or not span.col <= col <= span.end_col:
        return False
    return os.path.abspath(span.file) == file


def _refs(element: Element) -> Iterator[Ref]:
    """Every reference written in ``element`` and the elements inside it, in field order."""
    for field in fields(element):
        value = getattr(element, field.name)
        if isinstance(value, Ref):
            yield value
        elif isinstance(value, Element):
            yield from _refs(value)
        elif isinstance(value, tuple):
            for item in value:
                if isinstance(item, Ref):
                    yield item
                elif isinstance(item, Element):
                    yield from _refs(item)
