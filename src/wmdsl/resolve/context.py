"""State shared by the readers while one document is resolved."""

from __future__ import annotations

from dataclasses import dataclass, field

from wmdsl.model import Ref
from wmdsl.resolve.scope import Scope, Use
from wmdsl.resolve.sink import Sink


@dataclass(slots=True)
class Context:
    """The sink for diagnostics, the scope being filled, and uses to check."""

    sink: Sink
    scope: Scope
    uses: list[Use] = field(default_factory=list)

    def use(self, ref: Ref, kinds: frozenset[str], role: str) -> Ref:
        """Record ``ref`` to be checked against the finished scope."""
        self.uses.append(Use(ref, kinds, role))
        return ref
