"""Formatters: a :class:`~wmdsl.diagnostics.report.Report` in, text out (one module per format).

The report quotes specs and names their files, which CI takes from pull
requests: each formatter finishes its text with :mod:`wmdsl.output.safe`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wmdsl.diagnostics.report import Report

Formatter = Callable[["Report", bool], str]


def _on_demand(name: str) -> Formatter:
    """``format_<name>`` from ``wmdsl.output.<name>``, imported on first use (a run
    prints one format; the XML and rich machinery of the others stay unloaded)."""

    def formatter(report: Report, color: bool) -> str:
        module = importlib.import_module(f"wmdsl.output.{name}")
        function: Formatter = getattr(module, f"format_{name}")
        return function(report, color)

    formatter.__name__ = f"format_{name}"
    return formatter


FORMATTERS: dict[str, Formatter] = {
    name: _on_demand(name) for name in ("text", "json", "sarif", "github", "gitlab", "junit")
}

__all__ = ["FORMATTERS", "Formatter"]
