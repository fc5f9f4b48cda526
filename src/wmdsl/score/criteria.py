"""The criteria of each framework, as data: what each asks, which facts answer it, which findings lower it.

Each row names the fact of the compiled model that answers it (a function of
:mod:`wmdsl.score.facts`, by name) and the rule codes whose findings count
against it. How a row becomes a status and a score is in
:mod:`wmdsl.score.evaluate`; ``docs/frameworks.md`` is the same table in prose,
and a test holds the two together.
"""

from __future__ import annotations

from dataclasses import dataclass

from wmdsl.score.records import Status


@dataclass(frozen=True, slots=True)
class ComponentSpec:
    """A scored component: its id (used by ``--fail-under``), title, short label and framework."""

    id: str
    title: str
    short: str
    framework: str


@dataclass(frozen=True, slots=True)
class CriterionSpec:
    """One criterion: the question, the fact that answers it, the codes that lower it.

    ``empty`` is the status when the workflow has none of the elements the
    fact asks about: not applicable (no SLA to measure) or missing (no
    decision rights at all, where the framework expects some).
    """

    id: str
    component: str
    question: str
    fact: str
    lowered_by: tuple[str, ...] = ()
    empty: Status = Status.MISSING


C4 = "C4 Flywheel"
STACK = "Coordination Stack"
PYRAMID = "Work Value Pyramid"
VISIBILITY = "Work Visibility Framework"

COMPONENTS: tuple[ComponentSpec, ...] = (
    ComponentSpec("clarity", "Clarity", "CLA", C4),
    ComponentSpec("coordination", "Coordination", "COO", C4),
    ComponentSpec("completion", "Completion", "COM", C4),
    ComponentSpec("collaboration", "Collaboration", "COL", C4),
    ComponentSpec("architecture", "Workflow Architecture", "ARC", C4),
    ComponentSpec("stack", "Coordination Stack", "STK", STACK),
    ComponentSpec("pyramid", "Value Pyramid", "PYR", PYRAMID),
    ComponentSpec("visibility", "Visibility", "VIS", VISIBILITY),
)

_NA = Status.NOT_APPLICABLE

