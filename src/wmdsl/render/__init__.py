"""Renderers: pure functions from a checked model to the files people use.

Each renderer lives in a module of its own and is registered here by name,
with the module imported only when it is used (so ``wmdsl check`` never pays
for Graphviz or XML). A renderer takes a :class:`~wmdsl.model.Document` and
returns ``str`` (text formats) or ``bytes`` (binary formats); it knows nothing
of files or the CLI. Output must be byte-for-byte deterministic, and text
output is finished with :mod:`wmdsl.output.safe` (what a spec says must not act
on a terminal or a CI log, nor break XML).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from wmdsl.model import Document

RenderFunction = Callable[..., "str | bytes"]


@dataclass(frozen=True)
class Renderer:
    """A registered output format."""

    name: str
    extension: str
    target: str  # "module:function", imported on first use
    description: str
    draws_workflows: bool = True  # False: it lists declarations, so a file without workflows has an output
    draws_views: bool = False  # True: it takes a view and a theme (wmdsl.views)

    def load(self) -> RenderFunction:
        """The render function (imports its module)."""
        module_name, function_name = self.target.split(":")
        module = importlib.import_module(module_name)
        function: RenderFunction = getattr(module, function_name)
        return function


_ALL = [
    Renderer("dot", "dot", "wmdsl.render.dot:render_dot", "Graphviz source (lanes as clusters)"),
    Renderer(
        "svg", "svg", "wmdsl.views.render:render_svg", "SVG of a view (swimlane layout)", draws_views=True
    ),
    Renderer(
        "png", "png", "wmdsl.views.render:render_png", "PNG of a view (painted by Graphviz)", draws_views=True
    ),
    Renderer(
        "pdf", "pdf", "wmdsl.views.render:render_pdf", "PDF of a view (painted by Graphviz)", draws_views=True
    ),
    Renderer("mermaid", "mmd", "wmdsl.render.mermaid:render_mermaid", "Mermaid flowchart"),
    Renderer("bpmn", "bpmn", "wmdsl.render.bpmn:render_bpmn", "BPMN 2.0 XML with diagram layout"),
    Renderer("json", "json", "wmdsl.render.model_json:render_json", "the resolved model as JSON", False),
    Renderer("raci-md", "raci.md", "wmdsl.render.raci:render_raci_markdown", "RACI matrix (Markdown)", False),
    Renderer("raci-csv", "raci.csv", "wmdsl.render.raci:render_raci_csv", "RACI matrix (CSV)", False),
    Renderer("board", "board.json", "wmdsl.render.board:render_board", "board configuration (JSON)"),
]
RENDERERS: dict[str, Renderer] = {renderer.name: renderer for renderer in _ALL}


def render(document: Document, name: str, view: str = "flow", theme: str = "light") -> bytes:
    """Render ``document`` in format ``name`` as bytes (text is UTF-8).

    ``view`` and ``theme`` are for the formats that draw views (svg, png, pdf).
    """
    renderer = RENDERERS[name]
    output = renderer.load()(document, view, theme) if renderer.draws_views else renderer.load()(document)
    return output.encode("utf-8") if isinstance(output, str) else output


class RenderError(Exception):
    """A renderer cannot produce its output here (e.g. Graphviz is not installed)."""
