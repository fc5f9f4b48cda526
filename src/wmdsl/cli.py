"""The ``wmdsl`` command line. Thin: it reads flags and calls :mod:`wmdsl.api`."""

from __future__ import annotations

import gc
import os
import signal
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from wmdsl import __version__
from wmdsl.project import files

if TYPE_CHECKING:
    from wmdsl import api
    from wmdsl.project.settings import Overrides

# Imports of the compiler happen inside the commands, so that `wmdsl --version`
# and `--help` start without loading lark, pydantic or networkx.
FORMAT_NAMES = ("text", "json", "sarif", "github", "junit")  # = wmdsl.output.FORMATTERS
PRESET_NAMES = ("recommended", "strict", "correctness")  # = wmdsl.project.settings.PRESETS

EXIT_USAGE = 2


def _arm_timeout(context: click.Context, parameter: click.Parameter, seconds: float | None) -> float | None:
    """End the whole command, worker processes included, once ``seconds`` have passed.

    The process ends at once rather than unwinding: a pool of workers
    interrupted mid-task can leave its helper threads waiting on each other,
    and nothing is lost by not unwinding (the report is printed only at the
    end, and every output file is written whole or not at all).
    """
    if seconds is not None and hasattr(signal, "setitimer"):

        def expire(signum: int, frame: Any) -> None:
            pool = sys.modules.get("multiprocessing")
            for child in pool.active_children() if pool is not None else ():
                child.terminate()
            dot = sys.modules.get("wmdsl.render.dot")
            if dot is not None:
                dot.stop_graphviz()
            sys.stderr.write(f"error: stopped after the --timeout of {seconds:g} s\n")
            sys.stderr.flush()
            os._exit(EXIT_USAGE)

        signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    return seconds


timeout_option = click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    envvar="WMDSL_TIMEOUT",
    expose_value=False,
    is_eager=True,
    callback=_arm_timeout,
    help="Stop with exit status 2 when the command takes longer than this (env: WMDSL_TIMEOUT).",
)


class ConfigFailure(click.ClickException):
    """A problem with the setup (configuration, missing tool): ``Error: …``, exit status 2."""

    exit_code = EXIT_USAGE

    def format_message(self) -> str:
        return self.message


def _use_color(no_color: bool) -> bool:
    if no_color or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="wmdsl", message="%(prog)s %(version)s")
def cli() -> None:
    """wmdsl: compile and lint workflow architecture written in .wm files."""


def _selectors(values: tuple[str, ...]) -> list[str]:
    """``--select CLR,FLW001 --select X`` → ``["CLR", "FLW001", "X"]``."""
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


def _overrides(
    preset: str | None,
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str | None,
    config: Path | None,
    isolated: bool,
) -> Overrides:
    from wmdsl.project.settings import Overrides

    return Overrides(
        preset=preset,
        select=_selectors(select) or None,
        extend_select=_selectors(extend_select),
        ignore=_selectors(ignore),
        fail_on=fail_on,
        config=config,
        isolated=isolated,
    )


def _statistics(report: api.Report, output_format: str) -> str:
    counts = Counter(d.code for d in report.diagnostics)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if output_format == "json":
        rows = [{"code": code, "name": _name(code), "count": n} for code, n in ordered]
        import json  # imported on use: a text check without a cache needs none

        return json.dumps(rows, indent=2) + "\n"
    width = len(str(max(counts.values(), default=0)))
    return "".join(f"{n:>{width}}  {code}  {_name(code)}\n" for code, n in ordered)


def _name(code: str) -> str:
    from wmdsl.diagnostics import codes

    entry = codes.lookup(code)
    return entry.name if entry else ""


