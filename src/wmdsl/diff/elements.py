"""The elements of one side by scope and name, and the renames between two sides.

A side's elements live in scopes: the declarations outside any workflow
(people, lanes, work types, decisions, calendars, and the workflows
themselves) in one, and each workflow's own in another. An element is known
by its kind and name within its scope; a workflow by its name (and, should
two files declare workflows of one name, its file too).

Renames. An element of the old side that the new side lacks (removed) and
one of the same kind in the same scope that the old side lacks (added) are
one element renamed when

* their content, every field but the name (and where it is written), is
  equal once the references in the old one are renamed as already found;
  or their title is the same (and given) and at most one other field differs;
* and, for the nodes of the flow (intakes, stages, joins and exits), their
  handoffs map onto each other: the same number in and out, to and from the
  same nodes once renamed (a node removed or added on both ends counts as
  the same);
* and the pair is the only such pair for both of them.

Renames are looked for again, in every scope at once, until no more are
found, so that a lane renamed makes the stages in it equal again, and a
stage renamed makes the handoffs of its neighbours map.
"""

from __future__ import annotations

import enum
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, cast

from wmdsl.model import Document, Handoff, Model, Named, Ref, Workflow

#: The collections of a workflow (and of the shared declarations) and the kind of element each holds.
KINDS: tuple[tuple[str, str], ...] = (
    ("people", "person"),
    ("lanes", "lane"),
    ("work", "work type"),
    ("calendars", "calendar"),
    ("intakes", "intake"),
    ("stages", "stage"),
    ("joins", "join"),
    ("exits", "exit"),
    ("decisions", "decision"),
    ("boards", "board"),
    ("metrics", "metric"),
    ("cadences", "cadence"),
)
SHARED = ("people", "lanes", "work", "decisions", "calendars")
ORDER = {kind: number for number, kind in enumerate(["workflow", *(kind for _, kind in KINDS)])}
NODES = frozenset({"intake", "stage", "join", "exit"})
#: Fields of a workflow that hold elements: compared element by element, not as a field.
CHILDREN = frozenset(name for name, _ in KINDS) | {"handoffs"}

Key = tuple[str, str]  # (kind, name)


@dataclass(frozen=True, slots=True)
class Scope:
    """The elements of one scope by (kind, name), and its handoffs."""

    elements: dict[Key, Named] = field(default_factory=dict)
    handoffs: tuple[Handoff, ...] = ()

    def adjacency(self) -> dict[str, list[tuple[str, str]]]:
        """The handoffs of each node: (``in`` or ``out``, the node at the other end)."""
        found: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for handoff in self.handoffs:
            found[handoff.source.name].append(("out", handoff.target.name))
            found[handoff.target.name].append(("in", handoff.source.name))
        return found


@dataclass(frozen=True, slots=True)
class Flat:
    """A side's scopes: the shared one (``None``) and each workflow's, by the workflow's key."""

    shared: Scope
    workflows: dict[str, Scope]
    files: dict[str, str]  # workflow key → the file that declares it (relative)


def workflow_keys(documents: Iterable[tuple[str, Document]]) -> list[tuple[str, str, Workflow]]:
    """(key, file, workflow) of every workflow of (relative file, document): its name, or
    ``name (file)`` when two share one."""
    listed = [(file, workflow) for file, document in documents for workflow in document.workflows]
    counts = Counter(workflow.name for _, workflow in listed)
    return [
        (workflow.name if counts[workflow.name] == 1 else f"{workflow.name} ({file})", file, workflow)
        for file, workflow in listed
    ]


