"""The onboarding handbook: a self-contained static site (HTML and Markdown) of a spec.

:func:`build_handbook` is pure: it returns ``{relative path: bytes}`` and the
caller writes the files. Every page exists twice, as ``.html`` (inline CSS,
nothing fetched from elsewhere, no script but the small inline one that zooms
its diagrams, readable on a phone) and ``.md``.

Layout for a document with one workflow (or none: then the shared lanes)::

    index.html / index.md          purpose, owner, diagrams, lanes, stages, intakes,
                                   exits, decisions, boards, metrics, cadences
    diagrams/<view>.svg            the home page's diagrams: flow, handoffs,
                                   value-stream, decisions
    lanes/<lane>.html / .md        one page per lane the workflow uses
    lanes/diagrams/<lane>.svg      the lane's view, on its page
    findings.html / .md            the check report, grouped by severity

With several workflows, each gets a folder named after it, and the top-level
index lists them::

    index.html / .md               every workflow
    <workflow>/index.html / .md    that workflow's home page
    <workflow>/diagrams/, <workflow>/lanes/diagrams/
    <workflow>/lanes/<lane>.html   its lanes (a shared lane has a page in each
                                   workflow that uses it, showing that workflow)
    findings.html / .md

The diagrams (:mod:`wmdsl.handbook.diagrams`) are views of the workflow drawn
by wmdsl's own layout, inlined in the HTML pages and written as SVG files
that the Markdown pages show.

File names are the declared names, which the language restricts to
``[a-z_][a-z0-9_]*``; anything else (and names Windows reserves, such as
``con``) is made safe, and clashes get a numeric suffix.

Pages are built once as blocks (:mod:`wmdsl.handbook.blocks`) and written by
two small writers rather than Jinja2 templates: the HTML and Markdown versions
stay the same page by construction, escaping lives in one place per format,
and no dependency is added.
"""

from __future__ import annotations

from wmdsl.handbook.site import build_handbook

__all__ = ["MARKER", "build_handbook"]

# The file that marks a folder as a handbook wmdsl wrote: `wmdsl docs` replaces
# such a folder as a whole, and refuses any other that is not empty.
MARKER = ".wmdsl-handbook"
