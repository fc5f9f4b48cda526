"""Which elements of the diagram a finding is about, from where it is placed.

Every node and arrow of a drawn view that stands for an element of the model
carries ``data-element``: ``<workflow>.<name>`` for what a workflow declares,
the bare name for a shared decision, and for a person or lane with a part
in a decision (``spend``, ``@maya``), and
``<workflow>.<source>-><target>`` for a handoff. A finding carries a place
(file, line, column), and the model elements carry the place of their
declaration. The element a finding is about is the one whose declaration
encloses its place; declarations record only their first line, so an
element's extent runs from its declaration up to the next declaration of the
same file (an attribute of a stage belongs to the stage).

What is highlighted for an element: the node of an intake, stage, join or
exit; a handoff's arrow and both its ends; a lane's own node (in the views
that draw lanes as nodes) and the stages it holds; the node of a decision or
person, in the views that draw one. A workflow itself is no node.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from wmdsl.model import Document, Handoff, Lane, Named, Person, Workflow
from wmdsl.model.span import Span

# The kinds of declaration a workflow holds that are drawn as nodes of their own.
_NODE_KINDS = ("intakes", "stages", "joins", "exits")
_OTHER_KINDS = ("people", "lanes", "work", "calendars", "decisions", "boards", "metrics", "cadences")
_SHARED_KINDS = ("people", "lanes", "work", "decisions", "calendars")


@dataclass(frozen=True, slots=True)
class _Entry:
    """One declaration: where it starts and what it stands for in the diagram."""

    start: tuple[int, int]
    ids: tuple[str, ...]


def _lane_ids(lane: Lane, workflows: Iterable[Workflow]) -> list[str]:
    ids = [lane.name]  # as the decisions view draws a lane with a part in a decision
    for workflow in workflows:
        ids.append(f"{workflow.name}.{lane.name}")
        ids += [f"{workflow.name}.{s.name}" for s in workflow.stages if s.lane and s.lane.name == lane.name]
    return ids


def _handoff_ids(handoff: Handoff, workflow: Workflow) -> list[str]:
    source, target = handoff.source.name, handoff.target.name
    return [f"{workflow.name}.{source}", f"{workflow.name}.{target}", f"{workflow.name}.{source}->{target}"]


class ElementIndex:
    """The declarations of some documents by file and place, for :meth:`elements`."""

    def __init__(self, documents: Sequence[Document]) -> None:
        found: dict[tuple[str, int, int], tuple[Span, list[str]]] = {}

        def add(span: Span, ids: list[str]) -> None:
            key = (span.file, span.line, span.col)
            if key in found:
                found[key][1].extend(i for i in ids if i not in found[key][1])
            else:
                found[key] = (span, list(dict.fromkeys(ids)))

        for document in documents:
            workflows = document.workflows
            for kind in _SHARED_KINDS:
                for element in getattr(document.shared, kind):
                    if isinstance(element, Lane):
                        add(element.span, _lane_ids(element, workflows))
                    else:
                        add(element.span, [element.name, *(f"{w.name}.{element.name}" for w in workflows)])
            for workflow in workflows:
                add(workflow.span, [])
                for kind in _NODE_KINDS + _OTHER_KINDS:
                    for named in getattr(workflow, kind):
                        assert isinstance(named, Named)
                        if isinstance(named, Lane):
                            add(named.span, _lane_ids(named, [workflow]))
                        elif isinstance(named, Person):  # drawn by their handle alone (decisions view)
                            add(named.span, [named.name, f"{workflow.name}.{named.name}"])
                        else:
                            add(named.span, [f"{workflow.name}.{named.name}"])
                for handoff in workflow.handoffs:
                    add(handoff.span, _handoff_ids(handoff, workflow))
        self._files: dict[str, list[_Entry]] = {}
        for span, ids in found.values():
            entry = _Entry((span.line, span.col), tuple(ids))
            self._files.setdefault(span.file, []).append(entry)
        for entries in self._files.values():
            entries.sort(key=lambda entry: entry.start)
        self._starts = {file: [entry.start for entry in entries] for file, entries in self._files.items()}

    def at(self, span: Span) -> tuple[str, ...]:
        """The diagram elements of the declaration whose extent holds the start of ``span``."""
        entries = self._files.get(span.file)
        if not entries:
            return ()
        # The last declaration that starts at or before the place: the innermost that holds it.
        index = bisect.bisect_right(self._starts[span.file], (span.line, span.col)) - 1
        return entries[index].ids if index >= 0 else ()

    def known(self) -> set[str]:
        """Every diagram element some declaration stands for."""
        return {i for entries in self._files.values() for entry in entries for i in entry.ids}

    def elements(self, spans: Iterable[Span]) -> list[str]:
        """The diagram elements the places ``spans`` are about, each once, in order."""
        return list(dict.fromkeys(i for span in spans for i in self.at(span)))
