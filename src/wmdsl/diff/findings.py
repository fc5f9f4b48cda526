"""Findings introduced and fixed.

Findings are matched by their fingerprints (:mod:`wmdsl.diagnostics.fingerprints`),
which lines moved up or down do not change. Those left are matched once more
by code, file and message, the message's names renamed as the design was:
that is a finding whose line was reformatted, or whose element was renamed.
What is left on the new side is introduced, on the old side fixed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping

from wmdsl.diagnostics import Diagnostic
from wmdsl.diff.elements import Renames
from wmdsl.diff.records import Finding
from wmdsl.diff.sides import Side

_NAMED = re.compile(r"`([^`\n]*)`")


def _workflow(diagnostic: Diagnostic) -> str | None:
    """The workflow a finding is about, from its subjects (``workflow:NAME/...``)."""
    for subject in diagnostic.subjects:
        if subject.startswith("workflow:"):
            return subject.removeprefix("workflow:").split("/", 1)[0]
    return None


def _finding(diagnostic: Diagnostic, fingerprint: str) -> Finding:
    return Finding(
        code=diagnostic.code,
        severity=diagnostic.severity,
        message=diagnostic.message,
        where=str(diagnostic.span),
        fingerprint=fingerprint,
    )


def _renamed(message: str, names: Mapping[str, str]) -> str:
    """``message`` with the names it quotes renamed."""
    return _NAMED.sub(lambda m: f"`{names.get(m.group(1), m.group(1))}`", message)


def _subject(diagnostic: Diagnostic, found: Renames | None) -> str | None:
    """The element a finding is about (its first subject), renamed; None for a file's."""
    if not diagnostic.subjects or diagnostic.subjects[0].startswith("file:"):
        return None
    parts = [part.partition(":") for part in diagnostic.subjects[0].split("/")]
    if found is None:
        return "/".join(f"{kind}:{name}" for kind, _, name in parts)
    workflow = next((name for kind, _, name in parts if kind == "workflow"), None)
    names = found.names(found.matched.get(workflow) if workflow is not None else None)

    def renamed(kind: str, name: str) -> str:
        return found.matched.get(name, name) if kind == "workflow" else names.get(name, name)

    return "/".join(f"{kind}:{renamed(kind, name)}" for kind, _, name in parts)


Keyed = Callable[[Diagnostic, "Renames | None"], Hashable]


def _same_text(diagnostic: Diagnostic, found: Renames | None) -> Hashable:
    if found is None:
        return (diagnostic.code, diagnostic.span.file, diagnostic.message)
    workflow = _workflow(diagnostic)
    names = found.names(found.matched.get(workflow) if workflow is not None else None)
    return (diagnostic.code, diagnostic.span.file, _renamed(diagnostic.message, names))


def _same_subject(diagnostic: Diagnostic, found: Renames | None) -> Hashable:
    subject = _subject(diagnostic, found)
    return None if subject is None else (diagnostic.code, diagnostic.span.file, subject)


Pending = list[tuple[Diagnostic, str]]


def _pair(old: Pending, new: Pending, keyed: Keyed, found: Renames) -> tuple[Pending, Pending]:
    """``old`` and ``new`` without the findings ``keyed`` pairs (in order; a key of None pairs none)."""
    waiting: dict[Hashable, list[int]] = defaultdict(list)
    for number, (diagnostic, _) in enumerate(new):
        key = keyed(diagnostic, None)
        if key is not None:
            waiting[key].append(number)
    matched: set[int] = set()
    left = []
    for diagnostic, fingerprint in old:
        key = keyed(diagnostic, found)
        same = waiting.get(key) if key is not None else None
        if same:
            matched.add(same.pop(0))
        else:
            left.append((diagnostic, fingerprint))
    return left, [pair for number, pair in enumerate(new) if number not in matched]


def findings(old: Side, new: Side, found: Renames) -> tuple[list[Finding], list[Finding]]:
    """The findings ``new`` introduces and those it fixes, each in report order.

    Matched first by fingerprint; then by code, file and message (names
    renamed): a line reformatted, an element renamed; then by code, file and
    the element they are about: a finding whose figures changed (a stage
    120% busy that is now 140% busy is the same finding).
    """
    old_prints, new_prints = old.fingerprints(), new.fingerprints()
    in_old, in_new = set(old_prints), set(new_prints)
    left_old = [(d, p) for d, p in zip(old.diagnostics, old_prints, strict=True) if p not in in_new]
    left_new = [(d, p) for d, p in zip(new.diagnostics, new_prints, strict=True) if p not in in_old]
    for keyed in (_same_text, _same_subject):
        left_old, left_new = _pair(left_old, left_new, keyed, found)
    return [_finding(d, p) for d, p in left_new], [_finding(d, p) for d, p in left_old]
