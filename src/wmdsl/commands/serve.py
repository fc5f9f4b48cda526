"""``wmdsl serve``: the live preview in a browser (docs/views.md, "Live preview")."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from wmdsl.commands.shared import EXCLUDE, ROOT, ConfigFailure, say


@click.command("serve")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    show_default=True,
    help="Port to listen on; 0 picks a free one (the address is printed).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Loopback address to listen on: 127.0.0.1, ::1 or localhost (no other is accepted).",
)
@click.option(
    "--open/--no-open",
    "open_browser",
    default=None,
    help="Open the page in a browser (default: when run from a terminal).",
)
@EXCLUDE
@ROOT
def serve(
    paths: tuple[Path, ...],
    port: int,
    host: str,
    open_browser: bool | None,
    exclude: tuple[str, ...],
    root: Path | None,
) -> None:
    """Show PATHS (.wm files or folders, as for `check`) live in a browser.

    The page shows the diagram (pan and zoom; a view switcher), the findings
    (click one to see its element in the diagram; each links to the place in
    the editor) and the flow analysis. It follows the files: within a second
    of a change to a spec, an import or the configuration, it shows the new
    state; while a spec does not compile it keeps the last good picture under
    a banner of the errors. It listens on the loopback interface only and
    serves nothing but its own page. Ctrl-C stops it (exit 0).
    """
    from wmdsl import api
    from wmdsl.serve.server import NotLoopback, PreviewServer, loopback, title_of
    from wmdsl.serve.state import Preview

    try:
        loopback(host)
    except NotLoopback as error:
        raise click.BadParameter(str(error), param_hint="--host") from error
    try:
        api.discover(list(paths), exclude)  # a name that leads nowhere is a usage error, as for `check`
    except api.UsageError as error:
        raise click.UsageError(str(error)) from error
    except api.ConfigError as error:
        raise ConfigFailure(str(error)) from error
    preview = Preview(paths, root=root, exclude=exclude)
    preview.refresh()
    try:
        server = PreviewServer(preview, host=host, port=port, title=title_of(list(paths)))
    except OSError as error:
        raise ConfigFailure(f"cannot listen on {host}:{port}: {error.strerror or error}") from error
    url = server.url
    click.echo(f"wmdsl serve: {url}  (Ctrl-C to stop)")
    sys.stdout.flush()
    if open_browser if open_browser is not None else sys.stdin.isatty() and sys.stdout.isatty():
        import webbrowser

        if not webbrowser.open(url):
            say("note: no browser could be opened; open the address above")
    server.watch()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    click.echo("wmdsl serve: stopped", err=True)
