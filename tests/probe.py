"""Run ``wmdsl`` in a fresh process and see what it imported (start-up tests)."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

_PROBE = """\
import json, sys
from wmdsl.cli import main
codes = []
for argv in json.loads(sys.argv[1]):
    sys.argv = ["wmdsl", *argv]
    try:
        main()
    except SystemExit as done:
        codes.append(done.code)
    else:
        codes.append(0)
print(json.dumps({"codes": codes, "loaded": sorted({m.partition(".")[0] for m in sys.modules})}))
"""


@dataclass
class Probe:
    """What one process printed, the exit code of each run, and the top-level packages it imported."""

    stdout: str
    codes: list[int | str | None]
    loaded: set[str]


def run_wmdsl(*runs: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> Probe:
    """Run the ``wmdsl`` command line with each argument list in turn, all in one new process."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(runs)],
        capture_output=True,
        text=True,
        check=True,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return Probe(done.stdout, report["codes"], set(report["loaded"]))
