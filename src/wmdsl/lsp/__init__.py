"""The language server: ``wmdsl lsp`` speaks the Language Server Protocol on stdio.

Editors start it once and send every edit; it keeps each open file's
compilation in memory and answers with diagnostics, hovers, completions,
navigation, renames, code actions, outlines, highlighting and folding. It
checks with the same pipeline as ``wmdsl check`` (:func:`wmdsl.api.check_unsaved`),
on the editor's text of the open files.

This package imports pygls only in :mod:`wmdsl.lsp.server`; the rest (what
the server knows about a spec, and how it answers) is plain Python on the
model and the syntax tree.
"""

from __future__ import annotations


def serve() -> None:
    """Run the language server on standard input and output until the editor ends it."""
    from wmdsl.lsp.server import make_server

    make_server().start_io()
