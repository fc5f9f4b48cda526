"""How findings name chains and lists of elements: in full when short, cut short when long.

A message names a path, a loop or a set of decisions so the reader can find
them; past a handful, more names help nobody and make the message as long
as the spec. A path of 40 000 stages in one message, and one such message per
intake, made a report quadratic in the spec. The related notes and the
element keys still point at every element.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from wmdsl.model import Handoff

__all__ = ["ARROW", "Chains", "arrows", "ends", "listed", "written"]

K = TypeVar("K", bound=Hashable)

ARROW = " → "
_CHAIN = 8  # names of a chain shown at most: its first six and its last two
_LIST = 5  # names of a list shown at most


def arrows(
    names: Sequence[str], shown: int = _CHAIN, joint: str = ARROW, *, length: int | None = None
) -> str:
    """```a` → `b` → `c```, or ``joint`` between the names.

    A chain longer than ``shown`` keeps its two ends and says how many names
    are left out. A caller that knows a long chain by its ends only (a path
    shared by many findings, listed once) passes those, its first
    ``shown - 2`` and last two names, and the chain's ``length``.
    """
    count = len(names) if length is None else length
    if count > shown:
        left_out = f"… ({count - shown + 2} more)"
        return joint.join([*_quoted(names[: shown - 2]), left_out, *_quoted(names[-2:])])
    return joint.join(_quoted(names))


def _quoted(names: Sequence[str]) -> list[str]:
    return [f"`{name}`" for name in names]


def ends(shown: int = _CHAIN) -> tuple[int, int]:
    """How many names :func:`arrows` shows of each end of a chain too long to show in full."""
    return shown - 2, 2


def listed(names: Sequence[str], quoted: bool = True, shown: int = _LIST) -> str:
    """```a`, `b`, `c```; a list longer than ``shown`` keeps its first names and gives the count."""
    named = [f"`{name}`" if quoted else name for name in names[:shown]]
    return ", ".join(named) + (f", … ({len(names)} in all)" if len(names) > shown else "")


class Chains(Generic[K]):
    """Chains given by the link each one goes to next, known by their lengths and ends.

    Many findings can name chains that run into one another (the paths of a
    thousand intakes through one long chain, escalation chains each one
    longer than the last): walking each in full to name it made the report
    quadratic in the spec. Here each link's length and the last links from it
    are worked out once, so a chain's length and ends cost what is shown.
    ``follow`` must not lead round in a circle (a ``ValueError`` if it does).
    """

    KEEP = _CHAIN  # the last links kept for each link: all a message shows of a chain's end

    def __init__(self, follow: Mapping[K, K]) -> None:
        self._follow = follow
        self._length: dict[K, int] = {}
        self._last: dict[K, tuple[K, ...]] = {}  # the last KEEP links (the whole chain when shorter)

    def _learn(self, start: K) -> None:
        follow, length, last = self._follow, self._length, self._last
        walked: dict[K, None] = {}
        link: K | None = start
        while link is not None and link not in length:
            if link in walked:
                raise ValueError(f"the chain from {start!r} comes back to {link!r}")
            walked[link] = None
            link = follow.get(link)
        for link in reversed(walked):
            after = follow.get(link)
            if after is None:
                length[link], last[link] = 1, (link,)
            else:
                length[link] = length[after] + 1
                kept = last[after]
                last[link] = kept if len(kept) >= self.KEEP else (link, *kept)

    def length(self, start: K) -> int:
        """How many links the chain from ``start`` has, ``start`` included."""
        if start not in self._length:
            self._learn(start)
        return self._length[start]

    def walk(self, start: K) -> Iterator[K]:
        """The links of the chain from ``start`` (all of them: as long as the chain)."""
        link: K | None = start
        while link is not None:
            yield link
            link = self._follow.get(link)

    def first(self, start: K, count: int) -> list[K]:
        """The first ``count`` links of the chain from ``start`` (fewer if it is shorter)."""
        return [link for link, _ in zip(self.walk(start), range(count), strict=False)]

    def last(self, start: K, count: int) -> list[K]:
        """The last ``count`` links (at most :attr:`KEEP`) of the chain from ``start``."""
        if count > self.KEEP:
            raise ValueError(f"only the last {self.KEEP} links are kept")
        if start not in self._last:
            self._learn(start)
        return list(self._last[start][-count:]) if count else []


def written(handoff: Handoff) -> str:
    """A handoff as it is written: ``build -> review``."""
    return f"{handoff.source.name} -> {handoff.target.name}"
