"""The commands that make something of specs: ``render``, ``analyze`` and ``docs``.

Each takes files and folders as ``check`` does (the same discovery, the same
confinement), checks the specs first and refuses when the checks find
errors; what it writes it writes whole, and never over a file the run read.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from wmdsl.commands import complete
from wmdsl.commands.shared import EXCLUDE, ROOT, ConfigFailure, refuse_overwriting, say
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


def _unreadable(report: api.Report, not_done: str) -> None:
    """Exit 2 with a message when a spec named or found could not be read at all."""
    from wmdsl.diagnostics import codes

    named = set(report.files)
    for diagnostic in report.diagnostics:
        if diagnostic.code == codes.UNREADABLE.code and diagnostic.span.file in named:
            where = diagnostic.span.file
            raise ConfigFailure(f"{not_done}: {where}: {diagnostic.message}")


def _several(paths: tuple[Path, ...]) -> bool:
    """True when ``paths`` name a folder or more than one file: a project rather than one spec."""
    return len(paths) > 1 or any(path.is_dir() for path in paths)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--to",
    "formats",
    multiple=True,
    required=True,
    metavar="FORMAT",
    shell_complete=complete.render_format,
    help="Output format (repeatable): dot, svg, png, pdf, mermaid, bpmn, json, raci-md, raci-csv, board.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Output file, or folder (required for several formats, and for a folder or several specs). "
    "Default: standard output.",
)
@click.option(
    "--view",
    default="flow",
    show_default=True,
    metavar="VIEW",
    shell_complete=complete.view,
    help="What svg, png and pdf draw: flow, handoffs, decisions, value-stream, or lane:NAME.",
)
@click.option(
    "--theme",
    type=click.Choice(["light", "dark"]),
    default="light",
    show_default=True,
    help="Colours of svg, png and pdf.",
)
@click.option("--force", is_flag=True, help="Render even when the checks find errors.")
@EXCLUDE
@ROOT
@click.option("--no-color", is_flag=True, help="Never colour the findings.")
def render(
    paths: tuple[Path, ...],
    formats: tuple[str, ...],
    output: Path | None,
    view: str,
    theme: str,
    force: bool,
    exclude: tuple[str, ...],
    root: Path | None,
    no_color: bool,
) -> None:
    """Check PATHS (.wm files or folders, as for `check`), then render them.

    One spec goes to standard output, to the file -o names, or (with several
    formats) into the folder -o names as SPEC.EXT. A folder or several specs
    need -o FOLDER: each spec with a workflow is written to its path below the
    folder the specs have in common, with the format's extension
    (`org/hiring.wm` becomes FOLDER/org/hiring.svg); files without a workflow
    (shared people and lanes) are skipped for the formats that draw
    workflows. Refuses (exit 1) when the checks find errors; exit 2 when there
    is nothing to render or the command is wrong.
    """

    several = len(formats) > 1
    project = _several(paths)
    if project and output is None:
        raise click.UsageError("a folder or several specs need -o FOLDER")
    if project and output is not None and output.exists() and not output.is_dir():
        raise click.UsageError(
            f"-o {output} is a file: a folder or several specs are rendered one file per spec and "
            "format, so -o must name a folder"
        )
    if several and output is None:
        raise click.UsageError("several --to formats need -o FOLDER")
    if project:
        assert output is not None
        _render_project(paths, formats, output, force, exclude, root, no_color, (view, theme))
    else:
        _render_one(paths[0], formats, output, force, root, no_color, (view, theme))


def _render_one(
    spec: Path,
    formats: tuple[str, ...],
    output: Path | None,
    force: bool,
    root: Path | None,
    no_color: bool,
    look: tuple[str, str],
) -> None:
    from wmdsl import api
    from wmdsl.project.settings import settings_for
    from wmdsl.render import RenderError

    several = len(formats) > 1
    try:
        api.discover([spec])  # a name that leads nowhere is a usage error, as for `check`
        result = api.render(spec, formats, force=force, root=root, view=look[0], theme=look[1])
    except api.NothingToDraw as error:
        raise ConfigFailure(f"not rendered: {error}") from error
    except api.UsageError as error:
        raise click.UsageError(str(error)) from error
    except RenderError as error:
        raise ConfigFailure(f"cannot render: {error}") from error
    _unreadable(result.report, "not rendered")
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


def _render_project(
    paths: tuple[Path, ...],
    formats: tuple[str, ...],
    output: Path,
    force: bool,
    exclude: tuple[str, ...],
    root: Path | None,
    no_color: bool,
    look: tuple[str, str],
) -> None:
    from wmdsl import api
    from wmdsl.project.settings import ConfigError, settings_for
    from wmdsl.render import RenderError

    try:
        result, skipped = api.render_project(
            paths, formats, force=force, root=root, exclude=exclude, view=look[0], theme=look[1]
        )
    except api.NothingToDraw as error:
        raise ConfigFailure(f"not rendered: {error}") from error
    except api.UsageError as error:
        raise click.UsageError(str(error)) from error
    except ConfigError as error:
        raise ConfigFailure(str(error)) from error
    except RenderError as error:
        raise ConfigFailure(f"cannot render: {error}") from error
    _unreadable(result.report, "not rendered")
    _show_findings(result, no_color, "not rendered")
    try:
        targets = {name: files.inside(output, name) for name in result.outputs}
    except files.OutputError as error:
        raise click.UsageError(str(error)) from error
    configs = {settings_for(Path(name)).source for name in result.report.files}
    read = [*map(Path, result.report.files), *map(Path, result.report.sources), *filter(None, configs)]
    for target in targets.values():  # all before any is written
        refuse_overwriting(target, read)
    for name in skipped:
        say(f"skipped {name} for the formats that draw workflows: it holds none")
    for name, data in result.outputs.items():
        files.write_atomic(targets[name], data)
        click.echo(f"wrote {targets[name]}", err=True)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Table or JSON.",
)
@EXCLUDE
@ROOT
def analyze(paths: tuple[Path, ...], output_format: str, exclude: tuple[str, ...], root: Path | None) -> None:
    """Flow analysis of PATHS (.wm files or folders, as for `check`).

    Per workflow: arrival rates, servers, utilisation, waits, bottleneck,
    lead time. With more than one workflow, the load all of them put on each
    lane and person together. Refuses (exit 1) on language errors.
    """
    from wmdsl import api
    from wmdsl.output import FORMATTERS
    from wmdsl.output.analysis import format_analysis_json, format_analysis_text
    from wmdsl.project.settings import ConfigError

    try:
        built, analyses = api.analysis(paths, root=root, exclude=exclude)
    except api.UsageError as error:
        raise click.UsageError(str(error)) from error
    except ConfigError as error:
        raise ConfigFailure(str(error)) from error
    _unreadable(built.report, "not analysed")
    if built.refused:
        click.echo(FORMATTERS["text"](built.report, False), nl=False, err=True)
        click.echo("not analysed: fix the errors above", err=True)
        sys.exit(1)
    formatter = format_analysis_json if output_format == "json" else format_analysis_text
    click.echo(formatter(analyses, built.pool()), nl=False)


@click.command("docs")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
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
@click.option("--simulate", is_flag=True, help="Add a page of what a simulation of the workflows predicts.")
@EXCLUDE
@ROOT
@click.option("--no-color", is_flag=True, help="Never colour the findings.")
def docs_command(
    paths: tuple[Path, ...],
    output: Path,
    force: bool,
    replace: bool,
    simulate: bool,
    exclude: tuple[str, ...],
    root: Path | None,
    no_color: bool,
) -> None:
    """Build the onboarding handbook of PATHS (.wm files or folders, as for `check`): static HTML + Markdown.

    One handbook covers every workflow of every spec: each workflow has its
    pages, people and lanes that several specs share are one each, and the
    capacity page shows what all the workflows ask of each lane and person.
    """
    from wmdsl import api
    from wmdsl.handbook import MARKER
    from wmdsl.project.folders import replace_folder
    from wmdsl.project.settings import ConfigError

    if simulate:
        from wmdsl.simulate import MissingExtra, require

        try:
            require("simpy")
        except MissingExtra as error:
            raise ConfigFailure(str(error)) from error
    try:
        result, note = api.handbook(paths, force=force, root=root, exclude=exclude, simulate=simulate)
    except api.UsageError as error:
        raise click.UsageError(str(error)) from error
    except ConfigError as error:
        raise ConfigFailure(str(error)) from error
    _unreadable(result.report, "handbook not built")
    _show_findings(result, no_color, "handbook not built")
    if note:
        say(f"note: {note}")
    read = [*paths, *map(Path, result.report.files), *map(Path, result.report.sources)]
    try:
        replace_folder(output, result.outputs, MARKER, force=replace, protected=read)
    except files.OutputError as error:
        raise click.UsageError(str(error)) from error
    click.echo(f"wrote {len(result.outputs)} files to {output}", err=True)
