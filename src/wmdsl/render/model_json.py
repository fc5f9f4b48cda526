"""The resolved model as JSON (its schema: ``wmdsl schema``)."""

from __future__ import annotations

import json

from wmdsl.model import Document


def render_json(document: Document) -> str:
    """``document`` as indented JSON with sorted keys (stable across runs)."""
    data = document.model_dump(mode="json")
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
