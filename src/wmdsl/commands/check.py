"""``wmdsl check``: the findings of the rules on specs, as a report in one of the formats."""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import click

from wmdsl.commands import complete
from wmdsl.commands.shared import EXCLUDE, ROOT, ConfigFailure, refuse_overwriting, say, use_color
from wmdsl.project import files

if TYPE_CHECKING:
    from wmdsl import api
    from wmdsl.diagnostics import Diagnostic
    from wmdsl.diagnostics.report import BaselineEntry
    from wmdsl.project.settings import Overrides

FORMAT_NAMES = ("text", "json", "sarif", "github", "gitlab", "junit")  # = wmdsl.output.FORMATTERS
PRESET_NAMES = ("recommended", "strict", "correctness")  # = wmdsl.project.settings.PRESETS


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
    """How often each code was reported, under the principle (or the language) it belongs to."""
    from wmdsl.diagnostics import codes

    counts = Counter(d.code for d in report.diagnostics)
    families = list(codes.Family)

    def family(code: str) -> codes.Family:
        entry = codes.lookup(code)
        return entry.family if entry else codes.Family.SYN

    ordered = sorted(counts.items(), key=lambda item: (families.index(family(item[0])), -item[1], item[0]))
    if output_format == "json":
        import json  # imported on use: a text check without a cache needs none

        listed = [
            {"code": code, "name": _name(code), "principle": family(code).title, "count": n}
            for code, n in ordered
        ]
        totals = Counter(family(code).title for code in counts.elements())
        summary = [{"principle": f.title, "count": totals[f.title]} for f in families if totals[f.title]]
        return json.dumps({"codes": listed, "principles": summary}, indent=2) + "\n"
    width = len(str(max(counts.values(), default=0)))
    lines: list[str] = []
    for group in families:
        mine = [(code, n) for code, n in ordered if family(code) is group]
        if mine:
            lines.append(f"{group.title} ({group.name}): {sum(n for _, n in mine)}\n")
            lines.extend(f"  {n:>{width}}  {code}  {_name(code)}\n" for code, n in mine)
    return "".join(lines)


def _fix(report: api.Report) -> bool:
    """Apply the safe fixes of ``report`` to its files; say what changed; True if anything did."""
    from wmdsl.diagnostics.fixes import FIXABLE, apply, fix_of
    from wmdsl.project.files import write_atomic
    from wmdsl.resolve.compile import compile_text

    by_file: dict[str, list[Diagnostic]] = {}
    for diagnostic in report.diagnostics:
        if diagnostic.code in FIXABLE:
            by_file.setdefault(diagnostic.span.file, []).append(diagnostic)
    changed = False
    for shown, found in sorted(by_file.items()):
        path = Path(shown)
        try:
            source = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if "\r" in source:
            say(f"{shown}: not fixed: its line ends are not `\\n` (run `wmdsl fmt` first)")
            continue
        edits = [edit for d in found if (edit := fix_of(d, source)) is not None]
        if not edits:
            continue
        fixed, made = apply(source, edits)
        before = [d for d in report.diagnostics if d.span.file == shown and d.code.startswith("SYN")]
        after = [d for d in compile_text(fixed, shown).diagnostics if d.code.startswith("SYN")]
        # Never write what does not parse and resolve at least as well as before.
        if any(d.code == "SYN001" for d in after) or len(after) >= len(before):
            say(f"{shown}: not fixed: the fixed text would not check better")
            continue
        write_atomic(path, fixed.encode("utf-8"))
        changed = True
        say(f"{shown}: fixed {len(made)}: " + "; ".join(edit.what for edit in made))
    return changed


def _baseline(
    baseline: Path | None, write_baseline: Path | None, output: Path | None
) -> list[BaselineEntry] | None:
    """The entries of ``--baseline`` (None without one), read before the check: a wrong one stops the run."""
    from wmdsl.project.baseline import BaselineError, load

    if baseline is not None and write_baseline is not None:
        raise click.UsageError(
            "--baseline and --write-baseline cannot be used together: "
            "--write-baseline FILE records this run's findings in FILE and reports what it does not cover"
        )
    for given in filter(None, (baseline, write_baseline)):
        if given.suffix == ".wm":
            raise click.UsageError(f"a baseline is not a spec: {given} ends in .wm; choose another file")
        if output is not None and os.path.abspath(given) == os.path.abspath(output):
            raise click.UsageError(f"-o names the baseline {given}; choose another output file")
    if baseline is None:
        return None
    try:
        return load(baseline)
    except BaselineError as error:
        raise ConfigFailure(str(error)) from error


def _write_baseline(path: Path, report: api.Report) -> list[BaselineEntry]:
    """Record the rule findings of ``report`` in ``path`` (atomically); the entries written."""
    from wmdsl.project.baseline import BaselineError, dumps, parse

    data = dumps(report)
    try:
        recorded = parse(data, path.as_posix())  # what a later run reads, so this run hides the same
    except BaselineError as error:  # pragma: no cover - a baseline wmdsl writes always reads back
        raise ConfigFailure(str(error)) from error
    try:
        files.write_atomic(path, data)
    except OSError as error:
        reason = (error.strerror or str(error)).lower()
        raise ConfigFailure(f"cannot write baseline {path}: {reason}") from error
    say(f"{path}: recorded {len(recorded)} finding{'s' * (len(recorded) != 1)} as the baseline")
    return recorded


def _name(code: str) -> str:
    from wmdsl.diagnostics import codes

    entry = codes.lookup(code)
    return entry.name if entry else ""


