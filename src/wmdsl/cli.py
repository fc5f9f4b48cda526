"""The ``wmdsl`` command line: the group of commands and the process policy.

Thin: the commands (:mod:`wmdsl.commands`) read flags and call
:mod:`wmdsl.api`. This module gathers them, and is the one place that sets
how the process runs and ends: the collector's thresholds, the exit at once
once the output is flushed, and the ``--timeout`` that ends a command.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
from typing import Any, NoReturn

import click

from wmdsl import LANGUAGE_VERSION, SCHEMA_VERSION, __version__
from wmdsl.commands import build, check, complete, diff, editor, fmt, reference, score, serve, simulate
from wmdsl.commands.shared import EXIT_USAGE, say
from wmdsl.project import files


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
            graphviz = sys.modules.get("wmdsl.render.graphviz_run")
            if graphviz is not None:
                graphviz.stop_graphviz()
            sys.stderr.write(f"error: stopped after the --timeout of {seconds:g} s\n")
            sys.stderr.flush()
            os._exit(EXIT_USAGE)

        signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    return seconds


def _with_timeout(command: click.Command) -> click.Command:
    """``command`` with the ``--timeout`` option, first among its options as in its help."""
    option = click.Option(
        ["--timeout"],
        type=click.FloatRange(min=0, min_open=True),
        metavar="SECONDS",
        envvar="WMDSL_TIMEOUT",
        expose_value=False,
        is_eager=True,
        callback=_arm_timeout,
        help="Stop with exit status 2 when the command takes longer than this (env: WMDSL_TIMEOUT).",
    )
    command.params.insert(0, option)
    return command


# What a version promises (docs/versioning.md) depends on all three numbers.
VERSION_LINE = f"%(prog)s %(version)s (language {LANGUAGE_VERSION}, JSON Schema {SCHEMA_VERSION})"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="wmdsl", message=VERSION_LINE)
def cli() -> None:
    """wmdsl: compile and lint workflow architecture written in .wm files."""


# The commands that read specs may run long, so they take --timeout; those
# that describe the language print what wmdsl already knows.
for _command in (
    check.check,
    fmt.fmt,
    build.render,
    build.analyze,
    build.docs_command,
    diff.diff,
    score.score,
    simulate.simulate,
):
    cli.add_command(_with_timeout(_command))
# The language server and the live preview run until they are ended: no --timeout.
for _command in (
    reference.rules,
    reference.rule,
    reference.schema,
    editor.lsp,
    serve.serve,
    complete.completion,
):
    cli.add_command(_command)


def main() -> None:
    """Entry point of the console script: usage errors exit 2, never a traceback."""
    try:
        cli.main(standalone_mode=False, complete_var=complete.COMPLETE_VAR)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.ClickException as error:
        import io

        shown = io.StringIO()
        error.show(file=shown)
        say(shown.getvalue().removesuffix("\n"))
        sys.exit(EXIT_USAGE)
    except click.Abort:
        click.echo("aborted", err=True)
        sys.exit(EXIT_USAGE)
    except (BrokenPipeError, KeyboardInterrupt):
        sys.exit(EXIT_USAGE)
    except files.OutputError as error:
        say(f"error: {error}")
        sys.exit(EXIT_USAGE)
    except OSError as error:
        say(f"error: {error.strerror or error}: {error.filename or ''}".rstrip(": "))
        sys.exit(EXIT_USAGE)
    except RecursionError:
        click.echo("error: input nested too deeply to process", err=True)
        sys.exit(EXIT_USAGE)
    except Exception as error:  # a bug in wmdsl, not a user mistake: say so plainly
        say(f"internal error: {type(error).__name__}: {error}")
        click.echo("this is a bug in wmdsl; please report it with the input that caused it", err=True)
        sys.exit(EXIT_USAGE)


def run() -> NoReturn:
    """Entry point of the console script and ``python -m wmdsl``: :func:`main`, then exit at once.

    This is the one place that sets process policy; the library never does.
    A model is millions of small objects that live until the command ends and
    hold almost no reference cycles (a whole tree of specs leaves a few hundred
    cyclic objects behind), so the cyclic collector runs only after millions of
    new objects, as a safety net: run at its default pace, its passes over the
    growing model made big checks superlinear while freeing nothing (mypy's
    build sets a high threshold for the same reason). The process ends with
    ``os._exit`` once its output is flushed, skipping the interpreter's
    teardown (freeing every object one by one), which a one-shot process does
    not need. Every output file is complete by then: each is written and
    renamed into place before.
    """
    gc.set_threshold(5_000_000, 10, 10)
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
        if stream.closed:  # the language server closes its output when the editor ends it
            continue
        try:
            stream.flush()
        except OSError:  # the reader went away (`wmdsl check | head`), or the disk is full
            status = EXIT_USAGE
    os._exit(status)
