"""``wmdsl score``: each workflow's scorecard against the frameworks of work management."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click

from wmdsl.commands.shared import EXCLUDE, ROOT, ConfigFailure, refuse_overwriting, say
from wmdsl.project import files

FORMATS = ("text", "json", "markdown", "svg")
_THRESHOLD = re.compile(r"^\s*([A-Za-z-]+)\s*=\s*([0-9]{1,3})\s*$")


def _threshold(
    context: click.Context, parameter: click.Parameter, given: tuple[str, ...]
) -> list[tuple[str, int]]:
    """``COMPONENT=N`` pairs, each checked: a known component (or ``all``) and a score from 0 to 100."""
    from wmdsl.score.criteria import COMPONENTS

    known = [c.id for c in COMPONENTS]
    found = []
    for text in given:
        match = _THRESHOLD.match(text)
        if match is None:
            raise click.BadParameter(f"expected COMPONENT=N, e.g. clarity=80; got {text!r}")
        name, value = match.group(1).lower(), int(match.group(2))
        if name != "all" and name not in known:
            raise click.BadParameter(f"unknown component {name!r}: use one of {', '.join(known)} or all")
        if value > 100:
            raise click.BadParameter(f"{text!r}: a score is at most 100")
        found.append((name, value))
    return found


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Write to this file (for svg of several workflows: this folder, one SVG per workflow).",
)
@click.option(
    "--fail-under",
    multiple=True,
    metavar="COMPONENT=N",
    callback=_threshold,
    help="Exit 1 when a workflow's or the project's score of COMPONENT (or of any, with all=N) is "
    "under N (repeatable): clarity, coordination, completion, collaboration, architecture, stack, "
    "pyramid, visibility.",
)
@click.option("--git", "revision", metavar="REV", help="Show each score's change since the git revision REV.")
@click.option(
    "--explain", is_flag=True, help="Text: list the facts that raise each score too, not only what lowers it."
)
@click.option("--schema", is_flag=True, help="Print the JSON Schema of the JSON output and exit.")
@EXCLUDE
@ROOT
def score(
    paths: tuple[Path, ...],
    output_format: str,
    output: Path | None,
    fail_under: list[tuple[str, int]],
    revision: str | None,
    explain: bool,
    schema: bool,
    exclude: tuple[str, ...],
    root: Path | None,
) -> None:
    """Score each workflow of PATHS (.wm files or folders, as for `check`) against the frameworks.

    A scorecard per workflow: the C4 Flywheel (Clarity, Coordination,
    Completion, Collaboration, Workflow Architecture), the Coordination Stack
    of each intake and kind of work, the Value Pyramid level of each metric,
    and the Visibility coverage; each score is the share of its criteria met,
    with the facts and findings that raised or lowered it (docs/frameworks.md).
    Every rule is run, whatever the configuration selects, and `allow` does
    not raise a score. Refuses (exit 1) on language errors.
    """
    from wmdsl import score as scoring
    from wmdsl.diagnostics import UsageError
    from wmdsl.output import FORMATTERS
    from wmdsl.project.settings import ConfigError
    from wmdsl.score.records import json_schema

    if schema:
        click.echo(json.dumps(json_schema(), indent=2, sort_keys=True))
        return
    if not paths:
        raise click.UsageError("give the specs to score: files or folders")
    try:
        checked = scoring.check(paths, root=root, exclude=exclude)
    except UsageError as error:
        raise click.UsageError(str(error)) from error
    except ConfigError as error:
        raise ConfigFailure(str(error)) from error
    if checked.refused:
        click.echo(FORMATTERS["text"](checked.report, False), nl=False, err=True)
        click.echo("not scored: fix the errors above", err=True)
        sys.exit(1)
    result = scoring.scores(checked)
    if revision is not None:
        from wmdsl.score.compare import compare

        try:
            result, note = compare(result, list(paths), revision, exclude=exclude)
        except UsageError as error:
            raise ConfigFailure(f"cannot compare with {revision}: {error}") from error
        if note:
            say(f"note: {note}")
    read = [*map(Path, checked.report.files), *map(Path, checked.report.sources)]
    _write(result, output_format, output, explain, read)
    failed = _under(result, fail_under)
    for message in failed:
        say(message)
    if failed:
        sys.exit(1)


def _write(result: object, output_format: str, output: Path | None, explain: bool, read: list[Path]) -> None:
    from wmdsl.output.safe import for_json
    from wmdsl.score.markdown import render_markdown
    from wmdsl.score.radar import render_radar
    from wmdsl.score.records import Scores, dump_json
    from wmdsl.score.text import render_text

    assert isinstance(result, Scores)
    if output_format == "svg":
        pictures = {_picture_name(card.file, card.workflow): render_radar(card) for card in result.workflows}
        if not pictures:
            raise ConfigFailure("no workflow to draw: the specs declare none")
        if output is None and len(pictures) == 1:
            click.echo(next(iter(pictures.values())), nl=False)
            return
        if output is None:
            raise click.UsageError("several workflows make several pictures: name a folder with -o")
        if len(pictures) == 1 and output.suffix == ".svg":
            targets = dict.fromkeys(pictures, output)
        else:
            try:
                targets = {name: files.inside(output, name) for name in pictures}
            except files.OutputError as error:
                raise click.UsageError(str(error)) from error
        for target in targets.values():
            refuse_overwriting(target, read)
        for name, picture in pictures.items():
            files.write_atomic(targets[name], picture)
            click.echo(f"wrote {targets[name]}", err=True)
        return
    if output_format == "json":
        text = for_json(dump_json(result))
    elif output_format == "markdown":
        text = render_markdown(result)
    else:
        text = render_text(result, explain=explain)
    if output is None:
        click.echo(text, nl=False)
        return
    refuse_overwriting(output, read)
    files.write_atomic(output, text)
    click.echo(f"wrote {output}", err=True)


def _picture_name(file: str, workflow: str) -> str:
    """``STEM.WORKFLOW.svg``: the file's stem keeps apart workflows of one name in two files."""
    stem = Path(file).name.removesuffix(".wm")
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{stem}.{workflow}")
    return f"{safe}.svg"


def _under(result: object, thresholds: list[tuple[str, int]]) -> list[str]:
    """A message for every score under its ``--fail-under`` threshold (workflows, then the project)."""
    from wmdsl.score.records import Scores

    assert isinstance(result, Scores)
    found = []
    for name, least in thresholds:
        for card in result.workflows:
            for component in card.components:
                if name in ("all", component.id) and component.score is not None and component.score < least:
                    found.append(
                        f"{card.where}: {component.title} of workflow `{card.workflow}` "
                        f"is {component.score}, under {least}"
                    )
        # With one workflow the project's scores are its scores: said once.
        for total in result.project if len(result.workflows) > 1 else ():
            if name in ("all", total.id) and total.score is not None and total.score < least:
                found.append(f"{total.title} of the project is {total.score}, under {least}")
    return found
