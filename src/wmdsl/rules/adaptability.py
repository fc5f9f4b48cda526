"""Adaptability over Rigidity: decisions can escalate, the system reviews and changes itself."""

from __future__ import annotations
