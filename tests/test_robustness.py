"""No input makes wmdsl crash: every problem is a diagnostic with a position."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from wmdsl import api
from wmdsl.syntax import parse

EXAMPLE = Path(__file__).resolve().parent / "golden" / "full.wm"


def check_file(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wmdsl", "check", "--no-color", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def assert_clean_failure(result: subprocess.CompletedProcess[str], expected_code: int = 1) -> None:
    assert result.returncode == expected_code, result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_empty_file_is_one_note_not_all_clear(project: Path) -> None:
    (project / "empty.wm").write_text("", encoding="utf-8")
    (project / "comments.wm").write_text("# nothing yet\n\n", encoding="utf-8")
    for name in ("empty.wm", "comments.wm"):
        report = api.check([name])
        assert [(d.code, d.severity.label) for d in report.diagnostics] == [("SYN016", "info")]
        assert report.exit_code() == 0


def test_binary_garbage(project: Path) -> None:
    (project / "garbage.wm").write_bytes(bytes(random.Random(7).randrange(256) for _ in range(50_000)))
    result = check_file(project / "garbage.wm")
    assert_clean_failure(result)
    assert "SYN012" in result.stdout


def test_random_unicode_text(project: Path) -> None:
    rng = random.Random(11)
    text = "".join(chr(rng.randrange(1, 0x3000)) for _ in range(20_000))
    (project / "noise.wm").write_text(text, encoding="utf-8")
    result = check_file(project / "noise.wm")
    assert_clean_failure(result)
    assert "SYN001" in result.stdout


def test_deeply_nested_braces(project: Path) -> None:
    (project / "deep.wm").write_text("workflow w {" * 10_000 + "}" * 10_000 + "\n", encoding="utf-8")
    result = check_file(project / "deep.wm")
    assert_clean_failure(result)


def test_deeply_nested_unclosed_braces(project: Path) -> None:
    # Past the depth limit the parse stops at the brace that passed it.
    (project / "open.wm").write_text("a {\n" * 10_000, encoding="utf-8")
    result = check_file(project / "open.wm")
    assert_clean_failure(result)
    assert "open.wm:65:3: SYN014 [error] blocks nest deeper than 64 levels" in result.stdout
    assert "Found 1 error" in result.stdout


def test_nested_unclosed_braces_within_the_limit(project: Path) -> None:
    (project / "open.wm").write_text("a {\n" * 60, encoding="utf-8")
    result = check_file(project / "open.wm")
    assert_clean_failure(result)
    assert "is never closed" in result.stdout


def test_five_megabyte_spec(project: Path) -> None:
    spec = EXAMPLE.read_text(encoding="utf-8").replace('import "shared.wm"\n', "")
    shared = (EXAMPLE.parent / "shared.wm").read_text(encoding="utf-8")
    filler = "# " + "x" * 98 + "\n"
    body = shared + spec + filler * (5 * 1024 * 1024 // len(filler))
    (project / "big.wm").write_text(body, encoding="utf-8")
    assert os.path.getsize(project / "big.wm") >= 5 * 1024 * 1024
    result = check_file(project / "big.wm")
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_cycle_reports_chain(project: Path) -> None:
    (project / "a.wm").write_text('import "b.wm"\n', encoding="utf-8")
    (project / "b.wm").write_text('import "c.wm"\n', encoding="utf-8")
    (project / "c.wm").write_text('import "a.wm"\n', encoding="utf-8")
    report = api.check(["a.wm"])
    assert [(d.code, d.span.file, d.message) for d in report.diagnostics] == [
        ("SYN010", "c.wm", "import cycle: a.wm → b.wm → c.wm → a.wm"),
    ]


@pytest.mark.parametrize("target", ["../outside.wm", "/etc/passwd", "sub/../../outside.wm"])
def test_imports_outside_the_root_are_refused(project: Path, target: str) -> None:
    (project.parent / "outside.wm").write_text('person @x "X"\n', encoding="utf-8")
    (project / "sub").mkdir()
    (project / "main.wm").write_text(f'import "{target}"\n', encoding="utf-8")
    (diagnostic,) = api.check(["main.wm"]).diagnostics
    assert diagnostic.code == "SYN011"
    assert (diagnostic.span.line, diagnostic.span.col) == (1, 8)


def test_symlink_escaping_the_root_is_refused(project: Path) -> None:
    outside = project.parent / "secret.wm"
    outside.write_text('person @x "X"\n', encoding="utf-8")
    (project / "link.wm").symlink_to(outside)
    (project / "main.wm").write_text('import "link.wm"\n', encoding="utf-8")
    (diagnostic,) = api.check(["main.wm"]).diagnostics
    assert diagnostic.code == "SYN011"


def test_diamond_import_is_read_once(project: Path) -> None:
    (project / "base.wm").write_text('person @x "X"\n', encoding="utf-8")
    (project / "left.wm").write_text('import "base.wm"\n', encoding="utf-8")
    (project / "right.wm").write_text('import "base.wm"\n', encoding="utf-8")
    (project / "top.wm").write_text(
        'import "left.wm"\nimport "right.wm"\nlane l "L" { owner @x }\n', encoding="utf-8"
    )
    compilation = api.compile_path("top.wm")
    assert compilation.diagnostics == []
    assert compilation.document is not None
    assert [p.name for p in compilation.document.shared.people] == ["@x"]


def test_syntax_errors_recover_and_report_each_line() -> None:
    parsed = parse('lane a = 1\nlane b "x\nlane c { owner @x\n', "f.wm")
    assert [(d.span.line, d.span.col) for d in parsed.errors] == [(1, 8), (2, 8), (3, 8)]


def test_error_count_is_bounded() -> None:
    parsed = parse("=\n" * 10_000, "f.wm")
    assert len(parsed.errors) == 25
    assert parsed.errors[-1].hint is not None
    assert "too many" in parsed.errors[-1].hint


@pytest.mark.parametrize("seed", range(30))
def test_mutated_example_never_raises(seed: int) -> None:
    rng = random.Random(seed)
    data = bytearray(EXAMPLE.read_bytes())
    for _ in range(rng.randrange(1, 8)):
        position = rng.randrange(len(data))
        choice = rng.randrange(4)
        if choice == 0:
            data[position] = rng.randrange(256)
        elif choice == 1:
            del data[position : position + rng.randrange(1, 20)]
        elif choice == 2:
            data[position:position] = data[rng.randrange(len(data)) :][: rng.randrange(1, 20)]
        else:
            data[position:position] = rng.choice(["{", "}", '"', "->", "\n", "@", "é", "\x00"]).encode()
    text = data.decode("utf-8", errors="replace")
    report = api.check_text(text, path="mutant.wm")
    lines = text.splitlines() or [""]
    for diagnostic in report.diagnostics:
        assert 1 <= diagnostic.span.line <= len(lines) + 1
        assert diagnostic.span.col >= 1


def test_text_block_layout_ignores_escapes() -> None:
    from wmdsl.syntax.strings import decode_text

    assert decode_text('"""\n    a\n      b\n    """') == "a\n  b"
    # An escaped line break is content: it is neither stripped nor dedented.
    assert decode_text('"""\\nx"""') == "\nx"
    assert decode_text('"""\n  a\\n  b\n  """') == "a\n  b"
