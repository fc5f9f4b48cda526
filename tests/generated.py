"""The benchmark's spec generator (``bench/gen.py``), loaded for tests that need big, realistic specs."""

from __future__ import annotations

import functools
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parent.parent / "bench"


@functools.cache
def _bench_module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[f"bench_{name}"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def bench_gen() -> ModuleType:
    """``bench/gen.py`` as a module."""
    return _bench_module("gen")


def shape_spec(kind: str, stages: int) -> str:
    """The text of a worst-case spec of ``bench/shapes.py`` (``islands``, ``fan``, ``traps``, ...)."""
    return str(_bench_module("shapes").shape(kind, stages))


def nested_spec(size: int) -> str:
    """About ``size`` bytes of blocks nested in each other (``bench/shapes.py``'s ``nested``)."""
    return str(_bench_module("shapes").nested(size))


def generated_spec(stages: int, seed: int = 5) -> str:
    """The text of a one-file generated spec of ``stages`` stages."""
    return str(bench_gen().generate(stages, 1, seed=seed)["spec.wm"])


def loop_spec(stages: int) -> str:
    """One lane's chain of ``stages`` stages, each of which may send work back to the first.

    The whole chain is one strongly connected component: the shape that makes
    cycle finding, reachability and the traffic equations show their cost.
    """
    lines = [
        'workflow w "W" {',
        "  owner @a",
        '  person @a "A"',
        '  lane l "L" { owner @a; members @a }',
        '  intake inbox "Inbox" { owner @a; arrivals 1 per week }',
        *(f'  stage s{i} "S{i}" in l {{ wip 3; effort 1h }}' for i in range(stages)),
        '  exit done "Done"',
        '  exit refused "Refused" { kind rejected }',
        "  inbox -> s0",
        "  s0 -> refused { chance 5% }",
    ]
    for i in range(stages - 1):
        lines.append(f"  s{i} -> s{i + 1}")
        if i:
            lines.append(f"  s{i} -> s0 {{ rework; chance 5% }}")
    lines += [f"  s{stages - 1} -> done", "}"]
    return "\n".join(lines) + "\n"
