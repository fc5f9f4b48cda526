"""Visibility over Assumption: work, limits and outcomes are visible to the people who need them."""

from __future__ import annotations
