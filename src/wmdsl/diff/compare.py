"""The changes to the design between two sides: elements, decision rights, handoffs and fields.

Elements are matched by kind and name within their scope, or as renamed
(:mod:`wmdsl.diff.elements`); the old side's references are renamed before
anything is compared, so a rename is one change and not a change to
everything that names the element. Handoffs are matched by their ends, then,
among those left, by the same source (or target) and the same label and
gate: the one that changed its other end is rerouted.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping
from typing import Any

from wmdsl.diff.elements import CHILDREN, ORDER, Flat, Key, Renames, Scope, compared, plain
from wmdsl.diff.records import SECTIONS, Change, Section
from wmdsl.diff.sides import Names
from wmdsl.model import (
    Allow,
    Duration,
    Escalation,
    Handoff,
    Hours,
    Member,
    Model,
    Percent,
    Rate,
    Ref,
    Target,
    Variability,
)

DECISION_RIGHTS = ("decides", "recommends", "approves", "consults", "informs", "escalates", "delegate")
#: The figures of the flow: WIP, capacity, effort, arrivals and their variability, SLEs and hours.
FIGURES = frozenset(
    {
        "wip",
        "capacity",
        "members",
        "effort",
        "arrivals",
        "variability",
        "sle",
        "target",
        "throughput",
        "hours",
        "calendar",
    }
)
#: The fields that hold names of elements or people (shown as code); the others are values or text.
NAMES = frozenset(
    {
        *DECISION_RIGHTS,
        "owner",
        "lane",
        "gate",
        "calendar",
        "members",
        "accepts",
        "shows",
        "audience",
        "reviews",
        "start",
        "end",
    }
)
#: The fields that hold free text (shown quoted).
TEXT = frozenset({"title", "description", "purpose", "done", "channel", "criteria", "label", "condition"})
#: How the language spells the fields whose names differ from the model's.
KEYWORDS = {"start": "from", "end": "to", "condition": "when", "lane": "in", "allows": "allow"}
HANDOFF_FIELDS = ("label", "gate", "sla", "chance", "condition", "rework", "fork", "allows")


def shown(value: Any, names: Mapping[str, str] | None = None) -> str | None:
    """``value`` as the spec writes it (references renamed by ``names``); None for no value."""
    names = names or {}
    if value is None:
        return None
    if isinstance(value, Ref):
        return names.get(value.name, value.name)
    if isinstance(value, Duration | Percent | Rate | Hours | Variability):
        return value.text
    if isinstance(value, Target):
        return f"{value.within.text} at {value.percentile.text}"
    if isinstance(value, Member):
        person = shown(value.person, names) or ""
        return f"{person} {value.allocation.text}" if value.allocation is not None else person
    if isinstance(value, Escalation):
        to = shown(value.to, names) or ""
        return f"{to} after {value.after.text}" if value.after is not None else to
    if isinstance(value, Allow):
        return f"{value.code} {value.reason}"
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, tuple):
        return ", ".join(filter(None, (shown(item, names) for item in value)))
    return str(value)


def _list_change(
    old: tuple[Any, ...], new: tuple[Any, ...], names: Mapping[str, str]
) -> tuple[list[str], list[str]]:
    """What a list gained and lost (each item once, in the order written)."""
    before = {plain(item, names): item for item in old}
    after = {plain(item, {}): item for item in new}
    gained = [shown(item) or "" for key, item in after.items() if key not in before]
    lost = [shown(item, names) or "" for key, item in before.items() if key not in after]
    return gained, lost


def _section(kind: str, name: str) -> Section:
    if kind == "decision" and name in DECISION_RIGHTS:
        return "decisions"
    return "figures" if name in FIGURES else "attributes"


def _changed(
    base: dict[str, Any], section: Section, name: str, values: tuple[Any, Any], names: Mapping[str, str]
) -> list[Change]:
    """Field ``name`` changed from ``values[0]`` (the old side's, renamed by ``names``) to ``values[1]``.

    Nothing when it did not. A list is compared as the set of what it holds:
    written in another order, it says the same.
    """
    before, after = values
    if plain(before, names) == plain(after, {}):
        return []
    field = KEYWORDS.get(name, name)
    if isinstance(after, tuple):
        gained, lost = _list_change(before, after, names)
        if not (gained or lost):
            return []
        return [Change(section=section, field=field, gained=tuple(gained), lost=tuple(lost), **base)]
    return [Change(section=section, field=field, old=shown(before, names), new=shown(after), **base)]


def _field_changes(old: Model, new: Model, names: Mapping[str, str], base: dict[str, Any]) -> list[Change]:
    """A change for each field (but the name and a workflow's elements) that differs."""
    found = []
    for name in compared(type(new)):
        if name == "name" or (name in CHILDREN and base.get("kind") == "workflow"):
            continue
        values = (getattr(old, name), getattr(new, name))
        found += _changed(base, _section(str(base.get("kind")), name), name, values, names)
    return found


def _scope_changes(
    old: Scope,
    new: Scope,
    workflow: str | None,
    renamed: Mapping[Key, str],
    names: Mapping[str, str],
    sides: tuple[Names, Names],
) -> list[Change]:
    """The elements of one scope added, removed, renamed and changed."""
    found: list[Change] = []
    new_of = {key: (key[0], renamed[key]) if key in renamed else key for key in old.elements}
    matched = {new_key: key for key, new_key in new_of.items() if new_key in new.elements}
    for key, element in old.elements.items():
        if new_of[key] not in new.elements:
            where = sides[0].where(element.span)
            found.append(
                Change(
                    section="elements",
                    action="removed",
                    workflow=workflow,
                    kind=key[0],
                    subject=key[1],
                    where=where,
                )
            )
    for key, element in new.elements.items():
        where = sides[1].where(element.span)
        base: dict[str, Any] = {"workflow": workflow, "kind": key[0], "subject": key[1], "where": where}
        if key not in matched:
            found.append(Change(section="elements", action="added", **base))
            continue
        before = old.elements[matched[key]]
        if matched[key] != key:
            found.append(Change(section="elements", action="renamed", before=matched[key][1], **base))
        found += _field_changes(before, element, names, {"action": "changed", **base})
    return found


def _handoff_key(handoff: Handoff, names: Mapping[str, str]) -> tuple[str, str]:
    return (
        names.get(handoff.source.name, handoff.source.name),
        names.get(handoff.target.name, handoff.target.name),
    )


def _routed(handoff: Handoff, names: Mapping[str, str]) -> tuple[Hashable, Hashable]:
    """What says a rerouted handoff is the same one: its label and its gate."""
    return (handoff.label, plain(handoff.gate, names))


def _handoff_changes(
    old: Handoff, new: Handoff, names: Mapping[str, str], base: dict[str, Any]
) -> list[Change]:
    found = []
    for name in HANDOFF_FIELDS:
        values = (getattr(old, name), getattr(new, name))
        if name == "fork":
            # Which branches a fork has is the other handoffs' business; being one is this one's.
            values, name = (values[0] is not None, values[1] is not None), "parallel"
        action = "regated" if name == "gate" else "changed"
        found += _changed({**base, "action": action}, "handoffs", name, values, names)
    return found


def _pair_by(
    olds: list[Handoff],
    news: list[Handoff],
    key: Callable[[Handoff, Mapping[str, str]], Hashable],
    names: Mapping[str, str],
) -> list[tuple[Handoff, Handoff]]:
    """Pairs of ``olds`` and ``news`` whose ``key`` is the same and is the only such pair for both."""
    old_by: dict[Hashable, list[Handoff]] = defaultdict(list)
    new_by: dict[Hashable, list[Handoff]] = defaultdict(list)
    for handoff in olds:
        old_by[key(handoff, names)].append(handoff)
    for handoff in news:
        new_by[key(handoff, {})].append(handoff)
    return [
        (old_by[k][0], new_by[k][0]) for k in old_by if len(old_by[k]) == 1 and len(new_by.get(k, ())) == 1
    ]


def _about(workflow: str | None, handoff: Handoff, names: Names) -> dict[str, Any]:
    """What every change to ``handoff`` says of it."""
    return {
        "workflow": workflow,
        "kind": "handoff",
        "subject": handoff.key,
        "where": names.where(handoff.span),
    }


def _handoffs(
    old: Scope, new: Scope, workflow: str | None, names: Mapping[str, str], sides: tuple[Names, Names]
) -> list[Change]:
    """Handoffs added, removed, rerouted, re-gated and changed."""
    found: list[Change] = []
    by_ends: dict[tuple[str, str], list[Handoff]] = defaultdict(list)
    for handoff in new.handoffs:
        by_ends[_handoff_key(handoff, {})].append(handoff)
    left_old: list[Handoff] = []
    pairs: list[tuple[Handoff, Handoff]] = []
    taken: set[int] = set()
    for handoff in old.handoffs:
        same = by_ends.get(_handoff_key(handoff, names), [])
        if not same:
            left_old.append(handoff)
            continue
        # Between the same two nodes, the one with the same label first, else the first.
        chosen = next((h for h in same if h.label == handoff.label), same[0])
        same.remove(chosen)
        taken.add(id(chosen))
        pairs.append((handoff, chosen))
    left_new = [h for h in new.handoffs if id(h) not in taken]
    for keyed in (
        lambda h, n: (_handoff_key(h, n)[0], _routed(h, n)),
        lambda h, n: (_handoff_key(h, n)[1], _routed(h, n)),
    ):
        rerouted = _pair_by(left_old, left_new, keyed, names)
        done = {id(handoff) for pair in rerouted for handoff in pair}
        left_old = [handoff for handoff in left_old if id(handoff) not in done]
        left_new = [handoff for handoff in left_new if id(handoff) not in done]
        for before, after in rerouted:
            base = _about(workflow, after, sides[1])
            old_key = "->".join(_handoff_key(before, names))
            found.append(Change(section="handoffs", action="rerouted", before=old_key, **base))
            found += _handoff_changes(before, after, names, base)
    for before, after in pairs:
        base = _about(workflow, after, sides[1])
        found += _handoff_changes(before, after, names, base)
    for handoff in left_old:
        where = sides[0].where(handoff.span)
        subject = "->".join(_handoff_key(handoff, names))
        found.append(
            Change(
                section="handoffs",
                action="removed",
                workflow=workflow,
                kind="handoff",
                subject=subject,
                where=where,
            )
        )
    for handoff in left_new:
        where = sides[1].where(handoff.span)
        found.append(
            Change(
                section="handoffs",
                action="added",
                workflow=workflow,
                kind="handoff",
                subject=handoff.key,
                where=where,
            )
        )
    return found


def _order(change: Change) -> tuple[Any, ...]:
    sections = [name for name, _ in SECTIONS]
    actions = ["removed", "added", "renamed", "rerouted", "regated", "changed"]
    return (
        sections.index(change.section),
        change.workflow is not None,
        change.workflow or "",
        ORDER.get(change.kind, len(ORDER)),
        change.subject,
        actions.index(change.action) if change.action in actions else len(actions),
        change.field or "",
    )


def changes(old: Flat, new: Flat, found: Renames, sides: tuple[Names, Names]) -> list[Change]:
    """Every change to the design from ``old`` to ``new``, in the order they are shown."""
    listed = _scope_changes(old.shared, new.shared, None, found.shared, found.names(), sides)
    for old_key, new_key in sorted(found.matched.items()):
        names = found.names(new_key)
        before, after = old.workflows[old_key], new.workflows[new_key]
        listed += _scope_changes(before, after, new_key, found.workflows[new_key], names, sides)
        listed += _handoffs(before, after, new_key, names, sides)
    return sorted(listed, key=_order)
