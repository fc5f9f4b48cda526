"""``wmdsl simulate``: run the specs item by item, with what-if changes, and report or compare the runs.

PATHS are specs (files or folders, found as ``check`` finds them) and
scenario files (``*.toml``, see :mod:`wmdsl.simulate.scenario`); a scenario
may name its specs itself. One run reports as text or JSON, and with
``--plots DIR`` draws each workflow's charts; ``--compare`` runs the specs
as written (or the first scenario) and each scenario with the same seed and
prints them side by side.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from wmdsl.commands.shared import EXCLUDE, ROOT, ConfigFailure, refuse_overwriting
from wmdsl.project import files

if TYPE_CHECKING:
    from wmdsl.model import Document
    from wmdsl.simulate.runner import Settings
    from wmdsl.simulate.scenario import Change, Scenario
    from wmdsl.simulate.summary import Simulation

_WEEKS = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*(w|d|)\Z")


def _weeks(context: click.Context, parameter: click.Parameter, value: str | None) -> float | None:
    """``52w``, ``364d`` (days of the clock: 7 a week) or ``52`` as weeks."""
    if value is None:
        return None
    found = _WEEKS.match(value.strip())
    if not found:
        raise click.BadParameter(f"expected weeks such as `52w`, or days such as `90d`, found `{value}`")
    number = float(found.group(1))
    return number / 7 if found.group(2) == "d" else number


def _percent(context: click.Context, parameter: click.Parameter, value: str) -> float:
    found = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)%?", value.strip())
    share = float(found.group(1)) / 100 if found else -1.0
    if not 0.5 <= share < 1:
        raise click.BadParameter(f"expected a level such as `95%` (from 50% to under 100%), found `{value}`")
    return share


def _given(context: click.Context, name: str) -> bool:
    source = context.get_parameter_source(name)
    return source is not None and source.name in ("COMMANDLINE", "ENVIRONMENT")


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--seed", type=click.IntRange(min=0), default=1, show_default=True, help="Seed of the random numbers."
)
@click.option(
    "--replications",
    type=click.IntRange(min=1, max=10_000),
    default=10,
    show_default=True,
    help="Independent runs; figures are their means with confidence intervals.",
)
@click.option(
    "--until",
    callback=_weeks,
    default="52w",
    show_default=True,
    help="How long each run measures, after the warm-up: `52w`, `90d`.",
)
@click.option(
    "--warmup",
    callback=_weeks,
    default="4w",
    show_default=True,
    help="How long each run goes before it measures (from empty).",
)
@click.option(
    "--items",
    type=click.IntRange(min=1),
    help="Send this many items into each run, then stop arrivals (instead of --until).",
)
@click.option(
    "--confidence",
    callback=_percent,
    default="95%",
    show_default=True,
    help="Level of the confidence intervals.",
)
@click.option(
    "--set",
    "changes",
    multiple=True,
    metavar="KEY=VALUE",
    help="Change an element for the run: build.wip=3, "
    'requests.arrivals="20 per week", eng.capacity=4, build.shape=lognormal, build.cv=0.5 (repeatable).',
)
@click.option(
    "--compare",
    is_flag=True,
    help="Run the specs as written (or the first scenario) and each scenario, side by side.",
)
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write the report to FILE."
)
@click.option(
    "--plots",
    type=click.Path(path_type=Path, file_okay=False),
    help="Draw each workflow's charts into folder DIR.",
)
@click.option(
    "--plot-format",
    type=click.Choice(["svg", "png"]),
    multiple=True,
    help="Format of the charts (repeatable; default svg).",
)
@click.option("--jobs", type=click.IntRange(min=1), help="Worker processes (default: one per core).")
@click.option(
    "--progress/--no-progress",
    default=None,
    help="A progress bar (default: when standard error is a terminal).",
)
@EXCLUDE
@ROOT
@click.pass_context
def simulate(context: click.Context, /, paths: tuple[Path, ...], **options: Any) -> None:
    """Simulate PATHS item by item: specs (.wm files or folders) and scenario files (.toml).

    Reports, per workflow, each stage's utilisation, queue and wait, the lead
    time of delivered items by intake and work type (p50, p85, p95) with
    confidence intervals over the replications, throughput, the bottleneck,
    and the share of items within each SLE and metric target. The same seed
    gives the same output. Exit 1 on language errors, 2 when the command or a
    scenario is wrong.
    """
    from wmdsl.simulate import MissingExtra, require
    from wmdsl.simulate.scenario import ScenarioError

    try:
        require("simpy")
        if options["plots"] is not None:
            require("matplotlib")
        _run(context, paths, options)
    except MissingExtra as error:
        raise ConfigFailure(str(error)) from error
    except ScenarioError as error:
        raise ConfigFailure(str(error)) from error


def _run(context: click.Context, paths: tuple[Path, ...], options: dict[str, Any]) -> None:
    from wmdsl.simulate.scenario import Scenario, parse_set, read_scenario

    scenario_paths = [p for p in paths if p.suffix == ".toml"]
    spec_paths = [p for p in paths if p.suffix != ".toml"]
    scenarios = [read_scenario(p) for p in scenario_paths]
    if not spec_paths:
        named = {tuple(s.specs) for s in scenarios if s.specs}
        if len(named) > 1:
            raise click.UsageError("the scenarios name different specs: name the specs on the command line")
        spec_paths = list(next(iter(named), ()))
    if not spec_paths:
        raise click.UsageError("name the specs to simulate (files or folders), or scenarios that name them")
    extra = tuple(parse_set(text) for text in options["changes"])
    # Each column: a name, its changes (--set on top of the scenario's) and the scenario for its settings.
    written = Scenario("as written")
    if options["compare"]:
        if not scenarios and not extra:
            raise click.UsageError("--compare needs scenario files (.toml) or --set changes to compare")
        if options["plots"] is not None:
            raise click.UsageError("--plots draws one run: leave out --compare")
        if not scenarios:
            columns = [(written.name, (), written), ("with --set", extra, written)]
        else:
            first = [] if len(scenarios) > 1 else [(written.name, extra, written)]
            columns = [*first, *((s.name, s.changes + extra, s) for s in scenarios)]
    elif len(scenarios) > 1:
        raise click.UsageError("several scenario files need --compare")
    else:
        chosen = scenarios[0] if scenarios else written
        columns = [(chosen.name, chosen.changes + extra, chosen)]
    documents, read = _documents(spec_paths, options)
    results, names = [], []
    with _progress(options, len(columns)) as step:
        for name, changes, scenario in columns:
            results.append(_simulate(documents, _settings(context, options, scenario), changes, step))
            names.append(name)
    _report(results, names, options, read, scenario_paths)


def _documents(paths: list[Path], options: dict[str, Any]) -> tuple[list[Document], list[Path]]:
    """The compiled specs (exit 1 on language errors) and every file the run read."""
    from wmdsl import api
    from wmdsl.output import FORMATTERS
    from wmdsl.project.settings import ConfigError, settings_for

    try:
        built = api.project(paths, root=options["root"], exclude=options["exclude"], rules=False)
    except api.UsageError as error:
        raise click.UsageError(str(error)) from error
    except ConfigError as error:
        raise ConfigFailure(str(error)) from error
    if built.refused:
        click.echo(FORMATTERS["text"](built.report, False), nl=False, err=True)
        click.echo("not simulated: fix the errors above", err=True)
        sys.exit(1)
    if not any(d.workflows for d in built.documents):
        raise ConfigFailure("not simulated: the specs hold no workflow")
    configs = {settings_for(Path(name)).source for name in built.report.files}
    read = [*map(Path, built.report.files), *map(Path, built.report.sources), *filter(None, configs)]
    return built.documents, read


def _settings(context: click.Context, options: dict[str, Any], scenario: Scenario) -> Settings:
    """The run's settings: the command line's, else the scenario's, else the defaults."""
    from wmdsl.simulate.runner import Settings
    from wmdsl.simulate.scenario import ScenarioError

    values: dict[str, Any] = {}
    for key in ("seed", "replications", "until", "warmup", "items"):
        value = options[key]
        if not _given(context, key) and key in scenario.run:
            given = scenario.run[key]
            where = f"{scenario.source}: `{key}`"
            if key in ("until", "warmup"):
                try:
                    value = _weeks(context, context.command.params[0], str(given))
                except click.BadParameter as error:
                    raise ScenarioError(f"{where}: {error.message}") from error
            elif isinstance(given, bool) or not isinstance(given, int) or given < (0 if key == "seed" else 1):
                raise ScenarioError(f"{where} must be a whole number of at least {0 if key == 'seed' else 1}")
            else:
                value = given
        values[key] = value
    if values["items"] is not None and not _given(context, "warmup") and "warmup" not in scenario.run:
        values["warmup"] = 0.0  # every item sent is measured, unless a warm-up is asked for
    if values["until"] <= 0:
        raise click.UsageError("--until must be longer than 0")
    return Settings(
        seed=values["seed"],
        replications=values["replications"],
        until=values["until"],
        warmup=values["warmup"],
        items=values["items"],
        confidence=options["confidence"],
        jobs=options["jobs"],
    )


