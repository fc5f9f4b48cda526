"""Atomic output writing: whole files, usual permissions, nothing left behind."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from wmdsl.project.files import write_atomic


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_output_gets_the_mode_open_would_give_it(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "out.svg", "<svg/>")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "out.svg") == 0o644  # readable by a web server, not private


def test_a_replaced_output_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "board.json"
    target.write_text("{}")
    target.chmod(0o640)
    write_atomic(target, b"[]")
    assert target.read_bytes() == b"[]"
    assert _mode(target) == 0o640


def test_no_temporary_file_is_left_behind(tmp_path: Path) -> None:
    write_atomic(tmp_path / "a" / "b.md", "# hi\n")
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["b.md"]


def test_a_failed_write_keeps_the_previous_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.dot"
    target.write_text("digraph old {}")

    def broken_replace(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, "digraph new {}")
    assert target.read_text() == "digraph old {}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.dot"]
