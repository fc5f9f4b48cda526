"""The commands that make something of one spec: ``render``, ``analyze`` and ``docs``.

Each checks the spec first and refuses when the checks find errors; what it
writes it writes whole, and never over a file the run read.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from wmdsl.commands.shared import ConfigFailure, refuse_overwriting, say
from wmdsl.project import files

if TYPE_CHECKING:
    from wmdsl import api


def _destination(spec: Path, name: str, output: Path | None, several: bool) -> Path | None:
    """Where format ``name`` goes: stdout (None), the file ``output``, or a file in it."""
    from wmdsl.render import RENDERERS

    if output is None:
        return None
    if several or output.is_dir() or str(output).endswith(("/", os.sep)):
        return files.inside(output, f"{spec.stem}.{RENDERERS[name].extension}")
    return output


def _show_findings(result: api.Rendering, no_color: bool, not_done: str) -> None:
    """The check's findings on standard error; exit 1, saying ``not_done``, when they refuse the output."""
    from wmdsl.output import FORMATTERS

    if result.report.diagnostics or result.refused:
        color = not no_color and not os.environ.get("NO_COLOR") and sys.stderr.isatty()
        click.echo(FORMATTERS["text"](result.report, color), nl=False, err=True)
    if result.refused:
        click.echo(f"{not_done}: fix the errors above, or use --force", err=True)
        sys.exit(1)


@click.command()
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
    from wmdsl import api
    from wmdsl.project.settings import settings_for
    from wmdsl.render import RenderError

    several = len(formats) > 1
    if several and output is None:
        raise click.UsageError("several --to formats need -o FOLDER")
    try:
        result = api.render(spec, formats, force=force)
    except api.UsageError as error:
        raise click.UsageError(str(error)) from error
    except RenderError as error:
        raise ConfigFailure(f"cannot render: {error}") from error
    _show_findings(result, no_color, "not rendered")
    targets = {name: _destination(spec, name, output, several) for name in result.outputs}
    read = [spec, *map(Path, result.report.sources), *filter(None, [settings_for(spec).source])]
    for destination in filter(None, targets.values()):  # all before any is written
        refuse_overwriting(destination, read)
    for name, data in result.outputs.items():
        target = targets[name]
        if target is None:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            files.write_atomic(target, data)
            click.echo(f"wrote {target}", err=True)


@click.command()
@click.argument("spec", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Table or JSON.",
)
def analyze(spec: Path, output_format: str) -> None:
    """Flow analysis of SPEC: arrival rates, servers, utilisation, waits, bottleneck, lead time."""
    from wmdsl import api
    from wmdsl.flow.analysis import analyze as analyze_document
    from wmdsl.output import FORMATTERS
    from wmdsl.output.analysis import format_analysis_json, format_analysis_text

    try:
        document = api.load(spec)
    except api.SpecError as error:
        click.echo(FORMATTERS["text"](api.Report([str(spec)], error.diagnostics), False), nl=False, err=True)
        click.echo("not analysed: fix the errors above", err=True)
        sys.exit(1)
    result = analyze_document(document)
    formatter = format_analysis_json if output_format == "json" else format_analysis_text
    click.echo(formatter(result), nl=False)


@click.command("docs")
@click.argument("spec", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Folder for the handbook: new, empty, or one wmdsl wrote before (replaced as a whole).",
)
@click.option("--force", is_flag=True, help="Build it even when the checks find errors.")
@click.option(
    "--replace",
    is_flag=True,
    help="Replace the -o folder even when it is not empty and not a handbook (everything in it is deleted).",
)
@click.option("--no-color", is_flag=True, help="Never colour the findings.")
def docs_command(spec: Path, output: Path, force: bool, replace: bool, no_color: bool) -> None:
    """Build the onboarding handbook of SPEC: a static HTML + Markdown site."""
    from wmdsl import api
    from wmdsl.handbook import MARKER
    from wmdsl.project.folders import replace_folder

    try:
        result, note = api.handbook(spec, force=force)
    except api.UsageError as error:
        raise click.UsageError(str(error)) from error
    _show_findings(result, no_color, "handbook not built")
    if note:
        say(f"note: built without the diagram: {note}")
    read = [spec, *map(Path, result.report.sources)]
    try:
        replace_folder(output, result.outputs, MARKER, force=replace, protected=read)
    except files.OutputError as error:
        raise click.UsageError(str(error)) from error
    click.echo(f"wrote {len(result.outputs)} files to {output}", err=True)
