"""Benchmark wmdsl: pipeline stages, whole-process check, memory, startup, re-check,
linearity, and bpmnlint on the BPMN export of the same workflow.

    python bench/run.py [--sizes 100,1000,10000,50000] [--quick] [--out bench/results.json]
    python bench/run.py --shapes-only [--shapes intakes,grid] [--shape-n 1000] [--code REV]

Specs come from ``bench/gen.py`` (same seed, so the same spec for the same N).
Each size is measured in fresh child processes, so one size's heap never
slows the next. See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import functools
import gc
import hashlib
import importlib
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import gen  # noqa: E402
import shapes  # noqa: E402

BPMNLINT = ROOT / ".ci" / "node" / "node_modules" / "bpmnlint"
BIG = 50_000  # from this size on, every measurement is taken once
SMALL = 1_000  # up to this size, the check and bpmnlint are timed over more rounds
TARGET_SIZES = (100, 10_000)  # the bpmnlint comparison is a target here: never skip the BPMN export
SHAPE_N = 5_000  # worst-case shapes are checked at this size and four times it
SHAPE_GROWTH = 4.4  # t(4N) / t(N) of a linear checker, with the slack of the t(50k) / t(5k) <= 11 target
LONG_RUN = 20.0  # seconds: a run this long is not repeated
LINEAR_ROUNDS = 3  # t(50k) / t(5k): both checks, taking turns, this many rounds
NESTED_MB = (4, 15)  # files of nested blocks (bench/shapes.py nested), under the 16 MiB file-size limit
NESTED_BYTES_PER_BYTE = 50  # peak memory per byte of such a file, the target
DIAGRAM_SIZES = (1_000, 10_000)  # `render --to svg` and `docs` are timed at these sizes
DIAGRAM_GROWTH = 11  # t(10k) / t(1k) of both, the target
DOCS_SECONDS = 60  # `docs` of the 10 000-stage spec, the target
SMALL_SPEC = """\
person @ana "Ana Lima"
person @raj "Raj Patel"
person @kim "Kim Park"
lane team "Team" { owner @ana; delegate @raj; members @ana, @raj, @kim }
workflow small "Small requests" {
  owner @ana
  purpose "Answer small requests within a week"
  intake asks "Asks" { owner @ana; arrivals 2 per week }
  stage do_it "Do it" in team { owner @raj; wip 2; effort 2h; done "Answered and recorded" }
  exit answered "Answered"
  exit declined "Declined" { kind rejected }
  asks -> do_it
  do_it -> answered
  do_it -> declined { chance 10% }
  board requests "Requests board" { owner @ana; shows asks, do_it; audience team }
  metric lead_time "Lead time" { from asks to answered; target 5d at 85% }
  cadence weekly "Weekly review" { every 1w; owner @ana; reviews requests, lead_time }
}
"""
MB = 1_000_000


# -- measuring, in child processes ---------------------------------------------------------


def best_of(repeat: int, run: Callable[[], object]) -> float:
    """The fastest of up to ``repeat`` runs (a run longer than LONG_RUN is not repeated)."""
    best = math.inf
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        run()
        elapsed = time.perf_counter() - start
        best = min(best, elapsed)
        if elapsed > LONG_RUN:
            break
    return best


# Where each pipeline stage is entered, as the code under test calls it: (stage, module, attribute).
HOOKS = [
    ("settings", "wmdsl.project.settings", "Configurations.settings_for"),
    ("read", "wmdsl.resolve.loader", "read_bytes"),
    ("parse", "wmdsl.resolve.loader", "parse"),
    ("resolve", "wmdsl.resolve.resolver", "Resolver.resolve"),
    ("rules", "wmdsl.api", "run_rules"),
    ("graph", "wmdsl.rules.registry", "build_graph"),
]


def install_hooks(spent: dict[str, float]) -> list[str]:
    """Wrap each stage's entry point with a timer adding to ``spent``; the stages not found."""
    missing = []
    for stage, module_name, path in HOOKS:
        *owners, attr = path.split(".")
        try:
            owner: Any = importlib.import_module(module_name)
            for name in owners:
                owner = getattr(owner, name)
            original = getattr(owner, attr)
        except (ImportError, AttributeError):
            missing.append(f"{stage} ({module_name}.{path})")
            continue
        setattr(owner, attr, timed(original, stage, spent))
    return missing


def timed(function: Callable[..., Any], stage: str, spent: dict[str, float]) -> Callable[..., Any]:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[stage] = spent.get(stage, 0.0) + time.perf_counter() - start

    return wrapper


def child_stages(spec: Path, repeat: int) -> dict[str, Any]:
    """``api.check`` of ``spec`` in process, split into stages (the split of the fastest of ``repeat``).

    The stages are timed where the code under test enters them (see HOOKS),
    so the split follows its real call path and GC policy; ``graph`` is
    spent inside ``rules`` and reported apart from it.
    """
    from wmdsl import api

    spent: dict[str, float] = {}
    missing = install_hooks(spent)
    best: dict[str, Any] = {"check_in_process": math.inf}
    for _ in range(repeat):
        spent.clear()
        gc.collect()
        start = time.perf_counter()
        report = api.check([spec], jobs=1)
        total = time.perf_counter() - start
        if total < best["check_in_process"]:
            best = {"check_in_process": total, **spent}
            codes = sorted({d.code for d in report.diagnostics})
            errors = [f"{d.span}: {d.code} {d.message}" for d in report.diagnostics if d.severity.value == 3]
        del report
        if total > LONG_RUN:
            break
    staged = sum(best.get(k, 0.0) for k in ("settings", "read", "parse", "resolve", "rules"))
    if "rules" in best:
        best["rules"] -= best.get("graph", 0.0)
    best["other"] = best["check_in_process"] - staged
    best.update(findings=codes, errors=errors[:5], not_timed=missing)
    best["wmdsl_from"] = wmdsl_from(Path(api.__file__).parent)
    return best


