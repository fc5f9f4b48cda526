"""State shared by the readers while one document is resolved."""

from __future__ import annotations

from wmdsl.model import Ref
from wmdsl.record import Record
from wmdsl.resolve.scope import Scope, Use
from wmdsl.resolve.sink import Sink


class Context(Record):
    """The sink for diagnostics, the scope being filled, and uses to check."""

    __slots__ = ("scope", "sink", "uses")
    sink: Sink
    scope: Scope
    uses: list[Use]

    def __init__(self, sink: Sink, scope: Scope, uses: list[Use] | None = None) -> None:
        self.sink = sink
        self.scope = scope
        self.uses = [] if uses is None else uses

    def use(self, ref: Ref, kinds: frozenset[str], role: str) -> Ref:
        """Record ``ref`` to be checked against the finished scope."""
        self.uses.append(Use(ref, kinds, role))
        return ref
