"""Coverage-guided fuzzing with atheris (optional; not a dependency of wmdsl).

Run it by hand or from a nightly job, where ``pip install atheris`` works::

    python -m tests.fuzz.nightly -max_total_time=600 corpus/

Every input is decoded as UTF-8 (bad bytes become U+FFFD) and checked with
every rule on; a valid input is also rendered in every text format and as a
handbook. Any exception is a crash that atheris reports with the input that
caused it (``crash-<hash>`` in the working directory); replay one with
``python -m tests.fuzz.nightly crash-<hash>``. The examples make a good
starting corpus: ``cp examples/*.wm corpus/``.

Without atheris installed, the module explains how to get it and exits.
"""

from __future__ import annotations

import sys

from wmdsl import api
from wmdsl.diagnostics import Severity
from wmdsl.handbook import build_handbook
from wmdsl.project.settings import Overrides
from wmdsl.render import render

FORMATS = ("dot", "mermaid", "bpmn", "json", "raci-md", "raci-csv", "board")
STRICT = Overrides(preset="strict")


def one_input(data: bytes) -> None:
    """The fuzz target: check, then render when the input is valid. Must never raise."""
    text = data.decode("utf-8", errors="replace")
    report = api.check_text(text, path="fuzz.wm", overrides=STRICT)
    if any(d.severity is Severity.ERROR and d.code.startswith("SYN") for d in report.diagnostics):
        return
    document = api.loads(text, path="fuzz.wm")
    for name in FORMATS:
        render(document, name)
    build_handbook(document, report, None)


def main(argv: list[str]) -> int:
    try:
        import atheris  # type: ignore[import-not-found]
    except ImportError:
        print("atheris is not installed: `pip install atheris` (Linux or macOS, CPython)", file=sys.stderr)
        return 2
    atheris.instrument_all()
    atheris.Setup(argv, one_input)
    atheris.Fuzz()
    return 0  # pragma: no cover - atheris.Fuzz() does not return


if __name__ == "__main__":
    sys.exit(main(sys.argv))
