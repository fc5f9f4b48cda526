"""The result cache: same answers as a fresh check, invalidated by any relevant change."""

from __future__ import annotations

from pathlib import Path

import pytest

from wmdsl import api
from wmdsl.cache import FOLDER

SHARED = 'person @ana "Ana"\nlane desk "Desk" { owner @ana; members @ana }\n'
MAIN = 'import "shared.wm"\nlane back "Back" { members @ana }\n'


@pytest.fixture
def tree(project: Path) -> Path:
    (project / "shared.wm").write_text(SHARED, encoding="utf-8")
    (project / "main.wm").write_text(MAIN, encoding="utf-8")
    return project


def run() -> api.Report:
    return api.check(["main.wm"], cache=True)


def records(project: Path) -> list[Path]:
    return sorted((project / FOLDER).rglob("*.json"))


def test_a_hit_reports_exactly_what_a_fresh_check_does(tree: Path) -> None:
    fresh = api.check(["main.wm"])
    first = run()
    assert len(records(tree)) == 1
    second = run()
    assert first.diagnostics == second.diagnostics == fresh.diagnostics
    assert second.sources.keys() <= first.sources.keys()
    assert (tree / FOLDER / ".gitignore").read_text().endswith("*\n")


def test_a_changed_import_invalidates(tree: Path) -> None:
    assert [d.code for d in run().diagnostics] == ["CLR001"]
    (tree / "shared.wm").write_text(SHARED + 'lane extra "Extra" { members @ana }\n', encoding="utf-8")
    assert [d.code for d in run().diagnostics] == ["CLR001", "CLR001"]


def test_a_changed_configuration_invalidates(tree: Path) -> None:
    assert [d.code for d in run().diagnostics] == ["CLR001"]
    (tree / "wmdsl.toml").write_text('select = ["CLR002"]\n', encoding="utf-8")
    assert run().diagnostics == []


def test_a_corrupt_record_is_a_miss(tree: Path) -> None:
    run()
    for record in records(tree):
        record.write_text("{not json", encoding="utf-8")
    assert [d.code for d in run().diagnostics] == ["CLR001"]


def test_without_cache_nothing_is_written(tree: Path) -> None:
    api.check(["main.wm"])
    assert not (tree / FOLDER).exists()


def test_a_shared_import_is_hashed_once_per_run(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from wmdsl import cache

    for index in range(3):
        (tree / f"main{index}.wm").write_text(MAIN, encoding="utf-8")
    files = ["main.wm", "main0.wm", "main1.wm", "main2.wm"]
    api.check(files, cache=True)
    hashed: list[bytes] = []
    real = cache._digest
    monkeypatch.setattr(cache, "_digest", lambda data: hashed.append(data) or real(data))
    assert api.check(files, cache=True).diagnostics == api.check(files).diagnostics
    assert hashed.count(SHARED.encode("utf-8")) == 1
