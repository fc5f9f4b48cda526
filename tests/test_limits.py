"""Limits, odd files and text encodings: clear diagnostics in bounded time and memory."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from wmdsl import api
from wmdsl.output.text import format_text

VALID = 'person @ana "Ana"\nlane desk "Desk" { owner @ana; members @ana }\n'


def codes(report: api.Report) -> list[tuple[str, int, int]]:
    return [(d.code, d.span.line, d.span.col) for d in report.diagnostics]


def test_fifty_megabyte_file_is_refused_quickly(project: Path) -> None:
    big = project / "big.wm"
    with big.open("wb") as stream:
        chunk = b"# " + b"x" * 1022 + b"\n"
        for _ in range(50 * 1024):
            stream.write(chunk)
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "wmdsl", "check", "--no-color", str(big)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert time.monotonic() - started < 60
    assert result.returncode == 1
    assert "SYN014 [error] file is larger than the limit of 16 MiB" in result.stdout
    assert "Traceback" not in result.stderr


def test_limits_are_configurable(project: Path) -> None:
    (project / "wmdsl.toml").write_text("[limits]\nmax-file-size = 10\nmax-depth = 2\n", encoding="utf-8")
    (project / "spec.wm").write_text(VALID, encoding="utf-8")
    assert codes(api.check(["spec.wm"])) == [("SYN014", 1, 1)]
    (project / "wmdsl.toml").write_text("[limits]\nmax-depth = 2\n", encoding="utf-8")
    (project / "deep.wm").write_text("workflow w { lane l { x { y } } }\n", encoding="utf-8")
    assert codes(api.check(["deep.wm"])) == [("SYN014", 1, 25)]


def test_bad_limit_settings_are_config_errors(project: Path) -> None:
    from wmdsl.project.settings import ConfigError

    (project / "wmdsl.toml").write_text("[limits]\nmax-dpeth = 2\n", encoding="utf-8")
    (project / "spec.wm").write_text(VALID, encoding="utf-8")
    with pytest.raises(ConfigError, match="did you mean `max-depth`"):
        api.check(["spec.wm"])
    (project / "wmdsl.toml").write_text("[limits]\nmax-depth = 0\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="expected a whole number of at least 1"):
        api.check(["spec.wm"])


def test_long_strings_are_limited(project: Path) -> None:
    (project / "wmdsl.toml").write_text("[limits]\nmax-string-length = 20\n", encoding="utf-8")
    (project / "s.wm").write_text(f'person @a "{"a" * 30}"\n', encoding="utf-8")
    assert codes(api.check(["s.wm"])) == [("SYN014", 1, 11)]


def test_import_count_and_depth_are_limited(project: Path) -> None:
    (project / "wmdsl.toml").write_text("[limits]\nmax-import-depth = 3\n", encoding="utf-8")
    for number in range(6):
        (project / f"f{number}.wm").write_text(f'import "f{number + 1}.wm"\n', encoding="utf-8")
    (project / "f6.wm").write_text(VALID, encoding="utf-8")
    found = codes(api.check(["f0.wm"]))
    assert ("SYN014", 1, 8) in found
    assert all(code == "SYN014" for code, _, _ in found)


def test_a_device_or_fifo_is_not_read(project: Path) -> None:
    report = api.check(["/dev/null"]) if Path("/dev/null").exists() else None
    if report is not None:
        assert [d.code for d in report.diagnostics] == ["SYN012"]
        assert "not a regular file" in report.diagnostics[0].message


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_endings_give_the_same_positions(project: Path, newline: str) -> None:
    text = 'person @ana "Ana"\nlane desk "Desk" { members @ana }\n'.replace("\n", newline)
    (project / "spec.wm").write_bytes(text.encode("utf-8"))
    assert codes(api.check(["spec.wm"])) == [("CLR001", 2, 1)]


def test_byte_order_mark_is_ignored(project: Path) -> None:
    (project / "spec.wm").write_bytes(
        b"\xef\xbb\xbf" + b'lane desk "Desk" { members @ana }\nperson @ana "A"\n'
    )
    assert codes(api.check(["spec.wm"])) == [("CLR001", 1, 1)]


def test_tabs_count_as_one_column_and_frames_align(project: Path) -> None:
    (project / "spec.wm").write_text(
        'person @ana "A"\n\tlane\tdesk "Desk" { members @ana }\n', encoding="utf-8"
    )
    report = api.check(["spec.wm"])
    assert codes(report) == [("CLR001", 2, 2)]
    frame = format_text(report).splitlines()
    source, caret = frame[2], frame[3]
    assert source == '2 |     lane    desk "Desk" { members @ana }'
    assert caret.index("^") == source.index("lane")


def test_wide_characters_keep_carets_aligned(project: Path) -> None:
    (project / "spec.wm").write_text('person @ana "A"\nlane 🚀 "x"\n', encoding="utf-8")
    report = api.check(["spec.wm"])
    frame = format_text(report).splitlines()
    assert report.diagnostics[0].code == "SYN001"
    assert frame[3].index("^") == frame[2].index("🚀")
