"""The built wheel works on its own: installed into a fresh virtual environment,
run from outside the source tree, it checks the examples with the grammar it ships."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from wmdsl import LANGUAGE_VERSION, SCHEMA_VERSION, __version__

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

pytestmark = pytest.mark.slow


def _run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=600,
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel built from this tree installed; returns its bin folder."""
    work = tmp_path_factory.mktemp("wheel")
    built = _run(sys.executable, "-m", "build", "--wheel", "--outdir", work / "dist", ROOT, cwd=work)
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = (work / "dist").glob("wmdsl-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "wmdsl/grammar/wmdsl.lark" in names
    assert "wmdsl/py.typed" in names  # the annotations are part of the API
    for page in ("index.html", "app.js", "app.css"):  # the live preview's page
        assert f"wmdsl/serve/static/{page}" in names
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)
    # Only the package and its metadata: nothing of the tests, the examples or the docs.
    assert {name.split("/")[0] for name in names} == {"wmdsl", wheel.name.split("-py3")[0] + ".dist-info"}
    assert not [name for name in names if "tests/" in name or "conftest" in name]
    venv.create(work / "venv", with_pip=True)
    bin_dir = work / "venv" / ("Scripts" if os.name == "nt" else "bin")
    pip = _run(bin_dir / "python", "-m", "pip", "install", "--quiet", wheel, cwd=work)
    assert pip.returncode == 0, pip.stdout + pip.stderr
    return bin_dir


def test_installed_wheel_checks_examples_from_outside_the_tree(installed: Path, tmp_path: Path) -> None:
    clean = sorted(p for p in EXAMPLES.rglob("*.wm") if "broken" not in p.parts)
    assert len(clean) >= 5
    result = _run(installed / "wmdsl", "check", *clean, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All clear" in result.stdout


def test_installed_wheel_reports_the_broken_examples(installed: Path, tmp_path: Path) -> None:
    # Named one by one: the project's configuration leaves examples/broken out of the folder.
    named = sorted(str(p) for p in EXAMPLES.rglob("*.wm"))
    result = _run(installed / "wmdsl", "check", "--format", "json", *named, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    broken = {d["file"] for d in report["diagnostics"]}
    assert broken
    assert all("/broken/" in f for f in broken)


def test_installed_wheel_checks_the_examples_folder_and_explains_a_rule(installed: Path) -> None:
    # As CI runs it, from the repository (whose configuration the installed wmdsl reads).
    result = _run(installed / "wmdsl", "check", "examples", "--exclude", "broken", "--no-cache", cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All clear" in result.stdout
    page = _run(installed / "wmdsl", "rule", "FLW003", cwd=ROOT)
    assert page.returncode == 0, page.stderr
    assert page.stdout.startswith("# FLW003 `trap-loop`\n")
    assert "## Bad example" in page.stdout


def test_installed_package_is_not_the_source_tree(installed: Path, tmp_path: Path) -> None:
    probe = "import wmdsl, sys; print(wmdsl.__file__)"
    result = _run(installed / "python", "-c", probe, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert str(ROOT / "src") not in result.stdout
    version = _run(installed / "wmdsl", "--version", cwd=tmp_path).stdout
    assert version == f"wmdsl {__version__} (language {LANGUAGE_VERSION}, JSON Schema {SCHEMA_VERSION})\n"
    script = _run(installed / "wmdsl", "completion", "bash", cwd=tmp_path)
    assert script.returncode == 0, script.stderr
    assert "_WMDSL_COMPLETE=bash_complete" in script.stdout
