"""``wmdsl diff``: what a change does to the design, compared model to model."""

from __future__ import annotations

from pathlib import Path

import click

from wmdsl.commands.shared import EXCLUDE, ROOT, ConfigFailure, refuse_overwriting
from wmdsl.project import files

FORMAT_NAMES = ("text", "markdown", "json")  # = wmdsl.diff.formats.FORMATS


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--git",
    "revisions",
    metavar="BASE[..HEAD]",
    help="Compare two git revisions of the repository here (HEAD: the last commit, by default; "
    "BASE...HEAD: from their merge base). PATHS then limit the diff to those files and folders.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMAT_NAMES),
    default="text",
    show_default=True,
    help="Text, a Markdown pull-request comment, or JSON.",
)
@click.option(
    "--fail-on-new",
    type=click.Choice(["error", "warning"]),
    help="Exit 1 when the new side introduces a finding of this severity or above.",
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write the diff to FILE."
)
@EXCLUDE
@ROOT
def diff(
    paths: tuple[Path, ...],
    revisions: str | None,
    output_format: str,
    fail_on_new: str | None,
    output: Path | None,
    exclude: tuple[str, ...],
    root: Path | None,
) -> None:
    """Compare two versions of specs: OLD NEW (two files or two folders), or --git BASE[..HEAD] [PATHS].

    The compiled models are compared, not the text: elements added, removed
    and renamed, decision rights, handoffs, WIP, capacity, effort, arrivals,
    SLAs and hours, findings introduced and fixed, and how utilisation, the
    bottleneck and lead time moved. Reformatting changes nothing. Exit 0,
    or 1 with --fail-on-new when the new side brings such a finding; 2 when
    the command is wrong (a path, a revision, not a repository).
    """
    from wmdsl.diagnostics import Severity
    from wmdsl.diff import DiffError, compare_paths, compare_revisions
    from wmdsl.diff.formats import FORMATS

    try:
        if revisions is not None:
            if root is not None:
                raise click.UsageError("--root is for OLD NEW: with --git, the revision's tree is the root")
            result = compare_revisions(revisions, paths, exclude=exclude)
        else:
            if len(paths) != 2:
                raise click.UsageError("give OLD and NEW (two files or two folders), or --git BASE[..HEAD]")
            result = compare_paths(paths[0], paths[1], root=root, exclude=exclude)
    except DiffError as error:
        raise ConfigFailure(f"not compared: {error}") from error
    text = FORMATS[output_format](result)
    if output is not None:
        if output.suffix == ".wm":
            raise click.UsageError(
                f"refusing to write over {output}: it is a spec; choose another output file"
            )
        refuse_overwriting(output, [path for path in paths if path.is_file()])
        files.write_atomic(output, text)
    else:
        click.echo(text, nl=False)
    if fail_on_new is not None and result.introduces(Severity.parse(fail_on_new)):
        raise SystemExit(1)
