"""Fingerprints of findings: the same finding gets the same fingerprint after unrelated edits.

A fingerprint hashes what a finding *is* (its code, its file, its message and
the text of the line it points at, stripped of indentation), never where the
line is: lines inserted or deleted above it leave it unchanged. Two findings
with the same basis in one report (the same message on two identical lines)
are told apart by a count, in report order: ``<digest>:1``, ``<digest>:2``.

SARIF publishes them as ``partialFingerprints["wmdsl/v1"]``, which is how
GitHub code scanning tracks an alert from one commit to the next; ``wmdsl
diff`` matches findings of two versions with them, and a baseline can record
them. The value must never change for the same input: code scanning would
open every alert again.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence

from wmdsl.diagnostics import Diagnostic

VERSION = "wmdsl/v1"  # the key SARIF files them under; a new basis would need a new one


def digest(diagnostic: Diagnostic, line: str | None) -> str:
    """The 32-hex-digit hash of one finding, given the text of the line it points at (None: unknown).

    This is the fingerprint without its count: equal for every finding of
    the same code, file and message on a line of the same text.
    """
    basis = "\0".join([diagnostic.code, diagnostic.span.file, diagnostic.message, (line or "").strip()])
    return hashlib.sha256(basis.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def fingerprints(diagnostics: Sequence[Diagnostic], sources: Mapping[str, str]) -> list[str]:
    """The fingerprint of each of ``diagnostics``, in order: ``<digest>:<n>``.

    ``sources`` maps each file name (as the diagnostics' spans give it) to
    its text, as :attr:`wmdsl.diagnostics.report.Report.sources` does; a
    finding whose file is not there is hashed with an empty line. ``n``
    counts the findings with the same digest up to this one, so the
    fingerprints of one report are distinct and do not depend on line numbers.
    """
    split: dict[str, list[str]] = {}
    seen: Counter[str] = Counter()
    found = []
    for diagnostic in diagnostics:
        span = diagnostic.span
        lines = split.get(span.file)
        if lines is None:
            text = sources.get(span.file)
            lines = split[span.file] = text.splitlines() if text else []
        line = lines[span.line - 1] if 0 < span.line <= len(lines) else None
        hashed = digest(diagnostic, line)
        seen[hashed] += 1
        found.append(f"{hashed}:{seen[hashed]}")
    return found
