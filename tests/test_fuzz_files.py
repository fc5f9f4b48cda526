"""Fuzzing what a pull request controls besides the text: file names, imports, links, the cache.

Hypothesis draws a small project: specs (valid ones from the main generator,
or hostile text) whose imports name each other, missing files, ``.git`` and
paths through links; links to specs, to folders, to themselves, to a secret
outside the project and into ``.git``. Then it edits the project the way a
second commit would (an edit, a link re-pointed, a missing import created).
The properties, after each step:

- a check with the cache says exactly what a check without it says;
- no planted secret reaches any output format;
- no output line starts a CI runner command and no ESC byte gets out;
- the JUnit report is well-formed XML.

Example counts come from the Hypothesis profile (tests/conftest.py).
"""

from __future__ import annotations

import os
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.strategies import specs
from wmdsl import api
from wmdsl.output import FORMATTERS

SECRET = "Q0FOQVJZLXRva2VuLWZ1enotc2VjcmV0"
NAMES = ("a.wm", "b.wm", "sub/c.wm", "sub/d.wm", "x\n::warning::y.wm", "e\x1b[2Jf.wm")
HOSTILE = (
    "lane l {\n",
    "::stop-commands::token\nlane l { owner @x }\n",
    'workflow w { owner @nobody\n  a -> b "\x1b]8;;http://x\x07label\x1b]8;;\x07"\n}\n',
    'person @p "\u202e\ufffe\uffff"\n',
    "\x00\x01\x02",
)
IMPORTS = ("a.wm", "b.wm", "sub/c.wm", "../.git/config", ".git/config", "missing.wm", "link/c.wm", "self.wm")
LINKS = {
    "link": "sub",
    "self.wm": "self.wm",
    "secret.wm": "{outside}",
    "git.wm": ".git/config",
    "away": "{outside_folder}",
}


@st.composite
def projects(draw: st.DrawFn) -> dict[str, str]:
    """File name → text of a small project (links are laid out separately)."""
    files: dict[str, str] = {}
    for name in draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=4, unique=True)):
        imports = draw(st.lists(st.sampled_from(IMPORTS), max_size=3))
        body = draw(st.one_of(specs().map(lambda spec: spec.text), st.sampled_from(HOSTILE)))
        files[name] = "".join(f'import "{target}"\n' for target in imports) + body
    return files


def lay_out(root: Path, files: dict[str, str], links: list[str], outside: Path) -> None:
    (root / "wmdsl.toml").write_text("", encoding="utf-8")
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text(
        f"\textraheader = AUTHORIZATION: basic {SECRET}\n", encoding="utf-8"
    )
    (root / "sub").mkdir()
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            path.write_text(text, encoding="utf-8", errors="surrogateescape")
        except OSError:  # a name this file system refuses
            continue
    for name in links:
        target = LINKS[name].format(outside=outside / "passwd", outside_folder=outside)
        (root / name).symlink_to(target)


def assert_same_and_safe(root: Path) -> None:
    fresh = api.check([root])
    cached = api.check([root], cache=True)
    for name, formatter in sorted(FORMATTERS.items()):
        expected, got = formatter(fresh, False), formatter(cached, False)
        assert got == expected, name
        assert SECRET not in got, name
        assert "\x1b" not in got, name
        for line in got.splitlines():
            stripped = line.lstrip()
            if name != "github":
                assert not stripped.startswith(("::", "##[", "##vso[")), (name, line)
        if name == "junit":
            ET.fromstring(got)


@given(
    projects(),
    st.lists(st.sampled_from(sorted(LINKS)), unique=True),
    st.sampled_from(("edit", "re-point", "create", "none")),
)
def test_a_project_checks_the_same_with_and_without_the_cache_and_leaks_nothing(
    files: dict[str, str], links: list[str], change: str
) -> None:
    with tempfile.TemporaryDirectory() as top:
        root, outside = Path(top) / "project", Path(top) / "elsewhere"
        root.mkdir()
        outside.mkdir()
        (outside / "passwd").write_text(f"root:x:0:0:{SECRET}:/root:/bin/sh\n", encoding="utf-8")
        lay_out(root, files, links, outside)
        assert_same_and_safe(root)
        if change == "edit":
            for path in sorted(root.rglob("*.wm")):
                if path.is_file() and not path.is_symlink():
                    path.write_text(path.read_text(encoding="utf-8", errors="replace") + "lane (\n")
                    break
        elif change == "re-point" and "link" in links:
            (root / "link").unlink()
            (root / "link").symlink_to(".")
        elif change == "create":
            (root / "missing.wm").write_text('person @m "M"\n', encoding="utf-8")
        assert_same_and_safe(root)
        assert os.listdir(outside) == ["passwd"]
