"""Findings name long chains and lists cut short, so a message stays short on a spec of any size."""

from __future__ import annotations

import pytest

from tests.generated import shape_spec
from wmdsl import api
from wmdsl.rules.wording import Chains, arrows, ends, listed


def test_a_short_chain_is_named_in_full() -> None:
    assert arrows(["a", "b", "c"]) == "`a` → `b` → `c`"
    assert arrows(["a", "b"], joint=", then ") == "`a`, then `b`"


def test_a_long_chain_keeps_its_two_ends_and_counts_the_rest() -> None:
    names = [f"s{i}" for i in range(100)]
    assert arrows(names) == "`s0` → `s1` → `s2` → `s3` → `s4` → `s5` → … (94 more) → `s98` → `s99`"
    assert arrows(names[:8]) == " → ".join(f"`s{i}`" for i in range(8))


def test_a_long_chain_known_by_its_ends_reads_as_the_whole_chain() -> None:
    names = [f"s{i}" for i in range(100)]
    first, last = ends()
    assert arrows([*names[:first], *names[-last:]], length=100) == arrows(names)
    assert arrows(names[:5], length=5) == arrows(names[:5])


def test_a_long_list_keeps_its_first_names_and_the_count() -> None:
    assert listed(["a", "b"]) == "`a`, `b`"
    assert listed([f"d{i}" for i in range(7)], quoted=False) == "d0, d1, d2, d3, d4, … (7 in all)"


@pytest.mark.parametrize("kind", ["gates", "intakes", "escalations"])
def test_messages_do_not_grow_with_the_spec(kind: str) -> None:
    # An approval chain, a path and a decider's list as long as the spec;
    # a main path and an escalation chain as long as it per intake or decision.
    longest = {
        n: max(len(d.message) for d in api.check_text(shape_spec(kind, n)).diagnostics) for n in (50, 500)
    }
    assert longest[500] <= longest[50] + 10  # only the counts have more digits


def test_hints_do_not_grow_with_the_spec() -> None:
    # No board: the hint suggests one, naming the first stages and counting the rest.
    reports = {n: api.check_text(shape_spec("gates", n)) for n in (50, 500)}
    longest = {n: max(len(d.hint or "") for d in report.diagnostics) for n, report in reports.items()}
    assert longest[500] <= longest[50] + 10


def test_chains_know_the_length_and_ends_of_every_chain() -> None:
    import random

    picks = random.Random(3)
    follow = {i: picks.randrange(i) for i in range(1, 300) if picks.random() < 0.9}  # a forest towards 0
    chains = Chains(follow)
    for start in picks.sample(range(300), 300):
        walked = list(chains.walk(start))
        assert walked[0] == start
        assert walked[-1] not in follow
        assert chains.length(start) == len(walked)
        assert chains.first(start, 6) == walked[:6]
        assert chains.last(start, 3) == walked[-3:]
        assert chains.last(start, 0) == []


def test_chains_refuse_a_circle() -> None:
    with pytest.raises(ValueError, match="comes back"):
        Chains({"a": "b", "b": "c", "c": "a"}).length("a")
