"""Scoring: the specs compiled and checked with every rule, then each criterion judged on facts and findings.

The rules run with every rule selected, the default options and ``allow``
ignored, whatever the configuration files say: a score is a statement about
the design, and nothing written in the checked tree (a rule turned off, an
option raised, a finding accepted) may raise it. Only the limits of the
configuration apply, as they bound what is read.

A criterion's status is that of its facts (:mod:`wmdsl.score.facts`), capped
by the findings of the codes it lists: a criterion with a finding against it
is at most partial, and one that did not apply counts as missing. Fixing a
finding so never lowers a score. A component's score is the mean of its
criteria's points (present 1, partial ½, missing 0; not applicable left out),
times 100, rounded half up.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from wmdsl.diagnostics import Diagnostic, Severity, sorted_unique
from wmdsl.diagnostics.report import Report
from wmdsl.flow.load import LoadSheet
from wmdsl.model import Document, MetricLevel
from wmdsl.project.settings import Configurations, Overrides, Settings, resolve
from wmdsl.project.specs import find_specs
from wmdsl.resolve.compile import compile_file
from wmdsl.rules.checker import run_project_rules, run_rules
from wmdsl.rules.registry import RuleContext, load_sheet, workflow_key
from wmdsl.score import measures, stack  # noqa: F401  (they register their facts)
from wmdsl.score.criteria import COMPONENTS, CRITERIA, ComponentSpec, CriterionSpec
from wmdsl.score.facts import FACTS, Scope, where
from wmdsl.score.records import (
    Component,
    Criterion,
    Evidence,
    LevelledMetric,
    Pyramid,
    Scorecard,
    Scores,
    Status,
    Total,
)


@dataclass(frozen=True, slots=True)
class Checked:
    """The specs of a run, compiled and checked with every rule: each workflow with its findings."""

    report: Report
    scopes: tuple[tuple[Scope, tuple[Diagnostic, ...]], ...]
    refused: bool


def strict_settings() -> Settings:
    """Every rule, default options and severities: what scores are judged by."""
    return resolve({}, Overrides(select=("ALL",)), None)


def check(
    paths: Iterable[str | Path], *, root: str | Path | None = None, exclude: Sequence[str] = ()
) -> Checked:
    """Find the specs ``paths`` name as ``wmdsl check`` does, compile them, and run every rule.

    Refused when a spec has a language error (the report says which).
    """
    configs = Configurations()
    where_root = Path(root) if root is not None else None
    files, notes = find_specs(list(paths), exclude, where_root, None, configs)
    strict = strict_settings()
    errors: list[Diagnostic] = list(notes)
    sources: dict[str, str] = {}
    shown: list[str] = []
    contexts: list[tuple[RuleContext, list[Diagnostic]]] = []
    sheets: list[LoadSheet] = []
    for path in files:
        limits = configs.settings_for(path).limits
        compilation = compile_file(path, where_root, limits=limits)
        shown.append(compilation.path)
        sources.update(compilation.sources)
        errors += [d for d in compilation.diagnostics if d.severity is Severity.ERROR]
        if compilation.document is None:
            continue
        context = RuleContext(compilation.document)
        found = run_rules(compilation.document, strict, honour_allows=False, context=context)
        contexts.append((context, found))
        sheets.append(load_sheet(context))
    report = Report(shown, sorted_unique(errors), sources, Severity.ERROR)
    if errors or len(contexts) < len(files):
        return Checked(report, (), True)
    return Checked(report, _scopes(contexts, sheets, strict), False)


def _scopes(
    contexts: list[tuple[RuleContext, list[Diagnostic]]], sheets: list[LoadSheet], strict: Settings
) -> tuple[tuple[Scope, tuple[Diagnostic, ...]], ...]:
    pooled = run_project_rules(sheets, lambda _: strict, honour_allows=False) if sheets else []
    scopes = []
    for context, found in contexts:
        for workflow in context.workflows:
            scope = Scope(context, workflow)
            scopes.append((scope, tuple(_about(scope, [*found, *pooled]))))
    return tuple(scopes)


def of_documents(documents: Sequence[Document]) -> Scores:
    """The scores of models already compiled (as the handbook has them), every rule run on each."""
    strict = strict_settings()
    contexts = []
    sheets = []
    for document in documents:
        context = RuleContext(document)
        contexts.append((context, run_rules(document, strict, honour_allows=False, context=context)))
        sheets.append(load_sheet(context))
    report = Report([d.file for d in documents], [], {}, Severity.ERROR)
    return scores(Checked(report, _scopes(contexts, sheets, strict), False))


def _about(scope: Scope, findings: Iterable[Diagnostic]) -> list[Diagnostic]:
    """The findings about ``scope``'s workflow: named by its key, or placed at a declaration it uses."""
    key = workflow_key(scope.workflow)
    kept = []
    for finding in findings:
        if key in finding.subjects or (
            not any(s.startswith("workflow:") for s in finding.subjects)
            and finding.span.sort_key in scope.places
        ):
            kept.append(finding)
    return sorted_unique(kept)


