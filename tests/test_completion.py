"""Shell completion, through the protocol the shells use.

Each test runs ``wmdsl`` as the completion scripts do: with
``_WMDSL_COMPLETE=bash_complete`` (or zsh's, fish's), ``COMP_WORDS`` holding
the command line typed so far and ``COMP_CWORD`` the word under the cursor,
and reads what it offers. One test sources the bash script itself in bash.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from wmdsl.commands.check import FORMAT_NAMES
from wmdsl.diagnostics import codes
from wmdsl.render import RENDERERS
from wmdsl.views import VIEWS

ROOT = Path(__file__).resolve().parent.parent
PROCUREMENT = ROOT / "examples" / "procurement.wm"


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, **extra}


def offered(line: str, shell: str = "bash") -> list[tuple[str, str]]:
    """What ``wmdsl`` offers for ``line`` (the word under the cursor is the last, empty after a space)."""
    words = shlex.split(line)
    if line.endswith(" "):
        words.append("")
    # bash and zsh give the words and the cursor's index; fish gives the word being typed.
    cword = words[-1] if shell == "fish" else str(len(words) - 1)
    done = subprocess.run(
        [sys.executable, "-m", "wmdsl"],
        env=_env(_WMDSL_COMPLETE=f"{shell}_complete", COMP_WORDS=" ".join(words), COMP_CWORD=cword),
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert not done.stderr
    if shell == "bash":
        return [tuple(item.split(",", 1)) for item in done.stdout.splitlines()]  # type: ignore[misc]
    if shell == "zsh":  # kind, value, help (or "_"), one a line
        lines = done.stdout.splitlines()
        return [(lines[i], lines[i + 1].replace("\\:", ":")) for i in range(0, len(lines), 3)]
    return [tuple(item.split(",", 1)) for item in done.stdout.splitlines()]  # type: ignore[misc]


def values(line: str, shell: str = "bash") -> list[str]:
    found = offered(line, shell)
    assert {kind for kind, _ in found} <= {"plain"}, found
    return [value.split("\t")[0] for _, value in found]


def starting(prefix: str) -> list[str]:
    return [c.code for c in codes.all_codes() if c.code.startswith(prefix)]


def test_commands_and_options() -> None:
    assert values("wmdsl ch") == ["check"]
    assert {"check", "completion"} <= set(values("wmdsl c"))
    assert values("wmdsl check --sel") == ["--select"]
    assert {"--format", "--fail-on", "--fix"} <= set(values("wmdsl check --f"))
    assert values("wmdsl completion ") == ["bash", "zsh", "fish"]


def test_formats_of_check_and_render() -> None:
    assert values("wmdsl check --format ") == list(FORMAT_NAMES)
    assert values("wmdsl check --format s") == ["sarif"]
    assert values("wmdsl render x.wm --to ") == list(RENDERERS)
    assert values("wmdsl render x.wm --to raci") == ["raci-md", "raci-csv"]
    assert values("wmdsl check --preset ") == ["recommended", "strict", "correctness"]
    assert values("wmdsl render x.wm --theme ") == ["light", "dark"]


def test_views_with_the_lanes_of_the_spec_named() -> None:
    assert values("wmdsl render x.wm --view ") == [*VIEWS, "lane:"]
    named = values(f"wmdsl render {PROCUREMENT} --view lane:")
    assert named == ["lane:buying", "lane:legal", "lane:security"]
    assert values(f"wmdsl render {PROCUREMENT} --to svg --view v") == ["value-stream"]


def test_a_spec_with_mistakes_offers_the_views_all_specs_have(tmp_path: Path) -> None:
    broken = tmp_path / "broken.wm"
    broken.write_text('workflow w "W" {\n  stage s "S" in nowhere {\n', encoding="utf-8")
    assert values(f"wmdsl render {broken} --view ") == [*VIEWS, "lane:"]


def test_rule_codes_and_names() -> None:
    assert values("wmdsl rule FLW00") == starting("FLW00")
    assert values("wmdsl rule flw003") == ["FLW003"]
    assert values("wmdsl rule trap") == ["trap-loop"]
    every = values("wmdsl rule ")
    assert every == [c.code for c in codes.all_codes()] + [c.name for c in codes.all_codes()]


def test_rule_lists_complete_their_last_item() -> None:
    assert values("wmdsl check --select FLW003,trap") == ["FLW003,trap-loop"]
    assert values("wmdsl check --ignore hum00") == starting("HUM00")
    assert values("wmdsl check --extend-select CL")[:2] == ["CLR", "CLR001"]
    assert values("wmdsl check --select A") == ["ALL", "ADP", *starting("ADP")]


def test_paths_are_left_to_the_shell() -> None:
    assert offered("wmdsl check ") == [("file", "")]
    assert offered("wmdsl check specs --cache-dir ") == [("dir", "")]


def test_zsh_and_fish_show_what_a_rule_is() -> None:
    summary = codes.lookup("FLW003")
    assert summary is not None
    assert values("wmdsl rule FLW003", "zsh") == ["FLW003"]
    assert values("wmdsl rule FLW003", "fish") == ["FLW003"]
    fish = offered("wmdsl rule FLW003", "fish")
    assert fish == [("plain", f"FLW003\t{summary.summary}")]
    assert values(f"wmdsl render {PROCUREMENT} --view lane:b", "zsh") == ["lane:buying"]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_prints_the_script_of_each_shell(shell: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "wmdsl", "completion", shell],
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert f"_WMDSL_COMPLETE={shell}_complete" in done.stdout.replace('"', "")
    unknown = subprocess.run(
        [sys.executable, "-m", "wmdsl", "completion", "powershell"],
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert unknown.returncode == 2
    assert "'powershell' is not one of 'bash', 'zsh', 'fish'" in unknown.stderr


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_the_bash_script_completes_in_bash(tmp_path: Path) -> None:
    # A `wmdsl` on PATH that runs this tree's wmdsl, as the console script would.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    launcher = bin_dir / "wmdsl"
    launcher.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m wmdsl "$@"\n', encoding="utf-8")
    launcher.chmod(0o755)
    script = (
        'eval "$(wmdsl completion bash)"\n'
        "COMP_WORDS=(wmdsl check --format s); COMP_CWORD=3\n"
        "_wmdsl_completion wmdsl\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
        "COMPREPLY=(); COMP_WORDS=(wmdsl rule HUM00); COMP_CWORD=2\n"
        "_wmdsl_completion wmdsl\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    done = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", script],
        env=_env(PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"),
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["sarif", *starting("HUM00")]