def flatten(documents: Iterable[tuple[str, Document]], file_of: Callable[[str], str] = str) -> Flat:
    """The scopes of a side's documents; a declaration several files import counts once.

    ``documents`` are (relative file, document); ``file_of`` makes a span's file relative.
    """
    documents = list(documents)
    shared = Scope()
    seen: dict[Key, list[Named]] = defaultdict(list)
    for _, document in documents:
        for collection, kind in KINDS:
            if collection not in SHARED:
                continue
            for element in getattr(document.shared, collection):
                known = seen[(kind, element.name)]
                if not any(other.span == element.span for other in known):
                    known.append(element)
    for (kind, name), found in seen.items():
        for element in found:
            # Two different declarations of one name are two projects' (files that do not import each other).
            shown = name if len(found) == 1 else f"{name} ({file_of(element.span.file)})"
            shared.elements[(kind, shown)] = element
    workflows: dict[str, Scope] = {}
    files: dict[str, str] = {}
    for key, file, workflow in workflow_keys(documents):
        shared.elements[("workflow", key)] = workflow
        scope = workflows[key] = Scope(handoffs=workflow.handoffs)
        files[key] = file
        for collection, kind in KINDS:
            for element in getattr(workflow, collection):
                scope.elements[(kind, element.name)] = element
    return Flat(shared, workflows, files)


_COMPARED: dict[type, tuple[str, ...]] = {}


def compared(cls: type) -> tuple[str, ...]:
    """The fields of a model class that equality looks at (all but ``span``)."""
    names = _COMPARED.get(cls)
    if names is None:
        names = _COMPARED[cls] = tuple(f.name for f in fields(cls) if f.compare and f.name != "span")
    return names


def plain(value: Any, names: Mapping[str, str]) -> Hashable:
    """``value`` as nested tuples that compare as the model does, its references renamed by ``names``."""
    if isinstance(value, Ref):
        return ("ref", names.get(value.name, value.name))
    if isinstance(value, Model):
        return (type(value).__name__, tuple(plain(getattr(value, f), names) for f in compared(type(value))))
    if isinstance(value, tuple):
        return tuple(plain(item, names) for item in value)
    if isinstance(value, enum.Enum):
        return cast("Hashable", value.value)
    assert isinstance(value, Hashable)
    return value


def content(
    element: Named, names: Mapping[str, str], skip: frozenset[str] = frozenset()
) -> tuple[Hashable, ...]:
    """Every field of ``element`` but its name (and ``skip``), as :func:`plain` gives them."""
    return tuple(
        plain(getattr(element, f), names) for f in compared(type(element)) if f != "name" and f not in skip
    )


