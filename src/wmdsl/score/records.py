"""What a scorecard holds: plain frozen dataclasses, dumped and described by pydantic.

pydantic is imported only by :func:`dump_json` and :func:`json_schema`, as for
the model (:mod:`wmdsl.model`): scoring itself never loads it. Every list is
kept in a fixed order (the criteria table's, or by place in the spec), so the
same specs give the same bytes.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Literal

SCHEMA_VERSION = 1


class Status(enum.Enum):
    """How far a criterion is met."""

    PRESENT = "present"
    PARTIAL = "partial"
    MISSING = "missing"
    NOT_APPLICABLE = "n/a"

    @property
    def points(self) -> float | None:
        """1 for present, 0.5 for partial, 0 for missing; None when it does not apply."""
        return _POINTS[self]

    @property
    def mark(self) -> str:
        """One character for tables: ● present, ◐ partial, ○ missing, – not applicable."""
        return _MARKS[self]


_POINTS = {Status.PRESENT: 1.0, Status.PARTIAL: 0.5, Status.MISSING: 0.0, Status.NOT_APPLICABLE: None}
_MARKS = {Status.PRESENT: "●", Status.PARTIAL: "◐", Status.MISSING: "○", Status.NOT_APPLICABLE: "–"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Evidence:
    """One fact or finding behind a criterion's status, with where it is written."""

    effect: Literal["raises", "lowers"] = field(
        metadata={"description": "Whether it counts for the criterion (raises) or against it (lowers)."}
    )
    text: str
    where: str = field(metadata={"description": "file:line:col of the element or finding."})
    code: str | None = field(default=None, metadata={"description": "The rule code, for a finding."})


@dataclass(frozen=True, slots=True, kw_only=True)
class Criterion:
    """One criterion of a component, as met by one workflow."""

    id: str
    question: str
    status: Status
    facts: Status = field(metadata={"description": "The status the facts alone give, before findings."})
    met: int | None = field(
        default=None, metadata={"description": "How many of the elements asked about meet it."}
    )
    of: int | None = field(default=None, metadata={"description": "How many elements it asks about."})
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Component:
    """A component's score: the share of its criteria met, as a whole number from 0 to 100."""

    id: str
    title: str
    framework: str
    score: int | None = field(
        metadata={"description": "100 × the mean of its criteria's points; null when none applies."}
    )
    criteria: tuple[Criterion, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class StackCell:
    """One question of the Coordination Stack for one intake and work type."""

    question: Literal["who", "what", "when", "how", "why"]
    status: Status
    answer: str | None = field(default=None, metadata={"description": "The element that answers it."})
    where: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class StackRow:
    """The Coordination Stack of one intake and one work type it accepts (or none)."""

    intake: str
    work: str | None
    where: str
    cells: tuple[StackCell, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class LevelledMetric:
    """A metric and the Value Pyramid level it declares."""

    metric: str
    title: str | None
    level: Literal["activity", "progress", "outcome"] | None
    where: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Pyramid:
    """The metrics of a workflow by Value Pyramid level, and their balance."""

    activity: int
    progress: int
    outcome: int
    unlevelled: int
    balance: str = field(metadata={"description": "One phrase: balanced, activity only, no outcome, …"})
    metrics: tuple[LevelledMetric, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Scorecard:
    """The scorecard of one workflow."""

    workflow: str
    title: str | None
    file: str
    where: str
    components: tuple[Component, ...]
    stack: tuple[StackRow, ...] = ()
    pyramid: Pyramid


@dataclass(frozen=True, slots=True, kw_only=True)
class Total:
    """The project's score of one component: the share of its criteria met over every workflow."""

    id: str
    title: str
    score: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """A component's score at the revision compared against, and now."""

    id: str
    before: int | None
    after: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkflowChange:
    """How one workflow's scores moved since the revision (before is null for a new workflow)."""

    file: str
    workflow: str
    changes: tuple[Change, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Comparison:
    """The scores of ``--git REV``: the revision, and each workflow's scores then and now."""

    revision: str
    commit: str
    project: tuple[Change, ...]
    workflows: tuple[WorkflowChange, ...] = ()
    removed: tuple[str, ...] = field(
        default=(),
        metadata={
            "description": "`file:workflow` of workflows the revision had and the specs no longer have."
        },
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Scores:
    """Every scorecard of a run, and the project's totals (what ``wmdsl score --format json`` prints)."""

    version: int = SCHEMA_VERSION
    project: tuple[Total, ...] = ()
    workflows: tuple[Scorecard, ...] = ()
    comparison: Comparison | None = None


def _adapter() -> Any:
    import pydantic

    return pydantic.TypeAdapter(Scores)


def dump_json(scores: Scores) -> str:
    """``scores`` as indented JSON text, fields in their declared order."""
    return str(_adapter().dump_json(scores, indent=2).decode("utf-8")) + "\n"


def json_schema() -> dict[str, Any]:
    """The JSON Schema of :class:`Scores` (what ``wmdsl score --schema`` prints)."""
    schema: dict[str, Any] = _adapter().json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "wmdsl scores"
    return schema