def wmdsl_from(package: Path) -> str:
    """Where the measured wmdsl came from: ``snapshot``, ``worktree`` or ``installed`` (no machine paths)."""
    if package.is_relative_to(ROOT):
        return "worktree"
    # A snapshot is put on PYTHONPATH (see snapshot()); an install is not.
    paths = [Path(p) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    return "snapshot" if any(package.is_relative_to(p) for p in paths) else "installed"


def child_render(spec: Path, fmt: str, repeat: int, out: Path | None) -> dict[str, Any]:
    """Seconds to render ``spec`` as ``fmt`` (best of ``repeat``); the output is written to ``out``."""
    try:
        from wmdsl.render import RENDERERS, render

        RENDERERS[fmt].load()
    except (ImportError, KeyError, AttributeError) as error:
        return {"skipped": f"renderer {fmt!r} is not available: {error}"}
    document = gen.load(spec)
    output: dict[str, bytes] = {}
    seconds = best_of(repeat, lambda: output.update(data=render(document, fmt)))
    if out is not None:
        out.write_bytes(output["data"])
    return {"seconds": seconds, "bytes": len(output["data"])}


# -- running processes ------------------------------------------------------------------------


@dataclass
class Run:
    wall: float
    code: int | None
    stdout: str
    stderr: str
    peak: int | None = None  # bytes of maximum resident set size
    cpu: float | None = None  # user + system seconds (less sensitive than wall time to a busy machine)


TIME = Path("/usr/bin/time")


def run(cmd: list[str], cwd: Path | None = None, memory: bool = False, timeout: float | None = None) -> Run:
    """Run ``cmd``, timing its wall clock; with ``memory``, also its peak RSS."""
    peak_file = None
    if memory and TIME.exists():
        handle, name = tempfile.mkstemp(suffix=".rss")
        os.close(handle)
        peak_file = Path(name)
        cmd = [str(TIME), "-f", "%M %U %S", "-o", name, *cmd]
    elif memory:
        probe = "import resource,subprocess,sys;subprocess.run(sys.argv[1:]);"
        probe += "u=resource.getrusage(resource.RUSAGE_CHILDREN);"
        probe += "print(u.ru_maxrss,u.ru_utime,u.ru_stime,file=sys.stderr)"
        cmd = [sys.executable, "-c", probe, *cmd]
    start = time.perf_counter()
    try:
        done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return Run(time.perf_counter() - start, None, "", f"timed out after {timeout:.0f} s")
    result = Run(time.perf_counter() - start, done.returncode, done.stdout, done.stderr)
    if peak_file is not None:
        with contextlib.suppress(ValueError, IndexError):
            result.peak, result.cpu = usage(peak_file.read_text())
        peak_file.unlink()
    elif memory:
        with contextlib.suppress(ValueError, IndexError):
            result.peak, result.cpu = usage(done.stderr)
    return result


def usage(text: str) -> tuple[int, float]:
    """Peak RSS in bytes and CPU seconds from the last line ``maxrss_kb user system``."""
    peak, user, system = text.strip().splitlines()[-1].split()
    return int(peak) * 1024, float(user) + float(system)


def best_run(repeat: int, cmd: list[str], **kwargs: Any) -> Run:
    """The fastest of up to ``repeat`` runs (with the highest peak memory and least CPU of them all)."""
    kwargs.setdefault("memory", True)
    best: Run | None = None
    peak, cpu = 0, math.inf
    for _ in range(repeat):
        current = run(cmd, **kwargs)
        peak = max(peak, current.peak or 0)
        cpu = min(cpu, current.cpu if current.cpu is not None else math.inf)
        if best is None or current.wall < best.wall:
            best = current
        if current.wall > LONG_RUN or current.code is None:
            break
    assert best is not None
    best.peak = peak or None
    best.cpu = cpu if cpu < math.inf else None
    return best


def best_runs(repeat: int, commands: list[list[str]], **kwargs: Any) -> list[Run]:
    """:func:`best_run` of each command, the commands taking turns: one run of each per round."""
    kwargs.setdefault("memory", True)
    runs: list[list[Run]] = [[] for _ in commands]
    for _ in range(repeat):
        for done, cmd in zip(runs, commands, strict=True):
            done.append(run(cmd, **kwargs))
    best = []
    for done in runs:
        fastest = min(done, key=lambda r: r.wall)
        fastest.peak = max((r.peak or 0) for r in done) or None
        cpus = [r.cpu for r in done if r.cpu is not None]
        fastest.cpu = min(cpus) if cpus else None
        best.append(fastest)
    return best


def wmdsl_cmd() -> list[str]:
    """``wmdsl`` beside the Python running this script (whose in-process figures these join), else on PATH."""
    beside = Path(sys.executable).with_name("wmdsl")
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("wmdsl")
    return [found] if found else [sys.executable, "-m", "wmdsl"]


def child(kind: str, *args: str, timeout: float | None = None) -> dict[str, Any]:
    """Run this script in ``--child`` mode and read the JSON it prints."""
    done = run([sys.executable, str(Path(__file__).resolve()), "--child", kind, *args], timeout=timeout)
    if done.code != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        return {"error": " | ".join(tail) or f"exit {done.code}", "wall": done.wall}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def summary_line(output: str) -> str:
    lines = [line for line in output.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


# -- the benchmark ------------------------------------------------------------------------------


class Bench:
    def __init__(self, args: argparse.Namespace, work: Path, code: dict[str, Any]) -> None:
        self.args, self.work = args, work
        self.wmdsl = wmdsl_cmd()
        # With a cache, every timed check must be a cold one (the re-check figure measures the cache).
        self.cache_flag = "--no-cache" in run([*self.wmdsl, "check", "--help"]).stdout
        self.no_cache = ["--no-cache"] if self.cache_flag else []
        self.history: dict[str, list[tuple[int, float]]] = {}
        self.notes: list[str] = []
        self.results: dict[str, Any] = {"machine": machine(code), "sizes": [], "notes": self.notes}
        self.results["config"] = {
            "sizes": args.sizes,
            "quick": args.quick,
            "seed": args.seed,
            "tree_files": args.tree_files,
            "shape_n": args.shape_n,
            "shapes": args.shapes,
            "render_budget_s": args.budget,
            "wmdsl": [Path(self.wmdsl[0]).name, *self.wmdsl[1:]],  # the command, not where it lies
        }

    def save(self) -> None:
        self.args.out.write_text(json.dumps(self.results, indent=2) + "\n", encoding="utf-8")

    def predict(self, stage: str, n: int) -> float | None:
        """Seconds ``stage`` should take at ``n``, from the growth seen at the last two sizes."""
        seen = self.history.get(stage, [])
        if not seen:
            return None
        (n2, t2) = seen[-1]
        exponent = 1.0
        if len(seen) > 1:
            (n1, t1) = seen[-2]
            if t1 > 0 and t2 > 0 and n2 > n1:
                exponent = min(3.0, max(1.0, math.log(t2 / t1) / math.log(n2 / n1)))
        return t2 * (n / n2) ** exponent

    def size(self, n: int) -> None:
        repeat = 1 if n >= BIG else 3
        # Runs of well under a second are the noisiest: their best of 7 rounds
        # (each tool once a round) is the one measured.
        rounds = repeat if n > SMALL else 7
        folder = self.work / f"n{n}"
        start = time.perf_counter()
        gen.write(gen.generate(n, 1, self.args.seed), folder)
        spec = folder / "spec.wm"
        text = spec.read_text(encoding="utf-8")
        row: dict[str, Any] = {
            "n": n,
            "repeat": repeat,
            "rounds": rounds,
            "gen_s": round(time.perf_counter() - start, 3),
            "spec_bytes": spec.stat().st_size,
            "spec_lines": text.count("\n"),
            "handoffs": text.count(" -> "),
        }
        del text
        print(f"\n== N={n}: {row['spec_bytes'] / MB:.2f} MB, {row['spec_lines']} lines", flush=True)
        row["stages"] = child("stages", str(spec), "--repeat", str(repeat))
        print(f"   stages: {compact(row['stages'])}", flush=True)
        timeout = self.args.budget + 3 * row["stages"].get("check_in_process", 10) + 30
        if n in TARGET_SIZES:
            timeout += 3 * self.args.budget
        row["render_dot"] = self.render(n, spec, "dot", repeat, None, timeout)
        bpmn = folder / "spec.bpmn"
        row["render_bpmn"] = self.render(n, spec, "bpmn", repeat, bpmn, timeout)
        # wmdsl and bpmnlint take turns, so that a slow spell of the machine
        # slows both of them, not one, and the ratio holds.
        cmd = [*self.wmdsl, "check", "--no-color", *self.no_cache, str(spec)]
        lint = self.bpmnlint_cmd(bpmn) if bpmn.exists() else None
        if isinstance(lint, list):
            check, linted = best_runs(rounds, [cmd, lint], memory=True, cwd=folder, timeout=3600)
            row["bpmnlint"] = self.bpmnlint(bpmn, linted)
        else:
            check = best_run(rounds, cmd, memory=True, cwd=folder)
            row["bpmnlint"] = {"skipped": lint or "no BPMN export"}
        row["check"] = {
            "wall_s": check.wall,
            "cpu_s": check.cpu,
            "exit": check.code,
            "summary": summary_line(check.stdout),
            "peak_rss_bytes": check.peak,
        }
        if check.code != 0:
            row["check"]["stderr"] = check.stderr.strip().splitlines()[-5:]
            self.notes.append(f"N={n}: wmdsl check exited {check.code}: {summary_line(check.stdout)}")
        row["mb_per_s"] = row["spec_bytes"] / MB / check.wall
        in_process = pipeline(row["stages"])
        row["process_overhead_s"] = check.wall - in_process if in_process else None
        row["peak_bytes_per_spec_byte"] = check.peak / row["spec_bytes"] if check.peak else None
        print(
            f"   check: {check.wall:.3f} s (cpu {secs(check.cpu)}), exit {check.code},"
            f" peak {fmt_bytes(check.peak)}",
            flush=True,
        )
        wall, cpu = row["bpmnlint"].get("wall_s"), row["bpmnlint"].get("cpu_s")
        row["bpmnlint_over_wmdsl"] = wall / check.wall if wall else None
        row["bpmnlint_over_wmdsl_cpu"] = cpu / check.cpu if cpu and check.cpu else None
        self.results["sizes"].append(row)
        self.save()

    def render(self, n: int, spec: Path, fmt: str, repeat: int, out: Path | None, timeout: float) -> Any:
        predicted = self.predict(f"render_{fmt}", n)
        needed = fmt == "bpmn" and n in TARGET_SIZES
        if predicted is not None and predicted > self.args.budget and not needed:
            note = f"skipped: predicted {predicted:.0f} s > budget {self.args.budget:.0f} s"
            print(f"   render {fmt}: {note}", flush=True)
            return {"skipped": note, "predicted_s": predicted}
        args = [str(spec), "--repeat", str(repeat), "--format", fmt]
        result = child("render", *args, *(["--to", str(out)] if out else []), timeout=timeout)
        if "seconds" in result:
            self.history.setdefault(f"render_{fmt}", []).append((n, result["seconds"]))
            print(f"   render {fmt}: {result['seconds']:.3f} s, {fmt_bytes(result['bytes'])}", flush=True)
        else:
            print(f"   render {fmt}: {result}", flush=True)
        return result

    def bpmnlint_cmd(self, bpmn: Path) -> list[str] | str:
        """The command that lints ``bpmn`` with the recommended rules (run in its folder), or why none."""
        script = BPMNLINT / "bin" / "bpmnlint.js"
        node = shutil.which("node")
        if node is None or not script.exists():
            return "node or .ci/node/node_modules/bpmnlint is missing"
        (bpmn.parent / ".bpmnlintrc").write_text('{"extends": "bpmnlint:recommended"}\n')
        return [node, str(script), bpmn.name]

    def bpmnlint(self, bpmn: Path, done: Run) -> dict[str, Any]:
        output = done.stdout + done.stderr
        match = re.search(r"(\d+) problems? \((\d+) errors?, (\d+) warnings?\)", output)
        problems = int(match.group(1)) if match else (0 if done.code == 0 else None)
        result = {
            "wall_s": done.wall,
            "cpu_s": done.cpu,
            "exit": done.code,
            "problems": problems,
            "errors": int(match.group(2)) if match else None,
            "warnings": int(match.group(3)) if match else None,
            "peak_rss_bytes": done.peak,
            "bpmn_bytes": bpmn.stat().st_size,
        }
        if problems:
            rules = sorted(set(re.findall(r"\s(\S+)\s*$", output, re.M)) - {"warnings)", "errors)"})
            result["rules"] = rules[:20]
        print(f"   bpmnlint: {done.wall:.3f} s, exit {done.code}, {problems} problems", flush=True)
        return result

    def startup(self) -> None:
        folder = self.work / "small"
        folder.mkdir(exist_ok=True)
        (folder / "small.wm").write_text(SMALL_SPEC, encoding="utf-8")
        cmd = [*self.wmdsl, "check", "--no-color", "small.wm"]
        # Round by round (check, --version, python, cached check), so that a
        # slow spell of the machine slows all of them, not one, and the ratio holds.
        commands = [
            [*cmd[:-1], *self.no_cache, "small.wm"],
            [*self.wmdsl, "--version"],
            [sys.executable, "-c", "pass"],
        ]
        if self.cache_flag:
            commands.append(cmd)
        check, version, python, *rest = best_runs(7, commands, cwd=folder, memory=True)
        cached = rest[0] if rest else None
        self.results["startup"] = {
            "check_20_lines_s": check.wall,
            "check_exit": check.code,
            "check_summary": summary_line(check.stdout),
            "check_peak_rss_bytes": check.peak,
            "version_s": version.wall,
            "python_pass_s": python.wall,
            "cpu_s": {"check": check.cpu, "version": version.cpu, "python_pass": python.cpu},
            "check_over_version": check.wall / version.wall,
            "check_20_lines_cached_s": cached.wall if cached else None,
            "spec_lines": SMALL_SPEC.count("\n"),
        }
        print(f"\n== startup: {compact(self.results['startup'])}", flush=True)
        self.save()

    def recheck(self) -> None:
        files = self.args.tree_files
        tree = self.work / "tree"
        gen.write(gen.generate(20 * (files - 1), files, self.args.seed), tree)
        cache_flag = self.cache_flag
        cold_cmd = [*self.wmdsl, "check", "--no-color", *self.no_cache, "."]
        warm_cmd = [*self.wmdsl, "check", "--no-color", "."]
        cold = best_run(1 if files >= 1000 else 2, cold_cmd, cwd=tree)
        first = run(warm_cmd, cwd=tree)  # writes the cache, if there is one
        warm = best_run(3, warm_cmd, cwd=tree)
        valid = cold.code == first.code == warm.code == 0
        self.results["recheck"] = {
            "files": files,
            "stages": 20 * (files - 1),
            "tree_bytes": sum(p.stat().st_size for p in tree.rglob("*.wm")),
            "cache_flag": cache_flag,
            "cold_s": cold.wall,
            "cold_exit": cold.code,
            "cold_summary": summary_line(cold.stdout),
            "first_cached_run_s": first.wall,
            "recheck_s": warm.wall,
            "cpu_s": {"cold": cold.cpu, "recheck": warm.cpu},
            "recheck_exit": warm.code,
            "recheck_over_cold": warm.wall / cold.wall if valid else None,
        }
        if not valid:
            failed = next(r for r in (cold, first, warm) if r.code != 0)
            self.results["recheck"]["failure"] = (failed.stderr or failed.stdout).strip().splitlines()[-5:]
            self.notes.append(f"re-check tree: a run exited {failed.code}; no ratio (see recheck.failure)")
        if not cache_flag:
            self.notes.append("wmdsl check has no --no-cache flag (no cache yet): re-check = a second run")
        print(f"\n== re-check: {compact(self.results['recheck'])}", flush=True)
        self.save()

    def shapes(self) -> None:
        """``wmdsl check`` on each worst case of ``bench/shapes.py`` at N and 4N: does the time grow 4x?"""
        n = self.args.shape_n
        found: dict[str, Any] = {}
        for kind in self.args.shapes:
            folder = self.work / "shapes" / kind
            paths = []
            for size in (n, 4 * n):
                path = folder / f"{kind}_{size}.wm"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(shapes.shape(kind, size), encoding="utf-8")
                paths.append(path)
            commands = [[*self.wmdsl, "check", "--no-color", *self.no_cache, str(p)] for p in paths]
            small, big = best_runs(2, commands, cwd=folder)
            found[kind] = {
                "n": [n, 4 * n],
                "spec_bytes": [p.stat().st_size for p in paths],
                "wall_s": [small.wall, big.wall],
                "peak_rss_bytes": [small.peak, big.peak],
                "summary": [summary_line(small.stdout), summary_line(big.stdout)],
                "growth": big.wall / small.wall,
                "holds": big.wall / small.wall <= SHAPE_GROWTH,
            }
            growth = found[kind]["growth"]
            print(f"   shape {kind}: {secs(small.wall)} -> {secs(big.wall)}, growth {growth:.2f}", flush=True)
        self.results["shapes"] = found
        self.save()

    def nesting(self) -> None:
        """``wmdsl check`` of files of deeply nested blocks: peak memory per byte, at two sizes."""
        sizes = (1, 4) if self.args.quick else NESTED_MB
        folder = self.work / "nested"
        folder.mkdir(parents=True, exist_ok=True)
        found: dict[str, Any] = {"spec_bytes": [], "wall_s": [], "peak_rss_bytes": [], "summary": []}
        for mb in sizes:
            path = folder / f"nested_{mb}mb.wm"
            path.write_text(shapes.nested(mb * MB), encoding="utf-8")
            done = best_run(2, [*self.wmdsl, "check", "--no-color", *self.no_cache, str(path)], cwd=folder)
            found["spec_bytes"].append(path.stat().st_size)
            found["wall_s"].append(done.wall)
            found["peak_rss_bytes"].append(done.peak)
            found["summary"].append(summary_line(done.stdout))
            print(f"   nested {mb} MB: {secs(done.wall)}, peak {fmt_bytes(done.peak)}", flush=True)
        peaks = [
            p / b if p else None for p, b in zip(found["peak_rss_bytes"], found["spec_bytes"], strict=True)
        ]
        found["peak_bytes_per_spec_byte"] = peaks
        self.results["nesting"] = found
        self.save()

    def diagrams(self) -> None:
        """``wmdsl render --to svg`` and ``wmdsl docs`` of the 1 000- and 10 000-stage specs.

        Both draw every workflow with wmdsl's own layout; the targets are that
        neither grows more than 11 times from 1 000 to 10 000 stages and that
        the handbook of 10 000 stages takes under a minute.
        """
        found: dict[str, Any] = {}
        sizes = (100, 1_000) if self.args.quick else DIAGRAM_SIZES
        for n in sizes:
            folder = self.work / f"n{n}"
            spec = folder / "spec.wm"
            if not spec.exists():
                gen.write(gen.generate(n, 1, self.args.seed), folder)
            rounds = 3 if n <= SMALL else 1
            svg = [*self.wmdsl, "render", "--no-color", "--force", str(spec), "--to", "svg", "-o", "out.svg"]
            docs = [*self.wmdsl, "docs", "--no-color", "--force", str(spec), "-o", "handbook"]
            drawn, built = best_runs(rounds, [svg, docs], memory=True, cwd=folder, timeout=3600)
            found[str(n)] = {
                "render_svg": {"wall_s": drawn.wall, "peak_rss_bytes": drawn.peak, "exit": drawn.code},
                "docs": {"wall_s": built.wall, "peak_rss_bytes": built.peak, "exit": built.code},
                "svg_bytes": (folder / "out.svg").stat().st_size if (folder / "out.svg").exists() else None,
            }
            for name, done in (("render svg", drawn), ("docs", built)):
                if done.code != 0:
                    self.notes.append(f"N={n}: wmdsl {name} exited {done.code}: {done.stderr.strip()[-300:]}")
            print(f"   diagrams N={n}: svg {drawn.wall:.2f} s, docs {built.wall:.2f} s", flush=True)
        small, big = (found[str(n)] for n in sizes)
        if sizes == DIAGRAM_SIZES:
            found["render_svg_10k_over_1k"] = big["render_svg"]["wall_s"] / small["render_svg"]["wall_s"]
            found["docs_10k_over_1k"] = big["docs"]["wall_s"] / small["docs"]["wall_s"]
        self.results["diagrams"] = found
        self.save()

    def linearity(self) -> None:
        """``wmdsl check`` of the 5 000- and the 50 000-stage spec taking turns, the best of each.

        The per-size figures take the 5 000-stage check as the best of 3 and
        the 50 000-stage one as a single run, minutes apart: their ratio
        mixes the machine's spells into the code's growth. Here both sizes
        get the same rounds, side by side.
        """
        specs = [self.work / f"n{n}" / "spec.wm" for n in (5000, BIG)]
        if not all(spec.exists() for spec in specs):
            return
        commands = [[*self.wmdsl, "check", "--no-color", *self.no_cache, str(spec)] for spec in specs]
        small, big = best_runs(LINEAR_ROUNDS, commands, cwd=self.work, timeout=3600)
        found: dict[str, Any] = {
            "rounds": LINEAR_ROUNDS,
            "wall_s": [small.wall, big.wall],
            "cpu_s": [small.cpu, big.cpu],
            "exit": [small.code, big.code],
            "wall_50k_over_5k": big.wall / small.wall,
        }
        if small.cpu and big.cpu:
            found["cpu_50k_over_5k"] = big.cpu / small.cpu
        self.results["linearity_runs"] = found
        print(f"\n== linearity, side by side: {compact(found)}", flush=True)
        self.save()

    def finish(self) -> None:
        rows = {row["n"]: row for row in self.results["sizes"]}
        linear: dict[str, Any] = {}
        side_by_side = self.results.get("linearity_runs", {})
        if "wall_50k_over_5k" in side_by_side:
            linear["check_wall_50k_over_5k"] = side_by_side["wall_50k_over_5k"]
            if "cpu_50k_over_5k" in side_by_side:
                linear["check_cpu_50k_over_5k"] = side_by_side["cpu_50k_over_5k"]
        if 5000 in rows and BIG in rows:
            small, big = rows[5000], rows[BIG]
            linear["check_wall_50k_over_5k_by_size"] = big["check"]["wall_s"] / small["check"]["wall_s"]
            linear.setdefault("check_wall_50k_over_5k", linear["check_wall_50k_over_5k_by_size"])
            totals = [pipeline(small["stages"]), pipeline(big["stages"])]
            if all(totals):
                linear["pipeline_50k_over_5k"] = totals[1] / totals[0]
        self.results["linearity"] = linear
        self.results["targets"] = targets(self.results)
        self.results["machine"]["loadavg_end"] = os.getloadavg()
        if self.results["machine"]["code"] == "worktree":
            self.results["machine"]["src_fingerprint_end"] = fingerprint()
            if fingerprint() != self.results["machine"]["src_fingerprint"]:
                self.notes.append("src/ or the grammar changed during the run: figures mix code versions")
        self.save()


def pipeline(stages: dict[str, Any]) -> float | None:
    """What ``wmdsl check`` spends on one file in process (``api.check``)."""
    value = stages.get("check_in_process")
    return value if isinstance(value, float) else None


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's targets, each with the measured value and whether it holds."""
    rows = {row["n"]: row for row in results["sizes"]}

    def at(n: int, get: Callable[[dict[str, Any]], Any]) -> Any:
        return get(rows[n]) if n in rows else None

    startup, recheck = results.get("startup", {}), results.get("recheck", {})
    diagrams = results.get("diagrams", {})
    docs_10k = diagrams.get(str(DIAGRAM_SIZES[-1]), {}).get("docs", {}).get("wall_s")
    linearity = results.get("linearity", {})
    nested = (results.get("nesting", {}).get("peak_bytes_per_spec_byte") or [None])[-1]
    found = [
        ("bpmnlint / wmdsl check at N=100", ">= 3", at(100, lambda r: r["bpmnlint_over_wmdsl"]), 3, True),
        ("bpmnlint / wmdsl check at N=10000", ">= 3", at(10000, lambda r: r["bpmnlint_over_wmdsl"]), 3, True),
        ("throughput at N=50000 (MB/s)", ">= 1", at(BIG, lambda r: r["mb_per_s"]), 1, True),
        ("t(50k) / t(5k), wmdsl check", "<= 11", linearity.get("check_wall_50k_over_5k"), 11, False),
        (
            "peak memory per spec byte at N=50000",
            "<= 25",
            at(BIG, lambda r: r["peak_bytes_per_spec_byte"]),
            25,
            False,
        ),
        (
            "peak memory per byte of nested blocks, largest file",
            f"<= {NESTED_BYTES_PER_BYTE}",
            nested,
            NESTED_BYTES_PER_BYTE,
            False,
        ),
        ("re-check of unchanged tree / cold", "<= 0.10", recheck.get("recheck_over_cold"), 0.10, False),
        ("20-line check / wmdsl --version", "<= 1.5", startup.get("check_over_version"), 1.5, False),
        ("wmdsl docs at N=10000 (s)", f"< {DOCS_SECONDS}", docs_10k, DOCS_SECONDS, False),
        (
            "t(10k) / t(1k), render --to svg",
            f"<= {DIAGRAM_GROWTH}",
            diagrams.get("render_svg_10k_over_1k"),
            DIAGRAM_GROWTH,
            False,
        ),
        (
            "t(10k) / t(1k), docs",
            f"<= {DIAGRAM_GROWTH}",
            diagrams.get("docs_10k_over_1k"),
            DIAGRAM_GROWTH,
            False,
        ),
    ]
    out = []
    for name, target, value, bound, at_least in found:
        holds = None if value is None else (value >= bound if at_least else value <= bound)
        out.append({"target": name, "want": target, "value": value, "holds": holds})
    return out


def fingerprint() -> str:
    """A hash of the code under test (src/ and the grammar), to spot changes during a run."""
    digest = hashlib.sha1()
    for path in sorted([*(ROOT / "src").rglob("*.py"), *(ROOT / "grammar").glob("*.lark")]):
        digest.update(path.relative_to(ROOT).as_posix().encode())
        with contextlib.suppress(OSError):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def snapshot(rev: str, into: Path) -> dict[str, Any]:
    """Extract ``src/`` and ``grammar/`` at ``rev`` into ``into`` and measure that code.

    Every process the benchmark starts (children, ``wmdsl check``) then imports
    wmdsl from the snapshot (``PYTHONPATH`` comes before the editable install),
    so edits to the working tree during a long run do not mix code versions.
    """
    commit = run(["git", "-C", str(ROOT), "rev-parse", "--verify", f"{rev}^{{commit}}"]).stdout.strip()
    if not commit:
        raise SystemExit(f"run.py: --code {rev}: not a commit")
    into.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit, "src", "grammar"], capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    # Compiled once, as `pip install` does: every process then loads bytecode.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(into / "src")], check=True)
    paths = [str(into / "src"), os.environ.get("PYTHONPATH")]
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    subject = run(["git", "-C", str(ROOT), "log", "-1", "--format=%s", commit]).stdout.strip()
    return {"code": "snapshot", "git_commit": commit[:12], "git_subject": subject}


def worktree() -> dict[str, Any]:
    """Measure the working tree as it is (it may change during the run)."""
    head = run(["git", "-C", str(ROOT), "rev-parse", "--short=12", "HEAD"]).stdout.strip()
    dirty = run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "src", "grammar"]).stdout.strip()
    return {
        "code": "worktree",
        "git_commit": head,
        "src_dirty": bool(dirty),
        "src_fingerprint": fingerprint(),
    }


