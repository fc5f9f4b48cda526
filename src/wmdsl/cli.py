"""The ``wmdsl`` command line. Thin: it reads flags and calls :mod:`wmdsl.api`."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from wmdsl import __version__, api, codes, files
from wmdsl.output import FORMATTERS

EXIT_USAGE = 2


def _use_color(no_color: bool) -> bool:
    if no_color or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="wmdsl", message="%(prog)s %(version)s")
def cli() -> None:
    """wmdsl: compile and lint workflow architecture written in .wm files."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(FORMATTERS)),
    default="text",
    show_default=True,
    help="How to print the findings.",
)
@click.option("--no-color", is_flag=True, help="Never colour the output.")
@click.option(
    "--root",
    type=click.Path(path_type=Path, file_okay=False),
    help="Project root that imports must stay inside (default: found upward).",
)
@click.option(
    "--exclude",
    multiple=True,
    metavar="GLOB",
    help="Skip files found in folders whose path, or a folder on the way, matches GLOB (repeatable).",
)
def check(
    paths: tuple[Path, ...],
    output_format: str,
    no_color: bool,
    root: Path | None,
    exclude: tuple[str, ...],
) -> None:
    """Check specs: PATHS are .wm files or folders (searched recursively).

    Exit status: 0 when no errors are found, 1 when there are errors,
    2 when the command itself is wrong (a missing path, a bad option).
    """
    try:
        report = api.check(paths, root=root, exclude=exclude)
    except api.UsageError as error:
        raise click.UsageError(str(error)) from error
    click.echo(FORMATTERS[output_format](report, _use_color(no_color)), nl=False)
    sys.exit(report.exit_code())


def _destination(spec: Path, name: str, output: Path | None, several: bool) -> Path | None:
    """Where format ``name`` goes: stdout (None), the file ``output``, or a file in it."""
    from wmdsl.render import RENDERERS

    if output is None:
        return None
    if several or output.is_dir() or str(output).endswith(("/", os.sep)):
        return files.inside(output, f"{spec.stem}.{RENDERERS[name].extension}")
    return output


@cli.command()
@click.argument("spec", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--to",
    "formats",
    multiple=True,
    required=True,
    metavar="FORMAT",
    help="Output format (repeatable): dot, svg, png, pdf, mermaid, bpmn, json, raci-md, raci-csv, board.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Output file, or folder (required for several formats). Default: standard output.",
)
@click.option("--force", is_flag=True, help="Render even when the checks find errors.")
@click.option("--no-color", is_flag=True, help="Never colour the findings.")
def render(spec: Path, formats: tuple[str, ...], output: Path | None, force: bool, no_color: bool) -> None:
    """Check SPEC, then render it. Refuses (exit 1) when the checks find errors."""
    from wmdsl.render import RenderError

    several = len(formats) > 1
    if several and output is None:
        raise click.UsageError("several --to formats need -o FOLDER")
    try:
        result = api.render(spec, formats, force=force)
    except (api.UsageError, RenderError) as error:
        raise click.UsageError(str(error)) from error
    if result.report.diagnostics or result.refused:
        color = not no_color and not os.environ.get("NO_COLOR") and sys.stderr.isatty()
        click.echo(FORMATTERS["text"](result.report, color), nl=False, err=True)
    if result.refused:
        click.echo("not rendered: fix the errors above, or use --force", err=True)
        sys.exit(1)
    for name, data in result.outputs.items():
        target = _destination(spec, name, output, several)
        if target is None:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            files.write_atomic(target, data)
            click.echo(f"wrote {target}", err=True)


@cli.command()
def rules() -> None:
    """List every diagnostic code: code, name, default severity and summary."""
    for entry in codes.all_codes():
        click.echo(f"{entry.code}  {entry.name:<34} {entry.severity.label:<8} {entry.summary}")


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the compiled model (what `render --to json` emits)."""
    click.echo(json.dumps(api.json_schema(), indent=2, sort_keys=True))


def main() -> None:
    """Entry point of the console script: usage errors exit 2, never a traceback."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.ClickException as error:
        error.show()
        sys.exit(EXIT_USAGE)
    except click.Abort:
        click.echo("aborted", err=True)
        sys.exit(EXIT_USAGE)
    except (BrokenPipeError, KeyboardInterrupt):
        sys.exit(EXIT_USAGE)
    except files.OutputError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_USAGE)
    except OSError as error:
        click.echo(f"error: {error.strerror or error}: {error.filename or ''}".rstrip(": "), err=True)
        sys.exit(EXIT_USAGE)
    except RecursionError:
        click.echo("error: input nested too deeply to process", err=True)
        sys.exit(EXIT_USAGE)
    except Exception as error:  # a bug in wmdsl, not a user mistake: say so plainly
        click.echo(f"internal error: {type(error).__name__}: {error}", err=True)
        click.echo("this is a bug in wmdsl; please report it with the input that caused it", err=True)
        sys.exit(EXIT_USAGE)
