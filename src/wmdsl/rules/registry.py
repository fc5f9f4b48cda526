"""Rules register themselves once, with everything said about them.

A rule is a pure function of a :class:`RuleContext` that yields
:class:`Finding`\\ s. Its code — kebab-case name, principle, default severity
and summary — is a row of the static table in :mod:`wmdsl.diagnostics.codes`;
the ``@rule`` decorator beside the function names that row and adds what
belongs to the check (rationale, options, examples, preset), and everything
else (listings, docs, SARIF rules) reads it from :func:`all_rules`.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from wmdsl.diagnostics import Related
from wmdsl.diagnostics.codes import Code, Family
from wmdsl.flow.capacity import Allocation, allocations, lane_fte
from wmdsl.flow.graph import FlowGraph, build_graph
from wmdsl.model import Decision, Document, Handoff, Intake, Lane, Named, Person, Stage, Workflow
from wmdsl.model.span import Span

if TYPE_CHECKING:
    from wmdsl.flow.load import LoadSheet, Pool
    from wmdsl.flow.results import WorkflowAnalysis
    from wmdsl.simulate.summary import WorkflowResult


@dataclass(frozen=True, slots=True)
class Finding:
    """What a rule found: where, what, what to do, and which elements it is about."""

    span: Span
    message: str
    hint: str | None = None
    subjects: tuple[str, ...] = ()
    related: tuple[Related, ...] = ()


Options = Mapping[str, Any]
Check = Callable[["RuleContext", Options], Iterable[Finding]]
ProjectCheck = Callable[["ProjectContext", Options], Iterable[Finding]]
Fix = tuple[tuple[str, str], ...]  # (old, new) replacements, each made once
OptionValue = int | float | str | bool


@dataclass(frozen=True, slots=True)
class Option:
    """A rule option: its name, type, default and what it changes."""

    name: str
    kind: type[int] | type[float] | type[str] | type[bool]
    default: OptionValue
    help: str

    def accepts(self, value: object) -> bool:
        """True when ``value`` (from a configuration file) has this option's type."""
        if self.kind is float:
            return isinstance(value, int | float) and not isinstance(value, bool)
        if self.kind is int:
            return isinstance(value, int) and not isinstance(value, bool)
        return isinstance(value, self.kind)


@dataclass(frozen=True, slots=True)
class Group:
    """How a rule's findings that share one cause are reported together.

    When a rule finds the same thing about several elements of one workflow
    (stages without a definition of done, decisions without an escalation),
    the report says it once: ``what`` follows a count and the names (``5
    stages have no definition of done: …``), ``hint`` says what to do for
    each, and every element is a related location with its own message.
    """

    what: str
    hint: str


@dataclass(frozen=True)  # not slotted: the cached properties keep their values in __dict__
class Rule:
    """A registered rule: its code, its check, and everything said about it.

    ``bad`` is a complete spec the rule must flag and ``good`` the same spec
    fixed, made from ``bad`` by the replacements of ``fix``; the documentation
    shows both and the tests run both. The examples and the ``rationale`` are
    kept as written in ``@rule`` and cleaned up when first read: only
    documentation and listings read them, so a check need not load
    ``textwrap`` or clean up the texts of every rule at start-up.
    """

    code: Code
    check: Check = field(repr=False)
    options: tuple[Option, ...]
    recommended: bool
    written: tuple[str, str]  # rationale and bad, as given
    fix: Fix = field(repr=False)
    # The check of a rule of the whole project (see project_rule); ``check``
    # then runs it on the one document of a RuleContext.
    pooled: ProjectCheck | None = field(default=None, repr=False)
    # How several findings of the rule in one workflow are told as one (see Group).
    group: Group | None = field(default=None, repr=False)

    @functools.cached_property
    def rationale(self) -> str:
        """Why the rule exists, in prose (its text cleaned up as a docstring is)."""
        return inspect.cleandoc(self.written[0])

    @functools.cached_property
    def bad(self) -> str:
        """A complete spec the rule flags."""
        return _example(self.written[1])

    @functools.cached_property
    def good(self) -> str:
        """The same spec fixed (``bad`` with ``fix`` applied): the rule does not flag it."""
        return fixed(self.bad, self.fix)

    @property
    def principle(self) -> Family:
        """The principle this rule is grounded in."""
        return self.code.family

    def defaults(self) -> dict[str, OptionValue]:
        """The rule's options with their default values."""
        return {option.name: option.default for option in self.options}


