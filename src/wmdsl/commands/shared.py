"""What several commands use: the usage exit status, setup failures, colour and safe output."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from wmdsl.project import files

EXIT_USAGE = 2

# The options of every command that finds specs as `check` does.
EXCLUDE = click.option(
    "--exclude",
    multiple=True,
    metavar="GLOB",
    help="Skip files found in folders whose path, or a folder on the way, matches GLOB "
    "(repeatable; added to the configuration's `exclude`).",
)
ROOT = click.option(
    "--root",
    type=click.Path(path_type=Path, file_okay=False),
    help="Project root that imports must stay inside (default: found upward).",
)


class ConfigFailure(click.ClickException):
    """A problem with the setup (configuration, missing tool): ``Error: …``, exit status 2."""

    exit_code = EXIT_USAGE

    def format_message(self) -> str:
        return self.message


def use_color(no_color: bool) -> bool:
    if no_color or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def refuse_overwriting(output: Path, inputs: list[Path]) -> None:
    """A usage error when writing ``output`` would replace a spec or another file the run read."""
    clash = files.overwritten_input(output, inputs)
    if clash is not None:
        what = "a spec" if clash.suffix == ".wm" else "a file this run read"
        if os.path.normpath(clash) != os.path.normpath(output):
            what += f" ({clash})"
        raise click.UsageError(f"refusing to write over {output}: it is {what}; choose another output file")


def say(message: str) -> None:
    """Print ``message`` on standard error; it may name files or quote a configuration."""
    from wmdsl.output.safe import for_terminal

    click.echo(for_terminal(message), err=True)
