"""Progress over Perfection: paths are short enough to meet their promises."""

from __future__ import annotations
