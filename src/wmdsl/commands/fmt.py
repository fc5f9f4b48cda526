"""``wmdsl fmt``: rewrite specs in the canonical layout (docs/formatting.md)."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import click

from wmdsl.commands.shared import EXCLUDE, ROOT, ConfigFailure, say

if TYPE_CHECKING:
    from wmdsl.diagnostics import Diagnostic
    from wmdsl.project.limits import Limits

STDIN = "-"


@dataclass(slots=True, kw_only=True)
class _Run:
    """What a run of ``fmt`` found, file by file, in the order the files were taken."""

    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    failed: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)


def _lines(text: str) -> list[str]:
    """``text`` cut after each line feed (only there: a form feed in a comment is no line end)."""
    lines = text.split("\n")
    return [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])


def _diff(before: str, after: str, shown: str) -> str:
    """A unified diff from ``before`` to ``after``, each file named ``shown``."""
    import difflib

    out = []
    for line in difflib.unified_diff(_lines(before), _lines(after), shown, shown, "before", "after"):
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _print(text: str) -> None:
    """Spec text on standard output: exactly as it is, or with controls made visible on a terminal."""
    if sys.stdout.isatty():
        from wmdsl.output.safe import for_terminal

        click.echo(for_terminal(text), nl=False)
        return
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.flush()


def _formatted(data: bytes, shown: str, limits: Limits, run: _Run) -> tuple[str, str] | None:
    """The text of ``data`` as read and as formatted, or None when it cannot be (reported in ``run``)."""
    from wmdsl.project.specs import decode
    from wmdsl.syntax.format import FormatError, format_text

    text, problem = decode(data, shown)
    if text is None:
        assert problem is not None
        run.failed.append(shown)
        run.diagnostics.append(problem)
        return None
    try:
        formatted = format_text(text, shown, limits)
    except FormatError as error:
        run.failed.append(shown)
        run.diagnostics.extend(error.diagnostics)
        run.sources[shown] = error.source
        return None
    return data.decode("utf-8"), formatted


def _outside(shown: str, why: str) -> Diagnostic:
    from wmdsl.diagnostics import Diagnostic, codes
    from wmdsl.model.span import point

    where = "inside a `.git` folder" if why == "git" else "a link that leads outside the project root"
    return Diagnostic(
        codes.IMPORT_OUTSIDE.code,
        codes.IMPORT_OUTSIDE.severity,
        f"`{shown}` is {where}; not formatted",
        point(shown, 1, 1),
        "wmdsl formats the specs of the project only: name the file where it lies",
    )


def _files(
    paths: tuple[Path, ...], exclude: tuple[str, ...], root: Path | None, check: bool, diff: bool
) -> _Run:
    """Format the specs ``paths`` name (found as ``check`` finds them); write those that change."""
    from wmdsl.diagnostics import UsageError
    from wmdsl.project import files
    from wmdsl.project.settings import ConfigError, Configurations
    from wmdsl.project.specs import display_path, find_root, find_specs, read_bytes, refusal

    configs = Configurations()
    try:
        found, notes = find_specs(paths, exclude, root, None, configs)
    except UsageError as error:
        raise click.UsageError(str(error)) from error
    except ConfigError as error:
        raise ConfigFailure(str(error)) from error
    run = _Run(diagnostics=list(notes))
    for path in found:
        real = Path(os.path.realpath(path))
        shown = display_path(Path(os.path.abspath(path)))
        # Confined as a check is: a link that leads out of the root (or into
        # `.git`) is neither read nor written through.
        why = refusal(str(real), (root if root is not None else find_root(path)).resolve())
        if why is not None:
            run.failed.append(shown)
            run.diagnostics.append(_outside(shown, why))
            continue
        try:
            limits = configs.settings_for(path).limits
        except ConfigError as error:
            raise ConfigFailure(str(error)) from error
        data, problem = read_bytes(real, shown, limits)
        if data is None:
            assert problem is not None
            run.failed.append(shown)
            run.diagnostics.append(problem)
            continue
        texts = _formatted(data, shown, limits, run)
        if texts is None:
            continue
        before, after = texts
        if after.encode("utf-8") == data:
            run.unchanged += 1
            continue
        run.changed.append(shown)
        if diff:
            _print(_diff(before, after, shown))
        elif check:
            click.echo(shown)
        else:
            # The real file is replaced (a link inside the root stays a link), keeping its mode.
            files.write_atomic(real, after)
    return run


def _stdin(check: bool, diff: bool) -> _Run:
    """Format standard input onto standard output (or only check or diff it)."""
    from wmdsl.project.limits import DEFAULT

    run = _Run()
    data = sys.stdin.buffer.read(DEFAULT.max_file_size + 1)
    if len(data) > DEFAULT.max_file_size:
        raise click.UsageError("standard input is larger than the limit of a spec")
    texts = _formatted(data, "<stdin>", DEFAULT, run)
    if texts is None:
        return run
    before, after = texts
    if after.encode("utf-8") != data:
        run.changed.append("<stdin>")
    else:
        run.unchanged += 1
    if diff:
        _print(_diff(before, after, "<stdin>"))
    elif check:
        if run.changed:
            click.echo("<stdin>")
    else:
        _print(after)
    return run


def _report(run: _Run, check: bool, diff: bool, quiet: bool) -> None:
    """The diagnostics of the files that could not be formatted, and what was done, on standard error.

    ``quiet`` (standard input, often an editor's) leaves out the count when all went well.
    """
    if run.diagnostics:
        from wmdsl.diagnostics import sorted_unique
        from wmdsl.diagnostics.report import Report
        from wmdsl.output.text import format_text

        report = Report(run.failed, sorted_unique(run.diagnostics), run.sources)
        click.echo(format_text(report).removesuffix("\n"), err=True)
    if quiet and not run.diagnostics:
        return
    done = "would be reformatted" if check or diff else "reformatted"
    parts = [
        f"{len(run.changed)} file{'s' * (len(run.changed) != 1)} {done}",
        f"{run.unchanged} left unchanged",
    ]
    if run.failed:
        parts.append(f"{len(run.failed)} not formatted (errors above)")
    say(", ".join(parts) + ".")


@click.command("fmt")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--check", is_flag=True, help="Write nothing; list the files that would change, exit 1 if any.")
@click.option("--diff", is_flag=True, help="Write nothing; print a unified diff of the changes.")
@EXCLUDE
@ROOT
def fmt(
    paths: tuple[Path, ...], check: bool, diff: bool, exclude: tuple[str, ...], root: Path | None
) -> None:
    """Rewrite specs in the canonical layout: PATHS are .wm files or folders (searched
    recursively, as check does), or - to read standard input and write standard output.

    A file is written (atomically) only when its text changes; a file with
    syntax errors is left as it is and its errors are reported. Exit status: 0
    when done, 1 when a file has errors or, with --check, would change, 2 when
    the command is wrong.
    """
    if STDIN in (str(path) for path in paths):
        if len(paths) > 1:
            raise click.UsageError("`-` (standard input) cannot be given with other paths")
        run = _stdin(check, diff)
    else:
        run = _files(paths, exclude, root, check, diff)
    _report(run, check, diff, quiet=STDIN in map(str, paths))
    sys.exit(1 if run.failed or (check and run.changed) else 0)
