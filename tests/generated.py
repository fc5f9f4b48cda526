"""The benchmark's spec generator (``bench/gen.py``), loaded for tests that need big, realistic specs."""

from __future__ import annotations

import functools
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

GEN = Path(__file__).resolve().parent.parent / "bench" / "gen.py"


@functools.cache
def bench_gen() -> ModuleType:
    """``bench/gen.py`` as a module."""
    spec = importlib.util.spec_from_file_location("bench_gen", GEN)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_gen"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def generated_spec(stages: int, seed: int = 5) -> str:
    """The text of a one-file generated spec of ``stages`` stages."""
    return str(bench_gen().generate(stages, 1, seed=seed)["spec.wm"])
