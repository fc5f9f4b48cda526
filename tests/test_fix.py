"""`wmdsl check --fix`: the fixes that cannot change what a design means, and nothing else."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from wmdsl.cli import cli

MISSPELT = (
    'person @ana "Ana Lima"\n'
    'lane desk "Desk" { ownr @ana; members @anna }\n'
    'workflow w "W" {\n  owner @ana\n  stge answer "Answer" in desk\n}\n'
)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["check", "--no-cache", *args])
    return result.exit_code, result.stdout, result.stderr


def test_did_you_means_are_applied_and_reported(project: Path) -> None:
    spec = project / "spec.wm"
    spec.write_text(MISSPELT, encoding="utf-8")
    _, out, err = run("--fix", "spec.wm")
    assert "spec.wm: fixed 3: `ownr` → `owner`; `@anna` → `@ana`; `stge` → `stage`" in err
    assert spec.read_text(encoding="utf-8") == MISSPELT.replace("ownr", "owner").replace(
        "@anna", "@ana"
    ).replace("stge", "stage")
    assert "SYN" not in out  # the report is of the fixed file


def test_unused_allows_are_removed_whole_lines_and_inside_blocks(project: Path) -> None:
    spec = project / "spec.wm"
    text = (
        'person @ana "Ana Lima"\n'
        'workflow w "W" {\n  owner @ana\n  purpose "Answer"\n  allow CLR006 "it has both"\n'
        '  lane desk "Desk" { owner @ana; members @ana; allow CLR001 "owned" }\n}\n'
    )
    spec.write_text(text, encoding="utf-8")
    code, _, err = run("--fix", "--select", "CLR001,CLR006,SYN013", "spec.wm")
    assert "fixed 2" in err
    assert spec.read_text(encoding="utf-8") == (
        'person @ana "Ana Lima"\n'
        'workflow w "W" {\n  owner @ana\n  purpose "Answer"\n'
        '  lane desk "Desk" { owner @ana; members @ana }\n}\n'
    )
    assert code == 0


def test_a_file_is_never_written_when_its_fixed_text_would_not_parse(project: Path) -> None:
    spec = project / "spec.wm"
    broken = MISSPELT + "lane x = 3\n"  # a syntax error the fixes cannot touch
    spec.write_text(broken, encoding="utf-8")
    code, _, _ = run("--fix", "spec.wm")
    assert spec.read_text(encoding="utf-8") == broken
    assert code == 1


def test_windows_line_ends_are_left_to_fmt(project: Path) -> None:
    spec = project / "spec.wm"
    spec.write_bytes(MISSPELT.replace("\n", "\r\n").encode())
    _, _, err = run("--fix", "spec.wm")
    assert spec.read_bytes() == MISSPELT.replace("\n", "\r\n").encode()
    assert "not fixed" in err


def test_without_fix_nothing_is_written(project: Path) -> None:
    spec = project / "spec.wm"
    spec.write_text(MISSPELT, encoding="utf-8")
    run("spec.wm")
    assert spec.read_text(encoding="utf-8") == MISSPELT