def python_loop() -> float:
    """Seconds for the interpreter to run a fixed loop (best of 3): how fast this Python is here.

    The same code runs at very different speeds on different machines and on
    different builds of the same Python version (one built without profile-
    guided optimisation runs this loop, and wmdsl, a third or more slower):
    the figure makes runs comparable that their date and CPU do not.
    """
    best = math.inf
    for _ in range(3):
        start = time.perf_counter()
        total = 0
        for i in range(3_000_000):
            total += i
        best = min(best, time.perf_counter() - start)
    return round(best, 4)


def machine(code: dict[str, Any]) -> dict[str, Any]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        memory = int(Path("/proc/meminfo").read_text().split()[1]) * 1024
    info: dict[str, Any] = {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_bytes": memory,
        "python": platform.python_version(),
        "python_build": " ".join([*platform.python_build(), platform.python_compiler()]),
        "python_loop_s": python_loop(),
        "platform": platform.platform(),
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "loadavg_start": os.getloadavg(),
    }
    version = run([*wmdsl_cmd(), "--version"]).stdout.split()  # wmdsl 0.1.0 (language …, JSON Schema …)
    info["wmdsl"] = version[1] if len(version) > 1 else None
    info.update(code)
    node = shutil.which("node")
    info["node"] = run([node, "--version"]).stdout.strip() if node else None
    with contextlib.suppress(OSError, ValueError):
        info["bpmnlint"] = json.loads((BPMNLINT / "package.json").read_text())["version"]
    return info


