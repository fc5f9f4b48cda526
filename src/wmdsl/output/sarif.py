"""SARIF 2.1.0, as GitHub code scanning accepts it.

The driver lists every code (rules and language errors) with help text and a
``helpUri``, its page on the documentation site (:mod:`wmdsl.links`); results
carry URIs relative to the top of the repository (``%SRCROOT%``), regions,
related locations and ``partialFingerprints`` that survive edits elsewhere in
the file (:mod:`wmdsl.diagnostics.fingerprints`: they hash the code, file,
message and the text of the line, not its number).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from wmdsl import __version__
from wmdsl.diagnostics import Severity, codes
from wmdsl.diagnostics.fingerprints import VERSION, fingerprints
from wmdsl.links import code_url, docs_url
from wmdsl.model.span import Span
from wmdsl.output.lines import SourceLines
from wmdsl.output.safe import for_json
from wmdsl.rules.registry import all_rules

if TYPE_CHECKING:
    from wmdsl.diagnostics.report import Report

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _uri(path: str) -> str:
    # A file name that is not UTF-8 holds lone surrogates: its own bytes, percent-encoded.
    return quote(path.replace("\\", "/"), safe="/", errors="surrogateescape")


def _location(span: Span, message: str | None = None, sources: SourceLines | None = None) -> dict[str, Any]:
    region: dict[str, Any] = {
        "startLine": span.line,
        "startColumn": span.col,
        "endLine": span.end_line,
        "endColumn": max(span.end_col, span.col + 1) if span.end_line == span.line else span.end_col,
    }
    snippet = sources.line(span.file, span.line) if sources is not None else None
    if snippet is not None:
        region["snippet"] = {"text": snippet}
    location: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": {"uri": _uri(span.file), "uriBaseId": "%SRCROOT%"},
            "region": region,
        }
    }
    if message is not None:
        location["message"] = {"text": message}
    return location


def _rule_descriptors(site: str) -> list[dict[str, Any]]:
    rationale = {rule.code.code: rule for rule in all_rules()}
    descriptors = []
    for entry in codes.all_codes():
        rule = rationale.get(entry.code)
        full = rule.rationale if rule else entry.summary
        markdown = f"**{entry.summary}**\n\n{full}\n\nSee {code_url(entry.code, site)}"
        descriptors.append(
            {
                "id": entry.code,
                "name": entry.name,
                "shortDescription": {"text": entry.summary},
                "fullDescription": {"text": full},
                "help": {"text": f"{entry.summary} {full}", "markdown": markdown},
                "helpUri": code_url(entry.code, site),
                "defaultConfiguration": {"level": LEVEL[entry.severity]},
                "properties": {"tags": [entry.family.title, entry.name], "precision": "very-high"},
            }
        )
    return descriptors


def sarif_document(report: Report) -> dict[str, Any]:
    """The report as a SARIF log (plain data).

    Code scanning resolves ``%SRCROOT%`` to the top of the checkout, so every
    file is named from the top of its repository (:mod:`wmdsl.project.places`),
    whatever folder the run was started in; so is each finding's fingerprint.
    """
    from wmdsl.project.places import relocated

    report = relocated(report)
    # Each code's page on the documentation site (the `docs-url` setting, WMDSL_DOCS_URL).
    site = report.docs_url or docs_url()
    descriptors = _rule_descriptors(site)
    index = {d["id"]: i for i, d in enumerate(descriptors)}
    sources = SourceLines(report.sources)
    prints = fingerprints(report.diagnostics, report.sources)
    results = []
    for diagnostic, fingerprint in zip(report.diagnostics, prints, strict=True):
        result: dict[str, Any] = {
            "ruleId": diagnostic.code,
            "ruleIndex": index[diagnostic.code],
            "level": LEVEL[diagnostic.severity],
            "message": {"text": diagnostic.message + (f" ({diagnostic.hint})" if diagnostic.hint else "")},
            "locations": [_location(diagnostic.span, None, sources)],
            "partialFingerprints": {VERSION: fingerprint},
        }
        if diagnostic.related:
            result["relatedLocations"] = [
                {"id": number, **_location(related.span, related.message)}
                for number, related in enumerate(diagnostic.related, start=1)
            ]
        results.append(result)
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "wmdsl",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": site,
                        "rules": descriptors,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def format_sarif(report: Report, color: bool = False) -> str:
    """The report as SARIF JSON text."""
    return for_json(json.dumps(sarif_document(report), indent=2, ensure_ascii=False)) + "\n"
