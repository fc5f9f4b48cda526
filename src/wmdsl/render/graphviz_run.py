"""Running a Graphviz program: the DOT text on stdin, a time limit, and a clear message on failure.

Nothing the user wrote is ever on a command line. Each run is stopped after
:data:`TIMEOUT` seconds (the environment variable ``WMDSL_GRAPHVIZ_TIMEOUT``
sets another limit), and a run stopped, failed or impossible is a
:class:`~wmdsl.render.RenderError` that says why.
"""

from __future__ import annotations

import math
import os
import re
import subprocess

from wmdsl.render import RenderError

TIMEOUT = 60.0  # seconds a Graphviz run may take, unless WMDSL_GRAPHVIZ_TIMEOUT says otherwise
TIMEOUT_VARIABLE = "WMDSL_GRAPHVIZ_TIMEOUT"

INSTALL_HINT = (
    "the Graphviz '{program}' program is not installed (or not on PATH), so {fmt} cannot be drawn. "
    "Install Graphviz: 'apt-get install graphviz' (Debian/Ubuntu), 'brew install graphviz' (macOS), "
    "or see https://graphviz.org/download/. 'wmdsl render SPEC --to svg' still works without it."
)

# Cairo stamps PDFs with the time they were made; a fixed stamp of the same
# length keeps the file's byte offsets valid and the output reproducible.
_PDF_DATE = re.compile(rb"(/CreationDate \(D:)[0-9]{14}")


def graphviz_timeout() -> float:
    """The seconds a Graphviz run may take: ``WMDSL_GRAPHVIZ_TIMEOUT`` if set, else :data:`TIMEOUT`."""
    value = os.environ.get(TIMEOUT_VARIABLE, "").strip()
    if not value:
        return TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds <= 0:
        raise RenderError(f"{TIMEOUT_VARIABLE} must be a number of seconds above 0, not {value!r}")
    return seconds


#: The Graphviz runs in progress, for :func:`stop_graphviz`.
_RUNNING: set[subprocess.Popen[bytes]] = set()


def stop_graphviz() -> None:
    """Stop every Graphviz run in progress: for a command that ends before them (``--timeout``).

    A process that ends at once does not stop the programs it started, and
    Graphviz would go on drawing for nobody.
    """
    for process in list(_RUNNING):
        process.kill()


def run_graphviz(source: str, fmt: str, program: str = "dot", *options: str) -> bytes:
    """``source`` drawn by ``program -T<fmt>``, stopped after the timeout; a PDF's date is fixed."""
    timeout = graphviz_timeout()
    pipe = subprocess.PIPE
    try:
        process = subprocess.Popen([program, *options, f"-T{fmt}"], stdin=pipe, stdout=pipe, stderr=pipe)
    except FileNotFoundError as error:
        raise RenderError(INSTALL_HINT.format(program=program, fmt=fmt.upper())) from error
    except OSError as error:
        raise RenderError(
            f"cannot run the Graphviz '{program}' program: {error.strerror or error}"
        ) from error
    _RUNNING.add(process)
    try:
        with process:
            try:
                drawn, stderr = process.communicate(source.encode("utf-8"), timeout=timeout)
            except BaseException:  # the timeout, or anything else that leaves before Graphviz is done
                process.kill()
                raise
    except subprocess.TimeoutExpired as error:
        raise RenderError(
            f"Graphviz did not finish drawing the diagram in {timeout:g} s and was stopped (set "
            f"{TIMEOUT_VARIABLE} to allow longer). 'wmdsl render SPEC --to svg' still works without it."
        ) from error
    finally:
        _RUNNING.discard(process)
    if process.returncode != 0:
        problem = stderr.decode("utf-8", "replace").strip() or f"exit status {process.returncode}"
        raise RenderError(f"Graphviz could not draw the diagram: {problem}")
    return _PDF_DATE.sub(rb"\g<1>19700101000000", drawn) if fmt == "pdf" else drawn