_RULES: dict[str, Rule] = {}


def rule(
    code: Code,
    rationale: str,
    *,
    options: tuple[Option, ...] = (),
    bad: str = "",
    fix: Fix = (),
    recommended: bool = True,
    group: Group | None = None,
) -> Callable[[Check], Check]:
    """Register the decorated function as the check for ``code``.

    ``bad`` is an example spec the rule flags and ``fix`` the ``(old, new)``
    replacements that make it one the rule does not flag, so the example is
    written once and the docs show what the fix changes.
    ``recommended=False`` keeps a rule out of the default preset (it still
    runs under ``strict`` or when selected). With ``group``, the findings of
    the rule in one workflow are reported as one (see :class:`Group`).
    """

    def register(check: Check) -> Check:
        if code.code in _RULES:
            raise ValueError(f"two rules check {code.code} ({code.name})")
        _RULES[code.code] = Rule(code, check, options, recommended, (rationale, bad), fix, group=group)
        return check

    return register


def project_rule(
    code: Code,
    rationale: str,
    *,
    options: tuple[Option, ...] = (),
    bad: str = "",
    fix: Fix = (),
    recommended: bool = True,
) -> Callable[[ProjectCheck], ProjectCheck]:
    """Register the decorated function as the check for ``code``, run once over the whole project.

    Such a rule reads a :class:`ProjectContext`: what every document of a
    run asks of the people and lanes they share. A check runs it once after
    the rules of each file, on every document it compiled (a single file is a
    project of one); its findings are placed at declarations, so each is
    reported once however many files import what it is about.
    """

    def register(check: ProjectCheck) -> ProjectCheck:
        if code.code in _RULES:
            raise ValueError(f"two rules check {code.code} ({code.name})")

        def alone(ctx: RuleContext, options: Options) -> Iterable[Finding]:
            return check(ProjectContext([load_sheet(ctx)]), options)

        _RULES[code.code] = Rule(code, alone, options, recommended, (rationale, bad), fix, check)
        return check

    return register


def _example(text: str) -> str:
    import textwrap  # here: a check never reads the examples

    return textwrap.dedent(text).strip("\n")


def fixed(text: str, fix: Fix) -> str:
    """``text`` with each ``(old, new)`` replacement of ``fix`` made in turn.

    Each ``old`` must occur exactly once in the text it is applied to: a
    replacement that matched nothing or several places would silently make a
    good example that is not the fix it claims to be.
    """
    for old, new in fix:
        found = text.count(old)
        if found != 1:
            raise ValueError(f"the fix {old!r} -> {new!r} applies {found} times, not once")
        text = text.replace(old, new)
    return text


def all_rules() -> list[Rule]:
    """Every rule, sorted by code."""
    import wmdsl.rules  # noqa: F401  (registers the rule modules)

    return [_RULES[code] for code in sorted(_RULES)]


def rule_for(code: str) -> Rule | None:
    """The rule that reports ``code`` (None for the codes of the language)."""
    all_rules()
    return _RULES.get(code)


def project_codes() -> frozenset[str]:
    """The codes of the rules of the whole project (registered with :func:`project_rule`)."""
    return frozenset(rule.code.code for rule in all_rules() if rule.pooled is not None)


def workflow_key(workflow: Workflow) -> str:
    """The subject key of a workflow."""
    return f"workflow:{workflow.name}"


def element_key(kind: str, name: str, workflow: Workflow | None) -> str:
    """The subject key of an element, inside a workflow or shared."""
    own = f"{kind}:{name}"
    return f"{workflow_key(workflow)}/{own}" if workflow is not None else own


