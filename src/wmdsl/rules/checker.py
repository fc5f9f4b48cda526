"""Running the rules on a document and applying ``allow`` suppressions."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from wmdsl.diagnostics import Diagnostic, Related, Severity, codes
from wmdsl.model import Allow, Document, Named, Workflow
from wmdsl.model.span import Span
from wmdsl.project.settings import Overrides, Settings, resolve
from wmdsl.rules.registry import (
    Options,
    ProjectContext,
    RuleContext,
    all_rules,
    element_key,
    project_codes,
    rule_for,
    workflow_key,
)

if TYPE_CHECKING:
    from wmdsl.flow.load import AllowEntry, LoadSheet

_COLLECTIONS = {
    "person": "people",
    "lane": "lanes",
    "work": "work",
    "intake": "intakes",
    "stage": "stages",
    "join": "joins",
    "exit": "exits",
    "decision": "decisions",
    "board": "boards",
    "metric": "metrics",
    "cadence": "cadences",
}


@dataclass(frozen=True, slots=True)
class _Placed:
    """An ``allow`` with the subject key of the element it is written on."""

    key: str
    allow: Allow
    # Allows on shared (top-level) declarations may exist for the files that
    # import them, so they are never reported as unused.
    shared: bool = False


def file_key(path: str) -> str:
    """The subject key of a whole file (what a top-level ``allow`` covers)."""
    return f"file:{path}"


def _allows(document: Document) -> Iterator[_Placed]:
    """Every ``allow`` in the document with the subject key it covers."""
    yield from (_Placed(file_key(a.span.file), a) for a in document.allows)
    for kind, collection in _COLLECTIONS.items():
        for element in getattr(document.shared, collection, ()):
            if element.allows:  # most have none: no key to build
                key = element_key(kind, element.name, None)
                yield from (_Placed(key, a, shared=True) for a in element.allows)
    for workflow in document.workflows:
        yield from _workflow_allows(workflow)


def _workflow_allows(workflow: Workflow) -> Iterator[_Placed]:
    yield from (_Placed(workflow_key(workflow), a) for a in workflow.allows)
    for kind, collection in _COLLECTIONS.items():
        element: Named
        for element in getattr(workflow, collection):
            if element.allows:
                key = element_key(kind, element.name, workflow)
                yield from (_Placed(key, a) for a in element.allows)
    forks: set[str] = set()
    for handoff in workflow.handoffs:
        if not handoff.allows:
            continue
        if handoff.fork is None:
            key = element_key("handoff", handoff.key, workflow)
        elif handoff.fork in forks:
            continue  # the same `allow`s, written once for every branch of the fork
        else:
            forks.add(handoff.fork)
            key = element_key("fork", handoff.fork, workflow)
        yield from (_Placed(key, a) for a in handoff.allows)


def run_rules(
    document: Document,
    settings: Settings | None = None,
    *,
    honour_allows: bool = True,
    context: RuleContext | None = None,
) -> list[Diagnostic]:
    """Every finding of the enabled rules of one file on ``document``, less what ``allow`` accepts.

    The rules of the whole project are left to :func:`run_project_rules`.
    ``context`` is the document's, when the caller reads it afterwards too.
    """
    settings = settings or resolve({}, Overrides(), None)
    context = context or RuleContext(document)
    findings: list[Diagnostic] = []
    for rule in all_rules():
        code = rule.code.code
        if code not in settings.enabled or rule.pooled is not None:
            continue
        severity = settings.severity.get(code, rule.code.severity)
        options = settings.options.get(code, rule.defaults())
        for finding in rule.check(context, options):
            findings.append(
                Diagnostic(
                    code,
                    severity,
                    finding.message,
                    finding.span,
                    finding.hint,
                    finding.related,
                    (*finding.subjects, file_key(finding.span.file)),
                )
            )
    if honour_allows:
        findings = _suppress(document, findings, settings)
    return _grouped(findings)


GROUP_LISTED = 6  # names a grouped finding lists before "and N more"
GROUP_RELATED = 12  # elements of a group shown as related locations: enough to find them, not a wall


def _grouped(findings: list[Diagnostic]) -> list[Diagnostic]:
    """Findings of a grouping rule that are about one workflow (or one file's shared declarations), told once.

    What ``allow`` accepted is gone by then, so a group holds only what is
    reported; a group of one is left as it is.
    """
    groups: dict[tuple[str, str], list[Diagnostic]] = {}
    order: list[Diagnostic | tuple[str, str]] = []
    for finding in findings:
        rule = rule_for(finding.code)
        if rule is None or rule.group is None:
            order.append(finding)
            continue
        scope = next((k for k in finding.subjects if k.startswith("workflow:") and "/" not in k), None)
        key = (finding.code, scope or finding.span.file)
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(finding)
    result: list[Diagnostic] = []
    for item in order:
        if isinstance(item, Diagnostic):
            result.append(item)
            continue
        found = groups[item]
        if len(found) == 1:
            result.extend(found)
            continue
        rule = rule_for(item[0])
        group = rule.group if rule is not None else None
        assert group is not None
        names = [_name(d) for d in found]
        listed = ", ".join(f"`{n}`" for n in names[:GROUP_LISTED])
        if len(names) > GROUP_LISTED:
            listed += f" and {len(names) - GROUP_LISTED} more"
        first = found[0]
        related = tuple(Related(d.span, d.message) for d in found[:GROUP_RELATED])
        result.append(
            replace(
                first,
                message=f"{len(found)} {group.what}: {listed}",
                hint=group.hint,
                related=related,
                subjects=tuple(dict.fromkeys(k for d in found for k in d.subjects)),
            )
        )
    return result


def _name(finding: Diagnostic) -> str:
    """The name of the element a finding is about, from its innermost subject (``…/stage:build``)."""
    return finding.subjects[0].rpartition(":")[2] if finding.subjects else "?"


def _suppress(document: Document, findings: list[Diagnostic], settings: Settings) -> list[Diagnostic]:
    placed = list(_allows(document))
    by_key: dict[tuple[str, str], list[_Placed]] = {}
    for entry in placed:
        by_key.setdefault((entry.key, entry.allow.code), []).append(entry)
    used: set[int] = set()
    kept: list[Diagnostic] = []
    for finding in findings:
        cover = next(
            (by_key[(k, finding.code)] for k in finding.subjects if (k, finding.code) in by_key),
            None,
        )
        if cover is None:
            kept.append(finding)
        else:
            used.update(id(entry) for entry in cover)
    if codes.UNUSED_ALLOW.code not in settings.enabled:
        return kept
    severity = settings.severity.get(codes.UNUSED_ALLOW.code, codes.UNUSED_ALLOW.severity)
    # An allow of a project rule is judged by run_project_rules, which sees its findings.
    project = project_codes()
    for entry in placed:
        judged = entry.allow.code in settings.enabled and not entry.shared and entry.allow.code not in project
        if judged and id(entry) not in used and entry.allow.span.file == document.file:
            kept.append(_unused(entry.allow, severity))
    return kept


def _unused(allow: Allow, severity: Severity) -> Diagnostic:
    return Diagnostic(
        codes.UNUSED_ALLOW.code,
        severity,
        f"`allow {allow.code}` suppresses nothing here",
        allow.span,
        "remove it, or move it to the element the finding is about",
    )


def run_project_rules(
    sheets: Iterable[LoadSheet],
    settings_of: Callable[[str], Settings],
    *,
    honour_allows: bool = True,
) -> list[Diagnostic]:
    """The findings of the rules of the whole project on the documents that gave ``sheets``.

    A finding is placed at a declaration and counts under the settings of the
    file that holds it (``settings_of`` its file as shown): whether its rule
    is enabled there, its severity, options and ``per-file-ignores``. An
    ``allow`` on the declaration, its workflow or its file accepts it; an
    allow of such a rule that accepts nothing is reported here, once.
    """

    by_file: dict[str, Settings] = {}

    def settings_at(file: str) -> Settings:
        # Looked up once per file: a project has many lanes and people per file.
        if file not in by_file:
            by_file[file] = settings_of(file)
        return by_file[file]

    def options_of(code: str, at: Span) -> Options | None:
        return settings_at(at.file).options.get(code)

    context = ProjectContext(sheets, options_of)
    rules = [rule for rule in all_rules() if rule.pooled is not None]
    if not rules:
        return []
    pool = context.pool()
    covering: dict[Span, tuple[AllowEntry, ...]] = {lane.lane.span: lane.lane.allows for lane in pool.lanes}
    covering.update((person.person.span, person.person.allows) for person in pool.people)
    used: set[Span] = set()
    kept: list[Diagnostic] = []
    for rule in rules:
        assert rule.pooled is not None
        code = rule.code.code
        for finding in rule.pooled(context, rule.defaults()):
            settings = settings_at(finding.span.file)
            if code not in settings.enabled or code in settings.ignored_in(Path(finding.span.file)):
                continue
            if honour_allows:
                cover = [a for a in covering.get(finding.span, ()) if a.code == code]
                if cover:
                    used.update(a.span for a in cover)
                    continue
            severity = settings.severity.get(code, rule.code.severity)
            kept.append(
                Diagnostic(code, severity, finding.message, finding.span, finding.hint, finding.related)
            )
    if honour_allows:
        kept.extend(_unused_project_allows(pool.allows, used, settings_at))
    return kept


def _unused_project_allows(
    allows: Iterable[AllowEntry], used: set[Span], settings_of: Callable[[str], Settings]
) -> Iterator[Diagnostic]:
    unused = codes.UNUSED_ALLOW.code
    for entry in allows:
        if not entry.judged or entry.span in used:
            continue
        settings = settings_of(entry.span.file)
        if unused not in settings.enabled or entry.code not in settings.enabled:
            continue
        if unused in settings.ignored_in(Path(entry.span.file)):
            continue
        severity = settings.severity.get(unused, codes.UNUSED_ALLOW.severity)
        yield _unused(Allow(span=entry.span, code=entry.code, reason=""), severity)
