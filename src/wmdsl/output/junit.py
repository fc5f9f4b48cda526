"""JUnit XML: one test suite per file, one failing test case per diagnostic.

Clean files get a single passing test case, so CI dashboards count them.
Built with ElementTree, so every message is escaped as XML.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import TYPE_CHECKING

from wmdsl.diagnostics import Diagnostic

if TYPE_CHECKING:
    from wmdsl.api import Report


def _clean(text: str) -> str:
    # XML 1.0 cannot hold most control characters, even escaped.
    return "".join(c if c in "\t\n\r" or ord(c) >= 0x20 else "\N{REPLACEMENT CHARACTER}" for c in text)


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
        suite = ET.SubElement(
            root,
            "testsuite",
            name=_clean(file),
            tests=str(max(len(found), 1)),
            failures=str(len(found)),
            errors="0",
        )
        if not found:
            ET.SubElement(suite, "testcase", name="wmdsl check", classname=_clean(file))
        for d in found:
            case = ET.SubElement(
                suite, "testcase", name=_clean(f"{d.code} {d.span.line}:{d.span.col}"), classname=_clean(file)
            )
            failure = ET.SubElement(case, "failure", message=_clean(d.message), type=d.severity.label)
            failure.text = _clean(
                f"{d.span}: {d.code} [{d.severity.label}] {d.message}"
                + (f"\nhint: {d.hint}" if d.hint else "")
            )
        total += max(len(found), 1)
        failures += len(found)
    root.set("tests", str(total))
    root.set("failures", str(failures))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
