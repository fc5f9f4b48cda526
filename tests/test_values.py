"""The resolver's quick tests of names and handles agree with the patterns that define them."""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st

from wmdsl.resolve.values import _NUMBER, HANDLE, NAME, is_handle_token, is_name, split_number
from wmdsl.syntax.ast import Arg, ArgKind
from wmdsl.syntax.grammar import grammar_text


def _terminal(name: str) -> str:
    found = re.search(rf"^{name}: /(.*)/$", grammar_text(), re.M)
    assert found is not None
    return found.group(1)


HANDLE_TOKEN = _terminal("HANDLE")
NUMBER_TOKEN = _terminal("NUMBER")


@given(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12)
    | st.from_regex(r"[a-zA-Z0-9_\-.é ]{0,8}", fullmatch=True)
)
@example("_")
@example("_1")
@example("a\n")
@example("Stage")
@example("ß")
def test_is_name_is_the_name_pattern(text: str) -> None:
    assert is_name(text) == (NAME.match(text) is not None)


@given(st.from_regex(HANDLE_TOKEN, fullmatch=True))
@example("@")
@example("@.")
@example("@1")
@example("@Dana")
@example("@dana.r-1")
def test_is_handle_token_is_the_handle_pattern_on_every_handle_token(raw: str) -> None:
    assert is_handle_token(raw) == (HANDLE.match(raw) is not None)


@given(st.from_regex(NUMBER_TOKEN, fullmatch=True))
@example("3d")
@example("-2.5h")
@example("40%")
@example("12")
def test_split_number_is_the_number_pattern_on_every_number_token(raw: str) -> None:
    match = _NUMBER.match(raw)
    assert match is not None
    arg = Arg(ArgKind.NUMBER, raw, raw, "case.wm", 1, 1, 1, len(raw) + 1)
    assert split_number(arg) == (float(match.group(1)), match.group(2))
