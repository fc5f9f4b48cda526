"""Formatters: a :class:`~wmdsl.api.Report` in, text out (one module per format)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from wmdsl.output.github import format_github
from wmdsl.output.json import format_json
from wmdsl.output.junit import format_junit
from wmdsl.output.sarif import format_sarif
from wmdsl.output.text import format_text

if TYPE_CHECKING:
    from wmdsl.api import Report

Formatter = Callable[["Report", bool], str]
FORMATTERS: dict[str, Formatter] = {
    "text": format_text,
    "json": format_json,
    "sarif": format_sarif,
    "github": format_github,
    "junit": format_junit,
}

__all__ = ["FORMATTERS", "Formatter"]
