"""How findings name chains and lists of elements: in full when short, cut short when long.

A message names a path, a loop or a set of decisions so the reader can find
them; past a handful, more names help nobody and make the message as long
as the spec. A path of 40 000 stages in one message, and one such message per
intake, made a report quadratic in the spec. The related notes and the
element keys still point at every element.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["ARROW", "arrows", "listed"]

ARROW = " → "
_CHAIN = 8  # names of a chain shown at most: its first six and its last two
_LIST = 5  # names of a list shown at most


def arrows(names: Sequence[str], shown: int = _CHAIN, joint: str = ARROW) -> str:
    """```a` → `b` → `c```, or ``joint`` between the names.

    A chain longer than ``shown`` keeps its two ends and says how many names are left out.
    """
    quoted = [f"`{name}`" for name in names]
    if len(quoted) > shown:
        quoted = [*quoted[: shown - 2], f"… ({len(names) - shown + 2} more)", *quoted[-2:]]
    return joint.join(quoted)


def listed(names: Sequence[str], quoted: bool = True, shown: int = _LIST) -> str:
    """```a`, `b`, `c```; a list longer than ``shown`` keeps its first names and gives the count."""
    named = [f"`{name}`" if quoted else name for name in names[:shown]]
    return ", ".join(named) + (f", … ({len(names)} in all)" if len(names) > shown else "")
