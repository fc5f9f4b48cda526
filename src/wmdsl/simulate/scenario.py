"""What-if scenarios: ``--set KEY=VALUE`` and scenario files, applied to the compiled model.

A key names an element and one of its attributes, ``ELEMENT.ATTRIBUTE``;
the element is a stage, intake, lane, person (``@handle``) or handoff
(``a->b``), and may be qualified by its workflow (``delivery.build.wip``)
when several workflows have one of that name. Values are written as in a
spec, and read by the language's own readers, so ``--set build.effort=2x``
is refused with the message ``check`` would give:

==========  =========================  ========================================
element     attribute                  value
==========  =========================  ========================================
stage       ``wip``                    a whole number (``3``)
stage       ``effort``                 a duration (``2d``)
stage       ``variability``            the shape of its touch times around the
                                       effort (``gamma cv 0.5``), or its parts
                                       ``shape`` and ``cv``
                                       (:mod:`~wmdsl.simulate.distributions`)
intake      ``arrivals``               a rate (``20 per week``)
intake      ``variability``            the shape of the times between arrivals
                                       (``fixed``), or ``shape`` and ``cv``
lane        ``capacity``               its FTE (``4``), instead of its members'
person      ``capacity``               their FTE (``0.5``)
handoff     ``chance``                 a percentage (``30%``)
handoff     ``delay``                  the longest wait for its gate's decision (``2d``)
==========  =========================  ========================================

A scenario file is TOML (read with :mod:`tomllib`)::

    name = "Faster reviews"          # the column's heading in --compare (default: the file's name)
    specs = ["delivery.wm"]          # optional: the specs, relative to this file
    seed = 7                         # optional: --seed, --replications, --until, --warmup, --items
    [set]
    "review.wip" = 3
    "requests.arrivals" = "20 per week"
    "eng.capacity" = 4

Changes to the spec's own attributes give a new model (``dataclasses.replace``
on the frozen model), which is analysed and simulated like the original;
the rest (FTE of lanes, shapes, delays) tune the plan
(:class:`wmdsl.simulate.plan.Tuning`). A shape set here wins over the
``variability`` the spec declares; setting only its ``shape`` or its ``cv``
keeps the other part as declared where it can
(:func:`wmdsl.simulate.distributions.shaped`).
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wmdsl.diagnostics import codes
from wmdsl.model import Distribution, Document, Duration, Person, Variability, Workflow
from wmdsl.model.span import Span, point
from wmdsl.resolve.phrases import cv_fits, read_distribution, read_variability
from wmdsl.resolve.sink import Sink, did_you_mean, one_of
from wmdsl.resolve.values import read_count, read_cv, read_duration, read_percent, read_positive, read_rate
from wmdsl.simulate.distributions import Override
from wmdsl.simulate.plan import Tuning
from wmdsl.syntax.ast import Arg, ArgKind

__all__ = ["Change", "Scenario", "ScenarioError", "apply", "parse_set", "read_scenario"]

ATTRIBUTES = {
    "stage": ("wip", "effort", "variability", "shape", "cv"),
    "intake": ("arrivals", "variability", "shape", "cv"),
    "lane": ("capacity",),
    "person": ("capacity",),
    "handoff": ("chance", "delay"),
}
RUN_KEYS = ("seed", "replications", "until", "warmup", "items")


class ScenarioError(ValueError):
    """A scenario that cannot be applied: the message says where and why (exit status 2)."""


@dataclass(frozen=True, slots=True)
class Change:
    """One ``KEY=VALUE``, and where it is written (for messages)."""

    key: str
    value: str
    where: str  # `--set` or FILE:LINE:COL
    span: Span


@dataclass(frozen=True, slots=True)
class Scenario:
    """A named set of changes, the specs it names (if any) and the run settings it gives."""

    name: str
    changes: tuple[Change, ...] = ()
    specs: tuple[Path, ...] = ()
    run: Mapping[str, Any] = field(default_factory=dict)
    source: Path | None = None


def parse_set(text: str) -> Change:
    """One ``--set KEY=VALUE``."""
    key, equals, value = text.partition("=")
    if not equals or not key.strip() or not value.strip():
        raise ScenarioError(f"--set {text}: expected KEY=VALUE, e.g. `--set build.wip=3`")
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    return Change(key.strip(), value.strip(), f"--set {key.strip()}", point("--set", 1, 1))


def read_scenario(path: Path) -> Scenario:
    """A scenario file (TOML); raises :class:`ScenarioError` with the place of what is wrong."""
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except OSError as error:
        raise ScenarioError(f"{path}: cannot read it: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise ScenarioError(f"{path}: not UTF-8 text (byte {error.start})") from error
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(f"{path}: not valid TOML: {error}") from error
    lines = text.splitlines()
    known = {"name", "spec", "specs", "set", *RUN_KEYS}
    for key in data:
        if key not in known:
            raise ScenarioError(
                f"{_where(path, lines, key)}: unknown key `{key}`; a scenario has {one_of(sorted(known))}"
            )
    name = data.get("name", path.stem)
    if not isinstance(name, str) or not name.strip():
        raise ScenarioError(f"{_where(path, lines, 'name')}: `name` must be a non-empty string")
    specs = data.get("specs", data.get("spec", []))
    if isinstance(specs, str):
        specs = [specs]
    if not isinstance(specs, list) or not all(isinstance(s, str) and s for s in specs):
        raise ScenarioError(f"{_where(path, lines, 'specs')}: `specs` must be a path or a list of paths")
    table = data.get("set", {})
    if not isinstance(table, dict):
        raise ScenarioError(f"{_where(path, lines, 'set')}: `set` must be a table of KEY = VALUE")
    changes = []
    for key, value in _flat(table):
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ScenarioError(
                f"{_where(path, lines, key)}: the value of `{key}` must be a string or a number"
            )
        where = _where(path, lines, key)
        line, col = _place(lines, key)
        changes.append(Change(key, str(value), where, point(str(path), line, col)))
    run = {k: data[k] for k in RUN_KEYS if k in data}
    base = path.parent
    return Scenario(name.strip(), tuple(changes), tuple(base / s for s in specs), run, path)


def _flat(table: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """``{build: {wip: 3}}`` (TOML's dotted keys) as ``[("build.wip", 3)]``, in the order written."""
    found = []
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            found.extend(_flat(value, f"{name}."))
        else:
            found.append((name, value))
    return found


def _place(lines: Sequence[str], key: str) -> tuple[int, int]:
    """The line and column where ``key`` (or its last part) is written, else 1:1."""
    for candidate in (key, key.rsplit(".", 1)[-1]):
        pattern = re.compile(r'(^|[\s."\'])' + re.escape(candidate) + r'(["\'\s.=]|$)')
        for number, line in enumerate(lines, 1):
            found = pattern.search(line)
            if found:
                return number, found.start() + len(found.group(1)) + 1
    return 1, 1


def _where(path: Path, lines: Sequence[str], key: str) -> str:
    line, col = _place(lines, key)
    return f"{path}:{line}:{col}"


# -- applying ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Target:
    kind: str
    name: str
    workflow: str | None  # None: shared (a lane or person declared at the top level)
    span: Span


def _targets(documents: Sequence[Document]) -> list[_Target]:
    """Every element a key may name."""
    found: list[_Target] = []
    seen: set[tuple[str, Span]] = set()

    def add(kind: str, name: str, workflow: str | None, span: Span) -> None:
        if (kind, span) not in seen:
            seen.add((kind, span))
            found.append(_Target(kind, name, workflow, span))

    for document in documents:
        for lane in document.shared.lanes:
            add("lane", lane.name, None, lane.span)
        for person in document.shared.people:
            add("person", person.name, None, person.span)
        for workflow in document.workflows:
            for lane in workflow.lanes:
                add("lane", lane.name, workflow.name, lane.span)
            for person in workflow.people:
                add("person", person.name, workflow.name, person.span)
            for stage in workflow.stages:
                add("stage", stage.name, workflow.name, stage.span)
            for intake in workflow.intakes:
                add("intake", intake.name, workflow.name, intake.span)
            for handoff in workflow.handoffs:
                add("handoff", handoff.key, workflow.name, handoff.span)
    return found


def _find(change: Change, targets: Sequence[_Target]) -> tuple[_Target, str]:
    element, dot, attribute = change.key.rpartition(".")
    if not dot or not element:
        raise ScenarioError(
            f"{change.where}: expected ELEMENT.ATTRIBUTE, e.g. `build.wip`, found `{change.key}`"
        )
    flow: str | None = None
    if not element.startswith("@") and "." in element:
        flow, element = element.split(".", 1)
    element = element.replace(" ", "")
    matches = [t for t in targets if t.name == element and (flow is None or t.workflow in (flow, None))]
    if not matches:
        names = [t.name for t in targets]
        hint = did_you_mean(element, names)
        scope = f" in workflow `{flow}`" if flow else ""
        raise ScenarioError(
            f"{change.where}: no stage, intake, lane, person or handoff `{element}`{scope}"
            + (f"; {hint}" if hint else "")
        )
    if len(matches) > 1:
        ways = ", ".join(f"`{t.workflow}.{t.name}.{attribute}`" for t in matches if t.workflow)
        raise ScenarioError(f"{change.where}: `{element}` is in several workflows: write {ways}")
    target = matches[0]
    if attribute not in ATTRIBUTES[target.kind]:
        known = one_of(ATTRIBUTES[target.kind])
        raise ScenarioError(f"{change.where}: a {target.kind} has no `{attribute}` to set; it has {known}")
    return target, attribute


def _args(change: Change) -> list[Arg]:
    """The value as the language's arguments, placed where the change is written."""
    args, col = [], change.span.col
    for word in change.value.split():
        kind = ArgKind.NUMBER if re.match(r"-?[0-9]", word) else ArgKind.WORD
        span = Span(change.span.file, change.span.line, col, change.span.line, col + len(word))
        args.append(Arg.at(kind, word, word, span))
        col += len(word) + 1
    return args or [Arg.at(ArgKind.WORD, "", "", change.span)]


def _read(change: Change, kind: str, attribute: str) -> Any:
    """The value of ``change`` read as the language reads that attribute."""
    sink = Sink()
    args = _args(change)
    value: Any
    if attribute == "shape" and len(args) == 1:
        value = read_distribution(sink, args[0])
    elif attribute == "variability":
        value = read_variability(sink, args if change.value.strip() else [], change.span)
    elif attribute == "arrivals":
        value = read_rate(sink, args)
    elif len(args) != 1:
        sink.error(
            codes.BAD_VALUE, change.span, f"expected one value for `{attribute}`, found `{change.value}`"
        )
        value = None
    elif attribute == "wip":
        value = read_count(sink, args[0], "wip")
    elif attribute in ("effort", "delay"):
        value = read_duration(sink, args[0])
    elif attribute == "chance":
        value = read_percent(sink, args[0], "chance")
    elif attribute == "cv":
        value = read_cv(sink, args[0])
    else:
        value = read_positive(sink, args[0], attribute)
    if value is None or sink.diagnostics:
        first = sink.diagnostics[0]
        hint = f" ({first.hint})" if first.hint else ""
        raise ScenarioError(f"{change.where}: {first.message}{hint}")
    return value


def apply(
    documents: Sequence[Document], changes: Sequence[Change]
) -> tuple[list[Document], Tuning, dict[str, str]]:
    """The documents with ``changes`` made, the plan's tuning, and each change as a label (key → value)."""
    targets = _targets(documents)
    model: dict[tuple[str, Span], Any] = {}  # (attribute, element's span) -> new value
    fte: dict[tuple[str, str], float] = {}
    shapes: dict[tuple[str, str, str], dict[str, Any]] = {}  # (kind, workflow, name) -> {family, cv}
    delay: dict[tuple[str, str, str], Duration] = {}
    labels: dict[str, str] = {}
    for change in changes:
        target, attribute = _find(change, targets)
        value = _read(change, target.kind, attribute)
        labels[change.key] = change.value
        if target.kind == "lane":
            fte[(target.workflow or "", target.name)] = float(value)
        elif attribute in ("variability", "shape", "cv"):
            parts = shapes.setdefault((target.kind, target.workflow or "", target.name), {})
            if isinstance(value, Variability):  # the whole shape: both parts
                parts.update(family=value.distribution, cv=value.cv, where=None)
            elif attribute == "shape":
                parts["family"] = value
            else:
                parts.update(cv=value, where=change)
        elif attribute == "delay":
            source, _, goal = target.name.partition("->")
            delay[(target.workflow or "", source, goal)] = value
        else:
            model[(attribute, target.span)] = value
    service: dict[tuple[str, str], Override] = {}
    arrival: dict[tuple[str, str], Override] = {}
    for (kind, flow, name), parts in shapes.items():
        family, cv, where = parts.get("family"), parts.get("cv"), parts.get("where")
        if family is not None and cv is not None and where is not None:
            _check_cv(family, cv, where)
        override = Override(family.value if family is not None else None, cv)
        (service if kind == "stage" else arrival)[(flow, name)] = override
    changed = [_changed(document, model) for document in documents] if model else list(documents)
    _check_chances(changed, [c for c in changes if c.key.endswith(".chance")])
    return changed, Tuning(fte=fte, service=service, arrival=arrival, delay=delay), labels


def _check_cv(family: Distribution, cv: float, change: Change) -> None:
    """Refuse a ``cv`` set beside a ``shape`` that cannot have it (a fixed time, an exponential one)."""
    sink = Sink()
    if not cv_fits(sink, family, cv, change.span):
        first = sink.diagnostics[0]
        raise ScenarioError(f"{change.where}: {first.message} ({first.hint})")


def _check_chances(documents: Sequence[Document], changes: Sequence[Change]) -> None:
    """Refuse chances that now add up past 100% out of one node (SYN006 in a spec)."""
    if not changes:
        return
    for document in documents:
        for flow in document.workflows:
            total: dict[str, float] = {}
            seen: set[str] = set()
            for handoff in flow.handoffs:
                if handoff.chance is None or (handoff.fork and handoff.fork in seen):
                    continue
                if handoff.fork:
                    seen.add(handoff.fork)
                total[handoff.source.name] = total.get(handoff.source.name, 0.0) + handoff.chance.fraction
            for source, given in total.items():
                if given > 1 + 1e-9:
                    raise ScenarioError(
                        f"{changes[0].where}: the chances out of `{source}` in `{flow.name}` now add up to "
                        f"{given * 100:.4g}%: lower another handoff's `chance` too"
                    )


def _changed(document: Document, model: Mapping[tuple[str, Span], Any]) -> Document:
    def edit(element: Any) -> Any:
        updates = {a: v for (a, span), v in model.items() if span == element.span and hasattr(element, a)}
        if isinstance(element, Person) and "capacity" in updates:
            updates = {"capacity": float(updates["capacity"])}
        return dataclasses.replace(element, **updates) if updates else element

    def workflow(flow: Workflow) -> Workflow:
        return dataclasses.replace(
            flow,
            people=tuple(map(edit, flow.people)),
            stages=tuple(map(edit, flow.stages)),
            intakes=tuple(map(edit, flow.intakes)),
            handoffs=tuple(map(edit, flow.handoffs)),
        )

    shared = dataclasses.replace(document.shared, people=tuple(map(edit, document.shared.people)))
    return dataclasses.replace(document, shared=shared, workflows=tuple(map(workflow, document.workflows)))
