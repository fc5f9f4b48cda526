"""Shared fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE_RULES = (
    "CLR001",
    "CLR002",
    "CLR003",
    "CLR004",
    "SYS001",
    "SYS002",
    "FLW001",
    "FLW002",
    "FLW003",
    "FLW004",
    "SYN013",
)


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test keeps its cached results (and the key that signs them) to itself."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("WMDSL_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty project folder (with a root marker) as the working directory."""
    # Tests of the CLI and the front end pin the rule set they were written
    # against, so that new rules do not change what they expect.
    (tmp_path / "wmdsl.toml").write_text(
        f"select = {list(CORE_RULES)!r}\n".replace("'", '"'), encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _register_fuzz_profiles() -> None:
    """Hypothesis profiles for tests/test_fuzz.py (docs/fuzzing.md); pick one with WMDSL_FUZZ_PROFILE."""
    import os

    from hypothesis import HealthCheck, settings

    relaxed = [HealthCheck.too_slow, HealthCheck.data_too_large]
    settings.register_profile(
        # Derandomized: CI explores the same examples every run, so a result
        # is reproducible; the nightly profile explores new ones.
        "ci",
        max_examples=30,
        deadline=None,
        print_blob=True,
        suppress_health_check=relaxed,
        derandomize=True,
    )
    settings.register_profile(
        "nightly", max_examples=2000, deadline=None, print_blob=True, suppress_health_check=relaxed
    )
    settings.load_profile(os.environ.get("WMDSL_FUZZ_PROFILE", "ci"))


_register_fuzz_profiles()