def _simulate(
    documents: list[Document], settings: Settings, changes: tuple[Change, ...], step: Callable[[], None]
) -> Simulation:
    from wmdsl.simulate import simulate as run

    done = [0]

    def progress(count: int) -> None:
        while done[0] < count:
            done[0] += 1
            step()

    return run(documents, settings, changes, progress)


@contextmanager
def _progress(options: dict[str, Any], runs: int) -> Iterator[Callable[[], None]]:
    """A progress bar over every replication on standard error, when it is a terminal (or asked for)."""
    shown = options["progress"] if options["progress"] is not None else sys.stderr.isatty()
    if not shown:
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    total = runs * options["replications"]
    console = Console(file=sys.stderr, no_color=bool(os.environ.get("NO_COLOR")))
    columns = (TextColumn("simulating"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("replications", total=total)
        yield lambda: bar.advance(task)


def _report(
    results: list[Simulation],
    names: list[str],
    options: dict[str, Any],
    read: list[Path],
    scenarios: list[Path],
) -> None:
    from wmdsl.simulate.report import format_compare, format_compare_json, format_json, format_text

    if len(results) > 1:
        text = (format_compare_json if options["output_format"] == "json" else format_compare)(results, names)
    else:
        text = (format_json if options["output_format"] == "json" else format_text)(results[0])
    output: Path | None = options["output"]
    protected = [*read, *scenarios]
    if output is not None:
        refuse_overwriting(output, protected)
        files.write_atomic(output, text.encode())
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)
    if options["plots"] is not None:
        _plots(results[0], options["plots"], options["plot_format"] or ("svg",), protected)


def _plots(result: Simulation, folder: Path, formats: tuple[str, ...], protected: list[Path]) -> None:
    from wmdsl.simulate.plots import charts

    written = charts(result, formats)
    try:
        targets = {name: files.inside(folder, name) for name in written}
    except files.OutputError as error:
        raise click.UsageError(str(error)) from error
    for target in targets.values():
        refuse_overwriting(target, protected)
    for name, data in written.items():
        files.write_atomic(targets[name], data)
    click.echo(f"wrote {len(written)} charts to {folder}", err=True)
