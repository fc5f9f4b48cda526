"""Every diagnostic code has a spec in examples/broken/ that triggers it, alone.

Each ``examples/broken/<CODE>-<name>.wm`` starts with comment lines: what the
mistake is and how to fix it, and one machine-readable line

    # expect: CODE LINE:COL

giving the single diagnostic the file must produce. The files double as
documentation of each code and as regression tests of its position.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from wmdsl import api
from wmdsl.diagnostics import codes

BROKEN = Path(__file__).parent.parent / "examples" / "broken"
EXAMPLES = sorted(BROKEN.glob("*.wm"))
EXPECT = re.compile(r"^#\s*expect:\s*([A-Z]{3}[0-9]{3})\s+([0-9]+):([0-9]+)\s*$", re.MULTILINE)


def expectation(path: Path) -> tuple[str, int, int]:
    """The ``# expect: CODE LINE:COL`` line of ``path`` (read as bytes: some files are not UTF-8)."""
    header = path.read_bytes().decode("utf-8", errors="replace")
    found = EXPECT.findall(header)
    assert len(found) == 1, f"{path.name}: needs exactly one `# expect: CODE LINE:COL` line"
    code, line, col = found[0]
    return code, int(line), int(col)


def test_there_are_broken_examples() -> None:
    assert EXAMPLES, f"no .wm files under {BROKEN}"


def selection(path: Path, code: str) -> list[str]:
    """Only the rule a file demonstrates runs (language errors are always reported).

    The unused-allow example also needs the rule its `allow` names.
    """
    if not code.startswith("SYN"):
        return [code]
    text = path.read_bytes().decode("utf-8", errors="replace")
    return ["SYN013", *re.findall(r"^\s*allow\s+([A-Za-z0-9-]+)", text, re.M)]


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_broken_example_gives_exactly_its_diagnostic(path: Path) -> None:
    code, line, col = expectation(path)
    registered = codes.lookup(code)
    assert registered is not None, f"{path.name}: `{code}` is not a registered code"
    assert path.name == f"{code}-{registered.name}.wm", "file name must be <CODE>-<name>.wm"

    report = api.check([path], select=selection(path, code))

    found = [(d.code, d.span.line, d.span.col, d.message) for d in report.diagnostics]
    assert len(report.diagnostics) == 1, f"{path.name}: expected only {code}, got {found}"
    diagnostic = report.diagnostics[0]
    assert (diagnostic.code, diagnostic.span.line, diagnostic.span.col) == (code, line, col), found
    assert diagnostic.severity is registered.severity
    assert Path(diagnostic.span.file).name == path.name


def test_every_code_has_a_broken_example() -> None:
    covered = {p.name.split("-", 1)[0] for p in EXAMPLES}
    missing = [f"{c.code}-{c.name}.wm" for c in codes.all_codes() if c.code not in covered]
    assert not missing, f"add a broken example to {BROKEN} for: {', '.join(missing)}"