def judge(spec: CriterionSpec, scope: Scope, findings: Sequence[Diagnostic]) -> Criterion:
    """One criterion for one workflow: its facts, capped by the findings against it."""
    facts = FACTS[spec.fact](scope, spec.empty)
    against = [f for f in findings if f.code in spec.lowered_by]
    status = facts.status
    if against and status is Status.PRESENT:
        status = Status.PARTIAL
    elif against and status is Status.NOT_APPLICABLE:
        status = Status.MISSING
    evidence = facts.evidence + tuple(
        Evidence(effect="lowers", text=f.message, where=where(f.span), code=f.code) for f in against
    )
    return Criterion(
        id=spec.id,
        question=spec.question,
        status=status,
        facts=facts.status,
        met=facts.met,
        of=facts.of,
        evidence=evidence,
    )


def score_of(criteria: Iterable[Criterion]) -> int | None:
    """100 × the mean points of ``criteria`` (those that apply), rounded half up; None if none applies."""
    points = [p for c in criteria if (p := c.status.points) is not None]
    if not points:
        return None
    return math.floor(100 * sum(points) / len(points) + 0.5)


def scorecard(scope: Scope, findings: Sequence[Diagnostic]) -> Scorecard:
    """The scorecard of one workflow."""
    components = []
    for spec in COMPONENTS:
        criteria = tuple(judge(c, scope, findings) for c in CRITERIA if c.component == spec.id)
        components.append(_component(spec, criteria))
    workflow = scope.workflow
    return Scorecard(
        workflow=workflow.name,
        title=workflow.title,
        file=workflow.span.file,
        where=where(workflow.span),
        components=tuple(components),
        stack=stack.rows(scope),
        pyramid=pyramid(scope),
    )


def _component(spec: ComponentSpec, criteria: tuple[Criterion, ...]) -> Component:
    return Component(
        id=spec.id, title=spec.title, framework=spec.framework, score=score_of(criteria), criteria=criteria
    )


def pyramid(scope: Scope) -> Pyramid:
    """The metrics of the workflow by level, and one phrase for their balance."""
    metrics = scope.workflow.metrics
    counts = {level: sum(m.level is level for m in metrics) for level in MetricLevel}
    activity, progress, outcome = (
        counts[MetricLevel.ACTIVITY],
        counts[MetricLevel.PROGRESS],
        counts[MetricLevel.OUTCOME],
    )
    unlevelled = sum(m.level is None for m in metrics)
    if not metrics:
        balance = "nothing measured"
    elif outcome and progress:
        balance = "balanced" if activity <= outcome + progress else "heavy on activity"
    elif outcome:
        balance = "no progress measure"
    elif activity and not progress and not unlevelled:
        balance = "activity only"
    else:
        balance = "no outcome"
    levelled = tuple(
        LevelledMetric(
            metric=m.name, title=m.title, level=m.level.value if m.level else None, where=where(m.span)
        )
        for m in metrics
    )
    return Pyramid(
        activity=activity,
        progress=progress,
        outcome=outcome,
        unlevelled=unlevelled,
        balance=balance,
        metrics=levelled,
    )


def totals(cards: Sequence[Scorecard]) -> tuple[Total, ...]:
    """The project's score of each component: the mean points of its criteria over every workflow."""
    found = []
    for spec in COMPONENTS:
        criteria = [
            c for card in cards for comp in card.components if comp.id == spec.id for c in comp.criteria
        ]
        found.append(Total(id=spec.id, title=spec.title, score=score_of(criteria)))
    return tuple(found)


def scores(checked: Checked) -> Scores:
    """Every workflow's scorecard, ordered by file and place, and the project's totals."""
    cards = [scorecard(scope, findings) for scope, findings in checked.scopes]
    cards.sort(key=lambda card: (card.file, _line(card.where), card.workflow))
    return Scores(project=totals(cards), workflows=tuple(cards))


def _line(place: str) -> int:
    return int(place.rsplit(":", 2)[1])