@click.command()
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
    shell_complete=complete.rule_list,
    help="Run only these rules: codes, names or prefixes, comma-separated (repeatable).",
)
@click.option(
    "--extend-select",
    multiple=True,
    metavar="RULES",
    shell_complete=complete.rule_list,
    help="Run these rules as well.",
)
@click.option(
    "--ignore",
    multiple=True,
    metavar="RULES",
    shell_complete=complete.rule_list,
    help="Do not run these rules.",
)
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
    "--fix",
    is_flag=True,
    help="Apply the fixes that cannot change a design's meaning (did-you-means, unused allows), then report.",
)
@click.option(
    "--config",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Use this configuration file instead of searching upward.",
)
@click.option("--isolated", is_flag=True, help="Ignore all configuration files.")
@click.option(
    "--simulate",
    is_flag=True,
    help="PRG001, FLW006 and FLW007 judge by a simulation of each spec (as `wmdsl simulate` runs it).",
)
@EXCLUDE
@ROOT
@click.option(
    "--baseline",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Report only the findings this baseline (from --write-baseline) does not list, "
    "and the entries of it that no longer occur.",
)
@click.option(
    "--write-baseline",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Record this run's rule findings in FILE (replacing it), then report what it does not cover.",
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
@click.option(
    "--watch",
    is_flag=True,
    help="Check again after every change to the specs, their imports or the configuration; Ctrl-C stops.",
)
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
    fix: bool,
    config: Path | None,
    isolated: bool,
    simulate: bool,
    exclude: tuple[str, ...],
    root: Path | None,
    baseline: Path | None,
    write_baseline: Path | None,
    no_cache: bool,
    cache_dir: Path | None,
    jobs: int | None,
    no_color: bool,
    watch: bool,
) -> None:
    """Check specs: PATHS are .wm files or folders (searched recursively).

    Exit status: 0 when no finding reaches --fail-on (default: error), 1 when
    one does, 2 when the command or a configuration file is wrong. With
    --watch, the findings are printed again after every change (the screen
    cleared first on a terminal) until Ctrl-C, which exits 0.
    """
    from wmdsl import api
    from wmdsl.output import FORMATTERS
    from wmdsl.project.settings import ConfigError, settings_for

    overrides = _overrides(preset, select, extend_select, ignore, fail_on, config, isolated)
    if watch and (fix or show_settings):
        raise click.UsageError(f"--watch cannot be used with {'--fix' if fix else '--show-settings'}")
    recorded = _baseline(baseline, write_baseline, output)
    if simulate:
        import dataclasses

        from wmdsl.simulate import MissingExtra, require

        try:
            require("simpy")
        except MissingExtra as error:
            raise ConfigFailure(str(error)) from error
        overrides = dataclasses.replace(overrides, simulate=True)
    try:
        if show_settings:
            first = api.discover(paths, exclude, overrides)[0]
            import json

            from wmdsl.output.safe import for_json

            click.echo(for_json(json.dumps(settings_for(first, overrides).describe(), indent=2)))
            return

        def run() -> api.Report:
            return api.check(
                paths,
                root=root,
                exclude=exclude,
                overrides=overrides,
                honour_allows=not ignore_allows,
                jobs=jobs,
                cache=not no_cache,
                cache_folder=cache_dir,
            )

        report = run()
        # A fix can bring a finding to light that an error hid (an unused allow once
        # the spec resolves): a few rounds, each on the report of the one before.
        for _ in range(3 if fix else 0):
            if not _fix(report):
                break
            report = run()
    except api.UsageError as error:
        raise click.UsageError(str(error)) from error
    except ConfigError as error:
        raise ConfigFailure(str(error)) from error

    def read(report: api.Report) -> list[Path]:
        """What no file this run writes may replace: the specs, their imports, the configuration."""
        found = {settings_for(Path(name), overrides).source for name in report.files}
        return [*map(Path, [*report.files, *report.sources, *report.inputs]), *filter(None, found)]

    if write_baseline is not None:
        if output is not None:  # refused before the baseline is written, not after
            refuse_overwriting(output, [*read(report), write_baseline])
        refuse_overwriting(write_baseline, read(report))
        recorded = _write_baseline(write_baseline, report)

    def baselined(report: api.Report) -> api.Report:
        if recorded is None:
            return report
        from wmdsl.project.baseline import apply

        report = apply(report, recorded, (write_baseline or baseline or Path()).as_posix())
        if statistics or output_format not in ("text", "json"):
            # The other formats have no place for what the baseline did: it is said beside them.
            from wmdsl.output.text import baseline_lines

            for line in baseline_lines(report):
                say(line)
        return report

    color = output is None and use_color(no_color)

    def show(report: api.Report) -> None:
        text = _statistics(report, output_format) if statistics else FORMATTERS[output_format](report, color)
        if output is not None:
            refuse_overwriting(output, [*read(report), *filter(None, [baseline, write_baseline])])
            files.write_atomic(output, text)
        else:
            click.echo(text, nl=False)

    report = baselined(report)
    if watch:
        from wmdsl.commands.watch import watch_and_check

        def configs(report: api.Report) -> list[Path]:
            found = {settings_for(Path(name), overrides).source for name in report.files}
            return sorted({*filter(None, found), *filter(None, [config])})

        watch_and_check(paths, report, lambda: baselined(run()), show, configs)
    show(report)
    sys.exit(0 if exit_zero else report.exit_code())