CRITERIA: tuple[CriterionSpec, ...] = (
    # C4 Flywheel: Clarity, where are we going.
    CriterionSpec("clarity.goal", "clarity", "Has the workflow an owner and a purpose?", "goal", ("CLR006",)),
    CriterionSpec(
        "clarity.ownership",
        "clarity",
        "Has every lane, stage and intake an owner?",
        "ownership",
        ("CLR001", "CLR002", "CLR003", "HUM004"),
    ),
    CriterionSpec(
        "clarity.expectations",
        "clarity",
        "Has every kind of work taken in an SLE?",
        "expectations",
        ("PRG001",),
    ),
    CriterionSpec(
        "clarity.done", "clarity", "Has every stage a definition of done?", "done", ("CLR005",), _NA
    ),
    CriterionSpec(
        "clarity.explained",
        "clarity",
        "Does every kind of work taken in say its purpose and outcome?",
        "explained",
        ("CLR009",),
    ),
    # C4 Flywheel: Coordination, how work moves between people and teams.
    CriterionSpec(
        "coordination.decisions",
        "coordination",
        "Has every decision exactly one decider?",
        "decision_rights",
        ("CLR004", "HUM003"),
    ),
    CriterionSpec(
        "coordination.escalation",
        "coordination",
        "Has every decision an escalation path?",
        "escalation",
        ("ADP001", "ADP002", "ADP005"),
        _NA,
    ),
    CriterionSpec(
        "coordination.handoffs",
        "coordination",
        "Does every lane hand work to or take work from another?",
        "lane_handoffs",
        ("SYS001", "SYS002", "FLW009"),
        _NA,
    ),
    CriterionSpec(
        "coordination.informed",
        "coordination",
        "Does every decision consult or inform someone?",
        "informed",
        ("SYS003", "SYS004"),
        _NA,
    ),
    # C4 Flywheel: Completion, does work reliably finish.
    CriterionSpec(
        "completion.exits",
        "completion",
        "Can work finish, and be declined, from every intake?",
        "exits",
        ("FLW002", "FLW003", "FLW004", "FLW011", "FLW012", "FLW013", "FLW014"),
    ),
    CriterionSpec("completion.wip", "completion", "Has every stage a WIP limit?", "wip", ("FLW005",), _NA),
    CriterionSpec(
        "completion.capacity",
        "completion",
        "Are arrivals and effort known, and within capacity?",
        "capacity",
        ("FLW006", "FLW007", "FLW015", "FLW016", "VIS003"),
    ),
    CriterionSpec(
        "completion.predictability",
        "completion",
        "Do main paths fit their SLEs, and is rework bounded?",
        "predictability",
        ("PRG001", "PRG002", "FLW008", "FLW010"),
        _NA,
    ),
    # C4 Flywheel: Collaboration, the human side.
    CriterionSpec(
        "collaboration.teams",
        "collaboration",
        "Is every lane a team with room to work?",
        "teams",
        ("HUM001", "HUM002", "HUM006", "HUM007", "HUM008", "CLR007", "FLW015", "FLW016"),
        _NA,
    ),
    CriterionSpec(
        "collaboration.cover",
        "collaboration",
        "Has every lane and decision someone to cover it?",
        "cover",
        ("HUM005",),
        _NA,
    ),
    CriterionSpec(
        "collaboration.feedback",
        "collaboration",
        "Does a cadence review the workflow regularly?",
        "feedback",
        ("ADP003",),
    ),
    # C4: Workflow Architecture, the structure that holds them.
    CriterionSpec(
        "architecture.intake",
        "architecture",
        "Does every intake say its channel, criteria and work?",
        "intake_design",
        ("FLW004",),
    ),
    CriterionSpec(
        "architecture.structure",
        "architecture",
        "Is every stage in a lane, on one connected flow?",
        "structure",
        ("FLW001", "SYS001", "ADP004"),
        _NA,
    ),
    CriterionSpec(
        "architecture.tools",
        "architecture",
        "Has every board an owner and an audience?",
        "tools",
        ("VIS001", "HUM004"),
    ),
    # The Coordination Stack, per intake and kind of work.
    CriterionSpec("stack.who", "stack", "Who does it?", "stack_who", ("CLR003",)),
    CriterionSpec("stack.what", "stack", "What is it?", "stack_what", ("CLR009",)),
    CriterionSpec("stack.when", "stack", "By when?", "stack_when", ("PRG001",)),
    CriterionSpec("stack.how", "stack", "How does it flow?", "stack_how", ("FLW001", "FLW004")),
    CriterionSpec("stack.why", "stack", "Why does it matter?", "stack_why", ("CLR006", "CLR009")),
    # The Work Value Pyramid.
    CriterionSpec("pyramid.outcome", "pyramid", "Is an outcome measured?", "outcome_measured", ("PRG003",)),
    CriterionSpec("pyramid.progress", "pyramid", "Is progress measured?", "progress_measured", ("VIS002",)),
    CriterionSpec("pyramid.levels", "pyramid", "Does every metric say its level?", "levels"),
    # The Work Visibility Framework.
    CriterionSpec(
        "visibility.boards", "visibility", "Is every stage on a board?", "on_boards", ("VIS001",), _NA
    ),
    CriterionSpec(
        "visibility.slas", "visibility", "Is every SLA measured?", "slas_measured", ("VIS004",), _NA
    ),
    CriterionSpec("visibility.sles", "visibility", "Is every SLE measured?", "sles_measured", (), _NA),
    CriterionSpec(
        "visibility.decisions",
        "visibility",
        "Is every decision visible to those it informs?",
        "decisions_visible",
        ("SYS003",),
        _NA,
    ),
    CriterionSpec("visibility.flow", "visibility", "Is flow measured?", "flow_measured", ("VIS002",)),
)


def component(component_id: str) -> ComponentSpec:
    """The component with ``component_id``."""
    return next(c for c in COMPONENTS if c.id == component_id)


def criteria_of(component_id: str) -> tuple[CriterionSpec, ...]:
    """The criteria of one component, in table order."""
    return tuple(c for c in CRITERIA if c.component == component_id)