def subjects(kind: str, element: Named | None, workflow: Workflow | None) -> tuple[str, ...]:
    """Subject keys of an element, innermost first (element, then its workflow)."""
    keys: list[str] = []
    if element is not None:
        keys.append(element_key(kind, element.name, workflow))
        if workflow is not None:  # the element may be a shared declaration
            keys.append(element_key(kind, element.name, None))
    if workflow is not None:
        keys.append(workflow_key(workflow))
    return tuple(keys)


def handoff_keys(workflow: Workflow, handoff: Handoff) -> tuple[str, ...]:
    """The subject keys of a handoff, innermost first: the handoff, then the fork it is a branch of.

    A fork's branches share the block they were written with: an ``allow``
    there is placed once, on the fork (see :mod:`wmdsl.rules.checker`), and
    covers findings about any of its branches.
    """
    own = element_key("handoff", handoff.key, workflow)
    return (own, element_key("fork", handoff.fork, workflow)) if handoff.fork is not None else (own,)


def handoff_finding(workflow: Workflow, handoff: Handoff, message: str, hint: str) -> Finding:
    """A finding about a handoff (``allow`` in its block, or the workflow's, covers it)."""
    keys = (*handoff_keys(workflow, handoff), workflow_key(workflow))
    return Finding(handoff.span, message, hint, keys)


