"""Running the rules on a document and applying ``allow`` suppressions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from wmdsl.diagnostics import Diagnostic, Severity, codes
from wmdsl.model import Allow, Document, Named, Workflow
from wmdsl.project.settings import Overrides, Settings, resolve
from wmdsl.rules.registry import RuleContext, all_rules, element_key, workflow_key

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
    document: Document, settings: Settings | None = None, *, honour_allows: bool = True
) -> list[Diagnostic]:
    """Every finding of the enabled rules on ``document``, less what ``allow`` accepts."""
    settings = settings or resolve({}, Overrides(), None)
    context = RuleContext(document)
    findings: list[Diagnostic] = []
    for rule in all_rules():
        code = rule.code.code
        if code not in settings.enabled:
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
    if not honour_allows:
        return findings
    return _suppress(document, findings, settings)


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
    for entry in placed:
        judged = entry.allow.code in settings.enabled and not entry.shared
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
