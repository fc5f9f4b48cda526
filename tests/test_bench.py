"""The benchmark generator writes valid, deterministic specs."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest

from tests.generated import bench_gen
from wmdsl import api
from wmdsl.diagnostics import Severity


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    return bench_gen()


def errors_in(folder: Path) -> list[str]:
    report = api.check([folder], jobs=1)
    return [f"{d.span}: {d.code} {d.message}" for d in report.diagnostics if d.severity is Severity.ERROR]


@pytest.mark.parametrize("n", [50, 200])
def test_single_file_spec_checks_without_errors(gen: ModuleType, tmp_path: Path, n: int) -> None:
    written = gen.write(gen.generate(n, 1, seed=3), tmp_path)
    assert [p.name for p in written] == ["spec.wm"]
    text = written[0].read_text(encoding="utf-8")
    assert text.count("\n  stage ") == n
    assert errors_in(tmp_path) == []


def test_split_spec_checks_without_errors(gen: ModuleType, tmp_path: Path) -> None:
    gen.write(gen.generate(200, 3, seed=3), tmp_path)
    flows = sorted(p.name for p in (tmp_path / "flows").glob("*.wm"))
    assert flows == ["wf_0001.wm", "wf_0002.wm"]
    assert (tmp_path / "org.wm").is_file()
    stages = sum(p.read_text(encoding="utf-8").count("\n  stage ") for p in (tmp_path / "flows").glob("*.wm"))
    assert stages == 200
    assert errors_in(tmp_path) == []


def test_generation_is_deterministic_for_a_seed(gen: ModuleType) -> None:
    assert gen.generate(200, 1, seed=7) == gen.generate(200, 1, seed=7)
    assert gen.generate(200, 3, seed=7) == gen.generate(200, 3, seed=7)
    assert gen.generate(200, 1, seed=7) != gen.generate(200, 1, seed=8)


def test_command_line_writes_the_spec_and_its_bpmn(gen: ModuleType, tmp_path: Path) -> None:
    pytest.importorskip("wmdsl.render.bpmn", reason="the BPMN renderer is not there yet")
    assert gen.main(["50", "--out", str(tmp_path), "--bpmn"]) == 0
    assert (tmp_path / "spec.wm").is_file()
    root = ET.parse(tmp_path / "spec.bpmn").getroot()
    assert root.tag.endswith("definitions")


# What each worst case of bench/shapes.py must make the rules report, once per repeated mistake.
SHAPE_FINDINGS = {
    "islands": {"FLW001": 60, "FLW002": 60},
    "fan": {},
    "traps": {"FLW003": 20},
    "gates": {"FLW008": 1, "ADP001": 1},  # 60 decisions without escalation, told once
    "loop": {},
    "intakes": {"PRG001": 60, "PRG002": 60, "FLW008": 60, "FLW004": 60},
    "escalations": {"ADP002": 60},
    "grid": {"FLW003": 0},
}


@pytest.mark.parametrize("kind", sorted(SHAPE_FINDINGS))
def test_worst_case_shapes_compile_and_show_their_mistake(kind: str) -> None:
    from collections import Counter

    from tests.generated import shape_spec

    text = shape_spec(kind, 60)
    assert text == shape_spec(kind, 60)
    assert text.count("\n  stage ") == 60
    report = api.check_text(text, path=f"{kind}.wm")
    assert not [d for d in report.diagnostics if d.code.startswith("SYN")]  # the language is happy
    counts = Counter(d.code for d in report.diagnostics)
    assert {code: counts[code] for code in SHAPE_FINDINGS[kind]} == SHAPE_FINDINGS[kind]


def test_shapes_command_line(tmp_path: Path) -> None:
    import subprocess
    import sys

    script = Path(__file__).resolve().parent.parent / "bench" / "shapes.py"
    done = subprocess.run(
        [sys.executable, str(script), "traps", "30", "--out", str(tmp_path)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "traps.wm").read_text(encoding="utf-8").count("\n  stage ") == 30
    bad = subprocess.run([sys.executable, str(script), "nope", "30"], capture_output=True, text=True)
    assert bad.returncode == 2
    assert "invalid choice" in bad.stderr


def test_nested_blocks_are_as_large_as_asked_and_stop_at_the_depth_limit() -> None:
    from tests.generated import nested_spec

    text = nested_spec(60_000)
    assert text == nested_spec(60_000)
    assert 59_000 <= len(text) <= 60_000
    report = api.check_text(text, path="nested.wm")
    assert [(d.code, d.span.line) for d in report.diagnostics] == [("SYN014", 65)]
