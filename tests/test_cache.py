"""The result cache: the same report as a fresh check, whatever a pull request plants or changes.

Every test that uses the cache compares with a check that does not
(``fresh``): a cache may only ever save time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from wmdsl import api
from wmdsl.output import FORMATTERS
from wmdsl.project import cache

SHARED = 'person @ana "Ana"\nlane desk "Desk" { owner @ana; members @ana }\n'
MAIN = 'import "shared.wm"\nlane back "Back" { members @ana }\n'
BROKEN = "workflow w {\n  owner @nobody\n  a -> b\n  c -> d\n}\n"


@pytest.fixture
def tree(project: Path) -> Path:
    (project / "shared.wm").write_text(SHARED, encoding="utf-8")
    (project / "main.wm").write_text(MAIN, encoding="utf-8")
    return project


def run(*paths: str) -> api.Report:
    return api.check(list(paths or ["main.wm"]), cache=True)


def fresh(*paths: str) -> api.Report:
    return api.check(list(paths or ["main.wm"]))


def records(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.json"))


def same(report: api.Report, expected: api.Report) -> None:
    """Two reports say the same in every format."""
    for name, formatter in sorted(FORMATTERS.items()):
        assert formatter(report, False) == formatter(expected, False), name


def test_a_hit_reports_exactly_what_a_fresh_check_does(tree: Path, private_cache: Path) -> None:
    first = run()
    assert len(records(private_cache)) == 1
    second = run()
    same(second, fresh())
    assert first.diagnostics == second.diagnostics


def test_nothing_is_read_from_or_written_into_the_tree(tree: Path, private_cache: Path) -> None:
    run()
    assert not list(tree.rglob("*.json"))
    assert not (tree / ".wmdsl_cache").exists()
    assert records(private_cache)


def test_a_committed_cache_folder_is_ignored(project: Path) -> None:
    (project / "main.wm").write_text(BROKEN, encoding="utf-8")
    planted = project / ".wmdsl_cache" / "v1" / "ab"
    planted.mkdir(parents=True)
    forged = {"shown": "main.wm", "deps": [], "diagnostics": [], "sources": {}, "fail_on": "error"}
    for name in ("ab" + "0" * 62, "ab" + "f" * 62):
        (planted / f"{name}.json").write_text(json.dumps(forged), encoding="utf-8")
    report = run()
    same(report, fresh())
    assert report.exit_code() == 1


def test_a_forged_record_is_never_believed(tree: Path, private_cache: Path) -> None:
    (tree / "main.wm").write_text(SHARED, encoding="utf-8")
    run()
    (tree / "main.wm").write_text(BROKEN, encoding="utf-8")
    (record,) = records(private_cache)
    signature, _, payload = record.read_bytes().partition(b"\n")
    data = json.loads(payload)
    data["reads"] = []  # no dependency left to notice the change
    tampered = json.dumps(data, sort_keys=True).encode()
    record.write_bytes(signature + b"\n" + tampered)
    same(run(), fresh())
    # Signed with a key of the forger's own: still not believed.
    store = cache.Cache(Path(str(tree)).resolve(), b"k" * 32, private_cache, api.Limits())
    record.write_bytes(store._sign(tampered).encode() + b"\n" + tampered)
    report = run()
    same(report, fresh())
    assert report.exit_code() == 1


def test_a_corrupt_record_is_a_miss(tree: Path, private_cache: Path) -> None:
    run()
    for record in records(private_cache):
        record.write_text("{not json", encoding="utf-8")
    same(run(), fresh())


def test_a_changed_import_invalidates(tree: Path) -> None:
    assert [d.code for d in run().diagnostics] == ["CLR001"]
    (tree / "shared.wm").write_text(SHARED + 'lane extra "Extra" { members @ana }\n', encoding="utf-8")
    assert [d.code for d in run().diagnostics] == ["CLR001", "CLR001"]


def test_a_changed_configuration_invalidates(tree: Path) -> None:
    assert [d.code for d in run().diagnostics] == ["CLR001"]
    (tree / "wmdsl.toml").write_text('select = ["CLR002"]\n', encoding="utf-8")
    assert run().diagnostics == []


def test_a_re_pointed_link_invalidates(project: Path) -> None:
    for version, text in (("v1", SHARED), ("v2", "lane desk {\n")):
        (project / version).mkdir()
        (project / version / "x.wm").write_text(text, encoding="utf-8")
    (project / "lib").symlink_to("v1")
    (project / "main.wm").write_text('import "lib/x.wm"\n', encoding="utf-8")
    assert run().exit_code() == 0
    (project / "lib").unlink()
    (project / "lib").symlink_to("v2")
    report = run()
    same(report, fresh())
    assert report.exit_code() == 1


def test_a_linked_entry_file_re_pointed_invalidates(project: Path) -> None:
    (project / "good.wm").write_text(SHARED, encoding="utf-8")
    (project / "bad.wm").write_text(BROKEN, encoding="utf-8")
    (project / "main.wm").symlink_to("good.wm")
    assert run().exit_code() == 0
    (project / "main.wm").unlink()
    (project / "main.wm").symlink_to("bad.wm")
    same(run(), fresh())


def test_an_edit_during_the_check_is_never_stored_as_the_new_content(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The file is broken when the cache is asked, and fixed before the check
    # reads it: what is stored must be the result for the fixed text only.
    (tree / "main.wm").write_text(BROKEN, encoding="utf-8")
    looked_up = api._Job.cached

    def edit_after_lookup(job: api._Job, path: Path) -> object:
        found = looked_up(job, path)
        (tree / "main.wm").write_text(SHARED, encoding="utf-8")
        return found

    with monkeypatch.context() as patched:
        patched.setattr(api._Job, "cached", edit_after_lookup)
        assert run().exit_code() == 0
    (tree / "main.wm").write_text(BROKEN, encoding="utf-8")
    report = run()
    same(report, fresh())
    assert report.exit_code() == 1


def test_an_import_created_later_invalidates(project: Path) -> None:
    (project / "main.wm").write_text('import "later.wm"\n' + SHARED, encoding="utf-8")
    assert [d.code for d in run().diagnostics] == ["SYN009"]
    (project / "later.wm").write_text('person @bo "Bo"\n', encoding="utf-8")
    report = run()
    same(report, fresh())
    assert report.diagnostics == []


def test_a_run_from_another_folder_shows_its_own_paths(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tree / "specs").mkdir()
    (tree / "specs" / "c.wm").write_text(BROKEN, encoding="utf-8")
    monkeypatch.chdir(tree.parent)
    run(f"{tree.name}/specs/c.wm")
    monkeypatch.chdir(tree)
    report = run("specs/c.wm")
    same(report, fresh("specs/c.wm"))
    assert {d.span.file for d in report.diagnostics} == {"specs/c.wm"}


def test_a_shared_import_is_hashed_once_per_run(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for index in range(3):
        (tree / f"main{index}.wm").write_text(MAIN, encoding="utf-8")
    files = ["main.wm", "main0.wm", "main1.wm", "main2.wm"]
    run(*files)
    hashed: list[bytes] = []
    real = cache.digest
    monkeypatch.setattr(cache, "digest", lambda data: hashed.append(data) or real(data))
    same(run(*files), fresh(*files))
    assert hashed.count(SHARED.encode("utf-8")) == 1


def test_a_key_others_can_read_disables_the_cache(tree: Path, private_cache: Path) -> None:
    run()
    for record in records(private_cache):
        record.unlink()
    (private_cache / cache.SECRET_NAME).chmod(0o644)
    same(run(), fresh())
    assert records(private_cache) == []


def test_hashing_never_reads_past_the_size_limit(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "wmdsl.toml").write_text("[limits]\nmax-file-size = 1000\n", encoding="utf-8")
    (project / "main.wm").write_bytes(b"#" * 5_000_000)
    read: list[int] = []
    real_read = os.read

    def counted(fd: int, n: int) -> bytes:
        data = real_read(fd, n)
        read.append(len(data))
        return data

    monkeypatch.setattr(os, "read", counted)
    assert [d.code for d in run().diagnostics] == ["SYN014"]
    assert [d.code for d in run().diagnostics] == ["SYN014"]
    assert sum(read) < 10_000  # a few bounded reads (the key, a record), never the whole file


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX feature")
def test_a_named_pipe_is_refused_not_waited_on(project: Path, private_cache: Path) -> None:
    os.mkfifo(project / "fifo.wm")
    done = subprocess.run(
        [sys.executable, "-m", "wmdsl", "check", "fifo.wm"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "WMDSL_CACHE_DIR": str(private_cache)},
    )
    assert done.returncode == 1, done.stderr
    assert "not a regular file" in done.stdout


def test_a_link_re_pointed_between_two_missing_files_invalidates(project: Path) -> None:
    # Missing before and after, but the message names where the import led.
    (project / "sub").mkdir()
    (project / "link").symlink_to("sub")
    (project / "main.wm").write_text('import "link/c.wm"\n', encoding="utf-8")
    assert "sub/c.wm" in run().diagnostics[0].hint
    (project / "link").unlink()
    (project / "link").symlink_to(".")
    report = run()
    same(report, fresh())
    assert "sub/" not in report.diagnostics[0].hint


def test_a_did_you_mean_from_a_folder_listing_is_never_replayed(project: Path, private_cache: Path) -> None:
    # The hint for a misspelt import comes from what the folder holds, which a
    # record cannot check again: such a result is not stored.
    (project / "peoples.wm").write_text(SHARED, encoding="utf-8")
    (project / "main.wm").write_text('import "peple.wm"\n', encoding="utf-8")
    first = run()
    assert "did you mean `peoples.wm`?" in (first.diagnostics[0].hint or "")
    assert records(private_cache) == []
    (project / "people.wm").write_text(SHARED, encoding="utf-8")
    again = run()
    same(again, fresh())
    assert "did you mean `people.wm`?" in (again.diagnostics[0].hint or "")


def _check_command(*args: str) -> str:
    from click.testing import CliRunner

    from wmdsl.cli import cli

    done = CliRunner().invoke(cli, ["check", *args])
    assert done.exception is None or isinstance(done.exception, SystemExit), done.output
    return done.output


def _no_fresh_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: object, path: Path) -> None:
        raise AssertionError(f"{path} was checked again: the cache should have answered")

    monkeypatch.setattr(api._Job, "check", refuse)


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "github", "gitlab", "junit"])
def test_a_hit_from_inside_the_repository_shows_the_path_given_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output_format: str
) -> None:
    # The record is made from the folder above the repository and read from inside it.
    repository = tmp_path / "repo"
    (repository / ".git").mkdir(parents=True)
    (repository / "specs").mkdir()
    (repository / "specs" / "c.wm").write_text(BROKEN, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    first = _check_command("repo/specs/c.wm", "--format", output_format)
    # SARIF and GitLab name files from the top of the repository wherever the run is.
    assert ("repo/specs/c.wm" in first) is (output_format not in ("sarif", "gitlab"))
    monkeypatch.chdir(repository)
    expected = _check_command("specs/c.wm", "--format", output_format, "--no-cache")
    _no_fresh_checks(monkeypatch)
    shown = _check_command("specs/c.wm", "--format", output_format)
    assert shown == expected
    assert "specs/c.wm" in shown
    assert "repo/specs" not in shown
    if output_format == "github":
        assert {line.split("file=")[1].split(",")[0] for line in shown.splitlines()} == {"specs/c.wm"}


def test_a_configuration_named_relative_to_the_run_is_keyed_by_where_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two configuration files alike, each applying per-file-ignores below its own
    # folder: `--config wmdsl.toml` names one from above and the other from inside.
    settings = '[per-file-ignores]\n"specs/*.wm" = ["FLW"]\n'
    (tmp_path / "wmdsl.toml").write_text(settings, encoding="utf-8")
    inner = tmp_path / "sub"
    (inner / "specs").mkdir(parents=True)
    (inner / "wmdsl.toml").write_text(settings, encoding="utf-8")
    (inner / "specs" / "c.wm").write_text(
        'workflow w {\n  owner @n\n  person @n "N"\n  stage a "A"\n}\n', encoding="utf-8"
    )
    configured = api.Overrides(config=Path("wmdsl.toml"))
    monkeypatch.chdir(tmp_path)
    above = api.check(["sub/specs/c.wm"], overrides=configured, cache=True)
    assert any(d.code.startswith("FLW") for d in above.diagnostics)
    monkeypatch.chdir(inner)
    inside = api.check(["specs/c.wm"], overrides=configured, cache=True)
    same(inside, api.check(["specs/c.wm"], overrides=configured))
    assert not any(d.code.startswith("FLW") for d in inside.diagnostics)