# -- printing -----------------------------------------------------------------------------------


def fmt_bytes(value: float | None) -> str:
    if value is None:
        return "-"
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if value >= size:
            return f"{value / size:.1f} {unit}"
    return f"{value:.0f} B"


def secs(value: Any) -> str:
    if isinstance(value, dict):
        if "seconds" in value:
            return secs(value["seconds"])
        return "skip" if "skipped" in value else "err"
    if value is None:
        return "-"
    return f"{value * 1000:.0f}ms" if value < 1 else f"{value:.2f}s"


def ratio(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def compact(values: dict[str, Any]) -> str:
    parts = []
    for key, value in values.items():
        shown = f"{value:.4g}" if isinstance(value, float) else value
        parts.append(f"{key}={shown}")
    return ", ".join(parts)


def report(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        f"\nwmdsl {m.get('wmdsl')} ({m['code']} {m.get('git_commit')}"
        f"{', src dirty' if m.get('src_dirty') else ''}) — "
        f"{m['cpu']}, {m['cores']} cores, Python {m['python']}"
        f" (fixed loop {m.get('python_loop_s', 0):.3f} s), {m['date']}",
        "",
    ]
    if results["sizes"]:
        columns = "     N   spec    read   parse resolve   graph   rules   other     dot    bpmn"
        lines.append(f"{columns} |  check    cpu  MB/s     peak  B/B | bpmnlint probl ratio")
    for row in results["sizes"]:
        s = row["stages"]
        lint = row["bpmnlint"]
        cells = [secs(s.get(k)) for k in ("read", "parse", "resolve", "graph", "rules", "other")]
        cells += [secs(row["render_dot"]), secs(row["render_bpmn"])]
        lines.append(
            f"{row['n']:>6} {fmt_bytes(row['spec_bytes']):>6} "
            + " ".join(f"{c:>7}" for c in cells)
            + f" | {secs(row['check']['wall_s']):>6} {secs(row['check'].get('cpu_s')):>6}"
            f" {ratio(row['mb_per_s'], 2):>5}"
            f" {fmt_bytes(row['check']['peak_rss_bytes']):>8} {ratio(row['peak_bytes_per_spec_byte'], 0):>4}"
            f" | {secs(lint.get('wall_s')):>8} {lint.get('problems', '-')!s:>5}"
            f" {ratio(row['bpmnlint_over_wmdsl'], 2):>5}"
        )
    if "startup" in results:
        st = results["startup"]
        lines.append(
            f"\nstartup: check 20 lines {secs(st['check_20_lines_s'])},"
            f" wmdsl --version {secs(st['version_s'])}, python -c pass {secs(st['python_pass_s'])};"
            f" check/version = {st['check_over_version']:.2f};"
            f" cached check {secs(st.get('check_20_lines_cached_s'))}"
        )
    if results.get("shapes"):
        lines.append(f"worst cases (bench/shapes.py): wmdsl check at N and 4N, want growth <= {SHAPE_GROWTH}")
        for kind, sh in results["shapes"].items():
            small, big = sh["wall_s"]
            lines.append(
                f"  {kind:<11} {sh['n'][0]:>6} {secs(small):>7} {sh['n'][1]:>6} {secs(big):>7}"
                f"  growth {sh['growth']:.2f} {'ok' if sh['holds'] else 'FAIL'}  ({sh['summary'][1]})"
            )
    if results.get("nesting"):
        ne = results["nesting"]
        cells = [
            f"{fmt_bytes(b)} {secs(w)} peak {fmt_bytes(p)} ({ratio(r, 1)} B/B)"
            for b, w, p, r in zip(
                ne["spec_bytes"],
                ne["wall_s"],
                ne["peak_rss_bytes"],
                ne["peak_bytes_per_spec_byte"],
                strict=True,
            )
        ]
        lines.append(f"nested blocks (bench/shapes.py nested): {'; '.join(cells)}")
    if "recheck" in results:
        rc = results["recheck"]
        lines.append(
            f"re-check {rc['files']} files ({fmt_bytes(rc['tree_bytes'])}): cold {secs(rc['cold_s'])},"
            f" unchanged {secs(rc['recheck_s'])}, ratio {ratio(rc['recheck_over_cold'], 2)}"
            f" (cache flag: {'yes' if rc['cache_flag'] else 'no'})"
        )
    for n, row in results.get("diagrams", {}).items():
        if isinstance(row, dict):
            lines.append(
                f"diagrams N={n}: render --to svg {secs(row['render_svg']['wall_s'])}"
                f" (peak {fmt_bytes(row['render_svg']['peak_rss_bytes'])}),"
                f" docs {secs(row['docs']['wall_s'])} (peak {fmt_bytes(row['docs']['peak_rss_bytes'])})"
            )
    for key, value in results.get("linearity", {}).items():
        lines.append(f"linearity {key} = {value:.2f}")
    lines.append("\ntargets:")
    for t in results.get("targets", []):
        mark = {True: "ok  ", False: "FAIL", None: "n/a "}[t["holds"]]
        value = "-" if t["value"] is None else f"{t['value']:.3g}"
        lines.append(f"  [{mark}] {t['target']}: {value} (want {t['want']})")
    lines += [f"note: {note}" for note in results.get("notes", [])]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", help="comma-separated stage counts (default 100,1000,10000,50000)")
    parser.add_argument("--quick", action="store_true", help="smoke test: sizes 100,1000 and a 100-file tree")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="where to write the results (default bench/results.json)")
    parser.add_argument("--budget", type=float, default=600, help="max seconds for one render (default 600)")
    parser.add_argument("--tree-files", type=int, help="files in the re-check tree (default 1000, quick 100)")
    parser.add_argument("--shape-n", type=int, help=f"N of the worst cases (default {SHAPE_N}, quick 500)")
    parser.add_argument(
        "--shapes", help=f"comma-separated worst cases (default all: {','.join(shapes.SHAPES)})"
    )
    parser.add_argument(
        "--shapes-only",
        action="store_true",
        help="measure the worst cases only and print them (--out to keep the results)",
    )
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    parser.add_argument(
        "--code",
        default="HEAD",
        help="measure this commit (default HEAD, extracted to a temporary folder) or 'worktree' as it is",
    )
    parser.add_argument("--child", nargs=2, metavar=("KIND", "SPEC"), help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int, default=3, help=argparse.SUPPRESS)
    parser.add_argument("--format", default="dot", help=argparse.SUPPRESS)
    parser.add_argument("--to", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, spec = args.child[0], Path(args.child[1])
        if kind == "stages":
            result = child_stages(spec, args.repeat)
        else:
            result = child_render(spec, args.format, args.repeat, args.to)
        print(json.dumps(result))
        return 0
    default = "100,1000" if args.quick else "100,1000,10000,50000"
    args.sizes = sorted({int(n) for n in (args.sizes or default).split(",")})
    if BIG in args.sizes and 5000 not in args.sizes:
        args.sizes = sorted([*args.sizes, 5000])
    args.tree_files = args.tree_files or (100 if args.quick else 1000)
    args.shape_n = args.shape_n or (500 if args.quick else SHAPE_N)
    args.shapes = args.shapes.split(",") if args.shapes else list(shapes.SHAPES)
    unknown = [kind for kind in args.shapes if kind not in shapes.SHAPES]
    if unknown:
        parser.error(f"unknown shape {unknown[0]!r} (one of {', '.join(shapes.SHAPES)})")
    # Measure wmdsl as installed: with bytecode. An environment that turns
    # writing it off would make every process compile wmdsl from source.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    with contextlib.ExitStack() as stack:
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            work = args.keep
        else:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="wmdsl-bench-")))
        if args.out is None:  # a run of the worst cases alone does not replace the full results
            args.out = work / "results.json" if args.shapes_only else HERE / "results.json"
        code = worktree() if args.code == "worktree" else snapshot(args.code, work / "code")
        bench = Bench(args, work, code)
        if not args.shapes_only:
            bench.startup()
            for n in args.sizes:
                bench.size(n)
            bench.linearity()
            bench.recheck()
            bench.diagrams()
        bench.shapes()
        bench.nesting()
        bench.finish()
    print(report(bench.results))
    if args.out.exists():  # not when it went with the temporary work folder
        print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