@dataclass(frozen=True, slots=True)
class _Pair:
    """The two sides of one scope while renames are looked for (its sets and ``renamed`` fill as they are)."""

    old: Scope
    new: Scope
    removed: set[Key]
    added: set[Key]
    renamed: dict[Key, str] = field(default_factory=dict)  # old (kind, name) → new name
    old_edges: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    new_edges: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def names(self, inherited: Mapping[str, str]) -> dict[str, str]:
        """Old name → new name of what the scope sees: ``inherited`` (the enclosing scope's), then its own."""
        return {**inherited, **{name: new for (_, name), new in self.renamed.items()}}

    def signature(
        self, name: str, old: bool, names: Mapping[str, str], unmatched: set[str]
    ) -> Counter[tuple[str, str]]:
        """A node's handoffs as (direction, other end), ends renamed, ``unmatched`` ends as ``*``."""
        edges = self.old_edges if old else self.new_edges
        found: Counter[tuple[str, str]] = Counter()
        for direction, other in edges.get(name, ()):
            if other == name:
                end = "(itself)"
            elif other in unmatched:
                end = "*"
            else:
                end = names.get(other, other) if old else other
            found[(direction, end)] += 1
        return found

    def candidates(self, inherited: Mapping[str, str]) -> dict[Key, list[Key]]:
        """The added elements each removed one may have become, by the rule of this module."""
        names = self.names(inherited)
        exact: dict[tuple[str, Hashable], list[Key]] = defaultdict(list)
        # "The same title and at most one other field different", found without comparing
        # every pair: by the title and every field but one, once for each field left out.
        near: dict[tuple[str, str, int, Hashable], list[Key]] = defaultdict(list)
        untitled = frozenset({"title"})
        for key in sorted(self.added):
            element = self.new.elements[key]
            exact[(key[0], content(element, {}))].append(key)
            if element.title is not None:
                rest = content(element, {}, untitled)
                for left_out in range(len(rest)):
                    near[(key[0], element.title, left_out, rest[:left_out] + rest[left_out + 1 :])].append(
                        key
                    )
        removed_names = {name for _, name in self.removed}
        added_names = {name for _, name in self.added}
        found: dict[Key, list[Key]] = {}
        for key in sorted(self.removed):
            element = self.old.elements[key]
            pool = set(exact.get((key[0], content(element, names)), ()))
            if element.title is not None:
                rest = content(element, names, untitled)
                for left_out in range(len(rest)):
                    projection = rest[:left_out] + rest[left_out + 1 :]
                    pool.update(near.get((key[0], element.title, left_out, projection), ()))
            if key[0] in NODES and pool:
                mine = self.signature(key[1], True, names, removed_names)
                pool = {k for k in pool if self.signature(k[1], False, names, added_names) == mine}
            if pool:
                found[key] = sorted(pool)
        return found

    def step(self, inherited: Mapping[str, str]) -> bool:
        """Take the renames that are the only pair for both ends; True when some were found."""
        found = self.candidates(inherited)
        claims = Counter(k for keys in found.values() for k in keys)
        taken = [
            (old, keys[0]) for old, keys in sorted(found.items()) if len(keys) == 1 and claims[keys[0]] == 1
        ]
        for old, new in taken:
            self.renamed[old] = new[1]
            self.removed.discard(old)
            self.added.discard(new)
        return bool(taken)


def _pair(old: Scope, new: Scope) -> _Pair:
    return _Pair(
        old,
        new,
        {k for k in old.elements if k not in new.elements},
        {k for k in new.elements if k not in old.elements},
        old_edges=old.adjacency(),
        new_edges=new.adjacency(),
    )


@dataclass(frozen=True, slots=True)
class Renames:
    """The renames found: in the shared scope, and in each workflow (by the workflow's new key)."""

    shared: dict[Key, str]
    workflows: dict[str, dict[Key, str]]
    matched: dict[str, str]  # old workflow key → new workflow key, for the workflows on both sides
    # What names() gave, by workflow: asked once for every finding of a side.
    _names: dict[str | None, Mapping[str, str]] = field(default_factory=dict, compare=False)

    def names(self, workflow: str | None = None) -> Mapping[str, str]:
        """Old name → new name of what a scope sees: the shared renames, then the workflow's own."""
        if workflow not in self._names:
            found = {name: new for (_, name), new in self.shared.items()}
            if workflow is not None:
                found.update((name, new) for (_, name), new in self.workflows.get(workflow, {}).items())
            self._names[workflow] = found
        return self._names[workflow]


def renames(old: Flat, new: Flat) -> Renames:
    """Every rename between ``old`` and ``new`` (see the module's description for the rule)."""
    shared = _pair(old.shared, new.shared)
    scopes: dict[str, tuple[str, _Pair]] = {}

    def pair_workflows() -> None:
        # A workflow on both sides, under its name or renamed, has its scope compared.
        for kind, name in old.shared.elements:
            if kind != "workflow":
                continue
            new_key = shared.renamed.get((kind, name), name if name in new.workflows else None)
            if new_key is not None and new_key not in scopes:
                scopes[new_key] = (name, _pair(old.workflows[name], new.workflows[new_key]))

    pair_workflows()
    while True:
        progress = shared.step({})
        pair_workflows()
        inherited = shared.names({})
        for _, pair in scopes.values():
            progress = pair.step(inherited) or progress
        if not progress:
            break
    matched = {old_key: new_key for new_key, (old_key, _) in scopes.items()}
    return Renames(shared.renamed, {k: pair.renamed for k, (_, pair) in scopes.items()}, matched)