@cli.command()
@timeout_option
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(list(FORMAT_NAMES)),
    default="text",
    show_default=True,
    help="How to print the findings.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the report to this file (atomically) instead of standard output.",
)
@click.option(
    "--select",
    multiple=True,
    metavar="RULES",
    help="Run only these rules: codes, names or prefixes, comma-separated (repeatable).",
)
@click.option("--extend-select", multiple=True, metavar="RULES", help="Run these rules as well.")
@click.option("--ignore", multiple=True, metavar="RULES", help="Do not run these rules.")
@click.option(
    "--preset", type=click.Choice(list(PRESET_NAMES)), help="Start from this rule set (default: recommended)."
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info"]),
    help="Exit 1 when findings reach this severity (default: error).",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings are reported.")
@click.option(
    "--ignore-allows", is_flag=True, help="Report what `allow` statements suppress (to audit them)."
)
@click.option(
    "--statistics", is_flag=True, help="Print how often each code was reported, instead of each finding."
)
@click.option(
    "--show-settings", is_flag=True, help="Print the effective settings for the first file and stop."
)
@click.option(
    "--config",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Use this configuration file instead of searching upward.",
)
@click.option("--isolated", is_flag=True, help="Ignore all configuration files.")
@click.option(
    "--exclude",
    multiple=True,
    metavar="GLOB",
    help="Skip files found in folders whose path, or a folder on the way, matches GLOB "
    "(repeatable; added to the configuration's `exclude`).",
)
@click.option(
    "--root",
    type=click.Path(path_type=Path, file_okay=False),
    help="Project root that imports must stay inside (default: found upward).",
)
@click.option("--no-cache", is_flag=True, help="Check every file again, ignoring cached results.")
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    envvar="WMDSL_CACHE_DIR",
    help="Keep cached results here (default: $XDG_CACHE_HOME/wmdsl, else ~/.cache/wmdsl).",
)
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes (default: one per core).")
@click.option("--no-color", is_flag=True, help="Never colour the output.")
def check(
    paths: tuple[Path, ...],
    output_format: str,
    output: Path | None,
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    preset: str | None,
    fail_on: str | None,
    exit_zero: bool,
    ignore_allows: bool,
    statistics: bool,
    show_settings: bool,
    config: Path | None,
    isolated: bool,
    exclude: tuple[str, ...],
    root: Path | None,
    no_cache: bool,
    cache_dir: Path | None,
    jobs: int | None,
    no_color: bool,
) -> None:
    """Check specs: PATHS are .wm files or folders (searched recursively).

    Exit status: 0 when no finding reaches --fail-on (default: error), 1 when
    one does, 2 when the command or a configuration file is wrong.
    """
    from wmdsl import api
    from wmdsl.output import FORMATTERS
    from wmdsl.project.settings import ConfigError, settings_for

    overrides = _overrides(preset, select, extend_select, ignore, fail_on, config, isolated)
    try:
        if show_settings:
            first = api.discover(paths, exclude, overrides)[0]
            import json

            from wmdsl.output.safe import for_json

            click.echo(for_json(json.dumps(settings_for(first, overrides).describe(), indent=2)))
            return
        report = api.check(
            paths,
            root=root,
            exclude=exclude,
            overrides=overrides,
            honour_allows=not ignore_allows,
            jobs=jobs,
            cache=not no_cache,
            cache_folder=cache_dir,
        )
    except api.UsageError as error:
        raise click.UsageError(str(error)) from error
    except ConfigError as error:
        raise ConfigFailure(str(error)) from error
    color = output is None and _use_color(no_color)
    text = _statistics(report, output_format) if statistics else FORMATTERS[output_format](report, color)
    if output is not None:
        configs = {settings_for(Path(name), overrides).source for name in report.files}
        read = [*report.files, *report.sources, *report.inputs]
        _refuse_overwriting(output, [*map(Path, read), *filter(None, configs)])
        files.write_atomic(output, text)
    else:
        click.echo(text, nl=False)
    sys.exit(0 if exit_zero else report.exit_code())


def _refuse_overwriting(output: Path, inputs: list[Path]) -> None:
    """A usage error when writing ``output`` would replace a spec or another file the run read."""
    clash = files.overwritten_input(output, inputs)
    if clash is not None:
        what = "a spec" if clash.suffix == ".wm" else "a file this run read"
        if os.path.normpath(clash) != os.path.normpath(output):
            what += f" ({clash})"
        raise click.UsageError(f"refusing to write over {output}: it is {what}; choose another output file")


def _destination(spec: Path, name: str, output: Path | None, several: bool) -> Path | None:
    """Where format ``name`` goes: stdout (None), the file ``output``, or a file in it."""
    from wmdsl.render import RENDERERS

    if output is None:
        return None
    if several or output.is_dir() or str(output).endswith(("/", os.sep)):
        return files.inside(output, f"{spec.stem}.{RENDERERS[name].extension}")
    return output


@cli.command()
@timeout_option
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
    from wmdsl.output import FORMATTERS
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
    if result.report.diagnostics or result.refused:
        color = not no_color and not os.environ.get("NO_COLOR") and sys.stderr.isatty()
        click.echo(FORMATTERS["text"](result.report, color), nl=False, err=True)
    if result.refused:
        click.echo("not rendered: fix the errors above, or use --force", err=True)
        sys.exit(1)
    targets = {name: _destination(spec, name, output, several) for name in result.outputs}
    read = [spec, *map(Path, result.report.sources), *filter(None, [settings_for(spec).source])]
    for destination in filter(None, targets.values()):  # all before any is written
        _refuse_overwriting(destination, read)
    for name, data in result.outputs.items():
        target = targets[name]
        if target is None:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            files.write_atomic(target, data)
            click.echo(f"wrote {target}", err=True)


@cli.command()
@timeout_option
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


@cli.command("docs")
@timeout_option
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
    from wmdsl.output import FORMATTERS
    from wmdsl.project.folders import replace_folder

    try:
        result, note = api.handbook(spec, force=force)
    except api.UsageError as error:
        raise click.UsageError(str(error)) from error
    if result.report.diagnostics or result.refused:
        color = not no_color and not os.environ.get("NO_COLOR") and sys.stderr.isatty()
        click.echo(FORMATTERS["text"](result.report, color), nl=False, err=True)
    if result.refused:
        click.echo("handbook not built: fix the errors above, or use --force", err=True)
        sys.exit(1)
    if note:
        _say(f"note: built without the diagram: {note}")
    read = [spec, *map(Path, result.report.sources)]
    try:
        replace_folder(output, result.outputs, MARKER, force=replace, protected=read)
    except files.OutputError as error:
        raise click.UsageError(str(error)) from error
    click.echo(f"wrote {len(result.outputs)} files to {output}", err=True)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the rules as JSON.")
