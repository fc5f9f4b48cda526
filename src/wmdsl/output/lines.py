"""The lines of the checked sources, split once per file for every formatter.

A report can hold thousands of findings on one file; splitting the file's
text again for each of them made showing a report quadratic in its size.
"""

from __future__ import annotations

from collections.abc import Mapping


class SourceLines:
    """Source lines by file and 1-based line number, each file split on first use."""

    __slots__ = ("_sources", "_split")

    def __init__(self, sources: Mapping[str, str]) -> None:
        self._sources = sources
        self._split: dict[str, list[str]] = {}

    def of(self, file: str) -> list[str]:
        """Every line of ``file`` (none when its text is not at hand)."""
        lines = self._split.get(file)
        if lines is None:
            text = self._sources.get(file)
            lines = self._split[file] = text.splitlines() if text else []
        return lines

    def line(self, file: str, number: int) -> str | None:
        """Line ``number`` of ``file``, or None when there is no such line."""
        lines = self.of(file)
        return lines[number - 1] if 0 < number <= len(lines) else None


def source_lines(sources: SourceLines | Mapping[str, str]) -> SourceLines:
    """``sources`` as :class:`SourceLines` (already one, or a mapping of file to text)."""
    return sources if isinstance(sources, SourceLines) else SourceLines(sources)
