"""JUnit XML: one test suite per file, one test case per diagnostic.

A test case fails only when its finding fails the run (it reaches the
report's fail level, ``--fail-on``): a warning under the default level is
reported in the case's ``<system-out>`` and the case passes, so the test
report agrees with the exit status. Clean files get a single passing test
case, so CI dashboards count them. Built with ElementTree, so every message is
escaped as XML; the document is then made safe by
:func:`wmdsl.output.safe.for_xml` (characters XML cannot carry, and text that
a CI log would run).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import TYPE_CHECKING

from wmdsl.diagnostics import Diagnostic
from wmdsl.output.safe import for_xml

if TYPE_CHECKING:
    from wmdsl.diagnostics.report import Report


def _said(d: Diagnostic) -> str:
    return f"{d.span}: {d.code} [{d.severity.label}] {d.message}" + (f"\nhint: {d.hint}" if d.hint else "")


def format_junit(report: Report, color: bool = False) -> str:
    """The report as a JUnit XML document."""
    by_file: dict[str, list[Diagnostic]] = defaultdict(list)
    for diagnostic in report.diagnostics:
        by_file[diagnostic.span.file].append(diagnostic)
    files = list(dict.fromkeys([*report.files, *by_file]))
    root = ET.Element("testsuites", name="wmdsl", tests="0", failures="0")
    total = failures = 0
    for file in files:
        found = by_file.get(file, [])
        failing = sum(1 for d in found if d.severity >= report.fail_on)
        suite = ET.SubElement(
            root,
            "testsuite",
            name=file,
            tests=str(max(len(found), 1)),
            failures=str(failing),
            errors="0",
        )
        if not found:
            ET.SubElement(suite, "testcase", name="wmdsl check", classname=file)
        for d in found:
            case = ET.SubElement(
                suite, "testcase", name=f"{d.code} {d.span.line}:{d.span.col}", classname=file
            )
            if d.severity >= report.fail_on:
                failure = ET.SubElement(case, "failure", message=d.message, type=d.severity.label)
                failure.text = _said(d)
            else:
                ET.SubElement(case, "system-out").text = _said(d)
        total += max(len(found), 1)
        failures += failing
    root.set("tests", str(total))
    root.set("failures", str(failures))
    ET.indent(root)
    return for_xml('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n")
