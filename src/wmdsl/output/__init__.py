"""Formatters: a :class:`~wmdsl.api.Report` in, text out."""

from __future__ import annotations

from wmdsl.output.json import format_json
from wmdsl.output.text import format_text

FORMATTERS = {"text": format_text, "json": format_json}

__all__ = ["FORMATTERS", "format_json", "format_text"]
