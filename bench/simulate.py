"""Benchmark ``wmdsl simulate``: items simulated a second, and replications in parallel.

    python bench/simulate.py [--sizes 100,1000] [--items 10000] [--replications 8] [--out FILE]

For each size N, the spec of ``bench/gen.py N`` (seed 1) is compiled and
planned once, then:

- ``run``: one replication sending ``--items`` items (best of 3): items a
  second and stage visits a second of simulated work;
- ``command``: the whole ``wmdsl simulate spec.wm --items ITEMS
  --replications 1`` process (start-up, compile, plan, run, report), the
  figure the 30-second target is about;
- ``serial`` and ``parallel``: ``--replications`` replications of
  ``--items`` items each on one worker and on every core
  (``os.cpu_count()``), taking turns (best of 2 each), and their ratio,
  the speed-up, with the CPU seconds each spent (workers included). A busy
  machine (see ``loadavg``) lowers the speed-up, not the CPU seconds.

Prints a table and writes the figures as JSON (``--out``, default
``bench/results-simulate.json``). Runs the code in ``src/`` of this tree.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "src"))

import gen  # noqa: E402

from wmdsl import api  # noqa: E402
from wmdsl.simulate import prepare  # noqa: E402
from wmdsl.simulate.runner import Settings, simulate_built  # noqa: E402

TARGET_SECONDS = 30.0  # 10 000 items through the 100-stage spec, the whole command


def _best(times: list[float]) -> float:
    return min(times)


def measure(size: int, items: int, replications: int, folder: Path) -> dict[str, Any]:
    """The figures of one size (see the module docstring)."""
    spec = gen.write(gen.generate(size, 1, seed=1), folder / f"n{size}")[0]
    started = time.perf_counter()
    built, _ = prepare([api.load(spec)])
    planned = time.perf_counter() - started
    one = Settings(seed=1, replications=1, items=items, warmup=0.0, jobs=1)
    runs, result = [], None
    for _ in range(3):
        started = time.perf_counter()
        result = simulate_built(built, one)
        runs.append(time.perf_counter() - started)
    assert result is not None
    run = _best(runs)
    command = [sys.executable, "-m", "wmdsl", "simulate", str(spec), "--items", str(items)]
    command += ["--replications", "1", "--no-progress"]
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=environment)
    whole = time.perf_counter() - started
    cores = os.cpu_count() or 1
    serial_runs, parallel_runs = [], []
    serial_cpu, parallel_cpu = [], []
    many = Settings(seed=1, replications=replications, items=items, warmup=0.0)
    for _ in range(2):
        for jobs, found, cpu in ((1, serial_runs, serial_cpu), (cores, parallel_runs, parallel_cpu)):
            before = os.times()
            started = time.perf_counter()
            simulate_built(built, Settings(**{**_fields(many), "jobs": jobs}))
            found.append(time.perf_counter() - started)
            after = os.times()
            # CPU seconds of this process and of the workers it started (counted once they end).
            spent = sum(getattr(after, f) - getattr(before, f) for f in ("user", "system"))
            spent += sum(getattr(after, f) - getattr(before, f) for f in ("children_user", "children_system"))
            cpu.append(spent)
    serial, parallel = _best(serial_runs), _best(parallel_runs)
    return {
        "stages": size,
        "spec_bytes": spec.stat().st_size,
        "plan_s": round(planned, 4),
        "items": result.arrived,
        "visits": result.visits,
        "run_s": round(run, 4),
        "items_per_s": round(result.arrived / run),
        "visits_per_s": round(result.visits / run),
        "command_s": round(whole, 3),
        "replications": replications,
        "serial_s": round(serial, 3),
        "parallel_s": round(parallel, 3),
        "workers": cores,
        "speedup": round(serial / parallel, 2),
        # The same work either way: CPU seconds spent on one worker and on all of them (the
        # parallel run's include starting the workers); the wall-time speed-up is what a busy
        # machine leaves of the cores' share.
        "serial_cpu_s": round(min(serial_cpu), 3),
        "parallel_cpu_s": round(min(parallel_cpu), 3),
    }


def _fields(settings: Settings) -> dict[str, Any]:
    return {name: getattr(settings, name) for name in settings.__slots__}  # type: ignore[attr-defined]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="100,1000", help="stages of the generated specs (default 100,1000)"
    )
    parser.add_argument(
        "--items", type=int, default=10_000, help="items each replication sends (default 10000)"
    )
    parser.add_argument(
        "--replications", type=int, default=8, help="replications timed on one and on all cores"
    )
    parser.add_argument("--out", type=Path, default=HERE / "results-simulate.json")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    results: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "cores": os.cpu_count(),
            "loadavg_start": os.getloadavg(),
        },
        "config": {"items": args.items, "replications": args.replications, "seed": 1},
        "sizes": [],
    }
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            found = measure(size, args.items, args.replications, Path(folder))
            results["sizes"].append(found)
            print(
                f"{size:>6} stages: {found['items_per_s']:>7,} items/s ({found['visits_per_s']:,} visits/s), "
                f"{found['items']:,} items in {found['run_s']:.2f} s, "
                f"whole command {found['command_s']:.2f} s; "
                f"{args.replications} replications {found['serial_s']:.2f} s on 1 worker, "
                f"{found['parallel_s']:.2f} s on {found['workers']}: ×{found['speedup']} "
                f"(CPU {found['serial_cpu_s']:.2f} s and {found['parallel_cpu_s']:.2f} s)"
            )
    results["machine"]["loadavg_end"] = os.getloadavg()
    hundred = next((s for s in results["sizes"] if s["stages"] == 100), None)
    if hundred is not None and args.items == 10_000:
        results["target"] = {
            "what": "10,000 items through the 100-stage spec, the whole command",
            "limit_s": TARGET_SECONDS,
            "measured_s": hundred["command_s"],
            "holds": hundred["command_s"] < TARGET_SECONDS,
        }
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(
        f"load average {results['machine']['loadavg_start']} → {results['machine']['loadavg_end']};"
        f" wrote {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
