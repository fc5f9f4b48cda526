"""The command editors start: ``wmdsl lsp``, the language server."""

from __future__ import annotations

import click


@click.command("lsp")
@click.option(
    "--stdio", is_flag=True, help="Speak on standard input and output (the default and only transport)."
)
def lsp(stdio: bool) -> None:
    """Run the language server on standard input and output (editors start it; see docs/editors.md)."""
    try:
        from wmdsl.lsp import serve
        from wmdsl.lsp import server as _server  # noqa: F401  (loads pygls: a missing install is said here)
    except ImportError as error:
        raise click.ClickException(
            f"the language server needs pygls, which is not installed ({error}); install wmdsl again with pip"
        ) from error
    serve()
