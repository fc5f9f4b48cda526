"""The loader's and resolver's quick paths agree with what they stand for: the patterns of names,
handles and numbers, and the ``utf-8-sig`` codec."""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st

from wmdsl.project.specs import decode, normalize_newlines
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


@given(
    st.binary(max_size=24).map(lambda b: b"\xef\xbb\xbf" + b if b[:1] == b"\x00" else b)
    | st.text(max_size=12).map(lambda t: ("\ufeff" + t).encode())
)
@example(b"\xef\xbb\xbf\xef\xbb\xbfstage")
def test_decoding_is_the_utf8_sig_codec(data: bytes) -> None:
    text, problem = decode(data, "case.wm")
    try:
        expected = normalize_newlines(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        assert text is None
        assert problem is not None
    else:
        assert (text, problem) == (expected, None)


def test_a_bad_byte_after_a_byte_order_mark_is_placed_in_the_file() -> None:
    text, problem = decode(b"\xef\xbb\xbfa\r\nb\xff", "case.wm")
    assert text is None
    assert problem is not None
    assert (problem.span.line, problem.span.col) == (2, 2)
    assert problem.message == "not valid UTF-8: byte 0xFF at offset 7"
