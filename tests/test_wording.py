"""Findings name long chains and lists cut short, so a message stays short on a spec of any size."""

from __future__ import annotations

from tests.generated import shape_spec
from wmdsl import api
from wmdsl.rules.wording import arrows, listed


def test_a_short_chain_is_named_in_full() -> None:
    assert arrows(["a", "b", "c"]) == "`a` → `b` → `c`"
    assert arrows(["a", "b"], joint=", then ") == "`a`, then `b`"


def test_a_long_chain_keeps_its_two_ends_and_counts_the_rest() -> None:
    names = [f"s{i}" for i in range(100)]
    assert arrows(names) == "`s0` → `s1` → `s2` → `s3` → `s4` → `s5` → … (94 more) → `s98` → `s99`"
    assert arrows(names[:8]) == " → ".join(f"`s{i}`" for i in range(8))


def test_a_long_list_keeps_its_first_names_and_the_count() -> None:
    assert listed(["a", "b"]) == "`a`, `b`"
    assert listed([f"d{i}" for i in range(7)], quoted=False) == "d0, d1, d2, d3, d4, … (7 in all)"


def test_messages_do_not_grow_with_the_spec() -> None:
    # An approval chain, a path and a decider's list as long as the spec.
    longest = {
        n: max(len(d.message) for d in api.check_text(shape_spec("gates", n)).diagnostics) for n in (50, 500)
    }
    assert longest[500] <= longest[50] + 10  # only the counts have more digits


def test_hints_do_not_grow_with_the_spec() -> None:
    # No board: the hint suggests one, naming the first stages and counting the rest.
    reports = {n: api.check_text(shape_spec("gates", n)) for n in (50, 500)}
    longest = {n: max(len(d.hint or "") for d in report.diagnostics) for n, report in reports.items()}
    assert longest[500] <= longest[50] + 10