class RuleContext:
    """What a rule may read: the document, each workflow's graph and analysis, and lookups.

    One context is made per document check, so what it computes once is
    shared by the rules of that check and goes away with it.
    """

    def __init__(self, document: Document, *, simulate: bool = False) -> None:
        self.document = document
        self.simulate = simulate  # `check --simulate`: the flow rules that can read a simulation do
        self._simulation: dict[str, WorkflowResult] | None = None
        self._graphs: dict[int, FlowGraph] = {}
        self._analyses: dict[int, WorkflowAnalysis] = {}
        self._lanes: dict[int, dict[str, Lane]] = {}
        self._people: dict[int, dict[str, Person]] = {}
        self._allocations: list[Allocation] | None = None
        self._lane_fte: dict[str, float] | None = None

    @property
    def workflows(self) -> tuple[Workflow, ...]:
        """The workflows of the document."""
        return self.document.workflows

    def graph(self, workflow: Workflow) -> FlowGraph:
        """The flow graph of ``workflow``, built once."""
        if id(workflow) not in self._graphs:
            self._graphs[id(workflow)] = build_graph(workflow)
        return self._graphs[id(workflow)]

    def analysis(self, workflow: Workflow) -> WorkflowAnalysis:
        """The flow analysis of ``workflow`` (traffic equations, utilisation, waits), computed once."""
        if id(workflow) not in self._analyses:
            # Imported on first use: importing the registry (as settings and
            # listings do) does not load the queueing model.
            from wmdsl.flow.analysis import analyze_workflow

            self._analyses[id(workflow)] = analyze_workflow(
                workflow, self.document, flow=self.graph(workflow), fte=self.lane_fte()
            )
        return self._analyses[id(workflow)]

    def simulated(self, workflow: Workflow) -> WorkflowResult | None:
        """The simulation's figures of ``workflow`` under ``check --simulate`` (run once per document).

        ``None`` without ``--simulate``. The run is that of ``wmdsl simulate``
        with its defaults (seed 1, 10 replications of 52 weeks), in this
        process: a check may already be one of several worker processes.
        """
        if not self.simulate:
            return None
        if self._simulation is None:
            # Imported on first use: SimPy comes with the `simulate` extra.
            from wmdsl.simulate import simulate
            from wmdsl.simulate.runner import Settings

            result = simulate([self.document], Settings(jobs=1))
            self._simulation = {flow.name: flow for flow in result.workflows}
        return self._simulation.get(workflow.name)

    def allocations(self) -> list[Allocation]:
        """Every member of every lane with the share and FTE they give it, computed once."""
        if self._allocations is None:
            self._allocations = allocations(self.document)
        return self._allocations

    def lane_fte(self) -> dict[str, float]:
        """The full-time equivalents of each lane, by name, computed once."""
        if self._lane_fte is None:
            self._lane_fte = lane_fte(self.document, self.allocations())
        return self._lane_fte

    def lanes(self) -> Iterator[tuple[Workflow | None, Lane]]:
        """Every lane: shared ones first, then each workflow's own."""
        yield from ((None, lane) for lane in self.document.shared.lanes)
        for workflow in self.workflows:
            yield from ((workflow, lane) for lane in workflow.lanes)

    def decisions(self) -> Iterator[tuple[Workflow | None, Decision]]:
        """Every decision: shared ones first, then each workflow's own."""
        yield from ((None, d) for d in self.document.shared.decisions)
        for workflow in self.workflows:
            yield from ((workflow, d) for d in workflow.decisions)

    def stages(self) -> Iterator[tuple[Workflow, Stage]]:
        """Every stage with its workflow."""
        for workflow in self.workflows:
            yield from ((workflow, stage) for stage in workflow.stages)

    def intakes(self) -> Iterator[tuple[Workflow, Intake]]:
        """Every intake with its workflow."""
        for workflow in self.workflows:
            yield from ((workflow, intake) for intake in workflow.intakes)

    def someone(
        self, workflow: Workflow | None, *, prefer: Iterable[str] = (), besides: Iterable[str] = ()
    ) -> str:
        """A person to name in a hint, so that it can be applied as written.

        The first of ``prefer`` that is a person in scope, else the workflow's
        owner, else the first person declared in scope, never one of
        ``besides``; ``@someone`` only when there is nobody else.
        """
        people = self.people_table(workflow)
        skipped = set(besides)
        owner = [workflow.owner.name] if workflow is not None and workflow.owner is not None else []
        for handle in [*prefer, *owner, *people]:
            if handle in people and handle not in skipped:
                return handle
        return "@someone"

    def people_table(self, workflow: Workflow | None) -> dict[str, Person]:
        """The people a reference in ``workflow`` (or at the top level) can name, by handle."""
        if id(workflow) not in self._people:
            table = {person.name: person for person in self.document.shared.people}
            if workflow is not None:
                table.update((person.name, person) for person in workflow.people)
            self._people[id(workflow)] = table
        return self._people[id(workflow)]

    def lane_table(self, workflow: Workflow) -> dict[str, Lane]:
        """Lanes visible in ``workflow`` by name (its own and shared ones)."""
        if id(workflow) not in self._lanes:
            table = {lane.name: lane for lane in self.document.shared.lanes}
            table.update((lane.name, lane) for lane in workflow.lanes)
            self._lanes[id(workflow)] = table
        return self._lanes[id(workflow)]


def load_sheet(ctx: RuleContext) -> LoadSheet:
    """What the document of ``ctx`` adds to its project's load, from the analyses ``ctx`` made."""
    from wmdsl.flow.load import sheet  # on first use, as the analysis is

    return sheet(ctx.document, ctx.analysis, project_codes())


class ProjectContext:
    """What a rule of the whole project may read: the load of every checked document, pooled.

    ``options_of(code, span)`` gives the options of rule ``code`` that apply
    at ``span`` (those of the file it is in); without it, the defaults.
    """

    def __init__(
        self,
        sheets: Iterable[LoadSheet],
        options_of: Callable[[str, Span], Options | None] | None = None,
    ) -> None:
        self._sheets = list(sheets)
        self._pool: Pool | None = None
        self._options_of = options_of

    def pool(self) -> Pool:
        """Every lane and person of the project with the work asked of them, computed once."""
        if self._pool is None:
            from wmdsl.flow.load import pool

            self._pool = pool(self._sheets)
        return self._pool

    def options(self, code: Code, at: Span) -> Options:
        """The options of the rule of ``code`` in the file of ``at``."""
        found = self._options_of(code.code, at) if self._options_of is not None else None
        return found if found is not None else _RULES[code.code].defaults()
