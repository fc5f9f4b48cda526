"""Humanity over Tools: people are not overloaded, single points of failure or replaced by tools."""

from __future__ import annotations
