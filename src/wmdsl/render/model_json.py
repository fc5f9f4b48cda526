"""The resolved model as JSON (its schema: ``wmdsl schema``)."""

from __future__ import annotations

import json

from wmdsl.model import Document
from wmdsl.output.safe import for_json
from wmdsl.render import RenderError


def render_json(document: Document) -> str:
    """``document`` as indented JSON with sorted keys (stable across runs).

    Strict JSON: a model holding NaN or an infinity (which the resolver never
    produces: numbers have at most 15 digits) is refused, not written as the
    ``NaN``/``Infinity`` that JSON does not have.
    """
    data = document.model_dump(mode="json")
    try:
        text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False)
    except ValueError as error:
        raise RenderError(f"the model holds a number JSON cannot represent: {error}") from error
    return for_json(text) + "\n"