def rules(as_json: bool) -> None:
    """List every code: code, name, default severity and summary."""
    from wmdsl.diagnostics import codes

    if as_json:
        import json

        click.echo(json.dumps([_rule_data(entry.code) for entry in codes.all_codes()], indent=2))
        return
    for entry in codes.all_codes():
        click.echo(f"{entry.code}  {entry.name:<34} {entry.severity.label:<8} {entry.summary}")


def _rule_data(code: str) -> dict[str, object]:
    from wmdsl.diagnostics import codes
    from wmdsl.rules import all_rules
    from wmdsl.rules.docs import help_uri

    entry = codes.lookup(code)
    assert entry is not None
    rule = next((r for r in all_rules() if r.code.code == code), None)
    return {
        "code": entry.code,
        "name": entry.name,
        "principle": entry.family.title,
        "severity": entry.severity.label,
        "summary": entry.summary,
        "rationale": rule.rationale if rule else None,
        "recommended": rule.recommended if rule else True,
        "options": [
            {"name": o.name, "type": o.kind.__name__, "default": o.default, "help": o.help}
            for o in (rule.options if rule else ())
        ],
        "url": help_uri(entry.code),
    }


@cli.command()
@click.argument("code")
def rule(code: str) -> None:
    """Explain one rule: CODE is a code (FLW003) or a name (trap-loop)."""
    from wmdsl.diagnostics import codes
    from wmdsl.rules import all_rules
    from wmdsl.rules.docs import rule_markdown

    entry = codes.lookup(code)
    if entry is None:
        known = [c.code for c in codes.all_codes()] + [c.name for c in codes.all_codes()]
        from wmdsl.resolve.sink import closest

        close = closest(code, known)
        raise click.UsageError(f"unknown rule {code!r}" + (f"; did you mean {close!r}?" if close else ""))
    found = next((r for r in all_rules() if r.code.code == entry.code), None)
    if found is None:
        click.echo(f"# {entry.code} `{entry.name}`\n\n{entry.summary}\n\nA language error: always reported.")
        return
    click.echo(rule_markdown(found), nl=False)


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the compiled model (what `render --to json` emits)."""
    import json

    from wmdsl import api

    click.echo(json.dumps(api.json_schema(), indent=2, sort_keys=True))


def _say(message: str) -> None:
    """Print ``message`` on standard error; it may name files or quote a configuration."""
    from wmdsl.output.safe import for_terminal

    click.echo(for_terminal(message), err=True)


def main() -> None:
    """Entry point of the console script: usage errors exit 2, never a traceback."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.ClickException as error:
        import io

        shown = io.StringIO()
        error.show(file=shown)
        _say(shown.getvalue().removesuffix("\n"))
        sys.exit(EXIT_USAGE)
    except click.Abort:
        click.echo("aborted", err=True)
        sys.exit(EXIT_USAGE)
    except (BrokenPipeError, KeyboardInterrupt):
        sys.exit(EXIT_USAGE)
    except files.OutputError as error:
        _say(f"error: {error}")
        sys.exit(EXIT_USAGE)
    except OSError as error:
        _say(f"error: {error.strerror or error}: {error.filename or ''}".rstrip(": "))
        sys.exit(EXIT_USAGE)
    except RecursionError:
        click.echo("error: input nested too deeply to process", err=True)
        sys.exit(EXIT_USAGE)
    except Exception as error:  # a bug in wmdsl, not a user mistake: say so plainly
        _say(f"internal error: {type(error).__name__}: {error}")
        click.echo("this is a bug in wmdsl; please report it with the input that caused it", err=True)
        sys.exit(EXIT_USAGE)


def run() -> NoReturn:
    """Entry point of the console script and ``python -m wmdsl``: :func:`main`, then exit at once.

    This is the one place that sets process policy; the library never does.
    A model is millions of small objects that live until the command ends, so
    the cyclic collector's young generation runs rarely (the thresholds mypy
    uses for the same reason): otherwise its passes over a growing heap make
    big checks superlinear while freeing nothing. The process ends with
    ``os._exit`` once its output is flushed, skipping the interpreter's
    teardown (freeing every object one by one), which a one-shot process does
    not need. Every output file is complete by then: each is written and
    renamed into place before.
    """
    gc.set_threshold(200_000, 30, 30)
    try:
        main()
        status: object = 0
    except SystemExit as done:
        status = done.code
    if status is None:
        status = 0
    elif not isinstance(status, int):  # sys.exit("message"), as Python prints it
        click.echo(status, err=True)
        status = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except OSError:  # the reader went away (`wmdsl check | head`), or the disk is full
            status = EXIT_USAGE
    os._exit(status)
